"""How a quality session was executed: its work reps, their paces, and the targets
they are judged against.

Pure functions over the stored metrics of one run (``deliberun.metrics.compute_all``
output) and the planned workout's steps (``deliberun.plan``'s ``to_dict()["steps"]``).

- **Work reps** come from the laps the watch marked as work (a structured workout or
  the lap button; auto-laps by distance are not structure), else from the detected
  ``intervals.reps``. When the plan says how many work steps there were, no more reps
  than that are kept, laps and detected reps alike: the run of consecutive candidates
  that best matches the planned steps' sizes and target paces (a warm-up, a cool-down
  pick-up or a lap pressed in the cool-down after the planned reps is not a rep), else,
  without sizes or targets, slower ones at either end are trimmed; without a plan, laps
  more than 15% slower than the fastest work lap are dropped as mislabelled warm-ups.
  A planned rep the detector split in two (a dip of more than 10 s in a long M or T
  block: a crossing, a drink) is joined again when the joined piece matches the
  planned step better (:func:`_joined_window`).
- **Grade-adjusted pace** (GAP, the metrics area's model) is used for every rep that
  has it: on flat ground it equals pace; up a hill, it is the effort the runner was
  asked for. Hill reps and marathon-pace blocks on a rolling route are judged fairly.
- **Targets** are per work step: the midpoint of the step's zone at the VDOT *of the
  session's day* (``deliberun.models.vdot_history``), or the step's explicit pace.
  A progression run (E, then M, then T) is judged segment by segment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

#: Lap intensities (FIT ``intensity``, TCX ``Intensity``) that mark work and recovery.
WORK_LAPS = ("active", "interval", "work")
REST_LAPS = ("rest", "recovery", "resting")
#: Lap triggers that are not workout structure (auto-lap every km or mile).
AUTO_LAP_TRIGGERS = ("distance", "position_lap", "position_start", "position_waypoint")
#: Without a plan, a work lap this much slower than the fastest is a warm-up or jog.
#: Coaching convention: E pace is 15-25% slower than T pace (Daniels 2014, table 5.2).
SLOW_LAP_FRACTION = 0.15
#: Laps shorter than this [s] do not set the reference pace (a stray button press).
MIN_REFERENCE_LAP_S = 30.0
#: Laps shorter than this [s] are never a rep: the lap button pressed twice.
STRAY_LAP_S = 10.0

#: Daniels zone of the work reps per workout type when the plan does not say.
WORK_ZONE = {
    "intervals": "I",
    "cruise_intervals": "T",
    "tempo": "T",
    "mp_long": "M",
    "hills": "I",
    "strides": "R",
    "progression": "T",
}


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass
class WorkStep:
    """One planned work step: a zone (``"T"``) or a pace band [s/km], and its size."""

    zone: str | None = None
    pace_band_s_per_km: tuple[float, float] | None = None
    distance_m: float | None = None
    duration_s: float | None = None

    def target(self, zone_paces: dict[str, tuple[float, float]] | None) -> float | None:
        """Target pace [s/km]: the middle of the explicit band, else of the zone."""
        if self.pace_band_s_per_km is not None:
            lo, hi = self.pace_band_s_per_km
            return (lo + hi) / 2.0
        if self.zone and zone_paces and self.zone in zone_paces:
            lo, hi = zone_paces[self.zone]
            return (lo + hi) / 2.0
        return None


def planned_work(steps: list[dict[str, Any]]) -> list[WorkStep]:
    """The work steps of a planned workout in order, repeats expanded (nested too)."""
    out: list[WorkStep] = []
    for st in steps or []:
        kind = st.get("kind")
        if kind == "repeat":
            inner = planned_work(st.get("steps") or [])
            out.extend(inner * max(0, int(st.get("reps") or 0)))
        elif kind == "work":
            t = st.get("target") or {}
            band = t.get("pace_s_per_km") if t.get("kind") == "pace" else None
            out.append(
                WorkStep(
                    zone=t.get("zone"),
                    pace_band_s_per_km=(float(band[0]), float(band[1])) if band else None,
                    distance_m=_f(st.get("distance_m")),
                    duration_s=_f(st.get("duration_s")),
                )
            )
    return out


@dataclass
class Reps:
    """The work reps read from a run: judged pace (GAP when known) and raw pace [s/km]."""

    paces_s_per_km: list[float] = field(default_factory=list)
    raw_paces_s_per_km: list[float] = field(default_factory=list)
    rests_s: list[float] = field(default_factory=list)
    source: str = "none"  # laps | intervals | none
    durations_s: list[float] = field(default_factory=list)  # of each rep [s], when known


def _pace(speed: float | None) -> float | None:
    return 1000.0 / speed if speed and speed > 0 else None


def _lap_pace(lap: dict[str, Any]) -> float | None:
    """A lap's grade-adjusted pace [s/km], else its pace."""
    return _f(lap.get("gap_pace_s_per_km")) or _f(lap.get("pace_s_per_km"))


