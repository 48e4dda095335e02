"""The sessions an experiment compares, fixed by its stored plan, not by the day asked.

- Randomised and alternating: the first ``planned_sessions`` sessions of the
  experiment's type from ``start`` that have the outcome metric, in time order.
- Before/after: the pre-period is the stored window ``start`` to the day before
  ``change_date`` (the last :data:`~deliberun.practice.experiment_design.MAX_PRE`
  sessions of it, and never across a break); after the change, the first
  ``planned_after`` sessions with the metric, in time order.

When the planned sessions are in, the experiment is final on the day of the last of
them (``final_day``) and everything it reads (the breaks, illnesses and races next to
the change included) stops that day, so the verdict, the interval and the assignment
are the same at every later as-of date. Pure: the caller passes the sessions up to its
today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from deliberun.practice.experiment_design import (
    BEFORE_AFTER,
    MAX_PRE,
    MIN_AFTER,
    before_after_window,
)
from deliberun.practice.experiment_spec import ExperimentSpec
from deliberun.practice.session import OutcomeMetric, Session, get_outcome_metric

#: Sessions assumed planned when an experiment has no stored plan (made before plans
#: existed, or from a journal file without ``planned_sessions``): every look before then
#: is interim, and the verdict at that count is final (before/after: half of it after the
#: change, beside the pre-period).
DEFAULT_PLANNED = 24

Used = tuple[Session, int, float]

#: Why a session may lack an outcome metric, said to the runner.
_WHY_MISSING = {
    "rpe": "log it with `deliberun log ID --rpe N`",
    "feel": "log it with `deliberun log ID --feel N`",
    "avg_hr_bpm": "it needs a heart-rate recording",
    "decoupling_pct": "it needs heart rate and a steady run of 20 minutes or more",
    "efficiency_factor": "it needs heart rate",
}
_REP_METRICS = ("last_rep_fade_pct", "pace_error_pct", "interval_execution", "reps_done_frac")
_WHY_REPS = "it needs reps: a planned workout, or clearly repeated fast parts with recoveries"


@dataclass(frozen=True)
class Periods:
    """What :func:`fixed_periods` found: the sessions compared (session, arm, value),
    every run the analysis may read, the plan (both arms; before/after also after the
    change), the day the planned sessions were in (None: interim), the notes, and the
    before/after window's verdict (withhold, enough pre-period)."""

    used: list[Used]
    sessions: list[Session]
    planned: int
    planned_after: int | None
    final_day: date | None
    notes: list[str]
    withhold: bool = False
    pre_ok: bool = True


def _with_metric(pairs: list[tuple[Session, int]], metric: OutcomeMetric) -> list[Used]:
    vals = [(s, a, metric.extract(s)) for s, a in pairs]
    return [(s, a, float(v)) for s, a, v in vals if v is not None and np.isfinite(v)]


def missing_metric_note(
    spec: ExperimentSpec, metric: OutcomeMetric, n_sessions: int, n_with: int, waiting: bool
) -> list[str]:
    """A sentence when some of the experiment's sessions lack its outcome metric: which
    metric, how many sessions have it, and why one may lack it."""
    if n_sessions == 0 or n_with == n_sessions:
        return []
    what = f"{spec.workout_type} sessions" if spec.workout_type else "runs"
    since = f" since {spec.start}" if spec.start else ""
    head = (
        f"none of the {n_sessions} {what}{since} has"
        if n_with == 0
        else f"only {n_with} of the {n_sessions} {what}{since} have"
    )
    why = _WHY_MISSING.get(metric.name, _WHY_REPS if metric.name in _REP_METRICS else "")
    tail = ", so the experiment stays interim until enough of them are in" if waiting else ""
    return [
        f"{head} a {metric.description} ({metric.name}{'; ' + why if why else ''}): "
        f"only sessions with it count{tail}."
    ]


