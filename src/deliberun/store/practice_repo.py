"""Reads and writes of the practice loop: the light session query, the journal, cycles,
targets and experiments.

The session reads are tuned for speed (docs/practice.md): one query takes only the
fields the sessions need (scalars from the metrics row's columns, not whole metrics
documents; migration 0010_activity_summary); on SQLite
the km splits, detected reps, laps and reps are reduced to the few fields read, inside
the database. No function commits: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, literal_column, select
from sqlalchemy.orm import Session

from deliberun.records import SessionRun
from deliberun.store.repository import LOAD_COLUMNS
from deliberun.store.tables_core import ActivityRow, MetricsRow, StreamRow
from deliberun.store.tables_practice import CycleRow, ExperimentRow, JournalEntryRow, TargetRow

if TYPE_CHECKING:  # the domain types are imported where a row becomes one: practice.targets
    # imports scipy (about 1 s CPU), which the race classifier's reads need not pay
    from deliberun.practice.cycles import Cycle
    from deliberun.practice.experiment_spec import ExperimentSpec
    from deliberun.practice.journal import JournalEntry
    from deliberun.practice.targets import TargetSpec

#: The lap and rep fields the execution reads (the rest of each record is not parsed).
LAP_FIELDS = ("intensity", "trigger", "duration_s", "pace_s_per_km", "gap_pace_s_per_km")
REP_FIELDS = ("speed_m_per_s", "gap_speed_m_per_s", "duration_s", "recovery_s")


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# --------------------------------------------------------------------------- session reads


def _split_column(dialect: str) -> Any:
    """The km splits as ``[[pace, seconds], ...]``: on SQLite only those two fields are
    extracted (parsing every split field in Python costs most of the time)."""
    if dialect == "sqlite":
        return literal_column(
            "(SELECT json_group_array(json_array(json_extract(value, '$.pace_s_per_km'), "
            "coalesce(json_extract(value, '$.moving_time_s'), "
            "json_extract(value, '$.duration_s')))) "
            "FROM json_each(metrics.data, '$.splits_km'))"
        )
    return MetricsRow.data["splits_km"].as_json()


def _reps_column(dialect: str) -> Any:
    """Count and mean duration [s] of the detected reps (to classify unplanned runs)."""
    if dialect == "sqlite":
        return literal_column(
            "(SELECT json_array(count(*), avg(json_extract(value, '$.duration_s'))) "
            "FROM json_each(metrics.data, '$.intervals.reps'))"
        )
    return MetricsRow.data[("intervals", "reps")].as_json()


def _fields_column(path: str, names: tuple[str, ...]) -> Any:
    """SQLite: the listed fields of each record of a JSON array, as ``[[...], ...]``."""
    cols = ", ".join(f"json_extract(value, '$.{n}')" for n in names)
    return literal_column(
        f"(SELECT json_group_array(json_array({cols})) FROM json_each(metrics.data, '$.{path}'))"
    )


def session_rows(session: Session, since: date, today: date, load_model: str) -> list[SessionRun]:
    """One light row per activity within local dates ``[since, today]``, by start time.

    Columns: ``id, start_time, utc_offset_s, local_date, sport, name, distance_m,
    moving_time_s, avg_hr_bpm, avg_cadence_spm, extra, load, decoupling_pct,
    efficiency_factor, cadence_spm, reps_info, splits, metrics_computed_at,
    metrics_version`` (the last two: when and by which version the metrics were written,
    for the stored sessions' keys). ``reps_info`` is ``[count,
    mean duration s]`` on SQLite (the full reps elsewhere); ``splits`` is ``[[pace,
    seconds], ...]`` on SQLite (the full splits elsewhere), both JSON.
    """
    if load_model not in LOAD_COLUMNS:
        raise ValueError(f"unknown load_model {load_model!r}; use one of {', '.join(LOAD_COLUMNS)}")
    dialect = _dialect(session)
    q = (
        select(
            ActivityRow.id, ActivityRow.start_time, ActivityRow.utc_offset_s,
            ActivityRow.local_date, ActivityRow.sport, ActivityRow.sub_sport, ActivityRow.name,
            ActivityRow.distance_m, ActivityRow.moving_time_s, ActivityRow.avg_hr_bpm,
            ActivityRow.avg_cadence_spm, ActivityRow.extra,
            getattr(MetricsRow, LOAD_COLUMNS[load_model]).label("load"),
            MetricsRow.decoupling_pct, MetricsRow.efficiency_factor,
            MetricsRow.cadence_avg_spm.label("cadence_spm"),
            _reps_column(dialect).label("reps_info"),
            _split_column(dialect).label("splits"),
            MetricsRow.computed_at.label("metrics_computed_at"),
            MetricsRow.version.label("metrics_version"),
        )
        .outerjoin(MetricsRow, MetricsRow.activity_id == ActivityRow.id)
        .where(ActivityRow.local_date >= since, ActivityRow.local_date <= today)
        .order_by(ActivityRow.start_time, ActivityRow.id)
    )  # fmt: skip
    return list(map(SessionRun._make, session.execute(q)))


def structure_rows(session: Session, ids: list[int]) -> list[tuple[int, Any, Any, Any]]:
    """``(activity id, laps, reps, mean_max_speed)`` of the given activities (one query).

    On SQLite laps and reps are ``[[...], ...]`` of :data:`LAP_FIELDS` /
    :data:`REP_FIELDS` (JSON text); elsewhere the full records.
    """
    if not ids:
        return []
    d = MetricsRow.data
    sqlite = _dialect(session) == "sqlite"
    q = select(
        MetricsRow.activity_id,
        _fields_column("laps", LAP_FIELDS) if sqlite else d["laps"].as_json(),
        _fields_column("intervals.reps", REP_FIELDS)
        if sqlite
        else d[("intervals", "reps")].as_json(),
        d["mean_max_speed"].as_json(),
    ).where(MetricsRow.activity_id.in_(ids))
    return [(int(aid), laps, reps, mms) for aid, laps, reps, mms in session.execute(q)]


def temperature_rows(session: Session, ids: list[int]) -> list[tuple[int, str, bytes, int]]:
    """``(activity id, dtype, data, n)`` of the temperature streams of the given activities
    (one query; decode with :func:`deliberun.store.streams.decode_stream`)."""
    if not ids:
        return []
    q = select(StreamRow.activity_id, StreamRow.dtype, StreamRow.data, StreamRow.n).where(
        StreamRow.activity_id.in_(ids), StreamRow.name == "temperature"
    )
    return [(int(aid), dtype, blob, n) for aid, dtype, blob, n in session.execute(q)]


# --------------------------------------------------------------------------- journal


def _journal_rows(
    session: Session,
    since: date | None = None,
    *,
    by_date: bool = True,
    until: date | None = None,
) -> list[JournalEntryRow]:
    """Journal entries from ``since`` to ``until`` (open ends when None), by date unless
    ``by_date=False``."""
    q = select(JournalEntryRow)
    if by_date:
        q = q.order_by(JournalEntryRow.date)
    if since is not None:
        q = q.where(JournalEntryRow.date >= since)
    if until is not None:
        q = q.where(JournalEntryRow.date <= until)
    return list(session.scalars(q))


def journal(
    session: Session, since: date | None = None, until: date | None = None
) -> list[tuple[int, JournalEntry]]:
    """``(id, entry)`` of the journal entries from ``since`` to ``until``, by date."""
    return [(int(r.id), journal_entry(r)) for r in _journal_rows(session, since, until=until)]


def journal_entries(
    session: Session, since: date | None = None, *, by_date: bool = True
) -> list[JournalEntry]:
    """The journal entries from ``since`` (all when None), by date unless ``by_date=False``
    (then in the table's order)."""
    return [journal_entry(r) for r in _journal_rows(session, since, by_date=by_date)]


def journal_entry(r: JournalEntryRow) -> JournalEntry:
    """The journal entry a stored row holds (a domain object: services never see the row)."""
    from deliberun.practice.journal import JournalEntry

    return JournalEntry(
        date=r.date,
        activity_start=r.activity_start,
        activity_id=r.activity_id,
        rpe=r.rpe,
        feel=r.feel,
        sleep_h=r.sleep_h,
        soreness=r.soreness,
        notes=r.notes or "",
        tags=list(r.tags or []),
        details=list(r.details or []),
    )


def imported_ratings(
    session: Session, since: date | None = None, until: date | None = None
) -> list[tuple[Any, ...]]:
    """``(activity_id, local_date, perceived_exertion, description)`` of the activities
    whose source recorded an effort rating or a description (a Strava export) and that
    have no journal entry of their own, by date."""
    logged = select(JournalEntryRow.activity_id).where(JournalEntryRow.activity_id.is_not(None))
    q = (
        select(ActivityRow.id, ActivityRow.local_date, ActivityRow.extra, ActivityRow.description)
        .where(ActivityRow.id.not_in(logged))
        .order_by(ActivityRow.local_date, ActivityRow.start_time)
    )
    if since is not None:
        q = q.where(ActivityRow.local_date >= since)
    if until is not None:
        q = q.where(ActivityRow.local_date <= until)
    out = []
    for aid, day, extra, text in session.execute(q):
        rpe = (extra or {}).get("perceived_exertion")
        if rpe not in (None, "") or text:
            out.append((int(aid), day, rpe, text or None))
    return out


def replace_journal_entry(session: Session, entry: JournalEntry) -> int:
    """Store ``entry`` in place of the entry for the same activity (or, without one, the
    entry of the same date without an activity); returns its id."""
    row = JournalEntryRow(
        date=entry.date,
        activity_id=entry.activity_id,
        activity_start=entry.activity_start,
        rpe=entry.rpe,
        feel=entry.feel,
        sleep_h=entry.sleep_h,
        soreness=entry.soreness,
        notes=entry.notes,
        tags=list(entry.tags),
        details=list(entry.details),
    )
    if row.activity_id is not None:
        q = delete(JournalEntryRow).where(JournalEntryRow.activity_id == row.activity_id)
    else:
        q = delete(JournalEntryRow).where(JournalEntryRow.date == row.date)
        q = q.where(JournalEntryRow.activity_id.is_(None))
    session.execute(q)
    session.add(row)
    session.flush()
    return int(row.id)


# --------------------------------------------------------------------------- cycles, targets


def delete_cycles_named(session: Session, name: str) -> None:
    """Delete the cycles called ``name``."""
    for old in session.scalars(select(CycleRow).where(CycleRow.name == name)).all():
        session.delete(old)


def cycles_by_start(session: Session) -> list[CycleRow]:
    return list(session.scalars(select(CycleRow).order_by(CycleRow.start)))


def cycles(session: Session) -> list[Cycle]:
    """The runner's cycles with their goal races and targets, by start."""
    return [_cycle(session, r) for r in cycles_by_start(session)]


def _cycle(session: Session, r: CycleRow) -> Cycle:
    from deliberun.practice.cycles import Cycle, GoalRace

    race = (
        GoalRace(r.goal_distance_m, r.goal_date, r.goal_time_s)
        if r.goal_distance_m and r.goal_date
        else None
    )
    targets = [target_spec(t) for t in targets_of(session, r.id)]
    return Cycle(r.name, r.start, r.end, race, targets, id=int(r.id))


def target_spec(r: TargetRow) -> TargetSpec:
    """The target a stored row holds."""
    from deliberun.practice.targets import TargetSpec

    return TargetSpec(
        kind=r.kind,
        goal=r.goal,
        name=r.name or "",
        params=dict(r.params or {}),
        higher_is_better=r.higher_is_better,
        id=int(r.id),
    )


def targets_of(session: Session, cycle_id: int) -> list[TargetRow]:
    """The targets of a cycle, in the order they were added."""
    q = select(TargetRow).where(TargetRow.cycle_id == cycle_id).order_by(TargetRow.id)
    return list(session.scalars(q))


def _target_row(cycle_id: int, t: TargetSpec) -> TargetRow:
    return TargetRow(
        cycle_id=cycle_id,
        kind=t.kind,
        name=t.name,
        goal=t.goal,
        params=dict(t.params),
        higher_is_better=t.higher_is_better,
    )


def add_cycle(session: Session, cycle: Cycle) -> int:
    """Add a cycle with its goal race and targets; returns its id."""
    race = cycle.goal_race
    row = CycleRow(
        name=cycle.name,
        start=cycle.start,
        end=cycle.end,
        goal_distance_m=race.distance_m if race else None,
        goal_date=race.date if race else None,
        goal_time_s=race.goal_time_s if race else None,
    )
    session.add(row)
    session.flush()
    for t in cycle.targets:
        session.add(_target_row(row.id, t))
    return int(row.id)


def add_target(session: Session, cycle_id: int, target: TargetSpec) -> int:
    """Add ``target`` to cycle ``cycle_id``; returns its id."""
    row = _target_row(cycle_id, target)
    session.add(row)
    session.flush()
    return int(row.id)


def get_target(session: Session, target_id: int) -> TargetRow | None:
    return session.get(TargetRow, target_id)


def target_cycle(session: Session, target_id: int) -> int | None:
    """The id of the cycle target ``target_id`` belongs to (None when there is no such target)."""
    row = get_target(session, target_id)
    return None if row is None else int(row.cycle_id)


def target(session: Session, target_id: int) -> TargetSpec | None:
    """Target ``target_id`` (None when there is none)."""
    row = get_target(session, target_id)
    return None if row is None else target_spec(row)


def set_target_goal(session: Session, target_id: int, goal: float) -> None:
    """Store ``goal`` as target ``target_id``'s goal (it must exist)."""
    row = session.get(TargetRow, target_id)
    if row is None:
        raise LookupError(f"no target {target_id}")
    row.goal = goal


def delete_target(session: Session, target_id: int) -> None:
    """Delete target ``target_id`` (nothing when there is none)."""
    row = session.get(TargetRow, target_id)
    if row is not None:
        session.delete(row)


# --------------------------------------------------------------------------- experiments


def _experiment_row(session: Session, exp_id: str) -> ExperimentRow | None:
    return session.scalars(select(ExperimentRow).where(ExperimentRow.id == exp_id)).first()


def _experiment_spec(r: ExperimentRow) -> ExperimentSpec:
    from deliberun.practice.experiment_spec import ExperimentSpec

    return ExperimentSpec(
        id=r.id,
        change=r.change,
        metric=r.metric,
        workout_type=r.workout_type,
        assignment=r.assignment,
        start=r.start,
        change_date=r.change_date,
        end=r.end,
        status=r.status,
        cause=r.cause,
        planned_sessions=r.planned_sessions,
        min_detectable_effect=r.min_detectable_effect,
        planned_after=r.planned_after,
        arms=list(r.arms) if r.arms else None,
    )


def get_experiment(session: Session, exp_id: str) -> ExperimentSpec | None:
    """Experiment ``exp_id`` (None when there is none)."""
    row = _experiment_row(session, exp_id)
    return None if row is None else _experiment_spec(row)


def replace_experiment(session: Session, spec: ExperimentSpec) -> None:
    """Store ``spec`` in place of the experiment with its id (if there is one)."""
    old = _experiment_row(session, spec.id)
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(
        ExperimentRow(
            id=spec.id,
            change=spec.change,
            metric=spec.metric,
            workout_type=spec.workout_type,
            assignment=spec.assignment,
            start=spec.start,
            change_date=spec.change_date,
            end=spec.end,
            status=spec.status,
            cause=spec.cause,
            planned_sessions=spec.planned_sessions,
            min_detectable_effect=spec.min_detectable_effect,
            planned_after=spec.planned_after,
            arms=list(spec.arms) if spec.arms else None,
        )
    )


def experiments_by_id(session: Session) -> list[ExperimentSpec]:
    """The runner's experiments, by id."""
    rows = session.scalars(select(ExperimentRow).order_by(ExperimentRow.id))
    return [_experiment_spec(r) for r in rows]
