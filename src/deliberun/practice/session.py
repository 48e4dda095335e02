"""The session: one run as the practice loop sees it, plus the outcome-metric registry.

A :class:`Session` is a plain dataclass built from the store (``services/practice.py``)
or by hand in tests. Every field is optional except the date, so the pure logic works on
whatever is known. SI units inside (seconds, metres, bpm); paces carry their unit in the name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

#: Workout types that have an execution to fail (targets, reps, paces).
QUALITY_TYPES = ("mp_long", "tempo", "cruise_intervals", "intervals", "hills", "progression")
#: Runs judged by feel, not by a pace target.
EASY_TYPES = ("easy", "recovery", "long")

#: Thresholds that make a session count as "failed" (nemesis workouts). Coaching
#: conventions, not published constants: a rep pace within +/-2% of target is "on
#: target" (task spec, interval execution); a last-rep slowdown beyond 5% of the first
#: reps is a fade; RPE 9-10 on the CR-10 scale (Foster et al. 2001) is maximal.
FAILURE_RULES: dict[str, float] = {
    "pace_tolerance_frac": 0.02,
    "fade_pct": 5.0,
    "rpe_max": 9.0,
}
FAILURE_RULES_SOURCE = (
    "coaching convention; CR-10 RPE scale: Foster C. et al. (2001) J Strength Cond Res "
    "15(1):109-115"
)


@dataclass
class Session:
    """One run with everything the practice loop may use.

    Parameters
    ----------
    local_date : the athlete's local date of the run.
    activity_id : the store's id (None for a planned or hand-made session).
    start_time : tz-aware start (local hour of day comes from ``local_hour``).
    local_hour : hour of day in the athlete's time zone [h, 0-24).
    workout_type : one of :data:`WORKOUT_TYPES`.
    distance_m, duration_s : distance [m] and moving time [s].
    avg_hr_bpm : mean heart rate [bpm]; avg_pace_s_per_km mean pace [s/km].
    load : session training load (TRIMP or the athlete's chosen load) [AU].
    rpe : CR-10 rating; feel 1..5; sleep_h the night before [h]; soreness 0..10.
    temperature_c : air temperature [degC].
    prior_48h_load : training load of the 48 h before the start [AU].
    form : fitness minus fatigue on the day [AU]; fitness : chronic load [AU].
    acwr : acute:chronic workload ratio on the day.
    target_pace_s_per_km : the planned rep pace [s/km] (mean over the work steps).
    vdot_pace_s_per_km : the pace the VDOT of the session's day gives for this kind of
        rep [s/km].
    rep_targets_s_per_km : the target of each rep in order [s/km] (a progression's M
        and T segments differ); when it has one value per rep, reps are judged each
        against its own target.
    rest_s : mean recovery between reps [s].
    reps_planned, reps_done : counts; rep_paces_s_per_km pace of each rep done [s/km].
    last_rep_fade_pct : slowdown of the last rep vs the first reps [%] (positive = slower).
    stopped_early : the runner cut the session short.
    metrics : any further per-session values (targets read them by name).
    """

    local_date: date
    activity_id: int | None = None
    start_time: datetime | None = None
    local_hour: float | None = None
    workout_type: str = "easy"
    distance_m: float | None = None
    duration_s: float | None = None
    avg_hr_bpm: float | None = None
    avg_pace_s_per_km: float | None = None
    load: float | None = None
    rpe: float | None = None
    feel: float | None = None
    sleep_h: float | None = None
    soreness: float | None = None
    temperature_c: float | None = None
    prior_48h_load: float | None = None
    form: float | None = None
    fitness: float | None = None
    acwr: float | None = None
    target_pace_s_per_km: float | None = None
    vdot_pace_s_per_km: float | None = None
    rest_s: float | None = None
    reps_planned: int | None = None
    reps_done: int | None = None
    rep_paces_s_per_km: list[float] = field(default_factory=list)
    rep_targets_s_per_km: list[float] = field(default_factory=list)
    last_rep_fade_pct: float | None = None
    stopped_early: bool = False
    tags: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    metrics: dict[str, float | None] = field(default_factory=dict)

    @property
    def weekday(self) -> int:
        """Monday = 0 .. Sunday = 6."""
        return self.local_date.weekday()

    def _per_rep_targets(self) -> list[float] | None:
        """One target per rep when known (else None: the single target applies)."""
        t = self.rep_targets_s_per_km
        if t and len(t) == len(self.rep_paces_s_per_km) and all(x and x > 0 for x in t):
            return list(t)
        if self.target_pace_s_per_km and self.rep_paces_s_per_km:
            return [self.target_pace_s_per_km] * len(self.rep_paces_s_per_km)
        return None

    def fade_pct(self) -> float | None:
        """Last-rep fade [%]: given, or from the rep paces (last rep vs mean of the first
        two), each rep taken relative to its own target when the targets differ."""
        if self.last_rep_fade_pct is not None:
            return self.last_rep_fade_pct
        p = [x for x in self.rep_paces_s_per_km if x and x > 0]
        if len(p) < 3:
            return None
        t = self.rep_targets_s_per_km
        if t and len(t) == len(p) and all(x and x > 0 for x in t):
            p = [x / y for x, y in zip(p, t, strict=True)]
        first = (p[0] + p[1]) / 2.0
        return 100.0 * (p[-1] - first) / first

    def reps_unread(self) -> bool:
        """Reps were planned (separated by recoveries) and none could be read from the run:
        the laps do not mark them and the speed stream does not show them (a GPX file of
        T reps with short jogs). The session is then not gradable against its target:
        neither "reps cut (0/n)" nor the whole run's mean pace (warm-up and jogs
        included) says how the reps went (issue 12: judge a session against a target
        only when its structure can be read)."""
        return bool(self.reps_planned) and not self.reps_done and not self.rep_paces_s_per_km

    def pace_error_pct(self) -> float | None:
        """Mean rep pace vs target [%] (positive = slower than target); None when the
        planned reps could not be read (:meth:`reps_unread`)."""
        if self.reps_unread():
            return None
        targets = self._per_rep_targets()
        if targets:
            errs = [(p - t) / t for p, t in zip(self.rep_paces_s_per_km, targets, strict=True) if p]
            return 100.0 * sum(errs) / len(errs) if errs else None
        if not self.target_pace_s_per_km or not self.avg_pace_s_per_km:
            return None
        return (
            100.0 * (self.avg_pace_s_per_km - self.target_pace_s_per_km) / self.target_pace_s_per_km
        )

    def interval_execution(self) -> float | None:
        """Share of the planned reps run within +/-2% of their target pace (0..1)."""
        targets = self._per_rep_targets()
        if not targets:
            return None
        tol = FAILURE_RULES["pace_tolerance_frac"]
        ok = sum(
            1
            for p, t in zip(self.rep_paces_s_per_km, targets, strict=True)
            if abs(p - t) <= tol * t
        )
        planned = max(self.reps_planned or 0, len(self.rep_paces_s_per_km))
        return ok / planned

    def failure_reasons(self) -> list[str]:
        """Why this session counts as failed (empty when it went to plan)."""
        reasons: list[str] = []
        if self.stopped_early:
            reasons.append("stopped early")
        if (
            self.reps_planned
            and self.reps_done is not None
            and self.reps_done < self.reps_planned
            and not self.reps_unread()
        ):
            reasons.append(f"reps cut ({self.reps_done}/{self.reps_planned})")
        # easy, recovery and long runs are a pace range run by feel: slower is never a miss
        err = self.pace_error_pct() if self.workout_type not in EASY_TYPES else None
        tol = FAILURE_RULES["pace_tolerance_frac"]
        if err is not None and err > 100.0 * tol:
            reasons.append(f"pace missed by {err:.1f}%")
        fade = self.fade_pct()
        if fade is not None and fade > FAILURE_RULES["fade_pct"]:
            reasons.append(f"last reps faded {fade:.1f}%")
        if self.rpe is not None and self.rpe >= FAILURE_RULES["rpe_max"]:
            reasons.append(f"RPE {self.rpe:g}")
        return reasons

    @property
    def failed(self) -> bool:
        return bool(self.failure_reasons())


@dataclass(frozen=True)
class OutcomeMetric:
    """An outcome the practice loop can judge: how to read it and which way is better."""

    name: str
    unit: str
    higher_is_better: bool
    smallest_worthwhile: float  # smallest change worth detecting, in ``unit``
    extract: Callable[[Session], float | None]
    description: str


def _metric(name: str) -> Callable[[Session], float | None]:
    return lambda s: s.metrics.get(name)


#: The outcome metrics experiments and targets can use. The smallest worthwhile change
#: is a practical judgement (about a third of the session-to-session SD we expect), used
#: only to say how many more sessions an experiment needs.
OUTCOME_METRICS: dict[str, OutcomeMetric] = {
    m.name: m
    for m in (
        OutcomeMetric(
            "last_rep_fade_pct", "%", False, 1.0, Session.fade_pct, "slowdown of the last rep"
        ),
        OutcomeMetric(
            "pace_error_pct", "%", False, 1.0, Session.pace_error_pct, "rep pace vs target"
        ),
        OutcomeMetric(
            "interval_execution",
            "share",
            True,
            0.1,
            Session.interval_execution,
            "share of reps within 2% of target pace",
        ),
        OutcomeMetric("rpe", "CR-10", False, 1.0, lambda s: s.rpe, "perceived exertion"),
        OutcomeMetric(
            "avg_pace_s_per_km", "s/km", False, 3.0, lambda s: s.avg_pace_s_per_km, "mean pace"
        ),
        OutcomeMetric("avg_hr_bpm", "bpm", False, 2.0, lambda s: s.avg_hr_bpm, "mean heart rate"),
        OutcomeMetric(
            "decoupling_pct", "%", False, 1.0, _metric("decoupling_pct"), "pace:HR decoupling"
        ),
        OutcomeMetric(
            "efficiency_factor",
            "m/min/bpm",
            True,
            0.02,
            _metric("efficiency_factor"),
            "speed per heart beat",
        ),
        OutcomeMetric(
            "reps_done_frac",
            "share",
            True,
            0.1,
            lambda s: (
                (s.reps_done / s.reps_planned)
                if s.reps_planned and s.reps_done is not None and not s.reps_unread()
                else None
            ),
            "share of planned reps done",
        ),
        OutcomeMetric("feel", "1-5", True, 0.5, lambda s: s.feel, "how the run felt"),
    )
}


def get_outcome_metric(name: str) -> OutcomeMetric:
    """The registered outcome metric ``name``; ``ValueError`` naming the known ones."""
    try:
        return OUTCOME_METRICS[name]
    except KeyError:
        known = ", ".join(sorted(OUTCOME_METRICS))
        raise ValueError(f"unknown outcome metric {name!r}; use one of: {known}") from None
