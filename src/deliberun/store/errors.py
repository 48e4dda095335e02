"""Storage failures as one plain line: what went wrong with which database, what to do.

SQLAlchemy's own text is several lines with the SQL and a link; a runner needs
the database's name and the next step. ``StorageError`` carries that line (it
is a ``RuntimeError``: the CLI prints it as ``Error: ...`` and exits 1, also
with ``--json``; the dashboard answers 503).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from deliberun.errors import DeliberunError

#: The base of every database driver error (what the adapters catch, via services.errors).
DatabaseFailure = DBAPIError


class StorageError(DeliberunError, RuntimeError):
    """The database cannot be opened or written; the message says why and what to do."""

    http_status = 503


class AthleteError(DeliberunError):
    """No athlete, an unknown one, or several and none chosen: a usage error (exit 2).

    Not a ``ValueError``: a command's own ``except ValueError`` (exit 1) must not take it."""

    exit_code = 2


class AccountError(DeliberunError):
    """A login account refused: unknown, taken, a weak password, a wrong role (exit 2)."""

    exit_code = 2


def _orig(exc: BaseException) -> str:
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return (
            str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
        )
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def describe(exc: BaseException) -> str:
    """One line for a failure while storing one file (no SQL, no link)."""
    text = _orig(exc)
    return text[:300] if len(text) > 300 else text


#: Failures of the database itself, not of one file's data (lower-case fragments).
FATAL = ("readonly", "read-only", "disk is full", "no space", "not a database", "malformed",
         "unable to open", "disk i/o error")  # fmt: skip


def is_fatal(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot be written at all (not this file's fault)."""
    from sqlalchemy.exc import DBAPIError

    low = _orig(exc).lower()
    return isinstance(exc, DBAPIError) and any(f in low for f in FATAL)


def database_name(url: str) -> str:
    """The file of a SQLite URL, else the URL without its password."""
    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - only a label
        return url
    if u.drivername.startswith("sqlite"):
        return u.database or ":memory:"
    return u.render_as_string(hide_password=True)


def advice(exc: BaseException, url: str) -> str:
    """``<database>: <what is wrong>; <what to do>`` for an error opening or writing it."""
    name = database_name(url)
    low = _orig(exc).lower()
    if "readonly" in low or "read-only" in low or "permission denied" in low:
        what = "is read-only (file or folder not writable)"
        todo = "make it writable, or give another database with --db"
    elif "disk is full" in low or "no space" in low or "database or disk is full" in low:
        what = "cannot grow: the disk is full"
        todo = "free some space and run the command again"
    elif "file is not a database" in low or "not a database" in low:
        what = "is not a deliberun database (not SQLite at all)"
        todo = "give the right file with --db, or a new path to start a new database"
    elif "unable to open" in low:
        what = "cannot be opened (missing folder or no access)"
        todo = "check the path and its permissions, or give another one with --db"
    elif "locked" in low or "busy" in low:
        what = "is busy: another deliberun process kept it locked too long"
        todo = "wait for the other import or command to finish and run this again"
    elif "malformed" in low or "corrupt" in low:
        what = "is damaged (malformed)"
        todo = "restore it from a backup, or start a new one with --db"
    else:
        what = f"failed: {_orig(exc)[:200]}"
        todo = "check the database path given with --db or DELIBERUN_DB"
    return f"database {name} {what}; {todo}"
