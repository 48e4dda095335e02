"""VDOT as of each day: the best recent evidence before the day, for judging past sessions.

A rep pace planned "at I pace" on a given day means the I pace of the runner's fitness
*then*, not today's. :func:`vdot_as_of` gives, for each day, the VDOT the athlete area
would have reported on that morning: the best VDOT of the efforts the evidence rules
allow (races, and sustained training efforts calibrated and only when no race is more
recent: ``models.vdot_evidence``) in the ``window_days`` before the day. The day itself is left out, so a session never sets
the yardstick it is judged by.

Best efforts inside training runs understate fitness (a 5 km best inside a tempo run
is not a 5 km race), so a day with no *race* in the window before it borrows the VDOT
of the next race within ``window_days`` after it, when that is higher: at the start of
a history (or after a long break from racing) the next race is better evidence of the
fitness of the time than submaximal training efforts. Once a race lies in the window
before the day, only the past counts. Likewise a history of a few days says little: in
the first ``min_history_days`` after the first effort, the VDOT is the best of those
first weeks.

Without races, best efforts inside training runs count divided by the calibrated
``training_ratio`` (``models.vdot_evidence``): on simulated training-only histories the
VDOT of the day reads −1.2 to +0.4 (median by scenario) from the planted one, where
discounted efforts read 4.5-5.9 points under it (bench/vdot_calibration.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

from deliberun.models.predict import USABLE_EFFORT as USABLE_EFFORT  # re-exported
from deliberun.models.predict import Effort
from deliberun.models.predict import is_usable as is_usable
from deliberun.models.vdot_day import DayVdot

#: (``USABLE_EFFORT`` and ``is_usable`` live beside ``Effort`` in ``models.predict``.)


def vdot_as_of(
    efforts: Iterable[Effort], days: Iterable[date], window_days: int, min_history_days: int = 28
) -> dict[date, float | None]:
    """The VDOT of each day: the best effort in the ``window_days`` before it that the
    evidence rules allow (``models.vdot_evidence.select``).

    Parameters
    ----------
    efforts : races and training efforts (distance [m], time [s], local date, race or
        not, discount), e.g. from ``vdot_evidence.run_efforts``.
    days : the days to judge.
    window_days : how far back an effort counts [days] (the athlete area's
        ``prediction_window_days``, 180 by default).
    min_history_days : days from the first effort before the window alone is trusted.

    Returns
    -------
    dict
        ``{day: VDOT [ml/kg/min] or None}``: efforts dated in ``[day - window_days,
        day)`` count (the day itself does not); without a race in that window, the
        next race in ``(day, day + window_days]`` counts when its VDOT is higher (see
        the module docstring). :func:`vdot_evidence_as_of` says what each rests on.
    """
    return {
        d: (e.vdot if e is not None else None)
        for d, e in vdot_evidence_as_of(efforts, days, window_days, min_history_days).items()
    }


def vdot_evidence_as_of(
    efforts: Iterable[Effort],
    days: Iterable[date],
    window_days: int,
    min_history_days: int = 28,
    *,
    run_days: Iterable[date] | None = None,
    other_days: Iterable[date] = (),
    last_race: Effort | None = None,
) -> dict[date, Effort | None]:
    """The effort each day's VDOT rests on (see :func:`vdot_as_of`), or None; a race's
    ``discount`` carries its detraining (:func:`vdot_days_as_of`)."""
    return {
        d: (v.effort if v is not None else None)
        for d, v in vdot_days_as_of(
            efforts,
            days,
            window_days,
            min_history_days,
            run_days=run_days,
            other_days=other_days,
            last_race=last_race,
        ).items()
    }


def vdot_days_as_of(
    efforts: Iterable[Effort],
    days: Iterable[date],
    window_days: int,
    min_history_days: int = 28,
    *,
    run_days: Iterable[date] | None = None,
    other_days: Iterable[date] = (),
    last_race: Effort | None = None,
) -> dict[date, DayVdot | None]:
    """The VDOT of each day with its range and words (``models.vdot_day.vdot_of_day``).

    ``run_days`` (every run's local date) and ``other_days`` (cross-training) let the
    races be reduced for the breaks since them (``models.detraining``; None: no
    reduction); ``last_race`` is the runner's last race before the first of ``efforts``
    (the last race of any age counts when none is in a day's window).
    """
    from deliberun.models.vdot_day import vdot_of_day

    if window_days < 1:
        raise ValueError("the VDOT window must be at least one day")
    wanted = sorted(set(days))
    if not wanted:
        return {}
    usable = sorted(
        (e for e in efforts if is_usable(e) and np.isfinite(e.vdot)), key=lambda e: e.day
    )
    from deliberun.models.detraining import ordinals

    runs = ordinals(run_days) if run_days is not None else None
    others = ordinals(other_days)
    ords = np.array([e.day.toordinal() for e in usable], dtype=np.int64)
    races = [e for e in usable if e.is_race]
    race_ords = np.array([e.day.toordinal() for e in races], dtype=np.int64)
    out: dict[date, DayVdot | None] = {d: None for d in wanted}
    settled = int(ords[0]) + min_history_days if ords.size else 0
    for d in wanted:
        hi = max(d.toordinal(), settled)
        lo = hi - window_days
        i, j = np.searchsorted(ords, lo, side="left"), np.searchsorted(ords, hi, side="left")
        ri = int(np.searchsorted(race_ords, lo, side="left"))
        rj = np.searchsorted(race_ords, hi, side="left")
        before = races[ri - 1] if ri > 0 else last_race
        if before is not None and before.day.toordinal() >= lo:
            before = None
        judged = date.fromordinal(hi)
        day_v, _ = vdot_of_day(
            usable[i:j],
            judged,
            window_days,
            last_race=before,
            run_days=runs,
            other_days=others,
            every=False,
        )
        if rj == ri and before is None:  # no race before at all: borrow the next race's
            nxt = int(np.searchsorted(race_ords, hi, side="right"))
            if nxt < race_ords.size and race_ords[nxt] <= hi + window_days:
                same_day = [e for e in races if e.day.toordinal() == race_ords[nxt]]
                nxt_best = max(same_day, key=lambda e: e.vdot)
                if day_v is None or nxt_best.vdot > day_v.vdot:
                    day_v = DayVdot(
                        judged,
                        nxt_best,
                        nxt_best.vdot,
                        nxt_best.vdot,
                        f"the next race, of {nxt_best.day.isoformat()} (no race before it)",
                        nxt_best,
                    )
        out[d] = day_v
    return out
