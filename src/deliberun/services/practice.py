"""Use cases of the practice loop over a ``Database``: sessions, journal, cycles, targets,
nemesis workouts and experiments.

Builds :class:`deliberun.practice.session.Session` objects from the store (activities
with their metrics, the journal, the daily load model, planned workouts when the plan
area has them) and calls the pure logic in ``deliberun.practice``. ``today`` is always
passed in.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from deliberun.practice.cycles import Cycle, GoalRace
from deliberun.practice.experiments import ExperimentResult, ExperimentSpec, analyze_experiment
from deliberun.practice.journal import JournalEntry, apply_entry
from deliberun.practice.journal_file import JournalFile, parse_journal_file
from deliberun.practice.nemesis import Nemesis, Suggestion, find_nemeses
from deliberun.practice.review import PlannedDay
from deliberun.practice.session import QUALITY_TYPES, Session
from deliberun.practice.targets import (
    TargetProgress,
    TargetSpec,
    longest_stretch_s,
    progress,
    split_cv_pct,
)
from deliberun.store.db import Database
from deliberun.store.tables_practice import CycleRow, ExperimentRow, JournalEntryRow, TargetRow

#: Zone of the work reps per workout type (Daniels), to find the pace the current VDOT gives.
WORK_ZONE = {
    "intervals": "I",
    "cruise_intervals": "T",
    "tempo": "T",
    "mp_long": "M",
    "hills": "I",
    "strides": "R",
    "progression": "T",
}
HISTORY_DAYS = 400


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# --------------------------------------------------------------------------- sessions


def _classify(row: Any, metrics: dict[str, Any]) -> str:
    """Workout type of an unplanned run from its name and metrics."""
    name = (getattr(row, "name", None) or "").lower()
    for wt in ("race", "tempo", "hills", "strides", "progression", "recovery"):
        if wt in name:
            return wt
    reps = (metrics.get("intervals") or {}).get("reps") or []
    if len(reps) >= 3:
        mean_dur = sum(_f(r.get("duration_s")) or 0.0 for r in reps) / len(reps)
        return "cruise_intervals" if mean_dur >= 300 else "intervals"
    dist = _f(getattr(row, "distance_m", None)) or 0.0
    dur = _f(getattr(row, "moving_time_s", None)) or 0.0
    if dist >= 18000 or dur >= 90 * 60:
        return "long"
    return "easy"


def _planned_targets(text: str, workout_type: str, vdot: float | None) -> dict[str, Any]:
    """reps planned and target pace [s/km] of a planned workout's main repeat."""
    out: dict[str, Any] = {}
    try:
        from deliberun.plan.paces import zone_paces
        from deliberun.plan.text import parse_workout

        steps = parse_workout(text, workout_type=workout_type).to_dict()["steps"]
        paces = zone_paces(vdot) if vdot else None
    except Exception:  # noqa: BLE001 - the plan area may not parse this text
        return out
    for st in steps:
        if st.get("kind") != "repeat":
            continue
        out["reps_planned"] = int(st.get("reps") or 0) or None
        for inner in st.get("steps") or []:
            if inner.get("kind") != "work":
                continue
            t = inner.get("target") or {}
            if t.get("kind") == "pace" and t.get("pace_s_per_km"):
                lo, hi = t["pace_s_per_km"]
                out["target_pace_s_per_km"] = (float(lo) + float(hi)) / 2
            elif t.get("zone") and paces:
                lo, hi = paces[t["zone"]]
                out["target_pace_s_per_km"] = (lo + hi) / 2
            break
        break
    return out


def _daily_state(db: Database, today: date) -> dict[date, dict[str, float | None]]:
    """Per local date: load, fitness, form, ACWR from the athlete area (empty if absent)."""
    try:
        from deliberun.services import athlete

        fit = athlete.fitness(db, today=today, days=HISTORY_DAYS)
    except Exception:  # noqa: BLE001 - no activities or the athlete area is missing
        return {}
    return {
        date.fromisoformat(d["date"]): {
            "load": _f(d.get("load")),
            "fitness": _f(d.get("fitness")),
            "form": _f(d.get("form")),
            "acwr": _f(d.get("acwr")),
        }
        for d in fit.get("days") or []
    }


def _vdot(db: Database, today: date) -> float | None:
    try:
        from deliberun.services.plan import current_vdot

        return current_vdot(db, today=today)[0]
    except Exception:  # noqa: BLE001
        return None


