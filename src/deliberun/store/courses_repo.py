"""Read and write courses, run track profiles and segments (tables_courses.py).

A profile is stored as one zlib blob: latitude and longitude as float64, the running
totals as float32 (time to a few ms, beats to a fraction of a beat), ``n`` points
each. No function commits: the caller owns the transaction.
"""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, bindparam, delete, insert, null, select, update
from sqlalchemy.orm import Session

from deliberun.records import (
    CourseRecord,
    SegmentRecord,
    StoredProfile,
    StoredStream,
    TrackRecord,
    TrackRun,
)
from deliberun.store.scope import athlete_of
from deliberun.store.tables_core import ActivityRow, MetricsRow, StreamRow
from deliberun.store.tables_courses import CourseRow, CourseTrackRow, SegmentRow

#: Profile arrays in stored order: the first ``N_F8`` as float64, the rest float32.
PROFILE_ARRAYS = ("latitude", "longitude", "time_s", "moving_s", "gap_m", "beats", "hr_s")
N_F8 = 2
#: Streams a profile is made from.
PROFILE_STREAMS = ("time", "latitude", "longitude", "distance", "altitude", "heart_rate")


def encode_arrays(
    arrays: dict[str, np.ndarray], names: tuple[str, ...] = PROFILE_ARRAYS
) -> tuple[int, bytes]:
    """``(n, blob)`` for equal-length arrays named ``names``."""
    n = len(arrays[names[0]])
    parts = [
        np.asarray(arrays[k], dtype="<f8" if i < N_F8 else "<f4").tobytes()
        for i, k in enumerate(names)
    ]
    return n, zlib.compress(b"".join(parts), 1)


def decode_arrays(
    blob: bytes, n: int, names: tuple[str, ...] = PROFILE_ARRAYS
) -> dict[str, np.ndarray]:
    """The arrays :func:`encode_arrays` stored (float64)."""
    raw = zlib.decompress(blob)
    out: dict[str, np.ndarray] = {}
    pos = 0
    for i, k in enumerate(names):
        dtype = "<f8" if i < N_F8 else "<f4"
        size = n * (8 if i < N_F8 else 4)
        out[k] = np.frombuffer(raw[pos : pos + size], dtype=dtype).astype(np.float64)
        pos += size
    if pos != len(raw):
        raise ValueError("stored course track has the wrong size; rebuild with --rebuild")
    return out


# ----------------------------------------------------------------------------- reads


def unprofiled_activities(session: Session) -> list[tuple[int, str]]:
    """``(id, sport)`` of activities with a latitude stream and no profile yet, by start."""
    has_track = select(StreamRow.activity_id).where(StreamRow.name == "latitude")
    done = select(CourseTrackRow.activity_id)
    q = (
        select(ActivityRow.id, ActivityRow.sport)
        .where(ActivityRow.id.in_(has_track), ActivityRow.id.not_in(done))
        .order_by(ActivityRow.start_time, ActivityRow.id)
    )
    return [(int(i), str(s)) for i, s in session.execute(q)]


def some_streams(session: Session, activity_id: int, names: tuple[str, ...]) -> list[StoredStream]:
    """``(name, dtype, data, n)`` of the named streams of one activity."""
    q = select(StreamRow.name, StreamRow.dtype, StreamRow.data, StreamRow.n).where(
        StreamRow.activity_id == int(activity_id), StreamRow.name.in_(names)
    )
    return list(map(StoredStream._make, session.execute(q)))


def streams_of(
    session: Session, ids: list[int], names: tuple[str, ...]
) -> list[tuple[int, str, str, bytes, int]]:
    """``(activity_id, name, dtype, data, n)`` of the named streams of several activities."""
    if not ids:
        return []
    q = select(
        StreamRow.activity_id, StreamRow.name, StreamRow.dtype, StreamRow.data, StreamRow.n
    ).where(StreamRow.activity_id.in_([int(i) for i in ids]), StreamRow.name.in_(names))
    return [(int(a), n, dt, b, k) for a, n, dt, b, k in session.execute(q)]


def course_rows(session: Session) -> list[CourseRow]:
    return list(session.scalars(select(CourseRow).order_by(CourseRow.id)))


def get_course(session: Session, course_id: int) -> CourseRow | None:
    return session.get(CourseRow, int(course_id))


def _course(row: CourseRow) -> CourseRecord:
    return CourseRecord(int(row.id), row.name, int(row.reference_activity_id))


def courses(session: Session) -> list[CourseRecord]:
    """Every course, by id."""
    return [_course(r) for r in course_rows(session)]


