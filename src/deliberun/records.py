"""What the store hands to services and takes from them: plain frozen values, no table rows.

The repositories (``deliberun.store.*_repo``, ``store.repository``) read table rows and
return these records; a service changes a record with ``dataclasses.replace`` and gives
it back to a repository write (``repository.update_activity``). So services never hold
an ORM row: nothing they touch is written behind their back, and a record outlives the
session it was read in. Pure: no database, no clock (``tests/test_architecture.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any

from deliberun.jsonable import storable

#: Summary columns of an activity (``deliberun.metrics.summary.summarize``), SI units.
SUMMARY_FIELDS: tuple[str, ...] = (
    "distance_m",
    "moving_time_s",
    "elapsed_time_s",
    "timer_time_s",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_cadence_spm",
    "ascent_m",
    "descent_m",
)


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """One stored activity (table ``activities``) without its laps/pauses structure
    (``repository.activity_structure``) and its row bookkeeping (athlete, created_at).

    ``start_time`` is tz-aware UTC, ``utc_offset_s`` the local offset when known,
    ``local_date`` the athlete's local date of the start; ``extra`` is a copy (changing
    it changes nothing stored: give a replaced record to ``repository.update_activity``).
    """

    id: int
    start_time: datetime
    utc_offset_s: int | None
    local_date: date
    sport: str
    sub_sport: str | None
    name: str | None
    description: str | None
    distance_m: float | None
    moving_time_s: float | None
    elapsed_time_s: float | None
    timer_time_s: float | None
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    avg_cadence_spm: float | None
    ascent_m: float | None
    descent_m: float | None
    device: str | None
    source_path: str
    source_format: str
    sha256: str
    n_samples: int
    manual: bool
    race_mark: bool | None
    extra: dict[str, Any] = field(default_factory=dict)


#: The fields of an ``ActivityRecord`` (each one a column of ``activities``).
ACTIVITY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ActivityRecord))


@dataclass(frozen=True, slots=True)
class ActivitySource:
    """One file an activity came from (table ``activity_sources``)."""

    activity_id: int
    sha256: str
    source_path: str
    format: str
    meta: dict[str, Any] = field(default_factory=dict)


def local_start(row: Any) -> datetime:
    """The start time in the activity's own local offset (UTC when unknown); ``row`` is
    an ``ActivityRecord`` or anything with its ``start_time`` and ``utc_offset_s``."""
    start: datetime = row.start_time
    if row.utc_offset_s is None:
        return start
    return start.astimezone(timezone(timedelta(seconds=row.utc_offset_s)))


def activity_to_dict(row: Any) -> dict[str, Any]:
    """The JSON fields of ``deliberun activities --json`` for one activity (an
    ``ActivityRecord``, or anything with its fields)."""
    out: dict[str, Any] = {
        "id": row.id,
        "start_time": local_start(row).isoformat(),
        "utc_offset_s": row.utc_offset_s,
        "local_date": row.local_date.isoformat(),
        "sport": row.sport,
        "sub_sport": row.sub_sport,
        "name": row.name,
        "description": row.description,
    }
    for f in SUMMARY_FIELDS:
        out[f] = getattr(row, f)
    out.update(
        device=row.device,
        source_path=row.source_path,
        source_format=row.source_format,
        sha256=row.sha256,
        n_samples=row.n_samples,
        manual=bool(row.manual),
        extra=storable(row.extra or {}),
    )
    return out
