"""The practice area's commands, registered in this order: cycle and target
(``cmd_cycle``), log and journal (``cmd_journal``), nemesis (``cmd_nemesis``), review and
today (``cmd_review``); experiment is ``cmd_experiment``.

Every command takes ``--json`` (one JSON document on stdout); the default is a Rich
table or text. Logic lives in ``deliberun.services``.
"""

from __future__ import annotations

import typer

from deliberun.cli import cmd_journal, cmd_nemesis, cmd_review
from deliberun.cli.args import JSON as JSON  # the practice commands' shared parsing
from deliberun.cli.args import db_of as _db
from deliberun.cli.args import optional_date as _date
from deliberun.cli.args import today as _today
from deliberun.cli.cmd_cycle import cycle_app as cycle_app
from deliberun.cli.cmd_cycle import target_app as target_app

__all__ = ["JSON", "_date", "_db", "_today", "cycle_app", "register", "target_app"]


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(cycle_app, name="cycle")
    app.add_typer(target_app, name="target")
    app.command("log")(cmd_journal.log)
    app.command("journal")(cmd_journal.journal)
    app.command("nemesis")(cmd_nemesis.nemesis)
    app.command("review")(cmd_review.review)
    app.command("today")(cmd_review.today)