def fixed_periods(
    spec: ExperimentSpec, pairs: list[tuple[Session, int]], sessions: list[Session]
) -> Periods:
    """The sessions ``spec`` compares, from its sessions with their arms ``pairs`` (in
    time order, :func:`~deliberun.practice.experiments.assign_arms`) and every run up to
    the day asked ``sessions`` (see the module docstring)."""
    metric = get_outcome_metric(spec.metric)
    if spec.assignment == "before_after":
        return _before_after(spec, pairs, sessions, metric)
    planned = int(spec.planned_sessions or DEFAULT_PLANNED)
    used = _with_metric(pairs, metric)
    final = used[planned - 1][0].local_date if len(used) >= planned else None
    notes: list[str] = []
    if final is not None:
        used = used[:planned]
        pairs = [(s, a) for s, a in pairs if s.local_date <= final]
        sessions = [s for s in sessions if s.local_date <= final]
        notes.append(_final_words(f"the {planned} planned sessions", final))
    notes += missing_metric_note(spec, metric, len(pairs), len(used), final is None)
    return Periods(used, sessions, planned, None, final, notes)


def _final_words(what: str, day: date) -> str:
    return f"{what} were in on {day}: the verdict then is final; later sessions are not tested."


def _before_after(
    spec: ExperimentSpec,
    pairs: list[tuple[Session, int]],
    sessions: list[Session],
    metric: OutcomeMetric,
) -> Periods:
    assert spec.change_date is not None
    change = spec.change_date
    used = _with_metric(pairs, metric)
    win = before_after_window([(s, a) for s, a, _ in used], change, sessions)
    keep = {id(s) for s, _ in win.used}
    pre = [u for u in used if u[1] == 0 and id(u[0]) in keep]
    post = [u for u in used if u[1] == 1 and id(u[0]) in keep]
    after = spec.planned_after or (
        max(MIN_AFTER, spec.planned_sessions - len(pre))
        if spec.planned_sessions
        else DEFAULT_PLANNED // 2
    )
    final = post[after - 1][0].local_date if len(post) >= after else None
    notes: list[str] = []
    if final is not None:  # read nothing after the day the planned sessions were in
        first_after = {id(u[0]) for u in post[:after]}
        used = [u for u in used if u[1] == 0 or id(u[0]) in first_after]
        pairs = [(s, a) for s, a in pairs if s.local_date <= final]
        sessions = [s for s in sessions if s.local_date <= final]
        win = before_after_window([(s, a) for s, a, _ in used], change, sessions)
        keep = {id(s) for s, _ in win.used}
        pre = [u for u in used if u[1] == 0 and id(u[0]) in keep]
        post = [u for u in used if u[1] == 1 and id(u[0]) in keep]
        notes.append(_final_words(f"the {after} planned sessions after the change", final))
    notes += win.warnings
    pre, pre_ok = _capped_pre(pre, notes)
    notes += missing_metric_note(spec, metric, len(pairs), len(used), final is None)
    return Periods(
        pre + post,
        sessions,
        len(pre) + after,
        after,
        final,
        notes,
        win.withhold,
        pre_ok and win.pre_ok,
    )


def _capped_pre(pre: list[Used], notes: list[str]) -> tuple[list[Used], bool]:
    """The last :data:`MAX_PRE` pre-period sessions, or more when those span fewer than
    the 4 weeks a pre-period needs; whether what is kept is a pre-period at all."""
    r = BEFORE_AFTER
    if len(pre) > MAX_PRE:
        last = pre[-1][0].local_date
        cut = min(pre[-MAX_PRE][0].local_date, last - timedelta(days=r["min_pre_days"]))
        kept = [u for u in pre if u[0].local_date >= cut]
        if len(kept) < len(pre):
            notes.append(
                f"the pre-period holds {len(pre)} sessions; the last {len(kept)} (from "
                f"{kept[0][0].local_date}) are compared: one straight trend is fitted across "
                "them, and a longer pre-period adds more drift than information."
            )
            pre = kept
    if not pre:
        return pre, False
    span = (pre[-1][0].local_date - pre[0][0].local_date).days
    return pre, len(pre) >= r["min_pre_sessions"] and span >= r["min_pre_days"]
