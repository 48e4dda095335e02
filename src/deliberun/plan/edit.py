"""Edit a plan by command: move, swap, replace, skip (pure; returns a new day list)."""

from __future__ import annotations

from datetime import date

from deliberun.errors import InvalidInput
from deliberun.plan.planned import PlannedDay
from deliberun.plan.text import canonical


def _one(days: list[PlannedDay], day: date) -> int:
    idx = [i for i, d in enumerate(days) if d.date == day and d.status != "moved"]
    if not idx:
        raise InvalidInput(f"no planned workout on {day}: see 'deliberun plan show'")
    return idx[0]


#: Furthest a planned workout may be moved from its day [days].
MAX_MOVE_DAYS = 366


def move(days: list[PlannedDay], day: date, to: date) -> list[PlannedDay]:
    """Move the workout of ``day`` to ``to`` (its note records where it came from).

    ``to`` must lie within ``MAX_MOVE_DAYS`` of ``day``: a workout moved to
    9999-12-31 would break every later export and compliance report.
    """
    if abs((to - day).days) > MAX_MOVE_DAYS:
        raise InvalidInput(
            f"cannot move the workout of {day} to {to}: choose a date within "
            f"{MAX_MOVE_DAYS} days of it"
        )
    out = list(days)
    i = _one(out, day)
    d = out[i]
    note = f"moved from {day}" + (f"; {d.notes}" if d.notes else "")
    out[i] = d.with_(date=to, notes=note)
    return sorted(out, key=lambda x: x.date)


def swap(days: list[PlannedDay], a: date, b: date) -> list[PlannedDay]:
    """Swap the workouts of two dates."""
    out = list(days)
    i, j = _one(out, a), _one(out, b)
    out[i], out[j] = out[i].with_(date=b), out[j].with_(date=a)
    return sorted(out, key=lambda x: x.date)


def replace(
    days: list[PlannedDay], day: date, text: str, workout_type: str | None = None
) -> list[PlannedDay]:
    """Replace the workout of ``day`` (or add one) with ``text`` (canonicalised)."""
    out = list(days)
    text = canonical(text)
    try:
        i = _one(out, day)
    except ValueError:
        out.append(PlannedDay(day, workout_type or "easy", text))
        return sorted(out, key=lambda x: x.date)
    out[i] = out[i].with_(text=text, workout_type=workout_type or out[i].workout_type)
    return out


def skip(days: list[PlannedDay], day: date) -> list[PlannedDay]:
    """Mark the workout of ``day`` skipped."""
    out = list(days)
    i = _one(out, day)
    out[i] = out[i].with_(status="skipped")
    return out
