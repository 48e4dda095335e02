"""Candidates for the same-run rule: activities whose start lies in a time window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberun.store.tables_core import ActivityRow


@dataclass(frozen=True)
class StoredRun:
    """What the same-run rule needs of a stored activity (its footprint without the track)."""

    id: int
    start_time: datetime
    manual: bool
    elapsed_time_s: float | None
    timer_time_s: float | None
    moving_time_s: float | None
    distance_m: float | None


def activities_starting_between(
    session: Session, since: datetime, until: datetime
) -> list[StoredRun]:
    """Activities with ``since <= start_time <= until`` (UTC-aware), by start time."""
    a = ActivityRow
    q = (
        select(a.id, a.start_time, a.manual, a.elapsed_time_s, a.timer_time_s, a.moving_time_s,
               a.distance_m)
        .where(a.start_time >= since, a.start_time <= until)
        .order_by(a.start_time, a.id)
    )  # fmt: skip
    return [
        StoredRun(int(r.id), r.start_time, bool(r.manual), r.elapsed_time_s, r.timer_time_s,
                  r.moving_time_s, r.distance_m)
        for r in session.execute(q)
    ]  # fmt: skip
