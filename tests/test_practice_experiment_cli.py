"""`experiment create` plans and randomises; `show` and `today` say the arms (CLI)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app

runner = CliRunner()


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["--db", str(db), "--today", "2026-03-02", *args])
    return res.exit_code, res.stdout, res.stderr


def test_randomised_is_the_default_with_a_plan_and_drawn_arms(db_path: Path) -> None:
    code, out, err = _run(
        db_path, "experiment", "create", "rest", "--change", "more rest",
        "--metric", "last_rep_fade_pct", "--workout-type", "intervals", "--seed", "3", "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert doc["design"] == "randomised" and doc["start"] == "2026-03-02"
    n = doc["planned_sessions"]
    assert 8 <= n <= 48 and n % 2 == 0
    assert doc["min_detectable_effect"] > 0
    assert "assumed" in doc["sd_source"]  # no history: the plan says it is rough
    arms = doc["arms"]
    assert len(arms) == n
    # one A and one B in every consecutive pair
    assert all({arms[i], arms[i + 1]} == {"A", "B"} for i in range(0, n, 2))
    code, out, _ = _run(db_path, "experiment", "show", "rest", "--json")
    doc = json.loads(out)
    assert doc["design"] == "randomised" and doc["interim"] is True
    assert doc["planned_sessions"] == n and doc["verdict"] == "not_enough_data"
    assert [r["arm"] for r in doc["assignment"]] == arms  # all still to come
    assert doc["placebo"] is None and isinstance(doc["warnings"], list)
    code, out, _ = _run(db_path, "today", "--json")
    assert code == 0
    (x,) = json.loads(out)["experiments"]
    assert x["id"] == "rest" and x["next_arm"] == arms[0]
    code, out, _ = _run(db_path, "today")
    assert f"session is arm {arms[0]}" in out
    code, out, _ = _run(
        db_path, "experiment", "create", "r2", "--change", "c", "--metric", "rpe",
        "--sessions", "20", "--seed", "3",
    )  # fmt: skip
    assert code == 0 and "Planned 20 sessions" in out and "Arms of your next sessions" in out


def test_a_plan_shorter_than_the_minimum_is_refused(db_path: Path) -> None:
    code, _, err = _run(
        db_path, "experiment", "create", "r", "--change", "c", "--metric", "rpe", "--sessions", "4"
    )
    assert code == 1 and "plan at least 8 sessions" in err


def test_plan_show_gives_the_arm_of_each_planned_session(db_path: Path) -> None:
    code, _, err = _run(
        db_path, "plan", "generate", "--race", "10k", "--date", "2026-05-10",
        "--days-per-week", "5", "--goal", "45:00", "--volume-km", "35", "--json",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = _run(
        db_path, "experiment", "create", "rest", "--change", "more rest", "--metric",
        "rpe", "--workout-type", "intervals", "--seed", "1", "--json",
    )  # fmt: skip
    assert code == 0, err
    arms = json.loads(out)["arms"]
    code, out, _ = _run(db_path, "plan", "show", "--json")
    doc = json.loads(out)
    intervals = [
        d["date"]
        for d in doc["days"]
        if d["workout_type"] == "intervals" and d["date"] >= "2026-03-02"
    ]
    got = [(x["date"], x["arm"]) for x in doc["experiment_arms"] if x["id"] == "rest"]
    assert intervals and [d for d, _ in got] == intervals
    assert [a for _, a in got] == arms[: len(got)]
    code, out, _ = _run(db_path, "plan", "show")
    assert f"{intervals[0]} arm {arms[0]}" in out
