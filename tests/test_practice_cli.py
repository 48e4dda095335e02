"""The practice commands: exit codes, JSON contracts, the focus rule, the journal file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app

runner = CliRunner()


@pytest.fixture()
def db_path(store_url: str) -> str:
    """Every practice-loop command runs on SQLite and on PostgreSQL (issue 16)."""
    return store_url


JOURNAL = """
version: 1
journal:
  - {date: 2026-03-02, rpe: 7, sleep_h: 7.5, details: [fuelling]}
cycles:
  - name: "Spring marathon"
    start: 2026-01-05
    end: 2026-04-26
    goal_race: {distance_m: 42195, date: 2026-04-26, goal_time_s: 11700}
    targets: [{kind: threshold_pace, goal: 255.0}, {kind: interval_execution, goal: 0.8}]
experiments:
  - {id: rest-longer, workout_type: intervals, change: "50% more rest", metric: last_rep_fade_pct,
     assignment: before_after, start: 2026-02-01, change_date: 2026-03-01}
"""


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["--db", str(db), *args])
    return res.exit_code, res.stdout, res.stderr


def test_cycle_and_targets(db_path: Path) -> None:
    code, out, _ = _run(
        db_path,
        "cycle", "create", "Spring", "--start", "2026-01-05", "--end", "2026-04-26",
        "--race", "marathon", "--goal-time", "3:15:00", "--target", "threshold_pace=255",
        "--json",
    )  # fmt: skip
    assert code == 0, out
    doc = json.loads(out)
    assert doc["goal_race"]["distance_m"] == 42195 and doc["goal_race"]["goal_time_s"] == 11700
    cid = str(doc["id"])
    for kind, goal in (("interval_execution", "0.8"), ("weekly_volume", "60000")):
        code, out, _ = _run(db_path, "target", "add", kind, goal, "--cycle", cid, "--json")
        assert code == 0 and json.loads(out)["kind"] == kind
    code, _, err = _run(db_path, "target", "add", "easy_cadence", "178", "--cycle", cid)
    assert code == 1 and "focus is the point" in err
    code, out, _ = _run(db_path, "cycle", "show", cid, "--json")
    doc = json.loads(out)
    assert [p["target"]["kind"] for p in doc["progress"]] == [
        "threshold_pace",
        "interval_execution",
        "weekly_volume",
    ]
    code, out, _ = _run(db_path, "cycle", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 1
    code, out, _ = _run(db_path, "target", "list", "--kinds", "--json")
    assert "race_details" in {k["kind"] for k in json.loads(out)}
    code, _, err = _run(db_path, "target", "add", "speed", "1", "--cycle", cid)
    assert code == 1 and "unknown target kind" in err


def test_log_experiment_nemesis_review_today(db_path: Path, tmp_path: Path) -> None:
    f = tmp_path / "deliberun-journal.yaml"
    f.write_text(JOURNAL)
    code, out, _ = _run(db_path, "log", "--from-file", str(f), "--json")
    assert code == 0 and json.loads(out) == {"journal": 1, "cycles": 1, "experiments": 1}
    # importing again replaces (idempotent)
    _run(db_path, "log", "--from-file", str(f))
    code, out, _ = _run(db_path, "cycle", "list", "--json")
    assert len(json.loads(out)) == 1
    code, out, _ = _run(
        db_path, "log", "--date", "2026-03-03", "--rpe", "8", "--tag", "x", "--json"
    )
    assert code == 0 and json.loads(out)["rpe"] == 8
    code, _, err = _run(db_path, "log", "--date", "2026-03-03", "--rpe", "12")
    assert code == 1 and "outside its scale" in err
    code, out, _ = _run(db_path, "experiment", "list", "--json")
    assert json.loads(out) == [
        {"id": "rest-longer", "change": "50% more rest", "status": "running"}
    ]
    code, out, _ = _run(db_path, "experiment", "show", "rest-longer", "--json")
    doc = json.loads(out)
    assert set(doc) == {
        "id", "change", "metric", "sessions_a", "sessions_b", "effect", "interval_90",
        "p_value", "verdict", "more_sessions_needed", "design", "assignment",
        "planned_sessions", "planned_after_change", "min_detectable_effect", "interim",
        "final_on", "alpha_this_look",
        "warnings", "placebo",
    }  # fmt: skip
    assert doc["verdict"] == "not_enough_data" and doc["more_sessions_needed"] >= 6, doc
    assert doc["design"] == "before_after" and doc["interim"] is True
    assert any("pre-period has 0 sessions" in w for w in doc["warnings"])
    code, _, err = _run(db_path, "experiment", "show", "nope")
    assert code == 1 and "no experiment 'nope'" in err
    code, out, _ = _run(
        db_path, "experiment", "create", "x2", "--change", "c", "--metric", "rpe",
        "--assignment", "alternating", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["assignment"] == "alternating"
    code, _, err = _run(db_path, "experiment", "create", "x3", "--change", "c", "--metric", "zz")
    assert code == 1 and "unknown outcome metric" in err
    code, out, _ = _run(db_path, "nemesis", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = _run(db_path, "review", "--week", "2026-03-02", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["kind"] == "week" and doc["start"] == "2026-03-02"
    code, out, _ = _run(db_path, "review", "--week", "2026-03-02", "--markdown")
    assert code == 0 and out.startswith("# Week of 2026-03-02")
    code, out, _ = _run(db_path, "today", "--json")
    assert code == 0 and json.loads(out)["kind"] == "today"
    code, _, err = _run(db_path, "review", "--week", "March")
    assert code == 2 and "not YYYY-MM-DD" in err


def test_goals_as_runners_write_them_and_target_lifecycle(db_path: Path) -> None:
    code, out, err = _run(
        db_path,
        "cycle", "create", "Spring", "--start", "2026-01-05", "--end", "2026-04-26",
        "--target", "threshold_pace=4:15", "--target", "weekly_volume=70km",
        "--target", "mp_endurance=1:00:00", "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert [t["goal"] for t in doc["targets"]] == [255.0, 70000.0, 3600.0]
    cid = str(doc["id"])
    code, _, err = _run(db_path, "target", "add", "easy_cadence", "178", "--cycle", cid)
    assert code == 1 and "focus is the point" in err
    code, out, _ = _run(db_path, "cycle", "show", cid, "--json")
    ids = {p["target"]["kind"]: p["target"]["id"] for p in json.loads(out)["progress"]}
    # make room: drop one, then add; a second target of the same kind is refused
    code, out, _ = _run(db_path, "target", "remove", str(ids["mp_endurance"]), "--json")
    assert code == 0 and json.loads(out)["kind"] == "mp_endurance"
    code, _, err = _run(db_path, "target", "add", "weekly_volume", "40mi", "--cycle", cid)
    assert code == 1 and "already has a weekly volume target" in err
    code, out, _ = _run(db_path, "target", "add", "easy_cadence", "178", "--cycle", cid)
    assert code == 0 and "easy cadence, goal 178.0 spm." in out  # as read, in words
    # change a goal, per mile
    tid = str(ids["threshold_pace"])
    code, out, _ = _run(db_path, "target", "set", tid, "6:50/mi", "--json")
    assert code == 0 and abs(json.loads(out)["goal"] - 410 / 1.609344) < 1e-9
    code, out, _ = _run(db_path, "target", "set", tid, "6:50/mi")  # the same goal, said
    assert code == 0 and "(threshold pace): goal 4:15 /km." in out
    code, _, err = _run(db_path, "target", "set", tid, "fast")
    assert code == 2 and "cannot read goal 'fast' for threshold_pace" in " ".join(err.split())
    code, _, err = _run(db_path, "target", "remove", "999")
    assert code == 1 and "no target 999" in err
    # the tables speak the runner's units
    code, out, _ = _run(db_path, "cycle", "show", cid)
    assert "4:15 /km" in out and "70.0 km" in out and "254.8" not in out
    _run(db_path, "athlete", "set", "units", "imperial")
    code, out, _ = _run(db_path, "target", "list", "--cycle", cid)
    assert code == 0 and "6:50 /mi" in out and "43.5 mi" in out


def test_experiment_end_closes_the_window(db_path: Path, tmp_path: Path) -> None:
    f = tmp_path / "deliberun-journal.yaml"
    f.write_text(JOURNAL)
    _run(db_path, "log", "--from-file", str(f))
    code, out, _ = _run(
        db_path, "experiment", "end", "rest-longer", "--date", "2026-04-01", "--json"
    )
    assert (
        code == 0 and json.loads(out)["status"] == "done" and json.loads(out)["end"] == "2026-04-01"
    )
    code, out, _ = _run(db_path, "experiment", "list", "--json")
    assert json.loads(out) == [{"id": "rest-longer", "change": "50% more rest", "status": "done"}]
    code, out, _ = _run(db_path, "experiment", "end", "rest-longer", "--abandon")
    assert code == 0 and "abandoned" in out
    code, _, err = _run(db_path, "experiment", "end", "rest-longer", "--date", "2026-01-01")
    assert code == 1 and "before the experiment's start" in err
    code, _, err = _run(db_path, "experiment", "end", "nope")
    assert code == 1 and "no experiment 'nope'" in err


def test_journal_shows_what_the_strava_export_carried(db_path: Path, tmp_path: Path) -> None:
    """Strava's perceived exertion and description land in the journal until the runner
    logs the run; the runner's entry then replaces them."""
    import csv
    import shutil

    sim = tmp_path / "sim"
    res = runner.invoke(app, ["simulate", "--scenario", "marathon", "--seed", "2", "--years",
                              "0.08", "--out", str(sim), "--quiet"])  # fmt: skip
    assert res.exit_code == 0, res.output
    export = tmp_path / "strava"  # the export alone: no deliberun journal file
    shutil.copytree(sim / "activities", export / "activities")
    shutil.copy(sim / "activities.csv", export / "activities.csv")
    rows = list(csv.DictReader((export / "activities.csv").open(encoding="utf-8")))
    code, _, err = _run(db_path, "import", str(export), "--workers", "1", "--json")
    assert code == 0, err
    code, out, _ = _run(db_path, "journal", "--json")
    entries = json.loads(out)
    assert len(entries) == len(rows) and {e["source"] for e in entries} == {"import"}
    by_text = {(r["Activity Description"], float(r["Perceived Exertion"])) for r in rows}
    assert {(e["notes"], e["rpe"]) for e in entries} == by_text
    first = entries[0]["activity_id"]
    code, _, _ = _run(db_path, "log", str(first), "--rpe", "3", "--notes", "felt easy")
    assert code == 0
    code, out, _ = _run(db_path, "journal", "--json")
    mine = [e for e in json.loads(out) if e["activity_id"] == first]
    assert len(mine) == 1 and mine[0]["source"] == "journal" and mine[0]["rpe"] == 3
    code, out, _ = _run(db_path, "journal", "--since", entries[-1]["date"], "--json")
    assert code == 0 and 1 <= len(json.loads(out)) < len(entries)
    assert all(e["date"] >= entries[-1]["date"] for e in json.loads(out))
    code, out, _ = _run(db_path, "journal")
    assert code == 0 and "Journal" in out
    # one day (the activity page asks for its own day only)
    from datetime import date

    from deliberun.services.practice import list_journal
    from deliberun.store.db import Database

    day = date.fromisoformat(entries[3]["date"])
    one = list_journal(Database(db_path), since=day, until=day)
    assert one and {e["date"] for e in one} == {day.isoformat()}
    code, _, err = _run(db_path, "log", "99999", "--rpe", "3")
    assert code == 1 and "no activity 99999" in err


def test_retrospective_lists_only_the_cycles_experiments(db_path: Path, tmp_path: Path) -> None:
    f = tmp_path / "deliberun-journal.yaml"
    f.write_text(JOURNAL)
    _run(db_path, "log", "--from-file", str(f))
    code, _, err = _run(db_path, "experiment", "create", "later", "--change", "new shoes",
                        "--metric", "rpe", "--assignment", "alternating", "--start", "2026-06-01")  # fmt: skip
    assert code == 0, err
    code, out, err = _run(db_path, "review", "--cycle", "--json")
    assert code == 0, err
    doc = json.loads(out)
    texts = [s["text"] for sec in doc["sections"] if sec["title"] == "Experiments"
             for s in sec["sentences"]]  # fmt: skip
    assert len(texts) == 1 and "rest-longer" in texts[0]
