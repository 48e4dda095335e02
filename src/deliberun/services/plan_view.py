"""``deliberun plan show`` and ``plan move``: the current plan with the experiment arm of
each coming session, and a move by date or by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from deliberun.plan.planned import PlannedDay
from deliberun.services import plan as svc
from deliberun.services.practice_experiments import coming_arms
from deliberun.store.db import Database


@dataclass(frozen=True)
class PlanView:
    """The current plan as ``plan show`` prints it.

    ``document`` (``--json``) is ``services.plan.show``'s (``plan_id``, ``name``, ``title``,
    ``params``, ``vdot``, ``paces_s_per_km``, ``days`` with steps, ``projection``) plus
    ``experiment_arms`` [{id, date, arm}]; ``experiments`` are the running experiments with
    their planned arms (``coming_arms``), for the words under the table.
    """

    document: dict[str, Any]
    experiments: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return self.document


def plan_view(db: Database, *, today: date, week: int | None = None) -> PlanView:
    """The current plan (``NoPlanYet`` when there is none), week ``week`` only if given,
    with the arm of every planned session of a running experiment up to its last day."""
    doc = svc.show(db, today=today, week=week)
    last = max((date.fromisoformat(d["date"]) for d in doc["days"]), default=today)
    arms = coming_arms(db, today=today, days_ahead=max(0, (last - today).days))
    doc["experiment_arms"] = [
        {"id": x["id"], "date": p["date"], "arm": p["arm"]} for x in arms for p in x["planned"]
    ]
    return PlanView(doc, arms)


@dataclass(frozen=True)
class MovedWorkout:
    """A planned workout after ``plan move``, and the day it came from."""

    moved: PlannedDay
    from_date: date

    def to_dict(self) -> dict[str, Any]:
        return {"moved": self.moved.to_dict(), "from": self.from_date.isoformat()}


def move(
    db: Database, to: date, *, today: date, workout_id: int | None = None, day: date | None = None
) -> MovedWorkout:
    """Move the workout ``workout_id`` (or the one session on ``day``) to ``to``; refused
    with the reason (``InvalidInput``) as ``services.plan.move_workout`` says."""
    if workout_id is None:
        if day is None:
            raise ValueError("move needs the workout's id or its day")
        workout_id = svc.workout_on(db, day).id
        assert workout_id is not None
    dates = {d.id: d.date for d in svc.current_plan(db)[1].days}
    moved = svc.move_workout(db, workout_id, to, today=today)  # refuses an unknown id
    return MovedWorkout(moved, dates[workout_id])
