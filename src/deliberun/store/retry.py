"""Writers wait their turn: transient write conflicts are retried with back-off.

Two writers on one database (two imports, an import and a dashboard POST, a
coach's many sessions) meet in three ways, none of them an error of the data:

- SQLite: ``database is locked`` / ``busy`` when the busy timeout ran out, or
  at once when a deferred transaction read a snapshot that another connection
  has since overwritten (SQLite cannot wait on that). Write transactions begin
  ``IMMEDIATE`` (``deliberun.store.db``), which avoids the second case.
- PostgreSQL: serialization failure (SQLSTATE 40001) and deadlock (40P01).
- Either: a unique constraint hit because another writer inserted the same row
  first (``IntegrityError``), or an ORM update that found the row gone or changed
  by another writer (``StaleDataError``); only callers that re-read before writing
  (the importer: "same file"; the stored verdicts) pass ``retry_integrity=True``.

``retry_write(fn)`` runs ``fn`` (which must open and commit its own
transaction) again after a growing, jittered pause, and re-raises anything
else or the last failure. It knows no table: any store writer can use it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: SQLite messages that mean "another connection holds the lock", lower case.
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
#: PostgreSQL SQLSTATEs worth a retry: serialization_failure, deadlock_detected.
PG_RETRY_STATES = frozenset({"40001", "40P01"})
#: Attempts before the last error is re-raised, and the back-off bounds [s].
ATTEMPTS = 8
FIRST_DELAY_S = 0.05
MAX_DELAY_S = 2.0


def is_transient(exc: BaseException, *, integrity: bool = False) -> bool:
    """True when ``exc`` is a write conflict that a later attempt can get past."""
    from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return integrity
    if not isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, IntegrityError):
        return integrity
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in PG_RETRY_STATES:
        return True
    return isinstance(exc, OperationalError) and any(m in str(orig).lower() for m in SQLITE_BUSY)


def is_database_error(exc: BaseException) -> bool:
    """True for an error the database (or the ORM's view of its rows) raised: what a
    writer of a cache may log and leave, since the write it follows stands."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    return isinstance(exc, (DBAPIError, StaleDataError))


def retry_write(
    fn: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    first_delay_s: float = FIRST_DELAY_S,
    max_delay_s: float = MAX_DELAY_S,
    retry_integrity: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``fn()``, again after a back-off while it fails with a transient write conflict."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts - 1 or not is_transient(exc, integrity=retry_integrity):
                raise
            delay = min(max_delay_s, first_delay_s * 2**attempt)
            sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not a secret
    raise AssertionError("unreachable")  # pragma: no cover
