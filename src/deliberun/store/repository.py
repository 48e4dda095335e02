"""Read and write activities, their streams, originals and metrics.

The functions here are the contract other areas code against
(``docs/dev/CONTRACTS.md``): ``activities``, ``activity``, ``activity_structure``,
``sources``, ``save_activity``, ``load_streams``, ``load_activity``, ``get_metrics``,
``save_metrics``, ``activity_to_dict``. Services get and give ``deliberun.records``
values; the functions that hand out table rows (``list_activities``, ``get_activity``,
``list_sources``, ...) are for the store's own writes and for tests
(``tests/test_architecture.py`` keeps services off them). The rest is the import area's
write path. No function commits: the caller owns the transaction (one file = one
transaction).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, defer

from deliberun.io.activity import Activity, DeviceSummary, Lap
from deliberun.jsonable import finite_number
from deliberun.jsonable import storable as jsonable  # the name services call
from deliberun.metrics.load import LOAD_MODELS
from deliberun.metrics.splits import whole_km_paces
from deliberun.records import (
    ACTIVITY_FIELDS,
    ActivityRecord,
    ActivitySource,
)
from deliberun.records import SUMMARY_FIELDS as SUMMARY_FIELDS  # the names callers use
from deliberun.records import activity_to_dict as activity_to_dict
from deliberun.records import local_start as local_start
from deliberun.store import verdicts_repo
from deliberun.store.scope import athlete_of
from deliberun.store.streams import decode_stream, encode_stream
from deliberun.store.tables_core import (
    ActivityRow,
    ActivitySourceRow,
    MetricsRow,
    OriginalRow,
    StreamRow,
)

#: Two files are the same run when their starts differ by at most this ...
SAME_RUN_START_S = 60.0
#: ... and their distances by at most this fraction of the longer one.
SAME_RUN_DISTANCE_FRACTION = 0.02


def num(value: Any) -> float | None:
    if value is None:
        return None
    f = float(value)
    return f if math.isfinite(f) else None


# ----------------------------------------------------------------------------- reads


def _filtered(q: Any, since: date | None, until: date | None, sport: str | None) -> Any:
    if since is not None:
        q = q.where(ActivityRow.local_date >= since)
    if until is not None:
        q = q.where(ActivityRow.local_date <= until)
    if sport is not None:
        q = q.where(ActivityRow.sport == sport)
    return q


def list_activities(
    session: Session,
    since: date | None = None,
    until: date | None = None,
    sport: str | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[ActivityRow]:
    """Activities ordered by start time, optionally within local dates ``[since, until]``.

    ``limit``/``offset`` page through the list (in the order given by
    ``newest_first``) in SQL, so a page of a long history reads only its rows.
    The ``structure`` column (laps, pauses, device sessions) is deferred: it is
    loaded on first access while the session is open (``get_activity`` and
    ``load_activity`` load it at once).
    """
    q = select(ActivityRow).options(defer(ActivityRow.structure))
    return list(session.scalars(_listed(q, since, until, sport, limit, offset, newest_first)))


def _listed(
    q: Any,
    since: date | None,
    until: date | None,
    sport: str | None,
    limit: int | None,
    offset: int,
    newest_first: bool,
) -> Any:
    """``q`` filtered, ordered and paged as :func:`list_activities` says."""
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError("limit and offset must be ≥ 0")
    q = _filtered(q, since, until, sport)
    if newest_first:
        q = q.order_by(ActivityRow.start_time.desc(), ActivityRow.id.desc())
    else:
        q = q.order_by(ActivityRow.start_time, ActivityRow.id)
    if limit is not None:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
    return q


def count_activities(
    session: Session,
    since: date | None = None,
    until: date | None = None,
    sport: str | None = None,
) -> int:
    """How many activities ``list_activities`` with the same filters returns."""
    q = _filtered(select(func.count()).select_from(ActivityRow), since, until, sport)
    return int(session.scalar(q) or 0)


def activity_ids_by_start(session: Session) -> list[int]:
    """Every activity id, by start time."""
    return list(session.scalars(select(ActivityRow.id).order_by(ActivityRow.start_time)))


def stream_count(session: Session, id: int) -> int:  # noqa: A002
    """How many streams activity ``id`` has stored."""
    return int(session.scalar(select(func.count()).where(StreamRow.activity_id == int(id))) or 0)


def get_activity(session: Session, id: int) -> ActivityRow | None:  # noqa: A002
    """The table row of the activity with this id, or None (the store's writes and
    tests; a service reads :func:`activity`)."""
    return session.get(ActivityRow, int(id))


#: The columns of an ``ActivityRecord``, in its order: ``ActivityRecord(*values)`` of a
#: row selected with them (a column read builds no ORM object).
ACTIVITY_COLUMNS: tuple[Any, ...] = tuple(getattr(ActivityRow, f) for f in ACTIVITY_FIELDS)


def record_of(row: ActivityRow) -> ActivityRecord:
    """The ``ActivityRecord`` of a table row (``extra`` copied)."""
    values = {f: getattr(row, f) for f in ACTIVITY_FIELDS}
    values["manual"] = bool(row.manual)
    values["extra"] = dict(row.extra or {})
    return ActivityRecord(**values)


def activity(session: Session, id: int) -> ActivityRecord | None:  # noqa: A002
    """The activity with this id, or None."""
    row = session.get(ActivityRow, int(id))
    return record_of(row) if row is not None else None


def activities(
    session: Session,
    since: date | None = None,
    until: date | None = None,
    sport: str | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[ActivityRecord]:
    """Activities ordered by start time, optionally within local dates ``[since, until]``
    (the arguments of :func:`list_activities`); one read of their columns."""
    q = _listed(select(*ACTIVITY_COLUMNS), since, until, sport, limit, offset, newest_first)
    return [ActivityRecord(*r) for r in session.execute(q)]


def activity_structure(session: Session, id: int) -> dict[str, Any]:  # noqa: A002
    """The laps, pauses and device sessions of an activity as stored (``structure_of``;
    {} when none or no such activity)."""
    row = session.get(ActivityRow, int(id))
    return dict(row.structure or {}) if row is not None else {}


def save_activity(session: Session, record: ActivityRecord) -> bool:
    """Write a changed record back (``dataclasses.replace`` of one read here): every
    field that differs from the stored row; ``extra`` through ``jsonable``. False when
    there is no such activity."""
    row = session.get(ActivityRow, int(record.id))
    if row is None:
        return False
    for f in ACTIVITY_FIELDS:
        if f == "id":
            continue
        value = getattr(record, f)
        if f == "extra":
            value = jsonable(value)
        if getattr(row, f) != value:
            setattr(row, f, value)
    return True


def load_streams(session: Session, id: int) -> dict[str, np.ndarray]:  # noqa: A002
    """Every stored stream of an activity as float64 arrays ({} when none)."""
    rows = session.scalars(select(StreamRow).where(StreamRow.activity_id == int(id)))
    return {r.name: decode_stream(r.dtype, r.data, r.n) for r in rows}


def load_activity(session: Session, id: int) -> Activity:  # noqa: A002
    """Rebuild the ``Activity`` (streams, laps, pauses, sessions, extra) from the store.

    Raises
    ------
    KeyError
        When there is no activity with this id.
    """
    row = get_activity(session, id)
    if row is None:
        raise KeyError(f"no activity {id}")
    streams = load_streams(session, row.id)
    if "time" not in streams:
        streams["time"] = np.zeros(0)
    st = row.structure or {}
    return Activity(
        start_time=row.start_time,
        sport=row.sport,
        streams=streams,
        source_format=row.source_format,
        sub_sport=row.sub_sport,
        utc_offset_s=row.utc_offset_s,
        name=row.name,
        description=row.description,
        device=row.device,
        laps=[Lap(**d) for d in st.get("laps", [])],
        pauses=[(float(a), float(b)) for a, b in st.get("pauses", [])],
        sessions=[DeviceSummary(**d) for d in st.get("sessions", [])],
        extra=dict(row.extra or {}),
    )


def get_metrics(session: Session, id: int) -> dict[str, Any]:  # noqa: A002
    """The stored metrics of an activity ({} when none were computed)."""
    row = session.get(MetricsRow, int(id))
    return dict(row.data) if row is not None else {}


def get_metrics_version(session: Session, id: int) -> str | None:  # noqa: A002
    """The METRICS_VERSION the stored metrics were computed with, or None."""
    row = session.get(MetricsRow, int(id))
    return row.version if row is not None else None


def save_metrics(
    session: Session,
    id: int,  # noqa: A002
    metrics: dict[str, Any],
    version: str,
    *,
    now: datetime | None = None,
    clean: bool = True,
) -> None:
    """Store (replace) the metrics of an activity, tagged with the code ``version``.

    ``clean=False`` skips the strict-JSON pass for metrics already cleaned by ``jsonable``.
    """
    now = now or datetime.now(UTC)
    data = jsonable(metrics) if clean else metrics
    columns = metric_columns(data)
    row = session.get(MetricsRow, int(id))
    if row is None:
        row = MetricsRow(activity_id=int(id), data=data, version=version, computed_at=now)
        session.add(row)
    else:
        row.data = data
        row.version = version
        row.computed_at = now
    for name, value in columns.items():
        setattr(row, name, value)
    # the run's stored race verdict and session type rest on these metrics: judged again
    verdicts_repo.forget(session, [int(id)])


#: The load models whose per-activity load is a ``metrics`` column ``load_<model>``.
LOAD_COLUMNS: dict[str, str] = {m: f"load_{m}" for m in LOAD_MODELS}
#: Entries of the metrics document copied into ``athlete_facts`` as they are ...
FACT_KEYS = ("best_efforts_s", "mean_max_speed", "intervals", "hr_best_30s_bpm")
#: ... and the one made from ``splits_km``: paces of the whole-km splits [s/km].
KM_PACES = "km_paces_s_per_km"


def metric_columns(data: dict[str, Any]) -> dict[str, Any]:
    """The columns of a metrics row made from its document: the load of every model
    (``load_<model>``), ``hr_best_30s_bpm``, ``decoupling_pct``, ``efficiency_factor`` and
    ``cadence_avg_spm`` (``cadence.avg_spm``) (None where the value is missing or not a
    finite number, as the JSON-path reads they replace returned nothing), and
    ``athlete_facts`` (:func:`athlete_facts`)."""
    load = data.get("load")
    load = load if isinstance(load, dict) else {}
    out: dict[str, Any] = {col: finite_number(load.get(m)) for m, col in LOAD_COLUMNS.items()}
    out["hr_best_30s_bpm"] = finite_number(data.get("hr_best_30s_bpm"))
    out["decoupling_pct"] = finite_number(data.get("decoupling_pct"))
    out["efficiency_factor"] = finite_number(data.get("efficiency_factor"))
    cadence = data.get("cadence")
    out["cadence_avg_spm"] = finite_number(
        cadence.get("avg_spm") if isinstance(cadence, dict) else None
    )
    out["athlete_facts"] = athlete_facts(data)
    return out


def athlete_facts(data: dict[str, Any]) -> dict[str, Any]:
    """The small part of a metrics document the athlete models and classifiers read
    (``FACT_KEYS`` that are not null, and ``KM_PACES`` when there are ``splits_km``):
    about 1 kB instead of the 11 kB document, most of which is the splits."""
    out = {k: data[k] for k in FACT_KEYS if data.get(k) is not None}
    if data.get("splits_km") is not None:
        out[KM_PACES] = whole_km_paces(data["splits_km"])
    return out


def list_sources(session: Session, id: int) -> list[ActivitySourceRow]:  # noqa: A002
    """The table rows of the files an activity came from, in import order (tests; a
    service reads :func:`sources`)."""
    q = select(ActivitySourceRow).where(ActivitySourceRow.activity_id == int(id))
    return list(session.scalars(q.order_by(ActivitySourceRow.id)))


def _source(row: ActivitySourceRow) -> ActivitySource:
    return ActivitySource(
        int(row.activity_id), row.sha256, row.source_path, row.format, dict(row.meta or {})
    )


def sources(session: Session, id: int) -> list[ActivitySource]:  # noqa: A002
    """The files an activity came from, in import order."""
    return [_source(r) for r in list_sources(session, id)]


def source_of_file(session: Session, sha256: str) -> ActivitySource | None:
    """The activity source made from this original, if it was imported before."""
    row = source_for_sha(session, sha256)
    return _source(row) if row is not None else None


def source_for_sha(session: Session, sha256: str) -> ActivitySourceRow | None:
    """The activity source made from this original, if it was imported before."""
    q = select(ActivitySourceRow).where(ActivitySourceRow.sha256 == sha256)
    return session.scalars(q).first()


def get_original(session: Session, sha256: str) -> bytes | None:
    """The original bytes of an imported file, unchanged (kept after its activity is deleted).

    Originals are shared, content-addressed bytes, not scoped by athlete: the SHA-256 is
    the key, and only an athlete's own activities and sources name it.
    """
    row = session.get(OriginalRow, sha256)
    return row.data if row is not None else None


def find_same_run(
    session: Session, start_time: datetime, distance_m: float | None
) -> ActivityRow | None:
    """An activity that is the same run: start within 60 s and distance within 2 %.

    A missing distance counts as 0 m, so two indoor files without distance match
    on start time alone.
    """
    window = timedelta(seconds=SAME_RUN_START_S)
    q = select(ActivityRow).where(
        ActivityRow.start_time >= start_time - window,
        ActivityRow.start_time <= start_time + window,
    )
    d_new = num(distance_m) or 0.0
    best: ActivityRow | None = None
    best_dt = math.inf
    for row in session.scalars(q):
        d_old = num(row.distance_m) or 0.0
        if abs(d_old - d_new) > SAME_RUN_DISTANCE_FRACTION * max(d_old, d_new):
            continue
        dt = abs((row.start_time - start_time).total_seconds())
        if dt < best_dt:
            best, best_dt = row, dt
    return best


def same_run_id(session: Session, start_time: datetime, distance_m: float | None) -> int | None:
    """The id of the activity :func:`find_same_run` finds, or None."""
    row = find_same_run(session, start_time, distance_m)
    return int(row.id) if row is not None else None


# ----------------------------------------------------------------------------- writes


def add_activity(session: Session, row: ActivityRow) -> int:
    """Add a new activity row and flush it; returns its id."""
    session.add(row)
    session.flush()
    return int(row.id)


def add_source(
    session: Session,
    activity_id: int,
    *,
    sha256: str,
    source_path: str,
    format: str,  # noqa: A002
    meta: dict[str, Any],
) -> None:
    """Record that the file ``sha256`` (read from ``source_path``) is a source of the activity."""
    session.add(
        ActivitySourceRow(
            activity_id=activity_id,
            sha256=sha256,
            source_path=source_path,
            format=format,
            meta=jsonable(meta),
        )
    )


def add_original(session: Session, sha256: str, data: bytes, name: str, now: datetime) -> None:
    """Keep the original bytes (no-op when this SHA-256 is already stored)."""
    if session.get(OriginalRow, sha256) is None:
        session.add(
            OriginalRow(sha256=sha256, data=data, size=len(data), name=name, imported_at=now)
        )
        session.flush()  # the activity rows refer to it (no ORM relationship orders the inserts)


def structure_of(activity: Activity) -> dict[str, Any]:
    """Laps, pauses and device sessions of an activity as JSON."""
    return jsonable(
        {
            "laps": [asdict(lap) for lap in activity.laps],
            "pauses": [list(p) for p in activity.pauses],
            "sessions": [asdict(s) for s in activity.sessions],
        }
    )


def local_date_of(start_time: datetime, utc_offset_s: int | None) -> date:
    """The athlete's local date of a UTC start (UTC date when the offset is unknown)."""
    return (start_time + timedelta(seconds=utc_offset_s or 0)).date()


