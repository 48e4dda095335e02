"""Read-only page builders of the dashboard (see ``deliberun.services.dashboard``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.services import dashboard_charts as charts
from deliberun.services import dashboard_sources as src
from deliberun.services import history
from deliberun.services import plan as plan_svc
from deliberun.services.activity_view import activity_document
from deliberun.services.dashboard_base import (
    HINTS,
    NotFound,
    section,
    unavailable,
    units_of,
    week_start,
)
from deliberun.services.races import race_verdicts
from deliberun.store.db import Database
from deliberun.store.settings_repo import get_settings

MAX_CALENDAR_WEEKS = 26


def _base(db: Database, today: date, page: str) -> dict[str, Any]:
    return {"page": page, "today": today.isoformat(), "units": units_of(db)}


def _week_totals(acts: list[dict[str, Any]]) -> dict[str, Any]:
    dist = sum(a.get("distance_m") or 0.0 for a in acts)
    dur = sum(a.get("moving_time_s") or a.get("timer_time_s") or 0.0 for a in acts)
    return {"count": len(acts), "distance_m": dist, "moving_time_s": dur}


def activities_page(
    db: Database,
    *,
    today: date,
    since: date | None = None,
    until: date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> dict[str, Any]:
    """The activity list, newest first, ``limit`` at a time."""
    if limit < 1 or offset < 0:
        raise ValueError("limit must be ≥ 1 and offset ≥ 0")
    data = _base(db, today, "activities")
    until = min(until, today) if until else today  # as of today: nothing run later
    acts = src.list_activities(
        db, since=since, until=until, limit=limit, offset=offset, newest_first=True
    )
    total = src.count_activities(db, since=since, until=until)
    if not total:
        data["activities"] = unavailable("activities")
        return data
    data["activities"] = {
        "available": True,
        "total": total,
        "offset": offset,
        "limit": limit,
        "rows": acts,
    }
    return data


def activity_page(
    db: Database, activity_id: int, *, today: date, x_axis: str = "distance"
) -> dict[str, Any]:
    """One activity: summary, charts, splits, laps, intervals, best efforts, route, journal.

    ``activity`` is the document ``deliberun show ID --json`` prints
    (``services.activity_view.activity_document``); the rest is drawn from it and the streams.
    """
    detail = src.activity_detail(db, activity_id)
    if not detail:
        raise NotFound(f"no activity with id {activity_id}: see the list at /activities")
    with db.session() as s:
        settings = get_settings(s)
    units = settings.units
    act, streams, metrics = detail["activity"], detail["streams"], detail["metrics"]
    gap = section(
        "charts", lambda: {"speed": src.gap_speed(streams, settings, act.get("sport"))}
    ).get("speed")
    figures = charts.activity_figures(streams, units, x_axis=x_axis, gap_speed=gap)
    route = None
    if "latitude" in streams and "longitude" in streams:
        route = charts.route_svg(streams["latitude"], streams["longitude"])
    split_key = "splits_mile" if units == "imperial" else "splits_km"
    journal = src.journal_for(db, activity_id)
    return {
        "page": "activity",
        "units": units,
        "x_axis": x_axis,
        "activity": activity_document(db, activity_id, today=today),
        "summary": metrics.get("summary") or {},
        "load": metrics.get("load") or {},
        "splits": metrics.get(split_key) or [],
        "laps": metrics.get("laps") or [],
        "intervals": metrics.get("intervals") or {},
        "best_efforts": _best_efforts(metrics.get("best_efforts_s") or {}),
        "decoupling_pct": metrics.get("decoupling_pct"),
        "efficiency_factor": metrics.get("efficiency_factor"),
        "avg_gap_speed_m_per_s": metrics.get("avg_gap_speed_m_per_s"),
        "cadence": metrics.get("cadence") or {},
        "hr_zones_s": metrics.get("hr_zones_s") or [],
        "has_metrics": bool(metrics),
        "streams_available": sorted(
            k for k, v in streams.items() if k != "time" and np.isfinite(v).any()
        ),
        "charts": figures,
        "route": route,
        "journal": {"available": True, "entry": journal},
        "race": _race_verdict(db, activity_id, act),
    }


def _race_verdict(db: Database, activity_id: int, act: dict[str, Any]) -> dict[str, Any] | None:
    """The race verdict on a run as of its own day, with the evidence (None: not a run)."""
    from datetime import date as _date

    day = act.get("local_date")
    if not day:
        return None
    on = _date.fromisoformat(str(day))  # judged as of its day: the runs of that day only
    verdict = race_verdicts(db, today=on, since=on).get(activity_id)
    return verdict.to_dict() if verdict else None


def _best_efforts(best: dict[str, Any]) -> list[dict[str, float]]:
    out = []
    for key, secs in best.items():
        try:
            dist = float(key)
        except ValueError:
            continue
        if secs is not None and dist > 0:
            out.append({"distance_m": dist, "time_s": float(secs)})
    return sorted(out, key=lambda b: b["distance_m"])


#: Days of the fitness series the fitness page shows by default (the today page uses
#: the same call, for the state on the last day, so both share one computation).
FITNESS_DAYS = 365


def _fitness(db: Database, today: date, days: int) -> dict[str, Any]:
    """The fitness series (kept with the page's history: the today and fitness pages)."""
    return history.of(db).memo(
        ("dashboard_fitness", today, days), lambda: src.fitness(db, today, days)
    )


def _sessions(db: Database, today: date) -> Any:
    """The practice area's sessions (built once for every page inside ``shared_reads``:
    kept with the use case's history)."""
    return history.of(db).memo(
        ("dashboard_sessions", today), lambda: src.practice_sessions(db, today)
    )


def _form_now(db: Database, today: date) -> dict[str, Any] | None:
    fit = _fitness(db, today, FITNESS_DAYS)
    if not fit.get("days"):
        return None
    current = fit.get("current") or fit["days"][-1]
    return {"current": current}


def today_page(db: Database, *, today: date) -> dict[str, Any]:
    """Advice for today and why, this week planned vs done, form."""
    data = _base(db, today, "today")
    mon = week_start(today)
    sun = mon + timedelta(days=6)
    data["advice"] = section("advice", lambda: src.today_advice(db, today))
    data["form"] = section("fitness", lambda: _form_now(db, today))

    def week() -> dict[str, Any]:
        acts = src.list_activities(db, since=mon, until=min(sun, today))
        plan = src.planned(db, mon, sun)
        days = []
        for i in range(7):
            d = mon + timedelta(days=i)
            iso = d.isoformat()
            days.append(
                {
                    "date": iso,
                    "planned": [w for w in plan if str(w.get("date")) == iso],
                    "done": [a for a in acts if a.get("local_date") == iso],
                    "is_today": d == today,
                }
            )
        return {
            "start": mon.isoformat(),
            "end": sun.isoformat(),
            "days": days,
            "done": _week_totals(acts),
            "has_plan": bool(plan),
            "plan_hint": None if plan else _plan_hint(db, sun),
        }

    data["week"] = section("activities", week)
    return data


def _plan_hint(db: Database, sunday: date) -> str:
    """Why this week has nothing planned: the plan starts later, or there is none."""
    start = plan_svc.next_plan_start(db, sunday)
    if start is not None:
        return f"nothing planned this week — your plan starts on {start:%A %-d %B %Y}"
    return HINTS["plan"]


def calendar_page(
    db: Database, *, today: date, weeks: int = 6, start: date | None = None
) -> dict[str, Any]:
    """Weeks of planned and done sessions with compliance colours."""
    if not 1 <= weeks <= MAX_CALENDAR_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_CALENDAR_WEEKS}")
    first = week_start(start or today - timedelta(weeks=weeks - 1))
    last = first + timedelta(weeks=weeks) - timedelta(days=1)
    data = _base(db, today, "calendar")
    data.update(
        {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "weeks_shown": weeks,
            "prev_start": (first - timedelta(weeks=weeks)).isoformat(),
            "next_start": (first + timedelta(weeks=weeks)).isoformat(),
        }
    )
    acts = src.list_activities(db, since=first, until=min(last, today))  # as of today
    plan = section("plan", lambda: _plan_in(db, first, last))
    comp = section("plan", lambda: src.compliance(db, today, since=first, until=last))
    day_colour = {str(k): v for k, v in (comp.get("days") or {}).items()} if comp else {}
    week_colour = {str(k): v for k, v in (comp.get("weeks") or {}).items()} if comp else {}
    workouts = plan.get("workouts", []) if plan.get("available") else []
    rows = []
    for w in range(weeks):
        mon = first + timedelta(weeks=w)
        days = []
        week_acts = []
        for i in range(7):
            d = mon + timedelta(days=i)
            iso = d.isoformat()
            done = [a for a in acts if a.get("local_date") == iso]
            week_acts += done
            days.append(
                {
                    "date": iso,
                    "planned": [p for p in workouts if str(p.get("date")) == iso],
                    "done": done,
                    "compliance": day_colour.get(iso),
                    "is_today": d == today,
                }
            )
        rows.append(
            {
                "start": mon.isoformat(),
                "days": days,
                "totals": _week_totals(week_acts),
                "compliance": week_colour.get(mon.isoformat()),
            }
        )
    data["weeks"] = rows
    data["plan"] = {k: v for k, v in plan.items() if k != "workouts"}
    data["activities"] = {"available": True}
    return data


