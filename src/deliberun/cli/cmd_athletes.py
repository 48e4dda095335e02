"""Commands ``deliberun athlete add|list|remove``: the runners a database holds.

They work on the database as a whole, so they need no ``--athlete`` (whatever it says).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from deliberun.cli.output import fail, print_json, stderr, stdout, table
from deliberun.store.db import Database


def _db(ctx: typer.Context) -> Database:
    return Database((ctx.find_root().obj or {}).get("db"))


def add_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The runner's name (unique in this database)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Add an athlete; then choose whose data a command works on with --athlete NAME.

    Example: deliberun athlete add alice
    """
    from deliberun.services.athletes import add_athlete

    doc = add_athlete(_db(ctx), name, now=datetime.now(UTC))
    if as_json:
        print_json(doc)
        return
    stderr.print(
        f"Added athlete {doc['name']} (id {doc['id']}); import their runs with: "
        f"deliberun --athlete {doc['name']} import PATH",
        highlight=False,
    )


def list_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Every athlete with their number of runs and the date of their last run.

    Example: deliberun athlete list
    """
    from deliberun.services.athletes import list_athletes

    rows = list_athletes(_db(ctx))
    if as_json:
        print_json(rows)
        return
    stdout.print(
        table(
            "athletes",
            ["id", "name", "runs", "last run"],
            [(r["id"], r["name"], r["runs"], r["last_run"] or "") for r in rows],
        )
    )


def remove_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The athlete to remove, with all their data."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    backup_to: Path = typer.Option(
        None,
        "--backup",
        metavar="FILE",
        help="Where the backup goes (default: beside the database, named with the time).",
    ),
    no_backup: bool = typer.Option(
        False, "--no-backup", help="Remove without a backup (PostgreSQL: after your pg_dump)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Remove an athlete and all their data; writes a backup of the database first.

    Example: deliberun athlete remove alice
    """
    from deliberun.services.athletes import default_backup, remove_athlete
    from deliberun.services.errors import AthleteError

    db = _db(ctx)
    dest = None
    if not no_backup:
        try:
            dest = (
                backup_to.expanduser()
                if backup_to is not None
                else default_backup(db, name, now=datetime.now(UTC))
            )
        except ValueError as exc:
            fail(str(exc), code=2)
    if not yes:
        typer.confirm(f"Remove athlete {name} and all their data?", abort=True, err=True)
    try:
        doc = remove_athlete(db, name, backup_to=dest)
    except ValueError as exc:  # the backup could not be written: nothing was removed
        fail(str(exc), code=2)
    except AthleteError as exc:
        fail(str(exc), code=2)
    if as_json:
        print_json(doc)
        return
    saved = f"; backup of the database before: {doc['backup']}" if doc["backup"] else ""
    stderr.print(f"Removed athlete {name} and their {doc['runs']} runs{saved}", highlight=False)


def group_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Every athlete's last run, load advice, form and ACWR, missed key sessions, RPE
    that disagrees with the data, experiments, nemesis workouts and days since their data
    last arrived: the ones that need a look first, each with its evidence.

    Example: deliberun --today 2026-03-01 group --json
    """
    from deliberun.cli import asof
    from deliberun.services.group import group

    doc = group(_db(ctx), today=asof.today())
    if as_json:
        print_json(doc)
        return
    print_group(doc)


def print_group(doc: dict[str, Any]) -> None:
    """The group view as a table: the athletes who need a look first, with the evidence."""
    num = lambda x, d: "" if x is None else f"{x:.{d}f}"  # noqa: E731
    stdout.print(
        table(
            f"group on {doc['today']}",
            ["athlete", "runs", "last run", "form", "ACWR", "days since data", "look at"],
            [(a["name"], a["runs"], a["last_run"] or "", num(a["form"], 0), num(a["acwr"], 2),
              "" if a["days_since_data"] is None else a["days_since_data"],
              "\n".join(f["words"] for f in a["flags"]) or "nothing to look at")
             for a in doc["athletes"]],
        )
    )  # fmt: skip


def register(app: typer.Typer, athlete_app: typer.Typer) -> None:
    """Add ``athlete add|list|remove`` under ``athlete`` and ``group`` to the root app."""
    athlete_app.command("add")(add_cmd)
    athlete_app.command("list")(list_cmd)
    athlete_app.command("remove")(remove_cmd)
    app.command("group")(group_cmd)
