"""Stored practice sessions: a page uses a stored session only when its key is the key of
its inputs now, each input change rebuilds that session (and only the sessions it feeds),
and what the pages read is exactly a fresh build.

``services.practice_sessions`` keeps each run's session as built (before the journal) with
a SHA-1 of everything its build read (``session_key``); ``stored_verdicts.refresh`` (an
import, a Strava sync, ``recompute``, the dashboard's warm-up) stores the ones built.
On SQLite and on a throwaway PostgreSQL cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from deliberun.services import practice_sessions as ps
from deliberun.services import stored_verdicts as sv
from deliberun.services.importer import import_paths
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.store.tables_core import ActivityRow
from deliberun.store.tables_verdicts import StoredSessionRow


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory, marathon_sim) -> Iterator[Database]:
    """The simulated runner imported (the import stores the sessions)."""
    from pg_cluster import backend_url

    url, cluster = backend_url(request.param, tmp_path_factory.mktemp("sessions"), "sessions")
    database = Database(url)
    report = import_paths(database, [marathon_sim[0]], workers=1, now=_now(marathon_sim[1]))
    assert report.imported and not report.failed
    yield database
    database.dispose()
    if cluster is not None:
        cluster.stop()


def _now(day: date) -> datetime:
    return datetime.combine(day, time(20), tzinfo=UTC)


def _today(db: Database) -> date:
    with db.session() as s:
        last = s.scalar(select(func.max(ActivityRow.local_date)))
    assert isinstance(last, date)
    return last


def built_now(db: Database) -> set[int]:
    """The runs a page would build now (their stored session missing or stale)."""
    values: dict[int, tuple[str, str]] = {}
    ps.build_sessions(db, today=_today(db), to_store=values)
    return set(values)


def _keys(db: Database) -> dict[int, str]:
    with db.session() as s:
        return dict(s.execute(select(StoredSessionRow.activity_id, StoredSessionRow.key)).all())


def assert_stored_are_fresh(db: Database) -> None:
    """Nothing left to build, and what the pages read is a fresh build, field for field."""
    today = _today(db)
    assert built_now(db) == set()
    kept = ps.build_sessions(db, today=today)
    fresh = ps.build_sessions(db, today=today, stored_ok=False)
    assert [ps.encode_session(x) for x in kept] == [ps.encode_session(x) for x in fresh]
    assert kept == fresh
    assert all(type(x.local_date) is date and x.start_time and x.start_time.tzinfo for x in kept)


def _run_ids(db: Database) -> list[int]:
    return [int(x.activity_id or 0) for x in ps.build_sessions(db, today=_today(db))]


def test_the_import_stores_every_session(db: Database) -> None:
    ids = _run_ids(db)
    assert len(ids) > 50 and set(_keys(db)) == set(ids)
    assert_stored_are_fresh(db)
    assert sv.refresh(db, today=_today(db)) == 0


def test_the_page_reads_the_stored_session(db: Database) -> None:
    """A stored value under a matching key is what the page shows (so the key is all
    that keeps a stale one out)."""
    aid = _run_ids(db)[-1]
    with db.session() as s:
        row = s.get(StoredSessionRow, aid)
        assert row is not None
        value = row.value
    changed = value.replace('"workout_type": "', '"workout_type": "X', 1)
    assert changed != value
    with db.session() as s, s.begin():
        s.execute(update(StoredSessionRow).where(StoredSessionRow.activity_id == aid)
                  .values(value=changed))  # fmt: skip
    shown = {x.activity_id: x for x in ps.build_sessions(db, today=_today(db))}
    assert shown[aid].workout_type.startswith("X")
    with db.session() as s, s.begin():
        s.execute(update(StoredSessionRow).where(StoredSessionRow.activity_id == aid)
                  .values(value=value))  # fmt: skip
    assert_stored_are_fresh(db)


def test_new_metrics_rebuild_that_session_only(db: Database) -> None:
    aid = _run_ids(db)[-4]
    with db.session() as s, s.begin():
        repo.save_metrics(s, aid, repo.get_metrics(s, aid), "test", now=_now(_today(db)))
    assert built_now(db) == {aid}
    assert ps.store_sessions(db, today=_today(db)) == 1
    assert_stored_are_fresh(db)


def test_an_edited_run_rebuilds_that_session_only(db: Database) -> None:
    """A bare UPDATE of one run's distance (no refresh): its key changed."""
    aid = _run_ids(db)[-6]
    with db.session() as s, s.begin():
        s.execute(update(ActivityRow).where(ActivityRow.id == aid)
                  .values(distance_m=ActivityRow.distance_m + 10.0))  # fmt: skip
    assert aid in built_now(db)
    sv.refresh(db, today=_today(db))
    assert_stored_are_fresh(db)


def test_a_plan_step_changed_rebuilds_that_days_sessions(db: Database) -> None:
    from deliberun.services.plan import current_plan, replace_days

    plan_id, plan = current_plan(db)
    sessions = ps.build_sessions(db, today=_today(db))
    by_day: dict[date, set[int]] = {}
    for x in sessions:
        by_day.setdefault(x.local_date, set()).add(int(x.activity_id or 0))
    w = next(d for d in reversed(plan.days) if d.date in by_day and d.workout_type == "easy")
    days = [d.with_(text=d.text + " easy") if d.id == w.id else d for d in plan.days]
    replace_days(db, plan_id, days, now=_now(_today(db)))
    assert built_now(db) == by_day[w.date]
    sv.refresh(db, today=_today(db))
    assert_stored_are_fresh(db)


