"""Session type, race verdict and manual flag of stored runs (``models.sessions``,
``models.races``), as ``activities --json`` and ``show --json`` report them."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from deliberun.io.activity import is_running
from deliberun.models import races as rc
from deliberun.models import sessions as ses
from deliberun.practice.review import PlannedDay
from deliberun.services import verdict_keys as vk
from deliberun.services.races import km_paces, race_verdicts
from deliberun.store import settings_repo, verdicts_repo
from deliberun.store.db import Database


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def planned_days(db: Database, since: date, until: date) -> list[PlannedDay]:
    """Planned workouts in [since, until], each date's from the plan in force then (empty
    without a plan); read once per use case inside ``athlete.shared_history`` (a window
    it covers filters that read)."""
    from deliberun.services.athlete import planned_in_force

    return [PlannedDay(d, wt, text) for d, wt, text in planned_in_force(db, since, until)]


def threshold_speed(db: Database, *, today: date) -> float | None:
    """The runner's threshold speed [m/s]: the setting, else the estimate, else None."""
    from deliberun.services.athlete import threshold_estimates

    with db.session() as s:
        st = settings_repo.get_settings(s)
    pace = st.threshold_pace_s_per_km
    if not pace:
        est = threshold_estimates(db, today=today, save=False).get("threshold_pace_s_per_km")
        pace = est["value"] if est else None
    return 1000.0 / float(pace) if pace else None


def facts_of(
    row: Any,
    metrics: dict[str, Any],
    *,
    planned_type: str | None,
    race: Any,
    threshold: float | None,
) -> ses.SessionFacts:
    """The session classifier's view of one stored run."""
    iv = metrics.get("intervals") or {}
    reps = [
        ses.Rep(
            duration_s=_f(r.get("duration_s")) or 0.0,
            speed_m_per_s=_f(r.get("speed_m_per_s")) or 0.0,
            gap_speed_m_per_s=_f(r.get("gap_speed_m_per_s")),
            recovery_s=_f(r.get("recovery_s")),
            recovery_distance_m=_f(r.get("recovery_distance_m")),
            start_s=_f(r.get("start_s")),
        )
        for r in (iv.get("reps") or [] if isinstance(iv, dict) else [])
        if isinstance(r, dict)
    ]
    speeds = [1000.0 / pace for pace in km_paces(metrics)]
    return ses.SessionFacts(
        distance_m=_f(row.distance_m),
        duration_s=_f(row.moving_time_s or row.timer_time_s),
        name=row.name,
        planned_type=planned_type,
        is_race=bool(race and race.is_race),
        race_confidence=race.confidence if race else 0.8,
        reps=reps,
        split_speeds_m_per_s=speeds,
        threshold_speed_m_per_s=threshold,
    )


def session_key(
    row: Any, planned_type: str | None, race: rc.RaceVerdict | None, threshold: float | None
) -> str:
    """The key of a session type's inputs other than the run's metrics."""
    f = facts_of(row, {}, planned_type=planned_type, race=race, threshold=threshold)
    return vk._key("session", int(row.id), ses.session_inputs(f))


def session_keys(
    db: Database, rows: list[Any], plan: dict[date, str], *, today: date, since: date | None
) -> dict[int, str]:
    """The keys of the session types of ``rows`` (the light rows of the runs), given the
    plan's types by day: the threshold and the race verdicts are read as
    ``session_types`` reads them (only when a run has no planned type)."""

    unplanned = any(not plan.get(r.local_date) for r in rows)
    thr = threshold_speed(db, today=today) if unplanned else None
    races = race_verdicts(db, today=today, since=since) if unplanned else {}
    return {
        int(r.id): session_key(r, plan.get(r.local_date), races.get(int(r.id)), thr) for r in rows
    }


def session_rows(
    db: Database, *, today: date, since: date | None
) -> tuple[list[Any], dict[date, str]]:
    """The light rows of the runs from ``since`` to ``today`` and the plan's types by day
    from the day before the first (as ``session_types`` reads them)."""
    from deliberun.services.athlete import light_rows

    rows = [r for r in light_rows(db, until=today, since=since) if is_running(r.sport)]
    if not rows:
        return [], {}
    first = min(r.local_date for r in rows) - timedelta(days=1)
    return rows, {p.date: p.workout_type for p in planned_days(db, first, today)}


