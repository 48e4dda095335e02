"""The nemesis cause test: every cause and level at once, within periods of time.

Each candidate cause is a value per session: a numeric cause signed so that high is
adverse (temperature, the 48 h load, minus sleep, ...), or the indicator of one level of
weekday or time of day. Inside each period of :data:`PERIOD_DAYS` days the value is
replaced by its residual from a straight line in time (the period's own mean and
trend), and the outcome is regressed on these residuals pooled over all periods (a
stratified regression: Frisch-Waugh-Lovell, the coefficient of the cause in
``outcome ~ cause + period + period x day``). The effect is that coefficient times the
difference in the cause between its adverse and favourable halves (a level: times 1),
in the unit of the outcome; it is both tested and reported. The regression uses every
session's value, not only which half it falls in (a median split throws away about a
third of the information: Cohen J. (1983) Appl Psychol Meas 7(3):249-253).

Three things a plain permutation test gets wrong are paid for here:

- choosing the best of many causes and levels: the p-value is adjusted by the
  single-step max-T permutation method (Westfall P.H., Young S.S. (1993)
  *Resampling-Based Multiple Testing*, Wiley, ch. 2): every permutation recomputes the
  statistic of every cause and level, each standardised by its own permutation mean and
  SD, and the adjusted p of a cause is the share of permutations whose *largest*
  standardised statistic reaches the cause's own;
- seasons and slow states (fitness, a hot summer): a cause is compared only within its
  period and only in its departures from the period's trend in time, so a cause and an
  outcome that both drift with the calendar (temperature and a summer slump) cannot
  stand out; a cause that only differs between or along the seasons is not examinable;
- the order of sessions in time: outcomes are permuted only within each period (a
  restricted, "within-block" permutation: Good P. (2005) *Permutation, Parametric and
  Bootstrap Tests of Hypotheses*, 3rd ed., Springer, 3.6; Anderson M.J., ter Braak
  C.J.F. (2003) J Stat Comput Simul 73(2):85-113).

The 90% interval is a percentile bootstrap of the same statistic, resampling sessions
within each period (Efron & Tibshirani 1993, ch. 13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: Length of the periods inside which causes are compared and outcomes permuted [days]:
#: 8 weeks, short against the seasons and the months a fitness trend takes, long enough
#: to hold several attempts of a weekly workout.
PERIOD_DAYS = 56


@dataclass
class Hypothesis:
    """One cause (or level): its adverse-up value per session, detrended within periods.

    ``adverse`` marks the adverse half (above the period's median of the detrended value,
    or the level itself); ``contrast`` (after :meth:`prepare`) is the vector ``c`` with
    ``stat(y) = y @ c``.
    """

    cause: str
    words: str
    used: np.ndarray  # bool, the sessions where the cause is known
    adverse: np.ndarray  # bool, the adverse group (subset of ``used``)
    value: np.ndarray | None = None  # adverse-up value (None: the indicator of ``adverse``)
    contrast: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scale: float = 1.0
    cells: list[np.ndarray] = field(default_factory=list)

    def prepare(self, periods: np.ndarray, days: np.ndarray | None = None) -> bool:
        """Detrend the value within each period and build the contrast; False when the
        cause cannot be examined (fewer than 2 sessions in either half, no variation)."""
        n = len(self.used)
        days = np.arange(n, dtype=float) if days is None else days.astype(float)
        x = self.adverse.astype(float) if self.value is None else self.value.astype(float)
        resid = np.zeros(n)
        cells: list[np.ndarray] = []
        has = np.zeros(n, dtype=bool)
        for p in np.unique(periods[self.used]):
            idx = np.flatnonzero(self.used & (periods == p))
            r = _detrended(x[idx], days[idx])
            if r is None or np.ptp(r) <= 1e-12:
                continue  # no variation left in this period: nothing to compare
            resid[idx] = r
            cells.append(idx)
            has[idx] = True
        ss = float((resid**2).sum())
        self.adverse = self.adverse & has
        self.cells = cells
        if ss <= 1e-12 or self.n_adverse < 2 or self.n_favourable < 2:
            return False
        if self.value is not None:  # the line's difference between the two halves
            fav = has & ~self.adverse
            self.scale = float(resid[self.adverse].mean() - resid[fav].mean())
        self.contrast = self.scale * resid / ss
        return True

    def stat(self, y: np.ndarray) -> np.ndarray:
        """The effect, for ``y`` of shape (n,) or (B, n)."""
        out: np.ndarray = np.atleast_2d(y) @ self.contrast
        return out

    def bootstrap(
        self, y: np.ndarray, rng: np.random.Generator, reps: int = 1000, level: float = 0.90
    ) -> tuple[float, float]:
        """Percentile interval of :meth:`stat`, resampling sessions within each period."""
        x = self.contrast
        num, den = np.zeros(reps), np.zeros(reps)
        for idx in self.cells:
            pick = idx[rng.integers(0, len(idx), (reps, len(idx)))]
            xr, yr = x[pick], y[pick]
            xc = xr - xr.mean(axis=1, keepdims=True)
            num += (xc * yr).sum(axis=1)
            den += (xc**2).sum(axis=1)
        ok = den > 1e-15
        if not ok.any():
            return (float("nan"), float("nan"))
        # contrast = scale * resid / ss, so the slope on it is (effect / scale^2 * ...):
        # rescale so that the full sample gives back stat(y)
        d = num[ok] / den[ok] * float((x**2).sum())
        lo, hi = np.quantile(d, [0.5 - level / 2, 0.5 + level / 2])
        return float(lo), float(hi)

    @property
    def n_adverse(self) -> int:
        return int(self.adverse.sum())

    @property
    def n_favourable(self) -> int:
        inside = np.zeros(len(self.used), dtype=bool)
        for idx in self.cells:
            inside[idx] = True
        return int((inside & ~self.adverse).sum())


def _detrended(x: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    """``x`` minus its least-squares line in ``t`` (its mean with fewer than 4 sessions or
    a single day); None for a single session."""
    if len(x) < 2:
        return None
    if len(x) < 4 or np.ptp(t) <= 0:
        return x - x.mean()
    a = np.column_stack([np.ones(len(t)), t - t.mean()])
    coef, *_ = np.linalg.lstsq(a, x, rcond=None)
    r: np.ndarray = x - a @ coef
    return r


def within_period_split(
    values: np.ndarray, used: np.ndarray, periods: np.ndarray, days: np.ndarray | None = None
) -> np.ndarray:
    """Adverse half: above the period's median of the (adverse-up) value after removing
    the period's trend in time (see :func:`_detrended`)."""
    n = len(values)
    days = np.arange(n, dtype=float) if days is None else days.astype(float)
    adverse = np.zeros(n, dtype=bool)
    for p in np.unique(periods[used]):
        idx = np.flatnonzero(used & (periods == p))
        r = _detrended(values[idx].astype(float), days[idx])
        if r is None:
            continue
        med = float(np.median(r))
        adv = r > med + 1e-12
        if adv.sum() == 0 or adv.sum() == len(r):
            adv = np.zeros(len(r), dtype=bool)  # no variation in this period
        adverse[idx] = adv
    return adverse


