"""Detraining (Daniels' VDOT adjustment after time off) and the VDOT of a day with no
recent race (``models.detraining``, ``models.vdot_day``, ``plan.paces.t_band_source``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from numpy.testing import assert_allclose

from deliberun.models import vdot as vd
from deliberun.models.detraining import detraining, is_cross_training, time_off_factor
from deliberun.models.predict import Effort
from deliberun.models.vdot_day import vdot_of_day
from deliberun.plan.paces import t_band_source, threshold_band, vdot_from_threshold_pace


@pytest.fixture
def daniels_time_off_table() -> dict[int, tuple[float, float]]:
    """Daniels' Running Formula (3rd ed.), VDOT adjustments for time off, as published by
    VDOT O2 (news.vdoto2.com/2018/02/vdot-adjustments-time-off/); three decimals, so the
    tolerance is half a unit of the last (the page's 42-day FVDOT-2 "0.994" is a misprint
    of 0.944 and is left out)."""
    return {
        5: (1.000, 1.000),
        6: (0.997, 0.998),
        10: (0.985, 0.992),
        14: (0.973, 0.986),
        21: (0.952, 0.976),
        28: (0.931, 0.965),
        49: (0.868, 0.934),
        63: (0.826, 0.913),
        72: (0.800, 0.900),
    }


def test_time_off_factor_is_daniels_table(daniels_time_off_table):
    for days, (f1, f2) in daniels_time_off_table.items():
        assert_allclose(time_off_factor(days), f1, atol=5e-4)
        assert_allclose(time_off_factor(days, cross_trained=True), f2, atol=5e-4)
    assert time_off_factor(400) == 0.80 and time_off_factor(2) == 1.0
    with pytest.raises(ValueError, match="zero or more"):
        time_off_factor(-1)


RACE = date(2025, 1, 5)


def _every(start: date, end: date, step: int = 2) -> list[date]:
    return [start + timedelta(days=k) for k in range(0, (end - start).days, step)]


def test_a_runner_who_keeps_training_loses_nothing():
    runs = _every(RACE - timedelta(days=60), RACE + timedelta(days=300))
    dt = detraining(RACE, RACE + timedelta(days=290), runs)
    assert dt.factor == 1.0 and dt.breaks == [] and dt.reduced_weeks == 0
    assert dt.words(50.0) == ""


def test_a_break_costs_the_table_and_training_regains_it():
    stop, back = RACE + timedelta(days=20), RACE + timedelta(days=77)
    runs = _every(RACE - timedelta(days=60), stop + timedelta(days=1))
    assert runs[-1] == stop  # 56 days off: 2025-01-26 .. 2025-03-22
    runs += _every(back, back + timedelta(days=200))
    on_return = detraining(RACE, back, runs)
    assert on_return.factor == pytest.approx(time_off_factor(56))  # no cross-training
    assert on_return.low_factor <= on_return.factor <= on_return.high_factor
    assert "8 weeks without running" in on_return.words(50.0)
    # with cycling twice a week in the break, the FVDOT-2 column
    rides = _every(stop + timedelta(days=1), back, 3)
    assert detraining(RACE, back, runs, rides).factor == pytest.approx(time_off_factor(56, True))
    # half regained after 28 days of running back, all after 56
    half = detraining(RACE, back + timedelta(days=28), runs)
    assert half.factor == pytest.approx(1 - (1 - time_off_factor(56)) / 2, abs=1e-9)
    assert detraining(RACE, back + timedelta(days=60), runs).factor == 1.0
    # still off on the day: nothing regained, the break counts up to the day
    assert detraining(RACE, stop + timedelta(days=30), runs).factor == pytest.approx(
        time_off_factor(29)
    )


def test_reduced_running_counts_at_the_cross_training_rate():
    usual = _every(RACE - timedelta(days=56), RACE, 1)  # every day before the race
    light = _every(RACE + timedelta(days=1), RACE + timedelta(days=29), 5)  # every 5 days
    dt = detraining(RACE, RACE + timedelta(days=29), usual + light)
    assert dt.reduced_weeks == 4 and dt.breaks == []
    assert dt.factor == pytest.approx(time_off_factor(28, True))
    assert "4 weeks of reduced running" in dt.words(50.0)


def test_cross_training_sports():
    assert is_cross_training("cycling") and is_cross_training("Swimming")
    assert not is_cross_training("running") and not is_cross_training("racket")


def _race(day: date, km: float, minutes: float) -> Effort:
    return Effort(km * 1000, minutes * 60, day, 1, True)


def _training(day: date, vdot_as_run: float) -> Effort:
    t = vd.race_time(vdot_as_run, 5000.0)
    return Effort(5000.0, t, day, 2, False, 1 / 0.925)


def test_an_old_race_holds_against_easy_training_and_widens_with_age():
    race = _race(RACE, 5, 20)  # VDOT 49.8
    day = RACE + timedelta(days=270)
    runs = _every(RACE - timedelta(days=60), day)
    easy = [_training(day - timedelta(days=k), 37.5) for k in (20, 60)]  # read ~40.5
    v, used = vdot_of_day(easy, day, 180, last_race=race, run_days=runs)
    assert v is not None and v.effort.is_race and v.vdot == pytest.approx(race.vdot)
    assert "race of 2025-01-05, 9 months ago" in v.words
    assert any(e.is_race for e in used) and len(used) == 3
    young, _ = vdot_of_day(easy, RACE + timedelta(days=30), 180, last_race=race, run_days=runs)
    assert young is not None and (v.high - v.low) > (young.high - young.low)
    # a training effort reading more than the race raises it, to its own value only
    hard = _training(day - timedelta(days=10), 49.0)  # reads 53.0 calibrated
    v2, _ = vdot_of_day([*easy, hard], day, 180, last_race=race, run_days=runs)
    assert v2 is not None and not v2.effort.is_race
    assert v2.vdot == pytest.approx(49.0 / 0.925, abs=0.01)
    assert "above the race of 2025-01-05" in v2.words and v2.low <= v2.vdot <= v2.high
    # no run at all since the race: Daniels' floor
    v3, _ = vdot_of_day([], day, 180, last_race=race, run_days=[RACE])
    assert v3 is not None and v3.vdot == pytest.approx(0.80 * race.vdot)
    # without the run days nothing is reduced (callers that cannot read them)
    v4, _ = vdot_of_day([], day, 180, last_race=race)
    assert v4 is not None and v4.vdot == pytest.approx(race.vdot)


def test_t_band_from_a_credible_recent_threshold():
    pace = 255.0  # reads VDOT ~50
    implied = vdot_from_threshold_pace(pace)
    src, words = t_band_source((implied - 0.5, implied + 0.5), pace, 30)
    assert src == "threshold" and "threshold estimate" in words
    fast, slow = threshold_band(pace)
    assert fast < pace < slow
    # too old, or far from the day's VDOT range: the VDOT sets the T band
    assert t_band_source((implied - 0.5, implied + 0.5), pace, 400)[0] == "vdot"
    src, words = t_band_source((40.0, 42.0), pace, 30)
    assert src == "vdot" and "outside the day's VDOT 40.0–42.0" in words
    # a range of one value is said as one value, not "47.9–47.9"
    words = t_band_source((47.9, 47.9), 300.0, 30)[1]  # 5:00 /km reads VDOT ~41
    assert "the day's VDOT 47.9" in words and "–" not in words
    assert t_band_source((40.0, 42.0), None, None)[0] == "vdot"
    assert "None" not in t_band_source((40.0, 42.0), pace, None)[1]
    # a pace the runner set always counts
    assert t_band_source((40.0, 42.0), pace, None, set_by_runner=True)[0] == "threshold"


def test_predictions_say_a_race_counts_less_detraining():
    from deliberun.models.predict import predict_races

    race = _race(RACE, 5, 20)
    day = RACE + timedelta(days=100)
    v, used = vdot_of_day([], day, 180, last_race=race, run_days=[RACE])  # no run since
    assert v is not None and v.vdot < race.vdot
    riegel = predict_races(used)["10k"]
    said = next(p.rests_on for p in riegel if p.model == "riegel")
    assert "a race, less detraining" in said and "training effort" not in said
    # the reduced race predicts slower than the race as run would
    assert next(p.time_s for p in riegel if p.model == "riegel") > vd.race_time(race.vdot, 10000)
