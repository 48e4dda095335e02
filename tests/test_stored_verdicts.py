"""Stored race verdicts and session types: every write leaves them equal to a fresh judgement.

``services.stored_verdicts`` keeps each run's race verdict and session type with the key
of the inputs it was judged on; a page uses them only when every key is the key of the
inputs now. For each write path that can change an input (import and re-import, race
mark, journal, settings, cycles, plans, recompute, manual rows, Strava edits, delete, a
second athlete), these tests check, after the write:

- no stored value is missing or stale (the write refreshed them: the next cold page
  reads them instead of judging again), and
- what the pages read from the store is exactly a fresh judgement of the whole history
  (``stored_ok=False``), unrounded, including the runs the write did not touch.

Where a write changes a verdict, the test also checks it did change, so a stale value
could not pass for a fresh one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from deliberun.services import stored_verdicts as sv
from deliberun.services import verdict_keys as vk
from deliberun.services.importer import import_paths
from deliberun.services.races import race_verdicts, stored_race_verdicts
from deliberun.services.session_types import session_types, stored_session_types
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.store.tables_core import ActivityRow
from deliberun.store.tables_verdicts import StoredVerdictRow

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory, marathon_sim) -> Iterator[Database]:
    """The runner imported on a SQLite file and on a throwaway PostgreSQL cluster."""
    from pg_cluster import backend_url

    url, cluster = backend_url(request.param, tmp_path_factory.mktemp("stored"), "stored")
    database = Database(url)
    report = import_paths(database, [marathon_sim[0]], workers=1, now=NOW)
    assert report.imported and not report.failed
    yield database
    database.dispose()
    if cluster is not None:
        cluster.stop()


def _today(db: Database) -> date:
    with db.session() as s:
        last = s.scalar(select(ActivityRow.local_date).order_by(ActivityRow.local_date.desc()))
    return max(NOW.date(), last)


def _exact(values: dict[int, Any]) -> dict[int, tuple[Any, ...]]:
    return {k: tuple(vars(v).values()) for k, v in values.items()}


def assert_stale_then_refreshed(db: Database) -> dict[int, Any]:
    """For a write that stores nothing itself (the dashboard's warm-up does): some keys
    changed, the pages judge again (a fresh judgement), and a refresh makes them fresh."""
    today = _today(db)
    todo = sv.stale(db, today=today)
    assert todo["race"] or todo["session"], "the write changed no key"
    fresh = race_verdicts(db, today=today, stored_ok=False)
    assert _exact(race_verdicts(db, today=today)) == _exact(fresh)
    assert _exact(session_types(db, today=today)) == _exact(
        session_types(db, today=today, stored_ok=False)
    )
    assert sv.refresh(db, today=today) > 0
    return assert_stored_are_fresh(db)


def settle(db: Database) -> dict[int, Any]:
    """After a write that may or may not change a key (a mark changes only the session
    type of an unplanned run): the checks of whichever case it is."""
    todo = sv.stale(db, today=_today(db))
    if todo["race"] or todo["session"]:
        return assert_stale_then_refreshed(db)
    return assert_stored_are_fresh(db)


def assert_stored_are_fresh(db: Database) -> dict[int, Any]:
    """No stored value stale, and the stored ones are a fresh judgement; the verdicts."""
    today = _today(db)
    todo = sv.stale(db, today=today)
    assert todo == {"race": {}, "session": {}}, f"stale after the write: {todo}"
    kept = stored_race_verdicts(db, today=today, since=None)
    assert kept is not None
    fresh = race_verdicts(db, today=today, stored_ok=False)
    assert _exact(kept[0]) == _exact(fresh)
    types = stored_session_types(db, today=today, since=None)
    assert types is not None
    assert _exact(types) == _exact(session_types(db, today=today, stored_ok=False))
    # what the pages call returns the same (and a window of it)
    assert _exact(race_verdicts(db, today=today)) == _exact(fresh)
    since = max(_run_days(fresh, db)) - timedelta(days=60)
    window = race_verdicts(db, today=today, since=since)
    assert window and set(window) <= set(fresh)
    return fresh


def _run_days(verdicts: dict[int, Any], db: Database) -> list[date]:
    return [r.local_date for r in _runs(db) if r.id in verdicts]


def _runs(db: Database) -> list[ActivityRow]:
    with db.session() as s:
        return [r for r in repo.list_activities(s) if r.sport == "running"]


def test_import_stores_every_run(db: Database) -> None:
    fresh = assert_stored_are_fresh(db)
    with db.session() as s:
        stored = s.scalar(select(StoredVerdictRow.activity_id).limit(1))
    assert stored is not None and len(fresh) == len(_runs(db))


def test_importing_the_same_folder_again_keeps_them(db: Database, marathon_sim) -> None:
    report = import_paths(db, [marathon_sim[0]], workers=1, now=NOW)
    assert not report.imported
    assert_stored_are_fresh(db)


def test_a_race_mark_and_its_removal(db: Database) -> None:
    from deliberun.services.races import mark_race

    today = _today(db)
    before = race_verdicts(db, today=today, stored_ok=False)
    plain = next(k for k, v in before.items() if not v.is_race)
    mark_race(db, plain, True, today=today)
    after = settle(db)
    assert after[plain].is_race and after[plain].source == "runner"
    mark_race(db, plain, None, today=today)
    assert _exact(settle(db)) == _exact(before)


def test_a_journal_entry_with_rpe(db: Database) -> None:
    from deliberun.practice.journal import JournalEntry
    from deliberun.services.practice import log_entry

    run = _runs(db)[-1]
    log_entry(db, JournalEntry(date=run.local_date, activity_id=run.id, rpe=9.0, notes="hard"))
    assert_stored_are_fresh(db)


def test_settings_max_hr_and_threshold(db: Database) -> None:
    from deliberun.services.athlete_settings import set_value

    today = _today(db)
    before = race_verdicts(db, today=today, stored_ok=False)
    set_value(db, "hr_max_bpm", "172")
    after = assert_stale_then_refreshed(db)
    assert any(after[k].evidence != before[k].evidence for k in after)  # the max HR counts
    set_value(db, "threshold_pace_s_per_km", "250")
    settle(db)
    set_value(db, "hr_max_bpm", "none")
    set_value(db, "threshold_pace_s_per_km", "none")
    assert _exact(assert_stale_then_refreshed(db)) == _exact(before)


def test_a_goal_race_on_a_runs_day(db: Database) -> None:
    from deliberun.practice.cycles import Cycle, GoalRace
    from deliberun.services.practice import create_cycle

    today = _today(db)
    before = race_verdicts(db, today=today, stored_ok=False)
    run = max(
        (r for r in _runs(db) if not any("goal race" in e for e in before[r.id].evidence)),
        key=lambda r: r.distance_m or 0.0,
    )
    create_cycle(
        db,
        Cycle(
            name="goal",
            start=run.local_date - timedelta(days=60),
            end=run.local_date,
            goal_race=GoalRace(distance_m=float(run.distance_m), date=run.local_date),
        ),
    )
    after = assert_stale_then_refreshed(db)
    assert after[run.id].score != before[run.id].score  # the goal race day counts


def test_moving_a_planned_workout(db: Database) -> None:
    from deliberun.services.plan import current_plan, replace_days

    plan_id, plan = current_plan(db)
    runs = {r.local_date for r in _runs(db)}
    w = next(d for d in plan.days if d.date in runs and d.workout_type not in ("rest", "race"))
    days = [d.with_(workout_type="race") if d.id == w.id else d for d in plan.days]
    replace_days(db, plan_id, days, now=NOW)
    assert_stale_then_refreshed(db)
    replace_days(db, plan_id, plan.days, now=NOW)
    assert_stale_then_refreshed(db)


def test_a_metrics_recompute(db: Database) -> None:
    from deliberun.services.activities import recompute

    runs = _runs(db)
    report = recompute(db, workers=1, only=[runs[-1].id, runs[-5].id], now=NOW)
    assert len(report.recomputed) == 2
    assert_stored_are_fresh(db)


def test_new_metrics_drop_the_stored_row(db: Database) -> None:
    """The one metrics write path forgets the run's stored values (the key leaves the
    metrics out), so a reader judges the run again until a refresh."""
    run = _runs(db)[-3]
    with db.session() as s, s.begin():
        repo.save_metrics(s, run.id, repo.get_metrics(s, run.id), "test", now=NOW)
    with db.session() as s:
        assert s.get(StoredVerdictRow, run.id) is None
    today = _today(db)
    assert stored_race_verdicts(db, today=today, since=None) is None
    assert set(sv.stale(db, today=today)["race"]) == {run.id}
    sv.refresh(db, today=today)
    assert_stored_are_fresh(db)


def test_an_edit_the_page_did_not_refresh_is_caught_by_the_key(db: Database) -> None:
    """A write that calls no refresh (here a bare UPDATE: a Strava-sync edit of the name,
    as ``strava_sync`` writes it, without its refresh) leaves stale values that no page
    uses: the key of the inputs changed."""
    run = _runs(db)[-2]
    today = _today(db)
    with db.session() as s, s.begin():
        s.execute(update(ActivityRow).where(ActivityRow.id == run.id).values(name="10K race"))
    assert stored_race_verdicts(db, today=today, since=None) is None
    assert set(sv.stale(db, today=today)["race"]) == {run.id}
    fresh = race_verdicts(db, today=today)  # judged again: the name counts
    assert fresh == race_verdicts(db, today=today, stored_ok=False)
    assert any("race" in e for e in fresh[run.id].evidence)
    sv.refresh(db, today=today)
    assert_stored_are_fresh(db)


def test_deleting_a_run_rejudges_the_year_after_it(db: Database) -> None:
    """A run counts in the verdicts of the runs of the year after it (their similar
    runs): deleting it changes their keys, and the refresh judges them again."""
    runs = _runs(db)
    gone = runs[len(runs) // 3]
    today = _today(db)
    with db.session() as s, s.begin():
        repo.delete_activity(s, gone.id)
    with db.session() as s:
        assert s.get(StoredVerdictRow, gone.id) is None
    todo = sv.stale(db, today=today)["race"]
    assert todo and min(d for d, _ in todo.values()) >= gone.local_date
    sv.refresh(db, today=today)
    assert gone.id not in assert_stored_are_fresh(db)


def test_a_manual_row_of_an_export(db: Database, tmp_path: Path) -> None:
    """A Strava export row without a file becomes a manual run; its import refreshes."""
    day = _today(db) - timedelta(days=3)
    csv = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Moving Time,Filename\n"
        f'9001,"{day:%b} {day.day}, {day.year}, 7:00:00 AM",Parkrun,Run,,1260,5.0,1250,\n'
    )
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "activities.csv").write_text(csv)
    (tmp_path / "export" / "activities").mkdir()
    report = import_paths(db, [tmp_path / "export"], workers=1, now=NOW)
    assert report.manual and report.manual[0]["status"] == "imported", report.manual
    fresh = assert_stored_are_fresh(db)
    assert report.manual[0]["activity_id"] in fresh


def test_a_second_athlete_keeps_their_own(db: Database, marathon_sim) -> None:
    from deliberun.services.athletes import add_athlete

    if "b" not in [a["name"] for a in _athletes(db)]:
        add_athlete(db, "b", now=NOW)
    b = Database(db.url, athlete="b")
    folder = marathon_sim[0]
    report = import_paths(b, [folder], workers=1, now=NOW)
    assert report.imported
    mine = assert_stored_are_fresh(db)
    theirs = assert_stored_are_fresh(b)
    assert not set(mine) & set(theirs)
    with b.session() as s:
        ids = set(s.scalars(select(StoredVerdictRow.activity_id)))
    assert ids and not ids & set(mine)


def test_the_dashboard_warm_up_fills_an_upgraded_database(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database upgraded to 0012 has no stored verdicts: ``serve``'s warm-up stores
    them before it builds the pages (a read-only dashboard writes nothing)."""
    import threading

    from sqlalchemy import delete

    from deliberun.web import routes
    from deliberun.web.app import create_app, warm_loop

    with db.session() as s, s.begin():
        s.execute(delete(StoredVerdictRow))
    today = _today(db)
    for read_only in (True, False):
        app = create_app(db.url, today=today, read_only=read_only, athlete=db.athlete or "me")
        stop = threading.Event()
        monkeypatch.setattr(routes, "warm", lambda _app, stop=stop: stop.set())  # one round
        thread = threading.Thread(target=warm_loop, args=(app, stop, 0.01))
        thread.start()
        thread.join(timeout=300)
        stop.set()
        assert not thread.is_alive()
        todo = sv.stale(db, today=today)
        assert bool(todo["race"] and todo["session"]) == read_only
    assert_stored_are_fresh(db)


def _athletes(db: Database) -> list[dict[str, Any]]:
    from deliberun.services.athletes import list_athletes

    return list_athletes(db)


def test_the_code_digest_is_in_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new classifier judges again: the digest of its source is part of each key."""
    before = vk._key("race", 1)
    monkeypatch.setattr(vk, "CODE", "0" * 40)
    assert vk._key("race", 1) != before
