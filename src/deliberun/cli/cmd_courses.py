"""Commands of the courses area: courses, course, segment, compare, race-plan
(docs/courses.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from deliberun.cli import asof
from deliberun.cli.dbopen import open_db
from deliberun.cli.output import fail, print_json, safe, stderr, stdout, table
from deliberun.store.db import Database
from deliberun.units import METRES_PER_UNIT, clock

segment_app = typer.Typer(
    help="Your measured segments: every later pass over them is found and timed.\n\n"
    'Example: deliberun segment add 42 --from 2.0 --to 3.6 --name "Park hill"',
    no_args_is_help=True,
)


def _db(ctx: typer.Context) -> Database:
    return open_db(ctx)


def _t(x: Any) -> str:
    return "" if x is None else clock(x)


def _adj(x: Any) -> str:
    return "" if x is None or abs(x) < 0.5 else f"{x:+.0f}s"


def _progress_lines(p: dict[str, Any]) -> None:
    if p["best"] is None:
        return
    b, ba, last = p["best"], p["best_adjusted"], p["last"]
    stdout.print(
        f"best {_t(b['time_s'])} ({b['local_date']}), best adjusted {_t(ba['adjusted_time_s'])} "
        f"({ba['local_date']}), last {_t(last['time_s'])} ({last['local_date']})",
        highlight=False,
    )
    tr = p["trend"]
    if tr is None:
        stdout.print("trend: too few passes (4 needed)", highlight=False)
    else:
        stdout.print(
            f"trend of the adjusted time: {tr['slope_s_per_30d']:+.1f} s per 30 days "
            f"(95 % interval {tr['ci_low']:+.1f} to {tr['ci_high']:+.1f}, n={tr['n']}): "
            f"{tr['verdict']}",
            highlight=False,
        )
    fast = ", ".join(
        f"{_t(r['time_s'])} ({r['local_date']}, #{r['activity_id']})" for r in p["fastest"]
    )
    stdout.print(f"your 3 fastest passes: {fast}", highlight=False)


def _passes_table(title: str, rows: list[dict[str, Any]], *, course: bool) -> None:
    cols = ["date", "activity", "time", "GAP adj", "heat adj", "adjusted", "HR", "HR-norm", "°C"]
    if course:
        cols += ["dir", "decoupl %", "form"]
    out = []
    for r in rows:
        line = [
            r["local_date"], r["activity_id"], _t(r["time_s"]), _adj(r["gap_adjustment_s"]),
            _adj(r["heat_adjustment_s"]), _t(r["adjusted_time_s"]),
            "" if r["avg_hr_bpm"] is None else f"{r['avg_hr_bpm']:.0f}",
            _t(r["hr_normalised_time_s"]),
            "" if r["temperature_c"] is None else f"{r['temperature_c']:.0f}",
        ]  # fmt: skip
        if course:
            line += [
                r["direction"],
                "" if r["decoupling_pct"] is None else f"{r['decoupling_pct']:.1f}",
                "" if r["form"] is None else f"{r['form']:.0f}",
            ]
        out.append(line)
    stdout.print(table(title, cols, out))


def courses_cmd(
    ctx: typer.Context,
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Find every course again, in time order."
    ),
    min_runs: int = typer.Option(2, "--min-runs", min=1, help="List courses with this many runs."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Your recurring routes and loops, found from the GPS tracks.

    Example: deliberun courses --json
    """
    from deliberun.services import courses as svc

    db = _db(ctx)
    info = svc.sync_courses(db, rebuild=rebuild)
    if info["placed"]:
        stderr.print(f"placed {info['placed']} runs on courses", highlight=False)
    data = svc.list_courses(db, min_runs=min_runs, sync=False)
    if as_json:
        print_json(data)
        return
    rows = [
        [c["id"], c["name"], f"{c['distance_m'] / 1000:.2f}", c["runs"], _t(c["best_time_s"]),
         _t(c["last_time_s"]), c["last_date"]]
        for c in data
    ]  # fmt: skip
    stdout.print(table("Courses", ["id", "name", "km", "runs", "best", "last", "last run"], rows))