def course(session: Session, course_id: int) -> CourseRecord | None:
    """The course with this id, or None."""
    row = get_course(session, course_id)
    return _course(row) if row is not None else None


def set_course_name(session: Session, course_id: int, name: str) -> bool:
    """Give a course the runner's name; False when there is no such course."""
    row = get_course(session, course_id)
    if row is None:
        return False
    row.name = name
    return True


def track_rows(
    session: Session, course_id: int | None = None, *, with_data: bool = True
) -> list[TrackRun]:
    """Profiles with a track, by their run's start: ``(activity_id, course_id, distance_m,
    direction, gap_model, n, data, start_time, utc_offset_s, local_date, name, sport)``
    (``data`` None unless ``with_data``: the blobs are most of what is read)."""
    data = CourseTrackRow.data if with_data else null().label("data")
    q = (
        select(
            CourseTrackRow.activity_id, CourseTrackRow.course_id, CourseTrackRow.distance_m,
            CourseTrackRow.direction, CourseTrackRow.gap_model, CourseTrackRow.n,
            data, ActivityRow.start_time, ActivityRow.utc_offset_s,
            ActivityRow.local_date, ActivityRow.name, ActivityRow.sport,
        )
        .join(ActivityRow, ActivityRow.id == CourseTrackRow.activity_id)
        .where(CourseTrackRow.n > 0)
        .order_by(ActivityRow.start_time, ActivityRow.id)
    )  # fmt: skip
    if course_id is not None:
        q = q.where(CourseTrackRow.course_id == int(course_id))
    return list(map(TrackRun._make, session.execute(q)))


def profiles_for(session: Session, ids: list[int]) -> dict[int, StoredProfile]:
    """``{activity_id: (activity_id, gap_model, n, data, distance_m)}`` of the stored
    profiles of the given runs (``n`` 0: examined, no usable track)."""
    if not ids:
        return {}
    t = CourseTrackRow
    q = select(t.activity_id, t.gap_model, t.n, t.data, t.distance_m).where(
        t.activity_id.in_([int(i) for i in ids])
    )
    return {int(r.activity_id): StoredProfile._make(r) for r in session.execute(q)}


def track_of(session: Session, activity_id: int) -> CourseTrackRow | None:
    return session.get(CourseTrackRow, int(activity_id))


def track(session: Session, activity_id: int) -> TrackRecord | None:
    """The stored track profile of a run, or None (not profiled yet, or no track)."""
    t = track_of(session, activity_id)
    if t is None:
        return None
    course_id = None if t.course_id is None else int(t.course_id)
    return TrackRecord(
        int(t.activity_id), course_id, t.distance_m, t.direction, t.gap_model, t.n, t.data
    )


def needs_rebuild(session: Session, gap_model: str) -> bool:
    """True when a track was profiled with another GAP model."""
    other = select(CourseTrackRow.activity_id).where(
        CourseTrackRow.n > 0, CourseTrackRow.gap_model != gap_model
    )
    return session.execute(other.limit(1)).first() is not None


