"""What an n-of-1 experiment tries: its id, the change, the outcome metric, the design
and, from creation, its plan (see :mod:`deliberun.practice.experiments` for the analysis).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from deliberun.practice.session import get_outcome_metric

ASSIGNMENTS = ("randomised", "alternating", "before_after")


@dataclass
class ExperimentSpec:
    """What is being tried. ``workout_type`` None means every session counts."""

    id: str
    change: str
    metric: str
    workout_type: str | None = None
    assignment: str = "before_after"
    start: date | None = None
    change_date: date | None = None
    end: date | None = None
    status: str = "running"  # running | done | abandoned
    cause: str | None = None  # the nemesis cause it tests, if any
    planned_sessions: int | None = None  # both arms; set at creation
    min_detectable_effect: float | None = None  # in the metric's unit, at creation
    planned_after: int | None = None  # before/after: sessions planned after the change
    arms: list[int] | None = None  # randomised: the drawn arm of the k-th session

    def validate(self) -> None:
        """Raise ``ValueError`` saying what is wrong with the spec and how to fix it."""
        if not self.id:
            raise ValueError("an experiment needs an id (e.g. 'rest-longer')")
        get_outcome_metric(self.metric)
        if self.assignment not in ASSIGNMENTS:
            raise ValueError(
                f"unknown assignment {self.assignment!r}; use randomised, alternating "
                "or before_after"
            )
        if self.assignment == "before_after" and self.change_date is None:
            raise ValueError("a before_after experiment needs change_date (the day of the change)")
        if self.arms is not None and any(a not in (0, 1) for a in self.arms):
            raise ValueError("arms are 0 (A, without the change) or 1 (B, with it)")
        if self.start and self.change_date and self.change_date < self.start:
            raise ValueError("change_date is before start; the change must come after the start")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "change": self.change,
            "metric": self.metric,
            "workout_type": self.workout_type,
            "assignment": self.assignment,
            "start": self.start.isoformat() if self.start else None,
            "change_date": self.change_date.isoformat() if self.change_date else None,
            "end": self.end.isoformat() if self.end else None,
            "status": self.status,
            "cause": self.cause,
            "planned_sessions": self.planned_sessions,
            "min_detectable_effect": self.min_detectable_effect,
            "planned_after": self.planned_after,
        }
