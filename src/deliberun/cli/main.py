"""The ``deliberun`` command. Each area registers its commands from its own module.

The registry is explicit (no registration as a side effect of import).
"""

from __future__ import annotations

import os
import sys

import typer

from deliberun.cli import (
    cmd_athlete,
    cmd_courses,
    cmd_demo,
    cmd_import,
    cmd_plan,
    cmd_practice,
    cmd_report,
    cmd_serve,
    cmd_simulate,
)
from deliberun.cli.output import stderr

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
    cmd_athlete,
    cmd_simulate,
    cmd_plan,
    cmd_practice,
    cmd_serve,
    cmd_report,
    cmd_demo,
    cmd_courses,
)


@app.callback()
def _root(
    ctx: typer.Context,
    db: str = typer.Option(
        None, "--db", envvar="DELIBERUN_DB", help="Database path or URL (default: user data dir)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    ctx.obj = {"db": db, "debug": debug}


for module in REGISTRY:
    module.register(app)


def main() -> None:
    debug = "--debug" in sys.argv or os.environ.get("DELIBERUN_DEBUG")
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as exc:  # a library error: one line, exit 1
        if debug:
            raise
        stderr.print(f"[red]Error:[/red] {exc}", highlight=False)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
