"""``deliberun race-plan``: even-effort splits for a course (a GPX file or a named course),
exported as a FIT workout (one step per split, a pace band as its target) and as a
printable pace band (HTML)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np

from deliberun.io.errors import ReadError
from deliberun.io.geo import haversine_cumulative
from deliberun.io.gpx_course import read_gpx_course
from deliberun.plan.race_plan import race_plan
from deliberun.plan.rehearsals import climbs, rehearsals
from deliberun.store import courses_repo as cr
from deliberun.store.db import Database
from deliberun.store.streams import decode_stream
from deliberun.units import clock

#: Half-width of each split's pace band in the FIT workout [s/km].
BAND_S_PER_KM = 4.0


def _course_arrays(path: Path) -> tuple[np.ndarray, np.ndarray, str]:
    try:
        lat, lon, ele = read_gpx_course(path)
    except ReadError as exc:
        raise ValueError(str(exc)) from None
    except OSError as exc:
        raise ValueError(f"{path}: {exc.strerror or exc}") from None
    ok = np.isfinite(lat) & np.isfinite(lon)
    return haversine_cumulative(lat[ok], lon[ok]), ele[ok], path.stem


def _stored_course(db: Database, course_id: int) -> tuple[np.ndarray, np.ndarray, str]:
    from deliberun.services.courses import NoSuchCourse, sync_courses

    sync_courses(db)
    with db.session() as s:
        row = cr.course(s, course_id)
        if row is None:
            raise NoSuchCourse(course_id)
        streams = {
            n: decode_stream(dt, blob, k)
            for n, dt, blob, k in cr.some_streams(s, row.reference_activity_id, cr.PROFILE_STREAMS)
        }
        name = row.name or f"course {course_id}"
    d = streams.get("distance")
    if d is None or not np.isfinite(d).any():
        d = haversine_cumulative(streams["latitude"], streams["longitude"])
    return d, streams.get("altitude", np.full(len(d), np.nan)), name


def course_arrays(db: Database | None, course: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Cumulative distance [m], altitude [m] and name of ``course``: a GPX path, or the
    id of a stored course (needs ``db``)."""
    p = Path(course)
    if p.suffix.lower() == ".gpx" or p.exists():
        return _course_arrays(p)
    if course.isdigit() and db is not None:
        return _stored_course(db, int(course))
    raise ValueError(f"{course}: not a GPX file nor a course id (`deliberun courses`)")


def make_plan(
    db: Database | None,
    course: str,
    goal_s: float,
    *,
    unit: str = "km",
    temperature_c: float | None = None,
    temperature_end_c: float | None = None,
) -> dict[str, Any]:
    """The plan for ``course``: a GPX path, or the id of a stored course (needs ``db``)."""
    from deliberun.services.courses import gap_model_of

    gap_model = gap_model_of(db)
    d, alt, name = course_arrays(db, course)
    plan = race_plan(
        d, alt, goal_s, unit=unit, gap_model=gap_model, temperature_c=temperature_c,
        temperature_end_c=temperature_end_c,
    )  # fmt: skip
    plan["course"] = name
    plan["rehearsals"] = _rehearsals(db, d, alt, plan) if db is not None else []
    return plan


#: Rehearsals listed per climb (the most recent).
MAX_REHEARSALS = 5


def _rehearsals(
    db: Database, distance: np.ndarray, altitude: np.ndarray, plan: dict[str, Any]
) -> list[dict[str, Any]]:
    """Per climb of the course, the training runs that rehearsed it (most recent first)."""
    from deliberun.services.courses import _profile, sync_courses

    hills = climbs(distance, altitude)
    if not hills:
        return []
    sync_courses(db)
    with db.session() as s:
        tracks = cr.track_rows(s)
    profiles = [_profile(t) for t in tracks]
    dates = {int(t.activity_id): t.local_date.isoformat() for t in tracks}
    out = []
    for h in hills:
        found = rehearsals(h, profiles, plan["effort_pace_s_per_km"], gap_model=plan["gap_model"])
        for r in found:
            r["local_date"] = dates[r["activity_id"]]
        found.sort(key=lambda r: r["local_date"], reverse=True)
        out.append({**h, "runs": len(found), "recent": found[:MAX_REHEARSALS]})
    return out


def fit_workout(plan: dict[str, Any]) -> bytes:
    """A FIT workout: one distance step per split, its pace +/- ``BAND_S_PER_KM`` as target."""
    from deliberun.plan.formats.fit_workout import write_fit_workout
    from deliberun.plan.workout import Step, Target, Workout

    steps = tuple(
        Step(
            kind="work",
            distance_m=float(s["distance_m"]),
            target=Target(
                kind="pace",
                pace_s_per_km=(
                    s["pace_s_per_km"] - BAND_S_PER_KM,
                    s["pace_s_per_km"] + BAND_S_PER_KM,
                ),
            ),
        )
        for s in plan["splits"]
    )
    name = f"{plan['course']} {clock(plan['goal_s'])}"
    notes = [split_note(plan, s) for s in plan["splits"]]
    return write_fit_workout(Workout(steps, "race", name), {}, name=name, notes=notes)


def _unit_m(plan: dict[str, Any]) -> float:
    """The plan's split unit [m]: a km or a mile."""
    return 1000.0 if plan["unit"] == "km" else 1609.344


def _split_label(plan: dict[str, Any], split: dict[str, Any]) -> str:
    """The split's number, or ``fin`` for a last split shorter than half a unit."""
    return str(split["split"]) if split["distance_m"] >= 0.5 * _unit_m(plan) else "fin"


def split_note(plan: dict[str, Any], split: dict[str, Any]) -> str:
    """A split as the watch shows it: ``km 3 4:38 at 13:48`` (split time, then the
    cumulative time at its end; ``fin`` for a last part-split)."""
    label = _split_label(plan, split)
    label = label if label == "fin" else f"{plan['unit']} {label}"
    return f"{label} {clock(split['time_s'])} at {clock(split['cumulative_s'])}"


def pace_band_html(plan: dict[str, Any]) -> str:
    """A printable pace band: split, cumulative time, split time, pace, grade."""
    unit = plan["unit"]
    per = _unit_m(plan)
    rows = "".join(
        f"<tr><td>{_split_label(plan, s)}</td>"
        f"<td><b>{clock(s['cumulative_s'])}</b></td><td>{clock(s['time_s'])}</td>"
        f"<td>{clock(s['pace_s_per_km'] * per / 1000)}</td><td>{s['grade_pct']:+.1f}%</td></tr>"
        for s in plan["splits"]
    )
    title = html.escape(f"{plan['course']} — goal {clock(plan['goal_s'])}")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        + title
        + "</title><style>body{font:11px sans-serif;margin:0}table{border-collapse:collapse;"
        "width:60mm}td,th{border:1px solid #000;padding:1px 3px;text-align:right}"
        "caption{font-weight:bold}@media print{@page{margin:5mm}}</style></head><body>"
        f"<table><caption>{title}</caption><tr><th>{unit}</th><th>at</th><th>split</th>"
        f"<th>/{unit}</th><th>grade</th></tr>{rows}</table>"
        f"<p>Even effort {clock(plan['effort_pace_s_per_km'] * per / 1000)}/{unit} "
        "flat-equivalent</p>"
        "</body></html>"
    )
