"""Heart-rate and pace thresholds estimated from the runner's own activities.

Every estimate carries its date and evidence (the activity ids it rests on), so
the runner can check it; a value the runner set overrides it (the service
layer decides which wins, these functions only estimate).

Methods (documented in docs/models.md):

- **max HR**: the highest best-30-s average HR of the activities in the window (a
  sustained maximum: a 2-s strap spike cannot set it; the best 30 s of an all-out
  finish is within 1-2 bpm of a lab max HR, cf. ACSM's Guidelines for Exercise
  Testing, 11th ed., on peak HR over the last 30 s of a maximal test). Activities
  computed before that metric existed fall back to their recorded maximum, ignoring
  values outside 120–230 bpm and a single value more than 5 bpm above the
  second-highest (a strap spike), in which case the second-highest is used.
- **resting HR**: the lowest resting HR the files report (FIT ``user_profile`` /
  device value), values 25–100 bpm.
- **threshold pace**: the best effort of 20–60 min, converted to the speed
  sustainable for 60 min with Riegel's exponent 1.06 (``v60 = v · (t/3600)^(0.06/1.06)``);
  a 20-min best gives 94 % of its speed, close to the "95 % of a 20-min test"
  rule of thumb (Friel; Allen & Coggan for power). One hour at maximal effort is the
  classic definition of threshold pace (Daniels' T pace ≈ 1-h race pace).
- Both threshold estimates read steady efforts only: no run with detected reps and
  recoveries (a structured session) counts.
- **threshold HR**: the highest average HR of a hard continuous run of 20–60 min
  (average speed ≥ 90 % of the estimated threshold speed, or marked as a race);
  Friel's 30-min test takes the last 20 minutes' average, so a whole-run average
  of 30–60 min is a slight under-estimate, which we prefer to over-estimating.
  A shorter effort is run above threshold: the average of a 20-min all-out effort
  (a 5 km race) is taken at 95 % (the 20-min test correction of Friel and
  TrainingPeaks: LTHR is about 95 % of a 20-min time trial's average HR), rising
  linearly to 100 % at 30 min.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Plausibility limits and method constants (see module docstring for sources).
THRESHOLD_METHOD: dict[str, Any] = {
    "hr_max_range_bpm": (120.0, 230.0),
    "hr_max_spike_bpm": 5.0,
    "hr_rest_range_bpm": (25.0, 100.0),
    "effort_min_s": 1200.0,
    "effort_max_s": 3600.0,
    "riegel_exponent": 1.06,
    "hard_run_fraction_of_threshold": 0.90,
    "source": "Riegel 1981 (endurance exponent); Friel, The Triathlete's Training Bible "
    "(30-min LTHR test); Daniels' Running Formula (T pace = about 1-h race pace)",
}


@dataclass
class ActivityFacts:
    """What the threshold estimates need from one stored activity (SI units)."""

    activity_id: int | None
    day: date
    distance_m: float | None = None
    moving_time_s: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    resting_hr_bpm: float | None = None
    is_race: bool = False
    hr_best_30s_bpm: float | None = None
    structured: bool = False  # reps with recoveries: no steady effort for thresholds
    mean_max_speed: dict[float, float] = field(default_factory=dict)  # duration s -> m/s
    best_efforts_s: dict[float, float] = field(default_factory=dict)  # distance m -> s


@dataclass
class Estimate:
    """A threshold estimate: value, date of the evidence, activity ids, method."""

    key: str
    value: float
    day: date
    evidence: list[int | None]
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "date": self.day.isoformat(),
            "activity_ids": self.evidence,
            "method": self.method,
        }


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def estimate_hr_max(activities: list[ActivityFacts]) -> Estimate | None:
    """Maximum heart rate [bpm]: the best sustained 30 s, else the recorded maxima (see
    module docstring)."""
    lo, hi = THRESHOLD_METHOD["hr_max_range_bpm"]
    sustained = [
        a
        for a in activities
        if _finite(a.hr_best_30s_bpm) and lo <= a.hr_best_30s_bpm <= hi  # type: ignore[operator]
    ]
    if sustained:
        top = max(sustained, key=lambda a: a.hr_best_30s_bpm or 0.0)
        return Estimate(
            "hr_max_bpm",
            round(float(top.hr_best_30s_bpm or 0), 1),
            top.day,
            [top.activity_id],
            "highest best-30-s average heart rate (a sustained maximum, not a spike)",
        )
    cands = sorted(
        (a for a in activities if _finite(a.max_hr_bpm) and lo <= a.max_hr_bpm <= hi),  # type: ignore[operator]
        key=lambda a: a.max_hr_bpm or 0.0,
        reverse=True,
    )
    if not cands:
        return None
    top = cands[0]
    method = "highest recorded max HR"
    if (
        len(cands) > 1
        and (top.max_hr_bpm or 0) - (cands[1].max_hr_bpm or 0)
        > THRESHOLD_METHOD["hr_max_spike_bpm"]
    ):
        top = cands[1]
        method = "second-highest recorded max HR (the highest looked like a spike)"
    return Estimate("hr_max_bpm", float(top.max_hr_bpm or 0), top.day, [top.activity_id], method)


def estimate_hr_rest(activities: list[ActivityFacts]) -> Estimate | None:
    """Resting heart rate [bpm]: the lowest value the files report, if any."""
    lo, hi = THRESHOLD_METHOD["hr_rest_range_bpm"]
    cands = [a for a in activities if _finite(a.resting_hr_bpm) and lo <= a.resting_hr_bpm <= hi]  # type: ignore[operator]
    if not cands:
        return None
    best = min(cands, key=lambda a: a.resting_hr_bpm or 0.0)
    return Estimate(
        "hr_rest_bpm",
        float(best.resting_hr_bpm or 0),
        best.day,
        [best.activity_id],
        "lowest resting HR reported by the device",
    )


def sixty_minute_speed(speed: float, duration: float) -> float:
    """Speed [m/s] sustainable for 60 min given ``speed`` held for ``duration`` [s] (Riegel)."""
    k = THRESHOLD_METHOD["riegel_exponent"]
    return speed * (duration / 3600.0) ** ((k - 1.0) / k)


def _efforts(a: ActivityFacts) -> list[tuple[float, float]]:
    """(duration s, speed m/s) pairs of 20-60 min from the mean-max curve and best efforts
    (none from a structured session: its stretches mix reps and recoveries)."""
    if a.structured:
        return []
    tmin, tmax = THRESHOLD_METHOD["effort_min_s"], THRESHOLD_METHOD["effort_max_s"]
    out = [
        (float(t), float(v))
        for t, v in a.mean_max_speed.items()
        if tmin <= float(t) <= tmax and _finite(v) and v > 0
    ]
    for d, t in a.best_efforts_s.items():
        if _finite(t) and tmin <= t <= tmax:
            out.append((float(t), float(d) / float(t)))
    if a.is_race and _finite(a.distance_m) and _finite(a.moving_time_s):
        t = float(a.moving_time_s or 0)
        if tmin <= t <= tmax and t > 0:
            out.append((t, float(a.distance_m or 0) / t))
    return out


def estimate_threshold_pace(activities: list[ActivityFacts]) -> Estimate | None:
    """Threshold pace [s/km] from the best 20–60 min effort (see module docstring)."""
    best: tuple[float, ActivityFacts, float] | None = None
    for a in activities:
        for t, v in _efforts(a):
            v60 = sixty_minute_speed(v, t)
            if v60 < 1.5 or v60 > 7.0:  # slower than walking, faster than world record
                continue
            if best is None or v60 > best[0]:
                best = (v60, a, t)
    if best is None:
        return None
    v60, a, t = best
    return Estimate(
        "threshold_pace_s_per_km",
        1000.0 / v60,
        a.day,
        [a.activity_id],
        f"best {t / 60:.0f}-min effort converted to 60 min with Riegel's exponent 1.06",
    )


def estimate_threshold_hr(
    activities: list[ActivityFacts], threshold_pace_s_per_km: float | None
) -> Estimate | None:
    """Threshold HR [bpm]: highest average HR of a hard continuous 20–60 min run."""
    tmin, tmax = THRESHOLD_METHOD["effort_min_s"], THRESHOLD_METHOD["effort_max_s"]
    frac = THRESHOLD_METHOD["hard_run_fraction_of_threshold"]
    v_thr = 1000.0 / threshold_pace_s_per_km if threshold_pace_s_per_km else None
    best: tuple[float, ActivityFacts, float] | None = None
    for a in activities:
        if not (_finite(a.avg_hr_bpm) and _finite(a.moving_time_s) and _finite(a.distance_m)):
            continue
        t = float(a.moving_time_s or 0)
        if not tmin <= t <= tmax or a.structured:
            continue
        v = float(a.distance_m or 0) / t
        hard = a.is_race or (v_thr is not None and v >= frac * v_thr)
        value = float(a.avg_hr_bpm or 0) * threshold_hr_factor(t)
        if hard and (best is None or value > best[0]):
            best = (value, a, t)
    if best is None:
        return None
    value, a, t = best
    return Estimate(
        "threshold_hr_bpm",
        round(value, 1),
        a.day,
        [a.activity_id],
        f"highest average HR of a hard continuous run of 20-60 min, x "
        f"{threshold_hr_factor(t):.3f} for its {t / 60:.0f} min (Friel)",
    )


def threshold_hr_factor(duration_s: float) -> float:
    """Share of a hard effort's average HR that is threshold HR: 0.95 at 20 min, rising
    linearly to 1 at 30 min and beyond (see the module docstring)."""
    return min(1.0, 0.95 + 0.05 * max(0.0, duration_s - 1200.0) / 600.0)


def estimate_thresholds(activities: list[ActivityFacts]) -> dict[str, Estimate]:
    """All estimates the data support, keyed like ``AthleteSettings`` fields."""
    out: dict[str, Estimate] = {}
    for est in (estimate_hr_max(activities), estimate_hr_rest(activities)):
        if est is not None:
            out[est.key] = est
    pace = estimate_threshold_pace(activities)
    if pace is not None:
        out[pace.key] = pace
    hr = estimate_threshold_hr(activities, pace.value if pace else None)
    if hr is not None:
        out[hr.key] = hr
    return out


def threshold_pace_as_of(
    activities: list[ActivityFacts], days: list[date], window_days: int
) -> dict[date, Estimate | None]:
    """The threshold-pace estimate each morning: :func:`estimate_threshold_pace` over the
    activities dated in ``[day - window_days, day)`` (the day's own run does not count)."""
    per_run = sorted(
        ((a.day, e) for a in activities if (e := estimate_threshold_pace([a])) is not None),
        key=lambda x: x[0],
    )
    # the runs of a window are one slice of the runs by day (found by bisection, not by
    # a pass over every run for every day), in the same order: the same first minimum
    ords = [day.toordinal() for day, _ in per_run]
    values = [e for _, e in per_run]
    out: dict[date, Estimate | None] = {}
    for d in days:
        end = d.toordinal()
        inside = values[bisect_left(ords, end - window_days) : bisect_left(ords, end)]
        out[d] = min(inside, key=lambda e: e.value) if inside else None
    return out
