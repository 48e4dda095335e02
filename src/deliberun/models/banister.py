"""Banister impulse-response model fitted to the runner's performances.

``p(t) = p0 + k1 · Σ_{s<t} w(s) e^{−(t−s)/τ1} − k2 · Σ_{s<t} w(s) e^{−(t−s)/τ2}``
(Banister et al. 1975; Morton, Fitz-Clarke & Banister 1990): performance is a
baseline plus a slowly decaying fitness effect minus a quickly decaying
fatigue effect of the daily training load ``w``. Here performance is VDOT of
races and best efforts. For fixed time constants the model is linear in
(p0, k1, k2), solved by bounded linear least squares; the time constants are
either fixed (a setting) or found by minimising the profiled residual sum of
squares with ``scipy.optimize.minimize`` (variable projection; Clarke & Skiba
2013 discuss the fitting pitfalls).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.signal import lfilter

#: Time constants [days]. Sources: Runalyze Model/BanisterModel.php (42/7, citing
#: Morton et al. 1990 for running); GoldenCheetah src/Metrics/Banister.cpp (50/11 fixed,
#: k1 and k2 fitted). Bounds for fitting are ours (physiologically plausible range).
BANISTER_PARAMETERS: dict[str, dict[str, Any]] = {
    "runalyze": {"tau1": 42.0, "tau2": 7.0, "source": "Runalyze BanisterModel.php"},
    "goldencheetah": {"tau1": 50.0, "tau2": 11.0, "source": "GoldenCheetah Banister.cpp"},
    "fit_bounds": {"tau1": (15.0, 90.0), "tau2": (2.0, 30.0), "source": "deliberun choice"},
}

#: Fewer performances than this and the fit is reported with a warning.
MIN_PERFORMANCES = 8


def impulse_response(load: ArrayLike, tau: float) -> NDArray[np.float64]:
    """``g(t) = Σ_{s<t} w(s) e^{−(t−s)/τ}`` for each day t (training strictly before t).

    Parameters
    ----------
    load : array_like
        Daily load, oldest first [load units].
    tau : float
        Time constant [days].

    Returns
    -------
    numpy.ndarray
        Same length as ``load`` [load units].
    """
    w = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    a = math.exp(-1.0 / tau)
    h = lfilter([1.0], [1.0, -a], w)  # h_t = sum_{s<=t} a^(t-s) w_s
    g = np.zeros_like(w)
    g[1:] = a * h[:-1]
    return g


@dataclass
class BanisterFit:
    """Fitted parameters, goodness of fit and warnings."""

    p0: float
    k1: float
    k2: float
    tau1: float
    tau2: float
    r2: float
    rmse: float
    n: int
    taus_fitted: bool
    warnings: list[str] = field(default_factory=list)

    def performance(self, load: ArrayLike) -> NDArray[np.float64]:
        """Modelled performance for every day of ``load`` (same units as the fitted data)."""
        return (
            self.p0
            + self.k1 * impulse_response(load, self.tau1)
            - self.k2 * impulse_response(load, self.tau2)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "p0": self.p0,
            "k1": self.k1,
            "k2": self.k2,
            "tau1_days": self.tau1,
            "tau2_days": self.tau2,
            "r2": self.r2,
            "rmse": self.rmse,
            "n": self.n,
            "taus_fitted": self.taus_fitted,
            "warnings": self.warnings,
        }


def _solve_linear(
    g1: NDArray[np.float64], g2: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float]:
    """Least squares for (p0, k1, k2) with k1, k2 >= 0.

    With two bounded gains the exact solution is the best feasible one among the four
    active sets (both gains free, one fixed at 0, both at 0): a few tiny ``lstsq`` calls,
    much faster than a general bounded solver inside the time-constant search.
    """
    a = np.column_stack([np.ones_like(g1), g1, -g2])
    scale = np.maximum(np.abs(a).max(axis=0), 1e-12)
    a_s = a / scale
    best: tuple[NDArray[np.float64], float] | None = None
    for free in ((0, 1, 2), (0, 1), (0, 2), (0,)):
        cols = list(free)
        sol = np.linalg.lstsq(a_s[:, cols], y, rcond=None)[0]
        coef = np.zeros(3)
        coef[cols] = sol
        if coef[1] < 0 or coef[2] < 0:
            continue
        rss = float(np.sum((a_s @ coef - y) ** 2))
        if best is None or rss < best[1]:
            best = (coef / scale, rss)
        if free == (0, 1, 2):
            break  # the unconstrained optimum is feasible: it is the answer
    assert best is not None  # the intercept-only set is always feasible
    return best


def fit_banister(
    load: ArrayLike,
    days: ArrayLike,
    performance: ArrayLike,
    tau1: float | None = 42.0,
    tau2: float | None = 7.0,
) -> BanisterFit:
    """Fit the Banister impulse-response model to performances.

    Parameters
    ----------
    load : array_like
        Daily load, oldest first, covering every performance day [load units].
    days : array_like of int
        Index into ``load`` of the day of each performance.
    performance : array_like
        Performance on those days (e.g. VDOT [ml/kg/min]).
    tau1, tau2 : float or None
        Fitness and fatigue time constants [days]; ``None`` fits them within
        :data:`BANISTER_PARAMETERS` ``fit_bounds``.

    Returns
    -------
    BanisterFit
        With R², RMSE (performance units) and a warning (also issued with
        ``warnings.warn``) when there are fewer than :data:`MIN_PERFORMANCES` points.

    References
    ----------
    .. [1] Banister EW, Calvert TW, Savage MV, Bach T. A systems model of training for
       athletic performance. Aust J Sports Med 1975;7:57-61.
    .. [2] Morton RH, Fitz-Clarke JR, Banister EW. Modeling human performance in running.
       J Appl Physiol 1990;69(3):1171-1177. doi:10.1152/jappl.1990.69.3.1171
    .. [3] Clarke DC, Skiba PF. Rationale and resources for teaching the mathematical
       modeling of athletic training and performance. Adv Physiol Educ 2013;37:134-152.
    """
    w = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    idx = np.asarray(days, dtype=int)
    y = np.asarray(performance, dtype=float)
    if idx.shape != y.shape or idx.ndim != 1:
        raise ValueError("days and performance must be 1-D and of equal length")
    if idx.size and (idx.min() < 0 or idx.max() >= w.size):
        raise ValueError("a performance day lies outside the load series; extend the load series")
    fit_taus = tau1 is None or tau2 is None
    n_params = 5 if fit_taus else 3
    if y.size < n_params + 1:
        raise ValueError(
            f"the Banister model needs at least {n_params + 1} performances, got {y.size}; "
            "log more races or best efforts"
        )
    notes: list[str] = []
    if y.size < MIN_PERFORMANCES:
        msg = (
            f"only {y.size} performances: the Banister fit is very uncertain "
            f"(want {MIN_PERFORMANCES} or more)"
        )
        warnings.warn(msg, UserWarning, stacklevel=2)
        notes.append(msg)

    def profile(t1: float, t2: float) -> tuple[NDArray[np.float64], float]:
        return _solve_linear(impulse_response(w, t1)[idx], impulse_response(w, t2)[idx], y)

    if fit_taus:
        (b1lo, b1hi), (b2lo, b2hi) = (
            BANISTER_PARAMETERS["fit_bounds"]["tau1"],
            BANISTER_PARAMETERS["fit_bounds"]["tau2"],
        )
        grid = [
            (t1, t2)
            for t1 in np.linspace(b1lo, b1hi, 8)
            for t2 in np.linspace(b2lo, b2hi, 8)
            if t2 < t1
        ]
        start = min(grid, key=lambda p: profile(*p)[1])
        res = minimize(
            lambda p: profile(p[0], p[1])[1],
            x0=np.array(start),
            method="L-BFGS-B",
            bounds=[(b1lo, b1hi), (b2lo, b2hi)],
        )
        t1, t2 = float(res.x[0]), float(res.x[1])
    else:
        t1, t2 = float(tau1), float(tau2)  # type: ignore[arg-type]
        if not (t1 > 0 and t2 > 0):
            raise ValueError("Banister time constants must be positive days")
    coef, rss = profile(t1, t2)
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - rss / tss if tss > 0 else math.nan
    rmse = math.sqrt(rss / y.size)
    return BanisterFit(
        float(coef[0]),
        float(coef[1]),
        float(coef[2]),
        t1,
        t2,
        r2,
        rmse,
        int(y.size),
        fit_taus,
        notes,
    )


def project(
    fit: BanisterFit,
    history: ArrayLike,
    planned: ArrayLike,
    form_weights: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Project performance (and form) to the end of a planned load.

    Parameters
    ----------
    fit : BanisterFit
    history : array_like
        Daily load so far, oldest first, ending yesterday... or today [load units].
    planned : array_like
        Planned daily load from the next day up to and including race day.
    form_weights : (float, float), optional
        Fitness and fatigue weights (:func:`deliberun.models.load.load_weight`) to
        also project form = fitness − fatigue (TrainingPeaks convention: the form
        you start race day with).

    Returns
    -------
    dict
        ``performance`` (on race day), ``performance_series`` (every planned day),
        and ``form`` when ``form_weights`` is given.
    """
    h = np.nan_to_num(np.asarray(history, dtype=float), nan=0.0)
    p = np.nan_to_num(np.asarray(planned, dtype=float), nan=0.0)
    if p.size == 0:
        raise ValueError("the planned load must cover at least race day")
    full = np.concatenate([h, p])
    perf = fit.performance(full)[h.size :]
    out: dict[str, Any] = {"performance": float(perf[-1]), "performance_series": perf}
    if form_weights is not None:
        from deliberun.models.load import ewma

        wc, wa = form_weights
        before_race = full[:-1]
        ctl = ewma(before_race, wc)
        atl = ewma(before_race, wa)
        out["form"] = float(ctl[-1] - atl[-1]) if before_race.size else 0.0
    return out
