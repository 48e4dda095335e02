"""Open the database a command works on, for the athlete it names (``--db``, ``--athlete``)."""

from __future__ import annotations

import typer

from deliberun.store.db import Database


def open_db(ctx: typer.Context) -> Database:
    """The database of ``--db`` for the athlete of ``--athlete`` (else the only one).

    The athlete is resolved here, before the command does anything: an unknown name, or
    several athletes and no name, is one line listing them (exit 2, ``cli.main``).
    """
    obj = ctx.find_root().obj or {}
    db = Database(obj.get("db"), athlete=obj.get("athlete"))
    db.athlete_id  # noqa: B018 - resolve now: a wrong name fails before any work
    return db
