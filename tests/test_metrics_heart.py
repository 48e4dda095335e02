"""HR zones, decoupling and efficiency factor (misc.json definitions)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deliberun.metrics.heart import (
    aerobic_decoupling,
    efficiency_factor,
    hr_zone_bounds,
    normalized_graded_speed,
    time_in_zones,
)


def test_zone_bounds_per_model():
    np.testing.assert_allclose(hr_zone_bounds("hrmax", hr_max=200), [100, 120, 140, 160, 180])
    np.testing.assert_allclose(
        hr_zone_bounds("hrr", hr_max=200, hr_rest=50), [125, 140, 155, 170, 185]
    )
    np.testing.assert_allclose(
        hr_zone_bounds("lthr", hr_max=200, threshold_hr=170), [0, 144.5, 153, 161.5, 170]
    )
    with pytest.raises(ValueError, match="unknown HR zone model"):
        hr_zone_bounds("polar", hr_max=200)
    with pytest.raises(ValueError, match="resting"):
        hr_zone_bounds("hrr", hr_max=200)


def test_time_in_zones_sums_to_time_with_hr():
    hr = np.array([90, 110, 130, 150, 170, 190, np.nan, 185])
    z = time_in_zones(hr, [100, 120, 140, 160, 180])
    assert z == [2.0, 1.0, 1.0, 1.0, 2.0]
    assert sum(z) == 7.0


def test_decoupling_definition(reference_dir):
    d = json.loads((reference_dir / "misc.json").read_text())["decoupling"]
    assert "100 * (ratio1 - ratio2) / ratio1" in d["definition"]
    # same speed, HR rises from 140 to 147 in the second half: ratio falls 1/1.05
    speed = np.full(3600, 3.0)
    hr = np.concatenate([np.full(1800, 140.0), np.full(1800, 147.0)])
    expected = 100 * (3 / 140 - 3 / 147) / (3 / 140)
    assert aerobic_decoupling(speed, hr) == pytest.approx(expected)
    assert expected == pytest.approx(4.7619, abs=1e-4)
    # steady -> 0; too short -> None
    assert aerobic_decoupling(speed, np.full(3600, 140.0)) == pytest.approx(0.0)
    assert aerobic_decoupling(speed[:100], hr[:100]) is None


def test_efficiency_factor_and_ngs():
    v = np.full(1800, 3.0)
    assert normalized_graded_speed(v) == pytest.approx(3.0)
    # surges weigh more than the plain mean
    surges = np.tile(np.r_[np.full(60, 5.0), np.full(60, 2.0)], 15)
    assert normalized_graded_speed(surges) > surges.mean()
    assert efficiency_factor(3.0, 150.0) == pytest.approx(1.2)  # 180 m/min / 150 bpm
    assert efficiency_factor(None, 150.0) is None
