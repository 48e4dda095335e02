"""A plan: dated workouts (``PlannedDay``) plus the parameters and weeks that made it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from deliberun.plan.text import parse_workout
from deliberun.plan.workout import WORKOUT_TYPES, Workout

STATUSES = ("planned", "done", "skipped", "moved")


@dataclass(frozen=True)
class PlannedDay:
    """One planned workout on a local date; ``id`` is its stored id (None until stored),
    kept through edits so a calendar or a form can name the workout, not only its date."""

    date: date
    workout_type: str
    text: str
    status: str = "planned"
    notes: str | None = None
    activity_id: int | None = None
    phase: str | None = None
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.workout_type not in WORKOUT_TYPES:
            raise ValueError(
                f"workout type {self.workout_type!r} unknown: use one of {', '.join(WORKOUT_TYPES)}"
            )
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} unknown: use one of {', '.join(STATUSES)}")

    def workout(self) -> Workout:
        return parse_workout(self.text, workout_type=self.workout_type)

    def with_(self, **changes: Any) -> PlannedDay:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "date": self.date.isoformat(),
            "workout_type": self.workout_type,
            "text": self.text,
            "status": self.status,
        }
        for k in ("notes", "activity_id", "phase", "id"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        return d


@dataclass(frozen=True)
class Week:
    """One plan week (Monday start): phase, whether it is a recovery week, volume [km]."""

    index: int
    start: date
    phase: str
    recovery: bool
    target_km: float
    planned_km: float
    race_km: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = self.start.isoformat()
        return d


@dataclass
class Plan:
    """Planned days in date order, with the generator's parameters and weeks (if generated)."""

    days: list[PlannedDay]
    name: str = "plan"
    params: dict[str, Any] = field(default_factory=dict)
    weeks: list[Week] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.days = sorted(self.days, key=lambda d: d.date)

    def on(self, day: date) -> list[PlannedDay]:
        return [d for d in self.days if d.date == day]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": self.params,
            "weeks": [w.to_dict() for w in self.weeks],
            "days": [d.to_dict() for d in self.days],
        }
