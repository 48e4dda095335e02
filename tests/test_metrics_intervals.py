"""Work intervals detected from the streams: generated workouts with known structure,
and real files whose laps (pressed or programmed on the watch) are the oracle."""

from __future__ import annotations

import numpy as np
import pytest

from deliberun.io.activity import Lap
from deliberun.metrics.cleaning import clean_streams
from deliberun.metrics.grade import get_gap, grade_from_altitude
from deliberun.metrics.intervals import detect_intervals, fmt_duration, lap_table, otsu_threshold
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


def test_fmt_duration():
    assert fmt_duration(178.4) == "2:58"
    assert fmt_duration(3725) == "1:02:05"


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
