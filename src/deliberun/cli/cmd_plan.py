"""Commands of the plan area: ``deliberun workout ...`` and ``deliberun plan ...``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import typer

from deliberun.cli import asof
from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail, print_json, stderr, stdout, table
from deliberun.errors import InvalidInput
from deliberun.store.db import Database
from deliberun.units import clock, pace_value, workout_words

workout_app = typer.Typer(
    help="Structured workouts: parse, export to a watch, library.\n\n"
    "Example: deliberun workout parse '2km E + 6x800m @I w/ 400m jog + 2km E'",
    no_args_is_help=True,
)
plan_app = typer.Typer(
    help="Training plans: generate, show, edit, export, compliance.", no_args_is_help=True
)


def _db(ctx: typer.Context) -> Database:
    return open_db(ctx)


def _today() -> date:
    return asof.today()


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"date {text!r} is not YYYY-MM-DD", 2)


def _vdot(ctx: typer.Context, vdot: float | None) -> float:
    if vdot is not None:
        return vdot
    from deliberun.services.plan import current_vdot

    try:
        v, source = current_vdot(_db(ctx), today=_today())
    except Exception:  # noqa: BLE001 - no database yet: use the default
        v, source = 45.0, "default"
    if source == "default":
        stderr.print(
            f"note: no VDOT known yet, zones use VDOT {v:g} (give --vdot V)", highlight=False
        )
    return v


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
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Parse workout text into its steps, zones resolved to paces.

    Example: deliberun workout parse "25min E + 3x(10min @T, 2min rest)" --vdot 50
    """
    from deliberun.plan.paces import zone_paces
    from deliberun.plan.text import format_workout, parse_workout

    w = parse_workout(text)
    v = _vdot(ctx, vdot)
    doc = {"text": format_workout(w), "vdot": v, **w.to_dict(zone_paces(v))}
    if as_json:
        print_json(doc)
        return
    from deliberun.services.dashboard_base import units_of

    units = units_of(_db(ctx))
    stdout.print(
        table(doc["text"], ["step", "amount", "target"], _step_rows(doc["steps"], units=units))
    )


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
    from deliberun.plan.formats.fit_workout import write_fit_workout
    from deliberun.plan.paces import zone_paces
    from deliberun.plan.text import format_workout, parse_workout

    w = parse_workout(text)
    v = _vdot(ctx, vdot)
    fit.write_bytes(write_fit_workout(w, zone_paces(v), name=name or format_workout(w)[:40]))
    stderr.print(f"wrote {fit}", highlight=False)


