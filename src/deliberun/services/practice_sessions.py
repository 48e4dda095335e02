"""Build the practice loop's :class:`~deliberun.practice.session.Session` objects.

Everything comes from the athlete area's models so every page tells one story:

- load, fitness, form and ACWR of each day from ``services.athlete.daily_state`` (the
  same model and conventions as the Today page and ``deliberun fitness``);
- the VDOT of each session's day and its T band from ``services.athlete_zones`` (the
  evidence before that day; the T band from the runner's threshold when credible and
  recent), so early sessions are judged by the fitness of then;
- rep paces, grade-adjusted, and per-step targets from ``deliberun.practice.execution``.

Speed: one light query reads only the fields the sessions need (scalars by JSON path,
not whole metrics documents), laps and reps are read only for quality sessions, and
no stream is loaded except one small temperature stream per quality session, in one
query. About 0.14 s CPU for 400 days of a 3-year archive (was 0.9 s; docs/practice.md).

Stored sessions (migration 0016_stored_sessions): each run's session as built, before its
journal entry is applied, is kept with a key (:func:`session_key`): a SHA-1 of everything
its build reads — the run's light row (its columns, the metrics' scalars, splits and reps
summary, and when and by which version its metrics were written: the laps, reps and
temperature the build reads come with them), its workout type, the plan's step that day,
the VDOT and T band of its day, the goal pace, the load state of its day and the two days
before, and the source of the code that builds it (:data:`CODE`). A page builds only the
runs whose stored key is not the key of the inputs now; :func:`store_sessions` (called by
``stored_verdicts.refresh``: an import, a Strava sync, ``recompute``, the dashboard's
warm-up) stores the ones it built. The journal is applied to every session after, stored
or built, so a journal entry needs no new session.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import deliberun
from deliberun.io.activity import is_running as is_running  # re-exported
from deliberun.plan.paces import zone_paces
from deliberun.practice.cycles import cycle_in_force
from deliberun.practice.execution import (
    WORK_ZONE,
    WorkStep,
    planned_work,
    sustained_threshold_pace,
    unplanned_workout_reps,
    work_reps,
)
from deliberun.practice.journal import apply_entry
from deliberun.practice.review import LoadState, PlannedDay
from deliberun.practice.session import QUALITY_TYPES, Session
from deliberun.practice.sessions import unplanned_session_type
from deliberun.practice.targets import longest_stretch_s, split_cv_pct
from deliberun.services.athlete import is_race
from deliberun.services.session_types import planned_days as planned_days  # re-exported
from deliberun.services.session_types import session_types
from deliberun.store import practice_repo, verdicts_repo
from deliberun.store.db import Database
from deliberun.store.practice_repo import LAP_FIELDS, REP_FIELDS
from deliberun.store.retry import retry_write
from deliberun.store.streams import decode_stream

HISTORY_DAYS = 400
#: Workout types whose laps and reps are read (the quality types, plus strides).
REPS_TYPES = (*QUALITY_TYPES, "strides")


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# --------------------------------------------------------------------------- reads


def _reps_info(value: Any) -> tuple[int, float]:
    import json

    if value is None:
        return 0, 0.0
    data = json.loads(value) if isinstance(value, str) else value
    if data and isinstance(data[0], dict):
        durs = [_f(r.get("duration_s")) or 0.0 for r in data]
        return len(durs), sum(durs) / len(durs)
    if data and len(data) == 2 and not isinstance(data[0], dict | list):
        return int(data[0] or 0), _f(data[1]) or 0.0
    return 0, 0.0


def _splits(value: Any) -> list[tuple[float | None, float]]:
    import json

    if value is None:
        return []
    data = json.loads(value) if isinstance(value, str) else value
    out: list[tuple[float | None, float]] = []
    for sp in data or []:
        if isinstance(sp, dict):
            pace, dur = sp.get("pace_s_per_km"), sp.get("moving_time_s") or sp.get("duration_s")
        else:
            pace, dur = sp[0], sp[1]
        out.append((_f(pace), _f(dur) or 0.0))
    return out


def _read_rows(db: Database, since: date, today: date, load_model: str) -> list[Any]:
    with db.session() as s:
        return practice_repo.session_rows(s, since, today, load_model)


def _read_structure(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Laps, detected reps and mean-maximal speeds of the given activities (one query)."""
    out: dict[int, dict[str, Any]] = {}
    with db.session() as s:
        for aid, laps, reps, mms in practice_repo.structure_rows(s, ids):
            out[int(aid)] = {
                "laps": _records(laps, LAP_FIELDS),
                "intervals": {"reps": _records(reps, REP_FIELDS)},
                "mean_max_speed": mms or {},
            }
    return out


