"""Work intervals detected from the streams: generated workouts with known structure,
and real files whose laps (pressed or programmed on the watch) are the oracle."""

from __future__ import annotations

import numpy as np
import pytest

from deliberun.io.activity import Lap
from deliberun.metrics.cleaning import clean_streams
from deliberun.metrics.grade import get_gap, grade_from_altitude
from deliberun.metrics.intervals import (
    detect_intervals,
    lap_table,
    otsu_threshold,
    work_laps,
)
from deliberun.metrics.synthetic import synthetic_run, workout_segments


def _detect(activity):
    cs = clean_streams(activity.streams["time"], activity.streams, sport="running")
    gap = get_gap(cs.speed, grade_from_altitude(cs.distance, cs.altitude))
    return detect_intervals(
        cs.time, cs.distance, cs.speed, gap_speed=gap, heart_rate=cs.heart_rate, moving=cs.moving
    )


CASES = [
    # (segments, expected rep count, rep distance or None, summary start)
    (workout_segments(6, 800, 4.5), 6, 800, "6 × 800 m in "),
    (workout_segments(10, 400, 5.0, recovery=("time", 90, 0.0)), 10, 400, "10 × 400 m in "),
    (workout_segments(8, 200, 5.5, recovery=("distance", 200, 2.5)), 8, 200, "8 × 200 m in "),
    (workout_segments(4, 1609.344, 4.3, recovery=("time", 120, 1.2)), 4, 1609.344, "4 × 1 mi in "),
    (workout_segments(3, 3000, 4.0, recovery=("time", 120, 2.4)), 3, 3000, "3 × 3 km in "),
    (workout_segments(6, 180 * 4.4, 4.4, recovery=("time", 120, 2.5)), 6, None, "6 × 3:00 at "),
]