@dataclass(frozen=True)
class MaxTResult:
    """Per hypothesis: observed statistic, raw one-sided p, max-T adjusted p, z."""

    stat: np.ndarray
    p_raw: np.ndarray
    p_adjusted: np.ndarray
    z: np.ndarray


def max_t(
    y: np.ndarray,
    hypotheses: Sequence[Hypothesis],
    periods: np.ndarray,
    rng: np.random.Generator,
    permutations: int = 999,
) -> MaxTResult:
    """One-sided (adverse worse) single-step max-T test over ``hypotheses``.

    ``y`` is the outcome per session (higher = worse); permutations shuffle it within
    each period, the same shuffle for every hypothesis (so their dependence is kept).
    """
    n = len(y)
    keys = rng.random((permutations, n)) + periods[None, :].astype(float) * 2.0
    order = np.argsort(keys, axis=1)  # a permutation of positions within each period
    slots = np.argsort(periods, kind="stable")
    perm = np.empty_like(order)
    perm[:, slots] = order  # position i gets the outcome of a session from its own period
    yp = y[perm]
    contrasts = np.column_stack([h.contrast for h in hypotheses])  # (n, H)
    obs = y @ contrasts
    null = yp @ contrasts  # (B, H)
    mu, sd = null.mean(axis=0), null.std(axis=0)
    sd = np.where(sd > 1e-12, sd, np.inf)
    z_obs = (obs - mu) / sd
    z_null = (null - mu) / sd
    max_null = z_null.max(axis=1)
    p_raw = (1 + (null >= obs[None, :] - 1e-12).sum(axis=0)) / (permutations + 1)
    p_adj = (1 + (max_null[:, None] >= z_obs[None, :] - 1e-12).sum(axis=0)) / (permutations + 1)
    return MaxTResult(obs, p_raw.astype(float), p_adj.astype(float), z_obs)
