"""Best efforts, mean-maximal curve and splits: exact cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberun.metrics.best import (
    BEST_EFFORT_DISTANCES_M,
    best_effort,
    best_efforts,
    mean_max_speed,
)
from deliberun.metrics.grade import get_gap
from deliberun.metrics.splits import MILE_M, splits

speeds_strategy = st.lists(
    st.floats(min_value=0.0, max_value=8.0, allow_nan=False), min_size=30, max_size=200
)


def _dist(speeds):
    return np.concatenate(([0.0], np.cumsum(speeds)))


def test_best_effort_constant_speed_is_exact():
    t = np.arange(0.0, 4001.0)
    d = t * 4.0  # 4 m/s for 16 km
    got = best_efforts(t, d)
    assert got["400"] == pytest.approx(100.0)
    assert got["1609.344"] == pytest.approx(1609.344 / 4.0)
    assert got["10000"] == pytest.approx(2500.0)
    assert "21097.5" not in got  # not covered


def test_best_effort_finds_fast_middle_with_interpolation():
    # 3 m/s, then 400 m at 5 m/s starting mid-sample, then 3 m/s
    v = np.r_[np.full(100, 3.0), np.full(80, 5.0), np.full(100, 3.0)]
    d = _dist(v)
    t = np.arange(len(d), dtype=float)
    assert best_effort(t, d, 400.0) == pytest.approx(80.0)
    assert best_effort(t, d, 500.0) == pytest.approx(80.0 + 100 / 3.0)
    assert best_effort(t, d, 10_000.0) is None
    with pytest.raises(ValueError):
        best_effort(t, d, 0.0)


def test_best_effort_counts_pauses_against_the_clock():
    t = np.r_[np.arange(0.0, 101.0), np.arange(200.0, 301.0)]
    d = np.r_[np.arange(0.0, 101.0) * 4, 400 + np.arange(0.0, 101.0) * 4]
    assert best_effort(t, d, 800.0) == pytest.approx(300.0)


@settings(max_examples=60, deadline=None)
@given(speeds=speeds_strategy)
def test_best_effort_time_never_decreases_with_distance(speeds):
    d = _dist(speeds)
    t = np.arange(len(d), dtype=float)
    targets = {str(x): float(x) for x in (50, 100, 200, 400, 800, 1000, 1500)}
    got = best_efforts(t, d, targets)
    values = [got[k] for k in targets if k in got]
    assert all(b >= a - 1e-9 for a, b in zip(values, values[1:], strict=False))


@settings(max_examples=60, deadline=None)
@given(speeds=speeds_strategy)
def test_mean_max_never_increases_with_duration(speeds):
    curve = mean_max_speed(_dist(speeds), (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240))
    values = [curve[k] for k in sorted(curve)]
    assert all(b <= a + 1e-12 for a, b in zip(values, values[1:], strict=False))
    if 5 in curve:  # nothing faster than the fastest second
        assert curve[5] <= max(speeds) + 1e-9


def test_mean_max_raw_can_rise_which_is_why_monotone_is_default():
    d = _dist([1.0] * 5 + [0.0] * 5 + [1.0] * 5)
    raw = mean_max_speed(d, (10, 15), monotone=False)
    assert raw[15] > raw[10]
    assert mean_max_speed(d, (10, 15))[10] == pytest.approx(raw[15])


@settings(max_examples=60, deadline=None)
@given(speeds=speeds_strategy, split_m=st.sampled_from([100.0, 250.0, 1000.0, MILE_M]))
def test_splits_sum_to_total(speeds, split_m):
    v = np.r_[np.asarray(speeds), np.nan]
    d = _dist(speeds)
    t = np.arange(len(d), dtype=float)
    moving = np.r_[np.asarray(speeds) > 0.5, False]
    out = splits(t, d, split_m=split_m, speed=v, moving=moving)
    if d[-1] < 1.0:
        assert out == [] or sum(s["distance_m"] for s in out) == pytest.approx(d[-1])
        return
    assert sum(s["distance_m"] for s in out) == pytest.approx(d[-1])
    assert sum(s["duration_s"] for s in out) == pytest.approx(t[-1])
    assert sum(s["moving_time_s"] for s in out) == pytest.approx(moving.sum())
    # a last remainder under 1 m is merged into the split before it
    assert all(s["distance_m"] <= split_m + 1.0 for s in out)
    assert all(s["moving_time_s"] <= s["duration_s"] + 1e-9 for s in out)


@settings(max_examples=40, deadline=None)
@given(speeds=st.lists(st.floats(min_value=1.0, max_value=7.0), min_size=30, max_size=300))
def test_gap_pace_equals_pace_on_flat(speeds):
    v = np.r_[np.asarray(speeds), np.nan]
    d = _dist(speeds)
    t = np.arange(len(d), dtype=float)
    gap = get_gap(v, np.zeros(len(v)))
    for s in splits(t, d, split_m=200.0, speed=v, gap_speed=gap):
        assert s["gap_pace_s_per_km"] == pytest.approx(s["pace_s_per_km"])


def test_splits_fields_on_uphill():
    v = np.full(601, 3.0)
    d = np.arange(601.0) * 3.0
    z = 100 + 0.05 * d  # 5 % uphill all the way
    gap = get_gap(v, np.full(601, 0.05))
    out = splits(np.arange(601.0), d, split_m=1000.0, speed=v, gap_speed=gap, altitude=z,
                 heart_rate=np.full(601, 150.0), cadence=np.full(601, 176.0))  # fmt: skip
    first = out[0]
    assert first["pace_s_per_km"] == pytest.approx(333.33, abs=0.5)
    assert first["gap_pace_s_per_km"] < first["pace_s_per_km"]  # uphill: GAP faster
    assert first["ascent_m"] == pytest.approx(50.0, abs=0.2)
    assert first["descent_m"] == pytest.approx(0.0)
    assert first["avg_hr_bpm"] == 150.0
    assert first["avg_cadence_spm"] == 176.0
    assert [s["index"] for s in out] == [1, 2]
    assert BEST_EFFORT_DISTANCES_M["1609.344"] == MILE_M


def test_whole_km_paces_keep_only_whole_kilometres_with_a_pace() -> None:
    """The race and session classifiers read these paces (stored as athlete facts): a
    last, partial km, a split without a (finite, positive) pace and anything that is not a
    split record are left out, the order is kept."""
    from deliberun.metrics.splits import whole_km_paces

    splits = [
        {"distance_m": 1000.0, "pace_s_per_km": 300.0},
        {"distance_m": 990.0, "pace_s_per_km": "305.5"},  # 990 m counts, a number in text
        {"distance_m": 989.9, "pace_s_per_km": 250.0},  # partial km
        {"distance_m": 1000.0, "pace_s_per_km": None},
        {"distance_m": 1000.0, "pace_s_per_km": float("nan")},
        {"distance_m": 1000.0, "pace_s_per_km": 0.0},
        {"pace_s_per_km": 280.0},  # no distance
        "1000",
        {"distance_m": 1000.0, "pace_s_per_km": 298.0},
    ]
    assert whole_km_paces(splits) == [300.0, 305.5, 298.0]
    assert whole_km_paces(None) == [] and whole_km_paces({"distance_m": 1000.0}) == []
