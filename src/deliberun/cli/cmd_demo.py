"""``deliberun demo``: a complete simulated runner, imported into its own database."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from deliberun.cli.output import fail, print_json, stderr, stdout, table
from deliberun.units import pace


@contextmanager
def _progress(quiet: bool) -> Iterator[Any]:
    if quiet or not stderr.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=stderr, transient=True,
    )  # fmt: skip
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            label = {"simulate": "simulating days", "import": "importing files"}.get(stage, stage)
            tasks[stage] = bar.add_task(label, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update


def _num(x: Any, fmt: str = "{:.1f}") -> str:
    return "-" if x is None else fmt.format(x)


#: The commands the demo suggests, with what each shows.
EXPLORE = (
    ("activities", "the imported runs"),
    ("show 1", "one run: splits, laps, intervals"),
    ("fitness", "load, fitness, fatigue, form"),
    ("athlete", "thresholds, VDOT, paces, predictions"),
    ("plan show", "the plan and how it went"),
    ("cycle show", "the cycle's targets"),
    ("nemesis", "workouts that keep going wrong, and why"),
    ("today", "today's session and why"),
    ("review", "this week's review"),
    ("review --cycle", "the cycle retrospective"),
    ("journal", "RPE, sleep and notes of each run"),
    ("experiment suggest --save", "turn the nemesis causes into n-of-1 experiments"),
    ("experiment list", "the experiments and their status (show ID: the verdict)"),
    ("serve", "the dashboard in your browser"),
)


def _print_practice(practice: dict[str, Any]) -> None:
    """Targets with progress, nemesis workouts with the top cause, today's advice."""
    from deliberun.units import target_change, target_value

    cyc = practice.get("cycle") or {}
    rows = []
    for t in practice.get("targets") or []:
        spec, unit = t.get("target", {}), t.get("unit", "")
        slope = t.get("slope_per_week")
        if t.get("reached"):
            status = "reached"
        elif t.get("projected_date"):
            status = f"by {t['projected_date']}"
        else:
            status = "not on course"
        name = str(spec.get("name") or spec.get("kind") or "").replace("_", " ")
        rows.append((name, target_value(t.get("baseline"), unit),
                     target_value(t.get("current"), unit), target_value(spec.get("goal"), unit),
                     target_change(slope, unit), status))  # fmt: skip
    if rows:
        title = f"Targets of {cyc.get('name', 'the cycle')}"
        if cyc:
            title += f" ({cyc['start']} .. {cyc['end']})"
        stdout.print(
            table(title, ["target", "start", "now", "goal", "a week", "goal reached"], rows)
        )
    nemeses = practice.get("nemeses") or []
    if not nemeses:
        stdout.print(
            "Nemesis workouts: none — no workout type is failing clearly more often lately "
            "than it usually does."
        )
    for n in nemeses:
        top = f"; {n['explanation']}" if n.get("explanation") else ""
        tip = f". Try: {n['advice']}" if n.get("advice") else ""
        stdout.print(
            f"[bold]Nemesis[/bold]: {n['workout_type']} — {n['failures']} of the last "
            f"{n['attempts']} fell short{top}{tip}"
        )
    today = practice.get("today") or {}
    if today.get("sentences"):
        advice = (today.get("advice") or "").replace("_", " ")
        stdout.print(f"[bold]Today[/bold] ({advice}):")
        for sentence in today["sentences"]:
            stdout.print(f"  - {sentence}")
    review = practice.get("review") or {}
    if review.get("sentences"):
        stdout.print(f"[bold]{review['title']}[/bold]")
        for sentence in review["sentences"][:6]:
            stdout.print(f"  - {sentence}")


