"""``deliberun simulate``: write a simulated athlete's files and the truth planted in them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from deliberun.cli.output import fail, print_json, stderr, stdout, table


@contextmanager
def day_progress(quiet: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar over simulated days on stderr (None when quiet or not a terminal)."""
    if quiet or not stderr.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("days"),
        TimeElapsedColumn(), console=stderr, transient=True,
    )  # fmt: skip
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the root app."""

    @app.command("simulate")
    def simulate(
        scenario: str = typer.Option(
            "marathon", "--scenario", "-s", help="Scenario name (see --list)."
        ),
        seed: int = typer.Option(
            0, "--seed", help="Random seed: the same seed gives the same files."
        ),
        years: float = typer.Option(
            None, "--years", help="Years of history (default: the scenario's)."
        ),
        out: Path = typer.Option(
            None, "--out", "-o", help="Folder to write (new or empty, or an earlier simulation)."
        ),
        list_: bool = typer.Option(False, "--list", help="List the scenarios and exit."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
        sex: str = typer.Option(None, "--sex", help="Profile: male or female (default female)."),
        age: int = typer.Option(None, "--age", help="Profile: age in years (default 38)."),
        vdot: float = typer.Option(None, "--vdot", help="Profile: starting VDOT (default 47)."),
        hr_max: float = typer.Option(None, "--hr-max", help="Profile: HRmax in bpm (default 186)."),
        hr_rest: float = typer.Option(
            None, "--hr-rest", help="Profile: resting HR in bpm (default 48)."
        ),
        weekly_km: float = typer.Option(
            None, "--weekly-km", help="Profile: weekly volume in km (default 55)."
        ),
        units: str = typer.Option(None, "--units", help="Profile: metric or imperial."),
        scenario_file: Path = typer.Option(
            None,
            "--scenario-file",
            help="A YAML scenario: profile, days, key sessions, breaks and planted effects "
            "(docs/simulator.md).",
        ),
    ) -> None:
        """Simulate a runner with known truths and write real activity files.

        Writes a Strava bulk-export layout (activities.csv + activities/*.fit.gz,
        .gpx, .tcx), deliberun-journal.yaml, plan.yaml and truth.json.

        Example: deliberun simulate --scenario nemesis_fatigue --seed 7 --out sim/
        """
        from deliberun.sim.scenarios import SCENARIOS

        if list_:
            if json_:
                print_json([
                    {"name": s.name, "description": s.description, "default_years": s.default_years}
                    for s in SCENARIOS.values()
                ])  # fmt: skip
            else:
                rows = [(s.name, f"{s.default_years:g}", s.description) for s in SCENARIOS.values()]
                stdout.print(table("Scenarios", ["name", "years", "description"], rows))
            return
        if out is None:
            fail("give --out DIR (a new or empty folder), or --list to see the scenarios", 2)
        from deliberun.sim.scenarios import Scenario, from_spec

        chosen: str | Scenario = scenario
        file_profile: dict[str, object] = {}
        if scenario_file is not None:
            from deliberun.sim.scenario_file import load_scenario_file

            try:
                spec = load_scenario_file(scenario_file)
            except ValueError as exc:
                fail(str(exc), 2)
            chosen = from_spec(spec)
            file_profile = dict(spec["profile"])
            scenario = spec["name"]
        elif scenario not in SCENARIOS:
            fail(f"unknown scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}", 2)
        else:
            found = SCENARIOS[scenario]
            file_profile = dict((found.extra.get("spec") or {}).get("profile") or {})
        from deliberun.sim.output import write_simulation
        from deliberun.sim.profile import Profile
        from deliberun.sim.simulation import Simulation

        given = {"sex": sex, "age": age, "vdot": vdot, "hr_max_bpm": hr_max,
                 "hr_rest_bpm": hr_rest, "weekly_km": weekly_km, "units": units}  # fmt: skip
        try:
            profile = Profile.from_dict(
                {**file_profile, **{k: v for k, v in given.items() if v is not None}}
            )
        except ValueError as exc:
            fail(str(exc), 2)
        try:
            sim = Simulation(chosen, seed, years=years, profile=profile)
            with day_progress(quiet, f"simulating {scenario}") as progress:
                result = write_simulation(sim, out, progress)
        except ValueError as exc:
            fail(str(exc))
        if json_:
            print_json(result)
            return
        stdout.print(
            f"Wrote {result['activities']} activities ({result['samples']:,} samples, "
            f"{result['bytes'] / 1e6:.1f} MB) {result['start']} .. {result['end']} to {out}"
        )
        stdout.print(f"Truth in {out / 'truth.json'}; import with: deliberun import {out}")
