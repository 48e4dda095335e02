"""The VDOT of one day: the evidence before it, what the days since cost it, its range.

1. The evidence of the window (``vdot_evidence.select``: races in the window, sustained
   training efforts calibrated and only after the last race).
2. With no race in the window, the **last race of any age** still counts: a runner's
   fitness does not vanish when a race leaves the window, and training efforts away from
   races read well under it (slalom007: 0.74-0.75 of the last race, docs/models.md).
3. Every effort is reduced for the run-free breaks and reduced training between it and
   the day, by Daniels' VDOT adjustment after time off (``models.detraining``).
4. The VDOT is the highest of these: a training effort raises it only to its own
   calibrated value (and, with a race in the window, no more than ``training_max_rise``
   above it); easy running lowers nothing.
5. Its range: a race in the window with nothing lost is its own value; a detrained race
   spans its ``FVDOT-1`` (no cross-training, slow regain) to ``FVDOT-2`` reduction, and
   every race's range widens by ``age_spread_per_year`` of its VDOT for each year of its
   age (a project convention: nothing published says how fast the uncertainty of an old
   result grows);
   a training effort spans its calibration's spread (``vdot_evidence.training_range``).

Pure functions: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from deliberun.models.detraining import Detraining, detraining, ordinals
from deliberun.models.predict import Effort

VDOT_DAY_RULES: dict[str, float] = {
    "age_spread_per_year": 0.03,
}


@dataclass
class DayVdot:
    """The VDOT of a day, the effort it rests on (detraining in its ``discount``), its
    range and what it rests on in words."""

    day: date
    effort: Effort
    low: float
    high: float
    words: str
    race: Effort | None = None  # the race it starts from, as run
    detraining: Detraining | None = None

    @property
    def vdot(self) -> float:
        return self.effort.vdot

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "vdot": round(self.vdot, 2),
            "low": round(self.low, 2),
            "high": round(self.high, 2),
            "rests_on": self.words,
            "race": self.race.to_dict() if self.race is not None else None,
            "detraining_factor": round(self.detraining.factor, 4) if self.detraining else None,
        }


def _ago(days: int) -> str:
    if days < 14:
        return "1 day ago" if days == 1 else f"{days} days ago"
    if days < 61:
        return f"{days // 7} weeks ago"
    return f"{round(days / 30.44)} months ago"


def vdot_of_day(
    window: Iterable[Effort],
    day: date,
    window_days: int,
    *,
    last_race: Effort | None = None,
    run_days: Iterable[date] | np.ndarray | None = None,
    other_days: Iterable[date] | np.ndarray = (),
    every: bool = True,
) -> tuple[DayVdot | None, list[Effort]]:
    """The VDOT of ``day`` and the efforts it rests on (see the module docstring).

    Parameters
    ----------
    window : the usable efforts dated in the window before the day.
    day : the day judged [local date].
    window_days : the window's length [days] (``prediction_window_days``).
    last_race : the runner's last race before the window (any age), as run.
    run_days : local dates of every run (None: no detraining is applied).
    other_days : local dates of aerobic cross-training (``detraining.is_cross_training``).
    every : detrain every effort (for predictions); False: only those that can still be
        the best, or the best race (detraining only lowers a VDOT), for the VDOT alone.

    Returns
    -------
    (DayVdot or None, list of Effort)
        The day's VDOT (None without evidence), and the efforts after detraining (the
        selection of the window, plus the last race when none is in it) for predictions.
    """
    from deliberun.models.vdot_evidence import select

    detrain = detrainer(day, run_days, other_days)
    chosen = select(window)
    races = [e for e in chosen if e.is_race]
    base = max(races, key=lambda e: (e.day, e.vdot)) if races else last_race
    candidates = list(chosen)
    if not races and last_race is not None:
        candidates.append(last_race)
    if not candidates:
        return None, []
    if every:
        out: list[Effort] = [detrain(e)[0] for e in candidates]
    else:
        out = keep_best(sorted(candidates, key=lambda e: -e.vdot), detrain)
    window_race = max((e.vdot for e in races), default=None)
    return day_vdot(day, out, base, window_race, detrain), out


Detrain = Callable[[Effort], tuple[Effort, Detraining | None]]


def detrainer(
    day: date,
    run_days: Iterable[date] | np.ndarray | None,
    other_days: Iterable[date] | np.ndarray = (),
) -> Detrain:
    """``effort -> (effort reduced for the breaks up to day, its Detraining)`` (one
    detraining per effort day; ``run_days`` None: nothing reduced)."""
    runs = ordinals(run_days) if run_days is not None else None
    others = ordinals(other_days)
    cache: dict[date, Detraining] = {}

    def detrain(e: Effort) -> tuple[Effort, Detraining | None]:
        if runs is None:
            return e, None
        if e.day not in cache:
            cache[e.day] = detraining(e.day, day, runs, others)
        dt = cache[e.day]
        return (replace(e, discount=e.discount * dt.factor) if dt.factor < 1.0 else e), dt

    return detrain


def keep_best(ordered: Iterable[Effort], detrain: Detrain) -> list[Effort]:
    """The efforts detrained that can still be the best (or the best race), from
    ``ordered`` (highest VDOT first, ties in their order): detraining only lowers, so an
    effort not above the best so far (a race: the best race so far) is skipped, and the
    rest once none can be above the best race."""
    out: list[Effort] = []
    top = top_of_races = -np.inf  # the best VDOT so far, and the best race's
    for e in ordered:
        if e.vdot <= top_of_races:  # nothing after it can be above (top >= top_of_races)
            break
        if e.vdot <= (top_of_races if e.is_race else top):
            continue
        kept = detrain(e)[0]
        out.append(kept)
        top = max(top, kept.vdot)
        top_of_races = max(top_of_races, kept.vdot) if kept.is_race else top_of_races
    return out


def day_vdot(
    day: date, out: list[Effort], base: Effort | None, window_race: float | None, detrain: Detrain
) -> DayVdot:
    """The DayVdot of ``day`` from its efforts after detraining (``out``, not empty),
    the last race (``base``) and the best race of the window (``window_race``)."""
    from deliberun.models.vdot_evidence import EVIDENCE_RULES, training_range

    best = max(out, key=lambda e: e.vdot)
    # the race the day starts from: the best detrained race, else the last race
    race_eff = [e for e in out if e.is_race]
    top_race = max(race_eff, key=lambda e: e.vdot) if race_eff else None
    race_run = None
    race_dt = None
    if top_race is not None:
        race_run = replace(top_race, discount=1.0)
        race_dt = detrain(race_run)[1]
    elif base is not None:
        race_run = base
    # range and words of the race part
    r_low = r_high = None
    race_words = ""
    if top_race is not None and race_run is not None:
        age = (day - race_run.day).days
        words = f"race of {race_run.day.isoformat()}, {_ago(age)}"
        r_low = r_high = top_race.vdot
        if race_dt is not None:
            said = race_dt.words(race_run.vdot)
            words += f", {said}" if said else ""
            r_low = min(r_low, race_run.vdot * race_dt.low_factor)
            r_high = max(r_high, race_run.vdot * race_dt.high_factor)
        spread = VDOT_DAY_RULES["age_spread_per_year"] * race_run.vdot * age / 365.0
        r_low, r_high = r_low - spread, r_high + spread
        race_words = words
    if best.is_race:
        assert r_low is not None and r_high is not None
        return DayVdot(day, best, r_low, r_high, race_words, race_run, race_dt)
    low, high = training_range(best, None, window_race)
    words = (
        f"training effort of {best.day.isoformat()} ({best.duration_s / 60:.0f} min, VDOT "
        f"{best.vdot / best.discount:.1f} as run, counted at {best.discount * 100:.0f}%)"
    )
    if r_low is not None and r_high is not None:
        low, high = max(low, r_low), max(high, r_high)
        words += f", above the {race_words}"
    cap = (window_race or 0.0) + EVIDENCE_RULES["training_max_rise"]
    if window_race is not None:
        high = min(high, cap)
    return DayVdot(day, best, min(low, best.vdot), max(high, best.vdot), words, race_run, race_dt)
