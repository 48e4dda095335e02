"""Load ratios over a daily series: ACWR, monotony and strain, weekly volume, ramp rate.

Shown as trends, not verdicts: the ACWR "sweet spot" 0.8–1.3 is contested
(Impellizzeri et al. 2020, doi:10.1123/ijspp.2019-0864).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deliberun.models.load import ewma

#: Window lengths [days] and sources of the acute:chronic workload ratio variants.
ACWR_PARAMETERS: dict[str, dict[str, object]] = {
    "rolling_coupled": {
        "acute_days": 7,
        "chronic_days": 28,
        "source": "Gabbett 2016; mean(last 7 d) / mean(last 28 d)",
    },
    "rolling_uncoupled": {
        "acute_days": 7,
        "chronic_days": 28,
        "source": "Windt & Gabbett 2019, BJSM 53:988; mean(t-6..t) / mean(t-27..t-7)",
    },
    "ewma": {
        "acute_days": 7,
        "chronic_days": 28,
        "source": "Williams et al. 2017, BJSM 51:209, doi:10.1136/bjsports-2016-096589; "
        "lambda = 2/(N+1)",
    },
}


def _rolling_mean(x: NDArray[np.float64], window: int) -> NDArray[np.float64]:
    """Trailing mean over ``window`` days ending at each day; NaN until the window is full."""
    out = np.full(x.size, np.nan)
    if x.size >= window:
        c = np.concatenate([[0.0], np.cumsum(x)])
        out[window - 1 :] = (c[window:] - c[:-window]) / window
    return out


def acwr(
    load: ArrayLike,
    model: str = "rolling_coupled",
    acute_days: int = 7,
    chronic_days: int = 28,
) -> NDArray[np.float64]:
    """Acute:chronic workload ratio of a daily load series.

    ``rolling_coupled`` divides the 7-day mean by the 28-day mean (which contains
    the acute week); ``rolling_uncoupled`` divides by the mean of the 21 days
    before the acute week (Windt & Gabbett 2019 [1]_); ``ewma`` divides two
    exponentially weighted averages with ``λ = 2/(N+1)`` (Williams et al. 2017 [2]_).

    Parameters
    ----------
    load : array_like
        Daily load, oldest first [load units]; NaN counts as 0.
    model : str
        ``"rolling_coupled"``, ``"rolling_uncoupled"`` or ``"ewma"``.
    acute_days, chronic_days : int
        Window lengths [days].

    Returns
    -------
    numpy.ndarray
        The ratio for each day; NaN for the first ``chronic_days - 1`` days (not
        enough history) and where the chronic value is 0.

    References
    ----------
    .. [1] Windt J, Gabbett TJ. Is it all for naught? What does mathematical coupling
       mean for acute:chronic workload ratios? BJSM 2019;53:988-990.
    .. [2] Williams S et al. Better way to determine the acute:chronic workload ratio?
       BJSM 2017;51:209-210. doi:10.1136/bjsports-2016-096589
    """
    x = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    if acute_days < 1 or chronic_days <= acute_days:
        raise ValueError("need 1 <= acute_days < chronic_days (e.g. 7 and 28)")
    if model == "rolling_coupled":
        acute = _rolling_mean(x, acute_days)
        chronic = _rolling_mean(x, chronic_days)
    elif model == "rolling_uncoupled":
        acute = _rolling_mean(x, acute_days)
        older = _rolling_mean(x, chronic_days - acute_days)
        chronic = np.full(x.size, np.nan)
        chronic[acute_days:] = older[:-acute_days] if x.size > acute_days else []
    elif model == "ewma":
        acute = ewma(x, 2.0 / (acute_days + 1))
        chronic = ewma(x, 2.0 / (chronic_days + 1))
    else:
        raise ValueError(
            f"unknown ACWR model {model!r}; choose one of {', '.join(ACWR_PARAMETERS)}"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(chronic > 0, acute / chronic, np.nan)
    ratio[: chronic_days - 1] = np.nan
    return np.asarray(ratio, dtype=float)


def monotony_strain(
    load: ArrayLike, window: int = 7
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Foster's training monotony and strain over a trailing week.

    ``monotony = mean(daily load) / SD(daily load)`` with the population SD and
    rest days included (Foster 1998 [1]_, Runalyze ``Monotony.php``);
    ``strain = weekly load × monotony``.

    Parameters
    ----------
    load : array_like
        Daily load, oldest first [load units].
    window : int
        Days per "week".

    Returns
    -------
    monotony : numpy.ndarray
        Dimensionless; NaN before the first full week and when the SD is 0.
    strain : numpy.ndarray
        [load units]; NaN where monotony is.

    References
    ----------
    .. [1] Foster C. Monitoring training in athletes with reference to overtraining
       syndrome. Med Sci Sports Exerc 1998;30(7):1164-1168.
    """
    x = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    mono = np.full(x.size, np.nan)
    strain = np.full(x.size, np.nan)
    if x.size >= window:
        windows = np.lib.stride_tricks.sliding_window_view(x, window)
        mean = windows.mean(axis=1)
        sd = windows.std(axis=1)  # population SD (ddof=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(sd > 1e-12, mean / sd, np.nan)
        mono[window - 1 :] = m
        strain[window - 1 :] = windows.sum(axis=1) * m
    return mono, strain


