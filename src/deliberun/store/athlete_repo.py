"""Reads of the athlete area: every activity with its metrics in one query.

The athlete models need the whole history (daily load since the first run, best
efforts, thresholds); reading metrics one activity at a time costs about 1 ms per
activity on SQLite, so this joins them in one statement instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberun.store.tables_core import ActivityRow, MetricsRow


def activities_with_metrics(
    session: Session, until: date | None = None, since: date | None = None
) -> list[tuple[ActivityRow, dict[str, Any]]]:
    """``(activity, metrics)`` pairs by start time within local dates ``[since, until]``.

    Metrics are ``{}`` for an activity without stored metrics (as ``get_metrics``).
    """
    q = select(ActivityRow, MetricsRow.data).outerjoin(
        MetricsRow, MetricsRow.activity_id == ActivityRow.id
    )
    if since is not None:
        q = q.where(ActivityRow.local_date >= since)
    if until is not None:
        q = q.where(ActivityRow.local_date <= until)
    q = q.order_by(ActivityRow.start_time, ActivityRow.id)
    return [(row, dict(data or {})) for row, data in session.execute(q)]
