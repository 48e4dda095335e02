"""The CLI parses, calls one service and prints (issue 15): the documents the commands
print are the services' typed documents, and the zones' VDOT is said in words."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.plan.goal_time import read_goal_time
from deliberun.services.plan_generate import PlanRequest, generate
from deliberun.services.workouts import ZoneVdot, zone_vdot
from deliberun.store.db import Database
from deliberun.store.settings_repo import get_settings, set_settings

CLI = Path(__file__).resolve().parents[1] / "src" / "deliberun" / "cli"


def _cli(db_path: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db_path), *args])


def _err(res) -> str:
    return " ".join(res.stderr.split())


def _set_threshold(db_path: Path, pace_s_per_km: float) -> None:
    db = Database(db_path)
    with db.session() as s, s.begin():
        st = get_settings(s)
        set_settings(s, dataclasses.replace(st, threshold_pace_s_per_km=pace_s_per_km))


def test_the_zones_vdot_is_said_with_where_it_came_from(db_path: Path) -> None:
    # nothing known: the default, labelled as one
    res = _cli(db_path, "workout", "parse", "20min @T", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["vdot"] == 45
    assert "no VDOT known yet" in _err(res) and "a middle value" in _err(res)
    # the runner's threshold pace: that estimate, and the words say so
    _set_threshold(db_path, 255.0)  # 4:15/km is about VDOT 50
    res = _cli(db_path, "workout", "parse", "20min @T", "--json")
    v = json.loads(res.stdout)["vdot"]
    assert res.exit_code == 0 and 48 < v < 52
    assert f"zones use your VDOT {v:.1f}, from your threshold pace setting" in _err(res)
    # typed: no note at all
    res = _cli(db_path, "workout", "parse", "20min @T", "--vdot", "50")
    assert res.exit_code == 0 and res.stderr == ""


def test_zone_vdot_sources(db_path: Path) -> None:
    db = Database(db_path)
    today = date(2026, 3, 1)
    assert zone_vdot(db, 51.0, today=today) == ZoneVdot(51.0, "given")
    assert zone_vdot(db, 51.0, today=today).words is None
    assert zone_vdot(db, None, today=today).source == "default"


def test_plan_generate_prints_the_services_document(db_path: Path) -> None:
    res = _cli(
        db_path, "--today", "2029-06-01", "plan", "generate", "--race", "10k",
        "--date", "2029-09-01", "--goal", "45:00", "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    printed = json.loads(res.stdout)
    req = PlanRequest(race="10k", race_date=date(2029, 9, 1), goal="45:00")
    made = generate(Database(db_path), req, today=date(2029, 6, 1), now=datetime.now(UTC))
    doc = json.loads(json.dumps(made.to_dict(), default=str))
    assert doc["plan_id"] == printed["plan_id"] + 1  # stored again, as a new plan
    for key in ("name", "params", "weeks", "days", "starting_point", "constraints_broken"):
        assert doc[key] == printed[key], key
    assert printed["projection"][-1]["date"] == "2029-09-01"


def test_a_refused_request_names_the_value() -> None:
    # 2:50 for a half is 2 h 50 min; 20:00 for 10 km no human runs
    assert read_goal_time("2:50", 21097.5) == 2 * 3600 + 50 * 60
    assert read_goal_time("45:00", 10000.0) == 45 * 60
    with pytest.raises(ValueError, match="faster than any human has raced"):
        read_goal_time("20:00", 10000.0)
    with pytest.raises(ValueError, match="a walk"):
        read_goal_time("9:00:00", 10000.0)


def test_an_unknown_target_is_not_found_in_one_line(db_path: Path) -> None:
    res = _cli(db_path, "target", "show", "99")
    assert res.exit_code == 1
    assert _err(res) == "Error: no target 99; see `deliberun target list`"
    res = _cli(db_path, "target", "show", "99", "--json")
    assert res.exit_code == 1 and json.loads(res.stdout) == {
        "error": "no target 99; see `deliberun target list`"
    }


@pytest.mark.parametrize("path", sorted(CLI.glob("cmd_*.py")), ids=lambda p: p.name)
def test_command_modules_stay_small(path: Path) -> None:
    """A command module parses and prints; one past 400 lines holds logic or several groups."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path.name} has {lines} lines: split it by command group"
