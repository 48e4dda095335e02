"""``deliberun demo``: a complete simulated runner, imported into its own database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from deliberun.cli.output import fail, print_json, stderr, stdout, table


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


def _pace(s: float | None) -> str:
    if s is None:
        return "-"
    s = round(s)
    return f"{s // 60}:{s % 60:02d}/km"


def _num(x: Any, fmt: str = "{:.1f}") -> str:
    return "-" if x is None else fmt.format(x)


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
        ("Fitness (CTL)", _num(ath.get("fitness"))),
        ("Fatigue (ATL)", _num(ath.get("fatigue"))),
        ("Form (TSB)", _num(ath.get("form"))),
        ("VDOT (estimated)", _num(ath.get("vdot"))),
        ("VDOT (planted truth)", _num(truth["vdot_end"])),
    ]
    stdout.print(table(f"The athlete on {report['today']}", ["", "value"], rows))
    paces = ath.get("paces_s_per_km") or {}
    if paces:
        stdout.print(table("Training paces", ["zone", "pace"],
                           [(k, " - ".join(_pace(x) for x in v)) for k, v in paces.items()]))  # fmt: skip
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
        trow = []
        for t in practice["targets"]:
            spec = t.get("target", {})
            trow.append((spec.get("kind"), _num(t.get("baseline"), "{:.2f}"),
                         _num(t.get("current"), "{:.2f}"), _num(spec.get("goal"), "{:g}"),
                         t.get("unit", ""), "yes" if t.get("reached") else "no"))  # fmt: skip
        if trow:
            stdout.print(
                table(
                    "Targets of the cycle",
                    ["target", "start", "now", "goal", "unit", "reached"],
                    trow,
                )
            )
        for n in practice["nemeses"]:
            causes = n.get("causes") or []
            top = f"; likely cause: {causes[0]['cause']}" if causes else ""
            stdout.print(
                f"Nemesis: {n['workout_type']} ({n['failures']} of {n['attempts']} fell short{top})"
            )
        review = practice["review"]
        if review["sentences"]:
            stdout.print(f"[bold]{review['title']}[/bold]")
            for sentence in review["sentences"][:6]:
                stdout.print(f"  - {sentence}")
    else:
        stdout.print("Targets, nemesis and review: not available (see notes)")
    effects = truth["effects"]
    stdout.print("Planted truths (what the review should find):")
    for e in effects:
        stdout.print(
            f"  - {e['kind']}: {e['workout_type']} {e['metric']} {e['size']:+g} (cause {e['cause']})"
        )
    for note in report.get("notes", []):
        stdout.print(f"[yellow]note[/yellow]: {note}")
    stdout.print("\nExplore:")
    for cmd in ("activities", "show 1", "fitness", "predict", "plan show", "nemesis",
                "review --cycle", "serve"):  # fmt: skip
        stdout.print(f"  deliberun --db {db} {cmd}")
    stdout.print(f"Files: {report['files']} (truth.json holds the planted truth)")


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the root app."""

    @app.command("demo")
    def demo(
        out: Path = typer.Option(
            None,
            "--out",
            "-o",
            help="Demo folder (default: <user data dir>/demo); recreated each run.",
        ),
        seed: int = typer.Option(0, "--seed", help="Seed of the simulated runner."),
        years: float = typer.Option(None, "--years", help="Years of history (default 0.5)."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ) -> None:
        """Simulate a runner (base + 16-week marathon cycle), import it into a demo database, summarise.

        The demo uses its own database (<out>/demo.db, recreated each run), never
        yours; the global --db is ignored.

        Example: deliberun demo --out /tmp/deliberun-demo
        """
        from deliberun.services.demo import run_demo

        t0 = time.perf_counter()
        try:
            with _progress(quiet) as progress:
                report = run_demo(out, seed=seed, years=years, progress=progress)
        except ValueError as exc:
            fail(str(exc))
        if json_:
            print_json(report)
        else:
            _print(report, time.perf_counter() - t0)
