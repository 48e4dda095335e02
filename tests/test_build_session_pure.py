"""``practice.sessions.build_session``: one run's Session from plain values (no database).

The rule moved from ``services/practice_sessions`` (issue 15); these are value tests of
what it makes of a run's row, its laps, the load state, the plan and the day's paces.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from deliberun.plan.paces import zone_paces
from deliberun.practice.review import PlannedDay
from deliberun.practice.sessions import build_session

DAY = date(2026, 5, 6)


def _row(**kw: Any) -> SimpleNamespace:
    base: dict[str, Any] = dict(
        id=7, local_date=DAY, start_time=datetime(2026, 5, 6, 5, 30, tzinfo=UTC),
        utc_offset_s=7200, distance_m=10000.0, moving_time_s=3000.0, avg_hr_bpm=150.0,
        load=80.0, extra={}, decoupling_pct=3.0, efficiency_factor=1.2, cadence_spm=None,
        avg_cadence_spm=170.0, splits=None,
    )  # fmt: skip
    base.update(kw)
    return SimpleNamespace(**base)


STATE: dict[date, dict[str, float | None]] = {
    DAY: {"form": -5.0, "fitness": 50.0, "acwr": 1.1, "load": 80.0},
    date(2026, 5, 5): {"load": 30.0},
    date(2026, 5, 4): {"load": 40.0},
}


def test_an_easy_run_takes_its_numbers_from_its_row_and_its_day() -> None:
    splits = [[300.0, 300.0]] * 10
    x = build_session(_row(splits=splits), "easy", {}, STATE, None, 50.0, None, 14.0)
    assert (x.activity_id, x.local_date, x.workout_type) == (7, DAY, "easy")
    assert x.local_hour == pytest.approx(7.5)  # 05:30 UTC at +2 h
    assert x.avg_pace_s_per_km == pytest.approx(300.0)
    assert x.prior_48h_load == pytest.approx(70.0)
    assert (x.form, x.fitness, x.acwr, x.temperature_c) == (-5.0, 50.0, 1.1, 14.0)
    assert x.avg_hr_bpm == 150.0 and x.load == 80.0
    assert x.target_pace_s_per_km is None  # unplanned: never graded against a target
    assert x.reps_done is None and x.rep_paces_s_per_km == []
    assert x.metrics["split_cv_pct"] == pytest.approx(0.0)
    assert x.metrics["vdot_of_day"] == 50.0
    assert x.metrics["avg_cadence_spm"] == 170.0
    assert zone_paces(50.0)["T"][1] * 1.02 < 300.0  # easy pace: no time in the T band
    assert x.metrics["time_at_t_pace_s"] == 0.0


def test_the_t_band_of_the_day_replaces_the_vdots() -> None:
    splits = [[250.0, 250.0]] * 8
    wide = build_session(_row(splits=splits), "tempo", {}, STATE, None, 50.0, None, None,
                         (245.0, 255.0))  # fmt: skip
    off = build_session(_row(splits=splits), "tempo", {}, STATE, None, 50.0, None, None,
                        (200.0, 210.0))  # fmt: skip
    assert wide.metrics["time_at_t_pace_s"] == pytest.approx(2000.0)
    assert off.metrics["time_at_t_pace_s"] == 0.0


def test_a_planned_interval_session_reads_its_reps_against_the_plan() -> None:
    i_fast, i_slow = zone_paces(50.0)["I"]
    target = (i_fast + i_slow) / 2
    laps: list[dict[str, Any]] = [{"intensity": "warmup", "duration_s": 600.0,
                                   "distance_m": 2000.0, "trigger": "manual"}]  # fmt: skip
    for k in range(6):
        pace = target + k  # each rep 1 s/km slower
        laps.append({"intensity": "active", "duration_s": 0.8 * pace, "distance_m": 800.0,
                     "trigger": "manual", "pace_s_per_km": pace})  # fmt: skip
        laps.append({"intensity": "rest", "duration_s": 120.0, "distance_m": 300.0,
                     "trigger": "manual"})  # fmt: skip
    plan = PlannedDay(DAY, "intervals", "2km E + 6x800m @I w/ 2min rest + 2km E")
    x = build_session(_row(), "intervals", {"laps": laps}, STATE, plan, 50.0, None, None)
    assert x.reps_planned == 6 and x.reps_done == 6
    assert x.rep_paces_s_per_km == pytest.approx([target + k for k in range(6)], abs=0.5)
    assert x.target_pace_s_per_km == pytest.approx(target, abs=0.5)
    assert x.rest_s == pytest.approx(120.0)


def test_without_a_vdot_there_are_no_paces_to_judge() -> None:
    x = build_session(_row(splits=[[300.0, 300.0]]), "tempo", {}, {}, None, None, None, None)
    assert x.metrics["time_at_t_pace_s"] is None and x.vdot_pace_s_per_km is None
    assert x.prior_48h_load is None  # no load state: unknown, not zero
