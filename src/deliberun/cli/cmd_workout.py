"""``deliberun workout ...``: parse workout text into steps at the athlete's paces, write
it as a FIT workout, the library. Logic in ``deliberun.services.workouts``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from deliberun.cli.args import JSON, db_of, today
from deliberun.cli.output import print_json, stderr, stdout, table
from deliberun.units import clock, pace_value

workout_app = typer.Typer(
    help="Structured workouts: parse, export to a watch, library.\n\n"
    "Example: deliberun workout parse '2km E + 6x800m @I w/ 400m jog + 2km E'",
    no_args_is_help=True,
)


def _note(words: str | None) -> None:
    """Where the zones' VDOT came from, in words (none when the runner typed it)."""
    if words:
        stderr.print(f"note: {words}", highlight=False)


def _pace(p: float, units: str = "metric") -> str:
    """``m:ss`` per km or per mile (the unit is printed once after the band)."""
    return clock(pace_value(p, units))


def _step_rows(
    steps: list[dict[str, Any]], indent: str = "", units: str = "metric"
) -> list[list[str]]:
    from deliberun.plan.text import format_distance, format_duration

    rows = []
    for s in steps:
        if s["kind"] == "repeat":
            rows.append([f"{indent}repeat x{s['reps']}", "", ""])
            rows += _step_rows(s["steps"], indent + "  ", units)
            continue
        if "distance_m" in s:
            amount = format_distance(s["distance_m"])
        elif "duration_s" in s:
            amount = format_duration(s["duration_s"])
        else:
            amount = "lap"
        t = s.get("target") or {}
        target = ""
        if t.get("pace_s_per_km"):
            lo, hi = t["pace_s_per_km"]
            unit = "/mi" if units == "imperial" else "/km"
            target = f"{t.get('zone') or ''} {_pace(lo, units)}-{_pace(hi, units)}{unit}".strip()
        elif t.get("hr_bpm"):
            target = f"{t['hr_bpm'][0]:g}-{t['hr_bpm'][1]:g} bpm"
        elif t.get("rpe") is not None:
            target = f"RPE {t['rpe']:g}"
        rows.append(
            [
                f"{indent}{s['kind']}" + (f" ({s['label']})" if s.get("label") else ""),
                amount,
                target,
            ]
        )
    return rows


@workout_app.command("parse")
def workout_parse(
    ctx: typer.Context,
    text: str = typer.Argument(
        ..., help="Workout text, e.g. '2km E + 6x800m @I w/ 400m jog + 2km E'."
    ),
    vdot: float = typer.Option(None, "--vdot", help="VDOT for the zones (default: the athlete's)."),
    as_json: bool = JSON,
) -> None:
    """Parse workout text into its steps, zones resolved to paces.

    Example: deliberun workout parse "25min E + 3x(10min @T, 2min rest)" --vdot 50
    """
    from deliberun.services.workouts import parsed_workout

    found = parsed_workout(db_of(ctx), text, vdot=vdot, today=today())
    _note(found.vdot.words)
    doc = found.to_dict()
    if as_json:
        print_json(doc)
        return
    rows = _step_rows(doc["steps"], units=found.units)
    stdout.print(table(doc["text"], ["step", "amount", "target"], rows))


@workout_app.command("export")
def workout_export(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="Workout text."),
    fit: Path = typer.Option(..., "--fit", help="FIT workout file to write."),
    name: str = typer.Option(None, "--name", help="Name shown on the watch."),
    vdot: float = typer.Option(None, "--vdot", help="VDOT for the zones (default: the athlete's)."),
) -> None:
    """Write a workout as a FIT workout file a Garmin watch loads.

    Example: deliberun workout export "2km E + 5x1km @I w/ 400m jog + 2km E" --fit intervals.fit
    """
    from deliberun.services.workouts import export_workout_fit

    used = export_workout_fit(db_of(ctx), text, fit, name=name, vdot=vdot, today=today())
    _note(used.words)
    stderr.print(f"wrote {fit}", highlight=False)


@workout_app.command("library")
def workout_library(
    workout_type: str = typer.Option(None, "--type", help="Only this workout type."),
    as_json: bool = JSON,
) -> None:
    """The workout library, per type, easier to harder.

    Example: deliberun workout library --type intervals
    """
    from deliberun.plan.library import library

    entries = library(workout_type)
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    stdout.print(
        table(
            "workout library",
            ["type", "name", "text", "purpose"],
            [[e.workout_type, e.name, e.text, e.purpose] for e in entries],
        )
    )
