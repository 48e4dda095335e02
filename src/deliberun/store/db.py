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

from deliberun.store import data_version, scope
from deliberun.store.scope import ATHLETE_KEY

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


scope.install(Session)
data_version.install_session(Session)  # each commit moves the versions of whose data it wrote


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
    if not cur.execute("PRAGMA query_only").fetchone()[0]:  # a read-only open cannot switch
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


def read_only_url(url: str) -> str | None:
    """A read-only URL for a SQLite file we may not write (file or folder), else None.

    Such a database can still be read: opened ``mode=ro``, and ``immutable=1`` when
    the folder cannot hold the ``-wal``/``-shm`` files SQLite would otherwise create.
    """
    files = sqlite_files(url)
    if files is None:
        return None
    path, wal = files
    folder = os.path.dirname(path) or "."
    if not os.path.isfile(path):
        return None
    if os.access(path, os.W_OK) and os.access(folder, os.W_OK):
        return None
    immutable = not os.access(folder, os.W_OK) and not os.path.exists(wal)
    from urllib.parse import quote

    flags = "mode=ro" + ("&immutable=1" if immutable else "")
    return f"sqlite:///file:{quote(path)}?{flags}&uri=true"


def _query_only(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.execute("PRAGMA query_only=1")


def make_engine(url: str) -> Engine:
    engine = _make_engine(url)
    data_version.install_engine(engine)
    return engine


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        ro = read_only_url(url)
        engine = create_engine(ro or url, connect_args={"timeout": 30})
        if ro:
            event.listen(engine, "connect", _query_only)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


#: Key of the PostgreSQL advisory lock held while migrating (any fixed 64-bit number).
MIGRATION_LOCK_KEY = 0x64656C6962


def upgrade(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied (named, ordered, transactional)."""
    if at_head(engine):  # nothing to do: a read-only database stays readable
        return
    migrate(engine, "upgrade", "head")


def migrate(engine: Engine, verb: str, revision: str) -> None:
    """Run Alembic's ``upgrade``/``downgrade`` to ``revision`` in one write transaction.

    IMMEDIATE: a second process opening a new database waits for the first one's
    migration, then finds the schema at head (instead of "database is locked").
    PostgreSQL: a transaction-scoped advisory lock does the same (without it the second
    process's CREATE TABLE fails on the first one's uncommitted catalogue rows).
    SQLite: foreign keys off while migrating (they can only change outside a
    transaction). A batch migration recreates a table (copy, DROP, rename), and with
    them on, the DROP would cascade into the rows of every table that refers to it.
    The keys are checked before the commit instead (Alembic docs, "Dealing with
    Referencing Tables" under batch migrations).
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.execution_options(**{WRITE_OPTION: True}).begin():
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
                cfg.attributes["connection"] = conn
                getattr(command, verb)(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(
                            f"migration left rows without their parent: {broken[:3]}"
                        )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def at_head(engine: Engine) -> bool:
    """True when the database's Alembic revision is the code's head.

    Raises ``StorageError`` for another application's database: tables but no
    Alembic revision (we would otherwise add ours among them silently).
    """
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    from deliberun.store.errors import StorageError, database_name

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            if tables:
                shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
                raise StorageError(
                    f"database {database_name(str(engine.url))} belongs to another "
                    f"application (tables {shown}) and is not a deliberun database; "
                    "give a new path with --db"
                )
    return current is not None and current == head_revision()


#: URLs of the databases opened in this process (the CLI names the last in an error).
OPENED: list[str] = []


def resolve_athlete(engine: Engine, name: str | None) -> int:
    """The id of the athlete named ``name`` (``--athlete``, else ``DELIBERUN_ATHLETE``).

    With no name, the database's only athlete. Raises ``AthleteError`` (one line, the
    names to choose from) for an unknown name or when several athletes need one.
    """
    from sqlalchemy import select

    from deliberun.store.errors import AthleteError
    from deliberun.store.tables_athletes import AthleteRow

    name = name if name is not None else (os.environ.get("DELIBERUN_ATHLETE") or None)
    with engine.connect() as conn:
        rows = conn.execute(select(AthleteRow.id, AthleteRow.name).order_by(AthleteRow.id)).all()
    names = ", ".join(n for _, n in rows) or "none"
    if name is not None:
        for aid, n in rows:
            if n == name:
                return int(aid)
        raise AthleteError(
            f"no athlete named {name!r} (athletes: {names}); "
            f"add one with: deliberun athlete add {name}"
        )
    if len(rows) == 1:
        return int(rows[0][0])
    if not rows:
        raise AthleteError("this database has no athlete; add one with: deliberun athlete add NAME")
    raise AthleteError(
        f"this database holds {len(rows)} athletes ({names}); choose one with --athlete NAME"
    )


class Database:
    """An engine plus a session factory, migrated on open; its sessions are for one athlete.

    ``athlete`` names the runner (else ``DELIBERUN_ATHLETE``, else the only one); it is
    resolved on the first session, so a database can be opened to manage its athletes
    (``admin_session``) whatever their number.
    """

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        migrate: bool = True,
        athlete: str | None = None,
    ) -> None:
        from sqlalchemy.exc import DBAPIError

        from deliberun.store.errors import StorageError, advice

        try:
            self.url = resolve_url(db)
        except OSError as exc:  # the folder cannot be made
            raise StorageError(
                f"database {db}: cannot create its folder ({exc.strerror})"
            ) from None
        OPENED.append(self.url)
        self.engine = make_engine(self.url)
        if migrate:
            try:
                upgrade(self.engine)
            except DBAPIError as exc:
                raise StorageError(advice(exc, self.url)) from None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, class_=Session)
        self.athlete = athlete
        self._athlete_id: int | None = None

    @property
    def athlete_id(self) -> int:
        """The current athlete's id (resolved once, see :func:`resolve_athlete`)."""
        if self._athlete_id is None:
            self._athlete_id = resolve_athlete(self.engine, self.athlete)
        return self._athlete_id

    def for_athlete(self, name: str) -> Database:
        """The same database (engine and connections shared) for another athlete."""
        other = object.__new__(Database)
        other.url, other.engine, other.sessions = self.url, self.engine, self.sessions
        other.athlete, other._athlete_id = name, None
        return other

    def session(self) -> Session:
        """A session that reads and writes the current athlete's rows only."""
        s = self.sessions()
        s.info[ATHLETE_KEY] = self.athlete_id
        return s

    def admin_session(self) -> Session:
        """A session over every athlete's rows: only for the athletes' own bookkeeping."""
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()
