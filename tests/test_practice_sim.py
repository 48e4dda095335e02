"""End to end on the simulated athlete: simulate -> import -> journal -> advice vs truth."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.practice.nemesis import find_nemeses
from deliberun.store.db import Database

runner = CliRunner()


@pytest.fixture(scope="module")
def nemesis_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], date]:
    return _simulated(tmp_path_factory, "0.25")


@pytest.fixture(scope="module")
def nemesis_db_long(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, Any], date]:
    # the scenario's own 0.4 years (about 21 interval sessions): causes are compared within
    # 8-week periods against each period's trend, which 0.25 years (13) is too short for
    return _simulated(tmp_path_factory, "0.4")


def _simulated(
    tmp_path_factory: pytest.TempPathFactory, years: str
) -> tuple[Path, dict[str, Any], date]:
    from deliberun.services import importer
    from deliberun.services import plan as plan_svc
    from deliberun.services import practice as svc

    root = tmp_path_factory.mktemp("sim")
    out = root / "sim"
    res = runner.invoke(
        app,
        ["simulate", "--scenario", "nemesis_fatigue", "--seed", "1", "--years", years,
         "--out", str(out), "--quiet"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    truth = json.loads((out / "truth.json").read_text())
    db_path = root / "db.sqlite"
    db = Database(db_path)
    importer.import_paths(db, [out], workers=1)
    plan_svc.import_file(db, out / "plan.yaml", now=datetime.now(UTC))
    counts = svc.import_journal_file(db, out / "deliberun-journal.yaml")
    assert counts["journal"] > 0
    db.dispose()
    return db_path, truth, date.fromisoformat(truth["end"]) + timedelta(days=1)


def test_planted_nemesis_cause_ranks_first(
    nemesis_db_long: tuple[Path, dict[str, Any], date],
) -> None:
    from deliberun.services import practice as svc

    db_path, truth, today = nemesis_db_long
    planted = next(e for e in truth["effects"] if e["kind"] == "nemesis")
    db = Database(db_path)
    sessions = svc.build_sessions(db, today=today)
    intervals = [s for s in sessions if s.workout_type == "intervals"]
    truth_fade = {x["date"]: x["fade_pct"] for x in truth["sessions"] if x["fade_pct"] is not None}
    # the rep paces we read agree with the fade the simulator planted (within 3 points)
    diffs = [
        abs(s.fade_pct() - truth_fade[s.local_date.isoformat()])  # type: ignore[operator]
        for s in intervals
        if s.local_date.isoformat() in truth_fade and s.fade_pct() is not None
    ]
    assert len(diffs) >= 8 and sorted(diffs)[len(diffs) // 2] < 1.5
    # over every attempt (the short history may not make intervals a nemesis right now)
    found = find_nemeses(
        sessions, today, window=len(intervals), min_failure_rate=0.25, against_baseline=False
    )
    assert found and found[0].workout_type == planted["workout_type"]
    assert found[0].causes[0].cause == planted["cause"]
    assert found[0].causes[0].effect > 0


def test_review_and_today_on_simulated_history(
    nemesis_db: tuple[Path, dict[str, Any], date],
) -> None:
    from deliberun.services import review as rsvc

    db_path, _truth, today = nemesis_db
    db = Database(db_path)
    rev = rsvc.weekly(db, week=today - timedelta(days=3), today=today)
    doc = rev.to_dict()
    assert doc["advice"] in ("push", "hold", "back_off")
    load = doc["sections"][0]
    assert load["title"] == "Load and form"
    assert load["sentences"][0]["evidence"][0]["activity_ids"]  # cites the week's runs
    # the intervals fail at their usual rate from the start: no nemesis against the
    # runner's own base rate, so the review flags none
    assert not any(s["title"] == "Nemesis workouts" for s in doc["sections"])
    t = rsvc.today(db, today=today).to_dict()
    assert t["kind"] == "today" and t["sections"][0]["sentences"]


def test_sessions_use_the_athlete_models(nemesis_db: tuple[Path, dict[str, Any], date]) -> None:
    """One truth: form and ACWR per day, VDOT of the day, today's advice (athlete area)."""
    from statistics import median

    from deliberun.plan.paces import zone_paces
    from deliberun.services import athlete
    from deliberun.services import practice as svc
    from deliberun.services import review as rsvc

    db_path, truth, today = nemesis_db
    db = Database(db_path)
    sessions = svc.build_sessions(db, today=today)
    state = athlete.daily_state(db, today=today)
    for s in sessions:
        assert (s.form, s.acwr) == (state[s.local_date]["form"], state[s.local_date]["acwr"])
    # today's advice quotes the form and ACWR the Today page shows (athlete.fitness)
    cur = athlete.fitness(db, today=today, days=1)["current"]
    text = rsvc.today(db, today=today).to_dict()["sections"][0]["sentences"][-1]["text"]
    assert f"form {cur['form']:.0f}" in text
    assert cur["acwr"] is None or f"ACWR {cur['acwr']:.2f}" in text
    # each session is judged by the VDOT of its own day, not today's
    intervals = [s for s in sessions if s.workout_type == "intervals"]
    vdots = athlete.vdot_by_day(db, today=today, days=[s.local_date for s in intervals])
    # the VDOT moves over the history, so "today's" would differ from some session's
    assert len({round(v or 0, 2) for v in vdots.values()}) >= 2, vdots
    assert any(v != vdots[max(vdots)] for v in vdots.values())
    for s in intervals:
        v = vdots[s.local_date]
        assert v is not None and s.metrics["vdot_of_day"] == v
        lo, hi = zone_paces(v)["I"]
        assert s.target_pace_s_per_km == pytest.approx((lo + hi) / 2)
    # without races, the VDOT rests on sustained efforts of unstructured runs divided by
    # the calibrated ratio (models/vdot_evidence.py TRAINING_CALIBRATION): close to the
    # planted fitness (median -4.5 when they were only discounted 3 %), never far above
    truth_vdot = {x["date"]: x["vdot"] for x in truth["sessions"]}
    errs = [(vdots[s.local_date] or 0) - truth_vdot[s.local_date.isoformat()] for s in intervals]
    assert max(errs) < 1.5 and abs(median(errs)) < 1.0, errs
    # so a rep pace missed is a planted one: only sessions the simulator made fade (the
    # low yardstick of before read every rep 5-6 % ahead of target, faded or not)
    fade = {x["date"]: x["fade_pct"] or 0.0 for x in truth["sessions"]}
    missed = {
        s.local_date.isoformat()
        for s in intervals
        if any("pace missed" in r for r in s.failure_reasons())
    }
    assert all(fade[d] > 2.5 for d in missed), {d: fade[d] for d in missed}
    to_plan = {s.local_date.isoformat() for s in intervals if fade[s.local_date.isoformat()] < 2}
    assert to_plan and not to_plan & missed


