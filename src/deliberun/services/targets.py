"""The cycle and target commands' use cases: a cycle with its targets' progress, one
target session by session, a target added or changed from the goal as typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from deliberun.errors import InvalidInput, NotFoundError
from deliberun.practice.cycles import Cycle
from deliberun.practice.targets import TargetProgress, TargetSpec, parse_goal
from deliberun.services import practice as svc
from deliberun.services.dashboard_base import units_of
from deliberun.services.target_rehearsals import rehearsal_target
from deliberun.store import practice_repo
from deliberun.store.db import Database


@dataclass(frozen=True)
class CycleView:
    """A cycle and each target's progress, in the runner's display ``units``.

    ``to_dict()`` (``cycle show --json``): the cycle's document with ``progress``, one
    ``TargetProgress.to_dict()`` per target.
    """

    cycle: Cycle
    progress: list[TargetProgress]
    units: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.cycle.to_dict(), "progress": [p.to_dict() for p in self.progress]}


def cycle_view(db: Database, cycle_id: int | None, *, today: date) -> CycleView:
    """The cycle ``cycle_id`` (default: the one holding ``today``) with its progress."""
    cycle, prog = svc.target_progress(db, cycle_id, today=today)
    return CycleView(cycle, prog, units_of(db))


@dataclass(frozen=True)
class TargetDetail:
    """One target's progress: its values session by session, trend and projection.

    ``to_dict()`` (``target show --json``): ``TargetProgress.to_dict()`` with ``values``
    as ``[date, value]`` pairs; a ``course_rehearsals`` target's climbs are in ``detail``.
    """

    progress: TargetProgress
    units: str

    def to_dict(self) -> dict[str, Any]:
        d = self.progress.to_dict()
        d["values"] = [[day.isoformat(), v] for day, v in self.progress.values]
        return d


def target_detail(db: Database, target_id: int, *, today: date) -> TargetDetail:
    """Target ``target_id`` with its cycle's sessions; ``NotFoundError`` when there is none."""
    with db.session() as s:
        cycle_id = practice_repo.target_cycle(s, target_id)
    if cycle_id is None:
        raise NotFoundError(f"no target {target_id}; see `deliberun target list`")
    _cycle, prog = svc.target_progress(db, cycle_id, today=today)
    return TargetDetail(next(p for p in prog if p.target.id == target_id), units_of(db))


def read_goal(kind: str, text: str, where: str = "") -> float:
    """A goal as typed (4:15, 6:50/mi, 70km...) in the kind's SI unit; ``InvalidInput``
    with the reason (prefixed by ``where``) otherwise."""
    try:
        return parse_goal(kind, text)
    except ValueError as exc:
        raise InvalidInput(f"{where}{exc}") from exc


def new_target(
    db: Database,
    kind: str,
    goal: str,
    *,
    today: date,
    cycle_id: int | None = None,
    name: str = "",
    lower_is_better: bool = False,
    course: str | None = None,
    race_goal_s: float | None = None,
) -> TargetSpec:
    """Add a target with the goal as typed to a cycle (default: the current one); a
    fourth is refused (``TooManyTargetsError``).

    ``course_rehearsals`` needs the race ``course`` (a GPX file or a course id) and the
    race's goal time: ``race_goal_s``, else the cycle's goal race (its distance must be the
    course's); refused with the fix (``InvalidInput``) when neither is known.
    """
    value = read_goal(kind, goal)
    if kind == "course_rehearsals":
        if course is None:
            raise InvalidInput("course_rehearsals needs --course COURSE.gpx (or a course id)")
        race_m = None
        if race_goal_s is None:
            race = svc.get_cycle(db, cycle_id, today=today).goal_race
            if race is None or not race.goal_time_s:
                raise InvalidInput("the cycle has no goal time: give --race-goal h:mm:ss")
            race_goal_s, race_m = float(race.goal_time_s), float(race.distance_m)
        spec = rehearsal_target(db, course, race_goal_s, value, name=name, race_distance_m=race_m)
    else:
        spec = TargetSpec(
            kind, value, name=name, higher_is_better=(False if lower_is_better else None)
        )
    spec.id = svc.add_target(db, cycle_id, spec, today=today)
    return spec


def set_goal(db: Database, target_id: int, goal: str) -> TargetSpec:
    """Change a target's goal, read as typed in its kind's unit; returns the target."""
    kind = svc.get_target(db, target_id).kind  # the kind decides how the goal is read
    return svc.set_target_goal(db, target_id, read_goal(kind, goal))
