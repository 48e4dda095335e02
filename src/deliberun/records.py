"""What the store hands to services and takes from them: plain frozen values, no table rows.

The repositories (``deliberun.store.*_repo``, ``store.repository``) read table rows and
return these records; a service changes a record with ``dataclasses.replace`` and gives
it back to a repository write (``repository.save_activity``). So services never hold
an ORM row: nothing they touch is written behind their back, and a record outlives the
session it was read in. Pure: no database, no clock (``tests/test_architecture.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from deliberun.jsonable import storable
from deliberun.metrics.summary import SUMMARY_FIELDS as SUMMARY_FIELDS  # the summary columns


@dataclass(frozen=True)
class ActivityRecord:
    """One stored activity (table ``activities``) without its laps/pauses structure
    (``repository.activity_structure``) and its row bookkeeping (athlete, created_at).

    ``start_time`` is tz-aware UTC, ``utc_offset_s`` the local offset when known,
    ``local_date`` the athlete's local date of the start; ``extra`` is a copy (changing
    it changes nothing stored: give a replaced record to ``repository.save_activity``).
    """

    id: int
    start_time: datetime
    utc_offset_s: int | None
    local_date: date
    sport: str
    sub_sport: str | None
    name: str | None
    description: str | None
    distance_m: float | None
    moving_time_s: float | None
    elapsed_time_s: float | None
    timer_time_s: float | None
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    avg_cadence_spm: float | None
    ascent_m: float | None
    descent_m: float | None
    device: str | None
    source_path: str
    source_format: str
    sha256: str
    n_samples: int
    manual: bool
    race_mark: bool | None
    extra: dict[str, Any] = field(default_factory=dict)


#: The fields of an ``ActivityRecord`` (each one a column of ``activities``).
ACTIVITY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ActivityRecord))


class LightActivity(NamedTuple):
    """The activity columns the race and the session classifiers read of a run (what
    their stored verdicts' keys are made of), without metrics or laps: a tuple, as cheap
    to build as the result row it stands for (``store.verdicts_repo.light_activities``)."""

    id: int
    local_date: date
    start_time: datetime
    sport: str
    sub_sport: str | None
    name: str | None
    description: str | None
    distance_m: float | None
    moving_time_s: float | None
    timer_time_s: float | None
    elapsed_time_s: float | None
    avg_hr_bpm: float | None
    race_mark: bool | None
    extra: dict[str, Any]


class HeartRateMaxima(NamedTuple):
    """A run's recorded maximum heart rate and best 30 s of it (the columns the max-HR
    estimate reads: ``store.athlete_repo.heart_rate_maxima``)."""

    id: int
    local_date: date
    sport: str
    max_hr_bpm: float | None
    hr_best_30s_bpm: float | None


class SessionRun(NamedTuple):
    """The columns of a run the practice loop reads to build its session (one light row:
    ``store.practice_repo.session_rows``, which says the dialects' shapes of ``reps_info``
    and ``splits``); ``metrics_computed_at`` and ``metrics_version`` key the stored
    sessions."""

    id: int
    start_time: datetime
    utc_offset_s: int | None
    local_date: date
    sport: str
    sub_sport: str | None
    name: str | None
    distance_m: float | None
    moving_time_s: float | None
    avg_hr_bpm: float | None
    avg_cadence_spm: float | None
    extra: dict[str, Any] | None
    load: float | None
    decoupling_pct: float | None
    efficiency_factor: float | None
    cadence_spm: float | None
    reps_info: Any
    splits: Any
    metrics_computed_at: datetime | None
    metrics_version: str | None


@dataclass(frozen=True)
class ActivitySource:
    """One file an activity came from (table ``activity_sources``)."""

    activity_id: int
    sha256: str
    source_path: str
    format: str
    meta: dict[str, Any] = field(default_factory=dict)


def local_start(row: Any) -> datetime:
    """The start time in the activity's own local offset (UTC when unknown); ``row`` is
    an ``ActivityRecord`` or anything with its ``start_time`` and ``utc_offset_s``."""
    start: datetime = row.start_time
    if row.utc_offset_s is None:
        return start
    return start.astimezone(timezone(timedelta(seconds=row.utc_offset_s)))


def activity_to_dict(row: Any) -> dict[str, Any]:
    """The JSON fields of ``deliberun activities --json`` for one activity (an
    ``ActivityRecord``, or anything with its fields)."""
    out: dict[str, Any] = {
        "id": row.id,
        "start_time": local_start(row).isoformat(),
        "utc_offset_s": row.utc_offset_s,
        "local_date": row.local_date.isoformat(),
        "sport": row.sport,
        "sub_sport": row.sub_sport,
        "name": row.name,
        "description": row.description,
    }
    for f in SUMMARY_FIELDS:
        out[f] = getattr(row, f)
    out.update(
        device=row.device,
        source_path=row.source_path,
        source_format=row.source_format,
        sha256=row.sha256,
        n_samples=row.n_samples,
        manual=bool(row.manual),
        extra=storable(row.extra or {}),
    )
    return out


# --------------------------------------------------------------------------- courses


@dataclass(frozen=True)
class CourseRecord:
    """A recurring route or loop (table ``courses``): ``reference_activity_id`` is the
    run whose track the others matched, ``name`` the runner's (None: unnamed)."""

    id: int
    name: str | None
    reference_activity_id: int


