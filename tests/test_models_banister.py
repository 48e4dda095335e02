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


def test_gains_stay_non_negative_and_match_a_bounded_solver():
    from scipy.optimize import lsq_linear

    rng = np.random.default_rng(5)
    load = rng.gamma(2, 30, 300)
    days = np.sort(rng.choice(np.arange(30, 300), 30, replace=False))
    # performance falls with fitness: the unconstrained k1 would be negative
    perf = 50 - 0.002 * ban.impulse_response(load, 42)[days] + rng.normal(0, 0.1, days.size)
    fit = ban.fit_banister(load, days, perf, 42, 7)
    assert fit.k1 >= 0 and fit.k2 >= 0
    g1 = ban.impulse_response(load, 42)[days]
    g2 = ban.impulse_response(load, 7)[days]
    a = np.column_stack([np.ones_like(g1), g1, -g2])
    ref = lsq_linear(a, perf, bounds=([-np.inf, 0, 0], [np.inf, np.inf, np.inf]), tol=1e-12)
    ours = np.array([fit.p0, fit.k1, fit.k2])
    assert np.sum((a @ ours - perf) ** 2) <= np.sum((a @ ref.x - perf) ** 2) + 1e-9
