"""Candidates for the same-run rule: activities whose start lies in a time window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberun.store.tables_core import ActivityRow


def activities_starting_between(
    session: Session, since: datetime, until: datetime
) -> list[ActivityRow]:
    """Activities with ``since <= start_time <= until`` (UTC-aware), by start time."""
    q = (
        select(ActivityRow)
        .where(ActivityRow.start_time >= since, ActivityRow.start_time <= until)
        .order_by(ActivityRow.start_time, ActivityRow.id)
    )
    return list(session.scalars(q))
