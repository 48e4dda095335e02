"""The same-run merge decision (deliberun.io.same_run), a pure function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from deliberun.io.same_run import Footprint, overlap_share, same_run, track_gap_m

T0 = datetime(2024, 11, 16, 15, 0, tzinfo=UTC)


def _track(start: datetime, n: int = 1200, lat0: float = 47.5, jitter: float = 0.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    t = start.timestamp() + np.arange(n, dtype=float)
    lat = lat0 + np.arange(n) * 3.0 / 111_195.0 + rng.normal(0, jitter / 111_195.0, n)
    lon = np.full(n, 19.0) + rng.normal(0, jitter / 75_000.0, n)
    return t, lat, lon


def test_overlap_share():
    a = Footprint(T0, 1000.0, 3000.0)
    b = Footprint(T0 + timedelta(seconds=500), 1000.0, 3000.0)
    assert overlap_share(a, b) == 0.5
    assert overlap_share(a, Footprint(T0 + timedelta(seconds=1000), 600.0, None)) == 0.0


def test_gpx_longer_by_jitter_is_the_same_run_when_tracks_agree():
    # the pair: the GPX 2.8 % longer (beyond the old 2 % rule), a minute apart
    fit = Footprint(T0, 1200.0, 3600.0, _track(T0))
    gpx_start = T0 + timedelta(seconds=70)
    gpx = Footprint(gpx_start, 1130.0, 3700.8, _track(T0, jitter=6.0, seed=2))
    d = same_run(fit, gpx)
    assert d.same and d.track_gap_m is not None and d.track_gap_m < 20
    assert "tracks" in d.reason


def test_same_time_different_route_is_not_merged():
    a = Footprint(T0, 1200.0, 3600.0, _track(T0))
    b = Footprint(T0, 1200.0, 3600.0, _track(T0, lat0=47.52))  # 2.2 km north
    d = same_run(a, b)
    assert not d.same and d.track_gap_m > 1000


def test_back_to_back_runs_are_two_activities():
    warmup = Footprint(T0, 1690.0, 5254.0)
    session = Footprint(T0 + timedelta(seconds=1896), 1780.0, 4605.0)
    assert not same_run(warmup, session).same


def test_manual_row_and_its_file_merge_on_time_alone():
    row = Footprint(T0, 2890.0, 8500.0)  # no track, distance from the CSV
    fit = Footprint(T0, 2885.0, 8531.0, _track(T0))
    assert same_run(row, fit).same
    assert not same_run(row, Footprint(T0, 2885.0, 12000.0)).same  # distances disagree


def test_legacy_rule_without_durations():
    a = Footprint(T0, None, 5000.0)
    b = Footprint(T0 + timedelta(seconds=30), None, 5050.0)
    assert same_run(a, b).same
    assert not same_run(a, Footprint(T0 + timedelta(seconds=30), None, 5400.0)).same


def test_track_gap_needs_common_time():
    a = Footprint(T0, 100.0, None, _track(T0, n=100))
    b = Footprint(T0, 100.0, None, _track(T0 + timedelta(hours=1), n=100))
    assert track_gap_m(a, b) is None
