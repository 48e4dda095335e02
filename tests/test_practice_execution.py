"""Work reps, grade-adjusted paces and per-step targets (practice.execution, Session)."""

from __future__ import annotations

from datetime import date

import pytest

from deliberun.practice.execution import best_sustained_pace, planned_work, work_reps
from deliberun.practice.session import Session
from deliberun.practice.targets import TARGET_KINDS


def _lap(pace: float, dur: float, intensity: str = "active", gap: float | None = None,
         trigger: str = "manual") -> dict:  # fmt: skip
    return {"pace_s_per_km": pace, "gap_pace_s_per_km": gap, "duration_s": dur,
            "intensity": intensity, "trigger": trigger}  # fmt: skip


ZONES = {"E": (310.0, 370.0), "M": (280.0, 286.0), "T": (268.0, 281.0), "I": (242.0, 252.0)}


def test_planned_work_expands_repeats_with_targets() -> None:
    steps = [
        {"kind": "warmup", "distance_m": 2500.0, "target": {"kind": "zone", "zone": "E"}},
        {"kind": "repeat", "reps": 3, "steps": [
            {"kind": "work", "distance_m": 800.0, "target": {"kind": "zone", "zone": "I"}},
            {"kind": "recovery", "duration_s": 150.0, "target": None}]},
        {"kind": "work", "distance_m": 1000.0,
         "target": {"kind": "pace", "pace_s_per_km": [250.0, 254.0]}},
    ]  # fmt: skip
    work = planned_work(steps)
    assert [w.zone for w in work] == ["I", "I", "I", None]
    assert [w.target(ZONES) for w in work] == [247.0, 247.0, 247.0, 252.0]


def test_tempo_in_tcx_laps_is_the_work_lap_not_the_warm_up() -> None:
    # TCX marks every lap Active: warm-up 2.5 km, 4 km at T, cool-down 2 km
    m = {"laps": [_lap(352, 880), _lap(269, 1075), _lap(346, 692)]}
    assert work_reps(m, 1).paces_s_per_km == [269]
    assert work_reps(m).paces_s_per_km == [269]  # without a plan: laps 15% slower dropped


def test_progression_is_judged_segment_by_segment() -> None:
    m = {"laps": [_lap(340, 1600), _lap(285, 1350), _lap(271, 1290)]}
    reps = work_reps(m, 2)
    assert reps.paces_s_per_km == [285, 271]
    s = Session(date(2026, 5, 1), workout_type="progression", rep_paces_s_per_km=reps.paces_s_per_km,
                rep_targets_s_per_km=[283.0, 274.5], target_pace_s_per_km=278.75)  # fmt: skip
    assert s.interval_execution() == 1.0 and not s.failed
    # against one mean target (the old way) both segments miss by more than 2%
    s.rep_targets_s_per_km = []
    assert s.interval_execution() == 0.0


def test_hill_reps_are_judged_on_grade_adjusted_pace() -> None:
    # uphill reps are slow on the watch but on effort (GAP) at I pace
    laps = [_lap(340, 1000, "warmup", 320)]
    for _ in range(5):
        laps += [_lap(300, 60, "active", 246), _lap(500, 90, "rest", 480)]
    reps = work_reps({"laps": laps}, 5)
    assert reps.raw_paces_s_per_km == [300] * 5 and reps.paces_s_per_km == [246] * 5
    assert reps.rests_s == [90] * 5
    s = Session(date(2026, 5, 1), workout_type="hills", rep_paces_s_per_km=reps.paces_s_per_km,
                target_pace_s_per_km=247.0, reps_planned=5, reps_done=5)  # fmt: skip
    assert not s.failed and s.pace_error_pct() == pytest.approx(-0.4, abs=0.01)


def test_detected_reps_use_gap_and_auto_laps_are_not_structure() -> None:
    m = {
        "laps": [_lap(300, 300, trigger="distance") for _ in range(5)],  # auto-lap per km
        "intervals": {"reps": [
            {"speed_m_per_s": 3.5, "gap_speed_m_per_s": 4.0, "recovery_s": 90.0},
            {"speed_m_per_s": 4.0, "gap_speed_m_per_s": None, "recovery_s": None},
        ]},
    }  # fmt: skip
    reps = work_reps(m)
    assert reps.source == "intervals" and reps.paces_s_per_km == [250.0, 250.0]
    assert reps.rests_s == [90.0]
    # one lap over the whole run is not structure either
    assert work_reps({"laps": [_lap(300, 3000), _lap(300, 5)]}).source == "none"