def _records(value: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """Records from ``practice_repo.structure_rows`` (or the full records on other databases)."""
    import json

    if value is None:
        return []
    data = json.loads(value) if isinstance(value, str) else value
    return [r if isinstance(r, dict) else dict(zip(names, r, strict=False)) for r in data or []]


def _temperatures(db: Database, ids: list[int]) -> dict[int, float]:
    """Mean air temperature [degC] of the given activities: their temperature streams
    only, in one query."""
    out: dict[int, float] = {}
    with db.session() as s:
        for aid, dtype, blob, n in practice_repo.temperature_rows(s, ids):
            try:
                arr = decode_stream(dtype, blob, n)
            except ValueError:
                continue
            vals = arr[~(arr != arr)]  # drop NaN
            if vals.size:
                out[int(aid)] = float(vals.mean())
    return out


# --------------------------------------------------------------------------- build


def _session_types(db: Database, today: date, since: date) -> dict[int, str]:
    """The practice workout type of every run from ``since`` to ``today``, from
    ``models.sessions`` (detected structure only when it is clearly a workout; races
    from ``models.races``)."""
    from deliberun.models.sessions import practice_type

    return {k: practice_type(v) for k, v in session_types(db, today=today, since=since).items()}


def _classify(row: Any) -> str:
    """Workout type of an unplanned run (``practice.sessions.unplanned_session_type`` on the
    row's fields): a race as the athlete models see one on the row alone
    (``athlete.is_race``: the runner's mark, the importer's flag, the sub-sport), else
    from its name, its detected reps, its length."""
    n, mean_dur = _reps_info(row.reps_info)
    return unplanned_session_type(
        name=row.name,
        race=is_race(row),
        n_reps=n,
        mean_rep_s=mean_dur,
        distance_m=_f(row.distance_m),
        moving_time_s=_f(row.moving_time_s),
    )


@functools.lru_cache(maxsize=512)
def _plan_work(text: str, workout_type: str) -> tuple[WorkStep, ...]:
    """The planned work steps of a workout text (parsed once per text)."""
    steps = _plan_steps(text, workout_type)
    return tuple(planned_work(steps)) if steps else ()


@functools.lru_cache(maxsize=512)
def _plan_rep_count(text: str, workout_type: str) -> int | None:
    """How many reps the plan asks for: its work steps when recoveries separate them
    (a repeat block, or recovery steps); None for a continuous run (easy, long, race,
    a progression run's faster stretches, a single tempo block)."""

    def separated(steps: list[dict[str, Any]]) -> bool:
        return any(
            st.get("kind") in ("repeat", "recovery", "rest") or separated(st.get("steps") or [])
            for st in steps
        )

    steps = _plan_steps(text, workout_type)
    work = _plan_work(text, workout_type)
    return len(work) if steps and len(work) >= 2 and separated(steps) else None


def _plan_steps(text: str, workout_type: str) -> list[dict[str, Any]] | None:
    from deliberun.plan.text import parse_workout

    try:
        steps: list[dict[str, Any]] = parse_workout(text, workout_type=workout_type).to_dict()[
            "steps"
        ]
    except ValueError:  # a text the plan's grammar does not read (WorkoutSyntaxError)
        return None
    return steps


#: Daniels' rep lengths: R reps up to 2 min, I reps 2-5 min (3-5 ideal), longer at T.
UNPLANNED_ZONE_BY_REP_S = ((120.0, "R"), (360.0, "I"), (float("inf"), "T"))


def _unplanned_work(reps: Any, paces: dict[str, tuple[float, float]]) -> tuple[Any, str]:
    """An unplanned interval session judged on what the runner did: its work reps only
    (at threshold pace or faster, +5 %: not the surges, walks and jogs the detector also
    finds) against the zone their length belongs to (Daniels: R up to 2 min, I to 5 min,
    T beyond), not the I pace for every rep."""
    from dataclasses import replace

    t_slow = paces["T"][1] * 1.05 if "T" in paces else float("inf")
    keep = [i for i, p in enumerate(reps.paces_s_per_km) if p <= t_slow]
    durs = reps.durations_s if len(reps.durations_s) == len(reps.paces_s_per_km) else []
    picked = replace(
        reps,
        paces_s_per_km=[reps.paces_s_per_km[i] for i in keep],
        raw_paces_s_per_km=[reps.raw_paces_s_per_km[i] for i in keep]
        if len(reps.raw_paces_s_per_km) == len(reps.paces_s_per_km)
        else reps.raw_paces_s_per_km,
        durations_s=[durs[i] for i in keep] if durs else [],
    )
    med = sorted(picked.durations_s)[len(picked.durations_s) // 2] if picked.durations_s else 0.0
    zone = next(z for limit, z in UNPLANNED_ZONE_BY_REP_S if med <= limit)
    return picked, zone


@functools.lru_cache(maxsize=1024)
def _zone_paces(vdot: float | None) -> dict[str, tuple[float, float]] | None:
    if not vdot:
        return None

    try:
        paces: dict[str, tuple[float, float]] = zone_paces(vdot)
    except ValueError:  # a VDOT outside the equations' range
        return None
    return paces


def _time_in_band(
    splits: list[tuple[float | None, float]],
    band: tuple[float, float] | None,
    widen: float = 0.02,
) -> float | None:
    """Seconds of km splits whose pace is inside ``band`` (fast, slow) [s/km], +/-2%."""
    if band is None or not splits:
        return None
    lo, hi = band[0] * (1 - widen), band[1] * (1 + widen)
    return sum(dur for pace, dur in splits if pace and lo <= pace <= hi)


def _goal_pace(db: Database, today: date) -> float | None:
    """Goal race pace of the current cycle [s/km], for the marathon-pace stretch."""
    with db.session() as s:
        cycle = cycle_in_force(practice_repo.cycles(s), today)
    return cycle.goal_race.goal_pace_s_per_km if cycle and cycle.goal_race else None


def build_sessions(
    db: Database,
    *,
    today: date,
    since: date | None = None,
    state: dict[str, Any] | None = None,
    stored_ok: bool = True,
    to_store: dict[int, tuple[str, str]] | None = None,
) -> list[Session]:
    """Every run from ``since`` (default: 400 days back) to ``today`` as a :class:`Session`,
    with the journal, the athlete's daily load model, the VDOT of its day and the plan.
    ``state``: the athlete's ``load_state`` up to ``today`` when the caller has it.
    ``stored_ok=False``: build every session (no stored one is used); ``to_store``: filled
    with ``{activity id: (key, stored form)}`` of the sessions built (not found stored)."""
    from deliberun.services import athlete

    since = since or today - timedelta(days=HISTORY_DAYS)
    with athlete.shared_history():  # every model below reads one window of the history
        _read_light(db, today, since)
        athlete.read_history(db, today=today, since=_first_day_read(db, today, since))
        return _build_sessions(
            db, today=today, since=since, state=state, stored_ok=stored_ok, to_store=to_store
        )


def store_sessions(db: Database, *, today: date) -> int:
    """Build and store the sessions of the 400 days up to ``today`` whose stored key is
    missing or not the key of their inputs now; returns how many were stored."""
    values: dict[int, tuple[str, str]] = {}
    build_sessions(db, today=today, to_store=values)
    if values:
        retry_write(partial(_save, db, values), retry_integrity=True)
    return len(values)


def _save(db: Database, values: dict[int, tuple[str, str]]) -> None:
    with db.session() as s, s.begin():
        verdicts_repo.save_sessions(s, values)


def _code() -> str:
    """A digest of the code that builds a session: this module, the practice and plan
    packages (rep reading, targets, the workout grammar, the pace tables) and the reads."""
    root = Path(__file__).resolve().parents[1]
    files = [Path(__file__).resolve(), root / "store" / "practice_repo.py",
             root / "store" / "streams.py", *sorted((root / "practice").glob("*.py")),
             *sorted((root / "plan").glob("*.py"))]  # fmt: skip
    digest = hashlib.sha1()
    for f in files:
        try:
            digest.update(f.read_bytes() + b"\0")
        except OSError:  # no source (a frozen build): the package version
            digest.update(str(getattr(deliberun, "__version__", "?")).encode())
    return digest.hexdigest()


#: The digest of the code that builds a session (in every stored session's key).
CODE = _code()


def session_key(
    row: Any,
    workout_type: str,
    planned: PlannedDay | None,
    vdot: float | None,
    t_band: tuple[float, float] | None,
    goal_pace: float | None,
    state: dict[date, dict[str, float | None]],
) -> str:
    """The key of everything :func:`_session` reads to build ``row``'s session (its
    arguments; the laps, reps and temperature come with the metrics' write time)."""
    d = row.local_date
    day = state.get(d, {})
    prior = tuple(state.get(d - timedelta(days=k), {}).get("load") for k in (1, 2))
    plan = (planned.text, planned.workout_type) if planned else None
    parts = (CODE, tuple(row), workout_type, plan, vdot, t_band, goal_pace,
             day.get("form"), day.get("fitness"), day.get("acwr"), prior, bool(state))  # fmt: skip
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _plain(value: Any) -> Any:
    """A numpy scalar as its Python value (for ``json.dumps``)."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__}")


def encode_session(x: Session) -> str:
    """A session as stored: its fields as JSON (floats exact), dates in ISO form."""
    d = {f.name: getattr(x, f.name) for f in dataclasses.fields(x)}
    d["local_date"] = x.local_date.isoformat()
    d["start_time"] = x.start_time.isoformat() if x.start_time else None
    return json.dumps(d, default=_plain)


def decode_session(text: str) -> Session:
    """The session :func:`encode_session` stored."""
    d = json.loads(text)
    d["local_date"] = date.fromisoformat(d["local_date"])
    d["start_time"] = datetime.fromisoformat(d["start_time"]) if d["start_time"] else None
    return Session(**d)


def _stored(db: Database, keys: dict[int, str]) -> dict[int, Session]:
    """The stored sessions among ``keys``' runs whose stored key is the key now."""
    with db.session() as s:
        found = verdicts_repo.stored_sessions(s, keys)
    return {a: decode_session(v) for a, (k, v) in found.items() if keys.get(a) == k}


def _read_light(db: Database, today: date, since: date) -> None:
    """Read now, once, the light rows every model below reads a window of: the plan's
    days, the activity columns and the run sizes behind the race keys of the VDOT's two
    windows (the evidence of the prediction window before the first session day, and the
    window before it for the last race) and the session types' keys."""
    from deliberun.models.races import RACE_RULES
    from deliberun.services import athlete

    window = timedelta(days=int(athlete.model_settings(db)["prediction_window_days"]))
    season = timedelta(days=int(RACE_RULES["season_days"]))
    planned_days(db, since - window - season, today)
    athlete.light_rows(db, until=today, since=since - 2 * window)
    athlete.run_sizes(db, until=today, since=since - 2 * window - season)


def _first_day_read(db: Database, today: date, since: date) -> date:
    """The first day of history the sessions from ``since`` rest on: the runs of the
    prediction window before ``since`` (the VDOT of each day) and, when a run has no
    planned type (the session classifier then needs the threshold), of the threshold
    window before the last run; each with the year before them (the race verdicts)."""
    from deliberun.models.races import RACE_RULES
    from deliberun.services import athlete

    models = athlete.model_settings(db)
    season = int(RACE_RULES["season_days"])
    first = since - timedelta(days=int(models["prediction_window_days"]) + season)
    named = {p.date for p in planned_days(db, since - timedelta(days=1), today) if p.workout_type}
    if all(d in named for d in athlete.run_days(db, today=today) if d >= since):
        return first
    last = athlete.last_run_day(db, today=today) or today
    return min(first, last - timedelta(days=int(models["threshold_window_days"]) + season))


def _build_sessions(
    db: Database,
    *,
    today: date,
    since: date,
    state: dict[str, Any] | None,
    stored_ok: bool = True,
    to_store: dict[int, tuple[str, str]] | None = None,
) -> list[Session]:
    from deliberun.services import athlete

    state_all = state if state is not None else athlete.load_state(db, today=today)
    settings = state_all["settings"]
    rows = [r for r in _read_rows(db, since, today, settings.load_model) if is_running(r.sport)]
    by_day = athlete.state_by_day(state_all, since - timedelta(days=2))
    plan = {p.date: p for p in planned_days(db, since, today)}
    judged = _session_types(db, today, since)
    types = {int(r.id): (plan[r.local_date].workout_type if r.local_date in plan else None)
             or judged.get(int(r.id)) or _classify(r) for r in rows}  # fmt: skip
    from deliberun.services.athlete_zones import zones_by_day

    zones = zones_by_day(db, today=today, days=sorted({r.local_date for r in rows}))
    goal_pace = _goal_pace(db, today)
    keys = {int(r.id): session_key(r, types[int(r.id)], plan.get(r.local_date),
                                   zones[r.local_date].vdot,
                                   (zones[r.local_date].paces or {}).get("T"), goal_pace, by_day)
            for r in rows}  # fmt: skip
    stored = _stored(db, keys) if stored_ok and keys else {}
    todo = [r for r in rows if int(r.id) not in stored]
    quality = [int(r.id) for r in todo if types[int(r.id)] in REPS_TYPES]
    structure = _read_structure(db, quality)
    temps = _temperatures(db, [i for i in quality if types[i] in QUALITY_TYPES])
    built = {
        int(r.id): _session(r, types[int(r.id)], structure.get(int(r.id), {}), by_day,
                            plan.get(r.local_date), zones[r.local_date].vdot, goal_pace,
                            temps.get(int(r.id)), (zones[r.local_date].paces or {}).get("T"))
        for r in todo
    }  # fmt: skip
    if to_store is not None:  # before the journal: a stored session is the build's alone
        to_store.update({a: (keys[a], encode_session(x)) for a, x in built.items()})
    sessions = [stored.get(int(r.id)) or built[int(r.id)] for r in rows]
    _apply_journal(db, sessions, rows)
    return sessions


def load_state_on(db: Database, day: date, state: dict[str, Any] | None = None) -> LoadState | None:
    """The athlete's form, fitness, fatigue and ACWR on ``day`` (the athlete area's
    model, as the Today page shows them); None without activities. ``state``: the
    athlete's ``load_state`` up to ``day`` when the caller has it already."""
    from deliberun.services import athlete

    state = state if state is not None else athlete.load_state(db, today=day)
    st = athlete.state_by_day(state, day).get(day)
    if st is None:
        return None
    return LoadState(day, st.get("form"), st.get("fitness"), st.get("fatigue"), st.get("acwr"))


def _apply_journal(db: Database, sessions: list[Session], rows: list[Any]) -> None:
    since = min((x.local_date for x in sessions), default=None)
    with db.session() as s:
        entries = [
            practice_repo.journal_entry(r)
            for r in practice_repo.journal_rows(s, since, by_date=False)
        ]
    by_id = {x.activity_id: x for x in sessions}
    by_date: dict[date, list[Session]] = {}
    for x in sessions:
        by_date.setdefault(x.local_date, []).append(x)
    for e in entries:
        target = by_id.get(e.activity_id) if e.activity_id is not None else None
        if target is None and by_date.get(e.date):
            target = by_date[e.date][0]
        if target is not None:
            apply_entry(target, e)
    for x, r in zip(sessions, rows, strict=True):  # Strava's RPE when the journal has none
        rpe = _f((r.extra or {}).get("perceived_exertion"))
        if x.rpe is None and rpe is not None and 0 <= rpe <= 10:
            x.rpe = rpe


def _session(
    row: Any,
    wt: str,
    m: dict[str, Any],
    state: dict[date, dict[str, float | None]],
    planned: PlannedDay | None,
    vdot: float | None,
    goal_pace: float | None,
    temperature_c: float | None,
    t_band: tuple[float, float] | None = None,
) -> Session:
    d: date = row.local_date
    offset = row.utc_offset_s or 0
    local_start = row.start_time + timedelta(seconds=offset) if row.start_time else None
    paces = _zone_paces(vdot)
    if paces and t_band:  # the T band of the day (``athlete_zones``: threshold or VDOT)
        paces = {**paces, "T": t_band}
    work = _plan_work(planned.text, planned.workout_type) if planned and planned.text else ()
    zone = WORK_ZONE.get(wt)
    vdot_pace = (sum(paces[zone]) / 2) if paces and zone and zone in paces else None
    dist, moving = _f(row.distance_m), _f(row.moving_time_s)
    if work:
        reps = work_reps(m, len(work), list(work), paces) if m else None
    else:  # an unplanned run without a clear workout structure has no reps to judge
        avg = (1000.0 * moving / dist) if dist and moving else None
        reps = unplanned_workout_reps(m, avg) if m else None
    if reps and not work and wt in ("intervals", "hills") and paces:
        reps, zone = _unplanned_work(reps, paces)
        vdot_pace = (sum(paces[zone]) / 2) if zone in paces else None
    rep_paces = reps.paces_s_per_km if reps else []
    step_targets = [t.target(paces) for t in work]
    rep_targets = [t for t in step_targets[: len(rep_paces)] if t]
    if len(rep_targets) != len(rep_paces):
        rep_targets = []
    known = [t for t in step_targets if t]
    # the plan says (strides have no pace target); an unplanned run is never graded
    # against a target inferred from the VDOT alone (its reps' fade still counts)
    target = ((sum(known) / len(known)) if known else None) if work else None
    splits = _splits(row.splits)
    mp = goal_pace or ((sum(paces["M"]) / 2) if paces and "M" in paces else None)
    split_paces = [p for p, _ in splits if p]
    metrics: dict[str, float | None] = {
        "decoupling_pct": _f(row.decoupling_pct),
        "efficiency_factor": _f(row.efficiency_factor),
        "avg_cadence_spm": _f(row.cadence_spm) or _f(row.avg_cadence_spm),
        "split_cv_pct": split_cv_pct(split_paces),
        "time_at_t_pace_s": _time_in_band(splits, paces.get("T") if paces else None),
        "time_at_i_pace_s": _time_in_band(splits, paces.get("I") if paces else None),
        "mp_stretch_s": (
            longest_stretch_s([p or 0.0 for p, _ in splits], [t for _, t in splits], mp)
            if mp and splits
            else None
        ),
        "vdot_of_day": vdot,
    }
    if wt in ("tempo", "cruise_intervals"):
        metrics["threshold_pace_s_per_km"] = sustained_threshold_pace(reps, m) if m else None
    day = state.get(d, {})
    prior = [state.get(d - timedelta(days=k), {}).get("load") for k in (1, 2)]
    n_planned = _plan_rep_count(planned.text, planned.workout_type) if work and planned else None
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
        load=_f(row.load),
        temperature_c=temperature_c
        if temperature_c is not None
        else _f((row.extra or {}).get("temperature_c")),
        prior_48h_load=sum(x for x in prior if x is not None) if state else None,
        form=day.get("form"),
        fitness=day.get("fitness"),
        acwr=day.get("acwr"),
        target_pace_s_per_km=target,
        vdot_pace_s_per_km=vdot_pace,
        rest_s=(sum(reps.rests_s) / len(reps.rests_s)) if reps and reps.rests_s else None,
        reps_planned=n_planned,
        reps_done=len(rep_paces) if (rep_paces or n_planned) else None,
        rep_paces_s_per_km=rep_paces,
        rep_targets_s_per_km=rep_targets,
        metrics=metrics,
    )