def _plan_in(db: Database, first: date, last: date) -> dict[str, Any]:
    workouts = src.planned(db, first, last)
    if not workouts:
        return unavailable("plan")
    return {"workouts": workouts}


def fitness_page(db: Database, *, today: date, days: int = FITNESS_DAYS) -> dict[str, Any]:
    """Load, fitness, fatigue and form over time; races and VDOT."""
    if not 7 <= days <= 3660:
        raise ValueError("days must be between 7 and 3660")
    data = _base(db, today, "fitness")
    data["days_shown"] = days

    def series() -> dict[str, Any] | None:
        fit = _fitness(db, today, days)
        if not fit.get("days"):
            return None
        out = dict(fit)
        out["chart"] = charts.fitness_figure(fit["days"])
        return out

    data["fitness"] = section("fitness", series)
    data["athlete"] = section("fitness", lambda: src.athlete_summary(db, today))
    return data


def targets_page(db: Database, *, today: date) -> dict[str, Any]:
    """The cycle's targets: baseline, goal, current value, trend, projected date."""
    data = _base(db, today, "targets")

    def build() -> dict[str, Any]:
        result = src.targets(db, today, _sessions(db, today))
        if not result:
            return unavailable("targets")
        for i, t in enumerate(result["targets"]):
            values = t.get("values") or []
            if values:
                t["chart"] = charts.target_figure(
                    str(t["target"].get("name") or t["target"].get("kind")),
                    str(t.get("unit") or ""),
                    values,
                    t.get("goal"),
                    units_of(db),
                )
            t["index"] = i + 1
        return result

    data["targets"] = section("targets", build)
    return data


