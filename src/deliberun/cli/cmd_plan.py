"""``deliberun plan ...``: generate, show, edit (``cmd_plan_edit``), export, import,
compliance, adapt; and the ``workout`` group (``cmd_workout``). Parse, one service call,
print: the documents are built in ``deliberun.services.plan*``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import typer

from deliberun.cli import cmd_plan_edit
from deliberun.cli.args import JSON, db_of, parse_date, today
from deliberun.cli.cmd_workout import workout_app as workout_app
from deliberun.cli.output import fail, print_json, stderr, stdout, table

plan_app = typer.Typer(
    help="Training plans: generate, show, edit, export, compliance.", no_args_is_help=True
)


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
    as_json: bool = JSON,
) -> None:
    """Generate a plan for a goal race and store it as the current plan.

    Without --volume-km the plan starts from your actual recent volume and long run
    (last 4 weeks), with a return-from-break ramp after a break.

    Example: deliberun plan generate --race 10k --date 2027-04-18 --days-per-week 5 --goal 45:00
    """
    from deliberun.services.plan_generate import PlanRequest, generate

    req = PlanRequest(
        race=race,
        race_date=parse_date(race_date),
        days_per_week=days_per_week,
        goal=goal,
        long_run_day=long_run_day,
        volume_km=volume_km,
        max_volume_km=max_volume_km,
        vdot=vdot,
        targets=tuple(targets or ()),
        default_volume=default_volume,
    )
    made = generate(db_of(ctx), req, today=today(), now=datetime.now(UTC))
    if made.vdot is not None and made.vdot.words:
        stderr.print(f"note: {made.vdot.words}", highlight=False)
    for note in made.notes:
        stderr.print(f"Note: {note}", highlight=False)
    if as_json:
        print_json(made.to_dict())
        return
    p, start_doc = made.plan, made.starting_point
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
    problems, last = made.constraints_broken, made.projection[-1]
    stderr.print(
        f"stored as plan {made.plan_id}; constraints: {'ok' if not problems else '; '.join(problems)}; "
        f"projected on race day: fitness {last['fitness']:.0f}, form {last['form']:+.0f}",
        highlight=False,
    )


def plan_show(
    ctx: typer.Context,
    week: int = typer.Option(None, "--week", min=1, help="Only week N of the plan."),
    as_json: bool = JSON,
) -> None:
    """Show the current plan (days, paces, projected fitness and form).

    Example: deliberun plan show --week 3
    """
    from deliberun.services.plan_view import plan_view

    view = plan_view(db_of(ctx), today=today(), week=week)
    doc = view.to_dict()
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
    for x in view.experiments:
        if x["planned"]:
            stdout.print(
                f"Experiment {x['id']} ({x['change']}): "
                + ", ".join(f"{p['date']} arm {p['arm']}" for p in x["planned"] if p["arm"]),
                highlight=False,
            )


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
    written = svc.export(db_of(ctx), today=today(), ics=ics, fit_dir=fit_dir, yaml_path=yaml_path)
    stderr.print(f"wrote {len(written)} file(s)", highlight=False)


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
        db_of(ctx),
        path,
        now=datetime.now(UTC),
        on=parse_date(on) if on else None,
        workout_type=workout_type,
    )
    stderr.print(f"imported as plan {plan_id}", highlight=False)


def plan_compliance(
    ctx: typer.Context,
    as_json: bool = JSON,
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

    day = today()
    first = parse_date(since) if since else None
    if weeks is not None:
        if first is not None:
            fail("give --since or --weeks, not both", 2)
        first = date.fromordinal(day.toordinal() - day.weekday() - 7 * (weeks - 1))
    doc = svc.compliance_report(
        db_of(ctx), today=day, since=first, until=parse_date(until) if until else None
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


def plan_adapt(
    ctx: typer.Context,
    apply: bool = typer.Option(False, "--apply", help="Store the proposed changes."),
    as_json: bool = JSON,
) -> None:
    """Propose a re-plan after a missed or failed key session, or when form/ACWR say so.

    Example: deliberun plan adapt --apply
    """
    from deliberun.services import plan as svc

    doc = svc.adapt(db_of(ctx), today=today(), apply=apply)
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


#: The plan group's commands, in the order ``deliberun plan --help`` lists them.
PLAN_COMMANDS = (
    ("generate", plan_generate),
    ("show", plan_show),
    ("move", cmd_plan_edit.plan_move),
    ("swap", cmd_plan_edit.plan_swap),
    ("replace", cmd_plan_edit.plan_replace),
    ("skip", cmd_plan_edit.plan_skip),
    ("export", plan_export),
    ("import", plan_import),
    ("compliance", plan_compliance),
    ("adapt", plan_adapt),
)
for _name, _command in PLAN_COMMANDS:
    plan_app.command(_name)(_command)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(workout_app, name="workout")
    app.add_typer(plan_app, name="plan")
