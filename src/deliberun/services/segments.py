"""Use cases of measured segments: add one (from a run or a GPX file), list, every pass.

Passes are found in the runs' stored track profiles (``course_tracks``, filled by
``services.courses.sync_courses``): a candidate run must share grid cells with the
segment, then :func:`deliberun.practice.segments.find_passes` places and times it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from deliberun.errors import NotFoundError
from deliberun.io.errors import ReadError
from deliberun.io.gpx_course import read_gpx_course
from deliberun.practice.course_progress import Pass, adjust, progress
from deliberun.practice.course_tracks import cell_keys
from deliberun.practice.segments import find_passes, resample_path, segment_from_run
from deliberun.services.courses import _profile, _temperatures, sync_courses
from deliberun.store import courses_repo as cr
from deliberun.store.db import Database


class NoSuchSegment(NotFoundError):
    def __init__(self, segment_id: int) -> None:
        super().__init__(f"no segment {segment_id}; `deliberun segment list` lists them")


def add_segment_from_run(
    db: Database, activity_id: int, from_m: float, to_m: float, *, name: str | None = None
) -> dict[str, Any]:
    """A segment from ``from_m`` to ``to_m`` [m] of a run's track."""
    sync_courses(db)
    with db.session() as s:
        t = cr.track(s, activity_id)
        if t is None or t.n == 0:
            raise ValueError(f"activity {activity_id} has no GPS track to take a segment from")
        lat, lon, length = segment_from_run(_profile(t), from_m, to_m)
        label = name or f"activity {activity_id}, km {from_m / 1000:g}-{to_m / 1000:g}"
        sid = cr.add_segment(
            s, name=label, distance_m=length,
            source=f"activity {activity_id} km {from_m / 1000:g}-{to_m / 1000:g}",
            latitude=lat, longitude=lon, now=datetime.now(UTC),
        )  # fmt: skip
        s.commit()
    return {"id": sid, "name": label, "distance_m": length}


def add_segment_from_gpx(
    db: Database, path: str | Path, *, name: str | None = None
) -> dict[str, Any]:
    """A segment from the track of a GPX file (its first track or route)."""
    p = Path(path)
    try:
        lat, lon, _ = read_gpx_course(p)
    except ReadError as exc:
        raise ValueError(str(exc)) from None
    except OSError as exc:
        raise ValueError(f"{p}: {exc.strerror or exc}") from None
    try:
        lat, lon, length = resample_path(lat, lon)
    except ValueError as exc:
        raise ValueError(f"{p}: {exc}") from None
    label = name or p.stem
    with db.session() as s:
        sid = cr.add_segment(
            s, name=label, distance_m=length, source=f"file {p.name}", latitude=lat,
            longitude=lon, now=datetime.now(UTC),
        )  # fmt: skip
        s.commit()
    return {"id": sid, "name": label, "distance_m": length}


def list_segments(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return [
            {"id": r.id, "name": r.name, "distance_m": r.distance_m, "source": r.source}
            for r in cr.segments(s)
        ]


def segment_detail(db: Database, segment_id: int, *, today: date) -> dict[str, Any]:
    """Every pass over a segment, raw and adjusted, with its progress."""
    sync_courses(db)
    with db.session() as s:
        found_segment = cr.segment_path(s, segment_id)
        if found_segment is None:
            raise NoSuchSegment(segment_id)
        row, lat, lon = found_segment
        cells = set(cell_keys(lat, lon).tolist())
        found: list[tuple[Any, dict[str, Any]]] = []
        for t in cr.track_rows(s):
            if t.local_date > today:
                continue
            p = _profile(t)
            shared = len(cells.intersection(cell_keys(p.latitude, p.longitude).tolist()))
            if shared < 0.5 * len(cells):
                continue
            for ps in find_passes(lat, lon, row.distance_m, p):
                found.append((t, ps))
        temps = _temperatures(s, sorted({int(t.activity_id) for t, _ in found}))
        info = {"id": row.id, "name": row.name, "distance_m": row.distance_m, "source": row.source}
    passes = [
        Pass(
            activity_id=int(t.activity_id), local_date=t.local_date, time_s=ps["time_s"],
            elapsed_s=ps["elapsed_s"], gap_time_s=ps["gap_time_s"],
            avg_hr_bpm=ps["avg_hr_bpm"], temperature_c=temps.get(int(t.activity_id)),
        )
        for t, ps in found
    ]  # fmt: skip
    rows = adjust(passes)
    for r, (_, ps) in zip(rows, found, strict=True):
        r["start_m"], r["end_m"] = ps["start_m"], ps["end_m"]
    return {**info, "as_of": today.isoformat(), "progress": progress(rows), "passes": rows}
