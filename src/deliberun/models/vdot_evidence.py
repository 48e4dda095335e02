"""What the VDOT may rest on: races, and sustained best efforts of training runs, calibrated.

Rules (:data:`EVIDENCE_RULES`):

- A **race** counts as a whole: its distance in its time (Daniels/Gilbert VDOT). A
  GPS distance within 2.5 % of a standard race distance is that distance (courses are
  measured on the shortest route, which a GPS track overshoots), and the clock runs
  from start to finish: the elapsed time, when it is at most 10 % above the moving
  time (a longer gap is a stop the file kept, not the race).
- A **training effort** counts only when it was sustained: a best effort of at least
  ``min_sustained_s`` (6 min) continuous, from a run that was not a structured session
  (a rep inside 6 × 1000 m is not a 1000 m race: the recoveries around it make it
  faster than the runner could go once). A best effort inside a training run is not
  run all out (Daniels advises against setting VDOT from training, Daniels' Running
  Formula 3rd ed., ch. 5): the best sustained effort of a 180-day window reads about
  ``training_ratio`` of the VDOT the runner races at, so its VDOT counts divided by
  that ratio (:data:`TRAINING_CALIBRATION` gives the data; ``training_ratio_low`` and
  ``training_ratio_high`` the spread, from which :func:`training_range` gives the
  uncertainty). A window whose training holds no hard sustained effort reads lower
  still: :func:`training_range` then widens up to the last race's VDOT.
- A training effort counts only when **no race is more recent**: a race after it is the
  better evidence of the fitness of the time.
- **One effort cannot move the VDOT more than its evidence allows**: with a race in the
  window, a training effort raises the VDOT at most ``training_max_rise`` above the
  best race.

Pure functions: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from deliberun.models.predict import Effort, is_usable

EVIDENCE_RULES: dict[str, float] = {
    "min_sustained_s": 360.0,
    "training_ratio": 0.925,
    "training_ratio_low": 0.89,
    "training_ratio_high": 0.95,
    "training_max_rise": 1.0,
}

#: Where ``training_ratio`` comes from: the best sustained (>= 6 min, unstructured)
#: training effort in the 180 days before a day, as a share of the runner's VDOT that day
#: (the planted VDOT on the simulator; the race's VDOT on a real history). Measured
#: 2026-12-05 with bench/vdot_calibration.py (simulate --seed 1; slalom007's four races,
#: three of which have the same best training effort before them):
#: ``{source: (days or races, median, lowest, highest)}``. In-sample: the ratio and its
#: spread were chosen from these; away from races a runner's training reads lower.
TRAINING_CALIBRATION: dict[str, tuple[int, float, float, float]] = {
    "sim marathon": (119, 0.927, 0.880, 0.941),
    "sim nemesis_fatigue": (75, 0.932, 0.928, 0.940),
    "sim illness": (60, 0.902, 0.898, 0.912),
    "real slalom007 (races)": (4, 0.930, 0.912, 0.950),
}


def run_efforts(
    activity_id: int | None,
    day: date,
    distance_m: float | None,
    duration_s: float | None,
    best_efforts_s: dict[float, float],
    *,
    race: bool,
    structured: bool,
    elapsed_s: float | None = None,
) -> list[Effort]:
    """The efforts one run offers: the whole run when it was a race; else its sustained
    best efforts (none from a structured session), divided by ``training_ratio``."""
    if race:
        if distance_m and duration_s and distance_m > 0 and duration_s > 0:
            d, t = race_distance(float(distance_m)), float(duration_s)
            if elapsed_s and t <= elapsed_s <= 1.1 * t:
                t = float(elapsed_s)
            return [Effort(d, t, day, activity_id, True)]
        return []
    if structured:
        return []
    r = EVIDENCE_RULES
    return [
        Effort(d, t, day, activity_id, False, 1.0 / r["training_ratio"])
        for d, t in best_efforts_s.items()
        if d > 0 and t >= r["min_sustained_s"]
    ]


def race_distance(distance_m: float) -> float:
    """The standard race distance within 2.5 % of a GPS distance, else the distance."""
    from deliberun.models.races import RACE_RULES, STANDARD_DISTANCES_M

    tol = RACE_RULES["distance_tolerance"]
    for d in STANDARD_DISTANCES_M.values():
        if abs(distance_m - d) <= tol * d:
            return d
    return distance_m


def select(efforts: Iterable[Effort]) -> list[Effort]:
    """The usable efforts the VDOT may rest on (see the module docstring)."""
    usable = [e for e in efforts if is_usable(e)]
    races = [e for e in usable if e.is_race]
    if not races:
        return usable
    last_race = max(e.day for e in races)
    cap = max(e.vdot for e in races) + EVIDENCE_RULES["training_max_rise"]
    out = list(races)
    for e in usable:
        if e.is_race or e.day <= last_race:
            continue
        if e.vdot > cap:
            e = replace(e, discount=e.discount * cap / e.vdot)
        out.append(e)
    return out


def best(efforts: Iterable[Effort]) -> Effort | None:
    """The effort the VDOT rests on (highest VDOT after :func:`select`), or None."""
    chosen = select(efforts)
    return max(chosen, key=lambda e: e.vdot) if chosen else None


def as_run(effort: Effort) -> float:
    """The VDOT of ``effort`` as run (before any calibration or cap) [ml/kg/min]."""
    return effort.vdot / effort.discount


def training_range(
    effort: Effort, last_race: Effort | None = None, window_race: float | None = None
) -> tuple[float, float]:
    """``(low, high)`` VDOT [ml/kg/min] a training effort's value stands for.

    The effort's VDOT as run divided by ``training_ratio_high`` and ``training_ratio_low``
    (the spread of :data:`TRAINING_CALIBRATION`). When the last race (older than the
    window) gave more than that, ``high`` reaches up to it: training with no hard
    sustained effort says only that the runner is at least this fit, and nothing in the
    data says the fitness of the last race was lost. With a race in the window (its
    best VDOT ``window_race``) neither end passes ``training_max_rise`` above it, as
    the VDOT does not (:func:`select`). A race effort has no range.
    """
    if effort.is_race:
        return effort.vdot, effort.vdot
    r = EVIDENCE_RULES
    raw = as_run(effort)
    low, high = raw / r["training_ratio_high"], raw / r["training_ratio_low"]
    if last_race is not None and last_race.vdot > high:
        high = last_race.vdot
    if window_race is not None:
        cap = window_race + r["training_max_rise"]
        low, high = min(low, cap), min(high, cap)
    return low, high


def rests_on(effort: Effort) -> dict[str, Any]:
    """What a VDOT resting on ``effort`` says about it, for the runner."""
    if effort.is_race and effort.discount == 1.0:
        what = "race"
    elif effort.is_race:
        what = (
            f"race (VDOT {as_run(effort):.1f} as run), counted at {effort.discount * 100:.1f}% "
            "for the breaks since (Daniels' VDOT adjustment after time off)"
        )
    else:
        what = (
            f"training effort of {effort.duration_s / 60:.0f} min (VDOT {as_run(effort):.1f} "
            f"as run), counted at {effort.discount * 100:.0f}%: a best sustained training "
            f"effort reads about {EVIDENCE_RULES['training_ratio'] * 100:.1f}% of race fitness"
        )
    return {**effort.to_dict(), "rests_on": what}