def test_sessions_read_no_streams_but_temperature(
    nemesis_db: tuple[Path, dict[str, Any], date], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speed: building sessions never loads an activity's streams one by one."""
    from deliberun.services import practice as svc
    from deliberun.store import repository

    db_path, _truth, today = nemesis_db

    def no_streams(*_a: Any, **_k: Any) -> None:
        raise AssertionError("build_sessions loaded streams per activity")

    monkeypatch.setattr(repository, "load_streams", no_streams)
    monkeypatch.setattr(repository, "load_activity", no_streams)
    sessions = svc.build_sessions(Database(db_path), today=today)
    quality = [s for s in sessions if s.workout_type == "intervals"]
    # the temperature streams (FIT files carry one) come in one query
    assert quality and any(s.temperature_c is not None for s in quality)


@pytest.mark.parametrize(
    ("scenario", "seed", "expected"),
    [
        ("rest_experiment", 3, {"helps"}),
        ("null_experiment", 3, {"not_enough_data", "no_clear_difference"}),
    ],
)
def test_simulated_experiment_verdict_through_the_cli(
    tmp_path: Path, scenario: str, seed: int, expected: set[str]
) -> None:
    """The smaller version of bench/advice_validity.py: simulate -> import -> verdict.

    The planted 2.5-point benefit of 50% more rest is found; the espresso (no effect)
    gets no helps/hurts claim. Every session of the experiment is used, in its arm."""
    out, db = tmp_path / "sim", tmp_path / "db.sqlite"
    res = runner.invoke(
        app,
        ["simulate", "--scenario", scenario, "--seed", str(seed), "--years", "0.3",
         "--out", str(out), "--quiet"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", str(db), "import", str(out), "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    truth = json.loads((out / "truth.json").read_text())
    (planted,) = [e for e in truth["effects"] if e["kind"] == "experiment"]
    res = runner.invoke(app, ["--db", str(db), "experiment", "show", planted["id"], "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["verdict"] in expected, doc
    arms = {x["date"]: x["arm"] for x in truth["sessions"] if x["arm"]}
    assert len(doc["sessions_a"]) + len(doc["sessions_b"]) == len(arms) >= 30
    if planted["size"]:
        lo, hi = doc["interval_90"]
        assert lo <= planted["size"] <= hi and hi < 0


def test_continuous_runs_are_not_judged_by_reps(
    nemesis_db: tuple[Path, dict[str, Any], date],
) -> None:
    """A planned easy or long run is one work step, not one rep that was 'cut'."""
    from deliberun.services import practice as svc

    db_path, _truth, today = nemesis_db
    sessions = svc.build_sessions(Database(db_path), today=today)
    steady = [s for s in sessions if s.workout_type in ("easy", "long")]
    assert len(steady) >= 10
    assert all(s.reps_planned is None for s in steady)
    # a progression run is two steps (easy, then faster), both run
    continuous = steady + [s for s in sessions if s.workout_type == "progression"]
    assert not any(r.startswith("reps cut") for s in continuous for r in s.failure_reasons())
    intervals = [s for s in sessions if s.workout_type == "intervals"]
    assert intervals and all(s.reps_planned == 6 for s in intervals)


def test_a_race_is_a_race_wherever_it_is_known() -> None:
    """Practice sessions call a run a race exactly when the athlete models do."""
    from types import SimpleNamespace

    from deliberun.services.athlete import is_race
    from deliberun.services.practice_sessions import _classify

    def row(name: str, extra: dict[str, Any] | None = None, sub_sport: str | None = None) -> Any:
        return SimpleNamespace(name=name, extra=extra or {}, sub_sport=sub_sport, reps_info=None,
                               distance_m=10000.0, moving_time_s=2400.0)  # fmt: skip

    cases = {
        "Berlin Marathon": (row("Berlin Marathon", {"workout_type": "race"}), "race"),
        # words alone never make a race (models/races.py: the effort must agree)
        "club competition": (row("Club competition 10k"), "easy"),
        "sub-sport race": (row("Sunday", sub_sport="race"), "race"),
        "trace is not race": (row("Trace the canal"), "easy"),
        "grace hill": (row("Grace hill loop"), "hills"),
    }
    for what, (r, expected) in cases.items():
        assert _classify(r) == expected, what
        assert (expected == "race") == is_race(r), what
