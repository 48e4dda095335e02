"""Training cycles: dates, an optional goal race, and two or three targets.

Focus is the point of deliberate practice: a cycle refuses a fourth target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from deliberun.practice.targets import TargetSpec
from deliberun.units import plain

MAX_TARGETS = 3


class TooManyTargetsError(ValueError):
    """A fourth target was added to a cycle."""


@dataclass
class GoalRace:
    distance_m: float
    date: date
    goal_time_s: float | None = None

    @property
    def goal_pace_s_per_km(self) -> float | None:
        if not self.goal_time_s:
            return None
        return 1000.0 * self.goal_time_s / self.distance_m

    def to_dict(self) -> dict[str, Any]:
        return {
            "distance_m": self.distance_m,
            "date": self.date.isoformat(),
            "goal_time_s": self.goal_time_s,
        }


@dataclass
class Cycle:
    """A training cycle [start, end] (local dates, inclusive)."""

    name: str
    start: date
    end: date
    goal_race: GoalRace | None = None
    targets: list[TargetSpec] = field(default_factory=list)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"cycle {self.name!r} ends ({self.end}) before it starts ({self.start}); "
                "swap the dates"
            )
        if len(self.targets) > MAX_TARGETS:
            raise TooManyTargetsError(
                f"cycle {self.name!r} has {len(self.targets)} targets; keep 2 or 3: "
                "focus is the point"
            )
        for i, t in enumerate(self.targets):
            t.validate()
            self._refuse_twice(t, self.targets[:i])

    def _refuse_twice(self, target: TargetSpec, others: list[TargetSpec]) -> None:
        if any((o.kind, o.name) == (target.kind, target.name) for o in others):
            raise ValueError(
                f"cycle {self.name!r} already has a {target.name or plain(target.kind)} target; "
                "change its goal instead (custom targets need different --name values)"
            )

    def add_target(self, target: TargetSpec) -> None:
        """Add a target; a fourth, or a second of the same kind and name, is refused."""
        target.validate()
        self._refuse_twice(target, self.targets)
        if len(self.targets) >= MAX_TARGETS:
            names = ", ".join(t.name or plain(t.kind) for t in self.targets)
            raise TooManyTargetsError(
                f"cycle {self.name!r} already has {MAX_TARGETS} targets ({names}); "
                "focus is the point: drop one before adding another"
            )
        self.targets.append(target)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def week_of(self, day: date) -> int:
        """1-based week number of ``day`` in the cycle."""
        return (day - self.start).days // 7 + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "goal_race": self.goal_race.to_dict() if self.goal_race else None,
            "targets": [t.to_dict() for t in self.targets],
        }


def current_cycle(cycles: list[Cycle], today: date) -> Cycle | None:
    """The cycle holding ``today`` (the latest-starting one if several overlap)."""
    live = [c for c in cycles if c.contains(today)]
    return max(live, key=lambda c: c.start) if live else None


def cycle_in_force(cycles: list[Cycle], today: date) -> Cycle | None:
    """The cycle holding ``today``, else the latest-starting one; None without cycles."""
    if not cycles:
        return None
    return current_cycle(cycles, today) or max(cycles, key=lambda c: c.start)