def test_threshold_pace_reads_work_segments_or_best_sustained_effort() -> None:
    from deliberun.practice.execution import Reps, sustained_threshold_pace

    value = TARGET_KINDS["threshold_pace"].value
    # 3 x 2.5 km tempo reps (10 min each) and a 15-s flying sprint: the reps count
    reps = Reps([236.0, 236.0, 237.0, 170.0], [], [], "intervals", [708.0, 708.0, 711.0, 15.0])
    pace = sustained_threshold_pace(reps, {})
    assert pace == pytest.approx(236.3, abs=0.1)
    tempo = Session(date(2026, 5, 1), workout_type="tempo", avg_pace_s_per_km=306.0,
                    rep_paces_s_per_km=[236.0, 236.0, 237.0, 170.0],
                    metrics={"threshold_pace_s_per_km": pace})  # fmt: skip
    assert value(tempo, {}) == pytest.approx(236.3, abs=0.1)  # not the whole-run 306
    # only reps under 10 min: never from them (the 20-60 min best, else nothing)
    short = Reps([200.0, 201.0], [], [], "intervals", [60.0, 60.0])
    assert sustained_threshold_pace(short, {}) is None
    mms = {"600": 3.9, "1200": 3.7, "2400": 3.4, "4000": 3.0}
    assert best_sustained_pace({"mean_max_speed": mms}) == pytest.approx(1000 / 3.7)
    bare = Session(date(2026, 5, 1), workout_type="tempo", avg_pace_s_per_km=306.0,
                   metrics={"threshold_pace_s_per_km": 1000 / 3.7})  # fmt: skip
    assert value(bare, {}) == pytest.approx(270.27, abs=0.01)
    assert (
        value(Session(date(2026, 5, 1), workout_type="tempo", avg_pace_s_per_km=306.0), {}) is None
    )
    assert best_sustained_pace({"mean_max_speed": {"600": 4.0}}) is None


def test_interval_execution_target_counts_paced_repeats_only() -> None:
    value = TARGET_KINDS["interval_execution"].value
    reps = {"rep_paces_s_per_km": [20.0, 21.0, 20.0], "target_pace_s_per_km": 225.0}
    assert value(Session(date(2026, 5, 1), workout_type="strides", **reps), {}) is None
    ok = Session(date(2026, 5, 1), workout_type="intervals", rep_paces_s_per_km=[246, 250, 258],
                 target_pace_s_per_km=247.0)  # fmt: skip
    assert value(ok, {}) == pytest.approx(2 / 3)


def _active_only(*blocks: tuple[float, float]) -> dict:
    """A watch that marks every lap active (the lap button pressed at every change)."""
    return {"laps": [_lap(p, d) for p, d in blocks]}


def test_laps_all_active_recoveries_are_the_slower_laps_between() -> None:
    from deliberun.practice.execution import clearly_a_workout

    # 2 x 1000 m + 2 x 400 m with 90 s jogs / standing rests, every lap "active"
    m = _active_only((340, 900), (222, 222), (700, 90), (220, 220), (900, 90),
                     (205, 82), (0, 90), (204, 82), (345, 600))  # fmt: skip
    reps = work_reps(m)
    assert reps.raw_paces_s_per_km == [222, 220, 205, 204]
    assert reps.rests_s == [90, 90, 90]
    assert clearly_a_workout(m, reps, 290.0)
    # the same reps with a last lap run on at a good clip: trimmed, not a rep
    m2 = _active_only((340, 900), (222, 222), (700, 90), (220, 220), (900, 90),
                      (221, 221), (225, 500))  # fmt: skip
    assert work_reps(m2).raw_paces_s_per_km == [222, 220, 221]


def test_easy_run_with_lap_presses_and_pace_noise_is_not_a_workout() -> None:
    from deliberun.practice.execution import clearly_a_workout

    # steady 5:20-5:40/km, the lap button pressed now and then: no slower laps between
    m = _active_only((330, 600), (322, 400), (335, 380), (326, 420), (338, 390), (324, 410))
    reps = work_reps(m)
    assert not clearly_a_workout(m, reps, 330.0)
    # reps of unrelated lengths (no two alike), even with recoveries, are not "clearly"
    m2 = _active_only((340, 600), (230, 60), (600, 90), (228, 300), (600, 90), (226, 700))
    assert not clearly_a_workout(m2, work_reps(m2), 300.0)


