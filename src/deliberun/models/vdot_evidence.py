"""What the VDOT may rest on: races, and sustained best efforts of training runs, discounted.

Rules (:data:`EVIDENCE_RULES`):

- A **race** counts as a whole: its distance in its time (Daniels/Gilbert VDOT). A
  GPS distance within 2.5 % of a standard race distance is that distance (courses are
  measured on the shortest route, which a GPS track overshoots), and the clock runs
  from start to finish: the elapsed time, when it is at most 10 % above the moving
  time (a longer gap is a stop the file kept, not the race).
- A **training effort** counts only when it was sustained: a best effort of at least
  ``min_sustained_s`` (6 min) continuous, from a run that was not a structured session
  (a rep inside 6 × 1000 m is not a 1000 m race: the recoveries around it make it
  faster than the runner could go once). Its VDOT is discounted by
  ``training_discount`` (a best effort inside a run is run fresh, with no race-day
  taper but also with no start line; Daniels advises against setting VDOT from
  training, Daniels' Running Formula 3rd ed., ch. 5).
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
    "training_discount": 0.97,
    "training_max_rise": 1.0,
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
    best efforts (none from a structured session), discounted."""
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
        Effort(d, t, day, activity_id, False, r["training_discount"])
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


def rests_on(effort: Effort) -> dict[str, Any]:
    """What a VDOT resting on ``effort`` says about it, for the runner."""
    what = (
        "race"
        if effort.is_race
        else (
            f"training effort of {effort.duration_s / 60:.0f} min, counted at "
            f"{effort.discount * 100:.0f}%"
        )
    )
    return {**effort.to_dict(), "rests_on": what}
