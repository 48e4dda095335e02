"""Commands of the practice area: cycle, target, log, nemesis, review, today (experiment:
``cmd_experiment``).

Every command takes ``--json`` (one JSON document on stdout); the default is a Rich
table or text. Logic lives in ``deliberun.services.practice`` / ``services.review``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.markup import escape

from deliberun.cli import asof
from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail, print_json, stdout, table
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

JSON = typer.Option(False, "--json", help="Print one JSON document.")


def _db(ctx: typer.Context) -> Database:
    return open_db(ctx)


def _projected(p: Any) -> str:
    """When a target's trend reaches the goal: a coming date only (a finished cycle's
    projection to a day already past is no forecast), "reached" when it is."""
    if p.reached:
        return "reached"
    when = p.projected_date
    return str(when) if when is not None and when > _today() else ""


def _today() -> date:
    return asof.today()


def _date(text: str | None, what: str = "date") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{what} {text!r} is not YYYY-MM-DD", 2)


def _goal(kind: str, text: str, where: str = "") -> float:
    """A goal as typed (4:15, 6:50/mi, 70km...) in the kind's SI unit; exit 2 otherwise."""
    from deliberun.practice.targets import parse_goal

    try:
        return parse_goal(kind, text)
    except ValueError as exc:
        fail(f"{where}{exc}", 2)


def _said_goal(db: Database, kind: str, value: float) -> str:
    """A goal as it was read, in the kind's unit and the runner's units (``4:15 /km``,
    ``0.1 km``: a plain 60 for a distance is metres, and the runner sees it)."""
    from deliberun.practice.targets import TARGET_KINDS
    from deliberun.services.dashboard_base import units_of
    from deliberun.units import target_value

    return target_value(value, TARGET_KINDS[kind].unit, units_of(db))


def _fmt(v: Any, nd: int = 2) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


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

    s, e = _date(start, "--start"), _date(end, "--end")
    assert s is not None and e is not None
    goal = None
    if race:
        goal = GoalRace(
            parse_race_distance(race),
            _date(race_date, "--race-date") or e,
            parse_time(goal_time) if goal_time else None,
        )
    specs = []
    for t in target:
        kind, sep, value = t.partition("=")
        if not sep:
            fail(f"--target {t!r}: write KIND=GOAL, e.g. threshold_pace=255", 2)
        specs.append(TargetSpec(kind.strip(), _goal(kind.strip(), value, f"--target {t!r}: ")))
    cycle = Cycle(name, s, e, goal, specs)
    cycle.id = svc.create_cycle(_db(ctx), cycle)
    if as_json:
        print_json(cycle.to_dict())
    else:
        stdout.print(f"Created cycle {cycle.id}: {name} ({s} to {e}), {len(specs)} targets.")


def _cycle_json(c: Any, progress: list[Any]) -> dict[str, Any]:
    d = c.to_dict()
    d["progress"] = [p.to_dict() for p in progress]
    return d


@cycle_app.command("show")
def cycle_show(
    ctx: typer.Context,
    cycle_id: int = typer.Argument(None, help="Cycle id (default: the current one)."),
    as_json: bool = JSON,
) -> None:
    """A cycle with each target's baseline, current value, trend and projected date.

    Example: deliberun cycle show
    """
    from deliberun.services import practice as svc
    from deliberun.services.dashboard_base import units_of
    from deliberun.units import distance, target_change, target_value

    db = _db(ctx)
    cycle, prog = svc.target_progress(db, cycle_id, today=_today())
    if as_json:
        print_json(_cycle_json(cycle, prog))
        return
    units = units_of(db)
    race = cycle.goal_race
    stdout.print(
        f"[bold]{cycle.name}[/bold] {cycle.start} to {cycle.end}"
        + (f", race {distance(race.distance_m, units, 1)} on {race.date}" if race else "")
    )
    rows = []
    for p in prog:
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
    stdout.print(
        table(
            "Targets",
            [
                "id",
                "target",
                "baseline",
                "now",
                "goal",
                "trend/week (90%)",
                "projected",
                "sessions",
            ],
            rows,
        )
    )


