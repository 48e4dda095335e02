"""Scenario files: checked keys, no YAML aliases, breaks and planted effects in the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.sim.scenario_file import ScenarioFileError, load_scenario_file

runner = CliRunner()

GOOD = """
name: layoff
years: 0.4
start: 2026-01-05
profile: {sex: male, age: 45, vdot: 44, hr_max_bpm: 178, hr_rest_bpm: 50, weekly_km: 35}
days: [tue, thu, sat, sun]
key_sessions: {tue: intervals, sat: long}
breaks: [{from: 2026-02-16, days: 30}]
effects:
  - {kind: nemesis, workout_type: intervals, cause: none, failure_rate: 0.25}
  - {kind: confounder, cause: weekday, workout_type: intervals, size: 2.0, weekday: tue}
  - {kind: experiment, id: esp, workout_type: intervals, change: espresso,
     design: before_after, from: 2026-03-30, metric: last_rep_fade_pct, size: 0}
"""


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "s.yaml"
    f.write_text(text)
    return f


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("years: 0.4", "years: 0.4\nyearz: 1"), "unknown key 'yearz'"),
        (GOOD.replace("weekly_km: 35", "weekly_km: 35, shoe: x"), "unknown key 'shoe'"),
        (GOOD.replace("failure_rate: 0.25", "failure_rate: 0.25, colour: red"),
         "effects[0]: unknown key 'colour'"),
        (GOOD.replace("days: 30", "days: 30, why: flu"), "breaks[0]: unknown key 'why'"),
        (GOOD.replace("design: before_after", "design: sometimes"), "design 'sometimes'"),
        (GOOD.replace("kind: confounder", "kind: magic"), "unknown kind 'magic'"),
        (GOOD.replace("[tue, thu, sat, sun]", "[tue, thu, sat, sun, funday]"), "'funday'"),
        ("name: a\ndays: &d [tue]\nkey_sessions: *d\n", "anchors and aliases are not allowed"),
        ("name: [unclosed\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_bad_scenario_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    f = _write(tmp_path, text)
    with pytest.raises(ScenarioFileError) as err:
        load_scenario_file(f)
    assert str(f) in str(err.value) and message in str(err.value)
    res = runner.invoke(app, ["simulate", "--scenario-file", str(f), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and message in res.stderr
    assert not (tmp_path / "o").exists()


def test_scenario_file_plants_breaks_effects_and_the_experiment(tmp_path: Path) -> None:
    f = _write(tmp_path, GOOD)
    out = tmp_path / "sim"
    res = runner.invoke(
        app, ["simulate", "--scenario-file", str(f), "--seed", "3", "--out", str(out), "-q"]
    )
    assert res.exit_code == 0, res.output
    truth = json.loads((out / "truth.json").read_text())
    assert truth["scenario"] == "layoff" and truth["profile"]["vdot"] == 44
    days = [s["date"] for s in truth["sessions"]]
    assert not [d for d in days if "2026-02-16" <= d < "2026-03-18"]  # the break
    runs = {s["date"]: s for s in truth["sessions"]}
    assert {runs[d]["workout_type"] for d in days} == {"intervals", "long", "easy"}
    kinds = [e["kind"] for e in truth["effects"]]
    assert kinds.count("nemesis") == 1 and "confounder" in kinds and "experiment" in kinds
    intervals = [s for s in truth["sessions"] if s["workout_type"] == "intervals"]
    arms = [s["arm"] for s in intervals]
    assert all(a == ("change" if s["date"] >= "2026-03-30" else "baseline")
               for a, s in zip(arms, intervals, strict=True))  # fmt: skip
    journal = (out / "deliberun-journal.yaml").read_text()
    assert "id: esp" in journal and "assignment: before_after" in journal


def test_built_in_adversarial_scenarios_are_listed() -> None:
    res = runner.invoke(app, ["simulate", "--list", "--json"])
    names = {s["name"] for s in json.loads(res.stdout)}
    assert {"nemesis_no_cause", "layoff_before_change", "weekday_confounded_alternating",
            "seasonal_heat_null"} <= names  # fmt: skip
