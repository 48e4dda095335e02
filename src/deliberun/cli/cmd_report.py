"""``deliberun report --week``: one week on a page (see docs/dashboard.md)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from deliberun.cli.output import fail, print_json, stderr


def report(
    ctx: typer.Context,
    week: str = typer.Option(
        None, "--week", help="A day of the week to report (YYYY-MM-DD; default: this week)."
    ),
    out: Path = typer.Option(None, "--out", "-o", help="Write the HTML page to this file."),
    json_: bool = typer.Option(False, "--json", help="Print one JSON document instead."),
    today_: str = typer.Option(None, "--today", help="Treat this day as today (YYYY-MM-DD)."),
) -> None:
    """Write a week's planned vs done, review and form as a self-contained HTML page.

    Example: deliberun report --week 2026-03-02 --out week.html
    """
    from deliberun.services.dashboard import week_report
    from deliberun.store.db import Database
    from deliberun.web.app import render_report

    try:
        today = date.fromisoformat(today_) if today_ else date.today()
        day = date.fromisoformat(week) if week else today
    except ValueError as exc:
        fail(f"{exc}: give dates as YYYY-MM-DD", code=2)
    db = Database(ctx.obj["db"] if ctx.obj else None)
    data = week_report(db, week=day, today=today)
    if json_:
        print_json(data)
        return
    html = render_report(data)
    if out is None:
        sys.stdout.write(html)
        return
    out.write_text(html, encoding="utf-8")
    stderr.print(f"Wrote {out} (week of {data['week_start']})", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app (the lead registers this module in main.py)."""
    app.command("report")(report)
