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

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from deliberun.io.activity import FOOT_SPORTS, Activity
from deliberun.io.errors import NotAnActivityError
from deliberun.io.geo import haversine_cumulative
from deliberun.io.jitter import smoothed_distance
from deliberun.io.xmlsafe import feed, local, make_parser, parse_time, to_float

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
_N = len(_COLS)
#: Values outside these bounds are not measurements (a corrupt or hand-edited file):
#: they are read as missing, so no later sum or product can overflow.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "latitude": (-90.0, 90.0),
    "longitude": (-180.0, 180.0),
    "altitude": (-1000.0, 10000.0),  # [m]
    "heart_rate": (0.0, 260.0),  # [bpm]
    "cadence": (0.0, 400.0),  # [1/min]
    "power": (0.0, 5000.0),  # [W]
    "temperature": (-80.0, 80.0),  # [degC]
    "speed": (0.0, 200.0),  # [m/s]
    "distance": (0.0, 1e8),  # [m]
}


def _plausible(key: str, arr: np.ndarray) -> np.ndarray:
    lo, hi = PLAUSIBLE[key]
    with np.errstate(invalid="ignore"):
        bad = (arr < lo) | (arr > hi)
    return np.where(bad, np.nan, arr) if bad.any() else arr


_LAT, _LON, _ALT = 1, 2, 3
#: lower-case local tag inside a ``trkpt`` -> column index in :data:`_COLS`.
_KEY_INDEX: dict[str, int] = {
    "time": 0,
    "ele": _ALT,
    **{tag: _COLS.index(col) for tag, col in _EXT.items()},
}


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
    rows: list[list[float]] = []
    seg_ids: list[int] = []
    seg = -1
    trk_name = meta_name = trk_type = creator = None
    nan = float("nan")
    n_points = 0
    row: list[float] | None = None
    keys: dict[str, int] = {}  # expat tag inside a trkpt -> column index (-1: none)
    names: dict[str, str] = {}  # expat tag -> local tag, computed once per distinct tag
    tags = [""]  # local tags of the open elements outside track points
    depth = 0  # open elements inside the current track point
    leads: list[str] = []  # text before the first child, for open elements that have one
    buf: list[str] = []  # character data since the last tag
    opened = False  # the last event was a start tag
    clear = buf.clear
    join = "".join

    # Hot path: a 1 Hz hour-long run has ~50k elements; inside a track point the
    # handlers only track depth and fill the row (no namespace split, no stack).
    def on_start(raw: str, attrs: dict[str, str]) -> None:
        nonlocal seg, creator, row, n_points, opened, depth
        if opened:
            leads.append(join(buf))
        clear()
        opened = True
        if row is not None:
            depth += 1
            return
        tag = names.get(raw)
        if tag is None:
            tag = names[raw] = local(raw)
        tags.append(tag)
        if tag == "trkpt":
            n_points += 1
            row = [nan] * _N
            row[_LAT] = to_float(attrs.get("lat"))
            row[_LON] = to_float(attrs.get("lon"))
        elif tag == "gpx":
            creator = attrs.get("creator")
        elif tag in ("trkseg", "trk"):
            seg += 1

    def on_end(raw: str) -> None:
        nonlocal row, trk_name, meta_name, trk_type, opened, depth
        text = join(buf) if opened else leads.pop()  # ElementTree's ``elem.text``
        clear()
        opened = False
        if row is not None:
            if depth:
                depth -= 1
                i = keys.get(raw)
                if i is None:
                    i = keys[raw] = _KEY_INDEX.get(local(raw).lower(), -1)
                if i > 0:
                    try:  # to_float, inlined: this runs for every point value
                        row[i] = float(text)
                    except ValueError:  # blank extension values are ignored
                        if i == _ALT or text.strip():
                            row[i] = nan
                elif i == 0:
                    t = parse_time(text)
                    row[0] = nan if t is None else t
                return
            if row[0] == row[0]:  # the trkpt itself ends
                rows.append(row)
                seg_ids.append(seg)
            row = None
        tag = tags.pop()
        parent = tags[-1]
        if tag == "name" and parent == "trk" and trk_name is None:
            trk_name = text.strip() or None
        elif tag == "name" and parent == "metadata":
            meta_name = text.strip() or None
        elif tag == "type" and parent == "trk" and trk_type is None:
            trk_type = text.strip() or None

    parser = make_parser()
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = buf.append
    feed(parser, data, name)
    if not rows:
        what = (
            "track points without times"
            if n_points
            else "no track points (route or waypoints only)"
        )
        raise NotAnActivityError(name, f"GPX holds {what}; nothing to import as an activity")
    table = np.array(rows, dtype=float)
    cols = {c: table[:, i] for i, c in enumerate(_COLS)}
    sport = GPX_SPORTS.get((trk_type or "").lower(), "other")
    return build_track_activity(
        cols, np.asarray(seg_ids), sport=sport, source_format="gpx", name=trk_name or meta_name,
        device=creator, extra={"gpx_type": trk_type} if trk_type else {},
    )  # fmt: skip


def build_track_activity(
    cols: Mapping[str, Sequence[float] | np.ndarray],
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
    measures distance on the smoothed track (``deliberun.io.jitter``; the raw
    haversine sum is kept as ``extra["raw_gps_distance_m"]``) unless ``distance``
    (cumulative [m], the device's) is given,
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
        arr = _plausible(key, np.asarray(cols[key], dtype=float)[keep]) if key in cols else None
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
        dist = _plausible("distance", np.asarray(distance, dtype=float)[keep])
        if np.isfinite(dist).any():
            streams["distance"] = dist
        else:
            distance = None
    pauses: list[tuple[float, float]] = []
    if len(ts) > 1:
        breaks = np.flatnonzero(np.diff(seg_ids) != 0) + 1
        for b in breaks:
            t0, t1 = streams["time"][b - 1], streams["time"][b]
            if t1 > t0:
                pauses.append((float(t0), float(t1)))
    extra = dict(extra)
    if distance is None and "latitude" in streams:
        # raw fixes zig-zag: smoothed, no distance across pauses (deliberun.io.jitter)
        streams["distance"] = smoothed_distance(
            streams["time"], streams["latitude"], streams["longitude"], pauses
        )
        raw = haversine_cumulative(streams["latitude"], streams["longitude"])
        extra["raw_gps_distance_m"] = float(raw[-1]) if len(raw) else 0.0
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
