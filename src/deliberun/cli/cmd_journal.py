"""``deliberun log`` and ``deliberun journal``: how a run felt, and the journal."""

from __future__ import annotations

import typer
from rich.markup import escape

from deliberun.cli.args import JSON, db_of, optional_date, today
from deliberun.cli.output import number, print_json, stdout, table


def log(
    ctx: typer.Context,
    activity_id: int = typer.Argument(None, help="Activity id (default: the run on --date)."),
    on: str = typer.Option(None, "--date", help="Local date YYYY-MM-DD (default: today)."),
    rpe: float = typer.Option(None, "--rpe", help="Perceived exertion, CR-10 (0-10)."),
    sleep: float = typer.Option(None, "--sleep", help="Sleep the night before [h]."),
    feel: float = typer.Option(None, "--feel", help="1 (awful) .. 5 (great)."),
    soreness: float = typer.Option(None, "--soreness", help="0..10."),
    notes: str = typer.Option("", "--notes", help="Free text."),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeatable)."),
    detail: list[str] = typer.Option(
        [],
        "--detail",
        help="Race detail rehearsed: fuelling, breakfast, gear, course (repeatable).",
    ),
    from_file: str = typer.Option(
        None, "--from-file", help="Import a deliberun-journal.yaml instead."
    ),
    as_json: bool = JSON,
) -> None:
    """Log how a run felt: RPE, sleep, feel, notes, tags, race-detail rehearsals.

    Example: deliberun log --date 2026-03-02 --rpe 7 --sleep 7.5 --detail fuelling
    """
    from deliberun.practice.journal import JournalEntry
    from deliberun.services import practice as svc
    from deliberun.services.daily import log_run

    db = db_of(ctx)
    if from_file:
        counts = svc.import_journal_file(db, from_file)
        if as_json:
            print_json(counts)
        else:
            stdout.print(
                f"Imported {counts['journal']} journal entries, {counts['cycles']} cycles, "
                f"{counts['experiments']} experiments."
            )
        return
    day = optional_date(on, "--date")
    if day is None and activity_id is not None:
        day = svc.activity_date(db, activity_id)
    entry = JournalEntry(
        date=day or today(),
        activity_id=activity_id,
        rpe=rpe,
        feel=feel,
        sleep_h=sleep,
        soreness=soreness,
        notes=notes,
        tags=list(tag),
        details=list(detail),
    )
    out = log_run(db, entry, today=today())
    if as_json:
        print_json(out)
    else:
        which = f"activity {out['activity_id']}" if out["activity_id"] else "no activity"
        arm = [t for t in out.get("tags", []) if ":" in t]
        stdout.print(f"Logged {out['date']} ({which}){'; arm ' + ', '.join(arm) if arm else ''}.")


def journal(
    ctx: typer.Context,
    since: str = typer.Option(None, "--since", help="From this date (YYYY-MM-DD)."),
    as_json: bool = JSON,
) -> None:
    """The journal: your entries, and the effort and notes your exports carried (Strava).

    Example: deliberun journal --since 2026-03-01
    """
    from deliberun.services import practice as svc

    entries = svc.list_journal(db_of(ctx), since=optional_date(since, "--since"))
    if as_json:
        print_json(entries)
        return
    if not entries:
        stdout.print("The journal is empty: `deliberun log --rpe 6 ...` after a run.")
        return
    rows = [
        [
            e["date"],
            e["activity_id"] or "",
            number(e["rpe"], 0),
            number(e["feel"], 0),
            number(e["sleep_h"], 1),
            number(e["soreness"], 0),
            ", ".join(e["tags"] + e["details"]),
            escape(e["notes"] or ""),
            e["source"],
        ]
        for e in entries
    ]
    stdout.print(
        table(
            "Journal",
            ["date", "run", "RPE", "feel", "sleep", "sore", "tags", "notes", "from"],
            rows,
        )
    )