def planned_days(db: Database, since: date, until: date) -> list[PlannedDay]:
    """Planned workouts of the current plan in [since, until] (empty without a plan)."""
    try:
        from deliberun.store.tables_plan import PlannedWorkoutRow, PlanRow

        with db.session() as s:
            plan = s.scalars(select(PlanRow).order_by(PlanRow.id.desc()).limit(1)).first()
            if plan is None:
                return []
            rows = s.scalars(
                select(PlannedWorkoutRow)
                .where(PlannedWorkoutRow.plan_id == plan.id)
                .where(PlannedWorkoutRow.date >= since, PlannedWorkoutRow.date <= until)
                .order_by(PlannedWorkoutRow.date)
            ).all()
            return [PlannedDay(r.date, r.workout_type, r.text) for r in rows]
    except Exception:  # noqa: BLE001 - the plan area's tables may not exist yet
        return []


def build_sessions(db: Database, *, today: date, since: date | None = None) -> list[Session]:
    """Every run up to ``today`` as a :class:`Session` (journal, load model and plan merged)."""
    from deliberun.store import athlete_repo

    since = since or today - timedelta(days=HISTORY_DAYS)
    with db.session() as s:
        pairs = athlete_repo.activities_with_metrics(s, until=today, since=since)
        journal = s.scalars(select(JournalEntryRow)).all()
        entries = [_entry_from_row(r) for r in journal]
    state = _daily_state(db, today)
    vdot = _vdot(db, today)
    plan = {p.date: p for p in planned_days(db, since, today)}
    try:
        from deliberun.plan.paces import zone_paces

        paces = zone_paces(vdot) if vdot else None
    except Exception:  # noqa: BLE001
        paces = None
    try:
        from deliberun.services.athlete import is_running
    except Exception:  # noqa: BLE001

        def is_running(sport: str | None) -> bool:
            return "run" in (sport or "running").lower()

    goal_pace = _goal_pace(db, today)
    sessions: list[Session] = []
    strava_rpe: dict[int, float] = {}
    for row, m in pairs:
        if not is_running(row.sport):
            continue
        x = _session(row, m, state, plan, paces, vdot, goal_pace)
        sessions.append(x)
        rpe = _f((getattr(row, "extra", None) or {}).get("perceived_exertion"))
        if rpe is not None and 0 <= rpe <= 10:
            strava_rpe[int(row.id)] = rpe
    _add_temperatures(db, [x for x in sessions if x.workout_type in QUALITY_TYPES])
    by_id = {x.activity_id: x for x in sessions}
    by_date: dict[date, list[Session]] = {}
    for x in sessions:
        by_date.setdefault(x.local_date, []).append(x)
    for e in entries:
        target = by_id.get(e.activity_id) if e.activity_id is not None else None
        if target is None and len(by_date.get(e.date, [])) >= 1:
            target = by_date[e.date][0]
        if target is not None:
            apply_entry(target, e)
    for x in sessions:  # Strava's perceived exertion when the journal has no RPE
        if x.rpe is None and x.activity_id in strava_rpe:
            x.rpe = strava_rpe[x.activity_id]
    return sessions


def _goal_pace(db: Database, today: date) -> float | None:
    """Goal race pace of the current cycle [s/km], for the marathon-pace stretch."""
    try:
        cycle = get_cycle(db, None, today=today)
    except ValueError:
        return None
    return cycle.goal_race.goal_pace_s_per_km if cycle.goal_race else None


def _add_temperatures(db: Database, sessions: list[Session]) -> None:
    """Mean air temperature [degC] from the temperature stream (quality sessions only)."""
    from deliberun.store import repository as repo

    with db.session() as s:
        for x in sessions:
            if x.temperature_c is not None or x.activity_id is None:
                continue
            try:
                temp = repo.load_streams(s, x.activity_id).get("temperature")
            except Exception:  # noqa: BLE001 - a store without streams
                return
            if temp is not None and len(temp):
                vals = [float(v) for v in temp if math.isfinite(float(v))]
                if vals:
                    x.temperature_c = sum(vals) / len(vals)


