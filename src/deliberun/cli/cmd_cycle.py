"""``deliberun cycle ...`` and ``deliberun target ...``: training cycles and their 2-3
targets. Parse, one call to ``deliberun.services.targets`` / ``services.practice``, print."""

from __future__ import annotations

from typing import Any

import typer

from deliberun.cli.args import JSON, db_of, optional_date, parse_date, today
from deliberun.cli.output import fail, number, print_json, stdout, table
from deliberun.store.db import Database
from deliberun.units import plain

cycle_app = typer.Typer(
    help="Training cycles: dates, goal race, 2-3 targets.\n\n"
    "Example: deliberun cycle create 'Spring marathon' --start 2026-01-05 --end 2026-04-26 "
    "--race marathon --goal-time 3:15:00",
    no_args_is_help=True,
)
target_app = typer.Typer(
    help="Targets of a cycle (focus: 2 or 3).\n\nExample: deliberun target add threshold_pace 255",
    no_args_is_help=True,
)


def _projected(p: Any) -> str:
    """When a target's trend reaches the goal: a coming date only (a finished cycle's
    projection to a day already past is no forecast), "reached" when it is."""
    if p.reached:
        return "reached"
    when = p.projected_date
    return str(when) if when is not None and when > today() else ""


def _said_goal(db: Database, kind: str, value: float) -> str:
    """A goal as it was read, in the kind's unit and the runner's units (``4:15 /km``,
    ``0.1 km``: a plain 60 for a distance is metres, and the runner sees it)."""
    from deliberun.practice.targets import TARGET_KINDS
    from deliberun.services.dashboard_base import units_of
    from deliberun.units import target_value

    return target_value(value, TARGET_KINDS[kind].unit, units_of(db))


# --------------------------------------------------------------------------- cycle


@cycle_app.command("create")
def cycle_create(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Name of the cycle."),
    start: str = typer.Option(..., "--start", help="First day, YYYY-MM-DD."),
    end: str = typer.Option(..., "--end", help="Last day, YYYY-MM-DD."),
    race: str = typer.Option(
        None, "--race", help="Goal race distance: 5k, 10k, half, marathon or metres."
    ),
    race_date: str = typer.Option(None, "--race-date", help="Race day (default: --end)."),
    goal_time: str = typer.Option(None, "--goal-time", help="Goal time, e.g. 3:15:00."),
    target: list[str] = typer.Option(
        [],
        "--target",
        help="KIND=GOAL, up to three (e.g. threshold_pace=4:15 or weekly_volume=70km).",
    ),
    as_json: bool = JSON,
) -> None:
    """Create a cycle with an optional goal race and 2-3 targets.

    Example: deliberun cycle create 'Spring marathon' --start 2026-01-05 --end 2026-04-26
    --race marathon --goal-time 3:15:00 --target threshold_pace=4:15
    """
    from deliberun.models.race_input import parse_duration as parse_time
    from deliberun.plan.paces import parse_race_distance
    from deliberun.practice.cycles import Cycle, GoalRace
    from deliberun.practice.targets import TargetSpec
    from deliberun.services import practice as svc
    from deliberun.services.targets import read_goal

    s, e = parse_date(start, "--start"), parse_date(end, "--end")
    goal = None
    if race:
        goal = GoalRace(
            parse_race_distance(race),
            optional_date(race_date, "--race-date") or e,
            parse_time(goal_time) if goal_time else None,
        )
    specs = []
    for t in target:
        kind, sep, value = t.partition("=")
        if not sep:
            fail(f"--target {t!r}: write KIND=GOAL, e.g. threshold_pace=255", 2)
        specs.append(TargetSpec(kind.strip(), read_goal(kind.strip(), value, f"--target {t!r}: ")))
    cycle = Cycle(name, s, e, goal, specs)
    cycle.id = svc.create_cycle(db_of(ctx), cycle)
    if as_json:
        print_json(cycle.to_dict())
    else:
        stdout.print(f"Created cycle {cycle.id}: {name} ({s} to {e}), {len(specs)} targets.")