def course_cmd(
    ctx: typer.Context,
    course_id: int = typer.Argument(..., help="Course id (from `deliberun courses`)."),
    rename: str = typer.Option(None, "--rename", help="Give the course this name."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Every run on one course, raw and adjusted (grade, heat, heart rate), with its trend.

    Example: deliberun course 3 --rename "River loop"
    """
    from deliberun.services import courses as svc

    db = _db(ctx)
    if rename is not None:
        try:
            res = svc.rename_course(db, course_id, rename)
        except ValueError as exc:
            fail(str(exc), code=2)
        except LookupError as exc:
            fail(str(exc).strip("'\""))
        if as_json:
            print_json(res)
        else:
            stderr.print(f"course {res['id']} is now {safe(repr(res['name']))}", highlight=False)
        return
    try:
        data = svc.course_detail(db, course_id, today=asof.today())
    except LookupError as exc:
        fail(str(exc).strip("'\""))
    if as_json:
        print_json(data)
        return
    stdout.print(
        f"[b]{safe(data['name'])}[/b]: {data['distance_m'] / 1000:.2f} km, {data['runs']} runs "
        f"(as of {data['as_of']}; times are moving time over the course length)",
        highlight=False,
    )
    _passes_table("Runs on the course", data["passes"], course=True)
    _progress_lines(data["progress"])


def segment_add(
    ctx: typer.Context,
    activity: int = typer.Argument(None, help="Activity the segment is taken from."),
    from_km: float = typer.Option(None, "--from", help="Start along the run [km]."),
    to_km: float = typer.Option(None, "--to", help="End along the run [km]."),
    gpx: Path = typer.Option(None, "--gpx", help="Take the segment from this GPX file instead."),
    name: str = typer.Option(None, "--name", help="Name of the segment."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Measure a segment: a stretch of a run, or a GPX path.

    Example: deliberun segment add 42 --from 2.0 --to 3.6 --name "Park hill"
    """
    from deliberun.services import segments as svc

    db = _db(ctx)
    try:
        if gpx is not None:
            res = svc.add_segment_from_gpx(db, gpx, name=name)
        elif activity is None or from_km is None or to_km is None:
            fail("give ACTIVITY --from KM --to KM, or --gpx FILE", code=2)
        else:
            res = svc.add_segment_from_run(db, activity, from_km * 1000, to_km * 1000, name=name)
    except (ValueError, LookupError) as exc:
        fail(str(exc))
    if as_json:
        print_json(res)
    else:
        stderr.print(
            f"segment {res['id']} {safe(repr(res['name']))}: {res['distance_m'] / 1000:.2f} km",
            highlight=False,
        )


def segment_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """List your segments.

    Example: deliberun segment list --json
    """
    from deliberun.services import segments as svc

    data = svc.list_segments(_db(ctx))
    if as_json:
        print_json(data)
        return
    rows = [[s["id"], s["name"], f"{s['distance_m'] / 1000:.2f}", s["source"]] for s in data]
    stdout.print(table("Segments", ["id", "name", "km", "from"], rows))


def segment_show(
    ctx: typer.Context,
    segment_id: int = typer.Argument(..., help="Segment id."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Every pass over a segment, raw and adjusted, with its trend.

    Example: deliberun segment show 1
    """
    from deliberun.services import segments as svc

    try:
        data = svc.segment_detail(_db(ctx), segment_id, today=asof.today())
    except LookupError as exc:
        fail(str(exc).strip("'\""))
    if as_json:
        print_json(data)
        return
    stdout.print(
        f"[b]{safe(data['name'])}[/b]: {data['distance_m'] / 1000:.2f} km", highlight=False
    )
    _passes_table("Passes", data["passes"], course=False)
    _progress_lines(data["progress"])


def compare_cmd(
    ctx: typer.Context,
    activity: int = typer.Argument(..., help="Activity id."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """The sessions of the same structure as this one, side by side, rep by rep.

    Example: deliberun compare 118
    """
    from deliberun.services import compare as svc

    try:
        data = svc.compare(_db(ctx), activity, today=asof.today())
    except LookupError as exc:
        fail(str(exc).strip("'\""))
    if as_json:
        print_json(data)
        return
    stdout.print(f"[b]{data['structure']}[/b]: {len(data['sessions'])} sessions", highlight=False)
    rows = []
    for s in data["sessions"]:
        reps = " ".join(_t(r["gap_pace_s_per_km"] or r["pace_s_per_km"]) for r in s["reps"])
        rows.append(
            [s["local_date"], s["activity_id"], _t(s["mean_rep_pace_s_per_km"]),
             "" if s["fade_pct"] is None else f"{s['fade_pct']:+.1f}",
             "" if s["hr_rise_bpm"] is None else f"{s['hr_rise_bpm']:+.0f}",
             _t(s["mean_recovery_s"]), reps or _t(s["moving_time_s"])]
        )  # fmt: skip
    cols = ["date", "activity", "rep pace /km", "fade %", "HR rise", "recovery", "reps (GAP /km)"]
    stdout.print(table("Same session", cols, rows))


def race_plan_cmd(
    ctx: typer.Context,
    course: str = typer.Argument(..., help="A GPX file of the course, or a course id."),
    goal: str = typer.Option(..., "--goal", help="Goal time, h:mm:ss."),
    unit: str = typer.Option("km", "--unit", help="Splits per km or mi."),
    temp: float = typer.Option(None, "--temp", help="Expected temperature at the start [°C]."),
    temp_end: float = typer.Option(
        None, "--temp-end", help="Expected temperature at the finish [°C]."
    ),
    fit: Path = typer.Option(None, "--fit", help="Write a FIT workout with one step per split."),
    band: Path = typer.Option(None, "--band", help="Write a printable pace band (HTML)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Even-effort splits over a course's hills (GAP) and heat, summing to the goal.

    Example: deliberun race-plan berlin.gpx --goal 3:15:00 --fit plan.fit --band band.html
    """
    from deliberun.models.race_input import parse_duration
    from deliberun.services import race_plan as svc

    try:
        goal_s = parse_duration(goal)
    except ValueError:
        fail(f"--goal {goal}: give a time as h:mm:ss", code=2)
    if unit not in ("km", "mi"):
        fail(f"--unit {unit}: use km or mi", code=2)
    try:
        plan = svc.make_plan(
            _db(ctx), course, goal_s, unit=unit, temperature_c=temp, temperature_end_c=temp_end
        )
    except (ValueError, LookupError) as exc:
        fail(str(exc).strip("'\""))
    if fit is not None:
        fit.write_bytes(svc.fit_workout(plan))
        stderr.print(f"Wrote {fit} ({len(plan['splits'])} steps)", highlight=False)
    if band is not None:
        band.write_text(svc.pace_band_html(plan), encoding="utf-8")
        stderr.print(f"Wrote {band}", highlight=False)
    if as_json:
        print_json(plan)
        return
    u = plan["unit"]
    per = METRES_PER_UNIT["imperial" if u == "mi" else "metric"] / 1000.0  # per split unit
    rows = [
        [s["split"], f"{s['distance_m']:.0f}", _t(s["time_s"]), _t(s["cumulative_s"]),
         _t(s["pace_s_per_km"] * per), _t(s["gap_pace_s_per_km"] * per),
         f"{s['grade_pct']:+.1f}"]
        for s in plan["splits"]
    ]  # fmt: skip
    cols = ["split", "m", "time", "at", f"pace /{u}", f"GAP /{u}", "grade %"]
    stdout.print(table(f"{plan['course']}: goal {_t(plan['goal_s'])}", cols, rows))
    sp = plan["spread"]
    stdout.print(
        f"sum of splits {_t(plan['total_s'])}; even effort "
        f"{_t(plan['effort_pace_s_per_km'] * per)}/{u} "
        f"flat-equivalent; spread over full splits: GAP {sp['gap_pace_s_per_km'] * per:.1f} s/{u}, "
        f"effort {sp['effort_pace_s_per_km'] * per:.1f} s/{u}, "
        f"raw pace {sp['pace_s_per_km'] * per:.1f} s/{u}",
        highlight=False,
    )
    for h in plan.get("rehearsals", []):
        runs = ", ".join(f"#{r['activity_id']} {r['local_date']}" for r in h["recent"])
        stdout.print(
            f"climb at {u} {h['start_m'] / (per * 1000):.1f}: {h['length_m']:.0f} m at "
            f"{100 * h['grade']:.1f} % — rehearsed at race effort in {h['runs']} runs"
            + (f" (latest: {runs})" if runs else ""),
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("courses")(courses_cmd)
    app.command("course")(course_cmd)
    app.command("compare")(compare_cmd)
    app.command("race-plan")(race_plan_cmd)
    segment_app.command("add")(segment_add)
    segment_app.command("list")(segment_list)
    segment_app.command("show")(segment_show)
    app.add_typer(segment_app, name="segment")
