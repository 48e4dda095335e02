"""Cycles and targets: the focus rule, the catalogue, progress with trend and projection."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deliberun.practice.cycles import (
    Cycle,
    GoalRace,
    TooManyTargetsError,
    current_cycle,
    cycle_in_force,
)
from deliberun.practice.session import Session
from deliberun.practice.targets import (
    TARGET_KINDS,
    TargetSpec,
    longest_stretch_s,
    progress,
    split_cv_pct,
)

START = date(2026, 3, 2)


def test_catalogue_holds_the_required_kinds() -> None:
    for kind in (
        "aerobic_efficiency",
        "threshold_pace",
        "mp_endurance",
        "pacing_discipline",
        "interval_execution",
        "easy_cadence",
        "long_run_durability",
        "weekly_volume",
        "race_details",
        "custom",
    ):
        assert kind in TARGET_KINDS


def test_a_fourth_target_is_refused_with_the_reason() -> None:
    c = Cycle("Spring", START, START + timedelta(days=90))
    for kind in ("threshold_pace", "interval_execution", "weekly_volume"):
        c.add_target(TargetSpec(kind, 1.0))
    with pytest.raises(TooManyTargetsError, match="focus is the point") as refused:
        c.add_target(TargetSpec("easy_cadence", 178))
    # the reason names the targets in words, not their internal kinds
    assert "threshold pace, interval execution, weekly volume" in str(refused.value)
    with pytest.raises(ValueError, match="unknown target kind"):
        TargetSpec("speed", 1.0).validate()
    with pytest.raises(ValueError, match="before it starts"):
        Cycle("bad", START, START - timedelta(days=1))


def test_goal_race_pace_and_current_cycle() -> None:
    race = GoalRace(42195, START + timedelta(days=90), 11700)
    assert race.goal_pace_s_per_km == pytest.approx(277.29, abs=0.01)
    a = Cycle("A", START, START + timedelta(days=90), race)
    b = Cycle("B", START + timedelta(days=100), START + timedelta(days=150))
    assert current_cycle([a, b], START + timedelta(days=10)) is a
    assert current_cycle([a, b], START + timedelta(days=95)) is None


def test_the_cycle_in_force() -> None:
    """The cycle holding the day, else the latest-starting one (``practice.get_cycle``,
    the goal pace of the sessions and the goal races of the race classifier)."""
    a = Cycle("A", START, START + timedelta(days=90))
    b = Cycle("B", START + timedelta(days=100), START + timedelta(days=150))
    assert cycle_in_force([a, b], START + timedelta(days=10)) is a
    assert cycle_in_force([a, b], START + timedelta(days=95)) is b  # between: the latest
    assert cycle_in_force([b, a], START - timedelta(days=30)) is b  # before all: the latest
    assert cycle_in_force([], START) is None


def _tempos(n: int, start: date, pace0: float, per_week: float) -> list[Session]:
    out = []
    for i in range(n):
        d = start + timedelta(days=7 * i)
        out.append(
            Session(
                d,
                activity_id=i,
                workout_type="tempo",
                rep_paces_s_per_km=[pace0 + per_week * i] * 3,
                # as the service measures it: reps of 10 min or more (execution.py)
                metrics={"threshold_pace_s_per_km": pace0 + per_week * i},
            )
        )
    return out


def test_threshold_pace_progress_trend_and_projection() -> None:
    before = _tempos(4, START - timedelta(days=28), 262.0, 0.0)
    during = [
        Session(
            s.local_date,
            activity_id=100 + i,
            workout_type=s.workout_type,
            rep_paces_s_per_km=s.rep_paces_s_per_km,
            metrics=s.metrics,
        )
        for i, s in enumerate(_tempos(6, START, 260.0, -1.0))
    ]
    t = TargetSpec("threshold_pace", 250.0)
    today = START + timedelta(days=35)
    pr = progress(t, before + during, START, today)
    assert pr.baseline == pytest.approx(262.0)
    assert pr.slope_per_week == pytest.approx(-1.0)
    assert pr.slope_interval_90 is not None
    assert pr.slope_interval_90[0] <= -1.0 <= pr.slope_interval_90[1]
    assert pr.current == pytest.approx(255.0)
    # 5 s/km to go at 1 s/km per week: 35 days
    assert pr.projected_date == today + timedelta(days=35)
    assert pr.session_ids == [100 + i for i in range(6)]
    assert not pr.reached


def test_weekly_volume_and_race_details() -> None:
    ss = []
    for w in range(4):
        for k in range(4):
            ss.append(
                Session(
                    START + timedelta(days=7 * w + k),
                    activity_id=10 * w + k,
                    distance_m=10000.0 + 1000 * w,
                    details=["fuelling"] if k == 0 else [],
                )
            )
    today = START + timedelta(days=27)
    vol = progress(TargetSpec("weekly_volume", 60000), ss, START, today)
    assert [v for _, v in vol.values] == [40000, 44000, 48000, 52000]
    assert vol.slope_per_week == pytest.approx(4000)
    det = progress(TargetSpec("race_details", 6), ss, START, today)
    assert det.current == pytest.approx(4.0)  # one rehearsal a week for 4 weeks
    assert det.baseline == 0.0


def test_split_helpers() -> None:
    assert longest_stretch_s([300, 280, 282, 279, 300], [300, 280, 282, 279, 300], 280) == 841
    assert split_cv_pct([300, 300, 300]) == 0.0
    assert split_cv_pct([300]) is None


def test_interval_execution_goal_is_a_share_or_a_percentage() -> None:
    from deliberun.practice.targets import parse_goal

    assert parse_goal("interval_execution", "0.8") == pytest.approx(0.8)
    assert parse_goal("interval_execution", "80%") == pytest.approx(0.8)
    with pytest.raises(ValueError, match="80%"):
        parse_goal("interval_execution", "80")  # never 8000%
