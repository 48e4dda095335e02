"""Adapters from the dashboard to the other areas' services (one function per need).

Each returns plain data, or ``None`` while the area it needs has not landed
(so the page shows its empty state). This is the only module of the dashboard
that knows the other services' function names; when one changes, this is the
file to update.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any

from deliberun.services.dashboard_base import optional_module
from deliberun.store.db import Database


def repository() -> Any:
    return optional_module("deliberun.store.repository")


def list_activities(
    db: Database,
    since: date | None = None,
    until: date | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[dict[str, Any]] | None:
    """Activities (``activity_to_dict`` plus ``id`` and ``local_date``) by start time."""
    repo = repository()
    if repo is None:
        return None
    with db.session() as s:
        rows = repo.list_activities(
            s, since=since, until=until, limit=limit, offset=offset, newest_first=newest_first
        )
        return [_activity_dict(repo, r) for r in rows]


def count_activities(db: Database, since: date | None = None, until: date | None = None) -> int:
    """How many activities lie within local dates ``[since, until]``."""
    repo = repository()
    with db.session() as s:
        return int(repo.count_activities(s, since=since, until=until))


def _activity_dict(repo: Any, row: Any) -> dict[str, Any]:
    d = dict(repo.activity_to_dict(row))
    d.setdefault("id", row.id)
    d.setdefault("local_date", row.local_date.isoformat() if row.local_date else None)
    return d


def activity_detail(db: Database, activity_id: int) -> dict[str, Any] | None:
    """``{"activity", "streams", "metrics"}`` for one activity, or ``{}`` when absent."""
    repo = repository()
    if repo is None:
        return None
    with db.session() as s:
        row = repo.get_activity(s, activity_id)
        if row is None:
            return {}
        return {
            "activity": _activity_dict(repo, row),
            "streams": repo.load_streams(s, activity_id),
            "metrics": repo.get_metrics(s, activity_id) or {},
        }


def gap_speed(streams: dict[str, Any], settings: Any, sport: str | None = "running") -> Any:
    """Grade-adjusted speed per sample [m/s] by the metrics area's GAP model.

    ``deliberun.metrics.grade``: grade from distance and altitude, then
    ``get_gap(speed, grade, settings.gap_model)``. ``None`` when the activity
    has no speed, distance or altitude, is not on foot, or the metrics area is absent.
    """
    from deliberun.io.activity import FOOT_SPORTS

    if sport not in FOOT_SPORTS:
        return None
    mod = optional_module("deliberun.metrics.grade")
    if mod is None or not all(k in streams for k in ("speed", "distance", "altitude")):
        return None
    grade = mod.grade_from_altitude(streams["distance"], streams["altitude"])
    return mod.get_gap(streams["speed"], grade, model=settings.gap_model)


def athlete_history_shared() -> AbstractContextManager[Any]:
    """A block in which the athlete service reads the activity history once.

    The athlete service shares its read of every activity with its metrics
    between the models of one use case; entering its block here makes the
    fitness series, predictions and the practice area's daily state (which
    calls the athlete service) of several pages share that one read. Without
    it (an older athlete service) each call reads the history again.
    """
    mod = optional_module("deliberun.services.athlete")
    block = getattr(mod, "shared_history", None)
    return block() if block is not None else nullcontext()


def fitness(db: Database, today: date, days: int) -> dict[str, Any] | None:
    """The athlete service's daily series and current state."""
    mod = optional_module("deliberun.services.athlete")
    fn = getattr(mod, "fitness", None) if mod else None
    if fn is None:
        return None
    result = fn(db, today=today, days=days)
    return result if isinstance(result, dict) else {"days": list(result)}