def metric_values(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{id: {"decoupling_pct", "efficiency_factor"}}`` from the stored metrics."""
    if not ids:
        return {}
    d = MetricsRow.data
    q = select(
        MetricsRow.activity_id,
        d["decoupling_pct"].as_float(),
        d["efficiency_factor"].as_float(),
    ).where(MetricsRow.activity_id.in_(ids))
    return {
        int(a): {"decoupling_pct": dc, "efficiency_factor": ef} for a, dc, ef in session.execute(q)
    }


def segment_rows(session: Session) -> list[SegmentRow]:
    return list(session.scalars(select(SegmentRow).order_by(SegmentRow.id)))


def get_segment(session: Session, segment_id: int) -> SegmentRow | None:
    return session.get(SegmentRow, int(segment_id))


def _segment(row: SegmentRow) -> SegmentRecord:
    return SegmentRecord(int(row.id), row.name, row.distance_m, row.source)


def segments(session: Session) -> list[SegmentRecord]:
    """Every segment, by id."""
    return [_segment(r) for r in segment_rows(session)]


def segment_path(
    session: Session, segment_id: int
) -> tuple[SegmentRecord, np.ndarray, np.ndarray] | None:
    """A segment with its path (latitude, longitude every 20 m), or None."""
    row = get_segment(session, segment_id)
    if row is None:
        return None
    lat, lon = segment_points(row)
    return _segment(row), lat, lon


# ----------------------------------------------------------------------------- writes


def add_course(
    session: Session, reference_activity_id: int, now: datetime, name: str | None = None
) -> int:
    row = CourseRow(reference_activity_id=int(reference_activity_id), created_at=now, name=name)
    session.add(row)
    session.flush()
    return int(row.id)


def add_tracks(
    session: Session,
    tracks: list[tuple[int, int | None, float, str, dict[str, np.ndarray] | None]],
    *,
    gap_model: str,
) -> None:
    """Store several profiles in one ``executemany``: ``(activity_id, course_id,
    distance_m, direction, arrays)`` each (``arrays`` None: examined, no usable track)."""
    if not tracks:
        return
    athlete = athlete_of(session)  # a bulk insert does not pass the flush that sets it
    rows = []
    for aid, cid, dist, direction, arrays in tracks:
        n, blob = encode_arrays(arrays) if arrays is not None else (0, b"")
        rows.append(
            {
                "athlete_id": athlete,
                "activity_id": int(aid),
                "course_id": cid,
                "distance_m": float(dist),
                "direction": direction,
                "gap_model": gap_model,
                "n": n,
                "data": blob,
            }
        )
    session.execute(insert(CourseTrackRow), rows)


def set_track_course(session: Session, activity_id: int, course_id: int, direction: str) -> None:
    session.execute(
        update(CourseTrackRow)
        .where(CourseTrackRow.activity_id == int(activity_id))
        .values(course_id=int(course_id), direction=direction)
    )


def set_track_courses(session: Session, moves: list[tuple[int, int, str]]) -> None:
    """Put runs on courses: ``(activity_id, course_id, direction)`` (one executemany)."""
    if not moves:
        return
    table = cast(Table, CourseTrackRow.__table__)
    stmt = (
        update(table)
        .where(table.c.activity_id == bindparam("aid"))
        .values(course_id=bindparam("cid"), direction=bindparam("dir"))
    )
    session.connection().execute(
        stmt, [{"aid": int(a), "cid": int(c), "dir": d} for a, c, d in moves]
    )


def clear_track_course(session: Session, activity_id: int) -> None:
    session.execute(
        update(CourseTrackRow)
        .where(CourseTrackRow.activity_id == int(activity_id))
        .values(course_id=None)
    )


def set_reference(session: Session, course_id: int, activity_id: int) -> None:
    session.execute(
        update(CourseRow)
        .where(CourseRow.id == int(course_id))
        .values(reference_activity_id=int(activity_id))
    )


def flip_directions(session: Session, course_id: int) -> None:
    """Swap ``same`` and ``reverse`` for every run on a course (its reference turned)."""
    tracks = session.scalars(
        select(CourseTrackRow).where(CourseTrackRow.course_id == int(course_id))
    )
    for t in tracks:
        t.direction = "reverse" if t.direction == "same" else "same"


def forget_courses(session: Session, *, tracks: bool = False) -> dict[int, str]:
    """Delete every course (and with ``tracks`` every profile); returns the names the
    runner gave, by reference activity, so a rebuild can keep them."""
    names = {
        int(r.reference_activity_id): r.name for r in course_rows(session) if r.name is not None
    }
    session.execute(update(CourseTrackRow).values(course_id=None))
    if tracks:
        session.execute(delete(CourseTrackRow))
    session.execute(delete(CourseRow))
    return names


def add_segment(
    session: Session,
    *,
    name: str,
    distance_m: float,
    source: str,
    latitude: np.ndarray,
    longitude: np.ndarray,
    now: datetime,
) -> int:
    n, blob = encode_arrays(
        {"latitude": latitude, "longitude": longitude}, ("latitude", "longitude")
    )
    row = SegmentRow(
        name=name, distance_m=float(distance_m), source=source, n=n, data=blob, created_at=now
    )
    session.add(row)
    session.flush()
    return int(row.id)


def segment_points(row: SegmentRow) -> tuple[np.ndarray, np.ndarray]:
    arrays = decode_arrays(row.data, row.n, ("latitude", "longitude"))
    return arrays["latitude"], arrays["longitude"]


def interval_rows(session: Session, ids: list[int]) -> list[tuple[int, Any, Any]]:
    """``(activity id, intervals summary, reps)`` (full rep records) of the given activities."""
    if not ids:
        return []
    d = MetricsRow.data
    q = (
        select(
            MetricsRow.activity_id,
            d[("intervals", "summary")].as_string(),
            d[("intervals", "reps")],
        )
        .where(MetricsRow.activity_id.in_(ids))
        .order_by(MetricsRow.activity_id)
    )
    return [(int(a), summary, reps) for a, summary, reps in session.execute(q)]
