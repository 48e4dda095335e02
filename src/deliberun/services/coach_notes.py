"""Coach notes: a coach writes a note on a day or an activity of one athlete; the athlete
reads it on their Notes page. Stored as that athlete's rows (``coach_notes``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from deliberun.errors import InvalidInput
from deliberun.records import NoteRecord
from deliberun.services.dashboard_base import NotFound, units_of
from deliberun.store import accounts_repo as repo
from deliberun.store.db import Database
from deliberun.store.repository import activity as stored_activity

#: The longest note kept [characters].
MAX_NOTE = 4000


def add_note(
    db: Database,
    *,
    author_id: int,
    author: str,
    text: str,
    day: str | None = None,
    activity_id: str | None = None,
    now: datetime,
) -> dict[str, Any]:
    """Store a note for ``db``'s athlete on ``day`` (YYYY-MM-DD) or on ``activity_id``
    (the note's day is the activity's). ``InvalidInput`` for empty text or neither/a bad
    day; ``NotFound`` for an activity that is not this athlete's."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("a coach note needs some text")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"a coach note is at most {MAX_NOTE} characters (got {len(text)})")
    with db.session() as s, s.begin():
        aid = None
        if activity_id:
            try:
                aid = int(activity_id)
            except ValueError:
                raise InvalidInput(f"activity {activity_id!r} is not a whole number") from None
            row = stored_activity(s, aid)
            if row is None:
                raise NotFound(f"no activity {aid} for this athlete")
            when = row.local_date
        elif day:
            try:
                when = date.fromisoformat(day)
            except ValueError:
                raise InvalidInput(f"day {day!r} is not a date: use YYYY-MM-DD") from None
        else:
            raise InvalidInput("a coach note is on a day (YYYY-MM-DD) or an activity")
        nid = repo.add_note(
            s, day=when, activity_id=aid, author_id=author_id, author=author, text=text, now=now
        )
    return {"id": nid, "date": when.isoformat(), "activity_id": aid}


def _note(r: NoteRecord) -> dict[str, Any]:
    return {"id": r.id, "date": r.date, "activity_id": r.activity_id, "author": r.author,
            "text": r.text, "created_at": r.created_at}  # fmt: skip


def activity_notes(db: Database, activity_id: int) -> list[dict[str, Any]]:
    """The coach's notes on one activity of ``db``'s athlete, newest first."""
    with db.session() as s:
        return [_note(r) for r in repo.notes(s, activity_id=activity_id)]


def notes_page(db: Database, *, today: date) -> dict[str, Any]:
    """The Notes page of ``db``'s athlete: every coach note, newest day first."""
    with db.session() as s:
        notes = [_note(r) for r in repo.notes(s)]
    return {
        "page": "notes",
        "today": today.isoformat(),
        "athlete": db.athlete,
        "units": units_of(db),
        "notes": notes,
    }
