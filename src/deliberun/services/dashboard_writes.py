"""The dashboard's two writes: a journal entry for an activity, moving a planned workout.

Form values arrive as strings. They are checked here, all at once, before
anything is stored: a bad value raises ``FormError`` carrying one message per
field, and nothing is written. The write itself is the owning area's service
(practice for the journal, plan for workouts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from deliberun.errors import InvalidInput
from deliberun.services import dashboard_sources as src
from deliberun.services.dashboard_base import NotFound
from deliberun.store.db import Database
from deliberun.store.retry import retry_write

#: Journal fields and their bounds (CONTRACTS.md, deliberun-journal.yaml).
JOURNAL_BOUNDS: dict[str, tuple[float, float, bool]] = {
    # field: (low, high, integer)
    "rpe": (0, 10, False),  # Borg CR-10
    "feel": (1, 5, True),  # 1 awful .. 5 great
    "sleep_h": (0, 24, False),
    "soreness": (0, 10, True),
}
RACE_DETAILS = ("fuelling", "breakfast", "gear", "course")
MAX_NOTES = 4000


class FormError(InvalidInput):
    """Form input was refused; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def _number(name: str, raw: str, errors: dict[str, str]) -> float | int | None:
    raw = raw.strip()
    if not raw:
        return None
    lo, hi, integer = JOURNAL_BOUNDS[name]
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        errors[name] = f"{raw!r} is not a number: give a value from {lo:g} to {hi:g}"
        return None
    if not math.isfinite(value) or not lo <= value <= hi:
        errors[name] = f"{raw} is out of range: give a value from {lo:g} to {hi:g}"
        return None
    if integer:
        if value != int(value):
            errors[name] = f"{raw} must be a whole number from {lo:g} to {hi:g}"
            return None
        return int(value)
    return value


def parse_journal_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """Check a journal form (strings) and return the typed entry, or raise ``FormError``."""
    errors: dict[str, str] = {}
    entry: dict[str, Any] = {}
    for name in JOURNAL_BOUNDS:
        entry[name] = _number(name, str(form.get(name, "") or ""), errors)
    notes = str(form.get("notes", "") or "").strip()
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"notes are {len(notes)} characters long: keep them under {MAX_NOTES}"
    entry["notes"] = notes or None
    tags = [t.strip() for t in str(form.get("tags", "") or "").split(",") if t.strip()]
    entry["tags"] = tags
    details = form.get("details") or []
    if isinstance(details, str):
        details = [details]
    bad = [d for d in details if d not in RACE_DETAILS]
    if bad:
        errors["details"] = f"unknown race detail {bad[0]!r}: use {', '.join(RACE_DETAILS)}"
    entry["details"] = [d for d in details if d in RACE_DETAILS]
    if not errors and all(
        entry[k] in (None, []) for k in ("rpe", "feel", "sleep_h", "soreness", "notes", "tags")
    ):
        errors["form"] = "the entry is empty: give at least an RPE, a feel or a note"
    if errors:
        raise FormError(errors)
    return entry


def save_journal(db: Database, activity_id: int, form: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and store the journal entry of one activity; returns the stored entry."""
    detail = src.activity_detail(db, activity_id)
    if not detail:
        raise NotFound(f"no activity with id {activity_id}")
    entry = parse_journal_form(form)
    # an import may hold the write lock: wait our turn, never fail the POST (issue 19)
    return retry_write(lambda: src.save_journal(db, activity_id, entry))


def _parse_day(name: str, raw: Any) -> date:
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise FormError({name: f"{raw!r} is not a date: use YYYY-MM-DD"}) from None


def move_workout(db: Database, raw_id: Any, raw_to: Any, today: date) -> dict[str, Any]:
    """Move planned workout ``raw_id`` to ``raw_to`` (YYYY-MM-DD); refused with the reason
    when the day is taken, in the past or before the plan (see ``plan.move_workout``)."""
    try:
        workout_id = int(str(raw_id or "").strip())
    except ValueError:
        raise FormError({"workout": f"{raw_id!r} is not a workout id"}) from None
    to = _parse_day("date", raw_to)
    try:
        moved = retry_write(lambda: src.move_planned(db, workout_id, to, today))
    except ValueError as exc:
        raise FormError({"date": str(exc)}) from None
    return {"id": workout_id, "to": moved.date.isoformat()}
