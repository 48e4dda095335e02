"""Stored zones: the VDOT and pace bands of the practice sessions' days are read stored
only under the key of now, every input change makes the page compute them again, and what
the pages read is exactly what they compute.

``services.athlete_zones`` keeps the zones of the session days from a first day as of a
day with the athlete's data version (``store.data_version``), the settings and the code;
``stored_verdicts.refresh`` (an import, a Strava sync, ``recompute``, the dashboard's
warm-up) stores those of the 400 days and of the Today page's weeks. On SQLite and on a
throwaway PostgreSQL cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from deliberun.services import athlete_zones as az
from deliberun.services import practice_sessions as ps
from deliberun.services import stored_verdicts as sv
from deliberun.services.importer import import_paths
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.store.tables_core import ActivityRow
from deliberun.store.tables_verdicts import StoredZonesRow

WINDOWS = ("400 days", "today's weeks")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory, marathon_sim) -> Iterator[Database]:
    """The simulated runner imported (the import stores the zones)."""
    from pg_cluster import backend_url

    url, cluster = backend_url(request.param, tmp_path_factory.mktemp("zones"), "zones")
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


def _since(db: Database, window: str) -> date | None:
    return None if window == WINDOWS[0] else _today(db) - timedelta(days=ps.TODAY_DAYS)


def computed(db: Database, window: str = WINDOWS[0], *, stored_ok: bool = True) -> dict[str, Any]:
    """The zones of the session days and the judged workout types of their runs a page of
    ``window`` computes now (``{"zones", "types"}``; empty: it read them stored)."""
    out: dict[str, Any] = {}
    ps.build_sessions(
        db, today=_today(db), since=_since(db, window), computed=out, stored_ok=stored_ok
    )
    return out


def fresh(db: Database, window: str = WINDOWS[0]) -> dict[str, Any]:
    return computed(db, window, stored_ok=False)


def kept(db: Database, window: str = WINDOWS[0]) -> dict[str, Any] | None:
    now = fresh(db, window)
    return az.stored(db, today=_today(db), days=sorted(now["zones"]), ids=list(now["types"]),
                     version=az.data_version_now(db))  # fmt: skip


def assert_stored_are_fresh(db: Database) -> None:
    """Both windows: nothing left to compute, and what the pages read is a fresh
    computation, value for value (floats and types: the stored sessions' keys hold them)."""
    for window in WINDOWS:
        assert computed(db, window) == {}
        now = fresh(db, window)
        assert len(now["zones"]) > 5 and len(now["types"]) >= len(now["zones"])
        assert any(v is not None for v in now["types"].values())
        assert repr(kept(db, window)) == repr(now)


def _rows(db: Database) -> list[tuple[date, date, int]]:
    with db.session() as s:
        q = select(StoredZonesRow.first_day, StoredZonesRow.as_of, StoredZonesRow.version)
        return sorted(tuple(r) for r in s.execute(q))  # type: ignore[misc]


def test_the_import_stores_the_zones_of_both_windows(db: Database) -> None:
    rows = _rows(db)
    assert len(rows) == 2 and {r[1] for r in rows} == {_today(db)}
    assert {r[0] for r in rows} == {min(fresh(db, w)["zones"]) for w in WINDOWS}
    assert_stored_are_fresh(db)
    assert sv.refresh(db, today=_today(db)) == 0


def test_the_page_reads_the_stored_zones(db: Database) -> None:
    """A stored value under a matching key is what the page uses (so the key is all that
    keeps a stale one out): a changed VDOT of the last day reaches its session's key and
    so its session, built again on it."""
    today = _today(db)
    first = min(fresh(db)["zones"])
    paced = [x for x in ps.build_sessions(db, today=today) if x.vdot_pace_s_per_km is not None]
    last = paced[-1].local_date  # the last day whose session is paced by its VDOT
    with db.session() as s:
        value = s.scalars(
            select(StoredZonesRow.value).where(StoredZonesRow.first_day == first)
        ).one()
    decoded = az.decode(value)
    changed = dict(decoded["zones"])
    old = changed[last]
    assert old.vdot is not None and old.paces
    changed[last] = az.DayZones(old.vdot + 5.0, old.paces, old.t_source, old.t_words,
                                old.threshold_pace_s_per_km)  # fmt: skip
    with db.session() as s, s.begin():
        s.execute(update(StoredZonesRow).where(StoredZonesRow.first_day == first)
                  .values(value=az.encode(changed, decoded["types"])))  # fmt: skip
    shown = [x for x in ps.build_sessions(db, today=today) if x.local_date == last]
    built = [x for x in ps.build_sessions(db, today=today, stored_ok=False) if x.local_date == last]
    assert shown and computed(db) == {}
    assert [x.vdot_pace_s_per_km for x in shown] != [x.vdot_pace_s_per_km for x in built]
    with db.session() as s, s.begin():
        s.execute(update(StoredZonesRow).where(StoredZonesRow.first_day == first)
                  .values(value=value))  # fmt: skip
    assert [x.vdot_pace_s_per_km for x in ps.build_sessions(db, today=today)
            if x.local_date == last] == [x.vdot_pace_s_per_km for x in built]  # fmt: skip
    sv.refresh(db, today=today)
    assert_stored_are_fresh(db)


def test_the_page_reads_the_stored_types(db: Database) -> None:
    """A run the plan does not name takes its judged workout type: the stored one under a
    matching key (the plan step of one run's day removed first: a plan change, which the
    refresh stores again)."""
    from deliberun.services.plan import current_plan, replace_days

    today = _today(db)
    plan_id, plan = current_plan(db)
    runs = {x.local_date: x for x in ps.build_sessions(db, today=today)}
    step = next(d for d in reversed(plan.days) if d.date in runs and d.workout_type == "easy")
    aid = int(runs[step.date].activity_id or 0)
    replace_days(db, plan_id, [d for d in plan.days if d.id != step.id], now=_now(today))
    try:
        assert kept(db) is None
        sv.refresh(db, today=today)
        assert_stored_are_fresh(db)
        judged = fresh(db)["types"][aid]
        assert judged  # the session classifier's type (the plan names none that day)
        first = min(fresh(db)["zones"])
        with db.session() as s:
            q = select(StoredZonesRow.value).where(StoredZonesRow.first_day == first)
            value = s.scalars(q).one()
        decoded = az.decode(value)
        other = "tempo" if judged != "tempo" else "intervals"
        changed = az.encode(decoded["zones"], {**decoded["types"], aid: other})
        with db.session() as s, s.begin():
            s.execute(update(StoredZonesRow).where(StoredZonesRow.first_day == first)
                      .values(value=changed))  # fmt: skip
        shown = {x.activity_id: x for x in ps.build_sessions(db, today=today)}
        assert shown[aid].workout_type == other and computed(db) == {}
        with db.session() as s, s.begin():
            s.execute(update(StoredZonesRow).where(StoredZonesRow.first_day == first)
                      .values(value=value))  # fmt: skip
        shown = {x.activity_id: x for x in ps.build_sessions(db, today=today)}
        assert shown[aid].workout_type == judged
    finally:
        replace_days(db, plan_id, plan.days, now=_now(today))
    assert kept(db) is None
    sv.refresh(db, today=today)
    assert_stored_are_fresh(db)


def _a_run(db: Database, race: bool) -> int:
    """A run of the 400 days the models take for a race (or not), not marked."""
    from deliberun.services.races import race_ids

    today = _today(db)
    races = race_ids(db, today=today, since=today - timedelta(days=ps.HISTORY_DAYS))
    with db.session() as s:
        q = select(ActivityRow.id).where(
            ActivityRow.local_date >= today - timedelta(days=150), ActivityRow.race_mark.is_(None),
            ActivityRow.sport == "running", ActivityRow.distance_m > 8000,
        ).order_by(ActivityRow.local_date)  # fmt: skip
        ids = [int(i) for i in s.scalars(q)]
    return next(i for i in ids if (i in races) == race)


def _mark(race: bool) -> Callable[[Database], Callable[[Database], object]]:
    def change(db: Database) -> Callable[[Database], object]:
        from deliberun.services.races import mark_race

        aid = _a_run(db, race=not race)
        mark_race(db, aid, race, today=_today(db))
        return lambda d: mark_race(d, aid, None, today=_today(d))

    return change


def _setting(key: str, value: str) -> Callable[[Database], Callable[[Database], object]]:
    def change(db: Database) -> Callable[[Database], object]:
        from deliberun.services.athlete_settings import set_value

        set_value(db, key, value)
        return lambda d: set_value(d, key, "none")

    return change


def _distance(db: Database) -> Callable[[Database], object]:
    """A bare UPDATE of one run's distance (no refresh after it)."""
    aid = _a_run(db, race=False)

    def by(d: Database, metres: float) -> None:
        with d.session() as s, s.begin():
            s.execute(update(ActivityRow).where(ActivityRow.id == aid)
                      .values(distance_m=ActivityRow.distance_m + metres))  # fmt: skip

    by(db, 400.0)
    return lambda d: by(d, -400.0)


def _metrics(db: Database) -> Callable[[Database], object]:
    """A run's metrics written again (``recompute``), unchanged but for when (and again
    to undo: a write that changes no row moves no version)."""
    aid = _a_run(db, race=False)

    def again(d: Database, minutes: int) -> None:
        when = _now(_today(d)) + timedelta(minutes=minutes)
        with d.session() as s, s.begin():
            repo.save_metrics(s, aid, repo.get_metrics(s, aid), "test", now=when)

    again(db, 1)
    return lambda d: again(d, 2)


CHANGES = {
    "a new race (the runner's mark)": (_mark(True), True),
    "a race verdict changed (marked not a race)": (_mark(False), True),
    "the threshold pace set": (_setting("threshold_pace_s_per_km", "250"), True),
    "the VDOT window setting": (_setting("prediction_window_days", "60"), True),
    "a run's distance (a bare UPDATE)": (_distance, False),
    "a run's metrics written": (_metrics, False),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_each_input_change_makes_the_pages_compute_the_zones(db: Database, name: str) -> None:
    """After the write the stored zones are not read (the page computes them, and for the
    changes that move a VDOT or a band the values differ: a stale read would show); after
    the refresh they are stored again and are a fresh computation; after the write is
    undone, the same again."""
    change, moves = CHANGES[name]
    before = fresh(db)
    undo = change(db)
    try:
        for window in WINDOWS:
            assert kept(db, window) is None
            assert computed(db, window) == fresh(db, window) != {}
        if moves:
            assert repr(fresh(db)) != repr(before)
        sv.refresh(db, today=_today(db))
        assert_stored_are_fresh(db)
    finally:
        undo(db)
    assert kept(db) is None
    assert repr(fresh(db)) == repr(before)
    sv.refresh(db, today=_today(db))
    assert_stored_are_fresh(db)


def test_a_run_deleted_and_imported_again(db: Database, marathon_sim) -> None:
    """Deleting the last run makes the pages compute (its day and its type are gone);
    importing it again stores the zones and types of the new state (the import's refresh)."""
    today = _today(db)
    last = ps.build_sessions(db, today=today)[-1]
    with db.session() as s, s.begin():
        repo.delete_activity(s, int(last.activity_id or 0))
    assert kept(db) is None and computed(db) != {}
    report = import_paths(db, [marathon_sim[0]], workers=1, now=_now(marathon_sim[1]))
    assert len(report.imported) == 1 and _today(db) == today
    assert_stored_are_fresh(db)


@pytest.mark.parametrize("name", ["CODE", "RUNTIME"])
def test_the_code_digest_and_runtime_are_in_the_key(
    db: Database, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(az, name, "another version of the code, or of Python or numpy")
    assert computed(db) == fresh(db) != {}
    assert kept(db) is None


def test_another_day_or_other_days_are_computed(db: Database) -> None:
    today = _today(db)
    now = fresh(db)
    zones, types = now["zones"], now["types"]
    days = sorted(zones)
    ids = list(types)
    version = az.data_version_now(db)
    assert repr(az.stored(db, today=today, days=days[:3], ids=ids[:2], version=version)) == repr(
        {"zones": {d: zones[d] for d in days[:3]}, "types": {i: types[i] for i in ids[:2]}}
    )
    assert az.stored(db, today=today, days=days, ids=[*ids, max(ids) + 1], version=version) is None
    assert az.stored(db, today=today + timedelta(days=1), days=days, version=version) is None
    assert az.stored(db, today=today, days=days[1:], version=version) is None  # another first day
    assert az.stored(db, today=today, days=[*days, today + timedelta(days=1)],
                     version=version) is None  # fmt: skip
    assert az.stored(db, today=today, days=days, version=version + 1) is None


def test_zones_computed_before_a_write_are_not_stored(db: Database) -> None:
    """The data version is read before the zones' data: zones of the version before a
    write are not stored after it (they would be stored under a key they do not rest on)."""
    from deliberun.services.athlete_settings import set_value

    today = _today(db)
    rows = _rows(db)
    version = az.data_version_now(db)
    values = fresh(db)
    set_value(db, "threshold_pace_s_per_km", "251")
    set_value(db, "threshold_pace_s_per_km", "none")
    assert az.data_version_now(db) > version
    assert az.store(db, today=today, values=values, version=version) == 0
    assert _rows(db) == rows
    sv.refresh(db, today=today)
    assert_stored_are_fresh(db)


def test_an_empty_database_stores_no_zones(tmp_path) -> None:
    database = Database(tmp_path / "empty.db")
    assert sv.refresh(database, today=date(2026, 1, 1)) == 0
    assert _rows(database) == []
