"""Adapters from the dashboard to the other areas' services (one function per need).

Each returns plain data; where the data itself may be missing (no plan, no
cycle, no such activity) it says so as documented per function, and the page
shows its empty state. This is the only module of the dashboard that knows the
other services' function names; when one changes, this is the file to update.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from deliberun.errors import NoPlanYet
from deliberun.io.activity import FOOT_SPORTS
from deliberun.metrics import grade
from deliberun.models import vdot
from deliberun.practice.experiment_looks import experiment_looks
from deliberun.practice.experiments import more_sessions_words
from deliberun.practice.journal import JournalEntry
from deliberun.records import ActivityRecord
from deliberun.services import athlete, practice, review
from deliberun.services import plan as plan_svc
from deliberun.store import repository
from deliberun.store.db import Database


def list_activities(
    db: Database,
    since: date | None = None,
    until: date | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """Activities (``activity_to_dict`` plus ``id`` and ``local_date``) by start time."""
    with db.session() as s:
        rows = repository.activities(
            s, since=since, until=until, limit=limit, offset=offset, newest_first=newest_first
        )
        return [_activity_dict(r) for r in rows]


def count_activities(db: Database, since: date | None = None, until: date | None = None) -> int:
    """How many activities lie within local dates ``[since, until]``."""
    with db.session() as s:
        return int(repository.count_activities(s, since=since, until=until))


def _activity_dict(row: ActivityRecord) -> dict[str, Any]:
    d = dict(repository.activity_to_dict(row))
    d.setdefault("id", row.id)
    d.setdefault("local_date", row.local_date.isoformat() if row.local_date else None)
    return d


def activity_detail(db: Database, activity_id: int) -> dict[str, Any]:
    """``{"activity", "streams", "metrics"}`` for one activity, or ``{}`` when absent."""
    with db.session() as s:
        row = repository.activity(s, activity_id)
        if row is None:
            return {}
        return {
            "activity": _activity_dict(row),
            "streams": repository.load_streams(s, activity_id),
            "metrics": repository.get_metrics(s, activity_id) or {},
        }


def gap_speed(streams: dict[str, Any], settings: Any, sport: str | None = "running") -> Any:
    """Grade-adjusted speed per sample [m/s] by the metrics area's GAP model.

    ``deliberun.metrics.grade``: grade from distance and altitude, then
    ``get_gap(speed, grade, settings.gap_model)``. ``None`` when the activity
    has no speed, distance or altitude, or is not on foot.
    """
    if sport not in FOOT_SPORTS:
        return None
    if not all(k in streams for k in ("speed", "distance", "altitude")):
        return None
    g = grade.grade_from_altitude(streams["distance"], streams["altitude"])
    return grade.get_gap(streams["speed"], g, model=settings.gap_model)


def fitness(db: Database, today: date, days: int) -> dict[str, Any]:
    """The athlete service's daily series and current state."""
    return athlete.fitness(db, today=today, days=days)


def athlete_summary(db: Database, today: date) -> dict[str, Any]:
    """VDOT (with what it rests on), training paces, efforts and predictions.

    Uses the athlete service's ``predictions`` (read-only: its ``summary`` also
    saves threshold estimates, which a page view must not do) and the models'
    ``training_paces`` for the current VDOT.
    """
    pred: dict[str, Any] = athlete.predictions(db, today=today)
    out: dict[str, Any] = {
        "vdot": pred.get("vdot"),
        "vdot_rests_on": pred.get("vdot_rests_on"),
        "vdot_range": pred.get("vdot_range"),
        "last_race": pred.get("last_race"),
        "efforts": pred.get("efforts") or [],
        "predictions": [p for plist in (pred.get("predictions") or {}).values() for p in plist],
        "notes": pred.get("notes") or [],
    }
    if out["vdot"]:
        out["paces_s_per_km"] = {
            k: [a, b] for k, (a, b) in vdot.training_paces(float(out["vdot"])).items()
        }
    return out


def planned(db: Database, since: date, until: date) -> list[dict[str, Any]]:
    """Planned workouts between two dates (inclusive), each date's from the plan in force
    then (``[]`` when none)."""
    days = plan_svc.days_in_force(db, since, until)
    return [d.to_dict() for d in days if d.status != "moved"]


def compliance(
    db: Database, today: date, since: date | None = None, until: date | None = None
) -> dict[str, Any] | None:
    """Planned vs done of the current plan up to ``today`` (the plan service's report).

    Only the days from ``since`` to ``until`` (the weeks shown) are read and reported;
    without them, the whole plan up to ``today`` (slower on a long plan).
    Returns ``{"days": {iso date: row}, "weeks": {iso Monday: row}}`` where each
    row carries the plan area's ``colour`` (green/yellow/red), or ``None`` when
    no plan is stored yet.
    """
    try:  # one read of the plan (the report reads it)
        rep: dict[str, Any] = plan_svc.compliance_report(db, today=today, since=since, until=until)
    except NoPlanYet:
        return None
    return {
        "days": {r["date"]: r for r in rep.get("workouts", [])},
        "weeks": {w["week_start"]: w for w in rep.get("weeks", [])},
        "proposals": rep.get("proposals", []),
    }