def stored_session_types(
    db: Database, *, today: date, since: date | None
) -> dict[int, ses.SessionType] | None:
    """The session types of the runs from ``since`` to ``today`` from the stored ones, or
    None when one is missing or was judged on other inputs."""
    rows, plan = session_rows(db, today=today, since=since)
    keys = session_keys(db, rows, plan, today=today, since=since)
    with db.session() as s:
        kept = verdicts_repo.stored(s, keys, "session")
    out = {}
    for aid, k in keys.items():
        if aid not in kept or kept[aid][0] != k:
            return None
        out[aid] = vk.session_of(kept[aid][1])
    return out


def session_types(
    db: Database, *, today: date, since: date | None = None, stored_ok: bool = True
) -> dict[int, ses.SessionType]:
    """``{activity id: SessionType}`` of every run up to ``today`` (from ``since``): the
    types stored with the runs when every one was judged on the inputs of now
    (``services.stored_verdicts``; ``stored_ok=False``: judge them all)."""
    from deliberun.services.athlete import _rows_and_metrics, shared_history

    with shared_history():
        if stored_ok:
            kept = stored_session_types(db, today=today, since=since)
            if kept is not None:
                return kept
        pairs = [(r, m) for r, m in _rows_and_metrics(db, until=today, since=since)
                 if is_running(r.sport)]  # fmt: skip
        if not pairs:
            return {}
        first = min(r.local_date for r, _ in pairs)
        plan = {p.date: p.workout_type for p in planned_days(db, first - timedelta(days=1), today)}
        # the threshold and the race verdicts judge only the runs the plan does not name
        # (``classify_session`` takes a planned type as it is); the threshold first: its
        # year of runs covers the verdicts of a shorter window
        unplanned = any(not plan.get(r.local_date) for r, _ in pairs)
        thr = threshold_speed(db, today=today) if unplanned else None
        races = race_verdicts(db, today=today, since=since) if unplanned else {}
        return {
            int(r.id): ses.classify_session(
                facts_of(
                    r,
                    m,
                    planned_type=plan.get(r.local_date),
                    race=races.get(int(r.id)),
                    threshold=thr,
                )
            )
            for r, m in pairs
        }


def annotate(db: Database, items: list[dict[str, Any]], *, today: date) -> list[dict[str, Any]]:
    """Add ``session_type``, ``session_confidence``, ``is_race`` and ``manual`` to activity
    dicts (non-runs get ``session_type`` None and ``is_race`` false)."""
    from deliberun.services.athlete import shared_history

    if not items:
        return items
    until = max(today, max(date.fromisoformat(str(a["local_date"])) for a in items))
    with shared_history():
        types = session_types(db, today=until)
        races = race_verdicts(db, today=until)
    return _mark(items, types, races)


def _mark(
    items: list[dict[str, Any]], types: dict[int, Any], races: dict[int, Any]
) -> list[dict[str, Any]]:
    """``annotate``'s fields from the session types and race verdicts already computed."""
    for a in items:
        aid = int(a["id"])
        st = types.get(aid)
        verdict = races.get(aid)
        a["session_type"] = st.type if st else None
        a["session_confidence"] = round(st.confidence, 2) if st else None
        a["is_race"] = bool(verdict and verdict.is_race)
        # part of issue 13 (import) adds a boolean ``manual`` column: read it when there
        a["manual"] = bool(a.get("manual", (a.get("extra") or {}).get("manual", False)))
    return items


def explain(db: Database, item: dict[str, Any], *, today: date) -> dict[str, Any]:
    """``annotate`` one activity, plus ``race`` and ``session`` with their evidence."""
    from deliberun.services.athlete import shared_history

    until = max(today, date.fromisoformat(str(item["local_date"])))
    day = date.fromisoformat(str(item["local_date"]))
    # each computed once, and for the runs of that day only: the same verdicts and types
    # (each rests on the year before its own day), not the whole history's
    with shared_history():
        types = session_types(db, today=until, since=day)
        races = race_verdicts(db, today=until, since=day)
    _mark([item], types, races)
    st = types.get(int(item["id"]))
    verdict = races.get(int(item["id"]))
    item["session"] = st.to_dict() if st else None
    item["race"] = verdict.to_dict() if verdict else None
    return item