@workout_app.command("library")
def workout_library(
    workout_type: str = typer.Option(None, "--type", help="Only this workout type."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
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


def _starting_point(
    ctx: typer.Context,
    volume_km: float | None,
    max_volume_km: float | None,
    default_volume: bool,
    race_date: date,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """generate_plan's volume arguments: as given, else from the runner's recent running."""
    kw: dict[str, Any] = {"volume_km": volume_km, "max_volume_km": max_volume_km}
    if volume_km is not None or default_volume:
        return kw, None
    from deliberun.plan.start import MIN_VOLUME_KM, return_caps
    from deliberun.services.plan_start import plan_starting_point

    today = _today()
    point = plan_starting_point(_db(ctx), today=today)
    if point.volume_km <= 0 and point.break_days is None:
        return kw, None  # no running history: the defaults by race distance
    vol = max(point.volume_km, MIN_VOLUME_KM)
    kw["volume_km"] = round(vol, 1)
    if max_volume_km is None:
        kw["max_volume_km"] = round(max(vol * 1.4, point.pre_break_km or 0.0), 1)
    first = today + timedelta(days=(7 - today.weekday()) % 7)
    n_weeks = max(2, (race_date - first).days // 7 + 1)
    caps = return_caps(point, first, n_weeks)
    if any(c is not None for c in caps):
        kw["volume_caps"] = caps
    if point.long_run_km > 0:
        kw["long_run_km"] = point.long_run_km
    return kw, point.to_dict()


#: Faster than any human has raced (s/km; the marathon record is ~2:53/km).
FASTEST_PACE_S_PER_KM = 150.0
#: Slower than a walk: no race goal (s/km).
SLOWEST_PACE_S_PER_KM = 900.0


def _goal_time(text: str, distance_m: float, parse: Callable[[str], float]) -> float:
    """A goal time [s] as typed. ``2:50`` is minutes:seconds, but for a race where that
    pace is faster than any human (a half or a marathon) it is read as hours:minutes;
    a goal no human could run, or a walk, is refused with the reason."""
    secs = float(parse(text))
    km = distance_m / 1000.0
    hours = secs * 60.0 / km  # the pace if the text is h:mm
    if (
        text.count(":") == 1
        and secs / km < FASTEST_PACE_S_PER_KM
        and FASTEST_PACE_S_PER_KM <= hours <= SLOWEST_PACE_S_PER_KM
    ):
        secs *= 60.0
    pace = secs / km
    if not FASTEST_PACE_S_PER_KM <= pace <= SLOWEST_PACE_S_PER_KM:
        raise ValueError(
            f"--goal {text} for {km:g} km is a pace of {clock(pace)}/km, "
            f"{'faster than any human has raced' if pace < FASTEST_PACE_S_PER_KM else 'a walk'}: "
            "give the goal as H:MM:SS, e.g. 3:15:00"
        )
    return secs


@plan_app.command("generate")
def plan_generate(
    ctx: typer.Context,
    race: str = typer.Option(
        ..., "--race", help="Race distance: 5k, 10k, half, marathon, 15km, 10mi."
    ),
    race_date: str = typer.Option(..., "--date", help="Race date YYYY-MM-DD."),
    days_per_week: int = typer.Option(
        5, "--days-per-week", min=3, max=7, help="Running days per week."
    ),
    goal: str = typer.Option(
        None,
        "--goal",
        help="Goal time H:MM:SS or MM:SS (sets the paces); 2:50 for a half or longer is "
        "2 h 50 min.",
    ),
    long_run_day: str = typer.Option(
        "sun", "--long-run-day", help="Day of the long run (mon..sun)."
    ),
    volume_km: float = typer.Option(None, "--volume-km", help="Current weekly volume [km]."),
    max_volume_km: float = typer.Option(
        None, "--max-volume-km", help="Maximum weekly volume [km]."
    ),
    vdot: float = typer.Option(
        None, "--vdot", help="Current VDOT (default: goal time, else the athlete's)."
    ),
    targets: list[str] = typer.Option(
        None, "--target", help="A cycle target (workout type or target kind); repeatable."
    ),
    default_volume: bool = typer.Option(
        False,
        "--default-volume",
        help="Start from the default volume for the race, not from your recent running.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Generate a plan for a goal race and store it as the current plan.

    Without --volume-km the plan starts from your actual recent volume and long run
    (last 4 weeks), with a return-from-break ramp after a break.

    Example: deliberun plan generate --race 10k --date 2027-04-18 --days-per-week 5 --goal 45:00
    """
    import warnings

    from deliberun.models.race_input import parse_duration as parse_time
    from deliberun.plan.generate import check_constraints, generate_plan
    from deliberun.plan.paces import parse_race_distance
    from deliberun.services import plan as svc

    try:
        dist = parse_race_distance(race)
        goal_s = _goal_time(goal, dist, parse_time) if goal else None
        rd = _date(race_date)
        v = vdot if (vdot is not None or goal_s is not None) else _vdot(ctx, None)
        start_kw, start_doc = _starting_point(ctx, volume_km, max_volume_km, default_volume, rd)
        with warnings.catch_warnings(record=True) as caught:  # a note, not a Python warning
            warnings.simplefilter("always")
            p = generate_plan(
                dist,
                rd,
                start=_today(),
                days_per_week=days_per_week,
                long_run_day=long_run_day,
                goal_time_s=goal_s,
                vdot=v,
                targets=targets or (),
                **start_kw,
            )
    except ValueError as exc:  # a value given on the command line: a usage mistake
        raise InvalidInput(str(exc)) from exc
    for w in caught:
        stderr.print(f"Note: {w.message}", highlight=False)
    db = _db(ctx)
    plan_id = svc.save_plan(db, p, now=datetime.now(UTC))
    problems = check_constraints(p)
    from deliberun.plan.load import plan_projection

    projection = plan_projection(
        [(d.date, d.workout()) for d in p.days],
        float(p.params["vdot"]),
        start=p.days[0].date,
        end=p.days[-1].date,
        weekly_volume_km=float(p.params["volume_km"]),
    )
    doc = {
        "plan_id": plan_id,
        **p.to_dict(),
        "starting_point": start_doc,
        "constraints_broken": problems,
        "projection": projection,
    }
    if as_json:
        print_json(doc)
        return
    if start_doc is not None:
        stdout.print(
            "Starting from your running: "
            + "; ".join(start_doc["notes"])
            + (" (return-from-break ramp)" if "volume_caps" in p.params else "")
            + ". Give --volume-km or --default-volume to start elsewhere.",
            highlight=False,
        )
    stdout.print(
        table(
            p.name,
            ["week", "start", "phase", "km", "race km"],
            [
                [
                    w.index + 1,
                    w.start,
                    w.phase + (" (recovery)" if w.recovery else ""),
                    f"{w.planned_km:.1f}",
                    f"{w.race_km:.1f}" if w.race_km else "",
                ]
                for w in p.weeks
            ],
        )
    )
    stderr.print(
        f"stored as plan {plan_id}; constraints: {'ok' if not problems else '; '.join(problems)}; "
        f"projected on race day: fitness {projection[-1]['fitness']:.0f}, form {projection[-1]['form']:+.0f}",
        highlight=False,
    )


@plan_app.command("show")
def plan_show(
    ctx: typer.Context,
    week: int = typer.Option(None, "--week", min=1, help="Only week N of the plan."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Show the current plan (days, paces, projected fitness and form).

    Example: deliberun plan show --week 3
    """
    from deliberun.services import plan as svc

    doc = svc.show(_db(ctx), today=_today(), week=week)
    from deliberun.services import practice_experiments as xsvc

    last = max((date.fromisoformat(d["date"]) for d in doc["days"]), default=_today())
    ahead = max(0, (last - _today()).days)
    arms = xsvc.coming_arms(_db(ctx), today=_today(), days_ahead=ahead)
    doc["experiment_arms"] = [
        {"id": x["id"], "date": p["date"], "arm": p["arm"]} for x in arms for p in x["planned"]
    ]
    if as_json:
        print_json(doc)
        return
    form = {p["date"]: p["form"] for p in doc["projection"]}
    stdout.print(
        table(
            doc["title"],
            ["id", "date", "day", "type", "workout", "status", "form"],
            [
                [
                    d.get("id", ""),
                    d["date"],
                    date.fromisoformat(d["date"]).strftime("%a"),
                    d["workout_type"].replace("_", " "),
                    d["text"],
                    d["status"],
                    form.get(d["date"], ""),
                ]
                for d in doc["days"]
            ],
        )
    )
    for x in arms:
        if x["planned"]:
            stdout.print(
                f"Experiment {x['id']} ({x['change']}): "
                + ", ".join(f"{p['date']} arm {p['arm']}" for p in x["planned"] if p["arm"]),
                highlight=False,
            )


def _edited(days: list[Any]) -> None:
    stderr.print(f"plan updated ({len(days)} workouts)", highlight=False)


@plan_app.command("move")
def plan_move(
    ctx: typer.Context,
    day_arg: str = typer.Argument(None, metavar="[DATE]", help="Day of the workout (YYYY-MM-DD)."),
    to_arg: str = typer.Argument(None, metavar="[TO]", help="Day to move it to (YYYY-MM-DD)."),
    from_day: str = typer.Option(
        None, "--from", help="Day of the workout to move (YYYY-MM-DD).", show_default=False
    ),
    to_day: str = typer.Option(
        None, "--to", help="Day to move it to (YYYY-MM-DD).", show_default=False
    ),
    workout_id: int = typer.Option(
        None, "--id", help="The workout's id (plan show lists them).", show_default=False
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Move a planned workout to another day, by its date or by its id.

    Refused, with the reason, when the new day already has a session, lies in the
    past or before the plan starts, or when the day holds two sessions (give --id).

    Example: deliberun plan move --from 2027-03-02 --to 2027-03-03
    """
    from deliberun.services import plan as svc

    if day_arg is not None and from_day is not None:
        fail("give the workout's day once: DATE or --from DATE", 2)
    if to_arg is not None and to_day is not None:
        fail("give the new day once: TO or --to DATE", 2)
    source = from_day or day_arg
    target = to_day or to_arg
    if target is None:
        fail("say where to move it: --to YYYY-MM-DD", 2)
    if (source is None) == (workout_id is None):
        fail("say which workout: --from YYYY-MM-DD or --id N (plan show lists the ids)", 2)
    to = _date(target)
    db = _db(ctx)
    if workout_id is None:
        workout_id = svc.workout_on(db, _date(str(source))).id
    dates = {d.id: d.date for d in svc.current_plan(db)[1].days}
    moved = svc.move_workout(db, workout_id, to, today=_today())  # refuses an unknown id
    before = dates[workout_id]
    if as_json:
        print_json({"moved": moved.to_dict(), "from": before.isoformat()})
        return
    stdout.print(
        f"Moved #{moved.id} ({workout_words(moved.workout_type, moved.text)}) "
        f"from {before} ({before:%a}) to {moved.date} ({moved.date:%a}).",
        highlight=False,
    )


@plan_app.command("swap")
def plan_swap(
    ctx: typer.Context, a: str = typer.Argument(...), b: str = typer.Argument(...)
) -> None:
    """Swap the workouts of two dates. Example: deliberun plan swap 2027-03-02 2027-03-04"""
    from deliberun.services import plan as svc

    _edited(svc.edit(_db(ctx), "swap", _date(a), _date(b)))


@plan_app.command("replace")
def plan_replace(
    ctx: typer.Context,
    day: str = typer.Argument(...),
    text: str = typer.Argument(...),
    workout_type: str = typer.Option(None, "--type", help="New workout type."),
) -> None:
    """Replace a day's workout. Example: deliberun plan replace 2027-03-02 "8km E" --type easy"""
    from deliberun.services import plan as svc

    _edited(svc.edit(_db(ctx), "replace", _date(day), text, workout_type))


@plan_app.command("skip")
def plan_skip(ctx: typer.Context, day: str = typer.Argument(...)) -> None:
    """Mark a day's workout skipped. Example: deliberun plan skip 2027-03-02"""
    from deliberun.services import plan as svc

    _edited(svc.edit(_db(ctx), "skip", _date(day)))


@plan_app.command("export")
def plan_export(
    ctx: typer.Context,
    ics: Path = typer.Option(None, "--ics", help="Write an iCalendar file."),
    fit_dir: Path = typer.Option(None, "--fit-dir", help="Write one FIT workout per coming day."),
    yaml_path: Path = typer.Option(None, "--yaml", help="Write the plan as YAML."),
) -> None:
    """Export the current plan. Example: deliberun plan export --ics plan.ics --fit-dir watch/"""
    from deliberun.services import plan as svc

    if ics is None and fit_dir is None and yaml_path is None:
        fail("give --ics FILE, --fit-dir DIR and/or --yaml FILE", 2)
    written = svc.export(_db(ctx), today=_today(), ics=ics, fit_dir=fit_dir, yaml_path=yaml_path)
    stderr.print(f"wrote {len(written)} file(s)", highlight=False)


@plan_app.command("import")
def plan_import(
    ctx: typer.Context,
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="plan.yaml or a FIT workout."
    ),
    on: str = typer.Option(None, "--date", help="Date for a FIT workout (default today)."),
    workout_type: str = typer.Option(
        None, "--type", help="Workout type of a FIT workout (default: inferred)."
    ),
) -> None:
    """Import a plan from YAML or one FIT workout. Example: deliberun plan import plan.yaml"""
    from deliberun.services import plan as svc

    plan_id = svc.import_file(
        _db(ctx),
        path,
        now=datetime.now(UTC),
        on=_date(on) if on else None,
        workout_type=workout_type,
    )
    stderr.print(f"imported as plan {plan_id}", highlight=False)


@plan_app.command("compliance")
def plan_compliance(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    since: str = typer.Option(None, "--since", help="First date YYYY-MM-DD (default: plan start)."),
    until: str = typer.Option(None, "--until", help="Last date YYYY-MM-DD (default: today)."),
    weeks: int = typer.Option(
        None, "--weeks", min=1, help="Only the last N weeks (Monday start) up to today."
    ),
) -> None:
    """Planned vs done per workout and week, and the proposed re-plan.

    Example: deliberun plan compliance --weeks 6 --json
    """
    from deliberun.services import plan as svc

    today = _today()
    first = _date(since) if since else None
    if weeks is not None:
        if first is not None:
            fail("give --since or --weeks, not both", 2)
        first = date.fromordinal(today.toordinal() - today.weekday() - 7 * (weeks - 1))
    doc = svc.compliance_report(
        _db(ctx), today=today, since=first, until=_date(until) if until else None
    )
    if as_json:
        print_json(doc)
        return
    if not doc["workouts"]:
        stderr.print(
            f"no planned workouts from {doc.get('since')} to {doc.get('until')}", highlight=False
        )
    stdout.print(
        table(
            "planned vs done",
            ["date", "type", "workout", "status", "ratio", "colour", "execution"],
            [
                [
                    r["date"],
                    r["workout_type"].replace("_", " "),
                    r["text"],
                    r["status"],
                    r["duration_ratio"],
                    r["colour"],
                    r["execution"]["score"] if r["execution"] else "",
                ]
                for r in doc["workouts"]
            ],
        )
    )
    for p in doc["proposals"]:
        stderr.print(f"proposal: {p['reason']}", highlight=False)


@plan_app.command("adapt")
def plan_adapt(
    ctx: typer.Context,
    apply: bool = typer.Option(False, "--apply", help="Store the proposed changes."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Propose a re-plan after a missed or failed key session, or when form/ACWR say so.

    Example: deliberun plan adapt --apply
    """
    from deliberun.services import plan as svc

    doc = svc.adapt(_db(ctx), today=_today(), apply=apply)
    if as_json:
        print_json(doc)
        return
    rows = [
        [
            p["date"],
            p["action"],
            p["text"],
            p.get("new_date") or "",
            p.get("new_text") or "",
            p["reason"],
        ]
        for p in doc["proposals"]
    ]
    stdout.print(
        table("proposed re-plan", ["date", "action", "workout", "to date", "to", "reason"], rows)
    )
    if apply:
        stderr.print("applied" if doc["applied"] else "nothing to change", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(workout_app, name="workout")
    app.add_typer(plan_app, name="plan")
