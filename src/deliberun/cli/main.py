"""The ``deliberun`` command. Each area registers its commands from its own module.

The registry is explicit (no registration as a side effect of import).
"""

from __future__ import annotations

import os
import sys

import typer

from deliberun.cli import (
    asof,
    cmd_athlete,
    cmd_backup,
    cmd_courses,
    cmd_demo,
    cmd_import,
    cmd_plan,
    cmd_practice,
    cmd_race,
    cmd_report,
    cmd_serve,
    cmd_simulate,
    cmd_strava,
)
from deliberun.cli.output import print_json, safe, stderr
from deliberun.services.errors import AthleteError

app = typer.Typer(
    name="deliberun",
    help="Deliberate practice for runners: import your runs, model your fitness, "
    "set targets, run experiments.\n\nExample: deliberun import ~/strava_export.zip",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    add_completion=False,
)

REGISTRY = (
    cmd_import,
    cmd_race,
    cmd_athlete,
    cmd_simulate,
    cmd_plan,
    cmd_practice,
    cmd_serve,
    cmd_report,
    cmd_demo,
    cmd_backup,
    cmd_strava,
    cmd_courses,
)


@app.callback()
def _root(
    ctx: typer.Context,
    db: str = typer.Option(
        None, "--db", envvar="DELIBERUN_DB", help="Database path or URL (default: user data dir)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
    athlete: str = typer.Option(
        None,
        "--athlete",
        envvar="DELIBERUN_ATHLETE",
        metavar="NAME",
        help="Whose data (a coach's database holds several; one athlete needs no flag).",
    ),
    today: str = typer.Option(
        None,
        "--today",
        envvar="DELIBERUN_TODAY",
        metavar="YYYY-MM-DD",
        help="Answer as of this day, using only data up to it (default: the local date).",
    ),
) -> None:
    pinned = asof.parse_today(today)
    asof.pin(pinned)
    ctx.obj = {"db": db, "athlete": athlete, "debug": debug, "today": pinned}


for module in REGISTRY:
    module.register(app)


def _markdown_help(t: typer.Typer) -> None:
    """Help text is read as Markdown, not Rich markup: Rich takes ``[km]`` for a style
    tag and drops it ("Current weekly volume ."); Markdown keeps the unit and shows
    `code` as code."""
    t.rich_markup_mode = "markdown"
    for group in t.registered_groups:
        if group.typer_instance is not None:
            _markdown_help(group.typer_instance)


_markdown_help(app)


def main() -> None:
    debug = "--debug" in sys.argv or os.environ.get("DELIBERUN_DEBUG")
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except AthleteError as exc:  # whose data is a usage question: exit 2
        if debug:
            raise
        stderr.print(f"[red]Error:[/red] {safe(str(exc))}", highlight=False)
        if "--json" in sys.argv[1:]:
            print_json({"error": str(exc)})
        raise SystemExit(2) from None
    except Exception as exc:  # a library error: one line, exit 1
        if debug:
            raise
        message = one_line(exc)
        stderr.print(f"[red]Error:[/red] {safe(message)}", highlight=False)
        if "--json" in sys.argv[1:]:  # the contract: one JSON document on stdout
            print_json({"error": message})
        raise SystemExit(1) from None


def one_line(exc: Exception) -> str:
    """The error as one line; a database error names the database and what to do."""
    from deliberun.services.errors import DatabaseFailure, database_message

    if isinstance(exc, DatabaseFailure):
        return database_message(exc)
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


if __name__ == "__main__":
    main()
