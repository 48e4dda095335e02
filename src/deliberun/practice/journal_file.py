"""Parse the runner's own file ``deliberun-journal.yaml`` into plain dataclasses.

The format is in docs/dev/CONTRACTS.md (version 1): ``athlete`` settings, ``journal``
entries, ``cycles`` with their targets, and ``experiments``. Pure: takes the text,
returns :class:`JournalFile`; the importer reads the file and stores the result.
Errors are ``ValueError`` naming the entry and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from deliberun.practice.cycles import Cycle, GoalRace
from deliberun.practice.experiments import ExperimentSpec
from deliberun.practice.journal import JournalEntry
from deliberun.practice.targets import TargetSpec

SUPPORTED_VERSIONS = (1,)


@dataclass
class JournalFile:
    version: int
    athlete: dict[str, Any] = field(default_factory=dict)
    journal: list[JournalEntry] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    experiments: list[ExperimentSpec] = field(default_factory=list)


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date; write YYYY-MM-DD") from None


def _opt_date(value: Any, where: str) -> date | None:
    return None if value is None else _date(value, where)


def _datetime(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(
                f"{where}: {value!r} is not a date-time; write e.g. 2026-03-02T07:05:00+01:00"
            ) from None
    if dt.tzinfo is None:
        raise ValueError(f"{where}: {value!r} has no UTC offset; add one, e.g. +01:00")
    return dt


def _num(value: Any, where: str) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {value!r} is not a number") from None


def _strs(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of words, got {value!r}")
    return [str(v) for v in value]


def _entry(i: int, item: Any) -> JournalEntry:
    where = f"journal[{i}]"
    if not isinstance(item, dict) or "date" not in item:
        raise ValueError(f"{where}: each journal entry needs at least a date")
    e = JournalEntry(
        date=_date(item["date"], f"{where}.date"),
        activity_start=_datetime(item.get("activity_start"), f"{where}.activity_start"),
        rpe=_num(item.get("rpe"), f"{where}.rpe"),
        feel=_num(item.get("feel"), f"{where}.feel"),
        sleep_h=_num(item.get("sleep_h"), f"{where}.sleep_h"),
        soreness=_num(item.get("soreness"), f"{where}.soreness"),
        notes=str(item.get("notes") or ""),
        tags=_strs(item.get("tags"), f"{where}.tags"),
        details=_strs(item.get("details"), f"{where}.details"),
    )
    try:
        e.validate()
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return e


def _cycle(i: int, item: Any) -> Cycle:
    where = f"cycles[{i}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected a mapping with name, start, end")
    for key in ("start", "end"):
        if key not in item:
            raise ValueError(f"{where}: missing {key} (YYYY-MM-DD)")
    race = None
    gr = item.get("goal_race")
    if gr:
        if "distance_m" not in gr or "date" not in gr:
            raise ValueError(f"{where}.goal_race: needs distance_m and date")
        race = GoalRace(
            float(gr["distance_m"]),
            _date(gr["date"], f"{where}.goal_race.date"),
            _num(gr.get("goal_time_s"), f"{where}.goal_race.goal_time_s"),
        )
    targets = []
    for j, t in enumerate(item.get("targets") or []):
        if not isinstance(t, dict) or "kind" not in t or "goal" not in t:
            raise ValueError(f"{where}.targets[{j}]: needs kind and goal")
        targets.append(
            TargetSpec(
                kind=str(t["kind"]),
                goal=float(t["goal"]),
                name=str(t.get("name") or ""),
                params={k: float(v) for k, v in (t.get("params") or {}).items()},
                higher_is_better=t.get("higher_is_better"),
            )
        )
    try:
        return Cycle(
            name=str(item.get("name") or f"cycle {i + 1}"),
            start=_date(item["start"], f"{where}.start"),
            end=_date(item["end"], f"{where}.end"),
            goal_race=race,
            targets=targets,
        )
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _int(value: Any, where: str) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {value!r} is not a whole number") from None
    if n < 1:
        raise ValueError(f"{where}: {n} must be at least 1")
    return n


def _experiment(i: int, item: Any) -> ExperimentSpec:
    where = f"experiments[{i}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected a mapping with id, change, metric")
    for key in ("id", "change", "metric"):
        if key not in item:
            raise ValueError(f"{where}: missing {key}")
    spec = ExperimentSpec(
        id=str(item["id"]),
        change=str(item["change"]),
        metric=str(item["metric"]),
        workout_type=item.get("workout_type"),
        assignment=str(item.get("assignment") or "before_after"),
        start=_opt_date(item.get("start"), f"{where}.start"),
        change_date=_opt_date(item.get("change_date"), f"{where}.change_date"),
        end=_opt_date(item.get("end"), f"{where}.end"),
        status=str(item.get("status") or "running"),
    )
    if item.get("planned_sessions") is not None:
        spec.planned_sessions = _int(item["planned_sessions"], f"{where}.planned_sessions")
    if item.get("planned_after") is not None:  # before/after: sessions after the change
        spec.planned_after = _int(item["planned_after"], f"{where}.planned_after")
    if item.get("arms") is not None:  # the drawn arms: A/B (or 0/1) per coming session
        arms = item["arms"]
        if not isinstance(arms, list):
            raise ValueError(f"{where}.arms: expected a list of A/B")
        spec.arms = [{"a": 0, "b": 1, "0": 0, "1": 1}.get(str(a).lower(), -1) for a in arms]
    try:
        spec.validate()
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return spec


def parse_journal_file(text: str) -> JournalFile:
    """Parse the text of ``deliberun-journal.yaml``.

    Raises
    ------
    ValueError
        With the entry and field that is wrong (e.g. ``journal[3].rpe: 12 is outside
        its scale``).
    """
    from deliberun.io.yaml_safe import load_yaml

    try:
        data = load_yaml(text, "deliberun-journal.yaml")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"deliberun-journal.yaml is not valid YAML{line}") from None
    except ValueError as exc:  # the YAML loader builds dates itself (e.g. month 13)
        if str(exc).startswith("deliberun-journal.yaml:"):  # aliases, size
            raise
        raise ValueError(
            f"deliberun-journal.yaml: a value is not a date ({exc}); write YYYY-MM-DD"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError("deliberun-journal.yaml: expected a mapping with version, journal, ...")
    version = data.get("version", 1)
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"deliberun-journal.yaml: version {version!r} is not supported (use 1)")
    athlete = data.get("athlete") or {}
    if not isinstance(athlete, dict):
        raise ValueError("deliberun-journal.yaml: athlete must be a mapping of settings")
    return JournalFile(
        version=int(version),
        athlete=dict(athlete),
        journal=[_entry(i, e) for i, e in enumerate(data.get("journal") or [])],
        cycles=[_cycle(i, c) for i, c in enumerate(data.get("cycles") or [])],
        experiments=[_experiment(i, x) for i, x in enumerate(data.get("experiments") or [])],
    )
