"""Open a database by path or URL and bring its schema up to date with Alembic.

The database is chosen by ``--db`` (a path or a SQLAlchemy URL), else the
``DELIBERUN_DB`` environment variable, else ``deliberun.db`` in the user's data
directory (platformdirs). SQLite is the default; the same code runs on
PostgreSQL (``postgresql+psycopg://...``).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session as _Session
from sqlalchemy.orm import SessionTransaction, sessionmaker

__all__ = [
    "Database",
    "MIGRATIONS_DIR",
    "Session",
    "default_db_path",
    "make_engine",
    "resolve_url",
    "sqlite_files",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: Execution option marking a connection whose transaction will write.
WRITE_OPTION = "deliberun_write"


class Session(_Session):
    """A session whose explicit ``begin()`` declares a write transaction.

    The code base reads with ``with db.session() as s:`` (autobegin) and writes
    with ``with db.session() as s, s.begin():``. On SQLite the second starts with
    ``BEGIN IMMEDIATE``: it takes the write lock first (waiting for it under the
    busy timeout) instead of reading a snapshot that another writer may replace
    before it writes, which SQLite refuses at once with "database is locked"
    (see ``deliberun.store.retry`` for the retry around it). Readers never wait.
    """

    def begin(self, nested: bool = False) -> SessionTransaction:
        tx = super().begin(nested=nested)
        if not nested:
            self.connection(execution_options={WRITE_OPTION: True})
        return tx


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("deliberun")) / "deliberun.db"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from ``--db``, ``DELIBERUN_DB`` or the default file."""
    value = str(db) if db is not None else os.environ.get("DELIBERUN_DB") or ""
    if not value:
        value = str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def sqlite_files(url: str) -> tuple[str, ...] | None:
    """The database file and its ``-wal`` log for a file SQLite URL, else ``None``."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return None
    return (u.database, u.database + "-wal")


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite would otherwise autocommit DDL outside our transaction: a kill during a
    # migration could then leave tables without their alembic_version row.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite's own BEGIN is off (isolation_level None above): emit ours, IMMEDIATE
    # for a declared write (SQLAlchemy docs, "Serializable isolation / Savepoints /
    # Transactional DDL" for pysqlite).
    write = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied (named, ordered, transactional)."""
    from alembic import command
    from alembic.config import Config

    if at_head(engine):  # nothing to do: a read-only database stays readable
        return
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # IMMEDIATE: a second process opening a new database waits for the first
    # one's migration, then finds the schema at head (instead of "database is locked").
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def at_head(engine: Engine) -> bool:
    """True when the database's Alembic revision is the code's head."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current is not None and current == head_revision()


class Database:
    """An engine plus a session factory, migrated on open."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(db)
        self.engine = make_engine(self.url)
        if migrate:
            upgrade(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, class_=Session)

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()
