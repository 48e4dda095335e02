"""Reads and writes of the plan area: plans and their planned workouts.

No function commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from deliberun.store.tables_plan import PlannedWorkoutRow, PlanRow


def latest_plan(session: Session) -> PlanRow | None:
    """The newest plan (highest id), or None."""
    return session.scalars(select(PlanRow).order_by(PlanRow.id.desc()).limit(1)).first()


def get_plan(session: Session, plan_id: int) -> PlanRow | None:
    """Plan ``plan_id``, or None."""
    return session.get(PlanRow, plan_id)


def plan_day_rows(session: Session, plan_id: int) -> list[Any]:
    """Rows ``(date, workout_type, text, status, notes, activity_id, phase)`` of a plan's
    workouts by date."""
    w = PlannedWorkoutRow
    return list(
        session.execute(
            select(w.date, w.workout_type, w.text, w.status, w.notes, w.activity_id, w.phase)
            .where(w.plan_id == plan_id)
            .order_by(w.date, w.id)
        ).all()
    )


def add_plan(session: Session, row: PlanRow, workouts: Iterable[PlannedWorkoutRow]) -> int:
    """Add a plan and its planned workouts (``plan_id`` is set on each); returns its id."""
    session.add(row)
    session.flush()
    for w in workouts:
        w.plan_id = row.id
        session.add(w)
    return int(row.id)


def replace_workouts(session: Session, plan_id: int, workouts: Iterable[PlannedWorkoutRow]) -> None:
    """Delete a plan's planned workouts and add ``workouts`` instead."""
    session.execute(delete(PlannedWorkoutRow).where(PlannedWorkoutRow.plan_id == plan_id))
    for w in workouts:
        session.add(w)


def plan_params(session: Session) -> list[tuple[int, dict[str, Any] | None]]:
    """``(id, params)`` of every plan, newest first."""
    rows = session.execute(select(PlanRow.id, PlanRow.params).order_by(PlanRow.id.desc())).all()
    return [(int(pid), params) for pid, params in rows]


def count_workouts(session: Session, plan_id: int) -> int:
    """How many planned workouts plan ``plan_id`` has."""
    n = session.scalar(
        select(func.count())
        .select_from(PlannedWorkoutRow)
        .where(PlannedWorkoutRow.plan_id == plan_id)
    )
    return int(n or 0)


def latest_plan_days(session: Session, since: date, until: date) -> list[tuple[date, str, str]]:
    """``(date, workout_type, text)`` of the newest plan's workouts in ``[since, until]``,
    by date (empty without a plan)."""
    plan = latest_plan(session)
    if plan is None:
        return []
    rows = session.execute(
        select(PlannedWorkoutRow.date, PlannedWorkoutRow.workout_type,
               PlannedWorkoutRow.text)
        .where(PlannedWorkoutRow.plan_id == plan.id)
        .where(PlannedWorkoutRow.date >= since, PlannedWorkoutRow.date <= until)
        .order_by(PlannedWorkoutRow.date)
    ).all()  # fmt: skip
    return [(d, wt, text) for d, wt, text in rows]
