"""Each athlete's data version: a counter moved in the same transaction as any write to
their data, so a value computed from that data (a group line, ``services.group``) can be
kept with the version it was computed on and trusted while the version is the same.

No write path has to remember it. Two events do the work:

1. ``before_cursor_execute`` on every engine (:func:`install_engine`): each INSERT,
   UPDATE or DELETE sent to the database (ORM flushes, bulk ``insert()``/``update()``/
   ``delete()``, ``session.connection().execute``, ``text()``) records the table it
   writes on its connection, except the tables that are themselves caches
   (:data:`CACHE_TABLES`).
2. ``before_commit`` on every session (:func:`install_session`): when the transaction
   wrote any other table, the version of the session's athlete moves (an upsert on
   ``data_versions``) before the commit, in the same transaction: the write and the new
   version are seen together or not at all. A session without an athlete
   (``Database.admin_session``) moves the version of the athletes whose rows its flush
   wrote, and of every athlete when it wrote a runner's table it cannot attribute.

A write made outside a session (a raw DBAPI connection) calls :func:`touch`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Engine, Table, event, select
from sqlalchemy.orm import Session

from deliberun.store.scope import ATHLETE_KEY
from deliberun.store.tables_group import DataVersionRow

#: Tables whose rows are derived values kept with their own keys: writing them is not
#: a change of anyone's data (``alembic_version``: migrations run outside sessions).
CACHE_TABLES = frozenset(
    {
        "data_versions",
        "group_lines",
        "stored_verdicts",
        "stored_sessions",
        "stored_zones",
        "alembic_version",
    }
)
#: Tables an unscoped session writes that are not one runner's data (the athletes'
#: own bookkeeping and the logins); a write to any other table there moves every version.
ADMIN_TABLES = frozenset({"athletes", "originals", "users", "coach_athletes"})

#: ``Connection.info`` key: the tables written in the connection's current transaction.
WROTE = "deliberun_wrote"
#: ``Session.info`` keys: the connections of the current transaction, and the athletes
#: whose owned rows an unscoped session flushed.
_CONNS = "deliberun_conns"
_FLUSHED = "deliberun_flushed_athletes"

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+["`]?(\w+)',
    re.IGNORECASE,
)


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes (lower case), else None."""
    m = _WRITE.match(statement)
    return m.group(1).lower() if m else None


def _record(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    table = written_table(statement)
    if table is not None and table not in CACHE_TABLES:
        conn.info.setdefault(WROTE, set()).add(table)


def install_engine(engine: Engine) -> None:
    """Record the tables written on ``engine``'s connections (idempotent)."""
    if not event.contains(engine, "before_cursor_execute", _record):
        event.listen(engine, "before_cursor_execute", _record)


def _begun(session: Session, _transaction: Any, connection: Any) -> None:
    connection.info[WROTE] = set()
    session.info.setdefault(_CONNS, []).append(connection)


def _flushed(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get(ATHLETE_KEY) is not None:
        return
    ids = session.info.setdefault(_FLUSHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        aid = getattr(obj, "athlete_id", None)
        if aid is not None and not isinstance(obj, DataVersionRow):
            ids.add(int(aid))


def _before_commit(session: Session) -> None:
    session.flush()  # the pending rows' statements, so their tables are recorded
    conns = session.info.get(_CONNS) or []
    wrote: set[str] = set()
    for c in conns:
        wrote |= c.info.get(WROTE) or set()
    if not wrote:
        return
    aid = session.info.get(ATHLETE_KEY)
    if aid is not None:
        bump(session, [int(aid)])
        return
    ids = set(session.info.get(_FLUSHED) or ())
    if wrote - ADMIN_TABLES:
        from deliberun.store.tables_athletes import AthleteRow

        ids |= {int(a) for a in session.scalars(select(AthleteRow.id))}
    bump(session, ids)


def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is not None:  # a savepoint or subtransaction: not over yet
        return
    session.info.pop(_CONNS, None)
    session.info.pop(_FLUSHED, None)


def install_session(session_class: type[Session]) -> None:
    """Move the versions of the athletes each commit of ``session_class`` wrote (idempotent)."""
    for name, fn in (
        ("after_begin", _begun),
        ("before_flush", _flushed),
        ("before_commit", _before_commit),
        ("after_transaction_end", _ended),
    ):
        if not event.contains(session_class, name, fn):
            event.listen(session_class, name, fn)


def bump(session: Session, athlete_ids: Iterable[int]) -> None:
    """Move the versions of ``athlete_ids`` by one in ``session``'s transaction (an upsert:
    an athlete without a row gets version 1)."""
    ids = sorted({int(a) for a in athlete_ids})  # one order: no deadlock between two writers
    if not ids:
        return
    table = cast(Table, DataVersionRow.__table__)
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    stmt = insert(table).values([{"athlete_id": a, "version": 1} for a in ids])
    stmt = stmt.on_conflict_do_update(
        index_elements=["athlete_id"], set_={"version": table.c.version + 1}
    )
    session.execute(stmt)


def touch(session: Session, athlete_id: int) -> None:
    """Move ``athlete_id``'s version now, in ``session``'s transaction: for a write the
    events cannot see (made on a raw DBAPI connection)."""
    bump(session, [athlete_id])


def versions(session: Session, athlete_ids: Iterable[int]) -> dict[int, int]:
    """``{athlete id: version}`` (0 for an athlete no write has touched yet)."""
    ids = sorted({int(a) for a in athlete_ids})
    got: dict[int, int] = {a: 0 for a in ids}
    for i in range(0, len(ids), 900):
        q = select(DataVersionRow.athlete_id, DataVersionRow.version).where(
            DataVersionRow.athlete_id.in_(ids[i : i + 900])
        )
        got.update({int(a): int(v) for a, v in session.execute(q)})
    return got


def version(session: Session, athlete_id: int) -> int:
    """One athlete's version (0: never written)."""
    return versions(session, [athlete_id])[int(athlete_id)]
