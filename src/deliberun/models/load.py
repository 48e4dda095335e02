"""Fitness, fatigue and form (CTL/ATL/TSB) from a daily training-load series.

The performance-management model keeps two exponentially weighted averages of
the daily load: *fitness* (chronic training load, default 42 days) and
*fatigue* (acute training load, default 7 days); *form* (training stress
balance) is fitness minus fatigue. Three published conventions for the
weight ``w`` given to today's load exist; they are all here
(:data:`LOAD_WEIGHTINGS`) and tested against their own sources.

All functions are pure: the daily series is a numpy array, one value per local
calendar day, oldest first; a day without training is 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.signal import lfilter

#: Weight given to today's load for a time constant of N days, by convention.
#: Sources: Banister et al. (1975) impulse-response model; the conventions of GoldenCheetah
#: and Runalyze, tested against ``tests/data/reference/load.json`` "fitness_fatigue".
LOAD_WEIGHTINGS: dict[str, dict[str, str]] = {
    "exp": {
        "weight": "1 - exp(-1/N)",
        "source": "GoldenCheetah src/Metrics/PMCData.cpp; intervals.icu (default)",
    },
    "ewma": {
        "weight": "2/(N+1)",
        "source": "Runalyze Sports/Performance/Model/TsbModel.php; Williams et al. 2017",
    },
    "simple": {
        "weight": "1/N",
        "source": "commonly quoted TrainingPeaks form 'CTL += (TSS - CTL)/42' (unverified)",
    },
}

FORM_CONVENTIONS = ("yesterday", "today")


def load_weight(days: float, weighting: str = "exp") -> float:
    """Weight of today's load in an exponentially weighted average of time constant ``days``.

    Parameters
    ----------
    days : float
        Time constant N [days], > 0.
    weighting : str
        ``"exp"`` (``1 - e^(-1/N)``, GoldenCheetah/intervals.icu), ``"ewma"``
        (``2/(N+1)``, Runalyze, Williams 2017) or ``"simple"`` (``1/N``).

    Returns
    -------
    float
        The weight, in (0, 1].

    Examples
    --------
    >>> round(load_weight(42, "exp"), 6)
    0.023528
    """
    if not days or days <= 0 or not math.isfinite(days):
        raise ValueError(f"time constant must be a positive number of days, got {days!r}")
    if weighting == "exp":
        return 1.0 - math.exp(-1.0 / days)
    if weighting == "ewma":
        return min(1.0, 2.0 / (days + 1.0))
    if weighting == "simple":
        return min(1.0, 1.0 / days)
    raise ValueError(
        f"unknown load weighting {weighting!r}; choose one of {', '.join(LOAD_WEIGHTINGS)}"
    )


def ewma(load: ArrayLike, weight: float, initial: float = 0.0) -> NDArray[np.float64]:
    """Exponentially weighted moving average ``y_t = y_{t-1} + w (x_t - y_{t-1})``.

    Parameters
    ----------
    load : array_like
        Daily load, oldest first [arbitrary load units]. NaN counts as 0 (a rest day).
    weight : float
        Weight ``w`` of today's value, in (0, 1].
    initial : float
        Value of the average on the day before the first day.

    Returns
    -------
    numpy.ndarray
        The average after each day, same length as ``load``.
    """
    x = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    if x.ndim != 1:
        raise ValueError("load must be a 1-D daily series")
    if not 0.0 < weight <= 1.0:
        raise ValueError(f"weight must be in (0, 1], got {weight}")
    if x.size == 0:
        return x.copy()
    a = 1.0 - weight
    # y_t = a y_{t-1} + w x_t, with y_{-1} = initial (the filter's state is a * initial)
    y, _ = lfilter([weight], [1.0, -a], x, zi=[a * float(initial)])
    return np.asarray(y, dtype=float)


@dataclass(frozen=True)
class FitnessFatigue:
    """Daily fitness, fatigue and form, all in load units per day.

    ``form[t]`` follows ``form_convention``: ``"yesterday"`` (TrainingPeaks,
    GoldenCheetah default) is ``fitness[t-1] - fatigue[t-1]``, i.e. the form
    you start day t with; ``"today"`` is ``fitness[t] - fatigue[t]``.
    """

    load: NDArray[np.float64]
    fitness: NDArray[np.float64]
    fatigue: NDArray[np.float64]
    form: NDArray[np.float64]
    fitness_weight: float
    fatigue_weight: float
    form_convention: str


def fitness_fatigue(
    load: ArrayLike,
    fitness_days: float = 42,
    fatigue_days: float = 7,
    weighting: str = "exp",
    form_convention: str = "yesterday",
    initial_fitness: float = 0.0,
    initial_fatigue: float = 0.0,
) -> FitnessFatigue:
    """Fitness (CTL), fatigue (ATL) and form (TSB) of a daily load series.

    The performance-management chart of Coggan/TrainingPeaks as implemented by
    GoldenCheetah [1]_ (``exp`` weighting) and Runalyze [2]_ (``ewma``).

    Parameters
    ----------
    load : array_like
        Daily load, oldest first, one value per local day [load units, e.g. TRIMP].
    fitness_days, fatigue_days : float
        Time constants [days]; ``fatigue_days`` must be shorter than ``fitness_days``.
    weighting : str
        ``"exp"`` (default), ``"ewma"`` or ``"simple"``; see :data:`LOAD_WEIGHTINGS`.
    form_convention : str
        ``"yesterday"`` (default, TrainingPeaks) or ``"today"``.
    initial_fitness, initial_fatigue : float
        Values on the day before the first day (intervals.icu "Set fitness").

    Returns
    -------
    FitnessFatigue

    References
    ----------
    .. [1] GoldenCheetah, src/Metrics/PMCData.cpp.
    .. [2] Runalyze, inc/core/Sports/Performance/Model/TsbModel.php (and its test).
    """
    validate_load_settings(fitness_days, fatigue_days, weighting, form_convention)
    x = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    if np.any(x < 0):
        raise ValueError("daily load must not be negative; check the load values")
    wc = load_weight(fitness_days, weighting)
    wa = load_weight(fatigue_days, weighting)
    ctl = ewma(x, wc, initial_fitness)
    atl = ewma(x, wa, initial_fatigue)
    if form_convention == "today":
        form = ctl - atl
    else:
        form = np.empty_like(ctl)
        if form.size:
            form[0] = initial_fitness - initial_fatigue
            form[1:] = ctl[:-1] - atl[:-1]
    return FitnessFatigue(x, ctl, atl, form, wc, wa, form_convention)


def validate_load_settings(
    fitness_days: float, fatigue_days: float, weighting: str, form_convention: str
) -> None:
    """Raise ``ValueError`` naming the bad setting and how to fix it."""
    load_weight(fitness_days, weighting)
    load_weight(fatigue_days, weighting)
    if fatigue_days >= fitness_days:
        raise ValueError(
            f"fatigue_days ({fatigue_days}) must be shorter than fitness_days ({fitness_days}); "
            "e.g. deliberun athlete set fatigue_days 7"
        )
    if form_convention not in FORM_CONVENTIONS:
        raise ValueError(
            f"unknown form convention {form_convention!r}; choose 'yesterday' or 'today'"
        )


def rest_days_to_form(
    fitness: float,
    fatigue: float,
    fitness_days: float = 42,
    fatigue_days: float = 7,
    weighting: str = "exp",
    threshold: float = 0.0,
) -> float:
    """Days of complete rest until form (fitness − fatigue) reaches ``threshold``.

    With no load both averages decay geometrically, so for ``threshold = 0``
    ``n = ln(CTL/ATL) / ln((1-w_a)/(1-w_c))`` (Runalyze ``TsbModel::restDays``);
    other thresholds are solved numerically.

    Parameters
    ----------
    fitness, fatigue : float
        Today's (end of day) fitness and fatigue [load units].
    fitness_days, fatigue_days : float
        Time constants [days].
    weighting : str
        Weight convention (:data:`LOAD_WEIGHTINGS`).
    threshold : float
        Form to reach [load units].

    Returns
    -------
    float
        Rest days (continuous; 0 when form is already there, ``inf`` when it never gets there).
    """
    wc = load_weight(fitness_days, weighting)
    wa = load_weight(fatigue_days, weighting)
    if fitness - fatigue >= threshold:
        return 0.0
    ac, aa = 1.0 - wc, 1.0 - wa
    if threshold == 0.0:
        if fitness <= 0 or fatigue <= 0 or aa >= ac:
            return math.inf
        return math.log(fitness / fatigue) / math.log(aa / ac)
    if threshold > 0 and fitness <= threshold:
        return math.inf  # fitness only decays during rest

    def form_after(n: float) -> float:
        return fitness * ac**n - fatigue * aa**n - threshold

    lo, hi = 0.0, 1.0
    while form_after(hi) < 0:
        hi *= 2
        if hi > 10_000:
            return math.inf
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if form_after(mid) < 0:
            lo = mid
        else:
            hi = mid
    return hi


def max_load_for_form(
    fitness: float,
    fatigue: float,
    form_floor: float,
    fitness_days: float = 42,
    fatigue_days: float = 7,
    weighting: str = "exp",
) -> float:
    """The most load today that keeps form at or above ``form_floor``.

    After a load ``L`` today, fitness − fatigue at the end of today is
    ``(1-w_c)·CTL + w_c·L − (1-w_a)·ATL − w_a·L``; that is the form shown for
    tomorrow (TrainingPeaks convention) or for today (``"today"`` convention).
    Solving for ``L`` gives the bound (Runalyze ``TsbModel::maxTrimpToBalanced``
    for ``form_floor = 0``; intervals.icu users ask for it with −10…−30).

    Parameters
    ----------
    fitness, fatigue : float
        Yesterday's (end of day) fitness and fatigue [load units].
    form_floor : float
        Lowest acceptable form [load units], e.g. −10.
    fitness_days, fatigue_days : float
        Time constants [days].
    weighting : str
        Weight convention.

    Returns
    -------
    float
        Load [load units], ≥ 0 (0 when even a rest day leaves form below the floor).
    """
    validate_load_settings(fitness_days, fatigue_days, weighting, "today")
    wc = load_weight(fitness_days, weighting)
    wa = load_weight(fatigue_days, weighting)
    bound = ((1 - wc) * fitness - (1 - wa) * fatigue - form_floor) / (wa - wc)
    return max(0.0, bound)


def daily_series(
    days: Iterable[date], values: Iterable[float], start: date, end: date
) -> NDArray[np.float64]:
    """Sum per-activity values into one value per day from ``start`` to ``end`` inclusive.

    Parameters
    ----------
    days : iterable of datetime.date
        The local date of each activity.
    values : iterable of float
        The value (e.g. load) of each activity; ``None``/NaN count as 0.
    start, end : datetime.date
        First and last day of the series.

    Returns
    -------
    numpy.ndarray
        ``(end - start).days + 1`` daily sums; activities outside the range are ignored.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    n = (end - start).days + 1
    out = np.zeros(n)
    for d, v in zip(days, values, strict=True):
        i = (d - start).days
        if 0 <= i < n and v is not None and math.isfinite(float(v)):
            out[i] += float(v)
    return out
