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

import bisect
import math
from collections.abc import Iterable, Iterator
from dataclasses import replace
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
    from deliberun.models.detraining import ordinals
    from deliberun.models.vdot_day import day_vdot, detrainer, keep_best

    if window_days < 1:
        raise ValueError("the VDOT window must be at least one day")
    wanted = sorted(set(days))
    if not wanted:
        return {}
    # the evidence selected once for the history: usable, by day; each day's window a
    # slice of it, kept ordered by VDOT as days advance (see :func:`_by_vdot`)
    usable = sorted(
        (e for e in efforts if is_usable(e) and math.isfinite(e.vdot)), key=lambda e: e.day
    )
    runs = ordinals(run_days) if run_days is not None else None
    others = ordinals(other_days)
    ords = np.array([e.day.toordinal() for e in usable], dtype=np.int64)
    races = [e for e in usable if e.is_race]
    race_ords = np.array([e.day.toordinal() for e in races], dtype=np.int64)
    by_day, race_days = ords.tolist(), race_ords.tolist()  # (bisect: faster per day)
    ranked = sorted(range(len(usable)), key=lambda k: (-usable[k].vdot, not usable[k].is_race, k))
    rank = [0] * len(usable)
    for r, k in enumerate(ranked):
        rank[k] = r
    in_window: list[int] = []  # the ranks of the window's efforts, sorted
    i0 = j0 = 0
    out: dict[date, DayVdot | None] = {d: None for d in wanted}
    settled = int(ords[0]) + min_history_days if ords.size else 0
    for d in wanted:
        hi = max(d.toordinal(), settled)
        lo = hi - window_days
        i, j = bisect.bisect_left(by_day, lo), bisect.bisect_left(by_day, hi)
        for k in range(i0, min(i, j0)):  # left the window (both ends only advance)
            del in_window[bisect.bisect_left(in_window, rank[k])]
        for k in range(max(i, j0), j):  # entered it
            bisect.insort(in_window, rank[k])
        i0, j0 = i, j
        ri, rj = bisect.bisect_left(race_days, lo), bisect.bisect_left(race_days, hi)
        before = races[ri - 1] if ri > 0 else last_race
        if before is not None and before.day.toordinal() >= lo:
            before = None
        judged = date.fromordinal(hi)
        # as ``vdot_of_day(usable[i:j], judged, ..., every=False)``: its evidence
        # (``vdot_evidence.select``) and its order, without sorting the window again
        detrain = detrainer(judged, runs, others)
        window_race, base, after = None, before, 0
        if rj > ri:  # training efforts count only after the window's last race
            window_race = max(e.vdot for e in races[ri:rj])
            base = max(races[ri:rj], key=lambda e: (e.day, e.vdot))
            after = bisect.bisect_right(by_day, race_days[rj - 1])
        ordered = _by_vdot(usable, ranked, in_window, after, window_race, before)
        kept = keep_best(ordered, detrain)
        day_v = day_vdot(judged, kept, base, window_race, detrain) if kept else None
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


def _by_vdot(
    usable: list[Effort],
    ranked: list[int],
    in_window: list[int],
    after: int,
    window_race: float | None,
    last_race: Effort | None,
) -> Iterator[Effort]:
    """A day's evidence (``vdot_evidence.select`` of the window, plus ``last_race``
    without a race in it), highest VDOT first, ties in the order ``vdot_of_day`` sorts
    them (races, then training efforts, each by date, then the last race).

    ``in_window``: the ranks (places in ``ranked``, all usable efforts by VDOT) of the
    window's efforts; ``after``: the first index of ``usable`` after the window's last
    race (training efforts count from it); ``window_race``: the window's best race's VDOT
    (None: no race; ``last_race`` then counts).
    """
    from deliberun.models.vdot_evidence import EVIDENCE_RULES

    cap = np.inf
    if window_race is not None:
        cap = window_race + EVIDENCE_RULES["training_max_rise"]
        last_race = None
    capped: list[tuple[int, Effort]] = []  # (index, effort capped), VDOTs about ``cap``
    for r in in_window:
        k = ranked[r]
        e = usable[k]
        if not e.is_race and k < after:
            continue
        if e.vdot > cap:
            capped.append((k, replace(e, discount=e.discount * cap / e.vdot)))
            continue
        if capped:  # ties at the cap to the last bits: in the order ``sorted`` gives
            low = min(c.vdot for _, c in capped)
            if e.vdot >= low:
                capped.append((k, e))
                continue
            capped.sort(key=lambda c: (-c[1].vdot, not c[1].is_race, c[0]))
            yield from (c for _, c in capped)
            capped = []
        if last_race is not None and e.vdot < last_race.vdot:
            yield last_race
            last_race = None
        yield e
    capped.sort(key=lambda c: (-c[1].vdot, not c[1].is_race, c[0]))
    yield from (c for _, c in capped)
    if last_race is not None:
        yield last_race
