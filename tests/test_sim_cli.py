"""``deliberun simulate`` and ``deliberun demo`` end to end (exit codes, JSON, files, database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.sim.scenarios import SCENARIOS

runner = CliRunner()


def test_simulate_list_json() -> None:
    res = runner.invoke(app, ["simulate", "--list", "--json"])
    assert res.exit_code == 0, res.output
    names = [s["name"] for s in json.loads(res.stdout)]
    assert names == list(SCENARIOS)
    assert {"marathon", "nemesis_fatigue", "rest_experiment", "null_experiment",
            "cadence_drills", "illness"} <= set(names)  # fmt: skip


def test_simulate_writes_files(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    res = runner.invoke(app, ["simulate", "--scenario", "marathon", "--seed", "3", "--years",
                              "0.12", "--out", str(out), "--json", "--quiet"])  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["activities"] == len(list((out / "activities").iterdir())) > 10
    assert (out / "truth.json").is_file() and (out / "activities.csv").is_file()
    assert (out / "deliberun-journal.yaml").is_file() and (out / "plan.yaml").is_file()
    # an earlier simulation may be overwritten
    res = runner.invoke(app, ["simulate", "--scenario", "marathon", "--seed", "4", "--years",
                              "0.12", "--out", str(out), "--quiet", "--sex", "male",
                              "--vdot", "55"])  # fmt: skip
    assert res.exit_code == 0, res.output
    truth = json.loads((out / "truth.json").read_text())
    assert truth["seed"] == 4
    assert truth["profile"]["sex"] == "male" and truth["profile"]["vdot"] == 55


def test_simulate_usage_errors(tmp_path: Path) -> None:
    res = runner.invoke(app, ["simulate", "--scenario", "nope", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert "unknown scenario 'nope'" in res.output
    res = runner.invoke(app, ["simulate"])
    assert res.exit_code == 2 and "--out" in res.output
    res = runner.invoke(app, ["simulate", "--vdot", "120", "--out", str(tmp_path / "y")])
    assert res.exit_code == 2 and "vdot" in res.output
    (tmp_path / "mine.txt").write_text("x")
    res = runner.invoke(app, ["simulate", "--out", str(tmp_path), "--quiet"])
    assert res.exit_code == 1 and "not empty" in res.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo") / "d"
    res = runner.invoke(app, ["demo", "--out", str(out), "--years", "0.35", "--json", "--quiet"])
    assert res.exit_code == 0, res.output
    return out, json.loads(res.stdout)


def test_demo_imports_everything(demo: tuple[Path, dict]) -> None:
    out, doc = demo
    assert doc["db"] == str(out / "demo.db") and (out / "demo.db").is_file()
    assert doc["import"]["imported"] == doc["simulated"]["activities"] > 60
    assert doc["import"]["failed"] == []
    assert doc["scenario"] == "marathon"
    assert {e["kind"] for e in doc["truth"]["effects"]} >= {"nemesis", "target"}


def test_demo_athlete_summary_close_to_truth(demo: tuple[Path, dict]) -> None:
    _, doc = demo
    ath = doc["athlete"]
    assert ath is not None, doc["notes"]
    assert ath["vdot"] == pytest.approx(doc["truth"]["vdot_end"], abs=1.5)
    assert ath["fitness"] > 20
    assert set(ath["paces_s_per_km"]) >= {"E", "M", "T", "I", "R"}
    # the runner's own files came in too: journal, cycle with targets, plan
    assert doc["notes"] == []
    assert doc["runner_files"] and doc["runner_files"][0]["journal"] > 60
    assert {t["target"]["kind"] for t in doc["practice"]["targets"]} == {
        "threshold_pace", "interval_execution"}  # fmt: skip
    assert doc["plan"]["done"] == doc["plan"]["planned"] == doc["simulated"]["activities"]


def test_demo_refuses_foreign_folders(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("mine")
    res = runner.invoke(app, ["demo", "--out", str(tmp_path), "--quiet"])
    assert res.exit_code == 1 and "holds other files" in " ".join(res.output.split())
    assert (tmp_path / "precious.txt").read_text() == "mine"


def test_demo_folder_is_recreated(tmp_path: Path) -> None:
    from deliberun.services.demo import _reset

    (tmp_path / "files" / "activities").mkdir(parents=True)
    (tmp_path / "files" / "truth.json").write_text("{}")
    (tmp_path / "files" / "activities" / "1.fit.gz").write_bytes(b"x")
    (tmp_path / "demo.db").write_bytes(b"old")
    files, db = _reset(tmp_path)
    assert not files.exists() and not db.exists()
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not an earlier demo"):
        _reset(tmp_path)


def test_demo_text_output_says_how_to_explore(
    demo: tuple[Path, dict], capsys: pytest.CaptureFixture[str]
) -> None:
    from deliberun.cli.cmd_demo import _print

    out, doc = demo
    _print(doc, 12.0)
    text = capsys.readouterr().out
    assert f"deliberun --db {out / 'demo.db'} --today {doc['today']} activities" in text
    assert "VDOT (planted truth)" in text and "Training paces" in text
    assert "nemesis: intervals, last-rep fade +3.5 points (cause: load in the 48 h before)" in text
    # the planted truths are not promised as findings (the demo's nemesis is not flagged)
    assert "what the review should find" not in text
    assert "compare with what deliberun found above" in text


def test_demo_practice_agrees_with_truth_and_athlete(demo: tuple[Path, dict]) -> None:
    """Only planted failures are nemeses (hills and MP blocks judged on GAP); sessions are
    judged by the VDOT of their day; today's advice quotes the athlete's form and ACWR."""
    from datetime import date
    from statistics import median

    from deliberun.models import vdot as vd
    from deliberun.services import athlete, practice
    from deliberun.store.db import Database

    out, doc = demo
    prac = doc["practice"]
    truth = json.loads((out / "files" / "truth.json").read_text())
    planted = {e["workout_type"] for e in truth["effects"] if e["kind"] == "nemesis"}
    assert {n["workout_type"] for n in prac["nemeses"]} <= planted, prac["nemeses"]
    db = Database(out / "demo.db")
    today = date.fromisoformat(doc["today"])
    cur = athlete.fitness(db, today=today, days=1)["current"]
    said = " ".join(prac["today"]["sentences"])
    assert f"form {cur['form']:.0f}" in said and f"ACWR {cur['acwr']:.2f}" in said, said
    sessions = practice.build_sessions(db, today=today)
    truth_vdot = {x["date"]: x["vdot"] for x in truth["sessions"]}
    paced = [s for s in sessions if s.workout_type in ("intervals", "cruise_intervals", "tempo")]
    errs = [abs(s.metrics["vdot_of_day"] - truth_vdot[s.local_date.isoformat()]) for s in paced]
    assert len(errs) >= 5 and median(errs) < 1.5, errs
    ie = [x for x in (s.interval_execution() for s in paced) if x is not None]
    assert sum(ie) / len(ie) > 0.3, ie  # not ~0 as with today's VDOT
    # threshold pace from the work segments, near the planted T pace (not a whole-run mean)
    thr = next(t for t in prac["targets"] if t["target"]["kind"] == "threshold_pace")
    t_pace = sum(vd.training_paces(truth["fitness"][max(truth["fitness"])])["T"]) / 2
    assert abs(thr["current"] - t_pace) / t_pace < 0.05, (thr["current"], t_pace)
    db.dispose()


def test_demo_prints_targets_nemesis_advice_and_commands(demo: tuple[Path, dict]) -> None:
    from deliberun.cli.cmd_demo import _print
    from deliberun.cli.output import stdout

    _, doc = demo
    with stdout.capture() as cap:
        _print(doc, 12.0)
    text = cap.get()
    assert "Targets of" in text and "threshold pace" in text.replace("_", " ")
    assert "Today (" in text and "form" in text
    day = doc["today"]
    assert f"deliberun --db {doc['db']} --today {day} review " in text and "serve" in text
    assert "deliberun import " in text.split("Your own runs")[1]  # ends with your own data
    # the Explore commands answer as of the summary's day: the review sees the runs
    res = runner.invoke(app, ["--db", doc["db"], "--today", day, "review"])
    assert res.exit_code == 0 and day[:4] in res.stdout, res.output
    assert "0 runs" not in res.stdout
    assert "not available" not in text
    for n in doc["practice"]["nemeses"]:
        assert f"Nemesis: {n['workout_type']}" in text and "most likely cause" in text


def test_show_gives_steps_per_minute_for_a_strides_device(tmp_path: Path) -> None:
    """The simulated watch of the first 3 weeks records strides/min: `show` prints the
    corrected steps/min, not the raw half value."""
    out, db = tmp_path / "sim", tmp_path / "db.sqlite"
    assert runner.invoke(app, ["simulate", "--scenario", "marathon", "--seed", "4", "--years",
                               "0.08", "--out", str(out), "--quiet"]).exit_code == 0  # fmt: skip
    assert (
        runner.invoke(app, ["--db", str(db), "import", str(out), "--workers", "1"]).exit_code == 0
    )
    res = runner.invoke(app, ["--db", str(db), "show", "1"])
    line = next(ln for ln in res.stdout.splitlines() if "avg cadence" in ln)
    spm = float(line.split("│")[2])
    assert 150 < spm < 200, line
    # the list, --json and the database column hold the corrected value too
    listed = json.loads(runner.invoke(app, ["--db", str(db), "activities", "--json"]).stdout)
    first = next(a for a in listed if a["id"] == 1)
    assert 150 < first["avg_cadence_spm"] < 200, first["avg_cadence_spm"]
    import sqlite3

    with sqlite3.connect(db) as con:
        (col,) = con.execute("SELECT avg_cadence_spm FROM activities WHERE id = 1").fetchone()
    assert 150 < col < 200
