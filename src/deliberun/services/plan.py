"""Use cases of the plan area over a ``Database``: store, show, edit, export, compliance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from deliberun.plan import adapt as adapt_mod
from deliberun.plan import edit as edit_mod
from deliberun.plan.compliance import compliance
from deliberun.plan.load import plan_projection
from deliberun.plan.paces import vdot_from_threshold_pace, zone_paces
from deliberun.plan.planned import Plan, PlannedDay
from deliberun.plan.text import parse_workout
from deliberun.plan.workout import infer_workout_type
from deliberun.plan.yaml_io import plan_from_yaml, plan_to_yaml
from deliberun.store.db import Database
from deliberun.store.tables_plan import PlannedWorkoutRow, PlanRow

DEFAULT_VDOT = 45.0


def current_vdot(db: Database, *, today: date) -> tuple[float, str]:
    """The runner's VDOT and where it came from (best recent effort, threshold pace, default)."""
    try:
        from deliberun.services import athlete

        v = athlete.predictions(db, today=today).get("vdot")
        if v:
            return float(v), "best recent effort"
    except Exception:  # noqa: BLE001 - no activities or the athlete area is missing
        pass
    try:
        from deliberun.store import settings_repo

        with db.session() as s:
            st = settings_repo.get_settings(s)
        if st.threshold_pace_s_per_km:
            return vdot_from_threshold_pace(st.threshold_pace_s_per_km), "threshold pace setting"
    except Exception:  # noqa: BLE001
        pass
    return DEFAULT_VDOT, "default"


def save_plan(db: Database, plan: Plan, *, now: datetime, cycle_id: int | None = None) -> int:
    """Store a plan (it becomes the current plan); returns its id."""
    with db.session() as s, s.begin():
        row = PlanRow(name=plan.name, created_at=now, params=plan.params, cycle_id=cycle_id)
        s.add(row)
        s.flush()
        for d in plan.days:
            s.add(_row(row.id, d))
        return int(row.id)


def _row(plan_id: int, d: PlannedDay) -> PlannedWorkoutRow:
    return PlannedWorkoutRow(
        plan_id=plan_id,
        date=d.date,
        workout_type=d.workout_type,
        text=d.text,
        steps=parse_workout(d.text, workout_type=d.workout_type).to_dict(),
        status=d.status,
        activity_id=d.activity_id,
        notes=d.notes,
    )


def current_plan(db: Database) -> tuple[int, Plan]:
    """The newest plan; ``ValueError`` when there is none."""
    with db.session() as s:
        row = s.scalars(select(PlanRow).order_by(PlanRow.id.desc()).limit(1)).first()
        if row is None:
            raise ValueError(
                "no plan yet: run 'deliberun plan generate' or 'deliberun plan import FILE'"
            )
        rows = s.scalars(
            select(PlannedWorkoutRow)
            .where(PlannedWorkoutRow.plan_id == row.id)
            .order_by(PlannedWorkoutRow.date)
        ).all()
        days = [
            PlannedDay(
                r.date,
                r.workout_type,
                r.text,
                status=r.status,
                notes=r.notes,
                activity_id=r.activity_id,
            )
            for r in rows
        ]
        return int(row.id), Plan(days=days, name=row.name, params=dict(row.params or {}))


def replace_days(db: Database, plan_id: int, days: list[PlannedDay]) -> None:
    """Rewrite the planned workouts of a plan (one transaction)."""
    with db.session() as s, s.begin():
        s.execute(delete(PlannedWorkoutRow).where(PlannedWorkoutRow.plan_id == plan_id))
        for d in days:
            s.add(_row(plan_id, d))


def edit(db: Database, op: str, *args: Any) -> list[PlannedDay]:
    """Apply ``move``/``swap``/``replace``/``skip`` to the current plan and store it."""
    funcs = {
        "move": edit_mod.move,
        "swap": edit_mod.swap,
        "replace": edit_mod.replace,
        "skip": edit_mod.skip,
    }
    if op not in funcs:
        raise ValueError(f"unknown edit {op!r}: use move, swap, replace or skip")
    plan_id, plan = current_plan(db)
    days = funcs[op](plan.days, *args)  # type: ignore[operator]
    replace_days(db, plan_id, days)
    return days


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
        "params": plan.params,
        "vdot": round(v, 2),
        "paces_s_per_km": {z: [round(a, 1), round(b, 1)] for z, (a, b) in paces.items()},
        "days": [{**d.to_dict(), "steps": d.workout().to_dict(paces)["steps"]} for d in days],
        "projection": projection,
    }


