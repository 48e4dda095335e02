"""What a runner reads says it in words: no internal names in the human output.

The demo (a simulated marathon cycle, its last day race day) is run once, and the main
commands are read as a runner would, on that day. Internal names (``vdot_shape``,
``prior_48h_load``, ``mp_stretch_s``), raw units (``[degC]``, ``42195 m in 11860 s``), a
plan titled by its file path and doubled words (``race race``) must not appear; the
``--json`` twins keep the names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app

runner = CliRunner()

#: The commands a runner reads every week (the athlete settings table is left out: its
#: keys are what ``deliberun athlete set KEY`` takes; so is the journal: its tags are the
#: runner's own words).
COMMANDS = [
    ["today"],
    ["review"],
    ["review", "--cycle"],
    ["fitness"],
    ["predict"],
    ["target", "list"],
    ["cycle", "show"],
    ["nemesis"],
    ["experiment", "list"],
    ["experiment", "suggest"],
    ["plan", "show"],
    ["plan", "compliance"],
]

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
RAW = [
    re.compile(r"\[degC\]|\bdegC\b"),
    re.compile(r"\b\d+ m in \d+ s\b"),  # "42195 m in 11860 s"
    re.compile(r"\d+th percentile\b"),
    re.compile(r"\b([A-Za-z]+) \1\b(?!-)"),  # "race race"
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """(demo folder, its last day, the demo's own summary)."""
    out = tmp_path_factory.mktemp("plainwords") / "d"
    res = runner.invoke(app, ["demo", "--out", str(out), "--quiet"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    day = re.search(r"as of (\d{4}-\d\d-\d\d)", res.stdout)
    assert day, res.stdout[-2000:]
    return out, day.group(1), res.stdout


def _read(demo: tuple[Path, str, str], *args: str) -> str:
    out, day, _ = demo
    res = runner.invoke(
        app, ["--db", str(out / "demo.db"), "--today", day, *args], env={"COLUMNS": "200"}
    )
    assert res.exit_code == 0, (args, res.output)
    return res.stdout.replace(str(out), "DEMO")


def offending(text: str) -> list[str]:
    """Internal names and raw units in ``text`` (empty when it reads plainly)."""
    found = [m.group(0) for m in SNAKE.finditer(text)]
    for rx in RAW:
        found += [m.group(0) for m in rx.finditer(text)]
    return found


def test_the_scan_catches_what_the_issue_found() -> None:
    bad = (
        "5k vdot_shape 20:41 VDOT 47.9 from 42195 m in 11860 s; heat [degC]; "
        "mp_stretch_s at the 100th percentile; planned: race race 42.195km"
    )
    assert set(offending(bad)) >= {"vdot_shape", "mp_stretch_s", "42195 m in 11860 s",
                                   "[degC]", "100th percentile", "race race"}  # fmt: skip
    assert offending("Planned race 42.195km @4:41/km; threshold pace 4:28 /km.") == []


def test_demo_summary_reads_plainly(demo: tuple[Path, str, str]) -> None:
    out, _, text = demo
    summary = text.split("\nExplore")[0]  # the commands after it hold paths and options
    assert offending(summary.replace(str(out), "DEMO")) == []


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_main_commands_read_plainly(demo: tuple[Path, str, str], args: list[str]) -> None:
    text = _read(demo, *args)
    assert text.strip(), args
    assert offending(text) == [], text[:3000]


def test_plan_is_titled_in_words_and_json_keeps_names(demo: tuple[Path, str, str]) -> None:
    text = _read(demo, "plan", "show")
    assert "DEMO" not in text.splitlines()[0] and "plan.yaml" in text.splitlines()[0]
    doc = json.loads(_read(demo, "predict", "--json"))
    models = {p["model"] for plist in doc["predictions"].values() for p in plist}
    assert {"vdot", "riegel"} <= models  # the internal names stay in --json


def test_nemesis_groups_and_experiment_counts_in_words() -> None:
    from deliberun.practice.experiments import more_sessions_words
    from deliberun.practice.nemesis import NUMERIC_CAUSES, usual_words

    heat = usual_words(NUMERIC_CAUSES["heat"][2], +1, 18.5)
    assert heat == "temperature above its usual (18.5 °C)" and offending(heat) == []
    sleep = usual_words(NUMERIC_CAUSES["sleep"][2], -1, 7.25)
    assert sleep == "sleep the night before below its usual (7.25 h)"
    assert more_sessions_words(12) == "about 12 more sessions needed"
    assert "3312" not in more_sessions_words(3312) and "too small" in more_sessions_words(3312)


def test_a_finished_cycle_forecasts_no_past_date(demo: tuple[Path, str, str]) -> None:
    """Read long after the cycle: no "reaches the goal about <a day already past>"."""
    from datetime import date, timedelta

    out, day, _ = demo
    now = date.fromisoformat(day)
    assert re.search(r"reaches the goal about", _read(demo, "review", "--cycle"))
    late = (now + timedelta(days=400)).isoformat()
    for args in (["review", "--cycle"], ["target", "list"], ["cycle", "show"]):
        res = runner.invoke(
            app, ["--db", str(out / "demo.db"), "--today", late, *args], env={"COLUMNS": "200"}
        )
        assert res.exit_code == 0, res.output
        dates = re.findall(r"\b(\d{4}-\d\d-\d\d)\b", res.stdout)
        future = [d for d in dates if date.fromisoformat(d) > now]
        assert all(d > late for d in future), (args, future)


def test_the_threshold_line_is_in_words() -> None:
    from deliberun.services.threshold_refresh import describe

    line = describe(
        {
            "recomputed": 3,
            "failed": 0,
            "changed": {"threshold_pace_s_per_km": (None, 314.134), "hr_max_bpm": (190.0, 193.0)},
        }
    )
    assert line == (
        "thresholds changed (max heart rate 190 bpm → 193 bpm, threshold pace none → 5:14 /km): "
        "recomputed the metrics of 3 activities"
    )
    assert describe({"recomputed": 0, "failed": 0, "changed": {}}) is None


def test_a_workout_says_its_type_once() -> None:
    from deliberun.units import workout_words

    assert workout_words("race", "race 42.195km @4:41/km") == "race 42.195km @4:41/km"
    assert workout_words("long_run", "28km E") == "long run: 28km E"
    assert workout_words("easy", "8km E", " (") == "easy (8km E)"
    assert workout_words("tempo", "") == "tempo"
