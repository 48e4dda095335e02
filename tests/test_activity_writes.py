"""The store's writes of whole activities (``deliberun.store.activity_writes``) and the
same-run candidates (``same_run_repo``): services hand and get plain values, the table
rows stay in the store. Real SQLite."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from deliberun.store import repository as repo
from deliberun.store.activity_writes import add_manual_activity, set_race_mark
from deliberun.store.db import Database
from deliberun.store.same_run_repo import StoredRun, activities_starting_between

START = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)


def _manual(db: Database) -> int:
    with db.session() as s, s.begin():
        repo.add_original(s, "ab" * 32, b"row", "activities.csv", START)
        return add_manual_activity(
            s,
            start_time=START,
            utc_offset_s=3600,  # local date: the next day
            sport="running",
            name="Track",
            description=None,
            source_path="export/activities.csv#1",
            source_format="strava_csv",
            sha256="ab" * 32,
            summary={"distance_m": 10_000.0, "elapsed_time_s": 3000.0, "junk": 1},
            extra={"source": "strava_export"},
            created_at=START,
        )


def test_a_manual_activity_and_its_same_run_footprint(db_path: Path) -> None:
    db = Database(db_path)
    aid = _manual(db)
    with db.session() as s:
        row = repo.get_activity(s, aid)
        assert row is not None
        assert row.manual and row.n_samples == 0 and row.structure == {}
        assert row.local_date == date(2025, 3, 2)
        assert (row.distance_m, row.elapsed_time_s, row.moving_time_s) == (10_000.0, 3000.0, None)
        found = activities_starting_between(s, START - timedelta(hours=1), START)
        assert found == [StoredRun(aid, START, True, 3000.0, None, None, 10_000.0)]
        assert (
            activities_starting_between(s, START + timedelta(seconds=1), START + timedelta(1)) == []
        )


def test_a_race_mark_is_set_removed_and_refused_for_an_unknown_id(db_path: Path) -> None:
    db = Database(db_path)
    aid = _manual(db)
    with db.session() as s, s.begin():
        assert set_race_mark(s, aid, True) == (date(2025, 3, 2), "Track")
    with db.session() as s:
        row = repo.get_activity(s, aid)
        assert row is not None and row.race_mark is True
    with db.session() as s, s.begin():
        set_race_mark(s, aid, None)
        assert set_race_mark(s, aid + 1, True) is None
    with db.session() as s:
        row = repo.get_activity(s, aid)
        assert row is not None and row.race_mark is None
