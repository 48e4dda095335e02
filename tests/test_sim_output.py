"""A written simulation: determinism, the truth schema, the runner's files, and the round trip."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from deliberun.sim.output import STRAVA_COLUMNS, write_simulation
from deliberun.sim.scenarios import CAUSES, EFFECT_KINDS, SCENARIOS
from deliberun.sim.simulation import Simulation
from deliberun.sim.workouts import WORKOUT_TYPES


def _write(tmp: Path, scenario: str, seed: int, years: float | None = None) -> Path:
    out = tmp / f"{scenario}-{seed}"
    write_simulation(Simulation(scenario, seed, years=years), out)
    return out


@pytest.fixture(scope="module")
def marathon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("sim"), "marathon", 11)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", "marathon", 5, years=0.1)
    b = _write(tmp_path / "b", "marathon", 5, years=0.1)
    c = _write(tmp_path / "c", "marathon", 6, years=0.1)
    da, db_, dc = _digest(a), _digest(b), _digest(c)
    assert len(da) > 20
    assert da == db_
    assert da["truth.json"] != dc["truth.json"]
    assert sum(da[k] != dc.get(k) for k in da) > 10


def test_truth_schema(marathon: Path) -> None:
    truth = json.loads((marathon / "truth.json").read_text())
    assert {"profile", "fitness", "effects", "sessions", "scenario", "seed"} <= set(truth)
    assert truth["scenario"] == "marathon" and truth["seed"] == 11
    days = sorted(truth["fitness"])
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    assert len(days) == (last - first).days + 1  # one value per day
    assert all(30 < v < 70 for v in truth["fitness"].values())
    assert truth["effects"]
    for eff in truth["effects"]:
        assert eff["kind"] in EFFECT_KINDS
        assert eff["cause"] in CAUSES
        assert eff["workout_type"] in WORKOUT_TYPES
        assert isinstance(eff["size"], float) and isinstance(eff["beneficial"], bool)
    for s in truth["sessions"]:
        assert s["workout_type"] in WORKOUT_TYPES
        assert (marathon / s["file"]).is_file()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_plants_its_effects(name: str) -> None:
    sim = Simulation(name, 1, years=0.3 if name != "marathon" else None)
    sessions = list(sim.sessions())
    truth = sim.truth()
    assert len(sessions) > 30
    kinds = {e["kind"] for e in truth["effects"]}
    expected = {
        "marathon": {"nemesis", "target"},
        "nemesis_fatigue": {"nemesis"},
        "rest_experiment": {"experiment"},
        "null_experiment": {"experiment"},
        "cadence_drills": {"target"},
        "illness": {"illness"},
        "nemesis_no_cause": {"nemesis"},
        "layoff_before_change": {"experiment"},
        "weekday_confounded_alternating": {"confounder", "experiment"},
        "seasonal_heat_null": {"nemesis"},
    }[name]
    assert expected <= kinds
    if name == "null_experiment":
        assert truth["effects"][0]["size"] == 0.0 and truth["effects"][0]["cause"] == "none"


def test_marathon_has_every_workout_type(marathon: Path) -> None:
    truth = json.loads((marathon / "truth.json").read_text())
    types = {s["workout_type"] for s in truth["sessions"]}
    assert types == set(WORKOUT_TYPES)
    races = [s for s in truth["sessions"] if s["workout_type"] == "race"]
    assert [round(s["distance_m"] / 1000) for s in races] == [21, 42]


def test_strava_layout(marathon: Path) -> None:
    with open(marathon / "activities.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == STRAVA_COLUMNS
    truth = json.loads((marathon / "truth.json").read_text())
    assert len(rows) - 1 == len(truth["sessions"])
    fn = STRAVA_COLUMNS.index("Filename")
    files = {r[fn] for r in rows[1:]}
    assert files == {s["file"] for s in truth["sessions"]}
    suffixes = {f.split(".", 1)[1] for f in files}
    assert suffixes == {"fit.gz", "gpx", "tcx"}
    row = rows[1]
    assert float(row[6]) == pytest.approx(truth["sessions"][0]["distance_m"] / 1000, abs=0.006)
    assert int(row[5]) == round(truth["sessions"][0]["duration_s"])


def test_journal_and_plan_files(marathon: Path) -> None:
    journal = yaml.safe_load((marathon / "deliberun-journal.yaml").read_text())
    assert journal["version"] == 1
    assert {"sex", "hr_max_bpm", "hr_rest_bpm", "units"} <= set(journal["athlete"])
    entries = journal["journal"]
    assert all(isinstance(e["date"], date) for e in entries)
    with_rpe = [e for e in entries if "rpe" in e]
    assert with_rpe and all(1 <= e["rpe"] <= 10 and 1 <= e["feel"] <= 5 for e in with_rpe)
    assert any("details" in e for e in entries)
    (cycle,) = journal["cycles"]
    assert cycle["goal_race"]["distance_m"] == 42195
    assert {t["kind"] for t in cycle["targets"]} == {"threshold_pace", "interval_execution"}
    plan = yaml.safe_load((marathon / "plan.yaml").read_text())
    assert isinstance(plan, list) and len(plan) == len(with_rpe)
    assert all(set(p) == {"date", "workout_type", "text"} for p in plan)
    assert any("@I" in p["text"] for p in plan)


def test_experiment_in_journal(tmp_path: Path) -> None:
    out = _write(tmp_path, "rest_experiment", 2, years=0.3)
    journal = yaml.safe_load((out / "deliberun-journal.yaml").read_text())
    (exp,) = journal["experiments"]
    assert exp["assignment"] == "alternating" and exp["metric"] == "last_rep_fade_pct"
    plan = yaml.safe_load((out / "plan.yaml").read_text())
    texts = {p["date"]: p["text"] for p in plan if p["workout_type"] == "intervals"}
    # every interval session is tagged with its arm: a = 60 s jog, b = 90 s jog
    arms = {
        e["date"]: t
        for e in journal["journal"]
        for t in e.get("tags", [])
        if t.startswith("rest-longer:")
    }
    assert set(arms) == set(texts) and len(arms) >= 16
    assert all(("w/ 60s jog" if arms[d].endswith(":a") else "w/ 90s jog") in texts[d] for d in arms)
    # each pair of sessions holds one of each arm, in random order (not by weekday)
    seq = [arms[d][-1] for d in sorted(arms)]
    assert all({seq[i], seq[i + 1]} == {"a", "b"} for i in range(0, len(seq) - 1, 2))
    tuesdays = {arms[d][-1] for d in arms if d.weekday() == 1}
    assert tuesdays == {"a", "b"}


def test_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty"):
        write_simulation(Simulation("marathon", 1, years=0.1), tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_round_trip_through_the_readers(marathon: Path) -> None:
    import deliberun.io as io

    read_bytes = io.read_bytes
    truth = json.loads((marathon / "truth.json").read_text())
    by_format: dict[str, int] = {}
    for s in truth["sessions"]:
        fmt = s["format"]
        if by_format.get(fmt, 0) >= 4:
            continue
        by_format[fmt] = by_format.get(fmt, 0) + 1
        act = read_bytes((marathon / s["file"]).read_bytes(), s["file"])
        st = act.streams
        assert act.sport == "running"
        assert act.start_time.isoformat() == s["start_time"]
        assert st["time"][-1] == pytest.approx(s["duration_s"], abs=0.5)
        assert np.nanmean(st["heart_rate"]) == pytest.approx(s["avg_hr_bpm"], abs=0.2)
        if fmt == "gpx":  # distance from noisy positions, GPS spikes (steps > 20 m) left out
            xy = np.vstack([st["latitude"], st["longitude"] * np.cos(np.radians(46.2))]) * 111_195.0
            steps = np.hypot(*np.diff(xy, axis=1))
            dist = np.nansum(steps[steps < 20.0])
            assert dist == pytest.approx(s["distance_m"], rel=0.02)
        else:
            assert st["distance"][-1] == pytest.approx(s["distance_m"], abs=0.1)
            assert len(act.laps) == s["n_laps"]
        cad = st["cadence"][st["cadence"] > 0]
        expected = 0.5 if s["device"] == "odd" else 1.0
        assert np.mean(cad) == pytest.approx(expected * 170, rel=0.1)
    assert set(by_format) == {"fit", "gpx", "tcx"}


def test_other_areas_read_the_runner_files(marathon: Path) -> None:
    """The practice area's journal parser and the plan area's YAML reader accept our files."""
    import deliberun.plan.yaml_io as yaml_io
    import deliberun.practice.journal_file as journal_file

    jf = journal_file.parse_journal_file((marathon / "deliberun-journal.yaml").read_text())
    truth = json.loads((marathon / "truth.json").read_text())
    assert len(jf.journal) >= len(truth["sessions"])
    plan = yaml_io.plan_from_yaml((marathon / "plan.yaml").read_text())
    assert len(plan.days) == len(truth["sessions"])
    assert {d.workout_type for d in plan.days} == {s["workout_type"] for s in truth["sessions"]}


def test_too_short_for_the_scenario() -> None:
    with pytest.raises(ValueError, match="needs at least 9 weeks; use --years 0.18"):
        Simulation("illness", 1, years=0.1)
    with pytest.raises(ValueError, match="unknown scenario"):
        Simulation("nope", 1)