def _print(report: dict[str, Any], seconds: float) -> None:
    sim, imp, truth = report["simulated"], report["import"], report["truth"]
    ath = report.get("athlete") or {}
    db = report["db"]
    stdout.print(
        f"[bold]deliberun demo[/bold] — a simulated runner, {report['start']} .. {report['end']}"
    )
    stdout.print(
        f"Simulated {sim['activities']} runs ({sim['samples']:,} samples) and imported "
        f"{imp['imported']} ({imp['failed'] and len(imp['failed']) or 0} failed) in {seconds:.0f} s."
    )
    rows = [
        ("Fitness (CTL, after the day's run)", _num(ath.get("fitness"))),
        ("Fatigue (ATL, after the day's run)", _num(ath.get("fatigue"))),
        ("Form (TSB, going into the day)", _num(ath.get("form"))),
        ("VDOT (estimated)", _num(ath.get("vdot"))),
        ("VDOT (planted truth)", _num(truth["vdot_end"])),
    ]
    stdout.print(table(f"The athlete on {report['today']}", ["", "value"], rows))
    paces = ath.get("paces_s_per_km") or {}
    if paces:
        stdout.print(table("Training paces", ["zone", "pace"],
                           [(k, " - ".join(pace(x) for x in v)) for k, v in paces.items()]))  # fmt: skip
    preds = ath.get("predictions") or {}
    if preds:
        prow = []
        for dist, p in preds.items():
            t = p.get("time_s") if isinstance(p, dict) else p
            if isinstance(t, int | float):
                prow.append((dist, f"{int(t) // 3600}:{int(t) % 3600 // 60:02d}:{int(t) % 60:02d}"))
        if prow:
            stdout.print(table("Race predictions", ["distance", "time"], prow))
    plan = report.get("plan") or {}
    if plan:
        stdout.print(f"Plan: {plan.get('done')} of {plan.get('planned')} planned workouts done; "
                     f"mean execution score {_num(plan.get('mean_execution_score'), '{:.2f}')}")  # fmt: skip
    practice = report.get("practice")
    if practice:
        _print_practice(practice)
    else:
        stdout.print("Targets, nemesis and today's advice: not available (see notes)")
    effects = truth["effects"]
    # not "what the review should find": a finding needs evidence, and the demo's half year
    # may not show a planted effect clearly (its nemesis is not flagged against its own base rate)
    stdout.print(
        "Planted truths (built into the simulated runner; compare with what deliberun found "
        "above: it reports only what the data show clearly):"
    )
    for e in effects:
        stdout.print(f"  - {_truth_words(e)}", highlight=False)
    for note in report.get("notes", []):
        stdout.print(f"[yellow]note[/yellow]: {note}")
    day = report["today"]
    stdout.print(
        f"\nExplore (as of {day}, the demo's last day: --today makes every command answer "
        "as on that day, with the data up to it):"
    )
    prog = _program()
    for cmd, what in EXPLORE:
        stdout.print(f"  {prog} --db {db} --today {day} {cmd:<16} [dim]# {what}[/dim]")
    stdout.print(f"Files: {report['files']} (truth.json holds the planted truth)")
    stdout.print(
        "\n[bold]Your own runs[/bold]: import them into your own database (the demo's is "
        "separate), then look:\n"
        f"  {prog} import ~/Downloads/export_12345.zip   [dim]# a Strava or Garmin export, "
        "a folder or .fit/.gpx/.tcx files[/dim]\n"
        f"  {prog} athlete set hr_max_bpm 188           [dim]# your settings "
        "(see docs/models.md)[/dim]\n"
        f"  {prog} today                                [dim]# or: {prog} serve[/dim]"
    )


