"""Per-activity load against load.json (Banister, Edwards, session RPE) and rTSS."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deliberun.metrics.load import rtss, session_rpe, trimp_banister, trimp_edwards


@pytest.fixture(scope="module")
def trimp_reference(reference_dir):
    return json.loads((reference_dir / "load.json").read_text())["trimp"]


def _hr_at_reserve(fraction, hr_rest=50.0, hr_max=190.0, minutes=60):
    return np.full(minutes * 60, hr_rest + fraction * (hr_max - hr_rest))


@pytest.mark.parametrize(("sex", "key"), [("male", "male"), ("female", "female_0.86")])
def test_banister_vectors(trimp_reference, sex, key):
    expected = trimp_reference["banister"]["vectors_60_min_at_HRr_0.5"][key]
    got = trimp_banister(_hr_at_reserve(0.5), hr_max=190.0, hr_rest=50.0, sex=sex)
    assert got == pytest.approx(expected, abs=0.005)  # the reference rounds to 2 decimals


def test_banister_alternative_female_constants():
    # research/anchors.md 4.5: GC-female 44.25, Runalyze-female 56.82
    hr = _hr_at_reserve(0.5)
    assert trimp_banister(hr, hr_max=190, hr_rest=50, sex="female_goldencheetah") == pytest.approx(
        44.25, abs=0.005
    )
    assert trimp_banister(hr, hr_max=190, hr_rest=50, sex="female_runalyze") == pytest.approx(
        56.82, abs=0.005
    )


def test_banister_per_sample_counts_intervals_more_than_average():
    hr = np.concatenate([_hr_at_reserve(0.9, minutes=30), _hr_at_reserve(0.3, minutes=30)])
    avg = np.full(len(hr), hr.mean())
    assert trimp_banister(hr, hr_max=190, hr_rest=50) > trimp_banister(avg, hr_max=190, hr_rest=50)


def test_banister_ignores_nan_and_clips():
    hr = np.array([np.nan, 30.0, 250.0])
    # 30 bpm -> HRr 0 -> 0; 250 -> clipped to 1 -> 0.64 e^1.92 per minute, 1 s here
    assert trimp_banister(hr, hr_max=190, hr_rest=50) == pytest.approx(0.64 * np.exp(1.92) / 60)


def test_banister_bad_input():
    with pytest.raises(ValueError, match="hr_max"):
        trimp_banister([150.0], hr_max=50, hr_rest=60)
    with pytest.raises(ValueError, match="unknown sex"):
        trimp_banister([150.0], hr_max=190, hr_rest=50, sex="x")


def test_edwards_zones(trimp_reference):
    assert trimp_reference["edwards"]["weights"] == [1, 2, 3, 4, 5]
    # 60 min at 75 % HRmax (zone 3) = 180; 10 min below 50 % adds nothing
    hr = np.concatenate([np.full(3600, 0.75 * 200), np.full(600, 0.4 * 200)])
    assert trimp_edwards(hr, hr_max=200) == pytest.approx(180.0)
    hr = np.full(600, 0.95 * 200)  # 10 min in zone 5
    assert trimp_edwards(hr, hr_max=200) == pytest.approx(50.0)


def test_rtss_one_hour_at_threshold_is_100():
    assert rtss(4.0, 3600, threshold_speed=4.0) == pytest.approx(100.0)
    assert rtss(2.0, 3600, threshold_speed=4.0) == pytest.approx(25.0)
    assert rtss(None, 3600, threshold_speed=4.0) is None
    with pytest.raises(ValueError, match="threshold"):
        rtss(4.0, 3600, threshold_speed=0.0)


def test_session_rpe(trimp_reference):
    assert "duration_min" in trimp_reference["session_rpe"]["formula"]
    assert session_rpe(7, 3600) == pytest.approx(420.0)
    assert session_rpe(None, 3600) is None
    with pytest.raises(ValueError, match="CR-10"):
        session_rpe(12, 3600)