def _detected(*reps: tuple[float, float, float]) -> list[dict]:
    """Reps found in the speed stream: (pace [s/km], duration [s], recovery after [s])."""
    return [{"speed_m_per_s": 1000.0 / p, "duration_s": d, "recovery_s": r} for p, d, r in reps]


def test_auto_laps_hide_the_reps_the_stream_shows() -> None:
    from deliberun.practice.execution import unplanned_workout_reps

    # 1 km auto-laps over 6 x 1000 m with 150 s jogs: the laps say nothing, the stream does
    laps = [_lap(300 - 5 * k, 300, trigger="distance") for k in range(10)]
    reps = [(240 - 5 * k, 240 - 5 * k, 150) for k in range(6)]
    m = {"laps": laps, "intervals": {"reps": _detected(*reps)}}
    found = unplanned_workout_reps(m, 285.0)
    assert found is not None and found.source == "intervals"
    assert len(found.paces_s_per_km) == 6 and found.rests_s == [150] * 5
    # a jog the detector took for a rep is dropped and becomes part of the recovery
    m["intervals"] = {"reps": _detected(*reps[:3], (520, 300, 60), *reps[3:])}
    found = unplanned_workout_reps(m, 285.0)
    assert found is not None and len(found.paces_s_per_km) == 6
    assert found.rests_s[2] == 150 + 300 + 60


def test_strides_and_steady_pickups_are_not_interval_sessions() -> None:
    from deliberun.practice.execution import unplanned_workout_reps

    # 10 x 22 s strides with a minute of walking: strides, not reps (under 30 s)
    strides = {"laps": [], "intervals": {"reps": _detected(*[(175, 22, 60)] * 10)}}
    assert unplanned_workout_reps(strides, 320.0) is None
    # three 'reps' of a steady run at its own pace: not clearly faster than the run
    steady = {"laps": [], "intervals": {"reps": _detected(*[(318, 240, 40)] * 3)}}
    assert unplanned_workout_reps(steady, 325.0) is None


def test_a_ladder_is_a_workout_but_unrelated_lengths_are_not() -> None:
    from deliberun.practice.execution import unplanned_workout_reps

    ladder = [(238, 360, 90), (232, 300, 90), (231, 240, 90), (230, 180, 90), (222, 120, 90),
              (193, 60, 0)]  # fmt: skip
    found = unplanned_workout_reps({"intervals": {"reps": _detected(*ladder)}}, 306.0)
    assert found is not None and len(found.paces_s_per_km) == 6
    jumbled = [ladder[i] for i in (0, 3, 1, 5, 2, 4)]
    assert unplanned_workout_reps({"intervals": {"reps": _detected(*jumbled)}}, 306.0) is None


def _plan_5x1000() -> list:
    steps = [
        {"kind": "warmup", "distance_m": 2500.0, "target": {"kind": "zone", "zone": "E"}},
        {"kind": "repeat", "reps": 5, "steps": [
            {"kind": "work", "distance_m": 1000.0, "target": {"kind": "zone", "zone": "I"}},
            {"kind": "recovery", "duration_s": 90.0, "target": None}]},
        {"kind": "cooldown", "distance_m": 2000.0, "target": {"kind": "zone", "zone": "E"}},
    ]  # fmt: skip
    return planned_work(steps)


def _graded(reps, work: list) -> Session:  # type: ignore[no-untyped-def]
    """The session as ``services.practice_sessions`` builds it from the reps and the plan."""
    targets = [w.target(ZONES) for w in work]
    rep_targets = targets[: len(reps.paces_s_per_km)]
    return Session(date(2026, 5, 1), workout_type="intervals",
                   rep_paces_s_per_km=reps.paces_s_per_km,
                   rep_targets_s_per_km=rep_targets if len(rep_targets) == len(reps.paces_s_per_km) else [],
                   target_pace_s_per_km=sum(targets) / len(targets),
                   reps_planned=len(work), reps_done=len(reps.paces_s_per_km))  # fmt: skip