@pytest.mark.parametrize(("segments", "count", "rep_m", "start"), CASES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_workouts(segments, count, rep_m, start, seed):
    result = _detect(synthetic_run(segments, seed=seed))
    assert result["summary"].startswith(start), result["summary"]
    reps = result["reps"]
    assert len(reps) == count
    if rep_m is not None:
        # edges are found to within a second: <= 2.5 % of a 200 m rep, less on longer ones
        for rep in reps:
            assert rep["distance_m"] == pytest.approx(rep_m, rel=0.025)
    assert reps[-1]["recovery_s"] is None
    assert all(r["recovery_s"] > 0 for r in reps[:-1])
    assert all(r["avg_hr_bpm"] is not None and r["max_hr_bpm"] >= r["avg_hr_bpm"] for r in reps)


def test_rep_pace_and_recovery_values():
    segs = workout_segments(6, 800, 4.5, recovery=("distance", 400, 2.4))
    result = _detect(synthetic_run(segs, seed=4, noise=0.02))
    for rep in result["reps"]:
        assert rep["speed_m_per_s"] == pytest.approx(4.5, rel=0.03)
        assert rep["gap_speed_m_per_s"] == pytest.approx(rep["speed_m_per_s"])  # flat
    for rep in result["reps"][:-1]:
        assert rep["recovery_distance_m"] == pytest.approx(400, rel=0.05)
        assert rep["recovery_s"] == pytest.approx(400 / 2.4, rel=0.05)
    assert result["summary"].endswith("400 m jog recoveries")


def test_noisy_gps_still_finds_reps():
    result = _detect(synthetic_run(workout_segments(6, 800, 4.5), seed=7, noise=0.08))
    assert len(result["reps"]) == 6


def test_pyramid_lists_each_rep():
    segs = [("distance", 2000, 3.0)]
    for i, dist in enumerate([400, 800, 1200, 800, 400]):
        segs.append(("distance", dist, 4.7))
        if i < 4:
            segs.append(("time", 90, 2.3))
    segs.append(("distance", 1500, 3.0))
    result = _detect(synthetic_run(segs, seed=2))
    assert result["summary"] == "5 reps: 400 m, 800 m, 1200 m, 800 m, 400 m, 90 s jog recoveries"


@pytest.mark.parametrize(
    "segments",
    [
        [("time", 3600, 3.0)],  # steady easy run
        [("time", 1200, 2.9), ("time", 1200, 3.2), ("time", 1200, 3.5)],  # progression
        [("distance", 3000, 3.4), ("time", 1200, 4.0), ("distance", 2000, 3.0)],  # one tempo
        [("time", 60, 3.0)],  # too short
    ],
)
def test_no_structure_no_reps(segments):
    result = _detect(synthetic_run(segments, seed=1))
    assert result["reps"] == []
    assert result["summary"] == ""


def test_otsu_threshold_bimodal():
    x = np.r_[np.full(500, 2.0), np.full(500, 5.0)]
    thr, eta = otsu_threshold(x)
    assert 2.0 < thr <= 5.0
    assert eta > 0.95
    assert otsu_threshold(np.full(10, 3.0))[1] == 0.0


def test_lap_table_from_file_laps_and_streams():
    act = synthetic_run([("time", 600, 3.0)], seed=0)
    cs = clean_streams(act.streams["time"], act.streams)
    laps = [Lap(start_s=0.0, elapsed_time_s=300.0, distance_m=900.0, avg_hr_bpm=140.0),
            Lap(start_s=300.0, elapsed_time_s=300.0)]  # fmt: skip
    rows = lap_table(laps, cs.time, cs.distance, cs.speed, heart_rate=cs.heart_rate)
    assert rows[0]["distance_m"] == 900.0  # the file's value wins
    assert rows[0]["pace_s_per_km"] == pytest.approx(300 / 0.9)
    assert rows[0]["avg_hr_bpm"] == 140.0
    assert rows[1]["distance_m"] == pytest.approx(900.0, rel=0.05)  # from the streams
    assert rows[1]["avg_hr_bpm"] is not None


def _work_lap_groups(laps):
    """Consecutive laps faster than 1.3 x the median lap speed, merged: the oracle."""
    speed = np.array([(lap.distance_m or 0) / (lap.timer_time_s or 1) for lap in laps])
    fast = speed >= 1.3 * np.median(speed)
    groups, cur = [], None
    for lap, f in zip(laps, fast, strict=True):
        if f and lap.distance_m:
            if cur is None:
                cur = [lap.start_s, 0.0]
                groups.append(cur)
            cur[1] += lap.distance_m
        else:
            cur = None
    return groups


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "n_groups"),
    [("15907300245.fit.gz", 10), ("14068757097.fit.gz", 6)],  # 10 x 400 m; a 1500-300 m ladder
)
def test_real_interval_sessions_match_their_laps(real_dir, name, n_groups):
    from deliberun.io import read_bytes

    path = real_dir / "strava_export" / "slalom007" / "activities" / name
    act = read_bytes(path.read_bytes(), name)
    groups = _work_lap_groups(act.laps)
    assert len(groups) == n_groups
    cs = clean_streams(act.streams["time"], act.streams, sport="running", pauses=act.pauses)
    result = detect_intervals(cs.time, cs.distance, cs.speed, heart_rate=cs.heart_rate,
                              moving=cs.moving)  # fmt: skip
    starts = np.array([r["start_s"] for r in result["reps"]])
    for start, dist in groups:
        i = int(np.argmin(np.abs(starts - start)))
        # lap button presses and our edges differ by a few seconds
        assert abs(starts[i] - start) <= 10
        assert result["reps"][i]["distance_m"] == pytest.approx(dist, rel=0.05)
    if name.startswith("15907300245"):
        assert result["summary"].startswith("10 × 400 m in ")


# --- reps run straight on from the warm-up and into the cool-down ------------------------


def _run_on(reps, rep_m, rep_v, recovery, warm_v, cool_v, warm_m=2500.0, cool_m=2000.0):
    """Warm-up at ``warm_v``, reps with no pause before the first or after the last."""
    segs = [("distance", warm_m, warm_v)]
    for i in range(reps):
        segs.append(("distance", rep_m, rep_v))
        if i + 1 < reps:
            segs.append(recovery)
    segs.append(("distance", cool_m, cool_v))
    return segs