def _time_in_band(
    splits: list[dict[str, Any]], band: tuple[float, float] | None, widen: float = 0.02
) -> float | None:
    """Seconds of km splits whose pace is inside ``band`` (fast, slow) [s/km], +/-2%."""
    if band is None or not splits:
        return None
    lo, hi = band[0] * (1 - widen), band[1] * (1 + widen)
    total = 0.0
    for sp in splits:
        pace, dur = _f(sp.get("pace_s_per_km")), _f(sp.get("moving_time_s") or sp.get("duration_s"))
        if pace and dur and lo <= pace <= hi:
            total += dur
    return total


#: Lap intensities (FIT ``intensity``) that mark work reps and recoveries.
WORK_LAPS = ("active", "interval", "work")
REST_LAPS = ("rest", "recovery")


def _reps(m: dict[str, Any]) -> tuple[list[float], list[float]]:
    """Rep paces [s/km] and recoveries [s]: from laps the watch marked as work (a
    structured workout or the lap button), else from the detected ``intervals.reps``."""
    laps = m.get("laps") or []
    work = [lap for lap in laps if str(lap.get("intensity") or "").lower() in WORK_LAPS]
    if len(work) >= 2:
        paces = [p for p in (_f(lap.get("pace_s_per_km")) for lap in work) if p and p > 0]
        if paces:  # some devices mark warm-up laps active: drop laps 15% slower than typical
            typical = sorted(paces)[len(paces) // 2]
            paces = [p for p in paces if p <= 1.15 * typical]
        rest_laps = [lap for lap in laps if str(lap.get("intensity") or "").lower() in REST_LAPS]
        rests = [v for v in (_f(lap.get("duration_s")) for lap in rest_laps) if v]
        return paces, rests
    reps = (m.get("intervals") or {}).get("reps") or []
    paces = [1000.0 / v for v in (_f(r.get("speed_m_per_s")) for r in reps) if v and v > 0]
    rests = [v for v in (_f(r.get("recovery_s")) for r in reps[:-1]) if v]
    return paces, rests


def _session(
    row: Any,
    m: dict[str, Any],
    state: dict[date, dict[str, float | None]],
    plan: dict[date, PlannedDay],
    paces: dict[str, tuple[float, float]] | None,
    vdot: float | None,
    goal_pace: float | None = None,
) -> Session:
    d: date = row.local_date
    offset = getattr(row, "utc_offset_s", None) or 0
    local_start = row.start_time + timedelta(seconds=offset) if row.start_time else None
    p = plan.get(d)
    wt = p.workout_type if p else _classify(row, m)
    rep_paces, rests = _reps(m)
    dist = _f(row.distance_m)
    moving = _f(row.moving_time_s)
    day = state.get(d, {})
    prior = [state.get(d - timedelta(days=k), {}).get("load") for k in (1, 2)]
    split_rows = m.get("splits_km") or []
    splits = [_f(x.get("pace_s_per_km")) for x in split_rows]
    mp = goal_pace or ((sum(paces["M"]) / 2) if paces and "M" in paces else None)
    mp_stretch = (
        longest_stretch_s(
            [x or 0.0 for x in splits],
            [_f(x.get("moving_time_s") or x.get("duration_s")) or 0.0 for x in split_rows],
            mp,
        )
        if mp and split_rows
        else None
    )
    metrics: dict[str, float | None] = {
        "decoupling_pct": _f(m.get("decoupling_pct")),
        "efficiency_factor": _f(m.get("efficiency_factor")),
        "avg_cadence_spm": _f((m.get("cadence") or {}).get("avg_spm"))
        or _f(getattr(row, "avg_cadence_spm", None)),
        "split_cv_pct": split_cv_pct([x for x in splits if x]),
        "time_at_t_pace_s": _time_in_band(split_rows, paces.get("T") if paces else None),
        "time_at_i_pace_s": _time_in_band(split_rows, paces.get("I") if paces else None),
        "mp_stretch_s": mp_stretch,
    }
    planned = _planned_targets(p.text, p.workout_type, vdot) if p else {}
    zone = WORK_ZONE.get(wt)
    vdot_pace = (sum(paces[zone]) / 2) if paces and zone else None
    load = None
    try:
        from deliberun.services.athlete import activity_load

        load = activity_load(m, "trimp_banister")
    except Exception:  # noqa: BLE001
        pass
    return Session(
        local_date=d,
        activity_id=int(row.id),
        start_time=row.start_time,
        local_hour=(local_start.hour + local_start.minute / 60.0) if local_start else None,
        workout_type=wt,
        distance_m=dist,
        duration_s=moving,
        avg_hr_bpm=_f(row.avg_hr_bpm),
        avg_pace_s_per_km=(1000.0 * moving / dist) if dist and moving else None,
        load=load,
        temperature_c=_f((getattr(row, "extra", None) or {}).get("temperature_c")),
        prior_48h_load=sum(x for x in prior if x is not None) if state else None,
        form=day.get("form"),
        fitness=day.get("fitness"),
        acwr=day.get("acwr"),
        target_pace_s_per_km=planned.get("target_pace_s_per_km")
        or (vdot_pace if rep_paces else None),
        vdot_pace_s_per_km=vdot_pace,
        rest_s=sum(rests) / len(rests) if rests else None,
        reps_planned=planned.get("reps_planned"),
        reps_done=len(rep_paces) if (rep_paces or planned.get("reps_planned")) else None,
        rep_paces_s_per_km=rep_paces,
        metrics=metrics,
    )


# --------------------------------------------------------------------------- journal


def _entry_from_row(r: JournalEntryRow) -> JournalEntry:
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


def _match_activity(s: Any, entry: JournalEntry) -> int | None:
    from deliberun.store import repository as repo

    if entry.activity_id is not None:
        if repo.get_activity(s, entry.activity_id) is None:
            raise ValueError(
                f"no activity {entry.activity_id}; see `deliberun activities` for the ids"
            )
        return entry.activity_id
    rows = repo.list_activities(s, since=entry.date, until=entry.date)
    start = entry.activity_start
    if start is not None and rows:
        best = min(rows, key=lambda r: abs((r.start_time - start).total_seconds()))
        if abs((best.start_time - start).total_seconds()) <= 3600:
            return int(best.id)
        return None
    return int(rows[0].id) if len(rows) == 1 else None


def log_entry(db: Database, entry: JournalEntry) -> dict[str, Any]:
    """Store a journal entry (replacing the one for the same activity, or same date without one)."""
    entry.validate()
    with db.session() as s, s.begin():
        entry.activity_id = _match_activity(s, entry)
        q = delete(JournalEntryRow).where(JournalEntryRow.date == entry.date)
        if entry.activity_id is not None:
            q = delete(JournalEntryRow).where(JournalEntryRow.activity_id == entry.activity_id)
        else:
            q = q.where(JournalEntryRow.activity_id.is_(None))
        s.execute(q)
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
        s.add(row)
        s.flush()
        out = entry.to_dict()
        out["id"] = int(row.id)
        return out


def list_journal(db: Database, since: date | None = None) -> list[dict[str, Any]]:
    with db.session() as s:
        q = select(JournalEntryRow).order_by(JournalEntryRow.date)
        if since is not None:
            q = q.where(JournalEntryRow.date >= since)
        return [{"id": r.id, **_entry_from_row(r).to_dict()} for r in s.scalars(q)]


def import_journal_file(db: Database, path: str | Path) -> dict[str, int]:
    """Read ``deliberun-journal.yaml`` into the store (idempotent: re-importing replaces).

    Journal entries replace those of the same activity/date, cycles those of the same
    name, experiments those with the same id. Returns counts.
    """
    jf: JournalFile = parse_journal_file(Path(path).read_text(encoding="utf-8"))
    for e in jf.journal:
        log_entry(db, e)
    for c in jf.cycles:
        with db.session() as s, s.begin():
            for old in s.scalars(select(CycleRow).where(CycleRow.name == c.name)).all():
                s.delete(old)
        create_cycle(db, c)
    for x in jf.experiments:
        save_experiment(db, x, replace=True)
    return {
        "journal": len(jf.journal),
        "cycles": len(jf.cycles),
        "experiments": len(jf.experiments),
    }


# --------------------------------------------------------------------------- cycles, targets


def _target_from_row(r: TargetRow) -> TargetSpec:
    return TargetSpec(
        kind=r.kind,
        goal=r.goal,
        name=r.name or "",
        params=dict(r.params or {}),
        higher_is_better=r.higher_is_better,
        id=int(r.id),
    )


def _cycle_from_row(s: Any, r: CycleRow) -> Cycle:
    targets = s.scalars(select(TargetRow).where(TargetRow.cycle_id == r.id).order_by(TargetRow.id))
    race = (
        GoalRace(r.goal_distance_m, r.goal_date, r.goal_time_s)
        if r.goal_distance_m and r.goal_date
        else None
    )
    return Cycle(r.name, r.start, r.end, race, [_target_from_row(t) for t in targets], id=int(r.id))


def create_cycle(db: Database, cycle: Cycle) -> int:
    """Store a cycle with its targets; returns its id."""
    with db.session() as s, s.begin():
        race = cycle.goal_race
        row = CycleRow(
            name=cycle.name,
            start=cycle.start,
            end=cycle.end,
            goal_distance_m=race.distance_m if race else None,
            goal_date=race.date if race else None,
            goal_time_s=race.goal_time_s if race else None,
        )
        s.add(row)
        s.flush()
        for t in cycle.targets:
            s.add(_target_row(int(row.id), t))
        return int(row.id)


def _target_row(cycle_id: int, t: TargetSpec) -> TargetRow:
    return TargetRow(
        cycle_id=cycle_id,
        kind=t.kind,
        name=t.name,
        goal=t.goal,
        params=dict(t.params),
        higher_is_better=t.higher_is_better,
    )


def list_cycles(db: Database) -> list[Cycle]:
    with db.session() as s:
        return [_cycle_from_row(s, r) for r in s.scalars(select(CycleRow).order_by(CycleRow.start))]


def get_cycle(db: Database, cycle_id: int | None, *, today: date) -> Cycle:
    """The cycle ``cycle_id``, or the one holding ``today`` (else the latest)."""
    cycles = list_cycles(db)
    if cycle_id is not None:
        for c in cycles:
            if c.id == cycle_id:
                return c
        raise ValueError(f"no cycle {cycle_id}; see `deliberun cycle list`")
    if not cycles:
        raise ValueError("no cycle yet: create one with `deliberun cycle create NAME --start ...`")
    live = [c for c in cycles if c.contains(today)]
    return max(live or cycles, key=lambda c: c.start)


def add_target(db: Database, cycle_id: int | None, target: TargetSpec, *, today: date) -> int:
    """Add a target to a cycle (a fourth is refused: focus is the point)."""
    cycle = get_cycle(db, cycle_id, today=today)
    cycle.add_target(target)  # raises TooManyTargetsError / ValueError
    assert cycle.id is not None
    with db.session() as s, s.begin():
        row = _target_row(cycle.id, target)
        s.add(row)
        s.flush()
        return int(row.id)


def target_progress(
    db: Database, cycle_id: int | None, *, today: date, sessions: list[Session] | None = None
) -> tuple[Cycle, list[TargetProgress]]:
    cycle = get_cycle(db, cycle_id, today=today)
    ss = sessions if sessions is not None else build_sessions(db, today=today)
    end = min(today, cycle.end)
    return cycle, [progress(t, ss, cycle.start, end) for t in cycle.targets]


# --------------------------------------------------------------------------- nemesis, experiments


def nemeses(db: Database, *, today: date, sessions: list[Session] | None = None) -> list[Nemesis]:
    ss = sessions if sessions is not None else build_sessions(db, today=today)
    return find_nemeses(ss, today)


def _spec_from_row(r: ExperimentRow) -> ExperimentSpec:
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
    )


