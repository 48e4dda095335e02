"""The runner's actual starting point for a new plan (``deliberun.plan.start``), from the store."""

from __future__ import annotations

from datetime import date, timedelta

from deliberun.io.activity import is_running
from deliberun.plan.start import BREAK_LOOKBACK_DAYS, PRE_BREAK_WEEKS, StartingPoint, starting_point
from deliberun.store import repository as repo
from deliberun.store.db import Database


def plan_starting_point(db: Database, *, today: date) -> StartingPoint:
    """Recent weekly volume, longest run and the latest break, as of ``today``."""
    since = today - timedelta(days=BREAK_LOOKBACK_DAYS + 7 * PRE_BREAK_WEEKS + 14)
    with db.session() as s:
        rows = repo.activities(s, since=since, until=today)
        runs = [
            (r.local_date, float(r.distance_m))
            for r in rows
            if is_running(r.sport) and r.distance_m
        ]
    return starting_point(runs, today)