RUN_ON_CASES = [
    # (reps, rep m, rep speed, recovery, warm-up speed, cool-down speed): brisk, not slow
    (6, 800, 4.5, ("distance", 400, 2.4), 3.6, 3.6),
    (6, 800, 4.5, ("distance", 400, 2.4), 3.9, 3.8),
    (5, 1000, 4.3, ("time", 150, 2.2), 3.4, 3.4),
    (3, 2000, 4.1, ("time", 120, 2.2), 3.4, 3.4),
    (4, 1609.344, 4.3, ("time", 120, 1.2), 3.5, 3.5),
    (8, 200, 5.6, ("distance", 200, 2.5), 3.6, 3.6),
    (10, 400, 5.0, ("time", 90, 0.0), 3.5, 3.5),
]


@pytest.mark.parametrize(("reps", "rep_m", "rep_v", "rec", "warm_v", "cool_v"), RUN_ON_CASES)
@pytest.mark.parametrize("seed", [1, 2])
def test_first_rep_runs_on_from_warmup_and_last_into_cooldown(
    reps, rep_m, rep_v, rec, warm_v, cool_v, seed
):
    act = synthetic_run(_run_on(reps, rep_m, rep_v, rec, warm_v, cool_v), seed=seed)
    result = _detect(act)
    found = result["reps"]
    assert len(found) == reps, result["summary"]
    for rep in found:
        assert rep["distance_m"] == pytest.approx(rep_m, rel=0.025)
    # the first rep starts where the warm-up ends (2500 m), the last ends where the
    # cool-down starts, to within 2 s
    t, d = act.streams["time"], act.streams["distance"]
    assert found[0]["start_s"] == pytest.approx(np.interp(2500.0, d, t), abs=2.0)
    assert found[-1]["end_s"] == pytest.approx(np.interp(d[-1] - 2000.0, d, t), abs=2.0)
    assert found[0]["speed_m_per_s"] == pytest.approx(rep_v, rel=0.04)


def test_kick_at_the_end_of_a_rep_stays_in_the_rep():
    segs = [("distance", 2000, 3.0)]
    for i in range(5):
        segs += [("distance", 900, 4.4), ("distance", 100, 5.6)]  # 1000 m with a kick
        if i < 4:
            segs.append(("time", 120, 0.0))
    segs.append(("distance", 1500, 3.0))
    result = _detect(synthetic_run(segs, seed=3))
    assert len(result["reps"]) == 5
    for rep in result["reps"]:
        assert rep["distance_m"] == pytest.approx(1000, rel=0.02)


def test_steady_run_with_traffic_stops_has_no_reps():
    segs = []
    for i, minutes in enumerate([9, 4, 12, 6, 15, 7]):
        segs.append(("time", minutes * 60, 3.0))
        if i < 5:
            segs.append(("time", 30 + 10 * i, 0.0))  # waiting at a light
    result = _detect(synthetic_run(segs, seed=5))
    assert result["reps"] == []


# --- the file's laps --------------------------------------------------------------------


def _laps_of(act, segs, kinds):
    """One Lap per segment, with its exact time span and distance, and intensity ``kinds``."""
    t, d = act.streams["time"], act.streams["distance"]
    laps, t0, d0 = [], 0.0, 0.0
    for (kind, amount, _), intensity in zip(segs, kinds, strict=True):
        d1 = d0 + amount if kind == "distance" else float(np.interp(t0 + amount, t, d))
        t1 = float(np.interp(d1, d, t)) if kind == "distance" else t0 + amount
        laps.append(Lap(start_s=t0, elapsed_time_s=t1 - t0, timer_time_s=t1 - t0,
                        distance_m=d1 - d0, intensity=intensity))  # fmt: skip
        t0, d0 = t1, d1
    return laps


def _detect_with_laps(act, laps):
    cs = clean_streams(act.streams["time"], act.streams, sport="running")
    gap = get_gap(cs.speed, grade_from_altitude(cs.distance, cs.altitude))
    return detect_intervals(cs.time, cs.distance, cs.speed, gap_speed=gap,
                            heart_rate=cs.heart_rate, moving=cs.moving, laps=laps)  # fmt: skip


