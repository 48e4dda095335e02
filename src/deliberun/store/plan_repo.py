"""Reads and writes of the plan area: plans and their planned workouts.

No function commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from deliberun.plan.planned import Plan, PlannedDay
from deliberun.records import PlanRecord
from deliberun.store.tables_plan import PlannedWorkoutRow, PlanRow


def _plan(row: PlanRow | None) -> PlanRecord | None:
    if row is None:
        return None
    return PlanRecord(int(row.id), row.name, row.created_at, dict(row.params or {}), row.cycle_id)


def latest_plan(session: Session) -> PlanRecord | None:
    """The newest plan (highest id), or None."""
    return _plan(session.scalars(select(PlanRow).order_by(PlanRow.id.desc()).limit(1)).first())


def get_plan(session: Session, plan_id: int) -> PlanRecord | None:
    """Plan ``plan_id``, or None."""
    return _plan(session.get(PlanRow, plan_id))


def set_plan_header(session: Session, plan: PlanRecord) -> bool:
    """Store a plan's name and params (a ``dataclasses.replace`` of one read here);
    False when there is no such plan."""
    row = session.get(PlanRow, plan.id)
    if row is None:
        return False
    row.name, row.params = plan.name, dict(plan.params)
    return True


_DAY_COLUMNS = ("date", "workout_type", "text", "status", "notes", "activity_id", "phase", "id")


def plan_day_rows(session: Session, plan_id: int) -> list[Any]:
    """Rows ``(date, workout_type, text, status, notes, activity_id, phase, id)`` of a
    plan's workouts by date."""
    w = PlannedWorkoutRow
    return list(
        session.execute(
            select(*(getattr(w, c) for c in _DAY_COLUMNS))
            .where(w.plan_id == plan_id)
            .order_by(w.date, w.id)
        ).all()
    )


def _planned(r: Any) -> PlannedDay:
    return PlannedDay(
        r.date,
        r.workout_type,
        r.text,
        status=r.status,
        notes=r.notes,
        activity_id=r.activity_id,
        phase=r.phase,
        id=r.id,
    )


def planned_days(session: Session, plan_id: int) -> list[PlannedDay]:
    """A plan's workouts by date (``id`` set)."""
    return [_planned(r) for r in plan_day_rows(session, plan_id)]


def planned_in_force(session: Session, since: date, until: date) -> list[PlannedDay]:
    """The planned workouts of :func:`days_in_force` (``id`` set), by date."""
    return [_planned(r) for r in days_in_force(session, since, until)]


def plan_spans(session: Session) -> list[tuple[int, date, date]]:
    """``(plan id, first date, last date)`` of every plan with workouts, newest first."""
    w = PlannedWorkoutRow
    rows = session.execute(
        select(w.plan_id, func.min(w.date), func.max(w.date))
        .group_by(w.plan_id)
        .order_by(w.plan_id.desc())
    ).all()
    return [(int(pid), lo, hi) for pid, lo, hi in rows]


def days_in_force(session: Session, since: date, until: date) -> list[Any]:
    """Planned workouts in ``[since, until]`` of the plan in force on each date, by date.

    The plan in force on a date is the newest plan whose span (first to last
    planned date) holds it: a new plan that starts next Monday leaves the old
    plan's days before Monday as they were planned. Rows as ``plan_day_rows``
    plus ``plan_id``.
    """
    spans = [s for s in plan_spans(session) if s[1] <= until and s[2] >= since]
    if not spans:
        return []

    def owner(day: date) -> int | None:
        for pid, lo, hi in spans:  # newest first
            if lo <= day <= hi:
                return pid
        return None

    w = PlannedWorkoutRow
    rows = session.execute(
        select(*(getattr(w, c) for c in _DAY_COLUMNS), w.plan_id)
        .where(w.plan_id.in_([s[0] for s in spans]))
        .where(w.date >= since, w.date <= until)
        .order_by(w.date, w.id)
    ).all()
    return [r for r in rows if owner(r.date) == r.plan_id]


def _new_workout_row(plan_id: int, d: PlannedDay) -> PlannedWorkoutRow:
    """A planned day as a new row of plan ``plan_id`` (the database numbers it)."""
    return PlannedWorkoutRow(
        plan_id=plan_id,
        date=d.date,
        workout_type=d.workout_type,
        text=d.text,
        phase=d.phase,
        status=d.status,
        activity_id=d.activity_id,
        notes=d.notes,
    )


def add_plan(
    session: Session, plan: Plan, *, created_at: datetime, cycle_id: int | None = None
) -> int:
    """Add a plan and its planned days as new rows (ids of days copied from another
    plan are not reused); returns the plan's id."""
    row = PlanRow(name=plan.name, created_at=created_at, params=plan.params, cycle_id=cycle_id)
    session.add(row)
    session.flush()
    for d in plan.days:
        session.add(_new_workout_row(row.id, d))
    return int(row.id)


def replace_workouts(session: Session, plan_id: int, workouts: Iterable[PlannedDay]) -> None:
    """Make ``workouts`` the plan's planned workouts: one with the id of a stored
    workout of the plan updates it in place (its id is kept, so calendars and forms
    that name it still find it), the others are added, and stored ones not given
    are deleted."""
    w = PlannedWorkoutRow
    stored = {r.id: r for r in session.scalars(select(w).where(w.plan_id == plan_id))}
    keep: set[int] = set()
    fields = ("date", "workout_type", "text", "phase", "status", "activity_id", "notes")
    for day in workouts:
        old = stored.get(day.id) if day.id is not None else None
        if old is None:  # a new row: the database numbers it
            session.add(_new_workout_row(plan_id, day))
            continue
        keep.add(old.id)
        for f in fields:
            setattr(old, f, getattr(day, f))
    gone = [i for i in stored if i not in keep]
    if gone:
        session.execute(delete(w).where(w.id.in_(gone)))


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
    """``(date, workout_type, text)`` of the workouts in force in ``[since, until]``
    (``days_in_force``: each date from the plan in force then), by date."""
    return [(r.date, r.workout_type, r.text) for r in days_in_force(session, since, until)]
