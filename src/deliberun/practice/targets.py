"""Targets: the 2-3 measurable things a cycle practises, and their progress.

Each kind in :data:`TARGET_KINDS` reads one value per relevant session (or per week)
from :class:`~deliberun.practice.session.Session` objects. Progress is the baseline
(median over the 6 weeks before the cycle), the current value (the robust trend at
today, else the median of the last 3 values), the Theil-Sen trend per week with its
90% interval, and the date the trend reaches the goal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.practice.session import EASY_TYPES, FAILURE_RULES, Session
from deliberun.practice.stats import robust_trend

BASELINE_DAYS = 42
EASY = EASY_TYPES
#: Sessions of paced repeats, the ones ``interval_execution`` judges (not strides, which
#: have no pace target, nor hills, run by effort).
INTERVAL_TYPES = ("intervals", "cruise_intervals")


def _aerobic_efficiency(s: Session, p: dict[str, float]) -> float | None:
    """Pace at a fixed heart rate [s/km] on easy runs, speed taken proportional to HR reserve."""
    if s.workout_type not in EASY or not s.avg_pace_s_per_km or not s.avg_hr_bpm:
        return None
    rest, ref = p.get("hr_rest_bpm", 60.0), p.get("reference_hr_bpm", 140.0)
    if s.avg_hr_bpm <= rest + 10:
        return None
    return s.avg_pace_s_per_km * (s.avg_hr_bpm - rest) / (ref - rest)


def _threshold_pace(s: Session, p: dict[str, float]) -> float | None:
    """Threshold pace of a tempo or cruise-interval run [s/km]: its work reps of 10 min or
    more (grade-adjusted when known, time-weighted), else its best sustained 20-60 min
    (``metrics["threshold_pace_s_per_km"]``, see ``execution.sustained_threshold_pace``);
    never a rep under 10 minutes (a flying sprint is not threshold pace) and never the
    whole-run average, which mixes in the warm-up and cool-down."""
    if s.workout_type not in ("tempo", "cruise_intervals"):
        return None
    return s.metrics.get("threshold_pace_s_per_km")


def _details(s: Session, p: dict[str, float]) -> float | None:
    return 1.0 if s.details else None


def _metric(name: str, types: tuple[str, ...] | None = None) -> Callable[..., float | None]:
    def read(s: Session, p: dict[str, float]) -> float | None:
        if types is not None and s.workout_type not in types:
            return None
        return s.metrics.get(name)

    return read


@dataclass(frozen=True)
class TargetKind:
    """A catalogue entry: how one value is read and which direction is better.

    ``aggregate``: ``session`` (one value per session), ``weekly_sum`` (sum per
    week, e.g. volume), or ``count`` (cumulative count, e.g. rehearsals).
    """

    kind: str
    unit: str
    higher_is_better: bool
    description: str
    value: Callable[[Session, dict[str, float]], float | None]
    aggregate: str = "session"


def _cadence(s: Session, p: dict[str, float]) -> float | None:
    return s.metrics.get("avg_cadence_spm") if s.workout_type in EASY else None


#: The target catalogue (an explicit registry; add kinds here).
TARGET_KINDS: dict[str, TargetKind] = {
    k.kind: k
    for k in (
        TargetKind(
            "aerobic_efficiency",
            "s/km",
            False,
            "pace at a fixed heart rate on easy runs",
            _aerobic_efficiency,
        ),
        TargetKind(
            "threshold_pace",
            "s/km",
            False,
            "pace held in the work segments of tempo runs and cruise intervals",
            _threshold_pace,
        ),
        TargetKind(
            "mp_endurance",
            "s",
            True,
            "longest continuous stretch at goal marathon pace +/-3%",
            _metric("mp_stretch_s"),
        ),
        TargetKind(
            "pacing_discipline",
            "%",
            False,
            "split unevenness (CV of km splits) in race-pace segments",
            _metric("split_cv_pct", ("mp_long", "race", "tempo", "progression")),
        ),
        TargetKind(
            "interval_execution",
            "share",
            True,
            f"share of reps within +/-{FAILURE_RULES['pace_tolerance_frac'] * 100:.0f}% of target",
            lambda s, p: s.interval_execution() if s.workout_type in INTERVAL_TYPES else None,
        ),
        TargetKind("easy_cadence", "spm", True, "cadence on easy runs", _cadence),
        TargetKind(
            "long_run_durability",
            "%",
            False,
            "pace:HR decoupling on long runs",
            _metric("decoupling_pct", ("long", "mp_long")),
        ),
        TargetKind(
            "weekly_volume",
            "m",
            True,
            "distance per week",
            lambda s, p: s.distance_m,
            "weekly_sum",
        ),
        TargetKind(
            "race_details",
            "sessions",
            True,
            "sessions rehearsing a race detail (fuelling, breakfast, gear, course)",
            _details,
            "count",
        ),
        TargetKind(
            "course_rehearsals",
            "sessions",
            True,
            "sessions rehearsing a climb of the race course at goal effort (measured from GPS)",
            lambda s, p: None,  # read by metric_key: the service fills it per target
            "count",
        ),
        TargetKind("custom", "", True, "a value the runner logs", _metric("custom")),
    )
}


_MILE_M = 1609.344


def parse_goal(kind: str, text: str) -> float:
    """A goal as a runner types it, in the kind's SI unit.

    Paces as ``m:ss`` per km or per mile (``4:20``, ``4:20/km``, ``6:58/mi``) for s/km
    kinds; durations as ``h:mm:ss`` or ``mm:ss`` for second kinds; distances with ``km``
    or ``mi`` (``60km``, ``40mi``) for metre kinds; otherwise a plain number in the
    kind's unit. ``ValueError`` says what was expected.
    """
    from deliberun.models.race_input import parse_duration

    unit = TARGET_KINDS[kind].unit if kind in TARGET_KINDS else ""
    t = str(text).strip().lower().replace(" ", "")
    try:
        if unit == "s/km":
            per_mile = t.endswith("/mi")
            core = t.removesuffix("/mi").removesuffix("/km")
            value = parse_duration(core) if ":" in core else float(core)
            return value / (_MILE_M / 1000.0) if per_mile else value
        if unit == "s" and ":" in t:
            return parse_duration(t)
        if unit == "m":
            for suffix, metres in (("km", 1000.0), ("mi", _MILE_M), ("m", 1.0)):
                if t.endswith(suffix):
                    return float(t.removesuffix(suffix)) * metres
        if unit == "share":
            value = float(t.removesuffix("%")) / 100.0 if t.endswith("%") else float(t)
            if not 0.0 <= value <= 1.0:
                raise ValueError
            return value
        return float(t)
    except ValueError:
        hint = {
            "s/km": "a pace such as 4:20, 4:20/km or 6:58/mi",
            "s": "a time such as 45:00 or 1:15:00, or seconds",
            "m": "a distance such as 60km or 40mi, or metres",
            "share": "a share from 0 to 1 (0.8) or a percentage with % (80%)",
        }.get(unit, "a number")
        raise ValueError(f"cannot read goal {text!r} for {kind}; use {hint}") from None


@dataclass
class TargetSpec:
    """A target of a cycle: a catalogue kind, a goal and optional parameters."""

    kind: str
    goal: float
    name: str = ""
    params: dict[str, float] = field(default_factory=dict)
    higher_is_better: bool | None = None  # custom targets say which way is better
    id: int | None = None

    def validate(self) -> None:
        if self.kind not in TARGET_KINDS:
            known = ", ".join(TARGET_KINDS)
            raise ValueError(f"unknown target kind {self.kind!r}; use one of: {known}")
        if not np.isfinite(self.goal):
            raise ValueError(f"target {self.kind}: the goal must be a number")
        if self.kind == "course_rehearsals" and not {"climbs", "effort_pace_s_per_km"} <= set(
            self.params
        ):
            raise ValueError(
                "a course_rehearsals target needs the race course: add it with "
                "--course COURSE.gpx (or a course id) and the race's goal time"
            )

    @property
    def better_higher(self) -> bool:
        if self.higher_is_better is not None:
            return self.higher_is_better
        return TARGET_KINDS[self.kind].higher_is_better

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name or self.kind,
            "goal": self.goal,
            "params": dict(self.params),
            "higher_is_better": self.better_higher,
        }


@dataclass
class TargetProgress:
    target: TargetSpec
    unit: str
    baseline: float | None
    current: float | None
    slope_per_week: float | None
    slope_interval_90: tuple[float, float] | None
    projected_date: date | None
    reached: bool
    session_ids: list[int | str]
    values: list[tuple[date, float]]
    #: What the value is made of, where a kind has more to show (``course_rehearsals``:
    #: each climb of the course with the sessions that rehearsed it).
    detail: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.to_dict(),
            "unit": self.unit,
            "baseline": self.baseline,
            "goal": self.target.goal,
            "current": self.current,
            "slope_per_week": self.slope_per_week,
            "slope_interval_90": list(self.slope_interval_90) if self.slope_interval_90 else None,
            "projected_date": self.projected_date.isoformat() if self.projected_date else None,
            "reached": self.reached,
            "session_ids": self.session_ids,
            # each value with the session it came from (per-session targets)
            "values": [
                {"date": d.isoformat(), "value": v, "session": sid}
                for (d, v), sid in zip(self.values, self.session_ids, strict=True)
            ]
            if len(self.values) == len(self.session_ids)
            else [{"date": d.isoformat(), "value": v} for d, v in self.values],
            "detail": self.detail,
        }


def metric_key(target: TargetSpec) -> str | None:
    """The ``Session.metrics`` name a target reads when its value is per target, not per
    kind: a custom target's logged value (``custom:NAME``) and, for ``course_rehearsals``,
    1 for a session that rehearsed a climb of the course (filled by the service,
    ``course_rehearsals:ID``; a count target counts it once, however many climbs)."""
    if target.kind == "custom":
        return f"custom:{target.name}" if target.name else None
    if target.kind == "course_rehearsals":
        return f"course_rehearsals:{target.id if target.id is not None else target.name}"
    return None


def target_values(
    target: TargetSpec, sessions: list[Session]
) -> tuple[list[tuple[date, float]], list[int | str]]:
    """(date, value) points of a target over the sessions, and the sessions that counted."""
    kind = TARGET_KINDS[target.kind]
    points: list[tuple[date, float]] = []
    ids: list[int | str] = []
    weekly: dict[date, float] = {}
    count = 0.0
    key = metric_key(target)
    for s in sorted(sessions, key=lambda s: s.local_date):
        v = s.metrics.get(key) if key is not None else kind.value(s, target.params)
        if v is None or not np.isfinite(v):
            continue
        ids.append(s.activity_id if s.activity_id is not None else s.local_date.isoformat())
        if kind.aggregate == "weekly_sum":
            monday = s.local_date - timedelta(days=s.local_date.weekday())
            weekly[monday] = weekly.get(monday, 0.0) + float(v)
        elif kind.aggregate == "count":
            count += float(v)
            points.append((s.local_date, count))
        else:
            points.append((s.local_date, float(v)))
    if kind.aggregate == "weekly_sum":
        points = sorted(weekly.items())
    return points, ids


def progress(
    target: TargetSpec, sessions: list[Session], cycle_start: date, today: date
) -> TargetProgress:
    """Baseline, current value, trend with 90% interval and projected date for a target."""
    target.validate()
    kind = TARGET_KINDS[target.kind]
    points, _ = target_values(target, [s for s in sessions if s.local_date <= today])
    base_pts = [
        v for d, v in points if cycle_start - timedelta(days=BASELINE_DAYS) <= d < cycle_start
    ]
    cyc = [(d, v) for d, v in points if d >= cycle_start]
    cyc_sessions = [s for s in sessions if cycle_start <= s.local_date <= today]
    _, ids = target_values(target, cyc_sessions)
    baseline = float(np.median(base_pts)) if base_pts else None
    if kind.aggregate == "count":  # count within the cycle; baseline = count before it
        cyc, _ = target_values(target, cyc_sessions)
        before = [
            s
            for s in sessions
            if cycle_start - timedelta(days=BASELINE_DAYS) <= s.local_date < cycle_start
        ]
        bp, _ = target_values(target, before)
        baseline = bp[-1][1] if bp else 0.0
    current = float(np.median([v for _, v in cyc[-3:]])) if cyc else None
    if kind.aggregate == "count":
        current = cyc[-1][1] if cyc else 0.0
    slope = interval = None
    projected = None
    if len(cyc) >= 3 and len({d for d, _ in cyc}) >= 2:
        days = np.array([(d - cycle_start).days for d, _ in cyc], dtype=float)
        vals = np.array([v for _, v in cyc])
        tr = robust_trend(days, vals)
        slope, interval = 7 * tr.slope_per_day, (7 * tr.interval_90[0], 7 * tr.interval_90[1])
        t_now = float((today - cycle_start).days)
        if kind.aggregate == "session":
            current = tr.at(t_now)
        gap = target.goal - (current if current is not None else tr.at(t_now))
        if tr.slope_per_day != 0 and np.sign(gap) == np.sign(tr.slope_per_day):
            more = gap / tr.slope_per_day
            if more < 3650:
                projected = today + timedelta(days=int(np.ceil(more)))
    reached = current is not None and (
        current >= target.goal if target.better_higher else current <= target.goal
    )
    if reached:
        projected = None
    return TargetProgress(
        target, kind.unit, baseline, current, slope, interval, projected, reached, ids, cyc
    )


def longest_stretch_s(
    split_paces_s_per_km: list[float],
    split_durations_s: list[float],
    goal_pace_s_per_km: float,
    tolerance: float = 0.03,
) -> float:
    """Longest run of consecutive splits within ``tolerance`` of goal pace [s].

    The marathon-pace endurance value: consecutive km splits whose pace is within
    +/-3% of the goal marathon pace, summed duration of the longest such run.
    """
    best = run = 0.0
    for pace, dur in zip(split_paces_s_per_km, split_durations_s, strict=True):
        if pace and abs(pace - goal_pace_s_per_km) <= tolerance * goal_pace_s_per_km:
            run += dur
            best = max(best, run)
        else:
            run = 0.0
    return best


def split_cv_pct(split_paces_s_per_km: list[float]) -> float | None:
    """Coefficient of variation of split paces [%] (0 = perfectly even); None under 3 splits."""
    p = np.asarray([x for x in split_paces_s_per_km if x and x > 0], dtype=float)
    if len(p) < 3:
        return None
    return float(100.0 * p.std(ddof=1) / p.mean())