@cycle_app.command("show")
def cycle_show(
    ctx: typer.Context,
    cycle_id: int = typer.Argument(None, help="Cycle id (default: the current one)."),
    as_json: bool = JSON,
) -> None:
    """A cycle with each target's baseline, current value, trend and projected date.

    Example: deliberun cycle show
    """
    from deliberun.services.targets import cycle_view
    from deliberun.units import distance, target_change, target_value

    view = cycle_view(db_of(ctx), cycle_id, today=today())
    if as_json:
        print_json(view.to_dict())
        return
    cycle, units = view.cycle, view.units
    race = cycle.goal_race
    stdout.print(
        f"[bold]{cycle.name}[/bold] {cycle.start} to {cycle.end}"
        + (f", race {distance(race.distance_m, units, 1)} on {race.date}" if race else "")
    )
    rows = []
    for p in view.progress:
        iv = p.slope_interval_90
        rows.append(
            [
                p.target.id,
                p.target.name or plain(p.target.kind),
                target_value(p.baseline, p.unit, units),
                target_value(p.current, p.unit, units),
                target_value(p.target.goal, p.unit, units),
                f"{target_change(p.slope_per_week, p.unit, units)} "
                f"({target_change(iv[0], p.unit, units)} .. {target_change(iv[1], p.unit, units)})"
                if iv and p.slope_per_week is not None
                else "",
                _projected(p),
                len(p.session_ids),
            ]
        )
    columns = ["id", "target", "baseline", "now", "goal", "trend/week (90%)", "projected"]
    stdout.print(table("Targets", [*columns, "sessions"], rows))


@cycle_app.command("list")
def cycle_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    """All cycles.

    Example: deliberun cycle list --json
    """
    from deliberun.services import practice as svc

    cycles = svc.list_cycles(db_of(ctx))
    if as_json:
        print_json([c.to_dict() for c in cycles])
        return
    stdout.print(
        table(
            "Cycles",
            ["id", "name", "start", "end", "targets"],
            [
                [c.id, c.name, c.start, c.end, ", ".join(plain(t.kind) for t in c.targets)]
                for c in cycles
            ],
        )
    )


# --------------------------------------------------------------------------- target


@target_app.command("add")
def target_add(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="Kind (see `deliberun target list --kinds`)."),
    goal: str = typer.Argument(
        ...,
        help="Goal in the kind's unit; paces as 4:20 or 6:58/mi, times as 45:00, "
        "distances as 60km or 40mi.",
    ),
    cycle_id: int = typer.Option(None, "--cycle", help="Cycle id (default: the current one)."),
    name: str = typer.Option("", "--name", help="Name (custom targets: the value's name)."),
    lower_is_better: bool = typer.Option(
        False, "--lower-is-better", help="Custom targets: lower values are better."
    ),
    course: str = typer.Option(
        None, "--course", help="course_rehearsals: the race course, a GPX file or a course id."
    ),
    race_goal: str = typer.Option(
        None,
        "--race-goal",
        help="course_rehearsals: the race's goal time, h:mm:ss (default: the cycle's).",
    ),
    as_json: bool = JSON,
) -> None:
    """Add a target to a cycle (a fourth is refused: focus is the point).

    course_rehearsals counts the sessions that ran a climb like the race course's at the
    race plan's effort: deliberun target add course_rehearsals 6 --course boston.gpx

    Example: deliberun target add threshold_pace 4:15
    """
    from deliberun.models.race_input import parse_duration
    from deliberun.services.targets import new_target

    if kind != "course_rehearsals" and (course is not None or race_goal is not None):
        fail("--course and --race-goal are for course_rehearsals targets only", 2)
    race_s = None
    if race_goal is not None:
        try:
            race_s = parse_duration(race_goal)
        except ValueError:
            fail(f"--race-goal {race_goal}: give a time as h:mm:ss", 2)
    db = db_of(ctx)
    spec = new_target(
        db,
        kind,
        goal,
        today=today(),
        cycle_id=cycle_id,
        name=name,
        lower_is_better=lower_is_better,
        course=course,
        race_goal_s=race_s,
    )
    if as_json:
        print_json(spec.to_dict())
    else:
        stdout.print(
            f"Added target {spec.id}: {plain(kind)}, goal {_said_goal(db, kind, spec.goal)}.",
            highlight=False,
        )


