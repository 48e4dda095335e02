"""The store: migrations, the activity round trip, streams encoding, same-run lookup."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from deliberun.io.activity import Activity, DeviceSummary, Lap
from deliberun.services.importer import Parsed, _insert, _Job
from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.store.streams import decode_stream, encode_stream
from deliberun.store.tables import metadata

START = datetime(2026, 3, 2, 6, 5, tzinfo=UTC)


def make_activity(start: datetime = START, n: int = 600, offset: int | None = 3600) -> Activity:
    t = np.arange(n, dtype=float)
    hr = np.full(n, 150.0)
    hr[:10] = np.nan
    return Activity(
        start_time=start,
        sport="running",
        streams={
            "time": t,
            "distance": np.round(t * 3.1234567, 3),
            "heart_rate": hr,
            "latitude": 46.0 + t * 1.234567e-6,
        },
        source_format="fit",
        utc_offset_s=offset,
        device="garmin fr935",
        laps=[Lap(start_s=0.0, elapsed_time_s=300.0, distance_m=937.0, trigger="distance")],
        pauses=[(100.0, 120.0)],
        sessions=[DeviceSummary(sport="running", distance_m=1871.0)],
        extra={"gear": "shoes"},
    )


def store(db: Database, act: Activity, tag: str = "a") -> int:
    data = f"file {tag}".encode()
    sha = hashlib.sha256(data).hexdigest()
    summary = {"distance_m": float(act.streams["distance"][-1]), "elapsed_time_s": 599.0}
    with db.session() as s, s.begin():
        repo.add_original(s, sha, data, f"{tag}.fit", START)
        return _insert(
            s,
            _Job(f"{tag}.fit", f"{tag}.fit", sha, data, {}),
            Parsed(act, summary, None, None),
            START,
        )


def test_migrations_apply_on_a_fresh_file_and_match_the_tables(db_path):
    db = Database(db_path)
    con = sqlite3.connect(db_path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"originals", "activities", "activity_sources", "streams", "metrics"} <= names
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_activities_start_time", "ix_activities_local_date"} <= indexes
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] >= "0001_core"
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    core = {"originals", "activities", "activity_sources", "streams", "metrics"}
    mine = [d for d in diff if any(t in repr(d) for t in core)]
    assert mine == [], f"migration 0001_core differs from tables_core: {mine}"
    Database(db_path)  # opening again is a no-op


@pytest.mark.parametrize(
    "values",
    [
        np.arange(5000, dtype=float),  # integer seconds: float32 is exact
        np.array([46.1234567, 46.1234568, np.nan]),  # coordinates need float64
        np.array([1.1, np.nan, np.inf, -0.0]),
        np.zeros(0),
    ],
)
def test_streams_round_trip_bit_exact(values):
    dtype, blob = encode_stream(values)
    back = decode_stream(dtype, blob, len(values))
    assert back.dtype == np.float64
    assert np.array_equal(back, values, equal_nan=True)


def test_streams_choose_float32_only_when_lossless():
    assert encode_stream(np.array([150.0, 151.0, np.nan]))[0] == "<f4"
    assert encode_stream(np.array([46.1234567]))[0] == "<f8"
    with pytest.raises(ValueError, match="re-import"):
        decode_stream("<f4", encode_stream(np.ones(3))[1], 4)


def test_migrations_at_head_match_every_table(store_url):
    """The migrations (0011_athletes included) build exactly the tables the code maps."""
    db = Database(store_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    db.dispose()
    assert diff == []


def test_activity_round_trip(store_url):
    db = Database(store_url)
    act = make_activity()
    aid = store(db, act)
    with db.session() as s:
        row = repo.get_activity(s, aid)
        assert row is not None
        assert row.start_time == START and row.start_time.tzinfo is not None
        assert row.local_date == date(2026, 3, 2)
        assert row.distance_m == pytest.approx(599 * 3.1234567, abs=1e-3)
        back = repo.load_activity(s, aid)
        assert repo.get_metrics(s, aid) == {}
        assert repo.get_activity(s, aid + 1) is None
    for k, v in act.streams.items():
        assert np.array_equal(back.streams[k], v, equal_nan=True), k
    assert back.laps == act.laps
    assert back.pauses == act.pauses
    assert back.sessions == act.sessions
    assert back.extra == {"gear": "shoes"}
    assert back.utc_offset_s == 3600


def test_activity_to_dict_uses_the_local_offset(store_url):
    db = Database(store_url)
    aid = store(db, make_activity(offset=-5 * 3600))
    with db.session() as s:
        d = repo.activity_to_dict(repo.get_activity(s, aid))
    assert d["start_time"] == "2026-03-02T01:05:00-05:00"
    assert d["local_date"] == "2026-03-02"
    for key in ("id", "sport", "name", "distance_m", "moving_time_s", "elapsed_time_s",
                "timer_time_s", "avg_hr_bpm", "max_hr_bpm", "avg_cadence_spm", "ascent_m",
                "descent_m", "device", "source_path", "sha256"):  # fmt: skip
        assert key in d


def test_local_date_follows_the_offset(store_url):
    db = Database(store_url)
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    aid = store(db, make_activity(start=late, offset=3600))
    with db.session() as s:
        assert repo.get_activity(s, aid).local_date == date(2026, 3, 3)
        assert [r.id for r in repo.list_activities(s, since=date(2026, 3, 3))] == [aid]
        assert repo.list_activities(s, until=date(2026, 3, 2)) == []


def test_metrics_save_replace_and_version(store_url):
    db = Database(store_url)
    aid = store(db, make_activity())
    with db.session() as s, s.begin():
        repo.save_metrics(s, aid, {"decoupling_pct": float("nan"), "x": np.float64(2.5)}, "1")
    with db.session() as s, s.begin():
        assert repo.get_metrics(s, aid) == {"decoupling_pct": None, "x": 2.5}
        repo.save_metrics(s, aid, {"x": 3.0}, "2")
    with db.session() as s:
        assert repo.get_metrics(s, aid) == {"x": 3.0}
        assert repo.get_metrics_version(s, aid) == "2"


def test_list_is_ordered_by_start_and_filters_sport(store_url):
    db = Database(store_url)
    b = store(db, make_activity(start=START + timedelta(days=2)), "b")
    a = store(db, make_activity(start=START), "a")
    with db.session() as s:
        assert [r.id for r in repo.list_activities(s)] == [a, b]
        assert repo.list_activities(s, sport="cycling") == []


def test_list_pages_newest_first_and_counts(store_url):
    db = Database(store_url)
    ids = [store(db, make_activity(start=START + timedelta(days=i)), f"p{i}") for i in range(5)]
    with db.session() as s:
        assert repo.count_activities(s) == 5
        assert repo.count_activities(s, since=(START + timedelta(days=3)).date()) == 2
        assert repo.count_activities(s, sport="cycling") == 0
        newest = repo.list_activities(s, newest_first=True)
        assert [r.id for r in newest] == ids[::-1]
        page = repo.list_activities(s, newest_first=True, limit=2, offset=1)
        assert [r.id for r in page] == ids[::-1][1:3]
        assert [r.id for r in repo.list_activities(s, offset=3)] == ids[3:]
        assert repo.list_activities(s, limit=0) == []
        with pytest.raises(ValueError, match="offset"):
            repo.list_activities(s, offset=-1)


def test_list_defers_the_structure_column_but_still_loads_it(store_url):
    from sqlalchemy import inspect

    db = Database(store_url)
    aid = store(db, make_activity())
    with db.session() as s:
        (row,) = repo.list_activities(s)
        assert "structure" in inspect(row).unloaded  # not read with the list
        assert repo.activity_to_dict(row)["extra"] == {"gear": "shoes"}
        assert row.structure["pauses"] == [[100.0, 120.0]]  # loaded on first access
    with db.session() as s:
        assert repo.load_activity(s, aid).laps[0].distance_m == 937.0


def test_find_same_run_window(store_url):
    db = Database(store_url)
    aid = store(db, make_activity())
    with db.session() as s:
        d = repo.get_activity(s, aid).distance_m
        assert repo.find_same_run(s, START + timedelta(seconds=59), d * 1.019).id == aid
        assert repo.find_same_run(s, START - timedelta(seconds=59), d * 0.981).id == aid
        assert repo.find_same_run(s, START + timedelta(seconds=61), d) is None
        assert repo.find_same_run(s, START, d * 1.03) is None


def test_delete_keeps_the_original(store_url):
    db = Database(store_url)
    aid = store(db, make_activity())
    with db.session() as s:
        sha = repo.get_activity(s, aid).sha256
    with db.session() as s, s.begin():
        repo.delete_activity(s, aid)
    with db.session() as s:
        assert repo.get_activity(s, aid) is None
        assert repo.load_streams(s, aid) == {}
        assert repo.get_original(s, sha) == b"file a"


def test_naive_datetimes_are_refused(store_url):
    db = Database(store_url)
    with db.session() as s, pytest.raises(Exception, match="timezone-aware"):
        repo.add_original(s, "0" * 64, b"x", "x", datetime(2026, 1, 1))


def test_history_stamp_sees_a_recompute(store_url):
    """The dashboard's memo key: same activities and metrics count, new values."""
    from deliberun.store.athlete_repo import history_stamp

    db = Database(store_url)
    aid = store(db, make_activity())
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    with db.session() as s, s.begin():
        repo.save_metrics(s, aid, {"x": 1.0}, "1", now=t0)
    with db.session() as s:
        before = history_stamp(s)
    with db.session() as s, s.begin():
        repo.save_metrics(s, aid, {"x": 2.0}, "1", now=t0 + timedelta(hours=1))
    with db.session() as s:
        assert history_stamp(s) != before


