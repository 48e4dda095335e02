"""The ``course_rehearsals`` cycle target: sessions that rehearsed the race course's
climbs at goal effort, measured from the runs' GPS tracks.

Adding one (:func:`rehearsal_target`) reads the course (a GPX file or a stored course),
plans the race for the goal time (``plan.race_plan``: the even effort) and keeps the
course's climbs and that effort in the target's parameters. Measuring it
(:func:`fill_rehearsals`) looks for the climbs in every session's track profile
(``plan.rehearsals``) and marks each session that rehearsed one under the target's
metric key; the generic target progress then counts the sessions. The detail
lists each climb with the sessions that rehearsed it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from deliberun.practice.session import Session
from deliberun.practice.targets import BASELINE_DAYS, TargetSpec, metric_key
from deliberun.store.db import Database
from deliberun.units import distance as said

KIND = "course_rehearsals"

#: How far a course's length may be from the race's for the race's goal time to apply.
RACE_DISTANCE_TOLERANCE = 0.10


def rehearsal_target(
    db: Database,
    course: str,
    race_goal_s: float,
    goal: float,
    *,
    name: str = "",
    race_distance_m: float | None = None,
) -> TargetSpec:
    """A ``course_rehearsals`` target for ``course`` (a GPX path or a course id) run in
    ``race_goal_s`` [s]; ``goal`` is the number of rehearsal sessions aimed at.
    ``race_distance_m``: the distance the goal time is for (the cycle's race), which
    the course must have (within 10 %), else the plan's effort would be another race's.
    ``ValueError`` when the course has no climb, or is not that distance."""
    from deliberun.plan.race_plan import race_plan
    from deliberun.plan.rehearsals import climbs, rehearsal_params
    from deliberun.services.courses import gap_model_of
    from deliberun.services.race_plan import course_arrays

    distance, altitude, course_name = course_arrays(db, course)
    length = float(distance[-1]) if len(distance) else 0.0
    if (
        race_distance_m
        and abs(length - race_distance_m) > RACE_DISTANCE_TOLERANCE * race_distance_m
    ):
        raise ValueError(
            f"the course is {said(length, digits=1)} and the cycle's race "
            f"{said(race_distance_m, digits=1)}: give the goal time for this course "
            "with --race-goal h:mm:ss"
        )
    plan = race_plan(distance, altitude, race_goal_s, gap_model=gap_model_of(db))
    params = rehearsal_params(climbs(distance, altitude), plan["effort_pace_s_per_km"], race_goal_s)
    return TargetSpec(KIND, float(goal), name=name or course_name, params=params)


def fill_rehearsals(
    db: Database, targets: list[TargetSpec], sessions: list[Session], *, start: date, end: date
) -> dict[int | None, dict[str, Any]]:
    """Measure the ``course_rehearsals`` targets over ``sessions``: mark (1.0) each
    session that rehearsed a climb under the target's metric key, and return per target (by
    id) the detail of the sessions from ``start`` to ``end``: each climb with the
    sessions that rehearsed it, and how many of the course's climbs were rehearsed.
    Only the sessions from ``BASELINE_DAYS`` before ``start`` to ``end`` are looked at
    (the baseline and the cycle), so a dashboard's year of sessions costs no more."""
    from deliberun.plan.rehearsals import climbs_from_params, rehearsed_climbs
    from deliberun.services.courses import gap_model_of, profiles_of

    wanted = [t for t in targets if t.kind == KIND]
    if not wanted:
        return {}
    gap_model = gap_model_of(db)
    since = start - timedelta(days=BASELINE_DAYS)  # the baseline's weeks and the cycle only
    by_id = {
        int(s.activity_id): s
        for s in sessions
        if s.activity_id is not None and since <= s.local_date <= end
    }
    profiles = profiles_of(db, sorted(by_id), gap_model)
    out: dict[int | None, dict[str, Any]] = {}
    for t in wanted:
        hills = climbs_from_params(t.params)
        effort = float(t.params["effort_pace_s_per_km"])
        found = rehearsed_climbs(hills, profiles, effort, gap_model=gap_model)
        key = metric_key(t)
        assert key is not None
        for s in sessions:
            s.metrics.pop(key, None)  # none outside the window either
        for aid in found:
            by_id[aid].metrics[key] = 1.0  # a session that rehearsed (any number of climbs)
        in_cycle = {
            aid: which for aid, which in found.items() if start <= by_id[aid].local_date <= end
        }
        sections = []
        for i, h in enumerate(hills, start=1):
            ids = sorted(
                (a for a, which in in_cycle.items() if i in which),
                key=lambda a: (by_id[a].local_date, a),
            )
            sections.append(
                {
                    "climb": i,
                    **h,
                    "sessions": [
                        {"activity_id": a, "local_date": by_id[a].local_date.isoformat()}
                        for a in ids
                    ],
                }
            )
        out[t.id] = {
            "effort_pace_s_per_km": effort,
            "race_goal_s": float(t.params.get("goal_s", 0.0)),
            "climbs": sections,
            "climbs_rehearsed": sum(1 for c in sections if c["sessions"]),
            "climbs_total": len(sections),
        }
    return out
