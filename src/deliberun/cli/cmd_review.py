"""``deliberun review`` and ``deliberun today``: the weekly review or a cycle's
retrospective, and today's session, every sentence citing its sessions."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from deliberun.cli import args
from deliberun.cli.args import JSON, db_of, optional_date
from deliberun.cli.output import print_json, stdout


def _print_review(rev: Any, markdown: bool) -> None:
    from deliberun.practice.review import cited_ids, to_markdown

    if markdown:
        import sys

        sys.stdout.write(to_markdown(rev) + "\n")
        return
    if rev.notice:
        stdout.print(f"[bold yellow]{escape(rev.notice)}[/bold yellow]")
    stdout.print(f"[bold]{rev.title}[/bold]")
    if rev.advice:
        stdout.print(f"Advice: [bold]{rev.advice.replace('_', ' ')}[/bold]")
    for sec in rev.sections:
        stdout.print(f"\n[bold]{sec.title}[/bold]")
        for s in sec.sentences:
            ids = cited_ids(s)
            ref = f" [dim](activities {', '.join(ids[:12])})[/dim]" if ids else ""
            stdout.print(f"- {escape(s.text)}{ref}", highlight=False)


def review(
    ctx: typer.Context,
    week: str = typer.Option(
        None, "--week", help="A day of the week to review (default: this week)."
    ),
    cycle: bool = typer.Option(False, "--cycle", help="The current cycle's retrospective instead."),
    markdown: bool = typer.Option(False, "--markdown", help="Print Markdown."),
    as_json: bool = JSON,
) -> None:
    """Weekly review (or --cycle retrospective); every sentence cites its sessions.

    Example: deliberun review --week 2026-03-02 --markdown
    """
    from deliberun.services import review as rsvc

    db = db_of(ctx)
    day = args.today()
    if cycle:
        rev = rsvc.retrospective(db, None, today=day)
    else:
        rev = rsvc.weekly(db, week=optional_date(week, "--week") or day, today=day)
    if as_json:
        print_json(rev.to_dict())
    else:
        _print_review(rev, markdown)


def today(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Today's session, or an adjustment, with why.

    Example: deliberun today --json
    """
    from deliberun.services.daily import today_advice

    advice = today_advice(db_of(ctx), today=args.today())
    if as_json:
        print_json(advice.to_dict())
        return
    _print_review(advice.review, False)
    for x in advice.experiments:
        planned = ", ".join(f"{p['date']} {p['arm']}" for p in x["planned"])
        stdout.print(
            f"Experiment {x['id']}: your next {x['workout_type'] or ''} session is arm "
            f"{x['next_arm']} ({'with' if x['next_arm'] == 'B' else 'without'} "
            f"{x['change']}){'; planned: ' + planned if planned else ''}.",
            highlight=False,
        )