def _trim_ends(laps: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """Drop the slower end lap until ``n`` are left (warm-up first, cool-down last)."""
    laps = list(laps)
    while len(laps) > n > 0:
        first, last = _lap_pace(laps[0]), _lap_pace(laps[-1])
        if (first or math.inf) >= (last or math.inf):
            laps.pop(0)
        else:
            laps.pop()
    return laps


def _drop_slow(laps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ref_laps = [
        lap for lap in laps if (_f(lap.get("duration_s")) or 0.0) >= MIN_REFERENCE_LAP_S
    ] or laps
    paces = [p for p in (_lap_pace(lap) for lap in ref_laps) if p and p > 0]
    if not paces:
        return []
    limit = (1.0 + SLOW_LAP_FRACTION) * min(paces)
    return [lap for lap in laps if (_lap_pace(lap) or math.inf) <= limit]


def _mismatch(
    distance_m: float | None,
    duration_s: float | None,
    pace_s_per_km: float | None,
    step: WorkStep,
    target_s_per_km: float | None,
) -> float:
    """How far one candidate rep is from one planned step: ``|ln(size / planned size)|``
    (distance or duration, whichever the step has) plus ``|ln(pace / target)|`` when the
    target is known; 0 for what is unknown."""
    cost = 0.0
    if step.distance_m and distance_m and distance_m > 0:
        cost += abs(math.log(distance_m / step.distance_m))
    elif step.duration_s and duration_s and duration_s > 0:
        cost += abs(math.log(duration_s / step.duration_s))
    if target_s_per_km and pace_s_per_km and pace_s_per_km > 0:
        cost += abs(math.log(pace_s_per_km / target_s_per_km))
    return cost


def _planned_window(
    candidates: list[tuple[float | None, float | None, float | None]],
    steps: list[WorkStep],
    zone_paces: dict[str, tuple[float, float]] | None,
) -> int | None:
    """Start of the ``len(steps)`` consecutive candidates ``(distance [m], duration [s],
    pace [s/km])`` that best match the planned steps (least summed :func:`_mismatch`; the
    earlier on a tie: extras come after the planned reps, a cool-down pick-up, a lap
    pressed in the cool-down). None when nothing is known to match on (no step has a
    size or a target), or when there are not more candidates than steps."""
    n = len(steps)
    targets = [st.target(zone_paces) for st in steps]
    known = any(st.distance_m or st.duration_s for st in steps) or any(targets)
    if not known or len(candidates) <= n:
        return None
    costs = [
        sum(_mismatch(*candidates[w + k], steps[k], targets[k]) for k in range(n))
        for w in range(len(candidates) - n + 1)
    ]
    return min(range(len(costs)), key=lambda w: (costs[w], w))


def _lap_candidate(lap: dict[str, Any]) -> tuple[float | None, float | None, float | None]:
    dur = _f(lap.get("duration_s"))
    raw = _f(lap.get("pace_s_per_km"))
    dist = 1000.0 * dur / raw if dur and raw and raw > 0 else None
    return (dist, dur, _lap_pace(lap))


def _slower_than(lap: dict[str, Any], pace_s_per_km: float) -> bool:
    """A lap slower than the pace, or standing (no distance: no pace at all)."""
    p = _lap_pace(lap)
    return (_f(lap.get("duration_s")) or 0.0) > 0 and (p is None or p <= 0 or p > pace_s_per_km)


def _recovery_s(laps: list[dict[str, Any]], i: int, j: int) -> float:
    """Recovery [s] between work laps ``i`` and ``j`` of ``laps``: the laps between them
    run more than :data:`SLOW_LAP_FRACTION` slower than the slower of the two (a jog or
    a standing rest); 0 when nothing slower lies between (one continuous effort)."""
    ref = max(_lap_pace(laps[i]) or 0.0, _lap_pace(laps[j]) or 0.0)
    if ref <= 0:
        return 0.0
    limit = (1.0 + SLOW_LAP_FRACTION) * ref
    return sum(
        _f(lap.get("duration_s")) or 0.0 for lap in laps[i + 1 : j] if _slower_than(lap, limit)
    )


def _recoveries_between(laps: list[dict[str, Any]], chosen: list[dict[str, Any]]) -> list[float]:
    """Recoveries [s] a watch did not mark as rest (every lap "active"), one per pair of
    consecutive work laps that has one (see :func:`_recovery_s`)."""
    at = [i for i, lap in enumerate(laps) if any(lap is c for c in chosen)]
    return [r for r in (_recovery_s(laps, i, j) for i, j in zip(at, at[1:], strict=False)) if r > 0]


def _trim_unseparated_ends(
    laps: list[dict[str, Any]], chosen: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Without rest laps, drop a first or last work lap run on without a recovery from its
    neighbour (the warm-up's end, a cool-down at a good clip), while recoveries separate
    the others; unchanged when no recovery separates any of them (a continuous run)."""
    at = [i for i, lap in enumerate(laps) if any(lap is c for c in chosen)]
    if not any(_recovery_s(laps, i, j) > 0 for i, j in zip(at, at[1:], strict=False)):
        return chosen
    while len(at) >= 3 and _recovery_s(laps, at[0], at[1]) <= 0:
        at.pop(0)
    while len(at) >= 3 and _recovery_s(laps, at[-2], at[-1]) <= 0:
        at.pop()
    return [laps[i] for i in at]


def work_reps(
    metrics: dict[str, Any],
    n_planned: int | None = None,
    steps: list[WorkStep] | None = None,
    zone_paces: dict[str, tuple[float, float]] | None = None,
) -> Reps:
    """The work reps of a run from its metrics (see the module docstring).

    Parameters
    ----------
    metrics : the stored metrics (``laps``, ``intervals.reps``).
    n_planned : number of planned work steps, when a plan says so.
    steps : the planned work steps (:func:`planned_work`), when known: with more laps or
        detected reps than steps, the run of them that matches the steps' sizes and
        targets is kept.
    zone_paces : the day's zone paces [s/km], for the steps' targets.
    """
    steps = list(steps) if steps and (n_planned is None or len(steps) == n_planned) else None
    laps = metrics.get("laps") or []
    structure = [
        lap for lap in laps if str(lap.get("trigger") or "").lower() not in AUTO_LAP_TRIGGERS
    ]
    work = [
        lap
        for lap in structure
        if str(lap.get("intensity") or "").lower() in WORK_LAPS
        and (_f(lap.get("duration_s")) or 0.0) >= STRAY_LAP_S
    ]
    total = sum(_f(lap.get("duration_s")) or 0.0 for lap in laps)
    longest = max((_f(lap.get("duration_s")) or 0.0 for lap in work), default=0.0)
    # a lap over (nearly) the whole run is no structure: just the lap button unused
    if work and len(laps) >= 2 and longest < 0.9 * total:
        at = (
            _planned_window([_lap_candidate(lap) for lap in work], steps, zone_paces)
            if steps
            else None
        )
        if at is not None and steps:
            chosen = work[at : at + len(steps)]
        else:
            chosen = _trim_ends(work, n_planned) if n_planned else _drop_slow(work)
        marked_rest = any(str(lap.get("intensity") or "").lower() in REST_LAPS for lap in laps)
        if not n_planned and not marked_rest:
            chosen = _trim_unseparated_ends(laps, chosen)
        raw = [_f(lap.get("pace_s_per_km")) for lap in chosen]
        gap = [_f(lap.get("gap_pace_s_per_km")) for lap in chosen]
        keep = [i for i, p in enumerate(raw) if p and p > 0]
        if keep:
            rests = [
                v
                for v in (
                    _f(lap.get("duration_s"))
                    for lap in laps
                    if str(lap.get("intensity") or "").lower() in REST_LAPS
                )
                if v
            ] or _recoveries_between(laps, [chosen[i] for i in keep])
            return Reps(
                [gap[i] or raw[i] for i in keep],  # type: ignore[misc]
                [raw[i] for i in keep],  # type: ignore[misc]
                rests,
                "laps",
                [_f(chosen[i].get("duration_s")) or 0.0 for i in keep],
            )
    return detected_reps(metrics, n_planned, steps, zone_paces)


#: Two detected reps are one planned rep split by a dip (a crossing, a drink, a hill, a
#: GPS drop: the detector closes only dips up to 10 s) when the gap between them is at
#: most this share of their work time together and their paces differ by at most
#: ``JOIN_PACE_RATIO``. A real recovery is longer: a 60 s jog after a 5 min T rep is 10%
#: of the two reps' work, 90 s after 1000 m 19%; the real runner's shortest floats
#: (slalom007: 30 s after 2.5 min reps, 40 s after 3 min) are 10-12%. A 60 s stop in a
#: 20-minute block is 5%. Coaching convention checked on that history, not a measurement.
JOIN_GAP_FRACTION = 0.08
JOIN_PACE_RATIO = 1.10
#: A join must make the match to the plan better by at least this much (in the units of
#: :func:`_mismatch`, ~5% of size or pace): joining is the exception, not the reading.
JOIN_COST = 0.05


def _rep_pace(r: dict[str, Any]) -> float | None:
    return _pace(_f(r.get("gap_speed_m_per_s"))) or _pace(_f(r.get("speed_m_per_s")))


def _join(group: list[dict[str, Any]]) -> dict[str, Any]:
    """One rep from consecutive detected pieces: paces over the pieces' work (the dip is
    not run at the rep's pace), size over the pieces and the gaps between them."""
    if len(group) == 1:
        return group[0]
    durs = [_f(r.get("duration_s")) or 0.0 for r in group]
    speeds = [_f(r.get("speed_m_per_s")) or 0.0 for r in group]
    dists = [_f(r.get("distance_m")) or v * t for r, v, t in zip(group, speeds, durs, strict=True)]
    gaps = [(_f(r.get("recovery_s")) or 0.0) for r in group[:-1]]
    gap_m = [(_f(r.get("recovery_distance_m")) or 0.0) for r in group[:-1]]
    work_s = sum(durs)
    gap_speeds = [_f(r.get("gap_speed_m_per_s")) or 0.0 for r in group]
    gap_speed = (
        sum(g * t for g, t in zip(gap_speeds, durs, strict=True)) / work_s
        if work_s > 0 and all(g > 0 for g in gap_speeds)
        else None
    )
    return {
        **group[0],
        "end_s": group[-1].get("end_s"),
        "duration_s": work_s,
        "distance_m": sum(dists),
        "speed_m_per_s": sum(dists) / work_s if work_s > 0 else None,
        "gap_speed_m_per_s": gap_speed,
        "recovery_s": group[-1].get("recovery_s"),
        "recovery_distance_m": group[-1].get("recovery_distance_m"),
        "joined": len(group),
        "joined_gap_s": sum(gaps),
        "joined_gap_m": sum(gap_m),
    }


def _joinable(group: list[dict[str, Any]]) -> bool:
    """Consecutive pieces of one rep (see :data:`JOIN_GAP_FRACTION`)."""
    paces = [p for p in (_rep_pace(r) for r in group) if p is not None]
    if len(paces) < len(group):
        return False
    work_s = sum(_f(r.get("duration_s")) or 0.0 for r in group)
    gap_s = sum(_f(r.get("recovery_s")) or 0.0 for r in group[:-1])
    if any(r.get("recovery_s") is None for r in group[:-1]) or work_s <= 0:
        return False
    return gap_s <= JOIN_GAP_FRACTION * work_s and max(paces) <= JOIN_PACE_RATIO * min(paces)


def _joined_candidate(r: dict[str, Any]) -> tuple[float | None, float | None, float | None]:
    """A (joined) rep's size for matching: the pieces and the gaps between them."""
    dist, dur = _f(r.get("distance_m")), _f(r.get("duration_s"))
    gap_m, gap_s = _f(r.get("joined_gap_m")) or 0.0, _f(r.get("joined_gap_s")) or 0.0
    return (
        dist + gap_m if dist else None,
        dur + gap_s if dur else None,
        _rep_pace(r),
    )


def _joined_window(
    reps: list[dict[str, Any]],
    steps: list[WorkStep],
    zone_paces: dict[str, tuple[float, float]] | None,
) -> tuple[float, list[dict[str, Any]]] | None:
    """The best match of the planned steps to consecutive groups of detected reps, a group
    being one rep split by a dip (:func:`_joinable`): least summed :func:`_mismatch` plus
    :data:`JOIN_COST` per join (dynamic programming over steps and reps). None without
    planned sizes (a join is told only by the size it restores) or without any joinable
    pair."""
    n, m = len(steps), len(reps)
    if not any(st.distance_m or st.duration_s for st in steps) or m < n:
        return None
    if not any(_joinable(reps[i : i + 2]) for i in range(m - 1)):
        return None
    targets = [st.target(zone_paces) for st in steps]
    inf = math.inf
    # best[k][i]: least cost of the first k steps matched to groups ending just before i
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, dict[str, Any]] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0] = [0.0] * (m + 1)
    for k in range(n):
        for i in range(m):
            if best[k][i] == inf:
                continue
            for j in range(i + 1, m + 1):  # group reps[i:j]
                group = reps[i:j]
                if j - i > 1 and not _joinable(group):
                    break
                rep = _join(group)
                cost = best[k][i] + _mismatch(*_joined_candidate(rep), steps[k], targets[k])
                cost += JOIN_COST * (j - i - 1)
                if cost < best[k + 1][j] - 1e-12:
                    best[k + 1][j] = cost
                    back[k + 1][j] = (i, rep)
    end = min(range(m + 1), key=lambda j: (best[n][j], j))
    if best[n][end] == inf:
        return None
    out: list[dict[str, Any]] = []
    j = end
    for k in range(n, 0, -1):
        step = back[k][j]
        assert step is not None  # every finite cost has its back-pointer
        i, rep = step
        out.append(rep)
        j = i
    return best[n][end], out[::-1]


def _planned_detected(
    reps: list[dict[str, Any]],
    n_planned: int | None,
    steps: list[WorkStep] | None,
    zone_paces: dict[str, tuple[float, float]] | None,
) -> list[dict[str, Any]]:
    """No more detected reps than the plan's ``n_planned``: the consecutive ones that
    match the planned steps (:func:`_planned_window`), a rep the detector split in two
    joined again when that matches the plan better (:func:`_joined_window`), else the
    slower ones at either end trimmed (a warm-up, a cool-down the detector took for a
    rep)."""
    if not n_planned or len(reps) <= n_planned:
        return reps
    pace = _rep_pace
    cands = [(_f(r.get("distance_m")), _f(r.get("duration_s")), pace(r)) for r in reps]
    at = _planned_window(cands, steps, zone_paces) if steps else None
    if at is not None and steps:
        targets = [st.target(zone_paces) for st in steps]
        plain = sum(_mismatch(*cands[at + k], steps[k], targets[k]) for k in range(n_planned))
        joined = _joined_window(reps, steps, zone_paces)
        if joined is not None and joined[0] < plain - 1e-9:
            return joined[1]
        return reps[at : at + n_planned]
    reps = list(reps)
    while len(reps) > n_planned:
        if (pace(reps[0]) or math.inf) >= (pace(reps[-1]) or math.inf):
            reps.pop(0)
        else:
            reps.pop()
    return reps


def detected_reps(
    metrics: dict[str, Any],
    n_planned: int | None = None,
    steps: list[WorkStep] | None = None,
    zone_paces: dict[str, tuple[float, float]] | None = None,
) -> Reps:
    """The reps found in the speed stream (``metrics["intervals"]["reps"]``), whatever
    the laps say; with a plan, no more than its ``n_planned`` (:func:`_planned_detected`)."""
    reps = (metrics.get("intervals") or {}).get("reps") or []
    if n_planned:
        valid = [r for r in reps if _pace(_f(r.get("speed_m_per_s"))) is not None]
        if len(valid) > n_planned:
            reps = _planned_detected(valid, n_planned, steps, zone_paces)
    paces: list[float] = []
    raws: list[float] = []
    durs: list[float] = []
    for r in reps:
        raw_p = _pace(_f(r.get("speed_m_per_s")))
        if raw_p is None:
            continue
        raws.append(raw_p)
        paces.append(_pace(_f(r.get("gap_speed_m_per_s"))) or raw_p)
        durs.append(_f(r.get("duration_s")) or 0.0)
    rests = [v for v in (_f(r.get("recovery_s")) for r in reps[:-1]) if v]
    return Reps(paces, raws, rests, "intervals" if paces else "none", durs)


#: Threshold pace is measured only on efforts held this long (Daniels: T pace is held
#: 20-60 min continuous, or as cruise intervals; a shorter rep says little about it).
MIN_THRESHOLD_EFFORT_S = 600.0


def sustained_threshold_pace(reps: Reps | None, metrics: dict[str, Any]) -> float | None:
    """Threshold pace [s/km] of a tempo session: its reps of 10 min or more (time-weighted),
    else its best sustained 20-60 min; never a rep shorter than 10 minutes."""
    if reps and reps.durations_s and len(reps.durations_s) == len(reps.paces_s_per_km):
        long = [
            (p, d)
            for p, d in zip(reps.paces_s_per_km, reps.durations_s, strict=True)
            if d >= MIN_THRESHOLD_EFFORT_S
        ]
        if long:
            return sum(p * d for p, d in long) / sum(d for _, d in long)
    return best_sustained_pace(metrics)


def best_sustained_pace(
    metrics: dict[str, Any], min_s: float = 1200.0, max_s: float = 3600.0
) -> float | None:
    """Pace of the best sustained effort of 20-60 min [s/km] from the mean-maximal speeds.

    Threshold pace is about the pace a runner holds for an hour racing, or 20-30 min in
    training (Daniels 2014, ch. 4). Takes the fastest mean-maximal speed among the
    stored durations in ``[min_s, max_s]``; None when the run is shorter.
    """
    best = None
    for k, v in (metrics.get("mean_max_speed") or {}).items():
        d, speed = _f(k), _f(v)
        if d is None or speed is None or not (min_s <= d <= max_s) or speed <= 0:
            continue
        best = speed if best is None else max(best, speed)
    return 1000.0 / best if best else None


#: An unplanned run counts as a workout (its reps are judged) only with at least this
#: many reps of similar length, separated by recoveries, and run clearly faster than the
#: run's mean pace (by ``rep_faster_fraction``). Similar length: detected reps (no lap
#: button) within a coefficient of variation of ``rep_duration_cv``; reps the runner
#: marked with the lap button may come in groups (2 x 1000 m + 2 x 400 m): every rep has
#: another within ``rep_partner_ratio`` of its duration. Reps found only in the speed
#: stream (the laps do not show them) last ``min_detected_rep_s`` or more (median): shorter
#: pick-ups are strides (Daniels 2014: strides are 20-30 s). Coaching convention: an interval
#: session is repeated work bouts with recoveries; one detected "rep" in a steady run, or
#: pace noise in an easy run, is not one.
WORKOUT_STRUCTURE = {
    "min_reps": 3,
    "rep_duration_cv": 0.35,
    "rep_faster_fraction": 0.05,
    "rep_partner_ratio": 0.25,
    "min_detected_rep_s": 30.0,
    "ladder_step": 0.1,
}


def _similar_lengths(durs: list[float], grouped: bool) -> bool:
    rule = WORKOUT_STRUCTURE
    mean = sum(durs) / len(durs)
    sd = (sum((d - mean) ** 2 for d in durs) / len(durs)) ** 0.5
    if sd / mean <= rule["rep_duration_cv"]:
        return True
    if _ladder(durs):
        return True
    if not grouped:
        return False
    tol = rule["rep_partner_ratio"]
    return all(
        any(j != i and abs(e - d) <= tol * max(d, e) for j, e in enumerate(durs))
        for i, d in enumerate(durs)
    )


def _ladder(durs: list[float]) -> bool:
    """A ladder or pyramid: at least 4 reps whose lengths rise, fall, or rise then fall,
    each step by at least ``ladder_step`` of the longer (6-5-4-3-2-1 min)."""
    step = WORKOUT_STRUCTURE["ladder_step"]
    if len(durs) < 4:
        return False
    moves = []
    for a, b in zip(durs, durs[1:], strict=False):
        if abs(b - a) < step * max(a, b):
            return False
        moves.append(b > a)
    turns = sum(1 for x, y in zip(moves, moves[1:], strict=False) if x != y)
    return turns == 0 or (turns == 1 and moves[0])


def clearly_a_workout(
    metrics: dict[str, Any], reps: Reps | None, avg_pace_s_per_km: float | None
) -> bool:
    """True when the detected structure of an unplanned run is clearly a workout (see
    :data:`WORKOUT_STRUCTURE`): several reps of similar length, recoveries between them
    (rest laps, or slower laps between the work laps when the watch marks every lap
    active), and reps clearly faster than the run as a whole."""
    rule = WORKOUT_STRUCTURE
    if reps is None or len(reps.paces_s_per_km) < rule["min_reps"]:
        return False
    if len(reps.rests_s) < len(reps.paces_s_per_km) - 1:
        return False
    durs = list(reps.durations_s)
    if len(durs) != len(reps.paces_s_per_km):
        durs = [
            _f(r.get("duration_s")) or 0.0
            for r in (metrics.get("intervals") or {}).get("reps") or []
        ]
    durs = [d for d in durs if d > 0]
    if len(durs) < rule["min_reps"] or not _similar_lengths(durs, reps.source == "laps"):
        return False
    if not avg_pace_s_per_km:
        return False
    raw = sorted(reps.raw_paces_s_per_km)
    median = raw[len(raw) // 2]
    return median <= (1.0 - rule["rep_faster_fraction"]) * avg_pace_s_per_km


def _work_only(metrics: dict[str, Any]) -> Reps:
    """The reps found in the speed stream without those more than
    :data:`SLOW_LAP_FRACTION` slower than their median (a jog the detector took for a
    rep) or shorter than ``min_detected_rep_s`` when most are longer (a pick-up); a
    dropped rep counts as part of the recovery around it."""
    found = detected_reps(metrics)
    reps = [
        r
        for r in (metrics.get("intervals") or {}).get("reps") or []
        if _pace(_f(r.get("speed_m_per_s"))) is not None
    ]
    raw = sorted(found.raw_paces_s_per_km)
    if not raw or len(reps) != len(raw):
        return found
    limit = (1.0 + SLOW_LAP_FRACTION) * raw[len(raw) // 2]
    durs = sorted(found.durations_s)
    floor = WORKOUT_STRUCTURE["min_detected_rep_s"]
    shortest = floor if durs[len(durs) // 2] >= floor else 0.0
    keep = [
        i
        for i, (p, d) in enumerate(zip(found.raw_paces_s_per_km, found.durations_s, strict=True))
        if p <= limit and d >= shortest
    ]
    rests = []
    for a, b in zip(keep, keep[1:], strict=False):
        between = sum(_f(reps[k].get("recovery_s")) or 0.0 for k in range(a, b))
        rests.append(between + sum(found.durations_s[k] for k in range(a + 1, b)))
    return Reps(
        [found.paces_s_per_km[i] for i in keep],
        [found.raw_paces_s_per_km[i] for i in keep],
        [r for r in rests if r > 0],
        found.source,
        [found.durations_s[i] for i in keep],
    )


def unplanned_workout_reps(metrics: dict[str, Any], avg_pace_s_per_km: float | None) -> Reps | None:
    """The reps of an unplanned run that is clearly a workout (:func:`clearly_a_workout`),
    else None. The laps are read first; when they do not show the workout, the reps found
    in the speed stream are (a watch whose laps do not follow the reps: 1 km auto-laps
    marked active, a fast last lap that sets the reference pace, a lap over rep and
    recovery together)."""
    laps = work_reps(metrics)
    if laps.source == "laps" and clearly_a_workout(metrics, laps, avg_pace_s_per_km):
        return laps
    found = _work_only(metrics)
    durs = sorted(found.durations_s)
    if not durs or durs[len(durs) // 2] < WORKOUT_STRUCTURE["min_detected_rep_s"]:
        return None  # strides (20-30 s pick-ups), not reps
    return found if clearly_a_workout(metrics, found, avg_pace_s_per_km) else None