def test_a_journal_entry_needs_no_new_session(db: Database) -> None:
    """The journal is applied after the build, to stored and built sessions alike."""
    from deliberun.practice.journal import JournalEntry
    from deliberun.services.practice import log_entry

    x = ps.build_sessions(db, today=_today(db))[-2]
    log_entry(db, JournalEntry(date=x.local_date, activity_id=x.activity_id, rpe=8.5,
                               notes="legs heavy", tags=["heat"]))  # fmt: skip
    assert built_now(db) == set()
    shown = {s.activity_id: s for s in ps.build_sessions(db, today=_today(db))}
    assert shown[x.activity_id].rpe == 8.5 and "heat" in shown[x.activity_id].tags
    assert_stored_are_fresh(db)


def test_the_threshold_setting_rebuilds_the_sessions_it_paces(db: Database) -> None:
    from deliberun.services.athlete_settings import set_value

    before = ps.build_sessions(db, today=_today(db))
    set_value(db, "threshold_pace_s_per_km", "250")
    rebuilt = built_now(db)
    after = ps.build_sessions(db, today=_today(db), stored_ok=False)
    changed = {a.activity_id for a, b in zip(before, after, strict=True) if a != b}
    assert changed and changed <= rebuilt
    sv.refresh(db, today=_today(db))
    assert_stored_are_fresh(db)
    set_value(db, "threshold_pace_s_per_km", "none")
    assert built_now(db) == rebuilt  # back to the old inputs: the old keys
    sv.refresh(db, today=_today(db))
    assert_stored_are_fresh(db)


def test_the_code_digest_is_in_every_key(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = set(_run_ids(db))
    monkeypatch.setattr(ps, "CODE", "another version of the code")
    assert built_now(db) == ids


def test_a_new_run_stores_only_its_own_session(db: Database, marathon_sim) -> None:
    """Deleting the last run and importing it again: the import stores its session and
    leaves every other stored session (key and value) as it was."""
    sessions = ps.build_sessions(db, today=_today(db))
    last = sessions[-1]
    others = [x for x in sessions if x.local_date == last.local_date and x is not last]
    assert not others  # a day of its own: no other session reads its day's load
    with db.session() as s:
        before = dict(s.execute(select(StoredSessionRow.activity_id, StoredSessionRow.value)).all())
    keys = _keys(db)
    with db.session() as s, s.begin():
        repo.delete_activity(s, int(last.activity_id or 0))
    report = import_paths(db, [marathon_sim[0]], workers=1, now=_now(marathon_sim[1]))
    assert len(report.imported) == 1
    new_keys = _keys(db)
    new = _run_ids(db)[-1]  # SQLite gives the last id again, PostgreSQL a new one
    assert new in new_keys
    assert {a: k for a, k in new_keys.items() if a != new} == {
        a: k for a, k in keys.items() if a != last.activity_id
    }
    with db.session() as s:
        after = dict(s.execute(select(StoredSessionRow.activity_id, StoredSessionRow.value)).all())
    assert after[new].replace(f'"activity_id": {new}', "") == before[
        int(last.activity_id or 0)
    ].replace(f'"activity_id": {last.activity_id}', "")
    assert_stored_are_fresh(db)


def test_a_new_goal_pace_rebuilds_the_sessions_it_measures(db: Database) -> None:
    """The goal race of the cycle in force sets the marathon-pace stretch of every session
    (``mp_stretch_s``): a new cycle with another goal time is in every key."""
    from deliberun.practice.cycles import Cycle, GoalRace, cycle_in_force
    from deliberun.services.practice import create_cycle, list_cycles

    today = _today(db)
    before = ps.build_sessions(db, today=today)
    old = cycle_in_force(list_cycles(db), today)
    pace = (old.goal_race.goal_pace_s_per_km if old and old.goal_race else None) or 300.0
    goal = GoalRace(distance_m=42195.0, date=today + timedelta(days=30),
                    goal_time_s=42.195 * (pace - 20.0))  # fmt: skip
    # the latest-starting cycle holding today is the one in force
    create_cycle(db, Cycle(name="faster", start=today, end=today + timedelta(days=30),
                           goal_race=goal))  # fmt: skip
    assert cycle_in_force(list_cycles(db), today).goal_race == goal  # type: ignore[union-attr]
    rebuilt = built_now(db)
    after = ps.build_sessions(db, today=today, stored_ok=False)
    changed = {a.activity_id for a, b in zip(before, after, strict=True) if a != b}
    assert changed and changed <= rebuilt
    sv.refresh(db, today=today)
    assert_stored_are_fresh(db)


def test_an_empty_database_stores_nothing(tmp_path) -> None:
    database = Database(tmp_path / "empty.db")
    assert ps.store_sessions(database, today=date(2026, 1, 1)) == 0
    assert ps.build_sessions(database, today=date(2026, 1, 1) + timedelta(days=1)) == []
