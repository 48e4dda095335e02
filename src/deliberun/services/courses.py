"""Use cases of courses: find them (incrementally), list them, one course's history, rename.

``sync_courses`` profiles every run not yet profiled (its streams are read once; the
profile is kept in ``course_tracks``) and places every run not on a course, longest
first (``practice.courses``). Every read command syncs first, so a fresh import shows
on its course at once. ``--rebuild`` starts again (names given by the runner are kept
when the course's reference run is the same).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from deliberun.errors import NotFoundError
from deliberun.io.activity import is_running
from deliberun.practice.course_progress import Pass, adjust, progress
from deliberun.practice.course_tracks import PathShape, TrackProfile, profile_from_streams
from deliberun.practice.courses import MIN_RUNS, CourseIndex, course_length, run_on_course
from deliberun.store import courses_repo as cr
from deliberun.store import practice_repo
from deliberun.store.db import Database
from deliberun.store.repository import local_start
from deliberun.store.settings_repo import get_settings
from deliberun.store.streams import decode_stream

#: Runs profiled per stream query and commit.
PROFILE_BATCH = 100
#: Rounds of placing runs again after a course's reference grew.
MAX_PLACING_ROUNDS = 4
#: A course whose first run ends within this of its start is called a loop [m].
LOOP_CLOSE_M = 200.0


class NoSuchCourse(NotFoundError):
    def __init__(self, course_id: int) -> None:
        super().__init__(f"no course {course_id}; `deliberun courses` lists them")


def _profile(row: Any) -> TrackProfile:
    return TrackProfile.from_arrays(
        int(row.activity_id), cr.decode_arrays(row.data, row.n), row.distance_m
    )


def profile_of(
    activity_id: int, streams: dict[str, np.ndarray], gap_model: str
) -> TrackProfile | None:
    """The profile of a run from its decoded ``PROFILE_STREAMS`` (None without a track)."""
    if not {"time", "latitude", "longitude"} <= streams.keys():
        return None
    return profile_from_streams(
        activity_id,
        streams["time"],
        streams["latitude"],
        streams["longitude"],
        distance=streams.get("distance"),
        altitude=streams.get("altitude"),
        heart_rate=streams.get("heart_rate"),
        gap_model=gap_model,
    )


def profiles_of(db: Database, ids: list[int], gap_model: str) -> list[TrackProfile]:
    """The profiles of the given runs (those with a track): stored ones when made with
    ``gap_model``, the others profiled in memory from their streams (nothing written,
    so a read-only dashboard can call it)."""
    out: list[TrackProfile] = []
    with db.session() as s:
        known = cr.profiles_for(s, ids)
        todo = [i for i in ids if i not in known or known[i].gap_model != gap_model]
        for row in known.values():
            if row.gap_model == gap_model and row.n > 0:
                out.append(_profile(row))
        streams: dict[int, dict[str, np.ndarray]] = {}
        for aid, name, dt, blob, n in cr.streams_of(s, todo, cr.PROFILE_STREAMS):
            streams.setdefault(aid, {})[name] = decode_stream(dt, blob, n)
    for aid in todo:
        p = profile_of(aid, streams.get(aid, {}), gap_model)
        if p is not None:
            out.append(p)
    return out


def gap_model_of(db: Database | None) -> str:
    """The athlete's GAP model setting (``strava`` without a database)."""
    if db is None:
        return "strava"
    with db.session() as s:
        return get_settings(s).gap_model


#: Positions of a run's profile (latitude, longitude [deg]), by activity id: what
#: placing needs, kept from profiling so a sync does not decode what it just encoded.
Positions = dict[int, tuple[np.ndarray, np.ndarray]]


def _profile_new_runs(
    db: Database,
    gap_model: str,
    progress_cb: Callable[[int, int], None] | None,
    positions: Positions,
) -> int:
    """Phase 1: a profile for every run not yet profiled (none for a run without a track).

    Runs are read and written ``PROFILE_BATCH`` at a time (one stream query, one
    ``executemany``, one commit). Each new profile's positions go into ``positions``.
    """
    with db.session() as s:
        todo = cr.unprofiled_activities(s)
    for k in range(0, len(todo), PROFILE_BATCH):
        batch = todo[k : k + PROFILE_BATCH]
        with db.session() as s:
            running = [aid for aid, sport in batch if is_running(sport)]
            streams: dict[int, dict[str, np.ndarray]] = {}
            for aid, name, dt, blob, n in cr.streams_of(s, running, cr.PROFILE_STREAMS):
                streams.setdefault(aid, {})[name] = decode_stream(dt, blob, n)
            rows: list[tuple[int, int | None, float, str, dict[str, np.ndarray] | None]] = []
            for aid, _sport in batch:
                p = profile_of(aid, streams.pop(aid, {}), gap_model)
                if p is not None:
                    positions[aid] = (p.latitude, p.longitude)
                rows.append(
                    (aid, None, p.distance_m if p else 0.0, "same", p.arrays() if p else None)
                )
            cr.add_tracks(s, rows, gap_model=gap_model)
            s.commit()
        if progress_cb is not None:
            progress_cb(min(k + PROFILE_BATCH, len(todo)), len(todo))
    return len(todo)


