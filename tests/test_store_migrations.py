"""Migrations: a process killed in the middle of the first migration must not brick the file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

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
    """Migrate as the code does (SQLite: foreign keys off, so a rebuilt table keeps the
    rows that refer to it)."""
    from deliberun.store.db import migrate

    migrate(engine, verb, revision)


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


def _value(column: Any, i: int) -> Any:
    """A value of the column's type for row ``i`` (a foreign key points at row ``i``)."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        return ("ab" if i == 1 else f"ab{i}") if fk.column.name == "sha256" else i
    t = column.type
    if isinstance(t, sa.Boolean):
        return i % 2 == 0
    if isinstance(t, sa.Integer):
        return i
    if isinstance(t, sa.Float):
        return i + 0.5
    if isinstance(t, sa.DateTime):
        return datetime(2024, 9, i, 18, tzinfo=UTC)
    if isinstance(t, sa.Date):
        return date(2024, 9, i)
    if isinstance(t, sa.JSON):
        return {"k": i, "list": [i, None]}
    if isinstance(t, sa.LargeBinary):
        return bytes([i, 0, 255])
    if column.name == "sha256":
        return "ab" if i == 1 else f"ab{i}"
    length = getattr(t, "length", None) or 40
    return f"{column.name} {i}"[-length:]


def test_a_single_runner_database_becomes_athlete_1_with_every_row(empty_url) -> None:
    """0011_athletes: a database made by 0009 with rows in every table keeps every
    row, value for value, each now athlete 1's (``me``); the new unique keys hold."""
    import sqlalchemy as sa

    from deliberun.store.db import make_engine

    url = empty_url()
    engine = make_engine(url)
    _alembic(engine, "upgrade", "0009_race_mark")
    meta = sa.MetaData()
    with engine.begin() as conn:
        meta.reflect(conn)
        tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
        for t in tables:
            for i in (1,) if t.name == "athlete_settings" else (1, 2):  # one row, id 1, ever
                row = {c.name: _value(c, i) for c in t.columns}
                conn.execute(t.insert().values(**row))

    def read(engine: Any, name: str) -> list[dict[str, Any]]:
        m = sa.MetaData()
        with engine.connect() as conn:
            m.reflect(conn, only=[name])
            t = m.tables[name]
            key = [c for c in t.primary_key.columns] or list(t.columns)
            return [dict(r._mapping) for r in conn.execute(sa.select(t).order_by(*key))]

    before = {t.name: read(engine, t.name) for t in tables}
    engine.dispose()
    assert all(len(rows) == 2 for n, rows in before.items() if n != "athlete_settings")

    Database(url).dispose()  # opening migrates to head
    engine = make_engine(url)
    owned = 0
    for name, rows in before.items():
        after = read(engine, name)
        if after and "athlete_id" in after[0]:
            owned += 1
            assert {r.pop("athlete_id") for r in after} == {1}, name
        # columns later migrations add beside (0010's metrics columns) are not compared
        after = [{k: r[k] for k in rows[0]} for r in after] if rows else after
        assert after == rows, name
    assert owned == 15  # every table of a runner's data (originals are shared bytes)
    assert read(engine, "athletes")[0]["name"] == "me"
    _alembic(engine, "downgrade", "0009_race_mark")  # and back: still every row
    assert {t.name: read(engine, t.name) for t in tables} == before
    engine.dispose()


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
