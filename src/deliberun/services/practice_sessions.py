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
import hashlib
import json
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from deliberun.io.activity import is_running as is_running  # re-exported
from deliberun.practice.cycles import cycle_in_force
from deliberun.practice.journal import apply_entry
from deliberun.practice.review import LoadState, PlannedDay
from deliberun.practice.session import QUALITY_TYPES, Session
from deliberun.practice.sessions import build_session, unplanned_session_type
from deliberun.practice.sessions import finite as _f
from deliberun.services import history
from deliberun.services.athlete import is_race
from deliberun.services.session_types import planned_days as planned_days  # re-exported
from deliberun.services.session_types import session_types
from deliberun.source_digest import PACKAGE, source_digest
from deliberun.store import practice_repo, verdicts_repo
from deliberun.store.db import Database
from deliberun.store.practice_repo import LAP_FIELDS, REP_FIELDS
from deliberun.store.retry import retry_write
from deliberun.store.streams import decode_stream

HISTORY_DAYS = 400
#: Days of history today's advice reads (decoupling baseline: the 2-8 weeks before;
#: ``services.review``): the other window whose zones ``stored_verdicts.refresh`` stores.
TODAY_DAYS = 56
#: Workout types whose laps and reps are read (the quality types, plus strides).
REPS_TYPES = (*QUALITY_TYPES, "strides")


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
    computed: dict[str, Any] | None = None,
) -> list[Session]:
    """Every run from ``since`` (default: 400 days back) to ``today`` as a :class:`Session`,
    with the journal, the athlete's daily load model, the VDOT of its day and the plan.
    ``state``: the athlete's ``load_state`` up to ``today`` when the caller has it.
    ``stored_ok=False``: build every session and compute the zones of their days (no stored
    one is used); ``to_store``: filled with ``{activity id: (key, stored form)}`` of the
    sessions built (not found stored); ``computed``: with the zones of the session days and
    the judged workout types of their runs when they were computed (not found stored:
    ``athlete_zones.stored``)."""
    from deliberun.services import athlete

    since = since or today - timedelta(days=HISTORY_DAYS)
    with athlete.shared_history():  # every model below reads one window of the history
        return _build_sessions(
            db, today=today, since=since, state=state, stored_ok=stored_ok, to_store=to_store,
            computed=computed,
        )  # fmt: skip


def store_sessions(db: Database, *, today: date, since: date | None = None) -> int:
    """Build and store the sessions of the 400 days (or from ``since``) up to ``today``
    whose stored key is missing or not the key of their inputs now, and the zones of their
    days when they were not stored (``athlete_zones.store``); returns how many sessions
    were stored."""
    return store_sessions_and_zones(db, today=today, since=since)[0]


def store_sessions_and_zones(
    db: Database, *, today: date, since: date | None = None
) -> tuple[int, int]:
    """:func:`store_sessions`, and how many zones rows it stored (0 or 1)."""
    from deliberun.services import athlete_zones

    version = athlete_zones.data_version_now(db)  # before any read the zones rest on
    values: dict[int, tuple[str, str]] = {}
    computed: dict[str, Any] = {}
    build_sessions(db, today=today, since=since, to_store=values, computed=computed)
    if values:
        retry_write(partial(_save, db, values), retry_integrity=True)
    return len(values), athlete_zones.store(db, today=today, values=computed, version=version)


def _save(db: Database, values: dict[int, tuple[str, str]]) -> None:
    with db.session() as s, s.begin():
        verdicts_repo.save_sessions(s, values)


def _code() -> str:
    """A digest of the code that builds a session: this module, the practice and plan
    packages (rep reading, targets, the workout grammar, the pace tables) and the reads."""
    return source_digest([PACKAGE / "services" / "practice_sessions.py",
                          PACKAGE / "store" / "practice_repo.py", PACKAGE / "store" / "streams.py",
                          *sorted((PACKAGE / "practice").glob("*.py")),
                          *sorted((PACKAGE / "plan").glob("*.py"))])  # fmt: skip


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

    window = timedelta(days=int(history.of(db).model_settings()["prediction_window_days"]))
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

    models = history.of(db).model_settings()
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
    computed: dict[str, Any] | None = None,
) -> list[Session]:
    from deliberun.services import athlete, athlete_zones

    # the data version before any read: the stored zones' key (see ``athlete_zones``)
    version = history.of(db).memo(("data_version",), lambda: athlete_zones.data_version_now(db))
    state_all = state if state is not None else athlete.load_state(db, today=today)
    settings = state_all["settings"]
    rows = [r for r in _read_rows(db, since, today, settings.load_model) if is_running(r.sport)]
    days = sorted({r.local_date for r in rows})
    ids = [int(r.id) for r in rows]
    found = (athlete_zones.stored(db, today=today, days=days, version=version, ids=ids)
             if stored_ok else None)  # fmt: skip
    if found is None:  # computed below: their models read one window of the history
        _read_light(db, today, since)
        athlete.read_history(db, today=today, since=_first_day_read(db, today, since))
    by_day = athlete.state_by_day(state_all, since - timedelta(days=2))
    plan = {p.date: p for p in planned_days(db, since, today)}
    judged = found["types"] if found is not None else _session_types(db, today, since)
    types = {int(r.id): (plan[r.local_date].workout_type if r.local_date in plan else None)
             or judged.get(int(r.id)) or _classify(r) for r in rows}  # fmt: skip
    if found is None:
        zones = athlete_zones.zones_by_day(db, today=today, days=days)
        if computed is not None:
            computed.update(zones=zones, types={i: judged.get(i) for i in ids})
    else:
        zones = found["zones"]
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
        int(r.id): build_session(r, types[int(r.id)], structure.get(int(r.id), {}), by_day,
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
        entries = practice_repo.journal_entries(s, since, by_date=False)
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
