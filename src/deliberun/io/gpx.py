"""GPX 1.0 / 1.1 track reader (streamed, hardened XML).

Reads every ``trk/trkseg/trkpt`` of every track: position, ``ele``, ``time`` and
the extension values Garmin (``TrackPointExtension`` v1/v2/v3: ``hr``, ``cad``,
``atemp``, ``speed``), Strava, Suunto and others write (``heartrate``,
``cadence``, ``power``/``watts``, ``temp``), whatever their namespace. A break
between two segments (or tracks) with a time gap is a pause. Points without a
time are skipped; points whose time goes backwards are dropped. Distance is the
haversine sum of the positions (:mod:`deliberun.io.geo`).

Cadence: Garmin writes the FIT value (strides/min for running); for foot sports
the ``cadence`` stream is steps/min (x2), as for FIT.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from deliberun.io.activity import Activity
from deliberun.io.errors import NotAnActivityError
from deliberun.io.geo import haversine_cumulative
from deliberun.io.xmlsafe import iterparse, local, parse_time, to_float

FOOT_SPORTS = frozenset({"running", "walking", "hiking"})
#: GPX ``trk/type`` values (lower case) -> our sport names. Strava writes numbers
#: (its activity type ids: 1 ride, 9 run, 10 walk, 4 hike).
GPX_SPORTS: dict[str, str] = {
    "running": "running", "run": "running", "9": "running", "trail_running": "running",
    "cycling": "cycling", "biking": "cycling", "ride": "cycling", "1": "cycling", "road_biking": "cycling",
    "walking": "walking", "walk": "walking", "10": "walking",
    "hiking": "hiking", "hike": "hiking", "4": "hiking",
    "swimming": "swimming", "swim": "swimming",
}  # fmt: skip
_EXT = {
    "hr": "heart_rate", "heartrate": "heart_rate",
    "cad": "cadence", "cadence": "cadence", "runcadence": "cadence",
    "power": "power", "watts": "power",
    "atemp": "temperature", "temp": "temperature", "temperature": "temperature",
    "speed": "speed",
}  # fmt: skip
_COLS = (
    "time",
    "latitude",
    "longitude",
    "altitude",
    "heart_rate",
    "cadence",
    "power",
    "temperature",
    "speed",
)


def read_gpx(path: str | Path) -> Activity:
    """Read a GPX file from disk (see :func:`parse_gpx`)."""
    p = Path(path)
    return parse_gpx(p.read_bytes(), str(p))


def parse_gpx(data: bytes, name: str = "<gpx>") -> Activity:
    """Parse GPX bytes into an Activity.

    Parameters
    ----------
    data : bytes
        GPX 1.0 or 1.1 document.
    name : str
        Display name for error messages.

    Returns
    -------
    Activity

    Raises
    ------
    NotAnActivityError
        No track point with a time (routes, waypoints, drawn tracks).
    UnsafeInputError, CorruptFileError
        Entity tricks; malformed XML.
    """
    cols: dict[str, list[float]] = {c: [] for c in _COLS}
    seg_ids: list[int] = []
    seg = -1
    stack: list[str] = []
    trk_name = meta_name = trk_type = creator = None
    nan = float("nan")
    n_points = 0
    for event, elem in iterparse(data, name):
        tag = local(elem.tag)
        if event == "start":
            stack.append(tag)
            if tag == "gpx":
                creator = elem.get("creator")
            elif tag in ("trkseg", "trk"):
                seg += 1
            continue
        stack.pop()
        parent = stack[-1] if stack else ""
        if tag == "trkpt":
            n_points += 1
            row = dict.fromkeys(_COLS, nan)
            row["latitude"] = to_float(elem.get("lat"))
            row["longitude"] = to_float(elem.get("lon"))
            for child in elem.iter():
                ctag = local(child.tag).lower()
                if ctag == "time":
                    t = parse_time(child.text)
                    row["time"] = nan if t is None else t
                elif ctag == "ele":
                    row["altitude"] = to_float(child.text)
                else:
                    key = _EXT.get(ctag)
                    if key is not None and child.text and child.text.strip():
                        row[key] = to_float(child.text)
            if row["time"] == row["time"]:
                for c in _COLS:
                    cols[c].append(row[c])
                seg_ids.append(seg)
            elem.clear()
        elif tag == "name" and parent == "trk" and trk_name is None:
            trk_name = (elem.text or "").strip() or None
        elif tag == "name" and parent == "metadata":
            meta_name = (elem.text or "").strip() or None
        elif tag == "type" and parent == "trk" and trk_type is None:
            trk_type = (elem.text or "").strip() or None
        elif tag == "trkseg":
            elem.clear()
    if not cols["time"]:
        what = (
            "track points without times"
            if n_points
            else "no track points (route or waypoints only)"
        )
        raise NotAnActivityError(name, f"GPX holds {what}; nothing to import as an activity")
    sport = GPX_SPORTS.get((trk_type or "").lower(), "other")
    return build_track_activity(
        cols, np.asarray(seg_ids), sport=sport, source_format="gpx", name=trk_name or meta_name,
        device=creator, extra={"gpx_type": trk_type} if trk_type else {},
    )  # fmt: skip


def build_track_activity(
    cols: dict[str, list[float]],
    seg_ids: np.ndarray,
    *,
    sport: str,
    source_format: str,
    name: str | None,
    device: str | None,
    extra: dict[str, object],
    distance: np.ndarray | None = None,
) -> Activity:
    """Assemble an Activity from point columns (shared by GPX and TCX).

    Drops points whose time goes backwards, makes pauses from segment breaks,
    measures distance by haversine unless ``distance`` (cumulative [m]) is given,
    and converts foot-sport cadence from strides/min to steps/min.
    """
    ts = np.asarray(cols["time"], dtype=float)
    keep = ts >= np.maximum.accumulate(ts)
    ts = ts[keep]
    seg_ids = seg_ids[keep]
    start = float(ts[0])
    streams: dict[str, np.ndarray] = {"time": ts - start}
    for key in (
        "latitude",
        "longitude",
        "altitude",
        "heart_rate",
        "cadence",
        "power",
        "temperature",
        "speed",
    ):
        arr = np.asarray(cols[key], dtype=float)[keep] if key in cols else None
        if arr is not None and np.isfinite(arr).any():
            streams[key] = arr
    if "heart_rate" in streams:
        hr = streams["heart_rate"]
        streams["heart_rate"] = np.where(hr > 0, hr, np.nan)
    if "cadence" in streams and sport in FOOT_SPORTS:
        streams["cadence"] = streams["cadence"] * 2.0
    if "latitude" not in streams or "longitude" not in streams:
        streams.pop("latitude", None)
        streams.pop("longitude", None)
    if distance is not None:
        dist = np.asarray(distance, dtype=float)[keep]
        if np.isfinite(dist).any():
            streams["distance"] = dist
    elif "latitude" in streams:
        streams["distance"] = haversine_cumulative(streams["latitude"], streams["longitude"])
    pauses: list[tuple[float, float]] = []
    if len(ts) > 1:
        breaks = np.flatnonzero(np.diff(seg_ids) != 0) + 1
        for b in breaks:
            t0, t1 = streams["time"][b - 1], streams["time"][b]
            if t1 > t0:
                pauses.append((float(t0), float(t1)))
    return Activity(
        start_time=datetime.fromtimestamp(start, tz=UTC),
        sport=sport,
        streams=streams,
        source_format=source_format,
        name=name,
        device=device,
        pauses=pauses,
        extra=dict(extra),
    )
