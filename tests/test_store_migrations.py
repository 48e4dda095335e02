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
