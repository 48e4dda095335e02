"""Use cases of n-of-1 experiments beyond storing them: the plan at creation (minimum
detectable effect and sessions needed, from the runner's own variability), the drawn
randomised assignment, and the arm of the coming sessions (``today``, the plan, ``log``).

The statistics are pure (``deliberun.practice.experiment_design``); this module reads
the history from the store and passes ``today`` in.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.practice.experiment_design import (
    PRE_PERIOD_DAYS,
    ExperimentPlan,
    draw_assignment,
    plan_experiment,
    planning_sd,
)
from deliberun.practice.experiments import ExperimentSpec, arm_of_next, assign_arms
from deliberun.practice.session import Session, get_outcome_metric
from deliberun.practice.stats import residual_sd
from deliberun.services import practice as svc
from deliberun.store.db import Database

#: Days of history the runner's variability is measured over.
VARIABILITY_DAYS = 365
#: SD assumed, in smallest worthwhile changes, when the history has too few values.
ASSUMED_SD_SWC = 1.5


def _history(spec: ExperimentSpec, sessions: list[Session]) -> list[Session]:
    return [
        s
        for s in sorted(sessions, key=lambda s: s.local_date)
        if spec.workout_type is None or s.workout_type == spec.workout_type
    ]


def plan_for(
    spec: ExperimentSpec, sessions: list[Session], today: date, requested: int | None = None
) -> ExperimentPlan:
    """The plan of ``spec`` from the runner's history ``sessions`` (up to ``today``)."""
    metric = get_outcome_metric(spec.metric)
    hist = [s for s in _history(spec, sessions) if s.local_date <= today]
    pts = [(s.local_date, metric.extract(s)) for s in hist]
    pts = [(d, float(v)) for d, v in pts if v is not None and np.isfinite(v)]
    sd = None
    if pts:
        d0 = pts[0][0]
        sd = residual_sd(np.array([(d - d0).days for d, _ in pts]), np.array([v for _, v in pts]))
    if sd is not None and sd > 0:
        source = (
            f"measured on your last {len(pts)} sessions, raised to its 80% upper confidence limit"
        )
        sd = planning_sd(sd, len(pts))
    else:
        sd = ASSUMED_SD_SWC * metric.smallest_worthwhile
        source = (
            f"assumed: only {len(pts)} of your sessions have this metric, fewer than 6; "
            "the plan is rough"
        )
    days = sorted({s.local_date for s in hist})
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False) if (b - a).days <= 14]
    cadence = float(np.median(gaps)) if gaps else 3.5
    n_pre = 0
    if spec.assignment == "before_after" and spec.change_date is not None:
        lo = spec.start or spec.change_date - timedelta(days=PRE_PERIOD_DAYS)
        n_pre = sum(1 for d, _ in pts if lo <= d < spec.change_date)
    return plan_experiment(
        spec.assignment,
        sd=sd,
        sd_source=source,
        worthwhile=metric.smallest_worthwhile,
        cadence_days=cadence,
        n_pre=n_pre,
        requested=requested,
    )


def create_experiment(
    db: Database,
    spec: ExperimentSpec,
    *,
    today: date,
    sessions_planned: int | None = None,
    seed: int | None = None,
    replace: bool = False,
) -> tuple[ExperimentSpec, ExperimentPlan]:
    """Plan the experiment from the runner's history, draw the randomised arms (seeded by
    ``seed``, else at random) and store it. Returns the spec as stored and its plan."""
    if spec.start is None and spec.assignment != "before_after":
        spec.start = today
    if spec.start is None and spec.change_date is not None:  # before/after: 12 weeks before
        spec.start = spec.change_date - timedelta(days=PRE_PERIOD_DAYS)
    history = svc.build_sessions(db, today=today, since=today - timedelta(days=VARIABILITY_DAYS))
    plan = plan_for(spec, history, today, sessions_planned)
    spec.planned_sessions = plan.planned_sessions
    spec.min_detectable_effect = round(plan.min_detectable_effect, 4)
    spec.planned_after = plan.planned_after
    if spec.assignment == "randomised":
        rng = np.random.default_rng(seed if seed is not None else secrets.randbits(64))
        spec.arms = draw_assignment(rng, plan.planned_sessions)
    svc.save_experiment(db, spec, replace=replace)
    return spec, plan


def coming_arms(db: Database, *, today: date, days_ahead: int = 14) -> list[dict[str, Any]]:
    """For each running randomised or alternating experiment: the arm of the next
    session of its workout type, and of each planned one in the next ``days_ahead``."""
    specs = [
        x
        for x in svc.list_experiments(db)
        if x.status == "running" and x.assignment in ("randomised", "alternating")
    ]
    if not specs:
        return []
    first = min((x.start for x in specs if x.start), default=today)
    ss = [s for s in svc.build_sessions(db, today=today, since=first) if s.local_date <= today]
    planned = svc.planned_days(db, today, today + timedelta(days=days_ahead))
    out = []
    for x in specs:
        arm = arm_of_next(x, ss)
        if arm is None:
            continue
        mine = [p for p in planned if x.workout_type is None or p.workout_type == x.workout_type]
        out.append(
            {
                "id": x.id,
                "change": x.change,
                "workout_type": x.workout_type,
                "next_arm": arm,
                "planned": [
                    {"date": p.date.isoformat(), "arm": arm_of_next(x, ss, ahead=i)}
                    for i, p in enumerate(mine)
                ],
            }
        )
    return out


def arm_tags(db: Database, activity_id: int, *, today: date) -> list[str]:
    """The tags ``<id>:a`` / ``<id>:b`` that record which arm the activity was in, for
    every running experiment whose assignment covers it (``deliberun log`` adds them)."""
    out = []
    for x in svc.list_experiments(db):
        if x.status != "running" or x.assignment == "before_after":
            continue
        ss = svc.build_sessions(db, today=today, since=x.start)
        for s, a in assign_arms(x, ss):
            if s.activity_id == activity_id:
                out.append(f"{x.id}:{'ab'[a]}")
    return out