def save_experiment(db: Database, spec: ExperimentSpec, *, replace: bool = False) -> str:
    """Store an experiment spec; an existing id is an error unless ``replace``."""
    spec.validate()
    with db.session() as s, s.begin():
        old = s.get(ExperimentRow, spec.id)
        if old is not None and not replace:
            raise ValueError(f"experiment {spec.id!r} exists; pick another id")
        if old is not None:
            s.delete(old)
            s.flush()
        s.add(
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
            )
        )
    return spec.id


def list_experiments(db: Database) -> list[ExperimentSpec]:
    with db.session() as s:
        return [
            _spec_from_row(r) for r in s.scalars(select(ExperimentRow).order_by(ExperimentRow.id))
        ]


def show_experiment(
    db: Database, exp_id: str, *, today: date, sessions: list[Session] | None = None
) -> ExperimentResult:
    with db.session() as s:
        row = s.get(ExperimentRow, exp_id)
        if row is None:
            raise ValueError(f"no experiment {exp_id!r}; see `deliberun experiment list`")
        spec = _spec_from_row(row)
    ss = sessions if sessions is not None else build_sessions(db, today=today)
    return analyze_experiment(spec, [x for x in ss if x.local_date <= today])


def suggest_experiments(db: Database, *, today: date) -> list[Suggestion]:
    return [sg for n in nemeses(db, today=today) for sg in n.suggestions]
