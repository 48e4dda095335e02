"""Banister impulse-response fit: recover known parameters from model data plus noise."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from deliberun.models import banister as ban
from deliberun.models.load import load_weight


def _synthetic(noise_sd, n_perf=40, seed=1):
    rng = np.random.default_rng(seed)
    n = 400
    load = rng.gamma(2, 30, n)
    load[rng.random(n) < 0.2] = 0
    # a build and a taper so fitness and fatigue are separable
    load[150:250] *= 1.6
    load[250:265] *= 0.3
    truth = ban.BanisterFit(40.0, 0.004, 0.012, 42.0, 7.0, 0, 0, 0, False)
    days = np.sort(rng.choice(np.arange(60, n), n_perf, replace=False))
    perf = truth.performance(load)[days] + rng.normal(0, noise_sd, days.size)
    return load, days, perf, truth


def test_impulse_response_counts_only_earlier_days():
    g = ban.impulse_response([10.0, 0.0, 0.0], tau=10.0)
    a = np.exp(-0.1)
    np.testing.assert_allclose(g, [0.0, 10 * a, 10 * a * a])


def test_recovers_gains_with_fixed_time_constants():
    load, days, perf, truth = _synthetic(noise_sd=0.2)
    fit = ban.fit_banister(load, days, perf, tau1=42, tau2=7)
    assert fit.p0 == pytest.approx(truth.p0, abs=0.5)
    assert fit.k1 == pytest.approx(truth.k1, rel=0.15)
    assert fit.k2 == pytest.approx(truth.k2, rel=0.15)
    assert fit.r2 > 0.9 and fit.rmse == pytest.approx(0.2, rel=0.4)
    assert not fit.taus_fitted and fit.warnings == []


def test_recovers_time_constants_when_fitted():
    load, days, perf, truth = _synthetic(noise_sd=0.05, n_perf=60)
    fit = ban.fit_banister(load, days, perf, tau1=None, tau2=None)
    assert fit.taus_fitted
    assert fit.tau1 == pytest.approx(truth.tau1, rel=0.2)
    assert fit.tau2 == pytest.approx(truth.tau2, rel=0.25)
    assert fit.r2 > 0.98


def test_too_few_performances():
    load, days, perf, _ = _synthetic(noise_sd=0.2)
    with pytest.warns(UserWarning, match="very uncertain"):
        fit = ban.fit_banister(load, days[:5], perf[:5])
    assert fit.warnings
    with pytest.raises(ValueError, match="at least 4"):
        ban.fit_banister(load, days[:3], perf[:3])
    with pytest.raises(ValueError, match="outside the load series"):
        ban.fit_banister(load[:10], days[:6], perf[:6])


def test_projection_to_race_day():
    load, days, perf, truth = _synthetic(noise_sd=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ban.fit_banister(load, days, perf)
    taper = np.full(14, 20.0)
    out = ban.project(fit, load, taper, (load_weight(42), load_weight(7)))
    expected = truth.performance(np.r_[load, taper])[-1]
    assert out["performance"] == pytest.approx(expected, abs=0.05)
    assert len(out["performance_series"]) == 14
    # a taper after heavy training raises form
    heavy = ban.project(fit, load, np.full(14, 150.0), (load_weight(42), load_weight(7)))
    assert out["form"] > heavy["form"]
