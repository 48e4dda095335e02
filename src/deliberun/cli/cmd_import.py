"""Commands of the import area: import, activities, show, recompute."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail, print_json, safe, stderr, stdout, table
from deliberun.cli.show_view import (
    fmt_distance,
    fmt_duration,
    fmt_num,
    fmt_pace,
    render_activity,
    unit_labels,
)
from deliberun.store.db import Database


class _RateColumn(ProgressColumn):
    """Items per second."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} {self.unit}/s", style="cyan")


@contextmanager
def _progress(quiet: bool, label: str, unit: str) -> Iterator[Any]:
    """A Rich progress bar on stderr; None when quiet or stderr is not a terminal."""
    if quiet or not stderr.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(unit),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int | None, _path: str) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


def _db(ctx: typer.Context) -> Database:
    return open_db(ctx)


def _units(db: Database) -> str:
    from deliberun.services.dashboard_base import units_of

    return units_of(db)


def import_cmd(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(
        ..., help="Files, folders, .zip/.gz, Strava or Garmin exports."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    workers: int = typer.Option(None, "--workers", min=1, help="Parser processes (default: CPUs)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Import activity files; the same file or the same run twice gives one activity.

    Example: deliberun import ~/Downloads/export_12345.zip
    """
    from deliberun.services.importer import import_paths

    db = _db(ctx)
    try:
        with _progress(quiet, "importing", "files") as progress:
            report = import_paths(db, paths, workers=workers, progress=progress)
    except FileNotFoundError as exc:  # a path typed wrong: a usage mistake
        fail(str(exc), code=2)
    refreshed = refresh_thresholds(db, quiet or as_json, workers)
    if as_json:
        print_json({**report.to_dict(), "thresholds": refreshed})
    else:
        rows: list[list[Any]] = []
        rows += [
            ["imported", report.imported_from.get(i, ""), f"activity {i}"] for i in report.imported
        ]
        rows += [
            ["duplicate", d["path"], f"{d['reason']} (activity {d['activity_id']})"]
            for d in report.duplicates
        ]
        rows += [["skipped", d["path"], d["reason"]] for d in report.skipped]
        rows += [
            [
                "manual",
                f"{d['export']} row {d['strava_id']}",
                f"activity {d['activity_id']} ({d['reason']})",
            ]
            for d in report.manual
            if d.get("status") == "imported"
        ]
        rows += [["failed", d["path"], d["error"]] for d in report.failed]
        if rows:
            stdout.print(table(None, ["result", "file", "activity / reason"], rows))
        stdout.print(
            f"{len(report.imported)} imported, {len(report.duplicates)} duplicates, "
            f"{len(report.skipped)} skipped, {len(report.failed)} failed"
        )
        from deliberun.services.manual_import import manual_summary_line

        line = manual_summary_line(report)
        if line:
            stdout.print(line)
        for d in report.failed:
            stderr.print(
                f"[red]Error:[/red] {safe(d['path'])}: {safe(d['error'])}", highlight=False
            )
        say_refreshed(refreshed)
    if report.failed:
        raise typer.Exit(1)


def refresh_thresholds(db: Database, quiet: bool, workers: int | None = None) -> dict[str, Any]:
    """Re-estimate the thresholds and recompute the metrics that used other values
    (``services.threshold_refresh``), with a progress bar."""
    from deliberun.cli import asof
    from deliberun.services.threshold_refresh import refresh

    with _progress(quiet, "recomputing for new thresholds", "activities") as progress:
        return refresh(db, today=asof.today(), progress=progress, workers=workers)


def say_refreshed(result: dict[str, Any]) -> None:
    """Tell the runner what a threshold change recomputed (nothing when nothing was)."""
    from deliberun.services.threshold_refresh import describe

    line = describe(result)
    if line:
        stdout.print(line, highlight=False)


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD", param_hint=option
        ) from None


def activities_cmd(
    ctx: typer.Context,
    since: str = typer.Option(None, "--since", help="First local date, YYYY-MM-DD."),
    until: str = typer.Option(None, "--until", help="Last local date, YYYY-MM-DD."),
    sport: str = typer.Option(None, "--sport", help="Only this sport (running, cycling, ...)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """List imported activities by start time.

    Example: deliberun activities --since 2026-01-01
    """
    from deliberun.services.activities import list_activities

    db = _db(ctx)
    from deliberun.cli import asof
    from deliberun.services.session_types import annotate

    last = min(_parse_date(until, "--until") or asof.today(), asof.today())
    items = list_activities(db, since=_parse_date(since, "--since"), until=last, sport=sport)
    annotate(db, items, today=asof.today())
    if as_json:
        print_json(items)
        return
    units = _units(db)
    lab = unit_labels(units)
    rows = [
        [
            a["id"],
            a["start_time"][:16].replace("T", " "),
            a["sport"],
            (a["name"] or "")
            + (" (manual)" if a.get("manual") else "")
            + (" (deleted on Strava)" if (a.get("extra") or {}).get("strava_deleted") else ""),
            (a["session_type"] or "")
            + (" (race)" if a["is_race"] and a["session_type"] != "race" else ""),
            fmt_distance(a["distance_m"], units),
            fmt_duration(a["moving_time_s"]),
            fmt_pace(a["distance_m"], a["moving_time_s"], units),
            fmt_num(a["avg_hr_bpm"]),
        ]
        for a in items
    ]
    stdout.print(
        table(
            f"{len(items)} activities",
            [
                "id",
                "start",
                "sport",
                "name",
                "type",
                lab["distance"],
                "moving",
                lab["pace"],
                "avg HR",
            ],
            rows,
        )
    )


def show_cmd(
    ctx: typer.Context,
    activity_id: int = typer.Argument(..., metavar="ID", help="Activity id (see `activities`)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Show one activity with its metrics.

    Example: deliberun show 42 --json
    """
    from deliberun.cli import asof
    from deliberun.errors import InvalidInput
    from deliberun.services.activities import NoSuchActivity
    from deliberun.services.activity_view import activity_document

    db = _db(ctx)
    try:
        item = activity_document(db, activity_id, today=asof.today())
    except NoSuchActivity as exc:  # an id typed that names nothing: a usage mistake (exit 2)
        raise InvalidInput(f"{exc}: see 'deliberun activities' for the ids") from exc
    if as_json:
        print_json(item)
        return
    for renderable in render_activity(item, _units(db)):
        stdout.print(renderable)


def recompute_cmd(
    ctx: typer.Context,
    reparse: bool = typer.Option(
        False, "--reparse", help="Re-read the kept original files (reader fixes apply too)."
    ),
    workers: int = typer.Option(None, "--workers", min=1, help="Processes (default: CPUs)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Recompute every activity's summary and metrics with the current code.

    Example: deliberun recompute --reparse
    """
    from deliberun.services.activities import recompute

    db = _db(ctx)
    with _progress(quiet, "recomputing", "activities") as progress:
        report = recompute(db, reparse=reparse, workers=workers, progress=progress)
    if as_json:
        print_json(report.to_dict())
    else:
        stdout.print(
            f"{len(report.recomputed)} recomputed, {len(report.failed)} failed "
            f"(metrics version {report.metrics_version or 'none'})"
        )
        for d in report.failed:
            stderr.print(f"[red]Error:[/red] activity {d['id']}: {d['error']}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("import")(import_cmd)
    app.command("activities")(activities_cmd)
    app.command("show")(show_cmd)
    app.command("recompute")(recompute_cmd)