def test_metric_columns_follow_every_save_of_the_document(db_path):
    """0010_activity_summary: the load of each model, the scalars the sessions read and the
    athlete facts are columns written with the document; a recompute changes them, and the
    athlete history reads the facts (the whole-km split paces, not the splits) from them."""
    from deliberun.store import athlete_repo
    from deliberun.store.tables_core import MetricsRow

    db = Database(db_path)
    aid = store(db, make_activity())
    splits = [{"distance_m": 1000.0, "pace_s_per_km": 301.5}, {"distance_m": 995.0,
              "pace_s_per_km": None}, {"distance_m": 1000.0, "pace_s_per_km": 299.0},
              {"distance_m": 412.0, "pace_s_per_km": 280.0}]  # fmt: skip
    doc = {"load": {"trimp_banister": 61.5, "trimp_edwards": np.float64(80), "rtss": None,
                    "session_rpe": float("nan")}, "hr_best_30s_bpm": 171.0,
           "decoupling_pct": 3.25, "cadence": {"avg_spm": 172.0}, "splits_km": splits,
           "best_efforts_s": {"1000": 290.0}, "intervals": {"reps": []}, "laps": [1]}  # fmt: skip
    with db.session() as s, s.begin():
        repo.save_metrics(s, aid, doc, "1")
    with db.session() as s:
        row = s.get(MetricsRow, aid)
        got = {c: getattr(row, c) for c in repo.metric_columns({})}
        loads = athlete_repo.activity_loads(s, until=date(2026, 3, 2), load_model="trimp_edwards")
        pairs = athlete_repo.activities_with_metrics(
            s, keys=("best_efforts_s", "km_paces_s_per_km", "mean_max_speed", "laps")
        )
    facts = {"hr_best_30s_bpm": 171.0, "best_efforts_s": {"1000": 290.0},
             "intervals": {"reps": []}, "km_paces_s_per_km": [301.5, 299.0]}  # fmt: skip
    assert got == {"load_trimp_banister": 61.5, "load_trimp_edwards": 80.0, "load_rtss": None,
                   "load_session_rpe": None, "hr_best_30s_bpm": 171.0, "decoupling_pct": 3.25,
                   "efficiency_factor": None, "cadence_avg_spm": 172.0, "athlete_facts": facts}  # fmt: skip
    assert loads == [(date(2026, 3, 2), 80.0)]
    assert [m for _, m in pairs] == [
        {"best_efforts_s": {"1000": 290.0}, "km_paces_s_per_km": [301.5, 299.0], "laps": [1]}
    ]
    with db.session() as s, s.begin():  # a recompute without heart rate
        repo.save_metrics(s, aid, {"load": {"session_rpe": 40}}, "2")
    with db.session() as s:
        row = s.get(MetricsRow, aid)
        assert (row.load_trimp_banister, row.load_session_rpe, row.hr_best_30s_bpm) == (
            None, 40.0, None)  # fmt: skip
        assert (row.decoupling_pct, row.cadence_avg_spm, row.athlete_facts) == (None, None, {})
        maxima = athlete_repo.heart_rate_maxima(s, until=date(2026, 3, 2))
        with pytest.raises(ValueError, match="unknown load_model 'foster'"):
            athlete_repo.activity_loads(s, until=date(2026, 3, 2), load_model="foster")
    assert [tuple(r)[-1] for r in maxima] == [None]


def test_history_stamp_tells_race_marks_on_different_runs_apart(db_path):
    """Run 2 marked a race and run 4 marked 'not a race' weighed the same (2·2 = 4·1)
    in the memo key, so the page cache of one state could be served for the other."""
    from deliberun.store.athlete_repo import history_stamp
    from deliberun.store.tables_core import ActivityRow

    db = Database(db_path)
    ids = [store(db, make_activity(START + timedelta(days=i)), tag=str(i)) for i in range(4)]
    assert ids == [1, 2, 3, 4]

    def stamp_with(marks: dict[int, bool]) -> tuple:
        with db.session() as s, s.begin():
            for aid in ids:
                s.get(ActivityRow, aid).race_mark = marks.get(aid)
        with db.session() as s:
            return history_stamp(s)

    assert stamp_with({2: True}) != stamp_with({4: False})
    assert stamp_with({2: True}) == stamp_with({2: True})
