"""The nemesis cause test: every cause and level at once, within periods of time.

Each candidate cause splits the attempts of one workout type into an adverse and a
favourable group *within each period* of :data:`PERIOD_DAYS` days (a median split of a
numeric cause inside the period, or one level of weekday or time of day against the
others). The effect is the period-weighted mean of (adverse minus favourable) of the
session outcome, the quantity that is both tested and reported.

Two things a plain permutation test gets wrong are paid for here:

- choosing the best of many causes and levels: the p-value is adjusted by the
  single-step max-T permutation method (Westfall P.H., Young S.S. (1993)
  *Resampling-Based Multiple Testing*, Wiley, ch. 2): every permutation recomputes the
  statistic of every cause and level, each standardised by its own permutation mean and
  SD, and the adjusted p of a cause is the share of permutations whose *largest*
  standardised statistic reaches the cause's own;
- the order of sessions in time (fitness trends, seasons): outcomes are permuted only
  within each period (a restricted, "within-block" permutation: Good P. (2005)
  *Permutation, Parametric and Bootstrap Tests of Hypotheses*, 3rd ed., Springer, 3.6;
  Anderson M.J., ter Braak C.J.F. (2003) J Stat Comput Simul 73(2):85-113), and the
  split is made inside the period, so a cause that only differs between seasons (a hot
  summer against a cold winter) cannot stand out.

The 90% interval is a percentile bootstrap of the same statistic, resampling within
each (period, group) cell (Efron & Tibshirani 1993, ch. 13).
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
    """One cause (and level) as a within-period split of the sessions."""

    cause: str
    words: str
    used: np.ndarray  # bool, the sessions where the cause is known
    adverse: np.ndarray  # bool, the adverse group (subset of ``used``)
    cells: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def prepare(self, periods: np.ndarray) -> bool:
        """Index the (adverse, favourable) sessions of every period holding both groups."""
        cells, weights = [], []
        for p in np.unique(periods[self.used]):
            in_p = self.used & (periods == p)
            a, f = np.flatnonzero(in_p & self.adverse), np.flatnonzero(in_p & ~self.adverse)
            if len(a) and len(f):
                cells.append((a, f))
                weights.append(len(a) + len(f))
        self.cells, self.weights = cells, np.asarray(weights, dtype=float)
        n_adv = sum(len(a) for a, _ in cells)
        n_fav = sum(len(f) for _, f in cells)
        return n_adv >= 2 and n_fav >= 2

    def stat(self, y: np.ndarray) -> np.ndarray:
        """The period-weighted difference, for ``y`` of shape (n,) or (B, n)."""
        y2 = np.atleast_2d(y)
        total = np.zeros(y2.shape[0])
        for (a, f), w in zip(self.cells, self.weights, strict=True):
            total += w * (y2[:, a].mean(axis=1) - y2[:, f].mean(axis=1))
        out: np.ndarray = total / self.weights.sum()
        return out

    def bootstrap(
        self, y: np.ndarray, rng: np.random.Generator, reps: int = 1000, level: float = 0.90
    ) -> tuple[float, float]:
        """Percentile interval of :meth:`stat`, resampling within each cell."""
        total = np.zeros(reps)
        for (a, f), w in zip(self.cells, self.weights, strict=True):
            ma = y[a][rng.integers(0, len(a), (reps, len(a)))].mean(axis=1)
            mf = y[f][rng.integers(0, len(f), (reps, len(f)))].mean(axis=1)
            total += w * (ma - mf)
        d = total / self.weights.sum()
        lo, hi = np.quantile(d, [0.5 - level / 2, 0.5 + level / 2])
        return float(lo), float(hi)

    @property
    def n_adverse(self) -> int:
        return int(sum(len(a) for a, _ in self.cells))

    @property
    def n_favourable(self) -> int:
        return int(sum(len(f) for _, f in self.cells))


def within_period_split(values: np.ndarray, used: np.ndarray, periods: np.ndarray,
                        direction: int) -> np.ndarray:  # fmt: skip
    """Adverse indicator: above (direction +1) or below (-1) the period's median."""
    adverse = np.zeros(len(values), dtype=bool)
    for p in np.unique(periods[used]):
        m = used & (periods == p)
        v = values[m]
        med = float(np.median(v))
        adv = v > med if direction > 0 else v < med
        if adv.sum() == 0 or adv.sum() == len(v):
            adv = v >= med if direction > 0 else v <= med
        if adv.sum() == 0 or adv.sum() == len(v):
            adv = np.zeros(len(v), dtype=bool)  # no variation in this period
        adverse[m] = adv
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
    obs = np.array([h.stat(y)[0] for h in hypotheses])
    null = np.column_stack([h.stat(yp) for h in hypotheses])  # (B, H)
    mu, sd = null.mean(axis=0), null.std(axis=0)
    sd = np.where(sd > 1e-12, sd, np.inf)
    z_obs = (obs - mu) / sd
    z_null = (null - mu) / sd
    max_null = z_null.max(axis=1)
    p_raw = (1 + (null >= obs[None, :] - 1e-12).sum(axis=0)) / (permutations + 1)
    p_adj = (1 + (max_null[:, None] >= z_obs[None, :] - 1e-12).sum(axis=0)) / (permutations + 1)
    return MaxTResult(obs, p_raw.astype(float), p_adj.astype(float), z_obs)
