"""``deliberun plan generate``: a plan for a goal race from the runner's own starting
point (recent volume, long run, a break), stored as the current plan."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from deliberun.errors import InvalidInput
from deliberun.plan.generate import check_constraints, generate_plan
from deliberun.plan.goal_time import read_goal_time
from deliberun.plan.load import plan_projection
from deliberun.plan.paces import parse_race_distance
from deliberun.plan.planned import Plan
from deliberun.plan.start import MIN_VOLUME_KM, return_caps
from deliberun.services.plan import save_plan
from deliberun.services.plan_start import plan_starting_point
from deliberun.services.workouts import ZoneVdot, zone_vdot
from deliberun.store.db import Database


@dataclass(frozen=True)
class PlanRequest:
    """What the runner asked for, as typed (race ``5k``/``half``/``15km``, goal ``3:15:00``)."""

    race: str
    race_date: date
    days_per_week: int = 5
    goal: str | None = None
    long_run_day: str = "sun"
    volume_km: float | None = None
    max_volume_km: float | None = None
    vdot: float | None = None
    targets: tuple[str, ...] = ()
    default_volume: bool = False


@dataclass(frozen=True)
class GeneratedPlan:
    """A stored plan and what it rests on.

    ``to_dict()`` is the ``plan generate --json`` document: ``plan_id``, the plan's
    ``name``/``params``/``weeks``/``days``, ``starting_point`` (the runner's recent running
    it starts from, ``None`` when the volume was given or there is no history),
    ``constraints_broken`` (words) and ``projection`` (daily fitness/fatigue/form).
    """

    plan_id: int
    plan: Plan
    starting_point: dict[str, Any] | None
    constraints_broken: list[str]
    projection: list[dict[str, Any]]
    #: The generator's notes (a short build, a volume capped), in words.
    notes: list[str]
    #: Where the VDOT came from when neither ``vdot`` nor ``goal`` was given.
    vdot: ZoneVdot | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            **self.plan.to_dict(),
            "starting_point": self.starting_point,
            "constraints_broken": self.constraints_broken,
            "projection": self.projection,
        }


def _starting_point(
    db: Database, req: PlanRequest, *, today: date
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """generate_plan's volume arguments: as given, else from the runner's recent running."""
    kw: dict[str, Any] = {"volume_km": req.volume_km, "max_volume_km": req.max_volume_km}
    if req.volume_km is not None or req.default_volume:
        return kw, None
    point = plan_starting_point(db, today=today)
    if point.volume_km <= 0 and point.break_days is None:
        return kw, None  # no running history: the defaults by race distance
    vol = max(point.volume_km, MIN_VOLUME_KM)
    kw["volume_km"] = round(vol, 1)
    if req.max_volume_km is None:
        kw["max_volume_km"] = round(max(vol * 1.4, point.pre_break_km or 0.0), 1)
    first = today + timedelta(days=(7 - today.weekday()) % 7)
    n_weeks = max(2, (req.race_date - first).days // 7 + 1)
    caps = return_caps(point, first, n_weeks)
    if any(c is not None for c in caps):
        kw["volume_caps"] = caps
    if point.long_run_km > 0:
        kw["long_run_km"] = point.long_run_km
    return kw, point.to_dict()


def generate(db: Database, req: PlanRequest, *, today: date, now: datetime) -> GeneratedPlan:
    """Generate the plan of ``req`` from ``today`` and store it as the current plan.

    A value the runner typed that the generator refuses (a race in the past, a goal no
    human could run, an unknown distance) is an ``InvalidInput`` with the reason.
    """
    try:
        dist = parse_race_distance(req.race)
        goal_s = read_goal_time(req.goal, dist) if req.goal else None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    vdot = None if req.vdot is not None or goal_s is not None else zone_vdot(db, None, today=today)
    start_kw, start_doc = _starting_point(db, req, today=today)
    try:
        with warnings.catch_warnings(record=True) as caught:  # a note, not a Python warning
            warnings.simplefilter("always")
            p = generate_plan(
                dist,
                req.race_date,
                start=today,
                days_per_week=req.days_per_week,
                long_run_day=req.long_run_day,
                goal_time_s=goal_s,
                vdot=req.vdot if vdot is None else vdot.value,
                targets=req.targets,
                **start_kw,
            )
    except ValueError as exc:  # a value given on the command line: a usage mistake
        raise InvalidInput(str(exc)) from exc
    plan_id = save_plan(db, p, now=now)
    projection = plan_projection(
        [(d.date, d.workout()) for d in p.days],
        float(p.params["vdot"]),
        start=p.days[0].date,
        end=p.days[-1].date,
        weekly_volume_km=float(p.params["volume_km"]),
    )
    return GeneratedPlan(
        plan_id=plan_id,
        plan=p,
        starting_point=start_doc,
        constraints_broken=check_constraints(p),
        projection=projection,
        notes=[str(w.message) for w in caught],
        vdot=vdot,
    )
