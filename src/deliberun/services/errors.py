"""Database failures for the adapters, without them knowing SQL.

``DatabaseFailure`` is the class every driver error derives from (SQLAlchemy's
``DBAPIError``); ``database_message`` turns one into the line a runner reads
(``deliberun.store.errors.advice``), ``is_busy`` says whether waiting would help.
``AthleteError``: no such athlete, or several and none chosen (a usage error, exit 2).
``AccountError``: a login refused by ``deliberun user`` (unknown, taken, weak password; exit 2).
"""

from __future__ import annotations

from deliberun.store.db import OPENED
from deliberun.store.errors import AccountError, AthleteError, DatabaseFailure, advice
from deliberun.store.retry import is_transient

__all__ = ["AccountError", "AthleteError", "DatabaseFailure", "database_message", "is_busy"]


def database_message(exc: BaseException, url: str | None = None) -> str:
    """One line naming the database (``url``, else the last one opened) and what to do."""
    return advice(exc, url or (OPENED[-1] if OPENED else "(unknown)"))


def is_busy(exc: BaseException) -> bool:
    """True when another writer held the database (a retry later would succeed)."""
    return is_transient(exc)
