"""Plans as iCalendar (RFC 5545) files: one all-day event per planned workout.

Each event's summary is the workout type and text, its description lists the
steps with their pace bands (in the runner's units); ``X-DELIBERUN-TYPE`` and
``X-DELIBERUN-TEXT`` carry the workout so ``read_ics`` gets the plan back exactly.

A stored workout's UID is its plan and id (``plan3-w812@deliberun``): it stays the
same when the workout is moved or edited, so a calendar that imports the file again
updates the event instead of adding a second one; ``SEQUENCE`` counts its edits and
``LAST-MODIFIED`` says when the last one was (RFC 5545 3.8.7.4, 3.8.7.3).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from deliberun.plan.planned import PlannedDay
from deliberun.plan.text import format_step
from deliberun.plan.workout import Step
from deliberun.units import UNIT_LABEL, clock, pace_value, workout_words

PRODID = "-//deliberun//plan//EN"


def _lines(
    steps: Sequence[Step],
    paces: Mapping[str, tuple[float, float]],
    indent: str = "",
    units: str = "metric",
) -> list[str]:
    out = []
    for s in steps:
        if s.kind == "repeat":
            out.append(f"{indent}{s.reps} times:")
            out += _lines(s.steps, paces, indent + "  ", units)
            continue
        line = f"{indent}{s.kind}: {format_step(s)}"
        band = s.target.resolve(paces) if s.target else None
        if band is not None:
            fast, slow = clock(pace_value(band[0], units)), clock(pace_value(band[1], units))
            line += f" ({fast}-{slow} /{UNIT_LABEL[units]})"
        out.append(line)
    return out


def write_ics(
    days: Sequence[PlannedDay],
    paces: Mapping[str, tuple[float, float]],
    *,
    stamp: datetime,
    calendar_name: str = "deliberun plan",
    units: str = "metric",
    uid_prefix: str = "",
    revisions: Mapping[str, Sequence[Any]] | None = None,
    created: datetime | None = None,
) -> bytes:
    """The plan as an ``.ics`` file (bytes).

    Parameters
    ----------
    days : sequence of PlannedDay
        The planned workouts.
    paces : mapping
        ``{zone: (fast, slow)}`` [s/km] to show each step's pace band.
    stamp : datetime
        ``DTSTAMP`` of every event (tz-aware; pass the current time).
    units : str
        ``metric`` (paces /km) or ``imperial`` (/mi).
    uid_prefix : str
        Prefix of the UID of a stored workout (``plan3-``); the UID is the prefix and
        the workout's id. A workout without an id gets a hash of its date, type and text.
    revisions : mapping, optional
        ``{str(workout id): (sequence, last-modified ISO time)}`` of edited workouts.
    created : datetime, optional
        ``LAST-MODIFIED`` of a workout never edited (when its plan was made).
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calendar_name)
    for d in days:
        if d.status == "skipped":
            continue
        ev = Event()
        if d.id is not None:
            uid = f"{uid_prefix}w{d.id}"
        else:
            uid = hashlib.sha1(f"{d.date}|{d.workout_type}|{d.text}".encode()).hexdigest()[:16]
        ev.add("uid", f"{uid}@deliberun")
        ev.add("dtstamp", stamp.astimezone(UTC))
        seq, modified = (list((revisions or {}).get(str(d.id), ())) + [0, None])[:2]
        ev.add("sequence", int(seq or 0))
        last = datetime.fromisoformat(modified) if modified else created
        if last is not None:
            ev.add(
                "last-modified", (last if last.tzinfo else last.replace(tzinfo=UTC)).astimezone(UTC)
            )
        ev.add("dtstart", d.date)
        ev.add("dtend", d.date + timedelta(days=1))
        ev.add("summary", workout_words(d.workout_type, d.text))
        desc = "\n".join(_lines(d.workout().steps, paces, units=units))
        if d.notes:
            desc += f"\n\n{d.notes}"
        ev.add("description", desc)
        ev.add("x-deliberun-type", d.workout_type)
        ev.add("x-deliberun-text", d.text)
        cal.add_component(ev)
    return bytes(cal.to_ical())


def read_ics(data: bytes) -> list[PlannedDay]:
    """Planned days from an ``.ics`` written by ``write_ics`` (other events are ignored)."""
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        raise ValueError(f"not a readable iCalendar file ({exc})") from None
    out = []
    for ev in cal.walk("VEVENT"):
        text = ev.get("x-deliberun-text")
        if text is None:
            continue
        start = ev.decoded("dtstart")
        day = start.date() if isinstance(start, datetime) else start
        assert isinstance(day, date)
        out.append(PlannedDay(day, str(ev.get("x-deliberun-type") or "easy"), str(text)))
    return sorted(out, key=lambda d: d.date)