def test_a_hard_segment_after_the_planned_reps_is_not_a_rep() -> None:
    # 5 x 1000 m @I (target 247 s/km) found in the speed stream (a GPX file: no laps),
    # then a 400 m stretch of the cool-down the detector also took for a rep (262 s/km)
    work = _plan_5x1000()
    planned = [(247, 247, 90), (248, 248, 90), (246, 246, 90), (249, 249, 90), (250, 250, 120)]
    detected = _detected(*planned, (262, 105, 0))
    for r, (p, d, _) in zip(detected, [*planned, (262, 105, 0)], strict=True):
        r["distance_m"] = 1000.0 * d / p
    m = {"laps": [], "intervals": {"reps": detected}}
    reps = work_reps(m, 5, work, ZONES)
    assert reps.raw_paces_s_per_km == pytest.approx([247, 248, 246, 249, 250])
    assert reps.rests_s == [90, 90, 90, 90]
    s = _graded(reps, work)
    assert s.reps_done == 5 and s.failure_reasons() == []
    # the extra segment graded as a sixth rep made the session "fade 5.9%": a failure
    # the runner did not have (the old reading, and the reading without the plan)
    assert _graded(work_reps(m), work).failure_reasons() == ["last reps faded 5.9%"]
    # only the count known: the slower end is trimmed
    assert work_reps(m, 5).raw_paces_s_per_km == pytest.approx([247, 248, 246, 249, 250])
    # a fast 200 m pick-up in the cool-down: the plan's sizes tell it from the first rep
    detected[-1].update(speed_m_per_s=1000.0 / 220, duration_s=44.0, distance_m=200.0)
    reps = work_reps(m, 5, work, ZONES)
    assert reps.raw_paces_s_per_km == pytest.approx([247, 248, 246, 249, 250])
    assert _graded(reps, work).failure_reasons() == []


def test_a_lap_pressed_in_the_cool_down_is_not_a_rep() -> None:
    # TCX marks every lap Active: warm-up, 5 x 1000 m with rest laps, the cool-down and a
    # 200 m pick-up lap at its end. Trimming the slower end lap (the old reading) dropped
    # the warm-up, then the first two reps (slower than the pick-up): graded on the
    # cool-down and the pick-up, "pace missed".
    laps = [_lap(340, 850)]
    for p in (247, 248, 246, 249, 250):
        laps += [_lap(p, p), _lap(600, 90, "resting")]
    laps += [_lap(345, 517), _lap(220, 44)]
    work = _plan_5x1000()
    reps = work_reps({"laps": laps}, 5, work, ZONES)
    assert reps.raw_paces_s_per_km == [247, 248, 246, 249, 250]
    assert _graded(reps, work).failure_reasons() == []
    old = work_reps({"laps": laps}, 5)  # the count alone: the slower end trimmed
    assert old.raw_paces_s_per_km == [246, 249, 250, 345, 220]
    assert _graded(old, work).failed


def _plan_3x2000_t() -> list:
    steps = [
        {"kind": "warmup", "distance_m": 2000.0, "target": {"kind": "zone", "zone": "E"}},
        {"kind": "repeat", "reps": 3, "steps": [
            {"kind": "work", "distance_m": 2000.0, "target": {"kind": "zone", "zone": "T"}},
            {"kind": "recovery", "duration_s": 120.0, "target": None}]},
    ]  # fmt: skip
    return planned_work(steps)


def _piece(pace: float, dist: float, rec: float | None, rec_m: float | None = None) -> dict:
    return {"speed_m_per_s": 1000.0 / pace, "duration_s": dist * pace / 1000.0,
            "distance_m": dist, "recovery_s": rec, "recovery_distance_m": rec_m}  # fmt: skip


