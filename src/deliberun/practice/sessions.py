"""Which workout an unplanned run was, from its own fields (plain values, no database).

A run the plan did not name, and that the session classifier of ``models.sessions`` did
not judge, gets its type from what the run alone says, in this order (first that
applies wins):

1. a **race** (the caller's verdict on the run alone: ``models.races.is_race``);
2. a **word of its name** (:data:`NAME_TYPES`, in order: "strides", "progression",
   "hill", ... "easy"/"jog"; a substring of the lower-case name);
3. **detected reps**: three or more work reps are intervals, cruise intervals when the
   reps last 5 min or more on average;
4. **length**: 18 km or more, or 90 min or more, is a long run;
5. else an easy run.

These are the rules ``services/practice_sessions`` applied to unplanned runs before
they moved here (issue 15), unchanged.

:func:`build_session` is the rule that makes one run's :class:`Session` out of what the
service read (the run's light row, its laps and reps, the load state, the plan's step and
the VDOT and T band of its day), moved here unchanged from ``services/practice_sessions``
(issue 15): the run's reps read against the plan's work steps (or, unplanned, the reps its
structure shows, judged at the zone their length belongs to), the targets of the day's
paces, the splits' time in the T and I bands and the longest stretch at marathon pace.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from deliberun.plan.paces import zone_paces
from deliberun.practice.execution import (
    WORK_ZONE,
    WorkStep,
    planned_work,
    sustained_threshold_pace,
    unplanned_workout_reps,
    work_reps,
)
from deliberun.practice.review import PlannedDay
from deliberun.practice.session import Session
from deliberun.practice.targets import longest_stretch_s, split_cv_pct

#: Words in a run's name that say its workout type, checked in order (first match wins).
NAME_TYPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("stride",), "strides"),
    (("progression",), "progression"),
    (("hill",), "hills"),
    (("cruise",), "cruise_intervals"),
    (("interval", "x400", "x800", "x1000", "vo2"), "intervals"),
    (("tempo", "threshold"), "tempo"),
    (("with mp", "marathon pace", "mp long", "long mp"), "mp_long"),
    (("long",), "long"),
    (("recovery",), "recovery"),
    (("easy", "jog"), "easy"),
)
#: Detected work reps that make a run an interval session.
MIN_REPS = 3
#: Mean rep duration [s] from which the reps are cruise intervals.
CRUISE_REP_S = 300.0
#: A long run: this distance [m] or this moving time [s] or more.
LONG_RUN_M = 18000.0
LONG_RUN_S = 90 * 60.0


def type_from_name(name: str | None) -> str | None:
    """The workout type a word of ``name`` says (:data:`NAME_TYPES`), or None."""
    low = (name or "").lower()
    for words, workout_type in NAME_TYPES:
        if any(w in low for w in words):
            return workout_type
    return None


def unplanned_session_type(
    *,
    name: str | None,
    race: bool,
    n_reps: int = 0,
    mean_rep_s: float = 0.0,
    distance_m: float | None = None,
    moving_time_s: float | None = None,
) -> str:
    """The workout type of an unplanned run (see the module docstring for the order):
    ``race`` is the verdict on the run alone, ``n_reps`` and ``mean_rep_s`` [s] its
    detected work reps, ``distance_m`` and ``moving_time_s`` its size (None: unknown)."""
    if race:
        return "race"
    named = type_from_name(name)
    if named is not None:
        return named
    if n_reps >= MIN_REPS:
        return "cruise_intervals" if mean_rep_s >= CRUISE_REP_S else "intervals"
    if (distance_m or 0.0) >= LONG_RUN_M or (moving_time_s or 0.0) >= LONG_RUN_S:
        return "long"
    return "easy"


def finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _splits(value: Any) -> list[tuple[float | None, float]]:
    if value is None:
        return []
    data = json.loads(value) if isinstance(value, str) else value
    out: list[tuple[float | None, float]] = []
    for sp in data or []:
        if isinstance(sp, dict):
            pace, dur = sp.get("pace_s_per_km"), sp.get("moving_time_s") or sp.get("duration_s")
        else:
            pace, dur = sp[0], sp[1]
        out.append((finite(pace), finite(dur) or 0.0))
    return out


@functools.lru_cache(maxsize=512)
def _plan_work(text: str, workout_type: str) -> tuple[WorkStep, ...]:
    """The planned work steps of a workout text (parsed once per text)."""
    steps = _plan_steps(text, workout_type)
    return tuple(planned_work(steps)) if steps else ()


@functools.lru_cache(maxsize=512)
def _plan_rep_count(text: str, workout_type: str) -> int | None:
    """How many reps the plan asks for: its work steps when recoveries separate them
    (a repeat block, or recovery steps); None for a continuous run (easy, long, race,
    a progression run's faster stretches, a single tempo block)."""

    def separated(steps: list[dict[str, Any]]) -> bool:
        return any(
            st.get("kind") in ("repeat", "recovery", "rest") or separated(st.get("steps") or [])
            for st in steps
        )

    steps = _plan_steps(text, workout_type)
    work = _plan_work(text, workout_type)
    return len(work) if steps and len(work) >= 2 and separated(steps) else None


def _plan_steps(text: str, workout_type: str) -> list[dict[str, Any]] | None:
    from deliberun.plan.text import parse_workout  # 15 ms at start-up: when first used

    try:
        steps: list[dict[str, Any]] = parse_workout(text, workout_type=workout_type).to_dict()[
            "steps"
        ]
    except ValueError:  # a text the plan's grammar does not read (WorkoutSyntaxError)
        return None
    return steps


#: Daniels' rep lengths: R reps up to 2 min, I reps 2-5 min (3-5 ideal), longer at T.
UNPLANNED_ZONE_BY_REP_S = ((120.0, "R"), (360.0, "I"), (float("inf"), "T"))


def _unplanned_work(reps: Any, paces: dict[str, tuple[float, float]]) -> tuple[Any, str]:
    """An unplanned interval session judged on what the runner did: its work reps only
    (at threshold pace or faster, +5 %: not the surges, walks and jogs the detector also
    finds) against the zone their length belongs to (Daniels: R up to 2 min, I to 5 min,
    T beyond), not the I pace for every rep."""
    t_slow = paces["T"][1] * 1.05 if "T" in paces else float("inf")
    keep = [i for i, p in enumerate(reps.paces_s_per_km) if p <= t_slow]
    durs = reps.durations_s if len(reps.durations_s) == len(reps.paces_s_per_km) else []
    picked = replace(
        reps,
        paces_s_per_km=[reps.paces_s_per_km[i] for i in keep],
        raw_paces_s_per_km=[reps.raw_paces_s_per_km[i] for i in keep]
        if len(reps.raw_paces_s_per_km) == len(reps.paces_s_per_km)
        else reps.raw_paces_s_per_km,
        durations_s=[durs[i] for i in keep] if durs else [],
    )
    med = sorted(picked.durations_s)[len(picked.durations_s) // 2] if picked.durations_s else 0.0
    zone = next(z for limit, z in UNPLANNED_ZONE_BY_REP_S if med <= limit)
    return picked, zone


@functools.lru_cache(maxsize=1024)
def _zone_paces(vdot: float | None) -> dict[str, tuple[float, float]] | None:
    if not vdot:
        return None

    try:
        paces: dict[str, tuple[float, float]] = zone_paces(vdot)
    except ValueError:  # a VDOT outside the equations' range
        return None
    return paces


def _time_in_band(
    splits: list[tuple[float | None, float]],
    band: tuple[float, float] | None,
    widen: float = 0.02,
) -> float | None:
    """Seconds of km splits whose pace is inside ``band`` (fast, slow) [s/km], +/-2%."""
    if band is None or not splits:
        return None
    lo, hi = band[0] * (1 - widen), band[1] * (1 + widen)
    return sum(dur for pace, dur in splits if pace and lo <= pace <= hi)


def build_session(
    row: Any,
    wt: str,
    m: dict[str, Any],
    state: dict[date, dict[str, float | None]],
    planned: PlannedDay | None,
    vdot: float | None,
    goal_pace: float | None,
    temperature_c: float | None,
    t_band: tuple[float, float] | None = None,
) -> Session:
    d: date = row.local_date
    offset = row.utc_offset_s or 0
    local_start = row.start_time + timedelta(seconds=offset) if row.start_time else None
    paces = _zone_paces(vdot)
    if paces and t_band:  # the T band of the day (``athlete_zones``: threshold or VDOT)
        paces = {**paces, "T": t_band}
    work = _plan_work(planned.text, planned.workout_type) if planned and planned.text else ()
    zone = WORK_ZONE.get(wt)
    vdot_pace = (sum(paces[zone]) / 2) if paces and zone and zone in paces else None
    dist, moving = finite(row.distance_m), finite(row.moving_time_s)
    if work:
        reps = work_reps(m, len(work), list(work), paces) if m else None
    else:  # an unplanned run without a clear workout structure has no reps to judge
        avg = (1000.0 * moving / dist) if dist and moving else None
        reps = unplanned_workout_reps(m, avg) if m else None
    if reps and not work and wt in ("intervals", "hills") and paces:
        reps, zone = _unplanned_work(reps, paces)
        vdot_pace = (sum(paces[zone]) / 2) if zone in paces else None
    rep_paces = reps.paces_s_per_km if reps else []
    step_targets = [t.target(paces) for t in work]
    rep_targets = [t for t in step_targets[: len(rep_paces)] if t]
    if len(rep_targets) != len(rep_paces):
        rep_targets = []
    known = [t for t in step_targets if t]
    # the plan says (strides have no pace target); an unplanned run is never graded
    # against a target inferred from the VDOT alone (its reps' fade still counts)
    target = ((sum(known) / len(known)) if known else None) if work else None
    splits = _splits(row.splits)
    mp = goal_pace or ((sum(paces["M"]) / 2) if paces and "M" in paces else None)
    split_paces = [p for p, _ in splits if p]
    metrics: dict[str, float | None] = {
        "decoupling_pct": finite(row.decoupling_pct),
        "efficiency_factor": finite(row.efficiency_factor),
        "avg_cadence_spm": finite(row.cadence_spm) or finite(row.avg_cadence_spm),
        "split_cv_pct": split_cv_pct(split_paces),
        "time_at_t_pace_s": _time_in_band(splits, paces.get("T") if paces else None),
        "time_at_i_pace_s": _time_in_band(splits, paces.get("I") if paces else None),
        "mp_stretch_s": (
            longest_stretch_s([p or 0.0 for p, _ in splits], [t for _, t in splits], mp)
            if mp and splits
            else None
        ),
        "vdot_of_day": vdot,
    }
    if wt in ("tempo", "cruise_intervals"):
        metrics["threshold_pace_s_per_km"] = sustained_threshold_pace(reps, m) if m else None
    day = state.get(d, {})
    prior = [state.get(d - timedelta(days=k), {}).get("load") for k in (1, 2)]
    n_planned = _plan_rep_count(planned.text, planned.workout_type) if work and planned else None
    return Session(
        local_date=d,
        activity_id=int(row.id),
        start_time=row.start_time,
        local_hour=(local_start.hour + local_start.minute / 60.0) if local_start else None,
        workout_type=wt,
        distance_m=dist,
        duration_s=moving,
        avg_hr_bpm=finite(row.avg_hr_bpm),
        avg_pace_s_per_km=(1000.0 * moving / dist) if dist and moving else None,
        load=finite(row.load),
        temperature_c=temperature_c
        if temperature_c is not None
        else finite((row.extra or {}).get("temperature_c")),
        prior_48h_load=sum(x for x in prior if x is not None) if state else None,
        form=day.get("form"),
        fitness=day.get("fitness"),
        acwr=day.get("acwr"),
        target_pace_s_per_km=target,
        vdot_pace_s_per_km=vdot_pace,
        rest_s=(sum(reps.rests_s) / len(reps.rests_s)) if reps and reps.rests_s else None,
        reps_planned=n_planned,
        reps_done=len(rep_paces) if (rep_paces or n_planned) else None,
        rep_paces_s_per_km=rep_paces,
        rep_targets_s_per_km=rep_targets,
        metrics=metrics,
    )
