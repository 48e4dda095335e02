"""Migrations: a process killed in the middle of the first migration must not brick the file."""

from __future__ import annotations

import subprocess
import sys
import textwrap

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


def _activity(conn, id_: int, extra: str) -> None:
    conn.exec_driver_sql(
        "INSERT INTO activities (id, start_time, local_date, sport, source_path, source_format,"
        " sha256, n_samples, extra, structure, created_at, manual) VALUES (?, '2024-09-23"
        " 18:00:00.000000', '2024-09-23', 'running', 'a.fit', 'fit', 'ab', 0, ?, '{}',"
        " '2024-09-23 18:00:00.000000', 0)",
        (id_, extra),
    )


def test_race_marks_move_from_extra_to_their_column_and_back(db_path):
    """0009_race_mark: marks stored in ``extra`` (0008) survive the upgrade, in the column,
    and go back into ``extra`` on downgrade; other ``extra`` keys are untouched."""
    import json

    from deliberun.store.db import make_engine, resolve_url

    engine = make_engine(resolve_url(db_path))
    _alembic(engine, "upgrade", "0008_courses")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO originals (sha256, data, size, name, imported_at) VALUES"
            " ('ab', x'00', 1, 'a.fit', '2024-09-23 18:00:00.000000')"
        )
        _activity(conn, 1, json.dumps({"race_mark": True, "perceived_exertion": 9}))
        _activity(conn, 2, json.dumps({"race_mark": False}))
        _activity(conn, 3, json.dumps({"name_source": "strava"}))
    engine.dispose()

    db = Database(db_path)  # opening migrates to head
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, race_mark, extra FROM activities ORDER BY id")
        got = {i: (mark, json.loads(extra)) for i, mark, extra in rows}
    db.dispose()
    assert got == {
        1: (1, {"perceived_exertion": 9}),
        2: (0, {}),
        3: (None, {"name_source": "strava"}),
    }

    engine = make_engine(resolve_url(db_path))
    _alembic(engine, "downgrade", "0008_courses")
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, extra FROM activities ORDER BY id")
        back = {i: json.loads(extra) for i, extra in rows}
        cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(activities)")]
    engine.dispose()
    assert "race_mark" not in cols
    assert back == {
        1: {"perceived_exertion": 9, "race_mark": True},
        2: {"race_mark": False},
        3: {"name_source": "strava"},
    }
