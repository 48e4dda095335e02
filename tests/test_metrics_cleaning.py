"""Cleaning: 1 s resampling with gaps kept, GPS spikes, pauses, moving time."""

from __future__ import annotations

import numpy as np
import pytest

from deliberun.metrics.cleaning import (
    clean_streams,
    haversine_distance,
    in_pauses,
    remove_distance_spikes,
    resample_1hz,
    rolling_mean,
)


def test_resample_keeps_gaps_as_nan():
    t = np.array([0.0, 2.0, 4.0, 40.0, 41.0])
    v = np.array([0.0, 2.0, 4.0, 40.0, 41.0])
    grid = np.arange(0.0, 42.0)
    out = resample_1hz(t, v, grid)
    np.testing.assert_allclose(out[:5], [0, 1, 2, 3, 4])  # smart recording: interpolated
    assert np.isnan(out[5:40]).all()  # 36 s gap: never invented
    np.testing.assert_allclose(out[40:], [40, 41])
    assert np.isnan(resample_1hz(t, v, np.array([-1.0, 50.0]))).all()


def test_resample_ignores_nan_samples_without_spreading():
    t = np.arange(10.0)
    v = np.where(t == 5, np.nan, t * 2)
    np.testing.assert_allclose(resample_1hz(t, v, t), t * 2)


def test_rolling_mean_nan_aware():
    x = np.array([1.0, 2.0, np.nan, 4.0, 5.0])
    out = rolling_mean(x, 3)
    assert out[0] == pytest.approx(1.5)
    assert np.isnan(out[2])
    assert out[3] == pytest.approx(4.5)
    with pytest.raises(ValueError):
        rolling_mean(x, 0)


def test_spike_removed_and_backward_steps_ignored():
    t = np.arange(10.0)
    d = np.arange(10.0) * 3.0
    d[5:] += 500.0  # a 500 m jump in 1 s
    d[8] = d[7] - 2.0  # and a step back
    clean, n = remove_distance_spikes(t, d, 12.5)
    assert n == 1
    assert clean[-1] == pytest.approx(27.0)  # spike step replaced by ~3 m/s, step back held
    assert (np.diff(clean) >= 0).all()


def test_haversine_one_degree_latitude():
    d = haversine_distance(np.array([0.0, 1.0]), np.array([0.0, 0.0]))
    assert d[-1] == pytest.approx(111_195, rel=1e-3)


def test_in_pauses():
    t = np.arange(10.0)
    mask = in_pauses(t, [(2.0, 4.0), (7.0, 8.0)])
    assert mask.tolist() == [False, False, True, True, False, False, False, True, False, False]


def test_clean_streams_moving_and_timer():
    t = np.arange(0.0, 200.0)
    speed = np.where((t >= 50) & (t < 100), 0.0, 3.0)
    d = np.concatenate(([0.0], np.cumsum(speed[:-1])))
    cs = clean_streams(t, {"distance": d, "heart_rate": np.full(200, 0.0)}, pauses=[(150.0, 160.0)])
    assert cs.n == 200
    assert np.isnan(cs.heart_rate).all()  # 0 bpm = no strap contact
    assert not cs.timer_on[150:160].any()
    assert not cs.moving[55:95].any()
    assert cs.moving[10:40].all()
    assert np.nansum(cs.speed) == pytest.approx(d[-1])


def test_clean_streams_distance_from_gps_or_speed():
    t = np.arange(0.0, 100.0)
    lat = np.linspace(0, 0.009, 100)  # ~1 km
    cs = clean_streams(t, {"latitude": lat, "longitude": np.zeros(100)})
    assert cs.distance[-1] == pytest.approx(1000.8, rel=2e-3)
    cs = clean_streams(t, {"speed": np.full(100, 2.0)})
    assert cs.distance[-1] == pytest.approx(198.0)


def test_clean_streams_rejects_unsorted_time():
    with pytest.raises(ValueError, match="non-decreasing"):
        clean_streams(np.array([0.0, 2.0, 1.0]), {})


def test_clean_streams_empty():
    cs = clean_streams(np.zeros(0), {})
    assert cs.n == 0


def test_time_grid_jumps_long_gaps():
    from deliberun.metrics.cleaning import time_grid

    assert time_grid(np.array([0.0, 5.0])).tolist() == [0, 1, 2, 3, 4, 5]
    g = time_grid(np.array([0.0, 10.0, 1_000_000.0, 1_000_010.0]))
    assert len(g) < 250  # not a million seconds
    assert g[0] == 0 and g[-1] == 1_000_010
    assert (np.diff(g) >= 1).all()
    assert np.isclose(g, 70.0).any() and not np.isclose(g, 71.0).any()  # 60 s pad kept


def test_clock_jump_of_weeks_is_cheap_and_consistent():
    from deliberun.metrics import compute_all
    from deliberun.metrics.synthetic import synthetic_run

    act = synthetic_run([("time", 1200, 3.0)], seed=1)
    t = act.streams["time"].copy()
    t[600:] += 3 * 7 * 86400.0  # the watch's clock jumped three weeks
    act.streams["time"] = t
    r = compute_all(act)
    assert r["samples"]["n_1hz"] < 1500
    assert sum(s["duration_s"] for s in r["splits_km"]) == pytest.approx(t[-1])
    assert r["samples"]["moving_time_s"] == pytest.approx(1199, abs=3)
    assert r["mean_max_speed"]["600"] < 3.5  # no speed invented across the jump
