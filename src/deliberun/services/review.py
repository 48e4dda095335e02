"""Use cases for reviews: the weekly review, today's advice, the cycle retrospective."""

from __future__ import annotations

from datetime import date, timedelta

from deliberun.practice import review as rv
from deliberun.practice.cycles import Cycle
from deliberun.practice.review import Review
from deliberun.services import athlete
from deliberun.services import practice as svc
from deliberun.services.practice_sessions import TODAY_DAYS as TODAY_DAYS  # re-exported
from deliberun.services.practice_sessions import load_state_on
from deliberun.store.db import Database


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def weekly(db: Database, *, week: date, today: date) -> Review:
    """The review of the Monday-start week holding ``week`` (data up to ``today``)."""
    start = week_start_of(week)
    end = start + timedelta(days=6)
    upto = min(today, end)
    state = athlete.load_state(db, today=upto)  # the load model, built once for both
    sessions = svc.build_sessions(db, today=upto, state=state)
    st = state["settings"]
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
        experiment_sessions=svc.experiment_sessions(db, running, today=upto, sessions=sessions),
        hr_rest_bpm=st.hr_rest_bpm,
        hr_max_bpm=st.hr_max_bpm,
        threshold_pace_s_per_km=st.threshold_pace_s_per_km,
        state=load_state_on(db, upto, state),
        last_run=athlete.last_run_day(db, today=upto),
        today=today,
        run_days=athlete.run_days(db, today=upto),
    )


def today(db: Database, *, today: date) -> Review:
    """Today's session and why."""
    # the advice reads the last 8 weeks (RPE trend 3 weeks, decoupling baseline 2-8 weeks)
    state = athlete.load_state(db, today=today)
    since = today - timedelta(days=TODAY_DAYS)
    sessions = svc.build_sessions(db, today=today, since=since, state=state)
    return rv.today_advice(
        sessions,
        today,
        # today's workouts, and the week ahead for a planned race (the taper)
        planned=svc.planned_days(
            db, today, today + timedelta(days=int(rv.LOAD_ADVICE_RULES["race_week_days"]))
        ),
        state=load_state_on(db, today, state),
        last_run=athlete.last_run_day(db, today=today),
        run_days=athlete.run_days(db, today=today),
    )


def retrospective(db: Database, cycle_id: int | None, *, today: date) -> Review:
    cycle = svc.get_cycle(db, cycle_id, today=today)
    # the cycle, its 6-week baseline and the 12 weeks the comfort zone compares against
    end = min(today, cycle.end)
    sessions = svc.build_sessions(db, today=end, since=cycle.start - timedelta(days=84))
    # the experiments that ran during the cycle (not those started after it)
    exps = [
        x
        for x in svc.list_experiments(db)
        if (x.start is None or x.start <= end) and (x.end is None or x.end >= cycle.start)
    ]
    return rv.cycle_retrospective(
        cycle,
        sessions,
        today,
        experiments=exps,
        experiment_sessions=svc.experiment_sessions(db, exps, today=end, sessions=sessions),
    )
