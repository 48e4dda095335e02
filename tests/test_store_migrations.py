"""Migrations: a process killed in the middle of the first migration must not brick the file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator

import pytest

from deliberun.store.db import Database

#: Runs the migrations and dies (os._exit) when SQLite is about to run STATEMENT.
KILLER = textwrap.dedent(
    """
    import os, sys
    from sqlalchemy import event
    import deliberun.store.db as dbm

    make = dbm.make_engine

    def make_engine(url):
        engine = make(url)

        def on_connect(dbapi_conn, _rec):
            def trace(stmt):
                if sys.argv[2] in stmt:
                    os._exit(9)
            dbapi_conn.set_trace_callback(trace)

        event.listen(engine, "connect", on_connect)
        return engine

    dbm.make_engine = make_engine
    dbm.Database(sys.argv[1])
    """
)


def test_kill_during_first_migration_leaves_a_usable_file(tmp_path):
    db = tmp_path / "m.db"
    res = subprocess.run(
        [sys.executable, "-c", KILLER, str(db), "CREATE TABLE athlete_settings"], timeout=60
    )
    assert res.returncode == 9  # it did die mid-migration
    Database(db).dispose()  # opening again must finish the migration


def test_migrations_are_idempotent(db_path):
    Database(db_path).dispose()
    db = Database(db_path)
    with db.engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version is not None and version >= "0001_core"


def _alembic(engine, verb: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from deliberun.store.db import MIGRATIONS_DIR, WRITE_OPTION

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, revision)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def empty_url(request, tmp_path_factory) -> Iterator[Callable[[], str]]:
    """Makes a new empty database: a SQLite file, or one on a throwaway PostgreSQL
    cluster (tests/pg_cluster.py; skipped when it cannot run here)."""
    if request.param == "sqlite":
        root = tmp_path_factory.mktemp("mig")
        names = iter(range(1000))
        yield lambda: f"sqlite:///{root / f'm{next(names)}.db'}"
        return
    from pg_cluster import start

    got = start()
    if isinstance(got, str):
        pytest.skip(got)
    names = iter(range(1000))
    yield lambda: got.createdb(f"mig{next(names)}")
    got.stop()


def test_race_marks_move_from_extra_to_their_column_and_back(empty_url) -> None:
    """0009_race_mark: marks stored in ``extra`` (0008) survive the upgrade, in the column,
    and go back into ``extra`` on downgrade; other ``extra`` keys are untouched."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    from deliberun.store.db import make_engine

    url = empty_url()
    engine = make_engine(url)
    _alembic(engine, "upgrade", "0008_courses")
    at = datetime(2024, 9, 23, 18, tzinfo=UTC)
    extras = {1: {"race_mark": True, "perceived_exertion": 9}, 2: {"race_mark": False},
              3: {"name_source": "strava"}}  # fmt: skip
    with engine.begin() as conn:
        meta = sa.MetaData()
        meta.reflect(conn, only=["originals", "activities"])
        conn.execute(meta.tables["originals"].insert().values(
            sha256="ab", data=b"\0", size=1, name="a.fit", imported_at=at))  # fmt: skip
        for id_, extra in extras.items():
            conn.execute(meta.tables["activities"].insert().values(
                id=id_, start_time=at, local_date=date(2024, 9, 23), sport="running",
                source_path="a.fit", source_format="fit", sha256="ab", n_samples=0,
                extra=extra, structure={}, created_at=at, manual=False))  # fmt: skip
    engine.dispose()

    def read(columns: str) -> dict[int, tuple]:
        engine = make_engine(url)
        with engine.connect() as conn:
            meta = sa.MetaData()
            meta.reflect(conn, only=["activities"])
            t = meta.tables["activities"]
            cols = [t.c[c] for c in columns.split()]
            got = {r[0]: tuple(r[1:]) for r in conn.execute(sa.select(t.c.id, *cols))}
        engine.dispose()
        return got

    Database(url).dispose()  # opening migrates to head
    assert read("race_mark extra") == {
        1: (True, {"perceived_exertion": 9}),
        2: (False, {}),
        3: (None, {"name_source": "strava"}),
    }
    engine = make_engine(url)
    _alembic(engine, "downgrade", "0008_courses")
    engine.dispose()
    back = read("extra")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert "race_mark" not in {c["name"] for c in sa.inspect(conn).get_columns("activities")}
    engine.dispose()
    assert back == {i: (e,) for i, e in extras.items()}


def test_metric_columns_are_filled_from_the_documents_on_upgrade(empty_url) -> None:
    """0010_activity_summary: metrics stored before it get their columns (loads, scalars,
    athlete facts) from their documents (missing, null or non-finite values stay NULL), the
    same values ``repository.metric_columns`` writes; a downgrade drops the columns."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    from deliberun.store.db import make_engine
    from deliberun.store.repository import metric_columns

    url = empty_url()
    engine = make_engine(url)
    _alembic(engine, "upgrade", "0009_race_mark")
    at = datetime(2024, 9, 23, 18, tzinfo=UTC)
    docs = {
        1: {
            "load": {"trimp_banister": 55.25, "rtss": 40},
            "hr_best_30s_bpm": 182.0,
            "x": 1,
            "efficiency_factor": 1.5,
            "cadence": {"avg_spm": 170},
            "mean_max_speed": {"60": 5.1},
            "splits_km": [{"distance_m": 1000, "pace_s_per_km": 290.5}, {"distance_m": 500}],
        },
        2: {"load": {"session_rpe": None, "trimp_edwards": "n/a"}, "intervals": {"reps": []}},
        3: {},
    }
    with engine.begin() as conn:
        meta = sa.MetaData()
        meta.reflect(conn, only=["originals", "activities", "metrics"])
        conn.execute(meta.tables["originals"].insert().values(
            sha256="ab", data=b"\0", size=1, name="a.fit", imported_at=at))  # fmt: skip
        for id_, doc in docs.items():
            conn.execute(meta.tables["activities"].insert().values(
                id=id_, start_time=at, local_date=date(2024, 9, 23), sport="running",
                source_path="a.fit", source_format="fit", sha256="ab", n_samples=0,
                extra={}, structure={}, created_at=at, manual=False))  # fmt: skip
            conn.execute(meta.tables["metrics"].insert().values(
                activity_id=id_, data=doc, version="1", computed_at=at))  # fmt: skip
    engine.dispose()
    Database(url).dispose()  # opening migrates to head
    names = list(metric_columns({}))
    engine = make_engine(url)
    with engine.connect() as conn:
        meta = sa.MetaData()
        meta.reflect(conn, only=["metrics"])
        t = meta.tables["metrics"]
        got = {r[0]: dict(zip(names, r[1:], strict=True))
               for r in conn.execute(sa.select(t.c.activity_id, *(t.c[n] for n in names)))}  # fmt: skip
    assert got == {i: metric_columns(d) for i, d in docs.items()}
    assert got[1]["load_trimp_banister"] == 55.25 and got[1]["load_rtss"] == 40.0
    assert got[1]["athlete_facts"] == {"hr_best_30s_bpm": 182.0, "mean_max_speed": {"60": 5.1},
                                       "km_paces_s_per_km": [290.5]}  # fmt: skip
    assert got[2] == {**dict.fromkeys(names), "athlete_facts": {"intervals": {"reps": []}}}
    _alembic(engine, "downgrade", "0009_race_mark")
    with engine.connect() as conn:
        left = {c["name"] for c in sa.inspect(conn).get_columns("metrics")}
    engine.dispose()
    assert left == {"activity_id", "data", "version", "computed_at"}