@cycle_app.command("list")
def cycle_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    """All cycles.

    Example: deliberun cycle list --json
    """
    from deliberun.services import practice as svc

    cycles = svc.list_cycles(_db(ctx))
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
    from deliberun.practice.targets import TargetSpec
    from deliberun.services import practice as svc

    value = _goal(kind, goal)
    db = _db(ctx)
    if kind == "course_rehearsals":
        spec = _rehearsal_spec(db, cycle_id, course, race_goal, value, name)
    elif course is not None or race_goal is not None:
        fail("--course and --race-goal are for course_rehearsals targets only", 2)
    else:
        spec = TargetSpec(
            kind, value, name=name, higher_is_better=(False if lower_is_better else None)
        )
    spec.id = svc.add_target(db, cycle_id, spec, today=_today())
    if as_json:
        print_json(spec.to_dict())
    else:
        stdout.print(
            f"Added target {spec.id}: {plain(kind)}, goal {_said_goal(db, kind, value)}.",
            highlight=False,
        )


def _rehearsal_spec(
    db: Any, cycle_id: int | None, course: str | None, race_goal: str | None, goal: float, name: str
) -> Any:
    """The ``course_rehearsals`` target for ``target add`` (usage errors exit 2)."""
    from deliberun.models.race_input import parse_duration
    from deliberun.services import practice as svc
    from deliberun.services.target_rehearsals import rehearsal_target

    if course is None:
        fail("course_rehearsals needs --course COURSE.gpx (or a course id)", 2)
    race_m = None
    if race_goal is not None:
        try:
            race_s = parse_duration(race_goal)
        except ValueError:
            fail(f"--race-goal {race_goal}: give a time as h:mm:ss", 2)
    else:
        race = svc.get_cycle(db, cycle_id, today=_today()).goal_race
        if race is None or not race.goal_time_s:
            fail("the cycle has no goal time: give --race-goal h:mm:ss", 2)
        race_s, race_m = float(race.goal_time_s), float(race.distance_m)
    return rehearsal_target(db, course, race_s, goal, name=name, race_distance_m=race_m)


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
    from deliberun.services import practice as svc

    db = _db(ctx)
    kind = svc.get_target(db, target_id).kind  # the kind decides how the goal is read
    value = _goal(kind, goal)
    spec = svc.set_target_goal(db, target_id, value)
    if as_json:
        print_json(spec.to_dict())
    else:
        stdout.print(
            f"Target {target_id} ({plain(spec.kind)}): goal {_said_goal(db, spec.kind, value)}.",
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

    spec = svc.remove_target(_db(ctx), target_id)
    if as_json:
        print_json(spec.to_dict())
    else:
        stdout.print(f"Removed target {target_id} ({spec.kind}).")


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
    from deliberun.practice.targets import TARGET_KINDS
    from deliberun.services import practice as svc

    if kinds:
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
        return
    from deliberun.services.dashboard_base import units_of
    from deliberun.units import target_value

    db = _db(ctx)
    _cycle, prog = svc.target_progress(db, cycle_id, today=_today())
    if as_json:
        print_json([p.to_dict() for p in prog])
        return
    units = units_of(db)
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
                for p in prog
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
    from deliberun.services import practice as svc
    from deliberun.services.dashboard_base import units_of

    db = _db(ctx)
    today = _today()
    sessions = svc.build_sessions(db, today=today)
    for c in svc.list_cycles(db):
        for t in c.targets:
            if t.id == target_id:
                _cyc, prog = svc.target_progress(db, c.id, today=today, sessions=sessions)
                p = next(x for x in prog if x.target.id == target_id)
                d = p.to_dict()
                d["values"] = [[day.isoformat(), v] for day, v in p.values]
                if as_json:
                    print_json(d)
                else:
                    stdout.print(
                        table(
                            f"{plain(t.kind)} (goal {t.goal:g} {p.unit})",
                            ["date", "value"],
                            [[day, _fmt(v)] for day, v in p.values],
                        )
                    )
                    _print_detail(p.detail, units_of(db))
                return
    fail(f"no target {target_id}; see `deliberun target list`")


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


# --------------------------------------------------------------------------- log


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

    db = _db(ctx)
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
    day = _date(on, "--date")
    if day is None and activity_id is not None:
        day = svc.activity_date(db, activity_id)
    entry = JournalEntry(
        date=day or _today(),
        activity_id=activity_id,
        rpe=rpe,
        feel=feel,
        sleep_h=sleep,
        soreness=soreness,
        notes=notes,
        tags=list(tag),
        details=list(detail),
    )
    out = svc.log_entry(db, entry)
    if out["activity_id"]:  # record the experiment arm the run was in
        from deliberun.services import practice_experiments as xsvc

        arms = xsvc.arm_tags(db, out["activity_id"], today=max(entry.date, _today()))
        new = [
            t for t in arms if t not in entry.tags and t[:-1] + "ab"[t[-1] == "a"] not in entry.tags
        ]
        if new:
            entry.tags = [*entry.tags, *new]
            out = svc.log_entry(db, entry)
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

    entries = svc.list_journal(_db(ctx), since=_date(since, "--since"))
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
            _fmt(e["rpe"], 0),
            _fmt(e["feel"], 0),
            _fmt(e["sleep_h"], 1),
            _fmt(e["soreness"], 0),
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


# --------------------------------------------------------------------------- nemesis


def nemesis(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Workout types that keep getting the best of you, with ranked likely causes.

    Example: deliberun nemesis
    """
    from deliberun.services import practice as svc

    found = svc.nemeses(_db(ctx), today=_today())
    if as_json:
        print_json([n.to_dict() for n in found])
        return
    if not found:
        stdout.print(
            "No nemesis workout: no workout type is failing clearly more often lately "
            "than it usually does (half or more of its last 6 attempts, and more than "
            "its own record before)."
        )
        return

    def eff(c: Any) -> str:
        return (
            f"{c.effect:+.1f} pts fade" if c.outcome == "last_rep_fade_pct" else f"{c.effect:+.0%}"
        )

    def iv(c: Any) -> str:
        lo, hi = c.interval_90
        if c.outcome == "last_rep_fade_pct":
            return f"{lo:+.1f} .. {hi:+.1f}"
        return f"{lo:+.0%} .. {hi:+.0%}"

    for n in found:
        base = (
            f" (earlier {n.baseline_failures} of {n.baseline_attempts}, p={n.p_flag:.3f})"
            if n.p_flag is not None
            else ""
        )
        stdout.print(
            f"[bold]{n.workout_type}[/bold]: failed {n.failures} of {n.attempts} recent "
            f"attempts{base}"
        )
        stdout.print(f"  {escape(n.explanation())}")
        stdout.print(
            table(
                None,
                ["cause", "effect", "90% interval", "p", "adjusted p", "adverse group"],
                [
                    [
                        plain(c.cause),
                        eff(c),
                        iv(c),
                        f"{c.p_value:.3f}",
                        f"{c.p_adjusted:.3f}",
                        escape(c.adverse)
                        + (
                            f" (goes with {c.confounded_with}: the data cannot tell them apart)"
                            if c.confounded_with
                            else ""
                        ),
                    ]
                    for c in n.causes
                ],
            )
        )
        for sg in n.suggestions:
            stdout.print(f"  try: {sg.advice} (deliberun experiment suggest --save)")


# --------------------------------------------------------------------------- review, today


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

    db = _db(ctx)
    today = _today()
    if cycle:
        rev = rsvc.retrospective(db, None, today=today)
    else:
        rev = rsvc.weekly(db, week=_date(week, "--week") or today, today=today)
    if as_json:
        print_json(rev.to_dict())
    else:
        _print_review(rev, markdown)


def today(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Today's session, or an adjustment, with why.

    Example: deliberun today --json
    """
    from deliberun.services import practice_experiments as xsvc
    from deliberun.services import review as rsvc

    db = _db(ctx)
    rev = rsvc.today(db, today=_today())
    arms = xsvc.coming_arms(db, today=_today())
    if as_json:
        print_json({**rev.to_dict(), "experiments": arms})
        return
    _print_review(rev, False)
    for x in arms:
        planned = ", ".join(f"{p['date']} {p['arm']}" for p in x["planned"])
        stdout.print(
            f"Experiment {x['id']}: your next {x['workout_type'] or ''} session is arm "
            f"{x['next_arm']} ({'with' if x['next_arm'] == 'B' else 'without'} "
            f"{x['change']}){'; planned: ' + planned if planned else ''}.",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(cycle_app, name="cycle")
    app.add_typer(target_app, name="target")
    app.command("log")(log)
    app.command("journal")(journal)
    app.command("nemesis")(nemesis)
    app.command("review")(review)
    app.command("today")(today)
