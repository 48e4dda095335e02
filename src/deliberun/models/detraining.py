"""Detraining: how much of a race's VDOT is left after time off running or reduced training.

The VDOT of an old race is reduced for what happened since, by Daniels' adjustment of
VDOT after time off [1]_ (:data:`DANIELS_TIME_OFF`), read from the runner's own days:

1. Each **run-free gap** after the race (days between two runs, or from the last run to
   the day judged, minus one) is a break. Up to 5 days costs nothing; longer breaks cost
   the table's ``FVDOT-1`` loss, or the smaller ``FVDOT-2`` loss when the runner kept up
   aerobic cross-training during it (on average at least
   ``cross_training_per_week`` other endurance activities a week).
2. **Reduced training** keeps most of the adaptations as long as the runner still runs
   at a moderately reduced frequency [2]_ [3]_: a week after the race with fewer than
   ``reduced_frequency`` of the runs a week the runner did in the ``baseline_days``
   before the race (and not already inside a break) counts at the ``FVDOT-2`` rate,
   consecutive weeks as one stretch.
3. The losses add, and the factor never falls below the table's floor (0.80, 72 days
   or more): ``factor = max(0.80, 1 - sum(losses))``.

4. **Regained by training**: Daniels gives the table as the VDOT to *return* to training
   at; the runner then trains back up. Each loss is regained linearly over as many days
   of running after it as the break lasted (``regain_per_day_off``: a project
   convention; neither source gives a rate), so a break's cost is largest on the day the
   runner comes back and gone after as long again of training. The low end of the range
   (``low_factor``) counts every loss at the ``FVDOT-1`` rate and regains it twice as
   slowly; the high end (``high_factor``) counts every loss at the ``FVDOT-2`` rate.

References
----------
.. [1] Daniels J. (2014). *Daniels' Running Formula*, 3rd ed., Human Kinetics: table of
   VDOT adjustments for time off from running (FVDOT-1 without, FVDOT-2 with aerobic
   cross-training), as published by VDOT O2,
   https://news.vdoto2.com/2018/02/vdot-adjustments-time-off/ (its 42-day FVDOT-2 value,
   printed 0.994, is 0.944 on the table's line; we use 0.944).
.. [2] Mujika I., Padilla S. (2000). Detraining: loss of training-induced physiological
   and performance adaptations. Part I: short term insufficient training stimulus.
   Sports Med 30(2):79-87. doi:10.2165/00007256-200030020-00002
.. [3] Mujika I., Padilla S. (2000). Detraining ... Part II: long term insufficient
   training stimulus. Sports Med 30(3):145-154. doi:10.2165/00007256-200030030-00001
   ("training volume can be markedly reduced", as long as intensity is kept and
   frequency reduced only moderately; cross-training may maintain adaptations).

Pure functions: no database, no clock.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

#: Daniels' VDOT adjustment for time off from running [1]_: days off -> (FVDOT-1 without
#: cross-training, FVDOT-2 with aerobic cross-training). Linear between the lines; 72
#: days or more: the last line.
DANIELS_TIME_OFF: dict[int, tuple[float, float]] = {
    5: (1.000, 1.000),
    6: (0.997, 0.998),
    7: (0.994, 0.997),
    10: (0.985, 0.992),
    14: (0.973, 0.986),
    21: (0.952, 0.976),
    28: (0.931, 0.965),
    35: (0.910, 0.955),
    42: (0.889, 0.944),
    49: (0.868, 0.934),
    56: (0.847, 0.923),
    63: (0.826, 0.913),
    70: (0.805, 0.902),
    72: (0.800, 0.900),
}

#: How the runner's days are read (project conventions around [1]_-[3]_: the table does not
#: say how much cross-training counts, nor what "reduced" training is).
DETRAINING_RULES: dict[str, float] = {
    "cross_training_per_week": 1.0,  # other endurance activities a week in a break
    "reduced_frequency": 0.5,  # share of the runner's usual runs a week
    "baseline_days": 56.0,  # the runner's usual frequency: the 8 weeks before the race
    "floor": 0.80,  # the table's last line
    "regain_per_day_off": 1.0,  # days of running back that regain one day off's loss
    "low_regain_per_day_off": 2.0,  # the same for the low end of the range (slower)
}


def time_off_factor(days_off: float, cross_trained: bool = False) -> float:
    """Share of VDOT kept after ``days_off`` days without running, Daniels' table [1]_.

    Parameters
    ----------
    days_off : days without a run [days]; 5 or fewer cost nothing.
    cross_trained : the runner kept up aerobic cross-training (``FVDOT-2``).

    Returns
    -------
    float
        The factor [0.8-1] (0.9-1 when cross-trained), linear between the table's lines.
    """
    if not np.isfinite(days_off) or days_off < 0:
        raise ValueError(f"days off must be zero or more, got {days_off!r}")
    xs = _TABLE_DAYS
    ys = _TABLE_F2 if cross_trained else _TABLE_F1
    if days_off <= xs[0]:
        return ys[0]
    if days_off >= xs[-1]:
        return ys[-1]
    i = bisect.bisect_right(xs, days_off)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 + (y1 - y0) * (days_off - x0) / (x1 - x0)


_TABLE_DAYS = [float(d) for d in DANIELS_TIME_OFF]
_TABLE_F1 = [v[0] for v in DANIELS_TIME_OFF.values()]
_TABLE_F2 = [v[1] for v in DANIELS_TIME_OFF.values()]


def ordinals(days: Iterable[date] | np.ndarray) -> np.ndarray:
    """Sorted unique ordinals of ``days`` (an array of ordinals is taken as it is)."""
    if isinstance(days, np.ndarray):
        return days
    return np.unique(np.fromiter((d.toordinal() for d in days), dtype=np.int64))


@dataclass
class Detraining:
    """What the runner's days since a race cost its VDOT, and why, in words."""

    factor: float  # share of the race's VDOT kept [0.8-1]
    low_factor: float  # the same with every break and reduced week at the full rate
    high_factor: float  # the same with every loss at the cross-trained (FVDOT-2) rate
    breaks: list[tuple[date, int, bool]] = field(default_factory=list)  # (from, days, cross)
    reduced_weeks: int = 0
    regained: float = 0.0  # share of the losses regained by the training since [0-1]

    def words(self, vdot: float) -> str:
        """``less 3.3 for 7 weeks without running (cross-training)``, or ''."""
        parts: list[str] = []
        costly = [(d, c) for _s, d, c in self.breaks if time_off_factor(d, c) < 1.0]
        if len(costly) == 1:
            days, cross = costly[0]
            parts.append(f"{_span(days)} without running" + (" (cross-training)" * cross))
        elif costly:
            days, cross = max(costly)
            parts.append(
                f"{len(costly)} breaks from running ({sum(d for d, _ in costly)} days in all, "
                f"the longest {_span(days)}" + (", cross-training" * cross) + ")"
            )
        if self.reduced_weeks:
            n = self.reduced_weeks
            parts.append(f"{n} week{'s' * (n > 1)} of reduced running")
        if not parts:
            return ""
        if vdot * (1.0 - self.factor) < 0.05:
            return " and ".join(parts) + ", regained by the running since"
        text = f"less {vdot * (1 - self.factor):.1f} for " + " and ".join(parts)
        if self.regained > 0.005:
            text += f" ({self.regained * 100:.0f}% regained by the running since)"
        return text


