"""Writes of whole activities for the import: a parsed file, an export row without a
file, the runner's race mark. The services hand plain values and domain types
(``deliberun.io.activity.Activity``); the table rows stay in the store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from deliberun.io.activity import Activity
from deliberun.jsonable import storable as jsonable
from deliberun.store.repository import (
    SUMMARY_FIELDS,
    add_activity,
    fill_from_activity,
    local_date_of,
    num,
)
from deliberun.store.tables_core import ActivityRow


def add_parsed_activity(
    session: Session,
    activity: Activity,
    summary: dict[str, Any],
    *,
    sha256: str,
    source_path: str,
    extra: dict[str, Any],
    created_at: datetime,
) -> int:
    """Add the activity of a parsed file (its columns from ``activity`` and ``summary``,
    its name and description, ``extra``); returns its id. Streams, source and metrics
    are added by the caller (``repository.add_source``, ``replace_encoded_streams``,
    ``save_metrics``)."""
    row = ActivityRow(created_at=created_at)
    fill_from_activity(row, activity, summary, sha256=sha256, source_path=source_path)
    row.name = activity.name
    row.description = activity.description
    row.extra = jsonable(extra)
    return add_activity(session, row)


def add_manual_activity(
    session: Session,
    *,
    start_time: datetime,
    utc_offset_s: int | None,
    sport: str,
    name: str | None,
    description: str | None,
    source_path: str,
    source_format: str,
    sha256: str,
    summary: dict[str, Any],
    extra: dict[str, Any],
    created_at: datetime,
) -> int:
    """Add a manual activity (no file, no streams: ``manual`` set, the summary columns
    from ``summary``); returns its id."""
    row = ActivityRow(
        created_at=created_at,
        start_time=start_time,
        utc_offset_s=utc_offset_s,
        local_date=local_date_of(start_time, utc_offset_s),
        sport=sport,
        name=name,
        description=description,
        source_path=source_path,
        source_format=source_format,
        sha256=sha256,
        n_samples=0,
        structure={},
        manual=True,
    )
    for f in SUMMARY_FIELDS:
        setattr(row, f, num(summary.get(f)))
    row.extra = jsonable(extra)
    return add_activity(session, row)


def refill_from_file(
    session: Session,
    activity_id: int,
    activity: Activity,
    summary: dict[str, Any],
    *,
    sha256: str,
    source_path: str,
) -> bool:
    """Set the file-derived columns of a stored activity (start, sport, summary, device,
    source, samples, laps/pauses structure) from a parsed file and its summary; its name,
    description and ``extra`` stay. False when there is no such activity."""
    row = session.get(ActivityRow, int(activity_id))
    if row is None:
        return False
    fill_from_activity(row, activity, summary, sha256=sha256, source_path=source_path)
    return True


def set_race_mark(
    session: Session, activity_id: int, is_race: bool | None
) -> tuple[date, str | None] | None:
    """Store the runner's race mark of an activity (None removes it); its local date and
    name, or None when there is no such activity."""
    row = session.get(ActivityRow, activity_id)
    if row is None:
        return None
    row.race_mark = None if is_race is None else bool(is_race)
    return row.local_date, row.name