def athlete_summary(db: Database, today: date) -> dict[str, Any] | None:
    """VDOT (with what it rests on), training paces, efforts and predictions.

    Uses the athlete service's ``predictions`` (read-only: its ``summary`` also
    saves threshold estimates, which a page view must not do) and the models'
    ``training_paces`` for the current VDOT.
    """
    mod = optional_module("deliberun.services.athlete")
    fn = getattr(mod, "predictions", None) if mod else None
    if fn is None:
        return None
    pred: dict[str, Any] = fn(db, today=today)
    out: dict[str, Any] = {
        "vdot": pred.get("vdot"),
        "vdot_rests_on": pred.get("vdot_rests_on"),
        "efforts": pred.get("efforts") or [],
        "predictions": [p for plist in (pred.get("predictions") or {}).values() for p in plist],
        "notes": pred.get("notes") or [],
    }
    vdot_mod = optional_module("deliberun.models.vdot")
    if out["vdot"] and vdot_mod is not None:
        out["paces_s_per_km"] = {
            k: [a, b] for k, (a, b) in vdot_mod.training_paces(float(out["vdot"])).items()
        }
    return out


def plan_service() -> Any:
    return optional_module("deliberun.services.plan")


def _no_plan(exc: ValueError) -> bool:
    """The plan service's "no plan yet" (other errors are real and propagate)."""
    return str(exc).startswith("no plan yet")


def _plan_or_none(mod: Any, db: Database) -> Any:
    """The plan service's current plan, or ``None`` when no plan is stored yet."""
    try:
        return mod.current_plan(db)[1]
    except ValueError as exc:
        if _no_plan(exc):
            return None
        raise


def planned(db: Database, since: date, until: date) -> list[dict[str, Any]] | None:
    """Planned workouts between two dates (inclusive) of the current plan.

    ``None`` while the plan area is absent; ``[]`` when no plan is stored.
    """
    mod = plan_service()
    if mod is None or not hasattr(mod, "current_plan"):
        return None
    plan = _plan_or_none(mod, db)
    if plan is None:
        return []
    return [d.to_dict() for d in plan.days if since <= d.date <= until and d.status != "moved"]


def compliance(
    db: Database, today: date, since: date | None = None, until: date | None = None
) -> dict[str, Any] | None:
    """Planned vs done of the current plan up to ``today`` (the plan service's report).

    Only the days from ``since`` to ``until`` (the weeks shown) are read and reported;
    without them, the whole plan up to ``today`` (slower on a long plan).
    Returns ``{"days": {iso date: row}, "weeks": {iso Monday: row}}`` where each
    row carries the plan area's ``colour`` (green/yellow/red), or ``None``.
    """
    mod = plan_service()
    if mod is None or not hasattr(mod, "compliance_report"):
        return None
    try:  # one read of the plan (the report reads it)
        rep: dict[str, Any] = mod.compliance_report(db, today=today, since=since, until=until)
    except ValueError as exc:
        if _no_plan(exc):
            return None
        raise
    return {
        "days": {r["date"]: r for r in rep.get("workouts", [])},
        "weeks": {w["week_start"]: w for w in rep.get("weeks", [])},
        "proposals": rep.get("proposals", []),
    }


def current_plan(db: Database, today: date) -> dict[str, Any] | None:
    """The current plan: days with steps, paces, projected form (``{}`` when none)."""
    mod = plan_service()
    if mod is None or not hasattr(mod, "show"):
        return None
    try:
        result: dict[str, Any] = mod.show(db, today=today)
    except ValueError as exc:
        if _no_plan(exc):
            return {}
        raise
    return result


def move_planned(db: Database, day: date, to: date) -> list[Any] | None:
    """Move the workout planned on ``day`` to ``to`` (the plan service checks and stores)."""
    mod = plan_service()
    if mod is None or not hasattr(mod, "edit"):
        return None
    result: list[Any] = mod.edit(db, "move", day, to)  # "no plan yet" when there is none
    return result


def practice_service() -> Any:
    return optional_module("deliberun.services.practice")


