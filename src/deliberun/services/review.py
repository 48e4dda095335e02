"""Use cases for reviews: the weekly review, today's advice, the cycle retrospective."""

from __future__ import annotations

from datetime import date, timedelta

from deliberun.practice import review as rv
from deliberun.practice.cycles import Cycle
from deliberun.practice.review import Review
from deliberun.services import practice as svc
from deliberun.store import settings_repo
from deliberun.store.db import Database


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def weekly(db: Database, *, week: date, today: date) -> Review:
    """The review of the Monday-start week holding ``week`` (data up to ``today``)."""
    start = week_start_of(week)
    end = start + timedelta(days=6)
    sessions = svc.build_sessions(db, today=min(today, end))
    with db.session() as s:
        st = settings_repo.get_settings(s)
    cycle: Cycle | None = None
    try:
        found = svc.get_cycle(db, None, today=end)
        if found.contains(end) or found.contains(start):
            cycle = found
    except ValueError:
        pass
    running = [x for x in svc.list_experiments(db) if x.status == "running"]
    return rv.weekly_review(
        sessions,
        start,
        planned=svc.planned_days(db, start, end),
        cycle=cycle,
        experiments=running,
        hr_rest_bpm=st.hr_rest_bpm,
        hr_max_bpm=st.hr_max_bpm,
        threshold_pace_s_per_km=st.threshold_pace_s_per_km,
    )


def today(db: Database, *, today: date) -> Review:
    """Today's session and why."""
    sessions = svc.build_sessions(db, today=today)
    return rv.today_advice(sessions, today, planned=svc.planned_days(db, today, today))


def retrospective(db: Database, cycle_id: int | None, *, today: date) -> Review:
    cycle = svc.get_cycle(db, cycle_id, today=today)
    sessions = svc.build_sessions(db, today=today)
    return rv.cycle_retrospective(cycle, sessions, today, experiments=svc.list_experiments(db))
