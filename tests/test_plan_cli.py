"""The workout and plan commands: exit codes, messages, JSON schema, store round trip."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app

runner = CliRunner()


def cli(db_path: Path, *args: str):
    return runner.invoke(app, ["--db", str(db_path), *args])


def err(res) -> str:
    """stderr with Rich's line wrapping undone."""
    return " ".join(res.stderr.split())


def _kinds(steps):
    for s in steps:
        yield s["kind"]
        if s["kind"] == "repeat":
            yield from _kinds(s["steps"])


def test_workout_parse_json_schema(db_path) -> None:
    res = cli(
        db_path,
        "workout",
        "parse",
        "2km E + 6x800m @I w/ 400m jog + 2km E",
        "--json",
        "--vdot",
        "50",
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["text"] == "2km E + 6x800m @I w/ 400m jog + 2km E"
    assert doc["vdot"] == 50
    warm, rep, cool = doc["steps"]
    assert (warm["kind"], rep["kind"], cool["kind"]) == ("warmup", "repeat", "cooldown")
    assert warm["distance_m"] == 2000
    assert rep["reps"] == 6 and [s["kind"] for s in rep["steps"]] == ["work", "recovery"]
    lo, hi = rep["steps"][0]["target"]["pace_s_per_km"]
    assert 220 < lo < hi < 250  # I pace at VDOT 50 is about 3:50-4:00/km
    assert set(_kinds(doc["steps"])) <= {"warmup", "work", "recovery", "cooldown", "repeat"}


def test_workout_parse_table_follows_the_units_setting(db_path) -> None:
    res = cli(db_path, "workout", "parse", "3x1mi @T w/ 1min jog", "--vdot", "50")
    assert res.exit_code == 0 and "/km" in res.stdout and "/mi" not in res.stdout
    assert cli(db_path, "athlete", "set", "units", "imperial").exit_code == 0
    res = cli(db_path, "workout", "parse", "3x1mi @T w/ 1min jog", "--vdot", "50")
    assert res.exit_code == 0 and "/mi" in res.stdout and "/km" not in res.stdout
    # T pace at VDOT 50 is about 4:15/km = 6:50/mi
    assert any(f"T 6:{s}" in res.stdout for s in range(40, 60)), res.stdout


def test_workout_parse_default_vdot_note_on_stderr(db_path) -> None:
    res = cli(db_path, "workout", "parse", "20min @T", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["vdot"] == 45
    assert "VDOT 45" in err(res)


def test_workout_parse_error_exit_1_one_line(db_path) -> None:
    res = cli(db_path, "workout", "parse", "2km E + 6x @I")
    assert res.exit_code == 2
    assert (
        "at character 12: expected a distance (800m, 1km, 2mi) or a duration (10min, 90s)"
        in err(res)
    )
    assert res.stdout == ""


def test_workout_export_fit_and_library(db_path, tmp_path) -> None:
    out = tmp_path / "w.fit"
    res = cli(
        db_path,
        "workout",
        "export",
        "2km E + 5x1km @I w/ 400m jog + 2km E",
        "--fit",
        str(out),
        "--vdot",
        "50",
    )
    assert res.exit_code == 0, res.output
    from deliberun.plan.formats.fit_workout import parse_fit_workout
    from deliberun.plan.text import format_workout

    assert (
        format_workout(parse_fit_workout(out.read_bytes()))
        == "2km E + 5x1km @I w/ 400m jog + 2km E"
    )
    lib = json.loads(cli(db_path, "workout", "library", "--json").stdout)
    assert {e["workout_type"] for e in lib} >= {"tempo", "intervals", "mp_long", "strides"}
    assert all(set(e) == {"workout_type", "name", "text", "purpose", "source"} for e in lib)
    assert cli(db_path, "workout", "library", "--type", "nope").exit_code == 2


def test_plan_generate_show_edit_export_import(db_path, tmp_path) -> None:
    race = date.today() + timedelta(days=70)
    res = cli(
        db_path,
        "plan",
        "generate",
        "--race",
        "10k",
        "--date",
        race.isoformat(),
        "--days-per-week",
        "5",
        "--goal",
        "45:00",
        "--volume-km",
        "35",
        "--max-volume-km",
        "50",
        "--json",
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"plan_id", "name", "params", "weeks", "days", "constraints_broken"}
    assert doc["constraints_broken"] == []
    assert doc["days"][-1] == {**doc["days"][-1], "date": race.isoformat(), "workout_type": "race"}
    assert max(w["planned_km"] for w in doc["weeks"]) <= 50
    proj = doc["projection"]
    assert proj[-1]["date"] == race.isoformat()
    assert proj[-1]["form"] > min(p["form"] for p in proj)  # the taper freshens

    show = json.loads(cli(db_path, "plan", "show", "--json").stdout)
    assert show["plan_id"] == doc["plan_id"]
    assert len(show["days"]) == len(doc["days"])
    assert all("steps" in d for d in show["days"])
    assert len(show["projection"]) >= 60 and set(show["projection"][0]) == {
        "date",
        "load",
        "fitness",
        "fatigue",
        "form",
    }
    week2 = json.loads(cli(db_path, "plan", "show", "--week", "2", "--json").stdout)
    assert 1 <= len(week2["days"]) <= 5

    d0, d1 = doc["days"][0]["date"], doc["days"][1]["date"]
    assert cli(db_path, "plan", "swap", d0, d1).exit_code == 0
    after = json.loads(cli(db_path, "plan", "show", "--json").stdout)["days"]
    assert after[0]["text"] == doc["days"][1]["text"] and after[1]["text"] == doc["days"][0]["text"]
    assert cli(db_path, "plan", "skip", d0).exit_code == 0
    assert cli(db_path, "plan", "replace", d1, "8 km e", "--type", "easy").exit_code == 0
    after = json.loads(cli(db_path, "plan", "show", "--json").stdout)["days"]
    assert after[0]["status"] == "skipped"
    assert after[1]["text"] == "8km E" and after[1]["workout_type"] == "easy"
    bad = cli(db_path, "plan", "skip", "1999-01-01")
    assert bad.exit_code == 2 and "no planned workout on 1999-01-01" in err(bad)
    assert cli(db_path, "plan", "move", d1, "not-a-date").exit_code == 2

    ics, fit_dir, yml = tmp_path / "p.ics", tmp_path / "fit", tmp_path / "p.yaml"
    res = cli(
        db_path, "plan", "export", "--ics", str(ics), "--fit-dir", str(fit_dir), "--yaml", str(yml)
    )
    assert res.exit_code == 0, res.output
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (
        len(list(fit_dir.glob("*.fit"))) == len(after) - 1
    )  # the skipped day is not sent to the watch
    assert cli(db_path, "plan", "export").exit_code == 2

    res = cli(db_path, "plan", "import", str(yml))
    assert res.exit_code == 0, res.output
    again = json.loads(cli(db_path, "plan", "show", "--json").stdout)
    assert again["plan_id"] == doc["plan_id"] + 1
    assert [d["text"] for d in again["days"]] == [d["text"] for d in after]


def test_plan_generate_usage_errors(db_path) -> None:
    res = cli(
        db_path,
        "--today",
        "2029-06-01",
        "plan",
        "generate",
        "--race",
        "far",
        "--date",
        "2030-01-01",
        "--days-per-week",
        "5",
    )
    assert res.exit_code == 2 and "cannot read race distance 'far'" in err(res)
    res = cli(
        db_path, "--today", "2029-06-01", "plan", "generate", "--race", "half marathon", "--date", "2030-01-01",
        "--days-per-week", "5", "--goal", "1:75",
    )  # fmt: skip
    assert res.exit_code == 2 and "cannot read time '1:75'" in err(res)
    # 2:50 for a marathon is 2 h 50 min; 45:00 no human runs: refused with the reason
    res = cli(
        db_path, "--today", "2029-06-01", "plan", "generate", "--race", "marathon", "--date", "2030-01-01", "--goal", "2:50",
        "--json",
    )  # fmt: skip
    assert res.exit_code == 0 and "Warning" not in res.stderr
    assert json.loads(res.stdout)["params"]["goal_time_s"] == 2 * 3600 + 50 * 60
    res = cli(
        db_path,
        "--today",
        "2029-06-01",
        "plan",
        "generate",
        "--race",
        "marathon",
        "--date",
        "2030-01-01",
        "--goal",
        "45:00",
    )
    assert res.exit_code == 2 and "faster than any human has raced" in err(res)
    res = cli(
        db_path,
        "--today",
        "2029-06-01",
        "plan",
        "generate",
        "--race",
        "10k",
        "--date",
        "2030-01-01",
        "--days-per-week",
        "9",
    )
    assert res.exit_code == 2


def test_plan_show_without_a_plan(db_path) -> None:
    res = cli(db_path, "plan", "show")
    assert res.exit_code == 1 and "no plan yet" in err(res)


def test_compliance_against_an_imported_real_run(db_path, real_dir, tmp_path) -> None:
    run = tmp_path / "in"
    run.mkdir()
    shutil.copy(real_dir / "fit" / "fitparse__2013-02-06-12-11-14.fit", run / "run.fit")
    res = cli(db_path, "import", str(run), "--json", "--workers", "1")
    assert res.exit_code == 0, res.output
    acts = json.loads(cli(db_path, "activities", "--json").stdout)
    act = acts[0] if isinstance(acts, list) else acts["activities"][0]
    day = act["local_date"] if "local_date" in act else act["start_time"][:10]
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        f"- {{date: {day}, workout_type: easy, text: 8km E}}\n"
        f"- {{date: {date.fromisoformat(day) + timedelta(days=2)}, workout_type: tempo, text: 20min @T}}\n"
    )
    assert cli(db_path, "plan", "import", str(plan)).exit_code == 0
    res = cli(db_path, "plan", "compliance", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"workouts", "weeks", "proposals", "vdot"}
    done, missed = doc["workouts"]
    assert done["status"] == "done" and done["activity_id"] == act["id"]
    assert done["colour"] in ("green", "yellow", "red") and done["duration_ratio"] > 0
    assert missed["status"] == "missed" and missed["colour"] == "red"


def test_plan_adapt_moves_a_missed_session(db_path, tmp_path) -> None:
    t = date.today()
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "workouts:\n"
        f"  - {{date: {t - timedelta(days=1)}, workout_type: tempo, text: 2km E + 20min @T + 2km E}}\n"
        f"  - {{date: {t + timedelta(days=1)}, workout_type: easy, text: 6km E}}\n"
        f"  - {{date: {t + timedelta(days=4)}, workout_type: long, text: 18km E}}\n"
    )
    assert cli(db_path, "plan", "import", str(plan)).exit_code == 0
    doc = json.loads(cli(db_path, "plan", "adapt", "--json").stdout)
    (p,) = doc["proposals"]
    assert p["action"] == "move" and p["new_date"] == (t + timedelta(days=1)).isoformat()
    assert "missed" in p["reason"] and doc["applied"] is False
    res = cli(db_path, "plan", "adapt", "--apply", "--json")
    assert json.loads(res.stdout)["applied"] is True
    days = json.loads(cli(db_path, "plan", "show", "--json").stdout)["days"]
    assert [(d["date"], d["workout_type"]) for d in days] == [
        ((t + timedelta(days=1)).isoformat(), "tempo"),
        ((t + timedelta(days=4)).isoformat(), "long"),
    ]


def test_plan_import_a_fit_workout(db_path, tmp_path) -> None:
    fit = tmp_path / "w.fit"
    text = "2km E + 5x1km @I w/ 400m jog + 2km E"
    assert cli(db_path, "workout", "export", text, "--fit", str(fit), "--vdot", "50").exit_code == 0
    res = cli(db_path, "plan", "import", str(fit), "--date", "2027-01-05")
    assert res.exit_code == 0, res.output
    (day,) = json.loads(cli(db_path, "plan", "show", "--json").stdout)["days"]
    assert (day["date"], day["workout_type"], day["text"]) == ("2027-01-05", "intervals", text)
    bad = tmp_path / "bad.fit"
    bad.write_bytes(b"not a fit file at all")
    res = cli(db_path, "plan", "import", str(bad))
    assert res.exit_code == 1 and "bad.fit" in err(res)