def experiments_page(db: Database, *, today: date) -> dict[str, Any]:
    """Nemesis workouts with their ranked causes, and n-of-1 experiments with verdicts."""
    data = _base(db, today, "experiments")

    cache: dict[str, Any] = {}

    def sessions() -> Any:  # built once, shared by both sections
        if "s" not in cache:
            cache["s"] = _sessions(db, today)
        return cache["s"]

    def nem() -> dict[str, Any]:
        items = src.nemesis(db, today, sessions())
        return {"rows": items} if items else unavailable("nemesis")

    def exp() -> dict[str, Any]:
        items = src.experiments(db, today, sessions())
        return {"rows": items} if items else unavailable("experiments")

    data["nemesis"] = section("nemesis", nem)
    data["experiments"] = section("experiments", exp)
    return data


def _plan_weeks(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group a plan's days by week (Monday start), with the week's phase and volume."""
    weeks: dict[str, dict[str, Any]] = {}
    for d in days:
        day = date.fromisoformat(str(d["date"]))
        mon = week_start(day).isoformat()
        wk = weeks.setdefault(mon, {"start": mon, "phase": None, "workouts": []})
        wk["workouts"].append(d)
        wk["phase"] = wk["phase"] or d.get("phase")
    return list(weeks.values())


def _phases(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive runs of one phase name: ``[{name, start, end}]``."""
    out: list[dict[str, Any]] = []
    for d in days:
        name = d.get("phase")
        if not name:
            continue
        if out and out[-1]["name"] == name:
            out[-1]["end"] = d["date"]
        else:
            out.append({"name": name, "start": d["date"], "end": d["date"]})
    return out


#: Weeks of the plan shown by default: the last one and the coming ones.
PLAN_WEEKS_BEFORE = 1
PLAN_WEEKS_SHOWN = 6


def plan_page(db: Database, *, today: date, all_weeks: bool = False) -> dict[str, Any]:
    """The current plan: phases, weeks of workouts, projected form; a form to move one.

    By default the weeks from last week to five weeks ahead are listed
    (``all_weeks`` lists every week); the chart always spans the whole plan.
    """
    data = _base(db, today, "plan")
    data["all_weeks"] = all_weeks

    def plan() -> dict[str, Any]:
        result = src.current_plan(db, today)
        if not result:
            return unavailable("plan")
        out = dict(result)
        days = out.pop("days", [])
        weeks = _plan_weeks(days)
        out["weeks_total"] = len(weeks)
        if not all_weeks:
            first = (week_start(today) - timedelta(weeks=PLAN_WEEKS_BEFORE)).isoformat()
            weeks = [w for w in weeks if w["start"] >= first][:PLAN_WEEKS_SHOWN]
        for w in weeks:
            for d in w["workouts"]:
                d["movable"] = str(d["date"]) >= today.isoformat() and d.get("status") in (
                    None,
                    "planned",
                )
        out["weeks"] = weeks
        out["phases"] = _phases(days)
        out["n_workouts"] = len(days)
        proj = out.get("projection") or []
        if proj:  # at most MAX_POINTS days drawn, evenly spaced (a long plan stays light)
            proj = [proj[i] for i in charts.downsample_index(len(proj))]
            out["chart"] = charts.line_figure(
                "planned load and projected fitness, fatigue, form",
                [p.get("date") for p in proj],
                {
                    k: [p.get(k) for p in proj]
                    for k in ("fitness", "fatigue", "form")
                    if any(p.get(k) is not None for p in proj)
                },
                mode="lines",
            )
        return out

    data["plan"] = section("plan", plan)
    return data


def week_report(db: Database, *, week: date, today: date) -> dict[str, Any]:
    """One week for the record (``deliberun report --week``): planned vs done, review, form.

    The review is the practice area's weekly review (every sentence with its
    evidence); the calendar row and compliance come from ``calendar_page``.
    """
    mon = week_start(week)
    data = _base(db, today, "report")
    data["week_start"] = mon.isoformat()
    data["week_end"] = (mon + timedelta(days=6)).isoformat()
    cal = calendar_page(db, today=today, weeks=1, start=mon)
    data["week"] = cal["weeks"][0]
    data["plan"] = cal["plan"]
    data["review"] = section("advice", lambda: src.weekly_review(db, mon, today))
    end = min(today, mon + timedelta(days=6))
    fit = section("fitness", lambda: _fitness_until(db, end, REPORT_FITNESS_DAYS))
    if fit.get("available"):
        data["form"] = {"available": True, "current": fit["current"]}
        data["fitness"] = {"available": True, "days": fit["days"]}
    else:
        data["form"] = data["fitness"] = fit
    return data


#: Days of load, fitness, fatigue and form drawn in the weekly report (8 weeks).
REPORT_FITNESS_DAYS = 56


def _fitness_until(db: Database, end: date, days: int) -> dict[str, Any] | None:
    """The daily series of the ``days`` days up to ``end`` and the state on ``end``."""
    fit = src.fitness(db, end, days)
    if not fit.get("days"):
        return None
    keys = ("date", "load", "fitness", "fatigue", "form", "acwr")
    series = [{k: d.get(k) for k in keys} for d in fit["days"]]
    return {"current": fit.get("current") or fit["days"][-1], "days": series}
