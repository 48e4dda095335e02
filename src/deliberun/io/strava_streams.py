"""Strava API v3 activity + streams -> the same :class:`Activity` the file readers produce.

Pure: JSON-shaped dicts in, an ``Activity`` out (no network, no clock). The inputs are
what Strava's published API v3 returns (https://developers.strava.com/docs/reference/):

* the ``DetailedActivity`` of ``GET /activities/{id}`` (``start_date`` in UTC,
  ``utc_offset``, ``sport_type``/``type``, ``name``, ``description``, ``workout_type``,
  ``gear``, ``device_name``, ``laps``, and for the owner ``private_note`` and
  ``perceived_exertion``);
* the ``StreamSet`` of ``GET /activities/{id}/streams?key_by_type=true``: one object per
  stream type, each with ``data``: ``time`` [s since start], ``distance`` [m], ``latlng``
  [[deg, deg]], ``altitude`` [m], ``velocity_smooth`` [m/s], ``heartrate`` [bpm],
  ``cadence`` [rpm: one foot for runs, so doubled to steps/min like the FIT reader does],
  ``watts`` [W], ``temp`` [deg C], ``moving`` [bool].

A synced run is stored with its original: :func:`strava_document` makes the canonical
JSON bytes of both responses and :func:`read_strava_document` reads them back, so
``deliberun recompute --reparse`` works for synced runs as for files.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import numpy as np

from deliberun.io.activity import Activity, DeviceSummary, Lap
from deliberun.io.errors import CorruptFileError, NotAnActivityError

#: Name suffix of a stored Strava API document (the sniffer reads it back by this name).
STRAVA_JSON_SUFFIX = ".strava.json"
#: Marker in the stored document.
DOCUMENT_FORMAT = "strava-api-v3"

#: Strava ``sport_type``/``type`` -> (sport, sub_sport) in the readers' vocabulary (FIT names).
SPORTS: dict[str, tuple[str, str | None]] = {
    "Run": ("running", None),
    "TrailRun": ("running", "trail"),
    "VirtualRun": ("running", "virtual_activity"),
    "Walk": ("walking", None),
    "Hike": ("hiking", None),
    "Ride": ("cycling", None),
    "VirtualRide": ("cycling", "virtual_activity"),
    "GravelRide": ("cycling", "gravel_cycling"),
    "MountainBikeRide": ("cycling", "mountain"),
    "EBikeRide": ("cycling", "e_bike_fitness"),
    "Swim": ("swimming", None),
    "Rowing": ("rowing", None),
    "NordicSki": ("cross_country_skiing", None),
    "AlpineSki": ("alpine_skiing", None),
    "Workout": ("training", None),
    "WeightTraining": ("training", "strength_training"),
}
#: ``workout_type`` values Strava uses for a race (run: 1, ride: 11).
RACE_WORKOUT_TYPES = frozenset({1, 11})
#: Strava stream key -> our stream name (``latlng`` and ``cadence`` are handled apart).
STREAM_KEYS: dict[str, str] = {
    "time": "time",
    "distance": "distance",
    "altitude": "altitude",
    "velocity_smooth": "speed",
    "heartrate": "heart_rate",
    "watts": "power",
    "temp": "temperature",
}
#: The stream types a sync asks for (``keys=`` of the streams endpoint).
REQUEST_KEYS = (
    "time",
    "distance",
    "latlng",
    "altitude",
    "velocity_smooth",
    "heartrate",
    "cadence",
    "watts",
    "temp",
    "moving",
)


def sport_of(strava_type: str | None) -> tuple[str, str | None]:
    """``(sport, sub_sport)`` for a Strava ``sport_type`` (``other`` when unknown)."""
    if not strava_type:
        return "other", None
    return SPORTS.get(strava_type, (strava_type.lower(), None))


def parse_time(value: Any, what: str = "start_date") -> datetime:
    """A timezone-aware UTC datetime from Strava's ISO 8601 (``...Z``)."""
    if not isinstance(value, str):
        raise CorruptFileError(what, f"{what} missing or not a string")
    t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC)


def _data(streams: dict[str, Any], key: str) -> list[Any] | None:
    s = streams.get(key)
    if isinstance(s, dict):
        d = s.get("data")
        return d if isinstance(d, list) else None
    return None