def fill_from_activity(
    row: ActivityRow,
    activity: Activity,
    summary: dict[str, Any],
    *,
    sha256: str,
    source_path: str,
) -> None:
    """Set the file-derived columns of ``row`` from a parsed activity and its summary."""
    row.start_time = activity.start_time.astimezone(UTC)
    row.utc_offset_s = activity.utc_offset_s
    row.local_date = local_date_of(row.start_time, activity.utc_offset_s)
    row.sport = activity.sport or "other"
    row.sub_sport = activity.sub_sport
    for f in SUMMARY_FIELDS:
        setattr(row, f, num(summary.get(f)))
    row.device = activity.device
    row.source_path = source_path
    row.source_format = activity.source_format
    row.sha256 = sha256
    row.n_samples = activity.n_samples
    row.structure = structure_of(activity)


def replace_streams(session: Session, id: int, streams: dict[str, np.ndarray]) -> None:  # noqa: A002
    """Store the streams of an activity, replacing any stored before."""
    replace_encoded_streams(session, id, encode_streams(streams))


def encode_streams(streams: dict[str, np.ndarray]) -> dict[str, tuple[str, int, bytes]]:
    """``{name: (dtype, n, blob)}``: the stored form (import workers do this off the writer)."""
    out = {}
    for name, values in streams.items():
        dtype, blob = encode_stream(values)
        out[name] = (dtype, len(values), blob)
    return out


