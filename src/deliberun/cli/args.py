"""What the command modules parse alike: the ``--json`` option, dates, the database
and today's date of the running command."""

from __future__ import annotations

from datetime import date

import typer

from deliberun.cli import asof
from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail
from deliberun.store.db import Database

JSON = typer.Option(False, "--json", help="Print one JSON document.")


def db_of(ctx: typer.Context) -> Database:
    """The database of ``--db`` for the athlete of ``--athlete``."""
    return open_db(ctx)


def today() -> date:
    """The as-of date of the running command (``--today``, else the local date)."""
    return asof.today()


def parse_date(text: str, what: str = "date") -> date:
    """``text`` as YYYY-MM-DD; exit 2 naming ``what`` otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{what} {text!r} is not YYYY-MM-DD", 2)


def optional_date(text: str | None, what: str = "date") -> date | None:
    """:func:`parse_date`, or ``None`` when nothing was given."""
    return None if text is None else parse_date(text, what)
