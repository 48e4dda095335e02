"""The ``deliberun`` command. Each area registers its commands from its own module.

The registry is explicit (no registration as a side effect of import).
"""

from __future__ import annotations

import typer

from deliberun.cli import (
    asof,
    cmd_athlete,
    cmd_backup,
    cmd_courses,
    cmd_demo,
    cmd_experiment,
    cmd_import,
    cmd_plan,
    cmd_practice,
    cmd_race,
    cmd_report,
    cmd_serve,
    cmd_simulate,
    cmd_strava,
    cmd_users,
)
from deliberun.cli.errors import ErrorMappingGroup

app = typer.Typer(
    name="deliberun",
    cls=ErrorMappingGroup,
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
    cmd_experiment,
    cmd_serve,
    cmd_report,
    cmd_demo,
    cmd_backup,
    cmd_strava,
    cmd_courses,
    cmd_users,
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
    """The console script. Errors are answered by ``ErrorMappingGroup``
    (``deliberun.cli.errors``); here only an interrupt or a closed pipe (exit 130)."""
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