@dataclass(frozen=True)
class TrackRecord:
    """One run's stored track profile (table ``course_tracks``): ``n`` points encoded in
    ``data`` (``store.courses_repo.decode_arrays``), the course it is on (None: none)."""

    activity_id: int
    course_id: int | None
    distance_m: float
    direction: str
    gap_model: str
    n: int
    data: bytes


class TrackRun(NamedTuple):
    """A run with a stored track profile (``store.courses_repo.track_rows``): the profile's
    columns (``data`` None when the read left the blobs out) and the run's own."""

    activity_id: int
    course_id: int | None
    distance_m: float
    direction: str
    gap_model: str
    n: int
    data: bytes | None
    start_time: datetime
    utc_offset_s: int | None
    local_date: date
    name: str | None
    sport: str


class StoredProfile(NamedTuple):
    """A run's stored track profile without its run (``store.courses_repo.profiles_for``;
    ``n`` 0: examined, no usable track)."""

    activity_id: int
    gap_model: str
    n: int
    data: bytes
    distance_m: float


class StoredStream(NamedTuple):
    """One stored stream, still encoded (``store.streams.decode_stream(dtype, data, n)``)."""

    name: str
    dtype: str
    data: bytes
    n: int


@dataclass(frozen=True)
class SegmentRecord:
    """A stretch the runner measured (table ``segments``), without its path
    (``store.courses_repo.segment_path``)."""

    id: int
    name: str
    distance_m: float
    source: str


# --------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class UserRecord:
    """An account (table ``users``): a ``coach`` or an ``athlete`` (``athlete_id`` its
    own data); ``password_hash`` as stored (argon2)."""

    id: int
    name: str
    role: str
    athlete_id: int | None
    password_hash: str


@dataclass(frozen=True)
class NoteRecord:
    """A coach's note on a day or an activity of one athlete (table ``coach_notes``)."""

    id: int
    date: date
    activity_id: int | None
    author_id: int | None
    author: str
    text: str
    created_at: datetime


# --------------------------------------------------------------------------- athlete


@dataclass(frozen=True)
class EstimateRecord:
    """One stored estimate of a threshold (table ``threshold_estimates``): ``key`` the
    ``AthleteSettings`` field, ``evidence_date`` the day of the run it rests on,
    ``activity_ids`` the evidence, ``computed_on`` the day it was estimated."""

    id: int
    key: str
    value: float
    evidence_date: date
    computed_on: date
    activity_ids: list[Any]
    method: str


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class PlanRecord:
    """A stored plan's header (table ``plans``); its days are read apart
    (``store.plan_repo.plan_day_rows``). ``params`` is a copy."""

    id: int
    name: str
    created_at: datetime
    params: dict[str, Any]
    cycle_id: int | None
