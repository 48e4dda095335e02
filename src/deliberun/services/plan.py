"""Use cases of the plan area over a ``Database``: store, show, edit, export, compliance."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from deliberun.errors import InvalidInput, NoPlanYet
from deliberun.io.activity import is_running
from deliberun.plan import adapt as adapt_mod
from deliberun.plan import edit as edit_mod
from deliberun.plan.compliance import week_rows, workout_rows
from deliberun.plan.formats.fit_workout import parse_fit_workout, write_fit_workout
from deliberun.plan.formats.ics import write_ics
from deliberun.plan.load import plan_projection
from deliberun.plan.paces import vdot_from_threshold_pace, zone_paces
from deliberun.plan.planned import Plan, PlannedDay
from deliberun.plan.text import format_workout
from deliberun.plan.workout import infer_workout_type
from deliberun.plan.yaml_io import plan_from_yaml, plan_to_yaml
from deliberun.services.dashboard_base import units_of
from deliberun.store import athlete_repo, plan_repo, settings_repo
from deliberun.store.athlete_repo import activities_with_metrics
from deliberun.store.db import Database
from deliberun.units import day, workout_words

DEFAULT_VDOT = 45.0


def current_vdot(db: Database, *, today: date) -> tuple[float, str]:
    """The runner's VDOT and where it came from (best recent effort, threshold pace, default).

    Remembered per database, ``today`` and state of the data (``_data_stamp``): the
    athlete area reads the whole history for it, the dashboard asks on every page.
    """
    return _athlete_state(db, today)[0]


def current_form(db: Database, *, today: date) -> tuple[float | None, float | None]:
    """Today's form and ACWR from the athlete area's fitness model (None when unknown)."""
    return _athlete_state(db, today)[1]


#: (database url, today, data stamp) -> ((vdot, source), (form, acwr)); the newest few.
#: Kept across use cases on purpose (issue 15, measured): keyed by the data's fingerprint
#: it cannot go stale, and the dashboard's plan and calendar pages of one data version
#: share it (``show`` asks the VDOT, ``compliance_report`` the form): a miss costs
#: 103-106 ms CPU, a hit 9.3-9.7 ms (the stamp query) on a 935-run archive (min of 4,
#: load ~2 on 2 cores). Inside one page's use-case scope each page would pay the miss.
_STATE_MEMO: dict[tuple[Any, ...], tuple[tuple[float, str], tuple[Any, Any]]] = {}
_STATE_MEMO_MAX = 16
_STATE_LOCK = threading.Lock()


def _data_stamp(db: Database) -> tuple[Any, ...]:
    """A cheap fingerprint of what VDOT and form rest on: activities, metrics, settings."""
    with db.session() as s:
        return athlete_repo.history_stamp(s)


def _athlete_state(db: Database, today: date) -> tuple[tuple[float, str], tuple[Any, Any]]:
    key = (db.url, db.athlete_id, today, _data_stamp(db))  # whose: two athletes, one url
    hit = _STATE_MEMO.get(key)
    if hit is not None:
        return hit
    from deliberun.services import athlete

    with athlete.shared_history():  # one read of the history for both models
        state = (_vdot_now(db, today, athlete), _form_now(db, today, athlete))
    with _STATE_LOCK:  # the web server may ask from several threads
        while len(_STATE_MEMO) >= _STATE_MEMO_MAX:
            _STATE_MEMO.pop(next(iter(_STATE_MEMO)))
        _STATE_MEMO[key] = state
    return state


def _vdot_now(db: Database, today: date, athlete: Any) -> tuple[float, str]:
    """The athlete's VDOT from the best recent effort, else from the threshold pace the
    runner set, else ``DEFAULT_VDOT`` labelled ``default`` (nothing known: no guess hidden)."""
    v = athlete.prediction_vdot(db, today=today)
    if v:
        return float(v), "best recent effort"
    with db.session() as s:
        st = settings_repo.get_settings(s)
    if st.threshold_pace_s_per_km:
        return vdot_from_threshold_pace(st.threshold_pace_s_per_km), "threshold pace setting"
    return DEFAULT_VDOT, "default"


def _form_now(db: Database, today: date, athlete: Any) -> tuple[Any, Any]:
    cur = athlete.fitness(db, today=today, days=1).get("current") or {}
    return cur.get("form"), cur.get("acwr")


def save_plan(db: Database, plan: Plan, *, now: datetime, cycle_id: int | None = None) -> int:
    """Store a plan (it becomes the current plan); returns its id."""
    with db.session() as s, s.begin():
        return plan_repo.add_plan(s, plan, created_at=now, cycle_id=cycle_id)


def current_plan(db: Database) -> tuple[int, Plan]:
    """The newest plan; ``NoPlanYet`` (a ``ValueError``) when there is none."""
    with db.session() as s:
        row = plan_repo.latest_plan(s)
        if row is None:
            raise NoPlanYet()
        days = plan_repo.planned_days(s, row.id)
        return int(row.id), Plan(days=days, name=row.name, params=dict(row.params or {}))


def days_in_force(db: Database, since: date, until: date) -> list[PlannedDay]:
    """The planned workouts in ``[since, until]``, each date's from the plan in force then
    (the newest plan whose span holds the date: a new plan does not erase the past)."""
    with db.session() as s:
        return plan_repo.planned_in_force(s, since, until)


def next_plan_start(db: Database, after: date) -> date | None:
    """The first day of the newest plan when it starts after ``after`` (else None)."""
    with db.session() as s:
        spans = plan_repo.plan_spans(s)
    if spans and spans[0][1] > after:
        return spans[0][1]
    return None


def replace_days(
    db: Database, plan_id: int, days: list[PlannedDay], *, now: datetime | None = None
) -> None:
    """Rewrite the planned workouts of a plan (one transaction).

    Workouts keep their ids; each one that changed gets its revision counted in the
    plan's ``params["revisions"]`` (``{id: [sequence, modified ISO time]}``), which the
    calendar export writes as ``SEQUENCE``/``LAST-MODIFIED``.
    """
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with db.session() as s, s.begin():
        old = {d.id: d for d in plan_repo.planned_days(s, plan_id)}
        plan_repo.replace_workouts(s, plan_id, days)
        s.flush()
        new = {d.id: d for d in plan_repo.planned_days(s, plan_id)}
        changed = [i for i, d in new.items() if i in old and old[i] != d]
        row = plan_repo.get_plan(s, plan_id)
        if changed and row is not None:
            revs = dict(row.params.get("revisions") or {})
            for i in changed:
                seq = int((revs.get(str(i)) or [0])[0])
                revs[str(i)] = [seq + 1, stamp]
            plan_repo.set_plan_header(s, replace(row, params={**row.params, "revisions": revs}))


def move_workout(db: Database, workout_id: int, to: date, *, today: date) -> PlannedDay:
    """Move planned workout ``workout_id`` of the current plan to ``to``.

    Refused (``ValueError`` with the reason) when the workout is not in the current
    plan or is no longer planned, when ``to`` is before ``today`` or before the plan
    starts, or when ``to`` already holds a session (move or skip that one first).
    """
    plan_id, plan = current_plan(db)
    found = [d for d in plan.days if d.id == workout_id]
    if not found:
        raise InvalidInput(
            f"no workout #{workout_id} in the current plan: see 'deliberun plan show'"
        )
    w = found[0]
    if w.status not in ("planned",):
        raise InvalidInput(f"the {w.workout_type} of {w.date} is {w.status}, not planned: it stays")
    if to == w.date:
        raise InvalidInput(f"the workout is already on {to}: pick another day")
    if to < today:
        raise InvalidInput(f"{to} is in the past: move it to {today} or later")
    if plan.days and to < plan.days[0].date:
        raise InvalidInput(f"{to} is before the plan starts ({plan.days[0].date})")
    taken = [
        d
        for d in plan.days
        if d.date == to and d.id != workout_id and d.status not in ("moved", "skipped")
        and d.workout_type != "rest"
    ]  # fmt: skip
    if taken:
        o = taken[0]
        raise InvalidInput(
            f"{to} already has a session ({workout_words(o.workout_type, o.text)}): "
            "move or skip that one first"
        )
    note = f"moved from {w.date}" + (f"; {w.notes}" if w.notes else "")
    moved = w.with_(date=to, notes=note)
    days = sorted([moved if d.id == workout_id else d for d in plan.days], key=lambda x: x.date)
    replace_days(db, plan_id, days)
    return moved


def workout_on(db: Database, day: date) -> PlannedDay:
    """The one session of the current plan on ``day`` that can move.

    ``ValueError`` with the reason when the day holds none, or more than one (name
    them by id: the reason lists them).
    """
    _, plan = current_plan(db)
    found = [
        d
        for d in plan.days
        if d.date == day and d.status not in ("moved", "skipped") and d.workout_type != "rest"
    ]
    if not found:
        raise InvalidInput(f"no planned workout on {day}: see 'deliberun plan show'")
    if len(found) > 1:
        which = ", ".join(f"#{d.id} ({workout_words(d.workout_type, d.text)})" for d in found)
        raise InvalidInput(f"{day} has {len(found)} sessions: {which}; choose one by its id")
    return found[0]


def edit(db: Database, op: str, *args: Any) -> list[PlannedDay]:
    """Apply ``move``/``swap``/``replace``/``skip`` to the current plan and store it."""
    funcs = {
        "move": edit_mod.move,
        "swap": edit_mod.swap,
        "replace": edit_mod.replace,
        "skip": edit_mod.skip,
    }
    if op not in funcs:
        raise InvalidInput(f"unknown edit {op!r}: use move, swap, replace or skip")
    plan_id, plan = current_plan(db)
    days = funcs[op](plan.days, *args)  # type: ignore[operator]
    replace_days(db, plan_id, days)
    return days


#: Race distances a runner names by word [m].
RACE_NAMES = {5000.0: "5 km", 10000.0: "10 km", 21097.5: "half marathon", 42195.0: "marathon"}


def plan_title(name: Any, params: dict[str, Any]) -> str:
    """A plan's title in a runner's words: "Marathon on Sun 26 Apr 2026" for a generated
    plan, "Plan from plan.yaml" for an imported file (not its full path)."""
    dist, when = params.get("race_distance_m"), params.get("race_date")
    if isinstance(dist, int | float) and when:
        race = RACE_NAMES.get(round(float(dist), 1), f"{float(dist) / 1000:g} km race")
        return f"{race[0].upper()}{race[1:]} on {day(when)}"
    src = params.get("source")
    text = str(name or "")
    if isinstance(src, dict) and src.get("file"):
        return f"Plan from {Path(str(src['file'])).name}"
    if "/" in text or "\\" in text:
        return f"Plan from {Path(text).name}"
    return text or "Current plan"


def show(
    db: Database, *, today: date, week: int | None = None, vdot: float | None = None
) -> dict[str, Any]:
    """The current plan as JSON-able data: days (with steps), weeks and the projected form."""
    plan_id, plan = current_plan(db)
    v = vdot or float(plan.params.get("vdot") or current_vdot(db, today=today)[0])
    paces = zone_paces(v)
    days = plan.days
    if days:
        first = days[0].date
        monday = date.fromordinal(first.toordinal() - first.weekday())
    if week is not None and days:
        lo = date.fromordinal(monday.toordinal() + 7 * (week - 1))
        days = [d for d in days if lo <= d.date < date.fromordinal(lo.toordinal() + 7)]
    projection = []
    if plan.days:
        projection = plan_projection(
            [(d.date, d.workout()) for d in plan.days if d.status != "skipped"],
            v,
            start=plan.days[0].date,
            end=plan.days[-1].date,
            weekly_volume_km=float(plan.params.get("volume_km") or 0.0),
        )
    return {
        "plan_id": plan_id,
        "name": plan.name,
        "title": plan_title(plan.name, plan.params),
        "params": plan.params,
        "vdot": round(v, 2),
        "paces_s_per_km": {z: [round(a, 1), round(b, 1)] for z, (a, b) in paces.items()},
        "days": [{**d.to_dict(), "steps": d.workout().to_dict(paces)["steps"]} for d in days],
        "projection": projection,
    }


#: The runner's plan file next to their activities, read by ``deliberun import DIR``.
PLAN_FILE = "plan.yaml"


def _source(path: Path, data: bytes) -> dict[str, str]:
    """The key of an imported plan file: its resolved path and SHA-256 of its bytes."""
    return {"file": str(path.resolve()), "sha256": hashlib.sha256(data).hexdigest()}


def _imported_from(db: Database, source: dict[str, str]) -> tuple[int, str] | None:
    """(plan id, stored sha256) of the plan imported from the same file or the same bytes."""
    with db.session() as s:
        rows = plan_repo.plan_params(s)
    by_sha = by_file = None
    for pid, params in rows:
        src = (params or {}).get("source") or {}
        if not isinstance(src, dict):
            continue
        if by_sha is None and src.get("sha256") == source["sha256"]:
            by_sha = (int(pid), str(src["sha256"]))
        if by_file is None and src.get("file") == source["file"]:
            by_file = (int(pid), str(src.get("sha256")))
    return by_sha or by_file


def import_plan_file(db: Database, path: Path, *, now: datetime) -> dict[str, Any]:
    """Import a plan YAML file idempotently; the plan is keyed by the file's path and SHA-256.

    The same bytes (from any path) are not imported again; a changed file at the same
    path replaces the planned workouts of the plan it made (kept under its id).

    Returns
    -------
    dict
        ``path``, ``plan_id``, ``planned`` (number of planned workouts) and ``plan``:
        ``"new"``, ``"unchanged"`` or ``"updated"``.
    """
    data = path.read_bytes()
    source = _source(path, data)
    known = _imported_from(db, source)
    if known is not None and known[1] == source["sha256"]:
        with db.session() as s:
            n = plan_repo.count_workouts(s, known[0])
        return {"path": str(path), "plan_id": known[0], "planned": n, "plan": "unchanged"}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text; save the plan as UTF-8 YAML") from None
    plan = plan_from_yaml(text, source=str(path))
    plan.params = {**plan.params, "source": source}
    if known is None:
        pid, status = save_plan(db, plan, now=now), "new"
    else:
        pid, status = known[0], "updated"
        with db.session() as s, s.begin():
            row = plan_repo.get_plan(s, pid)
            if row is not None:
                plan_repo.set_plan_header(s, replace(row, name=plan.name, params=plan.params))
        replace_days(db, pid, plan.days)
    return {"path": str(path), "plan_id": pid, "planned": len(plan.days), "plan": status}


def import_file(
    db: Database,
    path: Path,
    *,
    now: datetime,
    on: date | None = None,
    workout_type: str | None = None,
) -> int:
    """Import a plan from YAML (see ``import_plan_file``: idempotent), or one FIT workout
    file as a plan of one day (``on``).

    A FIT workout's type is ``workout_type`` or inferred from its steps.
    """
    if path.suffix.lower() != ".fit":
        return int(import_plan_file(db, path, now=now)["plan_id"])

    w = parse_fit_workout(path.read_bytes(), name=str(path))
    wt = workout_type or infer_workout_type(w)
    day = PlannedDay(on or now.date(), wt, format_workout(w))
    return save_plan(db, Plan(days=[day], name=w.name or path.stem), now=now)


def export(
    db: Database,
    *,
    today: date,
    ics: Path | None = None,
    fit_dir: Path | None = None,
    yaml_path: Path | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Write the current plan as ICS, a folder of FIT workouts and/or YAML; returns the paths."""
    plan_id, plan = current_plan(db)
    v = float(plan.params.get("vdot") or current_vdot(db, today=today)[0])
    paces = zone_paces(v)
    now = now or datetime.now(UTC)
    written = []
    if ics is not None:
        with db.session() as s:
            row = plan_repo.get_plan(s, plan_id)
            created = row.created_at if row is not None else None
        ics.write_bytes(
            write_ics(
                plan.days,
                paces,
                stamp=now,
                calendar_name=plan.name,
                units=units_of(db),
                uid_prefix=f"plan{plan_id}-",
                revisions=plan.params.get("revisions") or {},
                created=created,
            )
        )
        written.append(str(ics))
    if fit_dir is not None:
        fit_dir.mkdir(parents=True, exist_ok=True)
        for i, d in enumerate(plan.days):
            if d.status == "skipped" or d.date < today:
                continue
            p = fit_dir / f"{d.date.isoformat()}_{d.workout_type}.fit"
            # a file_id of its own: serial = the workout's id (its position when unstored)
            serial = int(d.id or i + 1) % (2**32 - 1) + 1
            p.write_bytes(
                write_fit_workout(
                    d.workout(),
                    paces,
                    name=f"{d.date} {d.workout_type.replace('_', ' ')}",
                    created=now,
                    serial=serial,
                )
            )
            written.append(str(p))
    if yaml_path is not None:
        yaml_path.write_text(plan_to_yaml(plan), encoding="utf-8")
        written.append(str(yaml_path))
    return written


