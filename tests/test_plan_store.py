"""The plan tables: migration matches the ORM; plans store and load back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect

from deliberun.plan.generate import generate_plan
from deliberun.services import plan as svc
from deliberun.store.db import Database
from deliberun.store.tables_plan import PlannedWorkoutRow, PlanRow


def test_migration_creates_the_orm_columns(db_path) -> None:
    db = Database(db_path)
    insp = inspect(db.engine)
    for row in (PlanRow, PlannedWorkoutRow):
        table = row.__table__
        cols = {c["name"] for c in insp.get_columns(table.name)}
        assert cols == {c.name for c in table.columns}
    fks = insp.get_foreign_keys("planned_workouts")
    assert fks[0]["referred_table"] == "plans"
    assert {ix["name"] for ix in insp.get_indexes("planned_workouts")} >= {
        "ix_planned_workouts_plan_id",
        "ix_planned_workouts_date",
    }
    db.dispose()


def test_save_and_load_current_plan(db_path) -> None:
    db = Database(db_path)
    with pytest.raises(ValueError, match="no plan yet"):
        svc.current_plan(db)
    plan = generate_plan(10000, date(2027, 3, 7), start=date(2026, 12, 1), vdot=50)
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    pid = svc.save_plan(db, plan, now=now)
    got_id, got = svc.current_plan(db)
    assert got_id == pid and got.name == plan.name and got.params == plan.params
    # every field survives the store, the phase too
    assert got.days == plan.days  # dataclass equality leaves the id out
    assert all(d.id for d in got.days) and len({d.id for d in got.days}) == len(got.days)
    assert {d.phase for d in got.days} == {"base", "build", "peak", "taper"}
    days = svc.edit(db, "skip", plan.days[0].date)
    assert days[0].status == "skipped"
    assert svc.current_plan(db)[1].days[0].status == "skipped"
    with pytest.raises(ValueError, match="unknown edit"):
        svc.edit(db, "shred")
    db.dispose()
