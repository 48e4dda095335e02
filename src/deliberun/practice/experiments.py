"""n-of-1 experiments: change one thing about a workout and let the data judge it.

An experiment names a workout type, the change, an outcome metric (from
:data:`deliberun.practice.session.OUTCOME_METRICS`, which knows whether higher or
lower is better) and an assignment: ``before_after`` (sessions from ``change_date`` on
are arm B) or ``alternating`` (A, B, A, B... in date order from ``start``; a session
tagged ``<id>:a`` or ``<id>:b`` overrides). The analysis removes a linear fitness trend,
gives the effect with a 90% interval and a permutation p-value, and a plain verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from deliberun.practice.session import Session, get_outcome_metric
from deliberun.practice.stats import DECISION, arm_effect, sessions_needed

ASSIGNMENTS = ("before_after", "alternating")
VERDICTS = ("helps", "hurts", "no_clear_difference", "not_enough_data")
#: Fewest sessions per arm before any verdict other than ``not_enough_data``.
MIN_PER_ARM = 3


@dataclass
class ExperimentSpec:
    """What is being tried. ``workout_type`` None means every session counts."""

    id: str
    change: str
    metric: str
    workout_type: str | None = None
    assignment: str = "before_after"
    start: date | None = None
    change_date: date | None = None
    end: date | None = None
    status: str = "running"  # running | done | abandoned
    cause: str | None = None  # the nemesis cause it tests, if any

    def validate(self) -> None:
        """Raise ``ValueError`` saying what is wrong with the spec and how to fix it."""
        if not self.id:
            raise ValueError("an experiment needs an id (e.g. 'rest-longer')")
        get_outcome_metric(self.metric)
        if self.assignment not in ASSIGNMENTS:
            raise ValueError(
                f"unknown assignment {self.assignment!r}; use before_after or alternating"
            )
        if self.assignment == "before_after" and self.change_date is None:
            raise ValueError("a before_after experiment needs change_date (the day of the change)")
        if self.start and self.change_date and self.change_date < self.start:
            raise ValueError("change_date is before start; the change must come after the start")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "change": self.change,
            "metric": self.metric,
            "workout_type": self.workout_type,
            "assignment": self.assignment,
            "start": self.start.isoformat() if self.start else None,
            "change_date": self.change_date.isoformat() if self.change_date else None,
            "end": self.end.isoformat() if self.end else None,
            "status": self.status,
            "cause": self.cause,
        }


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
    notes: list[str] = field(default_factory=list)

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
        }

    def sentence(self) -> str:
        """One plain sentence with the numbers."""
        m = get_outcome_metric(self.spec.metric)
        head = f"Experiment '{self.spec.id}' ({self.spec.change})"
        if self.effect is None or self.interval_90 is None:
            return (
                f"{head}: not enough data yet ({len(self.sessions_a)} vs "
                f"{len(self.sessions_b)} sessions); about {self.more_sessions_needed} more needed."
            )
        lo, hi = self.interval_90
        nums = (
            f"{m.name} changed by {self.effect:+.2f} {m.unit} (90% interval {lo:+.2f} to "
            f"{hi:+.2f}, p={self.p_value:.3f}, {len(self.sessions_a)} vs "
            f"{len(self.sessions_b)} sessions)"
        )
        words = {
            "helps": "it helps",
            "hurts": "it hurts",
            "no_clear_difference": "no clear difference",
            "not_enough_data": f"not enough data yet, about {self.more_sessions_needed} "
            "more sessions needed",
        }[self.verdict]
        return f"{head}: {words}; {nums}."


def assign_arms(spec: ExperimentSpec, sessions: list[Session]) -> list[tuple[Session, int]]:
    """The sessions an experiment uses, each with its arm (0 = A before/without, 1 = B)."""
    chosen = [
        s
        for s in sorted(sessions, key=lambda s: (s.local_date, s.local_hour or 0.0))
        if (spec.workout_type is None or s.workout_type == spec.workout_type)
        and (spec.start is None or s.local_date >= spec.start)
        and (spec.end is None or s.local_date <= spec.end)
    ]
    out: list[tuple[Session, int]] = []
    k = 0
    for s in chosen:
        if f"{spec.id}:a" in s.tags:
            out.append((s, 0))
        elif f"{spec.id}:b" in s.tags:
            out.append((s, 1))
        elif spec.assignment == "before_after":
            assert spec.change_date is not None
            out.append((s, int(s.local_date >= spec.change_date)))
        else:
            out.append((s, k % 2))
            k += 1
    return out


def analyze_experiment(
    spec: ExperimentSpec,
    sessions: list[Session],
    *,
    seed: int = 0,
    permutations: int = int(DECISION["permutations"]),
) -> ExperimentResult:
    """Judge an experiment from the sessions it covers.

    The outcome is regressed on a linear trend (days since the first session) and the
    arm; the arm coefficient is the effect (B minus A, in the metric's unit) with a 90%
    t-interval and a Freedman-Lane permutation p-value (see ``stats.arm_effect``).

    Before/after designs also allow for serial correlation (``serial=True``).

    Verdict rules: ``helps``/``hurts`` only when the 90% interval excludes zero **and**
    p <= 0.025 (``stats.DECISION``), signed by the metric's better direction; otherwise ``no_clear_difference``
    when the data already had 80% power to find the metric's smallest worthwhile change,
    else ``not_enough_data`` with the number of sessions still needed (power calculation
    on the observed standard error). Fewer than 3 sessions per arm is always
    ``not_enough_data``.
    """
    spec.validate()
    metric = get_outcome_metric(spec.metric)
    pairs = [(s, a, metric.extract(s)) for s, a in assign_arms(spec, sessions)]
    used = [(s, a, float(v)) for s, a, v in pairs if v is not None and np.isfinite(v)]
    ids_a = [session_key(s) for s, a, _ in used if a == 0]
    ids_b = [session_key(s) for s, a, _ in used if a == 1]
    n_a, n_b = len(ids_a), len(ids_b)
    if n_a < MIN_PER_ARM or n_b < MIN_PER_ARM:
        more = max(0, MIN_PER_ARM - n_a) + max(0, MIN_PER_ARM - n_b)
        return ExperimentResult(spec, ids_a, ids_b, None, None, None, "not_enough_data", more)
    notes = _design_notes(spec, used)
    y = np.array([v for _, _, v in used])
    arm = np.array([a for _, a, _ in used])
    t0 = used[0][0].local_date
    days = np.array([(s.local_date - t0).days for s, _, _ in used], dtype=float)
    covariate = days if np.ptp(days) > 0 else None
    rng = np.random.default_rng(seed)
    try:
        est = arm_effect(
            y,
            arm,
            covariate,
            rng,
            permutations=permutations,
            serial=spec.assignment == "before_after",
        )
    except ValueError:
        more = 2
        return ExperimentResult(spec, ids_a, ids_b, None, None, None, "not_enough_data", more)
    lo, hi = est.interval_90
    good = est.effect if metric.higher_is_better else -est.effect
    excludes_zero = lo > 0 or hi < 0
    if excludes_zero and est.p_value <= DECISION["alpha"]:
        verdict = "helps" if good > 0 else "hurts"
        more = 0
    else:
        more = sessions_needed(len(y), est.se, metric.smallest_worthwhile)
        verdict = "no_clear_difference" if more == 0 else "not_enough_data"
    return ExperimentResult(
        spec,
        ids_a,
        ids_b,
        est.effect,
        (lo, hi),
        est.p_value,
        verdict,
        more,
        mean_a=float(y[arm == 0].mean()),
        mean_b=float(y[arm == 1].mean()),
        notes=notes,
    )


_DAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def _design_notes(spec: ExperimentSpec, used: list[tuple[Session, int, float]]) -> list[str]:
    """Warnings about the design: arms that never share a weekday (A, B, A, B on a
    twice-a-week schedule puts every A on one day), so the weekday is confounded."""
    days = [{s.weekday for s, a, _ in used if a == arm} for arm in (0, 1)]
    if min(len(d) for d in days) == 0 or days[0] & days[1]:
        return []
    names = [" and ".join(_DAYS[d] for d in sorted(x)) for x in days]
    return [
        f"every A session fell on {names[0]} and every B session on {names[1]}: the "
        "weekday changes with the arm. Tag the sessions "
        f"'{spec.id}:a' / '{spec.id}:b' in random order within each pair "
        "(deliberun log --tag) so the weekday cannot explain the difference."
    ]
