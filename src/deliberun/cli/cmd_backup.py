"""``deliberun backup FILE``: a consistent copy of the database, safe while it is in use."""

from __future__ import annotations

from pathlib import Path

import typer

from deliberun.cli.output import fail, print_json, stderr


def backup(
    ctx: typer.Context,
    dest: Path = typer.Argument(..., help="The backup file to write (must not exist)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Copy the database to FILE, safe while the dashboard or an import is running.

    A plain file copy can lose recent writes (the database runs in WAL mode); this
    uses SQLite's online backup. For PostgreSQL it says how to use pg_dump.

    Example: deliberun backup ~/deliberun-2026-03-01.db
    """
    from deliberun.services.backup import backup as run

    try:
        doc = run(ctx.obj["db"] if ctx.obj else None, dest.expanduser())
    except ValueError as exc:
        fail(str(exc), code=2)
    if as_json:
        print_json(doc)
        return
    stderr.print(
        f"Backed up {doc['activities']} activities to {doc['backup']} "
        f"({int(doc['bytes']) / 1e6:.1f} MB); open it with --db {doc['backup']}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this command to the root app."""
    app.command("backup")(backup)
