"""Reads and writes of the stored race verdicts and session types (``tables_verdicts``),
and the light read of the activity columns their keys are made from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from deliberun.records import LightActivity
from deliberun.store.tables_core import ActivityRow
from deliberun.store.tables_verdicts import StoredSessionRow, StoredVerdictRow, StoredZonesRow

#: The activity columns the race classifier and the session classifier read of a run
#: (``services.races.facts_of``, ``services.session_types.facts_of``), without metrics.
LIGHT_COLUMNS: tuple[str, ...] = LightActivity._fields


def light_activities(
    session: Session, *, until: date, since: date | None = None
) -> list[LightActivity]:
    """The :data:`LIGHT_COLUMNS` of the activities with local dates ``[since, until]``,
    by start time (no metrics, no laps)."""
    q = select(*(getattr(ActivityRow, c) for c in LIGHT_COLUMNS)).where(
        ActivityRow.local_date <= until
    )
    if since is not None:
        q = q.where(ActivityRow.local_date >= since)
    rows = session.execute(q.order_by(ActivityRow.start_time, ActivityRow.id))
    return list(map(LightActivity._make, rows))


def run_sizes(
    session: Session, *, until: date, since: date | None = None
) -> list[tuple[int, date, str | None, float | None, float | None]]:
    """``(id, local date, sport, distance m, duration s)`` of the activities with local
    dates ``[since, until]``: what a run's race verdict reads of the runs of its year
    (their whole-run VDOT); the duration is the moving time, else the timer time."""
    from sqlalchemy import func

    q = select(
        ActivityRow.id, ActivityRow.local_date, ActivityRow.sport, ActivityRow.distance_m,
        func.coalesce(func.nullif(ActivityRow.moving_time_s, 0), ActivityRow.timer_time_s),
    ).where(ActivityRow.local_date <= until)  # fmt: skip
    if since is not None:
        q = q.where(ActivityRow.local_date >= since)
    return [tuple(r) for r in session.execute(q)]  # type: ignore[misc]


def stored(session: Session, ids: Iterable[int], kind: str) -> dict[int, tuple[str, Any]]:
    """``{activity id: (key, value)}`` of the stored ``kind`` (``"race"`` or ``"session"``)
    among ``ids`` (runs without one are left out)."""
    key_col = getattr(StoredVerdictRow, f"{kind}_key")
    value_col = getattr(StoredVerdictRow, kind)
    wanted = sorted({int(i) for i in ids})
    out: dict[int, tuple[str, Any]] = {}
    for i in range(0, len(wanted), 900):  # under SQLite's bound-parameter limit
        q = select(StoredVerdictRow.activity_id, key_col, value_col).where(
            StoredVerdictRow.activity_id.in_(wanted[i : i + 900]), key_col.is_not(None)
        )
        out.update({int(a): (k, v) for a, k, v in session.execute(q)})
    return out


def save(session: Session, kind: str, values: dict[int, tuple[str, Any]]) -> None:
    """Store ``{activity id: (key, value)}`` as the ``kind`` of each run (replacing it)."""
    if not values:
        return
    rows = {r.activity_id: r for r in session.scalars(
        select(StoredVerdictRow).where(StoredVerdictRow.activity_id.in_(list(values))))}  # fmt: skip
    for aid, (key, value) in values.items():
        row = rows.get(aid)
        if row is None:
            row = StoredVerdictRow(activity_id=aid)
            session.add(row)
        setattr(row, f"{kind}_key", key)
        setattr(row, kind, value)


def stored_sessions(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{activity id: (key, value)}`` of the stored practice sessions among ``ids``."""
    wanted = sorted({int(i) for i in ids})
    out: dict[int, tuple[str, str]] = {}
    for i in range(0, len(wanted), 900):  # under SQLite's bound-parameter limit
        q = select(StoredSessionRow.activity_id, StoredSessionRow.key, StoredSessionRow.value)
        q = q.where(StoredSessionRow.activity_id.in_(wanted[i : i + 900]))
        out.update({int(a): (k, v) for a, k, v in session.execute(q)})
    return out


def save_sessions(session: Session, values: dict[int, tuple[str, str]]) -> None:
    """Store ``{activity id: (key, value)}`` as the practice session of each run (replacing it)."""
    if not values:
        return
    rows = {r.activity_id: r for r in session.scalars(
        select(StoredSessionRow).where(StoredSessionRow.activity_id.in_(list(values))))}  # fmt: skip
    for aid, (key, value) in values.items():
        row = rows.get(aid)
        if row is None:
            session.add(StoredSessionRow(activity_id=aid, key=key, value=value))
        else:
            row.key, row.value = key, value


def stored_zones(session: Session, athlete_id: int, first_day: date) -> tuple[str, str] | None:
    """``(key, value)`` of the athlete's zones stored for the session days from ``first_day``."""
    q = select(StoredZonesRow.key, StoredZonesRow.value).where(
        StoredZonesRow.athlete_id == athlete_id, StoredZonesRow.first_day == first_day
    )
    row = session.execute(q).first()
    return (str(row[0]), str(row[1])) if row is not None else None


def save_zones(
    session: Session, athlete_id: int, first_day: date, as_of: date, version: int,
    key: str, value: str,
) -> None:  # fmt: skip
    """Store the athlete's zones of the days from ``first_day`` (replacing that row), and
    drop their rows of another as-of date or an older data version (never read again)."""
    session.execute(
        delete(StoredZonesRow).where(
            StoredZonesRow.athlete_id == athlete_id,
            (StoredZonesRow.first_day == first_day)
            | (StoredZonesRow.as_of != as_of)
            | (StoredZonesRow.version < version),
        )
    )
    session.add(StoredZonesRow(athlete_id=athlete_id, first_day=first_day, as_of=as_of,
                               version=version, key=key, value=value))  # fmt: skip


def forget(session: Session, ids: Iterable[int]) -> None:
    """Drop the stored verdicts of ``ids`` (their metrics changed: judged again)."""
    wanted = [int(i) for i in ids]
    if wanted:
        session.execute(delete(StoredVerdictRow).where(StoredVerdictRow.activity_id.in_(wanted)))


def last_day(session: Session) -> date | None:
    """The latest local date of any activity (None: no activities)."""
    from sqlalchemy import func

    day: date | None = session.scalar(select(func.max(ActivityRow.local_date)))
    return day
