"""`deliberun plan move`: by date or by id, refusing occupied days, the past and two-session days."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app

runner = CliRunner()
TODAY = "2027-03-01"  # a Monday


def cli(db_path: Path, *args: str):
    return runner.invoke(app, ["--db", str(db_path), "--today", TODAY, *args])


def err(res) -> str:
    return " ".join(res.stderr.split())


def _plan(db_path: Path, tmp_path: Path) -> dict[str, dict]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "workouts:\n"
        "  - {date: 2027-03-02, workout_type: easy, text: 8km E}\n"
        "  - {date: 2027-03-03, workout_type: tempo, text: 2km E + 20min @T + 2km E}\n"
        "  - {date: 2027-03-03, workout_type: easy, text: 5km E}\n"
        "  - {date: 2027-03-06, workout_type: long, text: 18km E}\n"
    )
    assert cli(db_path, "plan", "import", str(plan)).exit_code == 0
    days = json.loads(cli(db_path, "plan", "show", "--json").stdout)["days"]
    return {f"{d['date']} {d['workout_type']}": d for d in days}


def _dates(db_path: Path) -> dict[int, str]:
    days = json.loads(cli(db_path, "plan", "show", "--json").stdout)["days"]
    return {d["id"]: d["date"] for d in days}


def test_move_by_date_with_json(db_path: Path, tmp_path: Path) -> None:
    w = _plan(db_path, tmp_path)
    res = cli(db_path, "plan", "move", "--from", "2027-03-02", "--to", "2027-03-04", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["from"] == "2027-03-02" and doc["moved"]["date"] == "2027-03-04"
    assert doc["moved"]["id"] == w["2027-03-02 easy"]["id"]
    assert _dates(db_path)[w["2027-03-02 easy"]["id"]] == "2027-03-04"
    # the human line names the workout and both days
    res = cli(db_path, "plan", "move", "--from", "2027-03-04", "--to", "2027-03-05")
    assert res.exit_code == 0
    assert "8km E" in res.stdout and "2027-03-04 (Thu) to 2027-03-05 (Fri)" in res.stdout


def test_move_by_id_on_a_two_session_day(db_path: Path, tmp_path: Path) -> None:
    w = _plan(db_path, tmp_path)
    both = cli(db_path, "plan", "move", "--from", "2027-03-03", "--to", "2027-03-04")
    assert both.exit_code == 2
    assert "2 sessions" in err(both) and f"#{w['2027-03-03 easy']['id']}" in err(both)
    easy = w["2027-03-03 easy"]["id"]
    res = cli(db_path, "plan", "move", "--id", str(easy), "--to", "2027-03-04")
    assert res.exit_code == 0, res.output
    dates = _dates(db_path)
    assert dates[easy] == "2027-03-04"
    assert dates[w["2027-03-03 tempo"]["id"]] == "2027-03-03"  # the other one stayed


def test_refusals_say_why_and_change_nothing(db_path: Path, tmp_path: Path) -> None:
    w = _plan(db_path, tmp_path)
    before = _dates(db_path)
    occupied = cli(db_path, "plan", "move", "--from", "2027-03-02", "--to", "2027-03-06")
    assert occupied.exit_code == 2 and "already has a session (long: 18km E)" in err(occupied)
    past = cli(db_path, "plan", "move", "--from", "2027-03-02", "--to", "2027-02-27")
    assert past.exit_code == 2 and "in the past" in err(past)
    nothing = cli(db_path, "plan", "move", "--from", "2027-03-04", "--to", "2027-03-05")
    assert nothing.exit_code == 2 and "no planned workout on 2027-03-04" in err(nothing)
    unknown = cli(db_path, "plan", "move", "--id", "99999", "--to", "2027-03-05")
    assert unknown.exit_code == 2 and "no workout #99999" in err(unknown)
    assert _dates(db_path) == before
    assert w["2027-03-02 easy"]["id"] in before


def test_before_the_plan_starts_is_refused(db_path: Path, tmp_path: Path) -> None:
    _plan(db_path, tmp_path)
    early = runner.invoke(
        app,
        ["--db", str(db_path), "--today", "2027-02-20", "plan", "move"]
        + ["--from", "2027-03-02", "--to", "2027-02-25"],
    )
    assert early.exit_code == 2 and "before the plan starts (2027-03-02)" in err(early)


def test_usage_mistakes_exit_2(db_path: Path, tmp_path: Path) -> None:
    _plan(db_path, tmp_path)
    assert cli(db_path, "plan", "move", "--from", "2027-03-02").exit_code == 2
    neither = cli(db_path, "plan", "move", "--to", "2027-03-04")
    assert neither.exit_code == 2 and "--from" in err(neither)
    both = cli(db_path, "plan", "move", "--from", "2027-03-02", "--id", "1", "--to", "2027-03-04")
    assert both.exit_code == 2
    assert cli(db_path, "plan", "move", "--from", "2027-03-02", "--to", "soon").exit_code == 2
    # the short form of the positional arguments still works
    assert cli(db_path, "plan", "move", "2027-03-02", "2027-03-04").exit_code == 0


def test_no_plan_yet_exits_1(db_path: Path) -> None:
    res = cli(db_path, "plan", "move", "--from", "2027-03-02", "--to", "2027-03-04")
    assert res.exit_code == 1 and "no plan yet" in err(res)


def test_plan_show_lists_the_ids(db_path: Path, tmp_path: Path) -> None:
    w = _plan(db_path, tmp_path)
    out = cli(db_path, "plan", "show").stdout
    long_id = w["2027-03-06 long"]["id"]
    assert re.search(rf"│\s*{long_id}\s*│\s*2027-03-06\s*│", out), out