def import_file(
    db: Database,
    path: Path,
    *,
    now: datetime,
    on: date | None = None,
    workout_type: str | None = None,
) -> int:
    """Import a plan from YAML, or one FIT workout file as a plan of one day (``on``).

    A FIT workout's type is ``workout_type`` or inferred from its steps.
    """
    data = path.read_bytes()
    if path.suffix.lower() == ".fit":
        from deliberun.io.fit_workout import parse_fit_workout
        from deliberun.plan.text import format_workout

        w = parse_fit_workout(data, name=str(path))
        wt = workout_type or infer_workout_type(w)
        day = PlannedDay(on or now.date(), wt, format_workout(w))
        plan = Plan(days=[day], name=w.name or path.stem)
    else:
        plan = plan_from_yaml(data.decode("utf-8"), source=str(path))
    return save_plan(db, plan, now=now)


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
    _, plan = current_plan(db)
    v = float(plan.params.get("vdot") or current_vdot(db, today=today)[0])
    paces = zone_paces(v)
    written = []
    if ics is not None:
        from deliberun.io.ics import write_ics

        ics.write_bytes(
            write_ics(plan.days, paces, stamp=now or datetime.now(UTC), calendar_name=plan.name)
        )
        written.append(str(ics))
    if fit_dir is not None:
        from deliberun.io.fit_workout import write_fit_workout

        fit_dir.mkdir(parents=True, exist_ok=True)
        for d in plan.days:
            if d.status == "skipped" or d.date < today:
                continue
            p = fit_dir / f"{d.date.isoformat()}_{d.workout_type}.fit"
            p.write_bytes(write_fit_workout(d.workout(), paces, name=f"{d.date} {d.workout_type}"))
            written.append(str(p))
    if yaml_path is not None:
        yaml_path.write_text(plan_to_yaml(plan), encoding="utf-8")
        written.append(str(yaml_path))
    return written


def activity_summaries(db: Database, since: date, until: date) -> list[dict[str, Any]]:
    """Runs between two dates as the summaries compliance matches on (with interval reps)."""
    from deliberun.store import repository as repo

    out = []
    with db.session() as s:
        for r in repo.list_activities(s, since=since, until=until):
            if r.sport and "run" not in str(r.sport).lower():
                continue
            m = repo.get_metrics(s, r.id) or {}
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


def current_form(db: Database, *, today: date) -> tuple[float | None, float | None]:
    """Today's form and ACWR from the athlete area's fitness model (None when unknown)."""
    try:
        from deliberun.services import athlete

        cur = athlete.fitness(db, today=today, days=1).get("current") or {}
        return cur.get("form"), cur.get("acwr")
    except Exception:  # noqa: BLE001 - no activities yet
        return None, None


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


def compliance_report(db: Database, *, today: date) -> dict[str, Any]:
    """Planned vs done of the current plan up to ``today``, and the proposed re-plan."""
    _, plan = current_plan(db)
    if not plan.days:
        return {"workouts": [], "weeks": [], "proposals": []}
    v = float(plan.params.get("vdot") or current_vdot(db, today=today)[0])
    acts = activity_summaries(db, plan.days[0].date, today)
    rep = compliance(plan.days, acts, v, today=today)
    outcomes: dict[date, str] = {}
    for r in rep["workouts"]:
        d = date.fromisoformat(r["date"])
        if r["status"] == "missed":
            outcomes[d] = "missed"
        elif r["execution"] and r["execution"]["failed"]:
            outcomes[d] = "failed"
        else:
            outcomes[d] = "done"
    form, acwr = current_form(db, today=today)
    rep["form"], rep["acwr"] = form, acwr
    props = adapt_mod.propose(plan.days, today, outcomes=outcomes, form=form, acwr=acwr, vdot=v)
    rep["proposals"] = [p.to_dict() for p in props]
    rep["vdot"] = round(v, 2)
    return rep