def test_a_rep_the_detector_split_in_two_is_joined_again() -> None:
    # 3 x 2000 m @T (target 274.5 s/km) with 120 s jogs, GPX (no laps): the second rep
    # stopped 30 s at a crossing (the detector closes dips up to 10 s only), so the stream
    # shows 1100 m + 900 m; the last rep faded to 290 s/km (+6.4%: a real failure).
    work = _plan_3x2000_t()
    detected = [_piece(272, 2000, 120, 260), _piece(273, 1100, 30, 15),
                _piece(273, 900, 120, 250), _piece(290, 2000, None)]  # fmt: skip
    m = {"laps": [], "intervals": {"reps": detected}}
    reps = work_reps(m, 3, work, ZONES)
    assert reps.raw_paces_s_per_km == pytest.approx([272, 273, 290])
    assert reps.durations_s == pytest.approx([544.0, 546.0, 580.0])
    assert reps.rests_s == [120, 120]  # the stop is not a recovery
    s = _graded(reps, work)
    assert s.failure_reasons() == ["last reps faded 6.4%"]
    # the old reading graded the two pieces as reps 2 and 3 and dropped the faded last
    # rep: a clean session, and a mean "rest" of 75 s where the runner jogged 120 s
    old = [detected[0], detected[1], detected[2]]
    old_reps = work_reps({"laps": [], "intervals": {"reps": old}}, 3, work, ZONES)
    assert _graded(old_reps, work).failure_reasons() == []
    assert old_reps.rests_s == [120, 30]
    # two real reps with a real jog between them are never joined, whatever the plan
    reps = work_reps(m, 2, planned_work([{"kind": "repeat", "reps": 2, "steps": [
        {"kind": "work", "distance_m": 4000.0, "target": {"kind": "zone", "zone": "T"}},
        {"kind": "recovery", "duration_s": 120.0, "target": None}]}]), ZONES)  # fmt: skip
    assert all(d < 600 for d in reps.durations_s)


def test_a_tempo_block_split_by_a_stop_is_one_threshold_effort() -> None:
    from deliberun.practice.execution import sustained_threshold_pace

    # 4 km @T planned as one block; a 40 s stop splits it into 2000 m + 2000 m (each under
    # the 10 min a threshold effort needs), and the detector also took a 300 m cool-down
    # surge for a rep: joined, the block is one 18-minute effort at 271 s/km
    work = planned_work([{"kind": "work", "distance_m": 4000.0,
                          "target": {"kind": "zone", "zone": "T"}}])  # fmt: skip
    detected = [_piece(270, 2000, 40, 20), _piece(272, 2000, 400, 900), _piece(250, 300, None)]
    m = {"laps": [], "intervals": {"reps": detected}}
    reps = work_reps(m, 1, work, ZONES)
    assert len(reps.paces_s_per_km) == 1 and reps.durations_s[0] == pytest.approx(1084.0)
    assert sustained_threshold_pace(reps, m) == pytest.approx(271.0)
    # one piece alone (the old reading) is no threshold effort: nothing to measure
    assert sustained_threshold_pace(work_reps({"laps": [], "intervals": {"reps": detected[:1]}},
                                              1, work, ZONES), {}) is None  # fmt: skip


def test_planned_reps_that_cannot_be_read_are_not_graded() -> None:
    # a GPX session of 5 x T reps with 60 s jogs whose reps the speed stream does not show
    # (the jogs too short and too brisk): nothing read, so nothing to grade against the
    # target; the old grading said "reps cut (0/5)" and "pace missed" on the whole run's
    # mean pace (warm-up and jogs included): a failure the runner did not have
    s = Session(date(2026, 5, 1), workout_type="cruise_intervals", reps_planned=5, reps_done=0,
                rep_paces_s_per_km=[], target_pace_s_per_km=274.5,
                avg_pace_s_per_km=301.0)  # fmt: skip
    assert s.reps_unread()
    assert s.failure_reasons() == [] and not s.failed
    assert s.pace_error_pct() is None and s.interval_execution() is None
    from deliberun.practice.session import OUTCOME_METRICS

    assert OUTCOME_METRICS["reps_done_frac"].extract(s) is None
    # what the runner said still counts
    s.rpe = 9.5
    assert s.failure_reasons() == ["RPE 9.5"]
    # reps read and cut is still a failure; a continuous planned run (no separated reps)
    # is still judged on its mean pace
    cut = Session(date(2026, 5, 1), workout_type="cruise_intervals", reps_planned=5,
                  reps_done=3, rep_paces_s_per_km=[272.0, 273.0, 274.0],
                  target_pace_s_per_km=274.5)  # fmt: skip
    assert cut.failure_reasons() == ["reps cut (3/5)"]
    steady = Session(date(2026, 5, 1), workout_type="tempo", target_pace_s_per_km=274.5,
                     avg_pace_s_per_km=290.0)  # fmt: skip
    assert steady.failure_reasons() == ["pace missed by 5.6%"]
