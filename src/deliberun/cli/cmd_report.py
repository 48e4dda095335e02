"""``deliberun report --week``: one week on a page (see docs/dashboard.md)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from deliberun.cli import asof
from deliberun.cli.output import fail, print_json, stderr


def report(
    ctx: typer.Context,
    week: str = typer.Option(
        None, "--week", help="A day of the week to report (YYYY-MM-DD; default: this week)."
    ),
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        help="Write to this file: .png (one image), .pdf (A4 pages) or .html (one page).",
    ),
    json_: bool = typer.Option(False, "--json", help="Print one JSON document instead."),
    today_: str = typer.Option(
        None, "--today", help="Treat this day as today (YYYY-MM-DD; same as the global --today)."
    ),
) -> None:
    """Write a week's planned vs done, form and review as a PNG, PDF or HTML page.

    Example: deliberun report --week 2026-03-02 --out week.png
    """
    from deliberun.cli.dbopen import open_db
    from deliberun.services.dashboard import week_report
    from deliberun.web.app import render_report
    from deliberun.web.report_image import FORMATS, write_report_image

    try:
        today = date.fromisoformat(today_) if today_ else asof.today()
        day = date.fromisoformat(week) if week else today
    except ValueError as exc:
        fail(f"{exc}: give dates as YYYY-MM-DD", code=2)
    fmt = None
    if out is not None and not json_:
        fmt = out.suffix.lower().lstrip(".")
        if fmt == "htm":
            fmt = "html"
        if fmt not in ("html", *FORMATS):
            fail(f"--out {out.name}: name the file .png, .pdf or .html", code=2)
        if not out.parent.is_dir():
            fail(f"--out {out}: folder {out.parent} does not exist; create it first", code=2)
    db = open_db(ctx)
    data = week_report(db, week=day, today=today)
    if json_:
        print_json(data)
        return
    if out is None:
        sys.stdout.write(render_report(data))
        return
    if fmt == "html":
        out.write_text(render_report(data), encoding="utf-8")
        what = "page"
    else:
        pages = write_report_image(data, out)
        what = f"{pages} page{'s' if pages > 1 else ''}" if fmt == "pdf" else "image"
    stderr.print(f"Wrote {out} ({what}, week of {data['week_start']})", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app (the lead registers this module in main.py)."""
    app.command("report")(report)
