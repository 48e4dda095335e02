"""Reads of the athlete area: every activity with its metrics in one query.

The athlete models need the whole history (daily load since the first run, best
efforts, thresholds); reading metrics one activity at a time costs about 1 ms per
activity on SQLite, so this joins them in one statement instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from deliberun.records import ActivityRecord, HeartRateMaxima
from deliberun.store.repository import ACTIVITY_COLUMNS, FACT_KEYS, KM_PACES, LOAD_COLUMNS
from deliberun.store.tables_core import ActivityRow, MetricsRow

#: Entries read from the metrics row's small ``athlete_facts`` column (migration
#: 0010_activity_summary), not parsed out of the whole document.
FACT_ENTRIES = frozenset((*FACT_KEYS, KM_PACES))


def activities_with_metrics(
    session: Session,
    until: date | None = None,
    since: date | None = None,
    *,
    keys: tuple[str, ...] | None = None,
) -> list[tuple[ActivityRecord, dict[str, Any]]]:
    """``(activity, metrics)`` pairs by start time within local dates ``[since, until]``.

    Metrics are ``{}`` for an activity without stored metrics (as ``get_metrics``).
    With ``keys``, only those top-level entries of each metrics document are read: on a
    10-year archive the whole documents are most of the memory and time. Keys of ``FACT_ENTRIES`` come from
    the ``athlete_facts`` column (about 1 kB a run; ``km_paces_s_per_km`` exists only
    there), the others by JSON path in the database; a key whose value is null or
    missing is left out.
    """
    n = len(ACTIVITY_COLUMNS)
    if keys is None:
        q = select(*ACTIVITY_COLUMNS, MetricsRow.data)
    else:
        by_path = [k for k in keys if k not in FACT_ENTRIES]
        cols = [MetricsRow.data[k].as_json().label(f"m_{i}") for i, k in enumerate(by_path)]
        cols.append(MetricsRow.athlete_facts)
        q = select(*ACTIVITY_COLUMNS, *cols)
    q = q.outerjoin(MetricsRow, MetricsRow.activity_id == ActivityRow.id)
    if since is not None:
        q = q.where(ActivityRow.local_date >= since)
    if until is not None:
        q = q.where(ActivityRow.local_date <= until)
    q = q.order_by(ActivityRow.start_time, ActivityRow.id)
    if keys is None:
        return [(ActivityRecord(*r[:n]), dict(r[n] or {})) for r in session.execute(q)]
    out = []
    for r in session.execute(q):
        found = dict(zip(by_path, r[n:-1], strict=True))
        found.update(r[-1] or {})
        out.append(
            (ActivityRecord(*r[:n]), {k: found[k] for k in keys if found.get(k) is not None})
        )
    return out


def activity_loads(
    session: Session, *, until: date, load_model: str
) -> list[tuple[date, float | None]]:
    """``(local date, load)`` of every activity up to ``until``: one light query of the
    ``load_<model>`` column of the metrics (no metrics document is parsed)."""
    if load_model not in LOAD_COLUMNS:
        raise ValueError(f"unknown load_model {load_model!r}; use one of {', '.join(LOAD_COLUMNS)}")
    value = getattr(MetricsRow, LOAD_COLUMNS[load_model])
    # Two reads joined here, not one join: SQLite keeps the load columns after each run's
    # ~11 kB document (its overflow pages); alone, the loads are read from the covering
    # index ``ix_metrics_loads`` (migration 0016), 14 ms instead of 21 for the whole query on 3,111 runs.
    loads: dict[int, Any] = dict(session.execute(select(MetricsRow.activity_id, value)).all())
    q = (
        select(ActivityRow.id, ActivityRow.local_date)
        .where(ActivityRow.local_date <= until)
        .order_by(ActivityRow.start_time, ActivityRow.id)
    )
    found = ((d, loads.get(i)) for i, d in session.execute(q))
    return [(d, None if v is None else float(v)) for d, v in found]


def activity_days(session: Session, *, until: date) -> list[tuple[date, str, float | None]]:
    """``(local date, sport, distance m)`` of every activity up to ``until`` by start time:
    the lightest read of the history (when and how far the runner ran, not how)."""
    q = (
        select(ActivityRow.local_date, ActivityRow.sport, ActivityRow.distance_m)
        .where(ActivityRow.local_date <= until)
        .order_by(ActivityRow.start_time, ActivityRow.id)
    )
    return [(d, sport, dist) for d, sport, dist in session.execute(q)]


def first_activity_day(session: Session, *, until: date) -> date | None:
    """The local date of the first activity (by start time) up to ``until``."""
    q = (
        select(ActivityRow.local_date)
        .where(ActivityRow.local_date <= until)
        .order_by(ActivityRow.start_time, ActivityRow.id)
        .limit(1)
    )
    day: date | None = session.execute(q).scalar()
    return day


def heart_rate_maxima(session: Session, *, until: date) -> list[HeartRateMaxima]:
    """``(id, local_date, sport, max_hr_bpm, hr_best_30s_bpm)`` of every activity up to
    ``until`` by start time: one light query (the best 30 s from its column)."""
    q = (
        select(
            ActivityRow.id, ActivityRow.local_date, ActivityRow.sport, ActivityRow.max_hr_bpm,
            MetricsRow.hr_best_30s_bpm,
        )
        .outerjoin(MetricsRow, MetricsRow.activity_id == ActivityRow.id)
        .where(ActivityRow.local_date <= until)
        .order_by(ActivityRow.start_time, ActivityRow.id)
    )  # fmt: skip
    return list(map(HeartRateMaxima._make, session.execute(q)))


def history_stamp(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of what the athlete models rest on: activities, metrics, settings.

    Activity count, max id, total distance and moving time, and the length of the
    descriptive text columns (stored before the large ``structure`` JSON, so a scan
    skips its pages), the runner's race marks (the ids marked a race and marked not one, by
    sum and sum of squares); the metrics count and latest computation time (a recompute after
    a settings or code change keeps the count); and the stored settings.
    """
    from deliberun.store.tables_athlete import AthleteSettingsRow

    text = (
        func.length(func.coalesce(ActivityRow.name, ""))
        + func.length(func.coalesce(ActivityRow.sub_sport, ""))
        + func.length(func.coalesce(ActivityRow.sport, ""))
        + func.length(func.coalesce(cast(ActivityRow.extra, String), ""))
    )
    acts = session.execute(
        select(
            func.count(ActivityRow.id),
            func.max(ActivityRow.id),
            func.sum(ActivityRow.distance_m),
            func.sum(ActivityRow.moving_time_s),
            func.sum(text),
            # the runs marked a race and marked not one, each by its ids' sum and sum of
            # squares (one weighted sum let "run 2 a race" equal "run 4 not a race")
            *(
                func.sum(case((ActivityRow.race_mark.is_(mark), ActivityRow.id * p), else_=0))
                for mark in (True, False)
                for p in (1, ActivityRow.id)
            ),
        )
    ).one()
    # the latest computation time too: a recompute keeps the count but changes values
    mets = session.execute(
        select(func.count(MetricsRow.activity_id), func.max(MetricsRow.computed_at))
    ).one()
    settings = session.execute(select(AthleteSettingsRow.id, AthleteSettingsRow.data)).all()
    return (tuple(acts), tuple(mets), repr(sorted((i, repr(d)) for i, d in settings)))