def replace_encoded_streams(
    session: Session,
    id: int,  # noqa: A002
    encoded: dict[str, tuple[str, int, bytes]],
) -> None:
    """Store streams already encoded by :func:`encode_streams`, replacing any stored before."""
    session.execute(delete(StreamRow).where(StreamRow.activity_id == int(id)))
    athlete = athlete_of(session)  # a bulk insert does not pass the flush that sets it
    rows = [
        {
            "athlete_id": athlete,
            "activity_id": int(id),
            "name": name,
            "dtype": dt,
            "n": n,
            "data": blob,
        }  # fmt: skip
        for name, (dt, n, blob) in encoded.items()
    ]
    if rows:  # one executemany, not one ORM object per stream
        session.execute(insert(StreamRow), rows)


def delete_activity(session: Session, id: int) -> None:  # noqa: A002
    """Remove an activity with its sources, streams and metrics (originals are kept)."""
    i = int(id)
    verdicts_repo.forget(session, [i])
    session.execute(delete(MetricsRow).where(MetricsRow.activity_id == i))
    session.execute(delete(StreamRow).where(StreamRow.activity_id == i))
    session.execute(delete(ActivitySourceRow).where(ActivitySourceRow.activity_id == i))
    session.execute(delete(ActivityRow).where(ActivityRow.id == i))
