"""The athletes of a database: add, list with their run counts, remove (with their rows).

These functions take an unscoped session (``Database.admin_session``): they are about
the athletes themselves, not one athlete's data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, delete, exists, func, select
from sqlalchemy.orm import Session

from deliberun.store.errors import AthleteError
from deliberun.store.tables_athletes import AthleteRow
from deliberun.store.tables_core import ActivityRow, ActivitySourceRow, OriginalRow

#: How long an athlete's name may be (the column's width).
NAME_MAX = 100


def athletes(session: Session) -> list[dict[str, Any]]:
    """Every athlete by id: ``id``, ``name``, ``created_at``, ``runs``, ``last_run`` (the
    local date of their latest activity, or None) and ``last_import`` (when the latest of
    their activities was stored, or None)."""
    q = select(
        ActivityRow.athlete_id,
        func.count(),
        func.max(ActivityRow.local_date),
        func.max(ActivityRow.created_at),
    ).group_by(ActivityRow.athlete_id)
    counts = {int(aid): (int(n), last, stored) for aid, n, last, stored in session.execute(q)}
    out = []
    for row in session.scalars(select(AthleteRow).order_by(AthleteRow.id)):
        n, last, stored = counts.get(int(row.id), (0, None, None))
        out.append(
            {"id": int(row.id), "name": row.name, "created_at": row.created_at, "runs": n,
             "last_run": _date(last), "last_import": _utc(stored)}
        )  # fmt: skip
    return out


def names(session: Session) -> list[tuple[int, str]]:
    """``(id, name)`` of every athlete by id (no counts: cheap enough to poll)."""
    q = select(AthleteRow.id, AthleteRow.name).order_by(AthleteRow.id)
    return [(int(i), str(n)) for i, n in session.execute(q)]


def runs_up_to(session: Session, today: date, end: datetime) -> dict[int, dict[str, Any]]:
    """Per athlete id, their activities on or before ``today`` only: ``runs`` (count),
    ``last_run`` (local date), ``arrived`` (the date their data last arrived as seen on
    ``today``: when an activity was stored, or its own date for one stored after ``end``,
    the end of ``today``, since looking back it had not been imported yet)."""
    # one statement: on PostgreSQL (READ COMMITTED) each statement sees the commits made
    # before it, so counts and arrival dates read by two statements during an import could
    # disagree (an athlete with arrivals but no count); one statement reads one snapshot
    stored = func.max(case((ActivityRow.created_at < end, ActivityRow.created_at)))
    later = func.max(case((ActivityRow.created_at >= end, ActivityRow.local_date)))
    q = (
        select(
            ActivityRow.athlete_id, func.count(), func.max(ActivityRow.local_date), stored, later
        )
        .where(ActivityRow.local_date <= today)
        .group_by(ActivityRow.athlete_id)
    )
    out: dict[int, dict[str, Any]] = {}
    for aid, n, last, when, day in session.execute(q):
        arrived = [d for d in (_utc(when).date() if when is not None else None, _date(day)) if d]  # type: ignore[union-attr]
        out[int(aid)] = {"runs": int(n), "last_run": _date(last),
                         "arrived": max(arrived) if arrived else None}  # fmt: skip
    return out


def _date(value: Any) -> date | None:
    """An aggregate's date (SQLite returns MAX of a date column as text)."""
    return value if isinstance(value, date) or value is None else date.fromisoformat(str(value))


def _utc(value: Any) -> datetime | None:
    """An aggregate's UTC time (SQLite: naive text; PostgreSQL: aware)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def get_athlete(session: Session, name: str) -> AthleteRow | None:
    return session.scalars(select(AthleteRow).where(AthleteRow.name == name)).first()


def has_athlete(session: Session, name: str) -> bool:
    """Whether an athlete named ``name`` exists."""
    return get_athlete(session, name) is not None


def add_athlete(session: Session, name: str, now: datetime) -> int:
    """Add an athlete; ``AthleteError`` for an empty, too long or taken name."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise AthleteError(f"an athlete's name is 1 to {NAME_MAX} characters (got {name!r})")
    if get_athlete(session, name) is not None:
        raise AthleteError(f"athlete {name!r} already exists; choose another name")
    row = AthleteRow(name=name, created_at=now)
    session.add(row)
    session.flush()
    return int(row.id)


def remove_athlete(session: Session, name: str) -> int:
    """Delete an athlete with every row of theirs; returns the number of their runs.

    Their rows go by the foreign keys (ON DELETE CASCADE); the original files of their
    activities that no other athlete's activity refers to go too.
    """
    row = get_athlete(session, name)
    if row is None:
        raise AthleteError(f"no athlete named {name!r}")
    runs = int(
        session.scalar(
            select(func.count()).select_from(ActivityRow).where(ActivityRow.athlete_id == row.id)
        )
        or 0
    )
    theirs = set(
        session.scalars(
            select(ActivitySourceRow.sha256).where(ActivitySourceRow.athlete_id == row.id)
        )
    )
    session.delete(row)
    session.flush()
    used = select(ActivitySourceRow.sha256).where(ActivitySourceRow.sha256 == OriginalRow.sha256)
    by_activity = select(ActivityRow.sha256).where(ActivityRow.sha256 == OriginalRow.sha256)
    for chunk in _chunks(sorted(theirs), 500):
        session.execute(
            delete(OriginalRow).where(
                OriginalRow.sha256.in_(chunk), ~exists(used), ~exists(by_activity)
            )
        )
    return runs


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
