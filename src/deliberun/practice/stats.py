"""Small-sample statistics for the practice loop: arm effects, permutation tests, trends.

Everything here takes numpy arrays and a ``numpy.random.Generator`` (seeded by the
caller, so every verdict is reproducible) and returns plain floats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as sstats

#: Decision thresholds. 90% intervals are shown everywhere (task convention); a verdict
#: also needs the permutation p-value at or below ``alpha``. With two directions to
#: claim, alpha = 0.025 keeps the expected false-claim rate at 2.5%, leaving margin under
#: the 5% budget for what the model gets wrong (trend shape, serial correlation); see
#: docs/benchmarks.md "Advice validity" for the measured rates.
DECISION = {"interval_level": 0.90, "alpha": 0.025, "power": 0.80, "permutations": 1999}


@dataclass(frozen=True)
class ArmEffect:
    """Effect of arm B vs arm A after removing a linear trend.

    ``effect`` is in the outcome's unit (B minus A); ``interval_90`` from the OLS
    standard error and Student's t; ``p_value`` two-sided from a Freedman-Lane
    permutation test; ``se`` the standard error; ``resid_sd`` the residual SD.
    """

    effect: float
    interval_90: tuple[float, float]
    p_value: float
    se: float
    resid_sd: float
    n_a: int
    n_b: int
    p_t: float = 1.0  # the t-test p-value (with the serial widening when asked)
    dof: int = 0


def _design(arm: np.ndarray, covariate: np.ndarray | None) -> np.ndarray:
    cols = [np.ones_like(arm, dtype=float)]
    if covariate is not None:
        c = np.asarray(covariate, dtype=float)
        c2 = c.reshape(len(arm), -1)  # one or several covariate columns
        cols.extend(c2[:, j] - c2[:, j].mean() for j in range(c2.shape[1]))
    cols.append(arm.astype(float))
    return np.column_stack(cols)


def arm_effect(
    outcome: np.ndarray,
    arm: np.ndarray,
    covariate: np.ndarray | None,
    rng: np.random.Generator,
    *,
    permutations: int = int(DECISION["permutations"]),
    level: float = DECISION["interval_level"],
    serial: bool = False,
) -> ArmEffect:
    """Effect of the arm indicator on ``outcome``, adjusted for a linear ``covariate``.

    Fits ``outcome ~ 1 + covariate + arm`` by least squares (the covariate is the
    fitness trend: days since start, or chronic load). The p-value comes from the
    Freedman-Lane procedure [1]_: residuals of the reduced model ``outcome ~ 1 +
    covariate`` are permuted, added back to its fitted values and the arm t-statistic
    recomputed; this stays valid when the arm is correlated with the trend (before/after).

    Parameters
    ----------
    outcome : values, one per session [outcome unit].
    arm : 0 for arm A (baseline), 1 for arm B (the change).
    covariate : the trend variable (e.g. days), a 2-D array of several covariates
        (days and weekday indicators), or None for no adjustment.
    rng : random generator for the permutations.
    permutations : 0 skips the permutation test (``p_value`` is then the t-test p).
    serial : the values are in time order and the arms are blocks in time (before/after):
        allow for serial correlation. The lag-1 autocorrelation r of the residuals
        (bias-corrected as (n r + 1) / (n - 3), from E[r] = rho - (1 + 3 rho) / n,
        Kendall M.G. (1954) Biometrika 41:403-404; plus one standard error,
        1/sqrt(n), as it comes from few values; clipped to [0, 0.9]) widens the standard error by
        sqrt((1 + r) / (1 - r)) (the AR(1) variance inflation, e.g. Wilks 2011,
        Statistical Methods in the Atmospheric Sciences, 5.2.4) and the p-value is the
        larger of the permutation p and the widened t-test p.

    Returns
    -------
    ArmEffect

    References
    ----------
    .. [1] Freedman D., Lane D. (1983) A nonstochastic interpretation of reported
       significance levels. J Bus Econ Stat 1(4):292-298. doi:10.1080/07350015.1983.10509354
    """
    y = np.asarray(outcome, dtype=float)
    a = np.asarray(arm).astype(int)
    if y.shape != a.shape or y.ndim != 1:
        raise ValueError("outcome and arm must be 1-D arrays of the same length")
    n_a, n_b = int((a == 0).sum()), int((a == 1).sum())
    if n_a < 2 or n_b < 2:
        raise ValueError(f"need at least 2 sessions per arm (have {n_a} and {n_b})")
    x = _design(a, covariate)
    n, k = x.shape
    if n - k < 1 or np.linalg.matrix_rank(x) < k:
        raise ValueError("too few sessions to separate the change from the trend")
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    resid = y - x @ beta
    dof = n - k
    sigma2 = float(resid @ resid) / dof
    se = float(np.sqrt(max(sigma2, 0.0) * xtx_inv[-1, -1]))
    effect = float(beta[-1])
    tq = float(sstats.t.ppf(0.5 + level / 2.0, dof))

    t_obs = effect / se if se > 0 else (np.inf if effect != 0 else 0.0)
    if permutations <= 0:
        p_t0 = float(2 * sstats.t.sf(abs(t_obs), dof)) if np.isfinite(t_obs) else 0.0
        return _serial(y, a, resid, effect, se, p_t0, dof, tq, serial, sigma2, n_a, n_b)
    # Freedman-Lane permutation of reduced-model residuals, all permutations at once.
    xr = x[:, :-1]
    br = np.linalg.lstsq(xr, y, rcond=None)[0]
    fit_r = xr @ br
    res_r = y - fit_r
    idx = np.argsort(rng.random((permutations, n)), axis=1)
    ystar = fit_r[None, :] + res_r[idx]  # (B, n)
    bstar = ystar @ (x @ xtx_inv)  # (B, k)
    rstar = ystar - bstar @ x.T
    s2star = np.einsum("ij,ij->i", rstar, rstar) / dof
    tstar = bstar[:, -1] / np.sqrt(np.maximum(s2star, 1e-300) * xtx_inv[-1, -1])
    p = (1 + int(np.sum(np.abs(tstar) >= abs(t_obs) - 1e-12))) / (permutations + 1)
    return _serial(y, a, resid, effect, se, p, dof, tq, serial, sigma2, n_a, n_b)


def _serial(
    y: np.ndarray,
    a: np.ndarray,
    resid: np.ndarray,
    effect: float,
    se: float,
    p: float,
    dof: int,
    tq: float,
    serial: bool,
    sigma2: float,
    n_a: int,
    n_b: int,
) -> ArmEffect:
    """The AR(1) widening of ``arm_effect`` (see there) and the result."""
    n = len(y)
    interval = (effect - tq * se, effect + tq * se)
    if serial and n > 4:
        r = float(np.corrcoef(resid[:-1], resid[1:])[0, 1])
        r = (n * r + 1.0) / (n - 3) if np.isfinite(r) else 0.0  # Kendall's bias correction
        r += 1.0 / np.sqrt(n)  # and its one-SE upper bound: r is estimated from few values
        r = min(max(r, 0.0), 0.9)
        se *= float(np.sqrt((1 + r) / (1 - r)))
        interval = (effect - tq * se, effect + tq * se)
    p_t = float(2 * sstats.t.sf(abs(effect) / se, dof)) if se > 0 else float(effect == 0)
    if serial and n > 4:
        p = max(p, p_t)
    sd = float(np.sqrt(sigma2))
    return ArmEffect(effect, interval, float(p), se, sd, n_a, n_b, p_t, dof)


def sessions_needed(
    n: int,
    se: float,
    delta: float,
    *,
    alpha: float = DECISION["alpha"],
    power: float = DECISION["power"],
) -> int:
    """More sessions needed so an effect of ``delta`` is found with the given power.

    The standard error of the arm effect shrinks as 1/sqrt(N) for the same design, so
    the N needed is ``n * (se / se_needed)**2`` with ``se_needed = delta / (z_{1-alpha/2}
    + z_power)`` (normal approximation, e.g. Cohen 1988, ch. 2). Returns 0 when the
    current data already have that power.
    """
    if delta <= 0 or not np.isfinite(se) or se <= 0:
        return 0
    z = float(sstats.norm.ppf(1 - alpha / 2) + sstats.norm.ppf(power))
    se_needed = delta / z
    total = n * (se / se_needed) ** 2
    return max(0, int(np.ceil(total - n)))


def bootstrap_diff(
    values: np.ndarray,
    group: np.ndarray,
    rng: np.random.Generator,
    *,
    reps: int = 1000,
    level: float = DECISION["interval_level"],
) -> tuple[float, tuple[float, float]]:
    """Mean of ``values`` in group 1 minus group 0, with a percentile bootstrap interval.

    Resamples within each group (stratified) ``reps`` times [1]_.

    References
    ----------
    .. [1] Efron B., Tibshirani R. (1993) An Introduction to the Bootstrap, ch. 13.
       Chapman & Hall. doi:10.1201/9780429246593
    """
    v = np.asarray(values, dtype=float)
    g = np.asarray(group).astype(bool)
    v1, v0 = v[g], v[~g]
    if len(v1) == 0 or len(v0) == 0:
        raise ValueError("both groups need at least one value")
    diff = float(v1.mean() - v0.mean())
    b1 = v1[rng.integers(0, len(v1), (reps, len(v1)))].mean(axis=1)
    b0 = v0[rng.integers(0, len(v0), (reps, len(v0)))].mean(axis=1)
    d = b1 - b0
    lo, hi = np.quantile(d, [0.5 - level / 2, 0.5 + level / 2])
    return diff, (float(lo), float(hi))


@dataclass(frozen=True)
class Trend:
    """A robust linear trend: ``slope`` per day with its 90% interval, and the fit."""

    slope_per_day: float
    interval_90: tuple[float, float]
    intercept: float
    n: int

    def at(self, day: float) -> float:
        return self.intercept + self.slope_per_day * day


def robust_trend(days: np.ndarray, values: np.ndarray, level: float = 0.90) -> Trend:
    """Theil-Sen slope [1]_ with Sen's confidence interval (scipy ``theilslopes``).

    Robust to a few odd sessions (a hot day, a GPS glitch). Needs 3 points.

    References
    ----------
    .. [1] Sen P.K. (1968) Estimates of the regression coefficient based on Kendall's
       tau. J Am Stat Assoc 63(324):1379-1389. doi:10.1080/01621459.1968.10480934
    """
    d = np.asarray(days, dtype=float)
    v = np.asarray(values, dtype=float)
    if len(d) < 3 or len(np.unique(d)) < 2:
        raise ValueError("a trend needs at least 3 values on 2 different days")
    res = sstats.theilslopes(v, d, alpha=level)
    return Trend(float(res[0]), (float(res[2]), float(res[3])), float(res[1]), len(d))


# --------------------------------------------------------------------------- sequential looks

#: Two-sided nominal level of the final look; per-look levels follow from it (below).
FINAL_ALPHA = DECISION["alpha"]


def sequential_alpha(info: float, alpha: float = FINAL_ALPHA) -> float:
    """Two-sided nominal p-value a look at information fraction ``info`` must reach.

    Lan-DeMets O'Brien-Fleming-type spending [1]_ in its continuous-monitoring form:
    the boundary on the z statistic is ``|z| >= c / sqrt(info)`` with ``c =
    z_{1-alpha/2}``. In information time the score statistic is a Brownian motion
    ``W`` and ``|z| >= c/sqrt(t)`` is ``|W(t)| >= c``, which by the reflection principle
    is crossed (in each direction) with probability at most ``2 (1 - Phi(c)) = alpha``
    however often one looks; the spending function ``2 - 2 Phi(c / sqrt(t))`` is
    exactly Lan & DeMets' O'Brien-Fleming form. So a claim in either direction has
    probability at most ``2 * alpha`` (5% for alpha = 0.025) under looks at any times
    (weekly reviews included), and the last look (``info = 1``) uses ``alpha`` itself.
    ``info`` is the share of the planned sessions analysed (clipped to (0, 1]).

    References
    ----------
    .. [1] Lan K.K.G., DeMets D.L. (1983) Discrete sequential boundaries for clinical
       trials. Biometrika 70(3):659-663. doi:10.1093/biomet/70.3.659
    """
    t = min(max(info, 1e-6), 1.0)
    c = float(sstats.norm.ppf(1 - alpha / 2))
    return float(2 * sstats.norm.sf(c / np.sqrt(t)))


def design_se(
    days: np.ndarray, arm: np.ndarray, sd: float, extra: np.ndarray | None = None
) -> float:
    """Standard error of the arm effect for a design (trend + optional covariates + arm)
    when the residual SD is ``sd``: ``sd * sqrt((X'X)^-1)`` of the arm column."""
    d = np.asarray(days, dtype=float)
    cov = d[:, None] if extra is None else np.column_stack([d, extra])
    x = _design(np.asarray(arm), cov)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return float("inf")
    return float(sd * np.sqrt(np.linalg.inv(x.T @ x)[-1, -1]))


def detectable_effect(
    se: float, dof: int, *, alpha: float = FINAL_ALPHA, power: float = DECISION["power"]
) -> float:
    """Smallest effect found with probability ``power`` at the last look: ``(t_{1-alpha/2}
    + t_power) * se`` with Student's t on ``dof`` degrees of freedom (Cohen 1988, ch. 2)."""
    dof = max(dof, 1)
    return float((sstats.t.ppf(1 - alpha / 2, dof) + sstats.t.ppf(power, dof)) * se)


def residual_sd(days: np.ndarray, values: np.ndarray) -> float | None:
    """SD of ``values`` about a straight line in ``days`` (the runner's own session-to-
    session variability in an outcome), or None with fewer than 6 values."""
    d = np.asarray(days, dtype=float)
    v = np.asarray(values, dtype=float)
    if len(v) < 6:
        return None
    x = np.column_stack([np.ones_like(d), d - d.mean()])
    beta = np.linalg.lstsq(x, v, rcond=None)[0]
    r = v - x @ beta
    return float(np.sqrt(r @ r / (len(v) - 2)))
