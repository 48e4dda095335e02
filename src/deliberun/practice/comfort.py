"""Comfort zone: how far each session went beyond the runner's recent experience.

For each session the key dimensions (longest run, time at threshold or interval pace,
rep count, marathon-pace stretch, weekly volume) are placed against the previous 12
weeks. A session at or below the 90th percentile of all of them is **comfort**; above
it but within 10% of the 12-week best is **stretch**; more than 10% beyond the 12-week
best, or with an acute:chronic workload ratio above 1.5, is **over-reach** (load safety
bounds the stretch). A big week (weekly volume) counts once, for the run that took
the calendar week over the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.models.load_ratios import BREAK_DAYS
from deliberun.practice.experiments import session_key
from deliberun.practice.session import Session

#: Thresholds. The ACWR bound follows Gabbett's "danger zone" above 1.5 and sweet spot
#: 0.8-1.3 [Gabbett T.J. (2016) Br J Sports Med 50:273-280, doi:10.1136/bjsports-2015-095788];
#: the 10% step beyond the recent best echoes the common 10% progression rule (a coaching
#: convention, not a published constant).
COMFORT_RULES: dict[str, float] = {
    "history_days": 84.0,
    "stretch_percentile": 90.0,
    "overreach_ratio": 1.10,
    "acwr_overreach": 1.5,
    "min_history": 4.0,
    "quiet_weeks_warn": 3.0,
    "overreach_weeks_warn": 2.0,
}

ZONES = ("comfort", "stretch", "over_reach")


def _metric(name: str) -> Callable[[Session], float | None]:
    return lambda s: s.metrics.get(name)


#: Dimensions: name -> (value of a session, description).
DIMENSIONS: dict[str, tuple[Callable[[Session], float | None], str]] = {
    "longest_run_m": (lambda s: s.distance_m, "distance of the run [m]"),
    "time_at_t_pace_s": (_metric("time_at_t_pace_s"), "time at threshold pace [s]"),
    "time_at_i_pace_s": (_metric("time_at_i_pace_s"), "time at interval pace [s]"),
    "rep_count": (
        lambda s: float(s.reps_done) if s.reps_done is not None else None,
        "reps done",
    ),
    "mp_stretch_s": (_metric("mp_stretch_s"), "longest stretch at marathon pace [s]"),
}

#: The dimensions in a runner's words (the week's volume is measured beside them).
DIMENSION_WORDS: dict[str, str] = {
    "longest_run_m": "the run's distance",
    "time_at_t_pace_s": "time at threshold pace",
    "time_at_i_pace_s": "time at interval pace",
    "rep_count": "reps done",
    "mp_stretch_s": "longest stretch at marathon pace",
    "weekly_volume_m": "the week's volume",
}


@dataclass
class ComfortPoint:
    activity_id: int | str
    local_date: date
    zone: str  # comfort, stretch, over_reach, or race (a race is not a training stretch)
    dimension: str | None  # the dimension that went furthest
    value: float | None
    percentile: float | None  # of the value among the previous 12 weeks [0-100]
    ratio_to_best: float | None  # value / best of the previous 12 weeks
    acwr: float | None
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["local_date"] = self.local_date.isoformat()
        return d


def _place(v: float, history: np.ndarray) -> tuple[float, float]:
    """Percentile of ``v`` among ``history`` [0-100] (ties count half) and v / max."""
    pct = 100.0 * float(np.mean(history < v) + 0.5 * np.mean(history == v))
    return pct, float(v / history.max())


#: The graded return after a break: the first ``RETURN_DAYS`` days (the ACWR's 28-day
#: chronic window) from the first run after ``BREAK_DAYS`` or more days without one. The
#: ratio then divides by a chronic load that is not the runner's running (cross-training
#: or nothing), so it marks no over-reach; the load advice reads no ACWR then either
#: (``review.LOAD_ADVICE_RULES`` break_days and rebuild_days).
RETURN_DAYS = 28


def _returning(ordered: list[Session]) -> list[bool]:
    """For each session in date order: inside a graded return (see :data:`RETURN_DAYS`)."""
    out: list[bool] = []
    back: date | None = None  # the first run after the latest break
    prev: date | None = None
    for s in ordered:
        if prev is not None and (s.local_date - prev).days >= BREAK_DAYS:
            back = s.local_date
        out.append(back is not None and (s.local_date - back).days < RETURN_DAYS)
        prev = s.local_date
    return out


def classify(sessions: list[Session]) -> list[ComfortPoint]:
    """Comfort / stretch / over-reach for each session, in date order."""
    ordered = sorted(sessions, key=lambda s: (s.local_date, s.local_hour or 0.0))
    returning = _returning(ordered)
    hist_days = int(COMFORT_RULES["history_days"])
    # each dimension's value per session, and the weekly totals by Monday, read once
    dim_values = {name: [fn(p) for p in ordered] for name, (fn, _d) in DIMENSIONS.items()}
    week_total: dict[date, float] = {}
    week_so_far: list[float] = []  # the calendar week's volume up to each session
    for p in ordered:
        m = p.local_date - timedelta(days=p.local_date.weekday())
        week_total[m] = week_total.get(m, 0.0) + (p.distance_m or 0.0)
        week_so_far.append(week_total[m])
    out: list[ComfortPoint] = []
    lo_i = 0  # first session inside the 12-week window
    day_i = 0  # first session of the current day
    for i, s in enumerate(ordered):
        lo = s.local_date - timedelta(days=hist_days)
        while ordered[lo_i].local_date < lo:
            lo_i += 1
        if ordered[day_i].local_date < s.local_date:
            day_i = i
        best: tuple[float, str, float, float] | None = None  # (pct, dim, value, ratio)
        values: dict[str, tuple[float | None, list[float]]] = {}
        for name, vals in dim_values.items():
            history = [v for v in vals[lo_i:day_i] if v is not None and v > 0]
            values[name] = (vals[i], history)
        # weekly volume: this calendar week so far vs the previous 12 whole weeks
        monday = s.local_date - timedelta(days=s.local_date.weekday())
        prev_weeks = [week_total.get(monday - timedelta(days=7 * k), 0.0) for k in range(1, 13)]
        values["weekly_volume_m"] = (week_so_far[i], [w for w in prev_weeks if w > 0])
        for name, (v, history) in values.items():
            if v is None or v <= 0 or len(history) < COMFORT_RULES["min_history"]:
                continue
            h = np.asarray(history)
            pct, ratio = _place(v, h)
            if name == "weekly_volume_m":
                # a big week is one stretch, credited to the run that took it over the
                # line, not to every run of that week
                before = _place(v - (s.distance_m or 0.0), h)
                crossed = (before[0] <= COMFORT_RULES["stretch_percentile"] < pct) or (
                    before[1] <= COMFORT_RULES["overreach_ratio"] < ratio
                )
                if not crossed:
                    continue
            if best is None or (ratio, pct) > (best[3], best[0]):
                best = (pct, name, float(v), ratio)
        reasons: list[str] = []
        zone = "comfort"
        if s.workout_type == "race" or "race" in s.tags:
            # a race is run all out by design: not a training stretch, nor an over-reach
            zone = "race"
            reasons.append("a race")
        elif best is not None and best[0] > COMFORT_RULES["stretch_percentile"]:
            zone = "stretch"
            reasons.append(f"{DIMENSION_WORDS[best[1]]} above {best[0]:.0f} % of the last 12 weeks")
            if best[3] > COMFORT_RULES["overreach_ratio"]:
                zone = "over_reach"
                reasons.append(f"{(best[3] - 1) * 100:.0f}% beyond the 12-week best")
        if (
            zone != "race"
            and not returning[i]
            and s.acwr is not None
            and s.acwr > COMFORT_RULES["acwr_overreach"]
        ):
            zone = "over_reach"
            reasons.append(f"ACWR {s.acwr:.2f} above 1.5")
        out.append(
            ComfortPoint(
                session_key(s),
                s.local_date,
                zone,
                best[1] if best else None,
                best[2] if best else None,
                best[0] if best else None,
                best[3] if best else None,
                s.acwr,
                reasons,
            )
        )
    return out


@dataclass
class ComfortSummary:
    weeks: int
    weeks_with_stretch: int
    stretch_sessions: int
    over_reach_sessions: int
    quiet_weeks: int  # consecutive most recent weeks without a stretch
    warnings: list[str]
    points: list[ComfortPoint]

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["points"] = [p.to_dict() for p in self.points]
        return d


def summarize(points: list[ComfortPoint], start: date, today: date) -> ComfortSummary:
    """Cycle view: how often the runner left the comfort zone, and warnings.

    Warns when no session stretched for three weeks, or when two or more of the last
    four weeks held an over-reach.
    """
    pts = [p for p in points if start <= p.local_date <= today]
    n_weeks = max(1, ((today - start).days // 7) + 1)
    week_zone: dict[int, set[str]] = {}
    for p in pts:
        week_zone.setdefault((today - p.local_date).days // 7, set()).add(p.zone)
    with_stretch = sum(1 for z in week_zone.values() if z & {"stretch", "over_reach"})
    quiet = 0
    for k in range(n_weeks):
        if week_zone.get(k, set()) & {"stretch", "over_reach"}:
            break
        quiet += 1
    over_weeks = sum(1 for k in range(4) if "over_reach" in week_zone.get(k, set()))
    warnings = []
    if quiet >= COMFORT_RULES["quiet_weeks_warn"]:
        warnings.append(
            f"No session left the comfort zone for {quiet} weeks: plan one stretch "
            "(a little longer, one more rep, a longer stretch at goal pace)."
        )
    if over_weeks >= COMFORT_RULES["overreach_weeks_warn"]:
        warnings.append(
            f"Over-reached in {over_weeks} of the last 4 weeks: stretch by less, "
            "and keep the acute:chronic load ratio under 1.3."
        )
    return ComfortSummary(
        n_weeks,
        with_stretch,
        sum(p.zone == "stretch" for p in pts),
        sum(p.zone == "over_reach" for p in pts),
        quiet,
        warnings,
        pts,
    )