def test_reps_follow_laps_marked_active_and_rest():
    segs = workout_segments(6, 800, 4.5, recovery=("time", 120, 2.0))
    act = synthetic_run(segs, seed=2)
    kinds = ["warmup"] + ["active", "rest"] * 5 + ["active", "cooldown"]
    laps = _laps_of(act, segs, kinds)
    result = _detect_with_laps(act, laps)
    assert result["source"] == "laps"
    work = [lap for lap in laps if lap.intensity == "active"]
    assert len(result["reps"]) == 6
    for rep, lap in zip(result["reps"], work, strict=True):
        assert rep["start_s"] == pytest.approx(lap.start_s, abs=1e-6)
        assert rep["end_s"] == pytest.approx(lap.start_s + lap.elapsed_time_s, abs=1e-6)
        assert rep["distance_m"] == pytest.approx(800.0)  # the lap's own distance
        assert rep["speed_m_per_s"] == pytest.approx(4.5, rel=0.03)
    assert result["reps"][0]["recovery_s"] == pytest.approx(120, abs=1.0)
    assert result["summary"].startswith("6 × 800 m in ")


def test_strides_after_an_easy_run_marked_active():
    # a watch workout: 5 km easy as 1 km "active" auto-laps, then 8 x 20 s strides
    segs = [("distance", 1000, v) for v in (2.8, 3.1, 2.7, 3.2, 2.9)]
    for _ in range(8):
        segs.append(("time", 20, 5.2))
        segs.append(("time", 60, 2.1))
    act = synthetic_run(segs, seed=1)
    laps = _laps_of(act, segs, ["active"] * 5 + ["active", "rest"] * 8)
    result = _detect_with_laps(act, laps)
    assert result["source"] == "laps"
    assert len(result["reps"]) == 8
    assert all(r["duration_s"] == pytest.approx(20, abs=1e-6) for r in result["reps"])


def test_manual_laps_of_a_repeated_distance_mark_the_reps():
    segs = workout_segments(8, 400, 5.0, recovery=("time", 90, 1.5))
    act = synthetic_run(segs, seed=3)
    laps = _laps_of(act, segs, [None] * len(segs))  # no intensity: lap lengths decide
    result = _detect_with_laps(act, laps)
    assert result["source"] == "laps"
    assert [r["distance_m"] for r in result["reps"]] == pytest.approx([400.0] * 8)


def test_auto_laps_of_a_hilly_steady_run_are_not_reps():
    speeds = [2.9, 2.5, 3.0, 2.45, 3.05, 2.5, 2.95, 2.55]  # +-15 % up and down hills
    segs = [("distance", 1000, v) for v in speeds]
    laps = _laps_of(synthetic_run(segs, seed=1), segs, ["active"] * len(segs))
    assert work_laps(laps) == []
    uniform = _laps_of(synthetic_run(segs, seed=1), segs, ["interval"] * len(segs))
    assert work_laps(uniform) == []  # one intensity on every lap marks nothing


def test_laps_split_by_an_auto_lap_form_one_rep():
    laps = [
        Lap(0, 600, 600, 2000, intensity="warmup"),
        Lap(600, 230, 230, 1000, intensity="active"),  # a 1500 m rep: auto-lap at 1 km
        Lap(830, 115, 115, 500, intensity="active"),
        Lap(945, 120, 120, 200, intensity="rest"),
        Lap(1065, 345, 345, 1500, intensity="active"),
        Lap(1410, 500, 500, 1500, intensity="cooldown"),
    ]
    assert work_laps(laps) == [[1, 2], [4]]


# --- the simulator's interval sessions: reps counted = reps planted -----------------------


@pytest.fixture(scope="module")
def simulated_half_year():
    """Interval-type sessions of half a simulated year: (truth, Activity) pairs."""
    from deliberun.io import read_bytes
    from deliberun.sim.output import encode
    from deliberun.sim.simulation import Simulation

    out = []
    for scenario in ("nemesis_fatigue", "marathon"):
        for session in Simulation(scenario, 1, years=0.5).sessions():
            if session.workout_type in ("intervals", "cruise_intervals", "hills", "strides"):
                suffix, data = encode(session)
                out.append((scenario, session.truth, read_bytes(data, f"x{suffix}")))
    return out