def today_advice(db: Database, today: date) -> dict[str, Any] | None:
    """Today's advice as the practice area's review (``Review.to_dict``)."""
    mod = optional_module("deliberun.services.review")
    if mod is None or not hasattr(mod, "today"):
        return None
    result: dict[str, Any] = mod.today(db, today=today).to_dict()
    return result


def targets(db: Database, today: date, sessions: Any = None) -> dict[str, Any] | None:
    """The current cycle and each target's progress; ``{}`` when there is no cycle."""
    mod = practice_service()
    if mod is None or not hasattr(mod, "target_progress"):
        return None
    try:
        cycle, progress = mod.target_progress(db, None, today=today, sessions=sessions)
    except ValueError:  # no cycle yet
        return {}
    rows = []
    for p in progress:
        row = p.to_dict()
        row["values"] = [[d.isoformat(), v] for d, v in getattr(p, "values", [])]
        rows.append(row)
    return {"cycle": cycle.to_dict(), "targets": rows}


def nemesis(db: Database, today: date, sessions: Any = None) -> list[dict[str, Any]] | None:
    """Nemesis workouts, worst first, with ranked causes and suggested adjustments."""
    mod = practice_service()
    if mod is None or not hasattr(mod, "nemeses"):
        return None
    out = []
    for n in mod.nemeses(db, today=today, sessions=sessions):
        row = n.to_dict()
        row["failed_ids"] = list(n.failed_ids)
        for c, cause in zip(row["causes"], n.causes, strict=True):
            c["adverse"] = cause.adverse
            c["p_value"] = cause.p_value
        row["suggestions"] = [
            {"cause": sg.cause, "advice": sg.advice, "experiment": sg.experiment.id}
            for sg in n.suggestions
        ]
        out.append(row)
    return out


def experiments(db: Database, today: date, sessions: Any = None) -> list[dict[str, Any]] | None:
    """Every experiment with its analysis (effect, 90 % interval, verdict)."""
    mod = practice_service()
    if mod is None or not hasattr(mod, "list_experiments"):
        return None
    out = []
    for spec in mod.list_experiments(db):
        row = mod.show_experiment(db, spec.id, today=today, sessions=sessions).to_dict()
        row["status"] = spec.status
        row["workout_type"] = spec.workout_type
        out.append(row)
    return out


def weekly_review(db: Database, week: date, today: date) -> dict[str, Any] | None:
    """The practice area's weekly review of the week holding ``week``."""
    mod = optional_module("deliberun.services.review")
    if mod is None or not hasattr(mod, "weekly"):
        return None
    result: dict[str, Any] = mod.weekly(db, week=week, today=today).to_dict()
    return result


def practice_sessions(db: Database, today: date) -> Any:
    """The practice area's sessions, built once for a page that needs them twice."""
    mod = practice_service()
    if mod is None or not hasattr(mod, "build_sessions"):
        return None
    return mod.build_sessions(db, today=today)


def journal_available() -> bool:
    mod = practice_service()
    return mod is not None and hasattr(mod, "log_entry") and hasattr(mod, "list_journal")


def journal_for(db: Database, activity_id: int) -> dict[str, Any] | None | bool:
    """The journal entry tied to an activity; ``False`` while the practice area is absent."""
    if not journal_available():
        return False
    repo = repository()
    with db.session() as s:
        row = repo.get_activity(s, activity_id)
        day = row.local_date if row is not None else None
    entries = practice_service().list_journal(db, since=day, until=day)
    for e in entries:
        if e.get("activity_id") == activity_id:
            return dict(e)
    return None


def save_journal(db: Database, activity_id: int, entry: dict[str, Any]) -> dict[str, Any] | None:
    """Store the entry through the practice service (it replaces the activity's old one)."""
    if not journal_available():
        return None
    from deliberun.practice.journal import JournalEntry

    repo = repository()
    with db.session() as s:
        row = repo.get_activity(s, activity_id)
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
    result: dict[str, Any] = practice_service().log_entry(db, je)
    return result