@target_app.command("set")
def target_set(
    ctx: typer.Context,
    target_id: int = typer.Argument(..., help="Target id (see `deliberun target list`)."),
    goal: str = typer.Argument(..., help="New goal, as for `target add`."),
    as_json: bool = JSON,
) -> None:
    """Change a target's goal.

    Example: deliberun target set 2 4:10
    """
    from deliberun.services.targets import set_goal

    db = db_of(ctx)
    spec = set_goal(db, target_id, goal)
    if as_json:
        print_json(spec.to_dict())
    else:
        stdout.print(
            f"Target {target_id} ({plain(spec.kind)}): goal "
            f"{_said_goal(db, spec.kind, spec.goal)}.",
            highlight=False,
        )


@target_app.command("remove")
def target_remove(
    ctx: typer.Context,
    target_id: int = typer.Argument(..., help="Target id (see `deliberun target list`)."),
    as_json: bool = JSON,
) -> None:
    """Drop a target from its cycle (to make room for another).

    Example: deliberun target remove 2
    """
    from deliberun.services import practice as svc

    spec = svc.remove_target(db_of(ctx), target_id)
    if as_json:
        print_json(spec.to_dict())
    else:
        stdout.print(f"Removed target {target_id} ({spec.kind}).")


def _print_kinds(as_json: bool) -> None:
    from deliberun.practice.targets import TARGET_KINDS

    rows = [
        {
            "kind": k.kind,
            "unit": k.unit,
            "higher_is_better": k.higher_is_better,
            "description": k.description,
        }
        for k in TARGET_KINDS.values()
    ]
    if as_json:
        print_json(rows)
    else:
        stdout.print(table("Target kinds", list(rows[0]), [list(r.values()) for r in rows]))


@target_app.command("list")
def target_list(
    ctx: typer.Context,
    cycle_id: int = typer.Option(None, "--cycle", help="Cycle id (default: the current one)."),
    kinds: bool = typer.Option(False, "--kinds", help="List the target catalogue instead."),
    as_json: bool = JSON,
) -> None:
    """Targets of a cycle with their progress (or the catalogue with --kinds).

    Example: deliberun target list --kinds
    """
    if kinds:
        _print_kinds(as_json)
        return
    from deliberun.services.targets import cycle_view
    from deliberun.units import target_value

    view = cycle_view(db_of(ctx), cycle_id, today=today())
    if as_json:
        print_json([p.to_dict() for p in view.progress])
        return
    units = view.units
    stdout.print(
        table(
            "Targets",
            ["id", "kind", "baseline", "now", "goal", "projected"],
            [
                [
                    p.target.id,
                    plain(p.target.kind),
                    target_value(p.baseline, p.unit, units),
                    target_value(p.current, p.unit, units),
                    target_value(p.target.goal, p.unit, units),
                    _projected(p),
                ]
                for p in view.progress
            ],
        )
    )


@target_app.command("show")
def target_show(
    ctx: typer.Context,
    target_id: int = typer.Argument(..., help="Target id."),
    as_json: bool = JSON,
) -> None:
    """One target: its values session by session, trend and projection.

    Example: deliberun target show 1
    """
    from deliberun.services.targets import target_detail

    found = target_detail(db_of(ctx), target_id, today=today())
    if as_json:
        print_json(found.to_dict())
        return
    p = found.progress
    stdout.print(
        table(
            f"{plain(p.target.kind)} (goal {p.target.goal:g} {p.unit})",
            ["date", "value"],
            [[day, number(v)] for day, v in p.values],
        )
    )
    _print_detail(p.detail, found.units)


def _print_detail(detail: dict[str, Any] | None, units: str) -> None:
    """A course_rehearsals target's climbs, each with the sessions that rehearsed it."""
    if not detail:
        return
    from deliberun.units import distance, pace

    stdout.print(
        f"{detail['climbs_rehearsed']} of {detail['climbs_total']} climbs rehearsed this cycle "
        f"at {pace(detail['effort_pace_s_per_km'], units)} flat-equivalent effort",
        highlight=False,
    )
    for c in detail["climbs"]:
        runs = ", ".join(f"#{r['activity_id']} {r['local_date']}" for r in c["sessions"])
        stdout.print(
            f"climb {c['climb']} at {distance(c['start_m'], units, 1)}: {c['length_m']:.0f} m at "
            f"{100 * c['grade']:.1f} % — {runs or 'not rehearsed in this cycle'}",
            highlight=False,
        )
