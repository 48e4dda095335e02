"""Statistics behind the practice verdicts: arm effects, power, bootstrap, trends."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from deliberun.practice.stats import (
    DECISION,
    arm_effect,
    bootstrap_diff,
    robust_trend,
    sessions_needed,
)


def test_arm_effect_recovers_planted_effect_with_trend() -> None:
    rng = np.random.default_rng(1)
    days = np.arange(40, dtype=float) * 3
    arm = (np.arange(40) % 2).astype(int)
    y = 10 - 0.05 * days + 2.0 * arm + rng.normal(0, 0.5, 40)
    est = arm_effect(y, arm, days, np.random.default_rng(2), permutations=499)
    lo, hi = est.interval_90
    assert lo < 2.0 < hi
    assert abs(est.effect - 2.0) < 0.5
    assert est.p_value < 0.01
    assert (est.n_a, est.n_b) == (20, 20)


def test_arm_effect_before_after_trend_is_not_an_effect() -> None:
    # a pure fitness trend, no change: the before/after jump must not be significant
    days = np.arange(20, dtype=float) * 4
    arm = (days >= 40).astype(int)
    y = 10 - 0.1 * days + np.random.default_rng(3).normal(0, 0.3, 20)
    est = arm_effect(y, arm, days, np.random.default_rng(4), permutations=499)
    naive = y[arm == 1].mean() - y[arm == 0].mean()
    assert naive < -3  # an unadjusted comparison would call it a big effect
    assert est.interval_90[0] < 0 < est.interval_90[1] or est.p_value > 0.05


def test_arm_effect_rejects_bad_input() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="per arm"):
        arm_effect(np.ones(5), np.array([0, 0, 0, 0, 1]), None, rng)
    with pytest.raises(ValueError, match="same length"):
        arm_effect(np.ones(5), np.array([0, 1]), None, rng)


def test_sessions_needed_shrinks_with_effect_size() -> None:
    # n * (se / se_needed)^2 - n with se_needed = delta / (z_{1-alpha/2} + z_power)
    z = norm.ppf(1 - DECISION["alpha"] / 2) + norm.ppf(DECISION["power"])
    assert sessions_needed(20, 1.0, 1.01 * z) == 0  # already powered
    big = sessions_needed(20, 1.0, 1.0)
    small = sessions_needed(20, 1.0, 0.5)
    assert big == pytest.approx(20 * z**2 - 20, abs=1)
    assert small > big > 0


def test_bootstrap_diff_interval_covers_truth() -> None:
    rng = np.random.default_rng(5)
    v = np.r_[rng.normal(1.0, 1, 60), rng.normal(0.0, 1, 60)]
    g = np.r_[np.ones(60), np.zeros(60)]
    d, (lo, hi) = bootstrap_diff(v, g, np.random.default_rng(6))
    assert lo < 1.0 < hi and lo < d < hi


def test_robust_trend_ignores_an_outlier() -> None:
    days = np.arange(10, dtype=float)
    vals = 300 - 2 * days
    vals[4] = 500  # one broken session
    tr = robust_trend(days, vals)
    assert tr.slope_per_day == pytest.approx(-2.0)
    assert tr.interval_90[0] <= -2.0 <= tr.interval_90[1]
    with pytest.raises(ValueError, match="at least 3"):
        robust_trend(days[:2], vals[:2])