def activity_summaries(db: Database, since: date, until: date) -> list[dict[str, Any]]:
    """Runs between two dates as the summaries compliance matches on (with interval reps)."""
    out = []
    with db.session() as s:
        for r, m in activities_with_metrics(s, since=since, until=until, keys=("intervals",)):
            if r.sport and not is_running(str(r.sport)):
                continue
            reps = (m.get("intervals") or {}).get("reps")
            out.append(
                {
                    "id": r.id,
                    "local_date": r.local_date,
                    "distance_m": r.distance_m,
                    "moving_time_s": r.moving_time_s,
                    "reps": reps,
                }
            )
    return out


def adapt(db: Database, *, today: date, apply: bool = False) -> dict[str, Any]:
    """The proposed re-plan of the coming days; stored when ``apply``."""
    rep = compliance_report(db, today=today)
    plan_id, plan = current_plan(db)
    props = [adapt_mod.Proposal(**_proposal_args(p)) for p in rep["proposals"]]
    if apply and props:
        replace_days(db, plan_id, adapt_mod.apply(plan.days, props))
    return {
        "proposals": rep["proposals"],
        "applied": bool(apply and props),
        "form": rep.get("form"),
        "acwr": rep.get("acwr"),
    }


def _proposal_args(p: dict[str, Any]) -> dict[str, Any]:
    out = dict(p)
    out["date"] = date.fromisoformat(p["date"])
    out["new_date"] = date.fromisoformat(p["new_date"]) if p.get("new_date") else None
    return out


