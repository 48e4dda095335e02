"""Read and write a plan as YAML.

The full form is a mapping ``{version: 1, name, params, workouts: [...]}``; the
minimal form (what the simulated athlete writes as ``plan.yaml``) is a bare list
of ``{date, workout_type, text}``. Both are read (a missing ``workout_type``
is inferred from the text); every entry's text is parsed so
a typo is reported with its entry and character.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from deliberun.plan.planned import Plan, PlannedDay
from deliberun.plan.text import parse_workout
from deliberun.plan.workout import infer_workout_type

YAML_VERSION = 1


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML text (full form, dates as ISO strings)."""
    doc = {
        "version": YAML_VERSION,
        "name": plan.name,
        "params": plan.params,
        "workouts": [_entry(d) for d in plan.days],
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _as_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: date {value!r} is not YYYY-MM-DD") from None


def plan_from_data(data: Any, *, source: str = "plan") -> Plan:
    """A ``Plan`` from parsed YAML (full or minimal form)."""
    entries: Any
    if isinstance(data, list):
        entries, name, params = data, source, {}
    elif isinstance(data, dict):
        entries = data.get("workouts", data.get("plan", data.get("days")))
        if entries is None:
            raise ValueError(
                f"{source}: no 'workouts' list found: write a list of {{date, workout_type, text}}"
            )
        name = str(data.get("name") or source)
        params = dict(data.get("params") or {})
    else:
        raise ValueError(f"{source}: expected a list of workouts or a mapping with 'workouts'")
    if not isinstance(entries, list):
        raise ValueError(f"{source}: 'workouts' must be a list")
    days = []
    for i, e in enumerate(entries, start=1):
        where = f"{source}: entry {i}"
        if not isinstance(e, dict) or "date" not in e or "text" not in e:
            raise ValueError(f"{where}: needs at least 'date' and 'text'")
        text = str(e["text"])
        try:
            workout = parse_workout(text)
        except ValueError as exc:
            raise ValueError(f"{where} ({text!r}): {exc}") from None
        try:
            days.append(
                PlannedDay(
                    date=_as_date(e["date"], where),
                    workout_type=str(e.get("workout_type") or infer_workout_type(workout)),
                    text=text,
                    status=str(e.get("status") or "planned"),
                    notes=e.get("notes"),
                    activity_id=e.get("activity_id"),
                    phase=e.get("phase"),
                )
            )
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return Plan(days=days, name=name, params=params)


def plan_from_yaml(text: str, *, source: str = "plan.yaml") -> Plan:
    """Parse YAML text into a ``Plan`` (see ``plan_from_data``)."""
    from deliberun.io.yaml_safe import load_yaml

    try:
        data = load_yaml(text, source)
    except yaml.YAMLError as exc:
        raise ValueError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from None
    except ValueError as exc:  # PyYAML builds dates itself: 2026-13-02 fails here
        if str(exc).startswith(f"{source}:"):  # aliases, size
            raise
        raise ValueError(f"{source}: a date is not YYYY-MM-DD ({exc})") from None
    return plan_from_data(data, source=source)


def _entry(day: PlannedDay) -> dict[str, Any]:
    """A planned day as a YAML entry (its database id stays in the database)."""
    d = day.to_dict()
    d.pop("id", None)
    return d
