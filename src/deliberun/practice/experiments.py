"""n-of-1 experiments: change one thing about a workout and let the data judge it.

An experiment names a workout type, the change, an outcome metric (from
:data:`deliberun.practice.session.OUTCOME_METRICS`, which knows whether higher or
lower is better) and a design: ``randomised`` (the default of ``experiment create``: the
arm of each coming session drawn at creation, a coin flip within consecutive pairs),
``alternating`` (A, B, A, B... in date order from ``start``, weekday and time of day as
covariates) or ``before_after`` (sessions from ``change_date`` on are arm B). A session
tagged ``<id>:a`` or ``<id>:b`` overrides. The analysis removes a linear fitness trend,
gives the effect with a 90% interval and a permutation p-value, judges it against
sequential boundaries until the planned number of sessions is in, tests equivalence
against the smallest worthwhile change, and gives a plain verdict with its warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy import stats as sstats

from deliberun.practice.experiment_design import confounded_with_arm, schedule_covariates
from deliberun.practice.experiment_periods import DEFAULT_PLANNED, fixed_periods
from deliberun.practice.experiment_spec import ExperimentSpec
from deliberun.practice.session import Session, get_outcome_metric
from deliberun.practice.stats import DECISION, ArmEffect, arm_effect, sequential_alpha

VERDICTS = (
    "helps",
    "hurts",
    "no_meaningful_difference",
    "no_clear_difference",
    "not_enough_data",
    "withheld",
)
#: Fewest sessions per arm before any verdict other than ``not_enough_data``.
MIN_PER_ARM = 3


#: More sessions than this is more than a season holds: say so instead of the number.
MAX_SESSIONS_WORTH_SAYING = 60


def more_sessions_words(n: int | None) -> str:
    """``about 12 more sessions needed``, or that the difference is too small to tell apart."""
    if n is None or n <= 0:
        return "more sessions needed"
    if n > MAX_SESSIONS_WORTH_SAYING:
        return "the difference is too small to tell apart in the sessions a season holds"
    return f"about {n} more sessions needed"


def session_key(s: Session) -> int | str:
    """The id a verdict cites: the activity id, else the date."""
    return s.activity_id if s.activity_id is not None else s.local_date.isoformat()


@dataclass
class ExperimentResult:
    """The verdict and every number behind it (``to_dict`` is the CLI JSON contract)."""

    spec: ExperimentSpec
    sessions_a: list[int | str]
    sessions_b: list[int | str]
    effect: float | None
    interval_90: tuple[float, float] | None
    p_value: float | None
    verdict: str
    more_sessions_needed: int
    mean_a: float | None = None
    mean_b: float | None = None
    notes: list[str] = field(default_factory=list)  # the warnings, plain sentences
    interim: bool = True
    planned_sessions: int = DEFAULT_PLANNED
    planned_after: int | None = None  # before/after: sessions planned after the change
    final_day: date | None = None  # the day the planned sessions were in (None: interim)
    alpha_now: float | None = None  # the nominal p this look had to reach
    assignment: list[dict[str, Any]] = field(default_factory=list)
    placebo: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.spec.id,
            "change": self.spec.change,
            "metric": self.spec.metric,
            "sessions_a": self.sessions_a,
            "sessions_b": self.sessions_b,
            "effect": self.effect,
            "interval_90": list(self.interval_90) if self.interval_90 else None,
            "p_value": self.p_value,
            "verdict": self.verdict,
            "more_sessions_needed": self.more_sessions_needed,
            "design": self.spec.assignment,
            "assignment": self.assignment,
            "planned_sessions": self.planned_sessions,
            "planned_after_change": self.planned_after,
            "min_detectable_effect": self.spec.min_detectable_effect,
            "interim": self.interim,
            "final_on": self.final_day.isoformat() if self.final_day else None,
            "alpha_this_look": self.alpha_now,
            "warnings": list(self.notes),
            "placebo": self.placebo,
        }

    def sentence(self) -> str:
        """One plain sentence with the numbers."""
        m = get_outcome_metric(self.spec.metric)
        head = f"Experiment '{self.spec.id}' ({self.spec.change})"
        if self.effect is None or self.interval_90 is None:
            counts = f"({len(self.sessions_a)} vs {len(self.sessions_b)} sessions)"
            if self.verdict == "withheld":  # more sessions would not give one
                return f"{head}: no verdict, see the warnings {counts}."
            return (
                f"{head}: not enough data yet {counts}; "
                f"{more_sessions_words(self.more_sessions_needed)}."
            )
        lo, hi = self.interval_90
        nums = (
            f"{m.description} changed by {self.effect:+.2f} {m.unit} (90% interval {lo:+.2f} to "
            f"{hi:+.2f}, p={self.p_value:.3f}, {len(self.sessions_a)} vs "
            f"{len(self.sessions_b)} sessions)"
        )
        words = {
            "helps": "it helps",
            "hurts": "it hurts",
            "no_meaningful_difference": "no meaningful difference (the interval lies "
            f"within the smallest worthwhile change, {m.smallest_worthwhile:g} {m.unit})",
            "no_clear_difference": "no clear difference, but a worthwhile change is not ruled out",
            "not_enough_data": "no verdict yet; " + more_sessions_words(self.more_sessions_needed),
            "withheld": "no verdict (see the warnings)",
        }[self.verdict]
        stage = (
            f"interim look, {len(self.sessions_a) + len(self.sessions_b)} of "
            f"{self.planned_sessions} planned sessions"
            if self.interim
            else "final"
        )
        return f"{head} [{stage}]: {words}; {nums}."


def _in_window(spec: ExperimentSpec, s: Session) -> bool:
    return (
        (spec.workout_type is None or s.workout_type == spec.workout_type)
        and (spec.start is None or s.local_date >= spec.start)
        and (spec.end is None or s.local_date <= spec.end)
    )


def assign_arms(spec: ExperimentSpec, sessions: list[Session]) -> list[tuple[Session, int]]:
    """The sessions an experiment uses, each with its arm (0 = A before/without, 1 = B).

    Randomised: the k-th session gets the k-th drawn arm (sessions past the drawn list,
    or every untagged one when no arms were drawn, as in a journal file whose sessions
    carry their tags, do not count). A tag ``<id>:a`` / ``<id>:b`` (what ``deliberun log`` records)
    overrides.
    """
    chosen = [
        s
        for s in sorted(sessions, key=lambda s: (s.local_date, s.local_hour or 0.0))
        if _in_window(spec, s)
    ]
    out: list[tuple[Session, int]] = []
    alt = 0  # alternating: the count of untagged sessions so far
    for k, s in enumerate(chosen):
        if f"{spec.id}:a" in s.tags:
            out.append((s, 0))
        elif f"{spec.id}:b" in s.tags:
            out.append((s, 1))
        elif spec.assignment == "before_after":
            assert spec.change_date is not None
            out.append((s, int(s.local_date >= spec.change_date)))
        elif spec.assignment == "randomised":
            if spec.arms and k < len(spec.arms):
                out.append((s, int(spec.arms[k])))
        else:
            out.append((s, alt % 2))
            alt += 1
    return out


def arm_of_next(spec: ExperimentSpec, sessions: list[Session], ahead: int = 0) -> str | None:
    """ "A" or "B" for the next session of the experiment's workout type (``ahead`` more
    after it), or None when the design does not fix it or the plan is complete."""
    done = sum(1 for s in sessions if _in_window(spec, s))
    k = done + ahead
    if spec.assignment == "randomised" and spec.arms:
        return "AB"[spec.arms[k]] if k < len(spec.arms) else None
    if spec.assignment == "alternating":
        return "AB"[k % 2]
    return None


def _assignment_rows(
    spec: ExperimentSpec, pairs: list[tuple[Session, int]], planned: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"date": s.local_date.isoformat(), "activity_id": s.activity_id, "arm": "AB"[a]}
        for s, a in pairs
    ]
    if spec.assignment == "randomised" and spec.arms:
        rows += [
            {"date": None, "activity_id": None, "arm": "AB"[a]}
            for a in spec.arms[len(pairs) : planned]
        ]
    return rows


def _fit(
    used: list[tuple[Session, int, float]],
    spec: ExperimentSpec,
    seed: int,
    permutations: int,
    schedule: bool = True,
) -> ArmEffect:
    y = np.array([v for _, _, v in used])
    arm = np.array([a for _, a, _ in used])
    t0 = used[0][0].local_date
    days = np.array([(s.local_date - t0).days for s, _, _ in used], dtype=float)
    cov: np.ndarray | None = days[:, None] if np.ptp(days) > 0 else None
    if spec.assignment == "alternating" and schedule:
        extra = schedule_covariates([(s, a) for s, a, _ in used])
        if extra is not None:
            cov = extra if cov is None else np.column_stack([cov, extra])
    return arm_effect(
        y,
        arm,
        cov,
        np.random.default_rng(seed),
        permutations=permutations,
        serial=spec.assignment == "before_after",
    )


def _placebo(
    pre: list[tuple[Session, int, float]], spec: ExperimentSpec, seed: int, permutations: int
) -> dict[str, Any] | None:
    """The same analysis on the pre-period alone, split at its middle: nothing changed
    there, so an "effect" means the method is not reliable on this history."""
    if len(pre) < 8:
        return None
    half = len(pre) // 2
    fake = [(s, int(i >= half), v) for i, (s, _, v) in enumerate(pre)]
    try:
        est = _fit(fake, spec, seed + 1, 0)  # the t-test (with the serial widening)
    except ValueError:
        return None
    lo, hi = est.interval_90
    claims = (lo > 0 or hi < 0) and est.p_value <= DECISION["alpha"]
    return {
        "change_date": fake[half][0].local_date.isoformat(),
        "effect": est.effect,
        "interval_90": [lo, hi],
        "p_value": est.p_value,
        "claims_effect": bool(claims),
    }


def _information(n_a: int, n_b: int, planned: int, planned_after: int | None) -> float:
    """Share of the planned information in: the arm effect's variance goes as 1/h with
    h = n_a n_b / (n_a + n_b), so the fraction is h(now) / h(planned). Before/after
    keeps its pre-period and plans ``planned_after`` sessions after the change."""

    def h(a: float, b: float) -> float:
        return a * b / (a + b) if a > 0 and b > 0 else 0.0

    if planned_after is not None:
        full = h(n_a, planned_after)
    else:
        full = h(planned / 2, planned / 2)
    return min(1.0, h(n_a, n_b) / full) if full > 0 else 1.0


def analyze_experiment(
    spec: ExperimentSpec,
    sessions: list[Session],
    *,
    seed: int = 0,
    permutations: int = int(DECISION["permutations"]),
) -> ExperimentResult:
    """Judge an experiment from the sessions it covers (every run up to today: breaks,
    illnesses and races are read from all of them).

    The outcome is regressed on a linear trend (days since the first session), the arm
    and, for the alternating design, weekday and time-of-day indicators; the arm
    coefficient is the effect (B minus A, in the metric's unit) with a 90% t-interval
    and a Freedman-Lane permutation p-value (``stats.arm_effect``; before/after also
    allows for serial correlation).

    Looks: until the planned number of sessions is in, the result is ``interim`` and a
    claim needs both p-values below the Lan-DeMets O'Brien-Fleming boundary for the
    share of sessions in (``stats.sequential_alpha``); at the planned number the
    boundary is ``DECISION["alpha"]``, that verdict is final and later sessions are not
    tested. Which sessions are compared is fixed by the stored plan, not by the day
    asked (``experiment_periods.fixed_periods``): once final, the verdict, interval and
    assignment are the same at every later as-of date.

    Verdicts: ``helps``/``hurts`` when the boundary is crossed and the 90% interval
    excludes zero; ``no_meaningful_difference`` when the interval (90% at the last look,
    the boundary's repeated interval before) lies within +/- the metric's smallest
    worthwhile change (two one-sided tests, Schuirmann 1987); ``no_clear_difference`` at
    the last look otherwise; ``not_enough_data`` before it; ``withheld`` when the design
    cannot separate the change from something else (arm and weekday or time of day
    confounded; before/after next to a break, illness or race, or a placebo effect in
    the pre-period). ``notes`` are the warnings.
    """
    spec.validate()
    metric = get_outcome_metric(spec.metric)
    per = fixed_periods(spec, assign_arms(spec, sessions), sessions)
    used, planned, notes = per.used, per.planned, list(per.notes)
    withhold, short_pre = per.withhold, not per.pre_ok
    rows = _assignment_rows(spec, [(s, a) for s, a, _ in used], planned)
    ids_a = [session_key(s) for s, a, _ in used if a == 0]
    ids_b = [session_key(s) for s, a, _ in used if a == 1]
    n_a, n_b = len(ids_a), len(ids_b)
    n = n_a + n_b
    interim = per.final_day is None
    info = _information(n_a, n_b, planned, per.planned_after)
    more = max(0, planned - n)

    def result(verdict: str, est: ArmEffect | None = None, **kw: Any) -> ExperimentResult:
        return ExperimentResult(
            spec,
            ids_a,
            ids_b,
            est.effect if est else None,
            est.interval_90 if est else None,
            est.p_value if est else None,
            verdict,
            more if verdict == "not_enough_data" else 0,
            notes=notes,
            interim=interim,
            planned_sessions=planned,
            planned_after=per.planned_after,
            final_day=per.final_day,
            assignment=rows,
            **kw,
        )

    if n_a < MIN_PER_ARM or n_b < MIN_PER_ARM:
        more = max(more, max(0, MIN_PER_ARM - n_a) + max(0, MIN_PER_ARM - n_b))
        return result("withheld" if withhold else "not_enough_data")
    if spec.assignment != "before_after":
        why = confounded_with_arm([(s, a) for s, a, _ in used])
        if why:
            notes.append(why)
            withhold = True
    a_now = sequential_alpha(info)
    try:  # the t-test first: the permutations only when it could cross the boundary
        est = _fit(used, spec, seed, 0, schedule=not withhold)
        if est.p_t <= a_now and permutations > 0:
            est = _fit(used, spec, seed, permutations, schedule=not withhold)
    except ValueError as exc:
        notes.append(f"the arms cannot be separated from the trend and schedule ({exc}).")
        return result("withheld" if withhold else "not_enough_data")
    placebo = None
    if spec.assignment == "before_after":
        placebo = _placebo([u for u in used if u[1] == 0], spec, seed, permutations)
        if placebo and placebo["claims_effect"]:
            withhold = True
            notes.append(
                f"the placebo check finds a change of {placebo['effect']:+.2f} {metric.unit} "
                f"in the pre-period alone (split on {placebo['change_date']}, "
                f"p={placebo['p_value']:.3f}): the history drifts more than a straight "
                "trend allows, so no verdict is given."
            )
    lo, hi = est.interval_90
    p_t = est.p_t
    good = est.effect if metric.higher_is_better else -est.effect
    swc = metric.smallest_worthwhile
    if interim:  # the repeated (boundary-wide) interval at the equivalence level
        z = float(sstats.norm.isf(sequential_alpha(info, 0.10) / 2))
        eq_lo, eq_hi = est.effect - z * est.se, est.effect + z * est.se
    else:
        eq_lo, eq_hi = lo, hi
    extra = {
        "mean_a": float(np.mean([v for _, a, v in used if a == 0])),
        "mean_b": float(np.mean([v for _, a, v in used if a == 1])),
        "alpha_now": a_now,
        "placebo": placebo,
    }
    if withhold:
        return result("withheld", est, **extra)
    if short_pre:
        return result("not_enough_data", est, **extra)
    if (lo > 0 or hi < 0) and est.p_value <= a_now and p_t <= a_now:
        return result("helps" if good > 0 else "hurts", est, **extra)
    if -swc < eq_lo and eq_hi < swc:
        return result("no_meaningful_difference", est, **extra)
    return result("not_enough_data" if interim else "no_clear_difference", est, **extra)