def _program() -> str:
    """How to call deliberun again: the bare name when it is on PATH, else this script's path."""
    if shutil.which("deliberun") or not sys.argv or not sys.argv[0].endswith("deliberun"):
        return "deliberun"
    return os.path.relpath(sys.argv[0])


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the root app."""

    @app.command("demo")
    def demo(
        out: Path = typer.Option(
            None,
            "--out",
            "-o",
            help="Demo folder (default: demo in your user data folder); recreated each run.",
        ),
        seed: int = typer.Option(0, "--seed", help="Seed of the simulated runner."),
        years: float = typer.Option(None, "--years", help="Years of history (default 0.5)."),
        group: int = typer.Option(
            0, "--group", help="Simulate a group of N athletes for the coach's view instead."
        ),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ) -> None:
        """Simulate a runner (base + 16-week marathon cycle), import it into a demo database, summarise.

        The demo uses its own database (demo.db in the --out folder, recreated each run), never
        yours; the global --db is ignored.

        With --group N: N simulated athletes (different profiles, scenarios and planted
        things for the coach to find) in group.db of the --out folder (default: demo-group
        in your user data folder).

        Example: deliberun demo --out /tmp/deliberun-demo
        """
        from deliberun.services.demo import run_demo

        t0 = time.perf_counter()
        if group:
            _group_demo(out, group, seed, years, json_, quiet)
            return
        try:
            with _progress(quiet) as progress:
                report = run_demo(out, seed=seed, years=years, progress=progress)
        except ValueError as exc:
            fail(str(exc))
        if json_:
            print_json(report)
        else:
            _print(report, time.perf_counter() - t0)


def _group_demo(
    out: Path | None, n: int, seed: int, years: float | None, json_: bool, quiet: bool
) -> None:
    from deliberun.cli.cmd_athletes import print_group
    from deliberun.services.demo_group import run_group_demo

    t0 = time.perf_counter()
    with _progress(quiet) as progress:
        report = run_group_demo(out, n=n, seed=seed, years=years, progress=progress)
    if json_:
        print_json(report)
        return
    secs = report["seconds"]
    runs = sum(a["imported"] for a in report["athletes"])
    stdout.print(
        f"[bold]deliberun demo --group {n}[/bold] — {n} simulated athletes, {runs} runs, "
        f"in {time.perf_counter() - t0:.0f} s (simulate {secs['simulate']:.0f} s, import "
        f"{secs['import']:.0f} s, group view {secs['group_view']:.1f} s)"
    )
    print_group(report["group"])
    stdout.print("Planted (what the group view should show):")
    for a in report["athletes"]:
        p = a["planted"]
        what = {
            "none": "nothing planted",
            "missed_key_sessions": f"key sessions skipped on {', '.join(p.get('dates', []))}",
            "silent": f"no data for the last {p.get('days')} days",
            "rpe_mismatch": f"easy runs rated {p.get('rpe')}/10 on {', '.join(p.get('dates', []))}",
        }[p["kind"]]
        effects = "; ".join(_truth_words(e) for e in a["effects"]) or "no planted effect"
        stdout.print(
            f"  - {a['name']} ({a['scenario']}, VDOT {a['vdot']:g}): {what}; {effects}",
            highlight=False,
        )
    prog, db, day = _program(), report["db"], report["today"]
    stdout.print(f"\nOpen it (as of {day}, the simulation's last day):")
    stdout.print(f"  {prog} --db {db} --today {day} group        [dim]# this table[/dim]")
    stdout.print(
        f"  {prog} --db {db} --today {day} serve        [dim]# the group page, /group[/dim]"
    )
    first = report["athletes"][0]["name"]
    stdout.print(
        f"  {prog} --db {db} --today {day} --athlete {first} today  [dim]# one athlete[/dim]"
    )


def _truth_words(e: dict[str, Any]) -> str:
    """A planted effect as said: ``nemesis: intervals, last-rep fade +3.5 points (cause:
    load in the 48 h before)`` (the names stay in --json and truth.json)."""
    from deliberun.units import plain

    metric = str(e.get("metric") or "")
    unit = "s/km" if metric.endswith("_s_per_km") else "points" if metric.endswith("_pct") else ""
    name = plain(metric).removesuffix(" (%)")
    cause = e.get("cause")
    why = "no cause" if cause in (None, "", "none") else f"cause: {plain(cause)}"
    what = str(e.get("workout_type") or "").replace("_", " ")
    return f"{e.get('kind')}: {what}, {name} {float(e.get('size') or 0):+g} {unit} ({why})".replace(
        "  ", " "
    )