def sync_courses(
    db: Database,
    *,
    rebuild: bool = False,
    progress_cb: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Profile every new run and put every run not on a course on one.

    Phase 1 profiles new runs; phase 2 places runs not on a course (new ones, and those
    whose course lost its first run when that was deleted), longest first, against the
    stored courses. Everything starts again on ``rebuild`` or when the GAP model
    setting changed (the profiles hold GAP distance). Returns ``{"examined",
    "placed", "courses"}``.
    """
    gap_model = gap_model_of(db)
    now = datetime.now(UTC)
    names: dict[int, str] = {}
    with db.session() as s:
        if rebuild or cr.needs_rebuild(s, gap_model):
            names = cr.forget_courses(s, tracks=True)
            s.commit()
    positions: Positions = {}
    examined = _profile_new_runs(db, gap_model, progress_cb, positions)
    with db.session() as s:
        index = CourseIndex()
        tracks = cr.track_rows(s, with_data=False)
        refs = [(c.id, c.reference_activity_id) for c in cr.courses(s)]
        todo = sorted((t for t in tracks if t.course_id is None), key=lambda t: -t.distance_m)
        # positions of the stored profiles this sync needs (one query for them all)
        need = [a for _, a in refs] + [int(t.activity_id) for t in todo]
        missing = [a for a in need if a not in positions]
        for aid, row in cr.profiles_for(s, missing).items():
            if row.n > 0:
                p = _profile(row)
                positions[aid] = (p.latitude, p.longitude)
        shapes: dict[int, PathShape] = {}

        def shape_of(aid: int) -> PathShape:
            if aid not in shapes:
                shapes[aid] = PathShape(*positions[aid])
            return shapes[aid]

        for cid, ref_id in refs:
            if ref_id in positions:
                index.add_course(cid, ref_id, shape_of(ref_id))
        placed = len(todo)
        for _round in range(MAX_PLACING_ROUNDS):
            turned: set[int] = set()
            moves: list[tuple[int, int, str]] = []
            for t in todo:
                aid = int(t.activity_id)
                shape = shape_of(aid)
                course, _, extends, direction = index.match_direction(shape)
                if course is None:
                    cid = cr.add_course(s, aid, now, name=names.get(aid))
                    course = index.add_course(cid, aid, shape)
                elif extends:
                    if direction == "reverse":  # keep the members' directions relative to it
                        cr.flip_directions(s, course.key)
                        direction = "same"
                    index.replace_reference(course, aid, shape)
                    cr.set_reference(s, course.key, aid)
                    turned.add(course.key)
                course.members.append(aid)
                moves.append((aid, course.key, direction))
            cr.set_track_courses(s, moves)
            s.flush()
            # a course whose reference grew: its runs must still match the new reference
            todo = []
            if turned:
                courses = {c.key: c for c in index.courses}
                for t in cr.track_rows(s, with_data=False):
                    if t.course_id in turned:
                        aid = int(t.activity_id)
                        course = courses[int(t.course_id)]
                        if aid not in positions:  # placed by an earlier sync
                            row = cr.profiles_for(s, [aid])[aid]
                            p = _profile(row)
                            positions[aid] = (p.latitude, p.longitude)
                        if (
                            aid != course.reference_id
                            and not (course.reference.matches(shape_of(aid))[0])
                        ):
                            cr.clear_track_course(s, aid)
                            todo.append(t)
            if not todo:
                break
            todo.sort(key=lambda t: -t.distance_m)
        s.commit()
    return {"examined": examined, "placed": placed, "courses": len(index)}


def _course_name(row: Any, length: float, ref: TrackProfile) -> str:
    if row.name:
        return str(row.name)
    lat0 = math.radians(float(ref.latitude[0]))
    dy = (float(ref.latitude[-1]) - float(ref.latitude[0])) * 111195.0
    dx = (float(ref.longitude[-1]) - float(ref.longitude[0])) * 111195.0 * math.cos(lat0)
    closed = math.hypot(dx, dy)
    kind = "loop" if closed <= LOOP_CLOSE_M else "route"
    return f"{length / 1000:.1f} km {kind} #{row.id}"


def _by_course(db: Database) -> tuple[dict[int, Any], dict[int, list[Any]]]:
    with db.session() as s:
        courses = {c.id: c for c in cr.courses(s)}
        tracks = cr.track_rows(s)
    groups: dict[int, list[Any]] = {}
    for t in tracks:
        if t.course_id is not None:
            groups.setdefault(int(t.course_id), []).append(t)
    return courses, groups


def list_courses(
    db: Database, *, min_runs: int = MIN_RUNS, sync: bool = True
) -> list[dict[str, Any]]:
    """Recurring courses (``min_runs`` runs or more), most runs first.

    Each: ``id, name, distance_m, runs, first_date, last_date, best_time_s,
    best_activity_id, last_time_s, last_activity_id`` (times over the course's length).
    """
    if sync:
        sync_courses(db)
    courses, groups = _by_course(db)
    out = []
    for cid, tracks in groups.items():
        if len(tracks) < min_runs or cid not in courses:
            continue
        profiles = [_profile(t) for t in tracks]
        length = course_length(profiles)
        times = [run_on_course(p, length)["time_s"] for p in profiles]
        ref = next(
            (p for p in profiles if p.activity_id == courses[cid].reference_activity_id),
            profiles[0],
        )
        b = int(np.argmin(times))
        out.append(
            {
                "id": cid,
                "name": _course_name(courses[cid], length, ref),
                "distance_m": length,
                "runs": len(tracks),
                "first_date": tracks[0].local_date.isoformat(),
                "last_date": tracks[-1].local_date.isoformat(),
                "best_time_s": times[b],
                "best_activity_id": int(tracks[b].activity_id),
                "last_time_s": times[-1],
                "last_activity_id": int(tracks[-1].activity_id),
            }
        )
    out.sort(key=lambda c: (-c["runs"], c["id"]))
    return out


def _temperatures(s: Any, ids: list[int]) -> dict[int, float]:
    out = {}
    for aid, dtype, blob, n in practice_repo.temperature_rows(s, ids):
        t = decode_stream(dtype, blob, n)
        if np.isfinite(t).any():
            out[aid] = float(np.nanmean(t))
    return out


def _form_by_day(db: Database, today: date) -> dict[date, dict[str, float | None]]:
    from deliberun.services.athlete_state import daily_state

    try:
        return daily_state(db, today=today)
    except (ValueError, KeyError):  # no load model possible (no runs with load)
        return {}


def course_detail(
    db: Database, course_id: int, *, today: date, sync: bool = True
) -> dict[str, Any]:
    """One course: every run on it (raw and adjusted, with the adjustments), its progress
    (best, last, trend with 95 % interval, 3 fastest) and the path of its first run."""
    if sync:
        sync_courses(db)
    with db.session() as s:
        row = cr.course(s, course_id)
        if row is None:
            raise NoSuchCourse(course_id)
        tracks = [t for t in cr.track_rows(s, course_id) if t.local_date <= today]
        ids = [int(t.activity_id) for t in tracks]
        temps = _temperatures(s, ids)
        metrics = cr.metric_values(s, ids)
    if not tracks:
        raise NoSuchCourse(course_id)
    profiles = [_profile(t) for t in tracks]
    length = course_length(profiles)
    ref = next((p for p in profiles if p.activity_id == row.reference_activity_id), profiles[0])
    passes = []
    for t, p in zip(tracks, profiles, strict=True):
        r = run_on_course(p, length)
        passes.append(
            Pass(
                activity_id=int(t.activity_id), local_date=t.local_date, time_s=r["time_s"],
                elapsed_s=r["elapsed_s"], gap_time_s=r["gap_time_s"], avg_hr_bpm=r["avg_hr_bpm"],
                temperature_c=temps.get(int(t.activity_id)),
            )
        )  # fmt: skip
    rows = adjust(passes)
    form = _form_by_day(db, today)
    for r, t in zip(rows, tracks, strict=True):
        start = local_start(t)
        r.update(
            name=t.name,
            start_time=start.isoformat(),
            local_hour=start.hour + start.minute / 60.0,
            run_distance_m=float(t.distance_m),
            direction=t.direction,
            decoupling_pct=metrics.get(int(t.activity_id), {}).get("decoupling_pct"),
            form=(form.get(t.local_date) or {}).get("form"),
        )
    step = max(1, ref.n // 400)
    return {
        "id": int(row.id),
        "name": _course_name(row, length, ref),
        "distance_m": length,
        "runs": len(rows),
        "reference_activity_id": int(row.reference_activity_id),
        "as_of": today.isoformat(),
        "adjustments": {
            "gap": f"grade: time at the same effort on the flat (GAP model {tracks[0].gap_model})",
            "heat": "time x (1 - 0.3 % per degC above 10 degC), Ely et al. 2007",
            "hr_normalised": "adjusted time at the course's median heart rate "
            "(speed per beat constant)",
        },
        "progress": progress(rows),
        "passes": rows,
        "path": {
            "latitude": [float(x) for x in ref.latitude[::step]],
            "longitude": [float(x) for x in ref.longitude[::step]],
        },
    }


def rename_course(db: Database, course_id: int, name: str) -> dict[str, Any]:
    """Give a course the runner's name (kept across rebuilds)."""
    name = name.strip()
    if not name:
        raise ValueError("give the course a name that is not empty")
    with db.session() as s:
        if not cr.set_course_name(s, course_id, name):
            raise NoSuchCourse(course_id)
        s.commit()
        return {"id": int(course_id), "name": name}


def course_of_activity(db: Database, activity_id: int) -> int | None:
    """The course a run is on (after a sync), or None."""
    sync_courses(db)
    with db.session() as s:
        t = cr.track(s, activity_id)
        return int(t.course_id) if t is not None and t.course_id is not None else None