def _span(days: int) -> str:
    return f"{days / 7:.0f} weeks" if days >= 14 else f"{days} days"


def detraining(
    race_day: date,
    day: date,
    run_days: Iterable[date] | np.ndarray,
    other_days: Iterable[date] | np.ndarray = (),
) -> Detraining:
    """What the days from ``race_day`` to ``day`` (excluded) cost a race's VDOT.

    Parameters
    ----------
    race_day : the race's local date.
    day : the day judged (its own runs do not count: the VDOT is the morning's).
    run_days : local dates of the runner's runs (any range; only those before ``day``
        count, and the ``baseline_days`` before the race for the usual frequency), or
        their sorted unique ordinals (:func:`ordinals`, to prepare once for many days).
    other_days : local dates of other endurance activities (cycling, swimming, ...),
        likewise.

    Returns
    -------
    Detraining
        ``factor`` (see the module docstring), ``low_factor`` and ``high_factor`` (the
        range's ends), the breaks, the reduced weeks and the share regained.
    """
    r = DETRAINING_RULES
    if day <= race_day:
        return Detraining(1.0, 1.0, 1.0)
    runs = ordinals(run_days)
    runs = runs[: np.searchsorted(runs, day.toordinal())]
    r0, d0 = race_day.toordinal(), day.toordinal()
    after = runs[runs >= r0]
    others = ordinals(other_days)
    others_l = others[np.searchsorted(others, r0) : np.searchsorted(others, d0)].tolist()
    # 1. run-free gaps (a gap of n days between runs is n - 1 days off)
    breaks: list[tuple[date, int, bool]] = []
    after_l = after.tolist()  # (bisect on a list: a numpy search per week costs more)
    marks = [*after_l, d0] if after_l else [r0, d0]
    spans: list[tuple[int, int]] = []  # (first, last) ordinal of each break
    for a, b in zip(marks, marks[1:], strict=False):
        off = b - a - 1
        if off > 5:
            n_other = bisect.bisect_left(others_l, b) - bisect.bisect_right(others_l, a)
            cross = n_other >= r["cross_training_per_week"] * off / 7.0
            breaks.append((date.fromordinal(a + 1), off, cross))
            spans.append((a + 1, b - 1))
    # 2. reduced training: whole weeks from the race with too few runs, outside breaks
    base_n = np.searchsorted(runs, r0) - np.searchsorted(runs, r0 - int(r["baseline_days"]))
    usual = float(base_n) * 7.0 / r["baseline_days"]
    reduced_weeks, stretch, stretches = 0, 0, []  # stretches: (days, first day after)
    w = r0 + 1
    while usual > 0 and w + 7 <= d0:
        broken = any(lo <= w + 6 and hi >= w for lo, hi in spans)
        n = bisect.bisect_left(after_l, w + 7) - bisect.bisect_left(after_l, w)
        if not broken and n < r["reduced_frequency"] * usual:
            stretch += 7
            reduced_weeks += 1
        elif stretch:
            stretches.append((stretch, w))
            stretch = 0
        w += 7
    if stretch:
        stretches.append((stretch, w))
    # 3.-4. the losses, each regained over the days of running since it
    losses = [(off, cross, hi + 1) for (_, off, cross), (_, hi) in zip(breaks, spans, strict=True)]
    losses += [(days, True, end) for days, end in stretches]

    def total(cross_rate: bool | None, regain: float) -> float:
        out = 0.0
        for days, cross, end in losses:
            c = cross if cross_rate is None else cross_rate
            left = max(0.0, 1.0 - (d0 - end) / (regain * days)) if regain > 0 else 1.0
            out += (1.0 - time_off_factor(days, c)) * left
        return out

    per_day = r["regain_per_day_off"]
    full, loss = total(None, 0.0), total(None, per_day)
    floor = r["floor"]
    return Detraining(
        max(floor, 1.0 - loss),
        max(floor, 1.0 - total(False, r["low_regain_per_day_off"])),
        max(floor, 1.0 - total(True, per_day)),
        breaks,
        reduced_weeks,
        1.0 - loss / full if full > 0 else 0.0,
    )


#: Sports that count as aerobic cross-training in a break (``FVDOT-2`` [1]_): words a
#: sport name contains (Strava, Garmin and FIT names).
CROSS_TRAINING_WORDS = ("cycl", "bik", "ride", "swim", "row", "ski", "elliptical", "paddl")


def is_cross_training(sport: str | None) -> bool:
    """Whether an activity's sport is aerobic cross-training (see ``CROSS_TRAINING_WORDS``)."""
    s = (sport or "").lower()
    return any(w in s for w in CROSS_TRAINING_WORDS)