def compliance_range(
    plan: Plan, *, today: date, since: date | None = None, until: date | None = None
) -> tuple[date, date]:
    """The dates a compliance report covers: ``since``/``until`` when given, else the
    plan's first day up to ``today`` (or the plan's last day when it ended before)."""
    first = plan.days[0].date if plan.days else today
    last = plan.days[-1].date if plan.days else today
    if since is not None and until is not None and until < since:
        raise ValueError(
            f"the range ends ({until}) before it starts ({since}): give --since before --until"
        )
    since = since or (first if until is None else min(first, until))
    until = until or max(since, min(today, last))
    return since, until


def compliance_report(
    db: Database, *, today: date, since: date | None = None, until: date | None = None
) -> dict[str, Any]:
    """Planned vs done of the current plan from ``since`` to ``until`` (days after
    ``today`` are not reported), and the proposed re-plan of the coming days.

    Only the planned days and activities of the range (± a day, for shifted
    sessions) are read; the proposals also look at the last few days before
    ``today`` (``ADAPT_RULES["lookback_days"]``). Default range: the whole plan
    up to ``today`` (``compliance_range``); the dashboard passes the weeks it shows.
    """
    _, plan = current_plan(db)
    if not plan.days:
        return {"workouts": [], "weeks": [], "proposals": []}
    since, until = compliance_range(plan, today=today, since=since, until=until)
    v = float(plan.params.get("vdot") or current_vdot(db, today=today)[0])
    look = timedelta(days=int(adapt_mod.ADAPT_RULES["lookback_days"]))
    one = timedelta(days=1)
    # the range, and the days the proposals look back on (± a day for shifted sessions)
    windows = [(since - one, until + one)]
    if not since - look <= today <= until + look:
        windows.append((today - look - one, today + one))
    # each date's workouts from the plan in force then (an older plan for past weeks)
    seen: dict[int | None, PlannedDay] = {}
    for a, b in windows:
        for d in days_in_force(db, a, b):
            seen[d.id] = d
    days = sorted(seen.values(), key=lambda d: d.date)
    acts: dict[int, dict[str, Any]] = {}
    for a, b in windows:
        for act in activity_summaries(db, a - one, min(b, today) + one):
            acts[act["id"]] = act
    rows = workout_rows(days, list(acts.values()), v, today=today)
    outcomes: dict[date, str] = {}
    for r in rows:
        day = date.fromisoformat(r["date"])
        if r["status"] == "missed":
            outcomes[day] = "missed"
        elif r["execution"] and r["execution"]["failed"]:
            outcomes[day] = "failed"
        else:
            outcomes[day] = "done"
    first, last = since.isoformat(), until.isoformat()
    rows = [r for r in rows if first <= r["date"] <= last]
    rep: dict[str, Any] = {"workouts": rows, "weeks": week_rows(rows)}
    form, acwr = current_form(db, today=today)
    rep["form"], rep["acwr"] = form, acwr
    props = adapt_mod.propose(plan.days, today, outcomes=outcomes, form=form, acwr=acwr, vdot=v)
    rep["proposals"] = [p.to_dict() for p in props]
    rep["vdot"] = round(v, 2)
    rep["since"], rep["until"] = since.isoformat(), until.isoformat()
    return rep
