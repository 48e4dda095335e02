"""Fitness, fatigue and form against ../shared/reference/load.json (Runalyze, GoldenCheetah)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from deliberun.models import load as ld


@pytest.fixture(scope="module")
def load_reference(reference_dir):
    return json.loads((reference_dir / "load.json").read_text())["fitness_fatigue"]


def test_weights_match_each_convention(load_reference):
    # the published weights are given to 6 digits
    for name, conv in load_reference["conventions"].items():
        assert ld.load_weight(42, name) == pytest.approx(conv["N42"], abs=1e-6)
        assert ld.load_weight(7, name) == pytest.approx(conv["N7"], abs=1e-6)


def test_runalyze_single_load_vectors(load_reference):
    # Runalyze TsbModelTest rounds to integers, so agreement within 0.5 (+ float slack) is exact
    vec = load_reference["runalyze_vectors_ewma_42_7"]
    single = vec["single_load_1000_on_day_0"]
    load = np.zeros(101)
    load[0] = 1000
    ff = ld.fitness_fatigue(load, 42, 7, "ewma", form_convention="today")
    assert abs(ff.fitness[0] - single["fitness"]) <= 0.5
    assert abs(ff.fatigue[0] - single["fatigue"]) <= 0.5
    assert abs(ff.form[0] - single["form"]) <= 0.5 + 1e-9
    for day, value in vec["fitness_after_single_load_by_day"].items():
        assert abs(ff.fitness[int(day)] - value) <= 0.5, day
    rest = ld.rest_days_to_form(ff.fitness[0], ff.fatigue[0], 42, 7, "ewma")
    assert rest == pytest.approx(single["rest_days_to_form_0"], abs=0.5)


def test_runalyze_constant_load_vector(load_reference):
    target = load_reference["runalyze_vectors_ewma_42_7"]["constant_50_per_day_day_100"]
    ff = ld.fitness_fatigue(np.full(101, 50.0), 42, 7, "ewma")
    assert round(ff.fitness[100]) == target["fitness"]
    assert round(ff.fatigue[100]) == target["fatigue"]


def test_one_day_after_100_points_each_convention():
    # anchors.md section 5: after one 100-point day CTL 2.35 / 4.65 / 2.38, ATL 13.31 / 25.0 / 14.29
    expected = {"exp": (2.35, 13.31), "ewma": (4.65, 25.0), "simple": (2.38, 14.29)}
    for name, (ctl, atl) in expected.items():
        ff = ld.fitness_fatigue([100.0], weighting=name)
        assert ff.fitness[0] == pytest.approx(ctl, abs=0.005)
        assert ff.fatigue[0] == pytest.approx(atl, abs=0.005)


def test_ewma_matches_the_plain_recursion():
    rng = np.random.default_rng(3)
    x = rng.gamma(2, 40, 1000)
    w = ld.load_weight(42)
    y, prev = [], 12.0
    for v in x:
        prev = prev + w * (v - prev)
        y.append(prev)
    assert_allclose(ld.ewma(x, w, initial=12.0), y, rtol=1e-10)


def test_form_yesterday_is_shifted_today():
    x = np.array([50, 0, 120, 30, 0, 0, 80], dtype=float)
    today = ld.fitness_fatigue(x, form_convention="today")
    yest = ld.fitness_fatigue(x, form_convention="yesterday")
    assert yest.form[0] == 0.0
    assert_allclose(yest.form[1:], today.form[:-1])
    assert_allclose(today.form, today.fitness - today.fatigue)


def test_max_load_keeps_form_at_floor():
    x = np.r_[np.full(200, 60.0), [150, 0, 40]]
    ff = ld.fitness_fatigue(x, form_convention="today")
    floor = -10.0
    best = ld.max_load_for_form(ff.fitness[-1], ff.fatigue[-1], floor)
    assert best > 0
    after = ld.fitness_fatigue(np.r_[x, best], form_convention="today")
    assert after.form[-1] == pytest.approx(floor, abs=1e-9)
    # with "yesterday" form the same load shows up as tomorrow's form
    after_y = ld.fitness_fatigue(np.r_[x, best, 0.0], form_convention="yesterday")
    assert after_y.form[-1] == pytest.approx(floor, abs=1e-9)


def test_max_load_is_zero_when_rest_is_not_enough():
    assert ld.max_load_for_form(10.0, 80.0, 0.0) == 0.0


def test_rest_days_reach_threshold():
    ctl, atl = 50.0, 90.0
    for threshold in (0.0, 5.0, -10.0):
        n = ld.rest_days_to_form(ctl, atl, threshold=threshold)
        a_c, a_a = 1 - ld.load_weight(42), 1 - ld.load_weight(7)
        assert ctl * a_c**n - atl * a_a**n == pytest.approx(threshold, abs=1e-6)
    assert ld.rest_days_to_form(90.0, 50.0) == 0.0
    assert math.isinf(ld.rest_days_to_form(0.0, 10.0))
    assert math.isinf(ld.rest_days_to_form(4.0, 10.0, threshold=5.0))


def test_daily_series_sums_per_day():
    from datetime import date

    days = [date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 3), date(2026, 2, 1)]
    x = ld.daily_series(days, [10, 5, None, 99], date(2026, 3, 1), date(2026, 3, 4))
    assert x.tolist() == [15.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"fitness_days": 7, "fatigue_days": 42}, "shorter"),
        ({"weighting": "bogus"}, "unknown load weighting"),
        ({"form_convention": "tomorrow"}, "form convention"),
        ({"fitness_days": 0}, "positive"),
    ],
)
def test_bad_settings_say_what_is_wrong(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ld.fitness_fatigue([1.0, 2.0], **kwargs)


def test_negative_load_is_refused():
    with pytest.raises(ValueError, match="negative"):
        ld.fitness_fatigue([10.0, -1.0])


@settings(max_examples=200, deadline=None)
@given(
    history=st.lists(st.floats(0, 500), min_size=0, max_size=60),
    extra=st.floats(0.001, 1000),
    weighting=st.sampled_from(["exp", "ewma", "simple"]),
    fitness_days=st.integers(8, 90),
    fatigue_days=st.integers(1, 7),
)
def test_adding_load_never_raises_next_day_form(
    history, extra, weighting, fitness_days, fatigue_days
):
    base = np.array(history + [0.0, 0.0])
    more = base.copy()
    more[-2] += extra  # more load today; form shown tomorrow (yesterday convention)
    a = ld.fitness_fatigue(base, fitness_days, fatigue_days, weighting)
    b = ld.fitness_fatigue(more, fitness_days, fatigue_days, weighting)
    assert b.form[-1] < a.form[-1] + 1e-9