def current_plan(db: Database, today: date) -> dict[str, Any]:
    """The current plan: days with steps, paces, projected form (``{}`` when none)."""
    try:
        result: dict[str, Any] = plan_svc.show(db, today=today)
    except NoPlanYet:
        return {}
    return result


def move_planned(db: Database, workout_id: int, to: date, today: date) -> Any:
    """Move planned workout ``workout_id`` to ``to`` (the plan service checks and stores;
    ``ValueError`` with the reason when refused)."""
    return plan_svc.move_workout(db, workout_id, to, today=today)


def today_advice(db: Database, today: date) -> dict[str, Any]:
    """Today's advice as the practice area's review (``Review.to_dict``)."""
    result: dict[str, Any] = review.today(db, today=today).to_dict()
    return result


def targets(db: Database, today: date, sessions: Any = None) -> dict[str, Any]:
    """The current cycle and each target's progress; ``{}`` when there is no cycle."""
    try:
        cycle, progress = practice.target_progress(db, None, today=today, sessions=sessions)
    except ValueError:  # no cycle yet
        return {}
    rows = []
    for p in progress:
        row = p.to_dict()
        row["values"] = [[d.isoformat(), v] for d, v in p.values]
        rows.append(row)
    return {"cycle": cycle.to_dict(), "targets": rows}


def nemesis(db: Database, today: date, sessions: Any = None) -> list[dict[str, Any]]:
    """Nemesis workouts, worst first, with ranked causes and suggested adjustments."""
    out = []
    for n in practice.nemeses(db, today=today, sessions=sessions):
        row = n.to_dict()
        row["failed_ids"] = list(n.failed_ids)
        for c, cause in zip(row["causes"], n.causes, strict=True):
            c["adverse"] = cause.adverse
        row["suggestions"] = [
            {"cause": sg.cause, "advice": sg.advice, "experiment": sg.experiment.id}
            for sg in n.suggestions
        ]
        out.append(row)
    return out


def experiments(db: Database, today: date, sessions: Any = None) -> list[dict[str, Any]]:
    """Every experiment with its analysis (effect, 90 % interval, verdict), its arms
    (which session was A, which B, and the drawn arms still to come) and its looks (the
    verdict at every weekly review, against the boundary of that look)."""
    out = []
    specs = practice.list_experiments(db)
    if specs and sessions is None:
        sessions = practice.build_sessions(db, today=today)
    if specs:  # every experiment's whole window, whatever the page read for itself
        sessions = practice.experiment_sessions(db, specs, today=today, sessions=sessions)
    for spec in specs:
        res = practice.show_experiment(db, spec.id, today=today, sessions=sessions)
        row = res.to_dict()
        row["status"] = spec.status
        row["workout_type"] = spec.workout_type
        ss = [x for x in sessions or [] if x.local_date <= today]
        row["looks"] = experiment_looks(spec, ss, today, now=res)
        n_more = res.more_sessions_needed
        row["more_sessions_words"] = more_sessions_words(n_more) if n_more else None
        out.append(row)
    return out


def weekly_review(db: Database, week: date, today: date) -> dict[str, Any]:
    """The practice area's weekly review of the week holding ``week``."""
    result: dict[str, Any] = review.weekly(db, week=week, today=today).to_dict()
    return result


def practice_sessions(db: Database, today: date) -> Any:
    """The practice area's sessions, built once for a page that needs them twice."""
    return practice.build_sessions(db, today=today)


def journal_for(db: Database, activity_id: int) -> dict[str, Any] | None:
    """The journal entry tied to an activity, or ``None`` when it has none."""
    with db.session() as s:
        row = repository.activity(s, activity_id)
        day = row.local_date if row is not None else None
    for e in practice.list_journal(db, since=day, until=day):
        if e.get("activity_id") == activity_id:
            return dict(e)
    return None


def save_journal(db: Database, activity_id: int, entry: dict[str, Any]) -> dict[str, Any]:
    """Store the entry through the practice service (it replaces the activity's old one)."""
    with db.session() as s:
        row = repository.activity(s, activity_id)
        assert row is not None  # the caller checked the activity exists
        day = row.local_date
    je = JournalEntry(
        date=day,
        activity_id=activity_id,
        rpe=entry.get("rpe"),
        feel=entry.get("feel"),
        sleep_h=entry.get("sleep_h"),
        soreness=entry.get("soreness"),
        notes=entry.get("notes") or "",
        tags=list(entry.get("tags") or []),
        details=list(entry.get("details") or []),
    )
    result: dict[str, Any] = practice.log_entry(db, je)
    return result
