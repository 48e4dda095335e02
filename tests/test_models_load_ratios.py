"""ACWR, monotony/strain, weekly volume and ramp rate (../shared/reference/load.json)."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from numpy.testing import assert_allclose

from deliberun.models import load_ratios as lr


def test_monotony_strain_reference_vector(reference_dir):
    # Foster 1998 / Runalyze Monotony.php: population SD, rest days included
    vec = json.loads((reference_dir / "load.json").read_text())["monotony_strain"]["vector"]
    mono, strain = lr.monotony_strain(vec["week"])
    assert mono[-1] == pytest.approx(vec["monotony_population"], abs=5e-4)
    assert strain[-1] == pytest.approx(vec["strain_population"], abs=1.0)
    assert np.isnan(mono[:6]).all()


def test_monotony_undefined_for_identical_days():
    mono, strain = lr.monotony_strain([50.0] * 7)
    assert np.isnan(mono[-1]) and np.isnan(strain[-1])


def test_acwr_rolling_coupled_and_uncoupled():
    x = np.r_[np.full(21, 10.0), np.full(7, 40.0)]
    coupled = lr.acwr(x, "rolling_coupled")
    uncoupled = lr.acwr(x, "rolling_uncoupled")
    assert np.isnan(coupled[:27]).all()
    # acute 40; chronic coupled (21*10 + 7*40)/28 = 17.5; uncoupled 10
    assert coupled[-1] == pytest.approx(40 / 17.5)
    assert uncoupled[-1] == pytest.approx(4.0)


def test_acwr_ewma_is_ratio_of_williams_averages():
    rng = np.random.default_rng(0)
    x = rng.gamma(2, 30, 60)
    acute, chronic = 0.0, 0.0
    for v in x:
        acute = 0.25 * v + 0.75 * acute  # lambda = 2/(7+1)
        chronic = (2 / 29) * v + (1 - 2 / 29) * chronic  # lambda = 2/(28+1)
    r = lr.acwr(x, "ewma")
    assert r[-1] == pytest.approx(acute / chronic)
    with pytest.raises(ValueError, match="unknown ACWR model"):
        lr.acwr(x, "magic")


def test_weekly_totals_and_change():
    days = [date(2026, 3, 2), date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 20)]
    weeks, totals = lr.weekly_totals(days, [10, 5, 30, None], date(2026, 3, 4), date(2026, 3, 21))
    assert weeks == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert totals.tolist() == [15.0, 30.0, 0.0]
    assert_allclose(lr.relative_change(totals)[1:], [100.0, -100.0])


def test_ramp_rate():
    r = lr.ramp_rate(np.arange(10.0), days=7)
    assert np.isnan(r[:7]).all()
    assert r[7:].tolist() == [7.0, 7.0, 7.0]


def test_no_acwr_without_a_chronic_history() -> None:
    """No ratio in the first 27 days, during a 14+ day break and for 28 days after it:
    one run after 7 weeks off would otherwise read ACWR 4."""
    from deliberun.models.load_ratios import acwr, acwr_with_history, chronic_history_mask

    load = np.array([50.0] * 60 + [0.0] * 49 + [40.0] + [0.0] * 5 + [50.0] * 40)
    assert np.nanmax(acwr(load)[109:115]) >= 4.0  # the raw ratio after the test run
    ok = chronic_history_mask(load)
    assert not ok[:27].any() and ok[27:60].all()
    assert not ok[60 + 13 : 109 + 28].any() and ok[109 + 28 :].all()
    masked = acwr_with_history(load)
    assert np.isnan(masked[109:137]).all() and np.isfinite(masked[140:]).all()
