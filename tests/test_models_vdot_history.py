"""VDOT as of each day (models.vdot_history): causal window, the day left out, races."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deliberun.models import vdot as vd
from deliberun.models.predict import Effort
from deliberun.models.vdot_history import USABLE_EFFORT, is_usable, vdot_as_of

D0 = date(2026, 1, 1)


def _effort(day: date, vdot: float, distance: float = 5000.0, race: bool = False) -> Effort:
    return Effort(distance, vd.race_time(vdot, distance), day, None, race)


def test_best_effort_in_the_window_before_the_day() -> None:
    efforts = [_effort(D0, 40.0), _effort(D0 + timedelta(days=30), 45.0)]
    days = [D0, D0 + timedelta(days=10), D0 + timedelta(days=30), D0 + timedelta(days=31)]
    out = vdot_as_of(efforts, days, window_days=60, min_history_days=0)
    assert out[D0] is None  # the day's own effort never sets its yardstick
    assert out[D0 + timedelta(days=10)] == pytest.approx(40.0, abs=0.05)
    assert out[D0 + timedelta(days=30)] == pytest.approx(40.0, abs=0.05)
    assert out[D0 + timedelta(days=31)] == pytest.approx(45.0, abs=0.05)
    # an effort leaves the window after window_days
    later = D0 + timedelta(days=100)
    assert vdot_as_of(efforts, [later], window_days=80)[later] == pytest.approx(45.0, abs=0.05)
    assert vdot_as_of(efforts, [later], window_days=20)[later] is None


def test_a_coming_race_beats_submaximal_training_bests() -> None:
    # training bests (not races) understate fitness; the next race is better evidence
    efforts = [_effort(D0, 41.0), _effort(D0 + timedelta(days=40), 47.0, 21097.5, race=True)]
    day = D0 + timedelta(days=20)
    assert vdot_as_of(efforts, [day], 180)[day] == pytest.approx(47.0, abs=0.05)
    # once a race lies in the window before the day, only the past counts
    efforts.append(_effort(D0 + timedelta(days=90), 50.0, 42195.0, race=True))
    after = D0 + timedelta(days=60)
    assert vdot_as_of(efforts, [after], 180)[after] == pytest.approx(47.0, abs=0.05)
    # a race further ahead than the window is not borrowed
    assert vdot_as_of(efforts[:1] + efforts[2:], [day], 60)[day] == pytest.approx(41.0, abs=0.05)


def test_usable_efforts_and_errors() -> None:
    assert is_usable(Effort(5000, 1200, D0))
    assert not is_usable(Effort(400, 70, D0))  # too short to say anything about VDOT
    assert not is_usable(Effort(800, USABLE_EFFORT["min_duration_s"] + 10, D0))  # under 1 km
    assert vdot_as_of([Effort(400, 70, D0)], [D0 + timedelta(days=1)], 30) == {
        D0 + timedelta(days=1): None
    }
    assert vdot_as_of([], [], 30) == {}
    with pytest.raises(ValueError, match="at least one day"):
        vdot_as_of([], [D0], 0)


def test_the_first_weeks_use_the_best_of_the_first_weeks() -> None:
    efforts = [_effort(D0, 30.0), _effort(D0 + timedelta(days=10), 44.0)]
    second = D0 + timedelta(days=1)
    assert vdot_as_of(efforts, [second], 180)[second] == pytest.approx(44.0, abs=0.05)
    assert vdot_as_of(efforts, [second], 180, min_history_days=0)[second] == pytest.approx(
        30.0, abs=0.05
    )