def weekly_totals(
    days: Iterable[date], values: Iterable[float | None], start: date, end: date
) -> tuple[list[date], NDArray[np.float64]]:
    """Sum per-activity values (e.g. distance [m]) per ISO week (Monday first).

    Returns
    -------
    weeks : list of datetime.date
        The Monday of each week from the week of ``start`` to the week of ``end``.
    totals : numpy.ndarray
        Sum per week (same unit as ``values``).
    """
    first = start - timedelta(days=start.weekday())
    last = end - timedelta(days=end.weekday())
    n = (last - first).days // 7 + 1
    if n < 1:
        raise ValueError(f"end {end} is before start {start}")
    totals = np.zeros(n)
    for d, v in zip(days, values, strict=True):
        i = (d - first).days // 7
        if 0 <= i < n and v is not None and np.isfinite(v):
            totals[i] += float(v)
    return [first + timedelta(days=7 * i) for i in range(n)], totals


def ramp_rate(series: ArrayLike, days: int = 7) -> NDArray[np.float64]:
    """Change of a daily series over ``days`` days (e.g. fitness gained per week).

    TrainingPeaks calls the weekly change of fitness the "ramp rate".

    Returns
    -------
    numpy.ndarray
        ``series[t] - series[t - days]``; NaN for the first ``days`` days.
    """
    x = np.asarray(series, dtype=float)
    out = np.full(x.size, np.nan)
    if x.size > days:
        out[days:] = x[days:] - x[:-days]
    return out


def relative_change(totals: ArrayLike) -> NDArray[np.float64]:
    """Percent change of each weekly total from the week before (NaN after a zero week)."""
    x = np.asarray(totals, dtype=float)
    out = np.full(x.size, np.nan)
    if x.size > 1:
        prev = x[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[1:] = np.where(prev > 0, 100.0 * (x[1:] - prev) / prev, np.nan)
    return out


#: A stretch of at least this many days without load is a break: the chronic window no
#: longer holds a training history, so the ratio says nothing until it has refilled.
BREAK_DAYS = 14


def chronic_history_mask(
    load: ArrayLike, chronic_days: int = 28, break_days: int = BREAK_DAYS
) -> NDArray[np.bool_]:
    """Days whose chronic window holds ``chronic_days`` of training history.

    False for the first ``chronic_days - 1`` days of the series, during a break (at least
    ``break_days`` days without load, the days of the break included once it is that
    long) and for the ``chronic_days`` days from the first day of load after a break.
    An ACWR outside these days divides by a chronic load that does not exist (e.g. one
    4 km run after 7 weeks off gives a ratio of 4: Windt & Gabbett 2019 on the ratio's
    mathematical coupling; Impellizzeri et al. 2020 on its instability at low chronic
    load).
    """
    x = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    ok = np.ones(x.size, dtype=bool)
    ok[: chronic_days - 1] = False
    run = 0
    for i, v in enumerate(x):
        if v > 0:
            if run >= break_days:
                ok[i : i + chronic_days] = False
            run = 0
        else:
            run += 1
            if run >= break_days:
                ok[i - run + 1 : i + 1] = False
    return ok


def acwr_with_history(load: ArrayLike, model: str = "rolling_coupled") -> NDArray[np.float64]:
    """:func:`acwr`, NaN wherever :func:`chronic_history_mask` is False."""
    ratio = acwr(load, model)
    ratio[~chronic_history_mask(load)] = np.nan
    return ratio