def _floats(values: list[Any], n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    m = min(n, len(values))
    out[:m] = [np.nan if v is None else float(v) for v in values[:m]]
    return out


def streams_to_arrays(
    streams: dict[str, Any], *, foot: bool
) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Our streams (SI) and the ``moving`` flags from a ``key_by_type`` StreamSet."""
    time = _data(streams, "time")
    if not time:
        raise NotAnActivityError("streams", "no time stream (a manual entry without a recording)")
    n = len(time)
    out: dict[str, np.ndarray] = {"time": _floats(time, n)}
    for key, name in STREAM_KEYS.items():
        if key != "time" and (values := _data(streams, key)) is not None:
            out[name] = _floats(values, n)
    latlng = _data(streams, "latlng")
    if latlng is not None:
        pairs = [p if isinstance(p, list | tuple) and len(p) == 2 else (None, None) for p in latlng]
        out["latitude"] = _floats([p[0] for p in pairs], n)
        out["longitude"] = _floats([p[1] for p in pairs], n)
    cadence = _data(streams, "cadence")
    if cadence is not None:
        c = _floats(cadence, n)
        out["cadence"] = c * 2.0 if foot else c  # Strava: one foot (rpm) for runs
    moving = _data(streams, "moving")
    flags = None
    if moving is not None:
        flags = np.array([bool(v) for v in moving[:n]] + [True] * max(0, n - len(moving)))
    return out, flags


def pauses_of(
    t: np.ndarray, moving: np.ndarray | None, min_gap_s: float
) -> list[tuple[float, float]]:
    """Timer pauses: gaps in the time stream of at least ``min_gap_s`` seconds.

    Strava's streams carry no timer events; a watch stops recording while paused, so a
    pause shows as a jump in ``time``. A jump that ends on a sample Strava marks as not
    moving is a pause too, whatever its length.
    """
    if len(t) < 2:
        return []
    dt = np.diff(t)
    gap = dt >= min_gap_s
    if moving is not None and len(moving) == len(t):
        gap |= (dt > 1.5) & ~moving[1:]
    idx = np.flatnonzero(gap)
    return [(float(t[i]), float(t[i + 1])) for i in idx]


def _laps(detail: dict[str, Any], t: np.ndarray) -> list[Lap]:
    laps = []
    for lap in detail.get("laps") or []:
        if not isinstance(lap, dict):
            continue
        i = lap.get("start_index")
        start_s = float(t[int(i)]) if isinstance(i, int) and 0 <= i < len(t) else 0.0
        laps.append(
            Lap(
                start_s=start_s,
                elapsed_time_s=float(lap.get("elapsed_time") or 0.0),
                timer_time_s=_num(lap.get("moving_time")),
                distance_m=_num(lap.get("distance")),
                avg_hr_bpm=_num(lap.get("average_heartrate")),
                max_hr_bpm=_num(lap.get("max_heartrate")),
                avg_speed_m_per_s=_num(lap.get("average_speed")),
            )
        )
    return laps


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def strava_meta(detail: dict[str, Any]) -> dict[str, Any]:
    """The runner's words and Strava's labels: name, description, RPE, gear, race, notes.

    Keys follow the Strava export's (``deliberun.io.sources.STRAVA_COLUMNS``) so a run
    matched with one imported from the export keeps the same fields.
    """
    strava_type = detail.get("sport_type") or detail.get("type")
    gear = detail.get("gear")
    gear_name = gear.get("name") if isinstance(gear, dict) else None
    workout_type = detail.get("workout_type")
    meta: dict[str, Any] = {
        "strava_id": str(detail.get("id")),
        "name": detail.get("name"),
        "description": detail.get("description"),
        "type": strava_type,
        "gear": gear_name,
        "gear_id": detail.get("gear_id"),
        "perceived_exertion": _num(detail.get("perceived_exertion")),
        "private_note": detail.get("private_note"),
        "workout_type": workout_type if isinstance(workout_type, int) else None,
        "race": workout_type in RACE_WORKOUT_TYPES,
        "commute": detail.get("commute"),
        "private": detail.get("private"),
    }
    return meta


def to_activity(
    detail: dict[str, Any], streams: dict[str, Any], *, pause_gap_s: float = 10.0
) -> Activity:
    """The ``Activity`` of one Strava run from its detail and its ``key_by_type`` streams.

    Raises ``NotAnActivityError`` for an activity without a recording (manual entry) and
    ``CorruptFileError`` for a detail without a start.
    """
    start = parse_time(detail.get("start_date"))
    strava_type = detail.get("sport_type") or detail.get("type")
    sport, sub_sport = sport_of(strava_type)
    if detail.get("trainer") and sport == "running" and sub_sport is None:
        sub_sport = "treadmill"
    from deliberun.io.activity import FOOT_SPORTS

    arrays, moving = streams_to_arrays(streams, foot=sport in FOOT_SPORTS)
    t = arrays["time"]
    offset = _num(detail.get("utc_offset"))
    meta = strava_meta(detail)
    extra: dict[str, Any] = {k: v for k, v in meta.items() if v not in (None, "")}
    extra.pop("name", None)
    extra.pop("description", None)
    extra["source"] = "strava_api"
    summary = DeviceSummary(
        sport=sport,
        distance_m=_num(detail.get("distance")),
        timer_time_s=_num(detail.get("moving_time")),
        elapsed_time_s=_num(detail.get("elapsed_time")),
        avg_hr_bpm=_num(detail.get("average_heartrate")),
        max_hr_bpm=_num(detail.get("max_heartrate")),
        ascent_m=_num(detail.get("total_elevation_gain")),
        avg_cadence_spm=(
            c * 2.0
            if (c := _num(detail.get("average_cadence"))) is not None and sport in FOOT_SPORTS
            else _num(detail.get("average_cadence"))
        ),
    )
    return Activity(
        start_time=start,
        sport=sport,
        sub_sport=sub_sport,
        streams=arrays,
        source_format="strava_api",
        utc_offset_s=int(offset) if offset is not None else None,
        name=detail.get("name") or None,
        description=detail.get("description") or None,
        device=detail.get("device_name") or None,
        laps=_laps(detail, t),
        pauses=pauses_of(t, moving, pause_gap_s),
        sessions=[summary],
        extra=extra,
    )


def strava_document(detail: dict[str, Any], streams: dict[str, Any]) -> bytes:
    """The canonical bytes kept as the original of a synced run (sorted, compact JSON)."""
    doc = {"format": DOCUMENT_FORMAT, "activity": detail, "streams": streams}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")


def read_strava_document(data: bytes, name: str) -> Activity:
    """Read back a document made by :func:`strava_document`."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptFileError(name, f"not a Strava API document ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != DOCUMENT_FORMAT:
        raise CorruptFileError(name, f"not a Strava API document (no format {DOCUMENT_FORMAT!r})")
    detail, streams = doc.get("activity"), doc.get("streams")
    if not isinstance(detail, dict) or not isinstance(streams, dict):
        raise CorruptFileError(name, "Strava API document without activity or streams")
    return to_activity(detail, streams)
