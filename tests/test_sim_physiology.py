"""Plausibility of the simulated runner, and the planted effects seen in the generated data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from deliberun.sim import daniels
from deliberun.sim import physiology as phys
from deliberun.sim.simulation import SimSession, Simulation


@pytest.fixture(scope="module")
def marathon() -> list[SimSession]:
    return list(Simulation("marathon", 4).sessions())


def _lap_speed(s: SimSession, lap) -> float:  # noqa: ANN001
    t = s.track
    d0 = t.distance[lap.start - 1] if lap.start else 0.0
    return float((t.distance[lap.end - 1] - d0) / (lap.end - lap.start))


def _rep_speeds(s: SimSession) -> list[float]:
    return [_lap_speed(s, s.track.laps[i]) for i in s.truth["rep_laps"]]


def fade_pct(s: SimSession) -> float:
    """Last rep's speed loss vs the mean of the first half of the reps [%]."""
    v = _rep_speeds(s)
    return 100.0 * (1.0 - v[-1] / float(np.mean(v[: len(v) // 2])))


def test_daniels_helper_matches_reference(reference_dir: Path) -> None:
    ref = json.loads((reference_dir / "vdot.json").read_text())
    for vdot, rows in ref["race_equivalence_s"].items():
        for dist, secs in rows.items():
            # the equations solve a few seconds off the book's rows (vdot.json tolerance_note)
            assert daniels.race_time(float(vdot), float(dist)) == pytest.approx(
                secs, abs=float(dist) / 1000 * 1.5 + 2
            )
    assert daniels.vdot_from_race(5000, 1200) == pytest.approx(49.81, abs=0.01)


def test_paces_ordered_by_workout_type(marathon: list[SimSession]) -> None:
    """Easy slower than M, M than T, T than I, I than R (s/km), measured from laps."""
    pace: dict[str, list[float]] = {"E": [], "M": [], "T": [], "I": [], "R": []}
    for s in marathon:
        if s.workout_type == "easy":
            pace["E"].append(1000 * s.track.time[-1] / s.track.distance[-1])
        key = {"mp_long": "M", "tempo": "T", "intervals": "I", "strides": "R"}.get(s.workout_type)
        if key:
            pace[key] += [1000 / v for v in _rep_speeds(s)]
    med = {k: float(np.median(v)) for k, v in pace.items()}
    assert med["E"] > med["M"] > med["T"] > med["I"] > med["R"]
    assert 270 < med["E"] < 380 and 200 < med["R"] < 260  # VDOT ~47: E ~5:20, R ~3:50 /km


def test_heart_rate_lags_pace(marathon: list[SimSession]) -> None:
    s = next(x for x in marathon if x.workout_type == "intervals")
    sp = s.track.speed - s.track.speed.mean()
    hr = s.track.heart_rate - s.track.heart_rate.mean()
    lags = np.arange(0, 90)
    corr = [np.corrcoef(sp[: len(sp) - k], hr[k:])[0, 1] for k in lags]
    best = int(lags[int(np.argmax(corr))])
    assert 10 <= best <= 60  # tau_on 30 s, tau_off 60 s
    # HR is still rising 20 s into a rep
    rep = s.track.laps[s.truth["rep_laps"][0]]
    assert s.track.heart_rate[rep.start + 60] > s.track.heart_rate[rep.start + 20]


def test_drift_grows_with_duration_and_heat() -> None:
    assert phys.drift_bpm(np.array([7200.0]), 10)[0] > phys.drift_bpm(np.array([3600.0]), 10)[0]
    assert phys.drift_bpm(np.array([3600.0]), 28)[0] > 2 * phys.drift_bpm(np.array([3600.0]), 10)[0]


def test_drift_visible_in_long_runs(marathon: list[SimSession]) -> None:
    """HR per unit speed rises from the first to the second half, more in long runs."""

    def decoupling(s: SimSession) -> float:
        t = s.track
        moving = t.speed > 1.5
        half = len(t.time) // 2
        ef = [np.mean(t.speed[a:b][moving[a:b]]) / np.mean(t.heart_rate[a:b][moving[a:b]])
              for a, b in ((300, half), (half, len(t.time)))]  # fmt: skip
        return 100 * (ef[0] / ef[1] - 1)

    longs = [
        decoupling(s) for s in marathon if s.workout_type == "long" and s.track.time[-1] > 5400
    ]
    easies = [
        decoupling(s) for s in marathon if s.workout_type == "easy" and s.track.time[-1] < 3600
    ]
    assert len(longs) >= 3 and len(easies) >= 5
    assert np.median(longs) > np.median(easies) > 0


def test_cadence_rises_with_speed(marathon: list[SimSession]) -> None:
    s = next(x for x in marathon if x.workout_type == "strides" and x.track.device == "garmin")
    moving = s.track.speed > 1.0
    slope = np.polyfit(s.track.speed[moving], s.track.cadence[moving], 1)[0]
    assert 4 < slope < 14  # steps/min per m/s


def test_stops_and_gps_spikes_happen(marathon: list[SimSession]) -> None:
    stopped = [s for s in marathon if np.any(s.track.speed[60:-60] == 0.0)]
    assert len(stopped) > 10
    jumps = [s for s in marathon
             if np.nanmax(np.abs(np.diff(s.track.latitude))) * 111_195 > 30]  # fmt: skip
    assert jumps


def test_fitness_follows_load() -> None:
    sim = Simulation("illness", 2)
    sessions = list(sim.sessions())
    fit = sim.truth()["fitness"]
    values = list(fit.values())
    sick = 35
    assert min(values[sick : sick + 14]) < values[sick - 1] - 1.0  # the illness dip
    assert values[-1] > min(values[sick : sick + 14])  # and recovery
    ill = [s for s in sessions if 39 <= (s.local_date - sim.start).days < 46]
    assert ill and all("high" in e.get("notes", "") for e in sim.journal if e.get("rpe") and
                       39 <= (e["date"] - sim.start).days < 46)  # fmt: skip


def test_nemesis_fade_visible_after_hard_days() -> None:
    sim = Simulation("nemesis_fatigue", 8)
    by: dict[bool, list[float]] = {True: [], False: []}
    for s in sim.sessions():
        if s.workout_type == "intervals":
            by[s.truth["hard_before"]].append(fade_pct(s))
    assert len(by[True]) >= 8 and len(by[False]) >= 8
    diff = np.mean(by[True]) - np.mean(by[False])
    se = np.sqrt(np.var(by[True]) / len(by[True]) + np.var(by[False]) / len(by[False]))
    size = sim.truth()["effects"][0]["size"]
    assert diff == pytest.approx(size, abs=2.0)
    assert diff / se > 3  # detectable with this many sessions


def test_rest_experiment_effect_and_null() -> None:
    for name in ("rest_experiment", "null_experiment"):
        sim = Simulation(name, 10)
        by: dict[str, list[float]] = {"baseline": [], "change": []}
        for s in sim.sessions():
            if s.workout_type == "intervals":
                by[s.truth["arm"]].append(fade_pct(s))
        size = sim.truth()["effects"][0]["size"]
        diff = np.mean(by["change"]) - np.mean(by["baseline"])
        se = np.sqrt(sum(np.var(v) / len(v) for v in by.values()))
        assert min(len(v) for v in by.values()) >= 10
        assert abs(diff - size) < 3 * se, name  # the planted size, within sampling error
        if size:
            assert diff / se < -2.5  # a real 2.5-point benefit is detectable here


def test_cadence_target_improves() -> None:
    sim = Simulation("cadence_drills", 3)
    early, late = [], []
    for s in sim.sessions():
        if s.workout_type == "easy":  # Track.cadence is steps/min on every device
            c = float(np.mean(s.track.cadence[s.track.speed > 1.0]))
            v = float(np.mean(s.track.speed[s.track.speed > 1.0]))
            adj = c - phys.CADENCE["spm_per_m_per_s"] * (v - 3.0)
            (early if (s.local_date - sim.start).days < 14 else late).append(adj)
    late = late[-6:]
    gain = sim.truth()["effects"][0]["size"]
    assert np.mean(late) - np.mean(early) == pytest.approx(gain, abs=1.5)