def _planted(text):
    """Rep count from the plan text, e.g. '2.5km E + 6x800m @I w/ 120s jog + 2km E' -> 6."""
    import re

    m = re.search(r"(\d+)x", text)
    return int(m.group(1)) if m else 0


@pytest.mark.slow
def test_simulated_interval_sessions_from_streams(simulated_half_year):
    from deliberun.athlete import AthleteSettings
    from deliberun.metrics import compute_all

    settings = AthleteSettings(sex="female", hr_max_bpm=186, hr_rest_bpm=48)
    sessions = [(s, t, a) for s, t, a in simulated_half_year
                if t["workout_type"] in ("intervals", "cruise_intervals")]  # fmt: skip
    assert len(sessions) >= 30
    hits = 0
    for _, truth, act in sessions:
        assert _planted(truth["text"]) == truth["n_reps"]
        hits += len(compute_all(act, settings)["intervals"]["reps"]) == truth["n_reps"]
    assert hits >= 0.95 * len(sessions)


@pytest.mark.slow
def test_simulated_sessions_follow_their_laps(simulated_half_year):
    # hills and strides too: their laps mark the reps (streams alone miss short strides
    # and count the hilly warm-up's uphills)
    hits = 0
    for _, truth, act in simulated_half_year:
        cs = clean_streams(act.streams["time"], act.streams, sport="running", pauses=act.pauses)
        gap = get_gap(cs.speed, grade_from_altitude(cs.distance, cs.altitude))
        result = detect_intervals(cs.time, cs.distance, cs.speed, gap_speed=gap,
                                  moving=cs.moving, laps=act.laps)  # fmt: skip
        hits += len(result["reps"]) == _planted(truth["text"])
    assert hits >= 0.95 * len(simulated_half_year)


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "count", "rep_m"), [("15907300245.fit.gz", 10, 400), ("16009337485.fit.gz", 16, 200)]
)
def test_real_interval_sessions_follow_their_laps(real_dir, name, count, rep_m):
    from deliberun.io import read_bytes

    path = real_dir / "strava_export" / "slalom007" / "activities" / name
    act = read_bytes(path.read_bytes(), name)
    groups = work_laps(act.laps)  # manual lap presses; every lap says "interval"
    assert len(groups) == count
    cs = clean_streams(act.streams["time"], act.streams, sport="running", pauses=act.pauses)
    result = detect_intervals(cs.time, cs.distance, cs.speed, heart_rate=cs.heart_rate,
                              moving=cs.moving, laps=act.laps)  # fmt: skip
    assert result["source"] == "laps"
    assert len(result["reps"]) == count
    for rep, group in zip(result["reps"], groups, strict=True):
        assert rep["start_s"] == pytest.approx(act.laps[group[0]].start_s, abs=1.0)
        assert rep["distance_m"] == pytest.approx(rep_m, rel=0.12)  # first 400 m rep: 360 m
    assert result["summary"].startswith(f"{count} × {rep_m} m in ")


def test_walk_laps_marked_active_are_never_reps() -> None:
    """6 x 800 m with 210 m walk recoveries, and a walk home the watch marked active
    after the last recovery (a real Forerunner 255 session counted it as a 7th rep)."""
    import numpy as np

    from deliberun.io.activity import Lap
    from deliberun.metrics.intervals import detect_intervals

    plan = [(800.0, 4.4, "active"), (210.0, 1.4, "rest")] * 6 + [(400.0, 1.6, "active")]
    laps, speeds, t0 = [], [], 0.0
    for dist, v, kind in plan:
        dur = dist / v
        laps.append(Lap(start_s=t0, elapsed_time_s=dur, timer_time_s=dur, distance_m=dist,
                        intensity=kind))  # fmt: skip
        speeds += [v] * int(round(dur))
        t0 += dur
    v = np.array(speeds, dtype=float)
    t = np.arange(v.size, dtype=float)
    out = detect_intervals(t, np.cumsum(v), v, laps=laps)
    assert out["source"] == "laps"
    assert len(out["reps"]) == 6
    assert min(r["speed_m_per_s"] for r in out["reps"]) > 4.0
