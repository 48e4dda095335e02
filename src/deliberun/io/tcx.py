"""TCX (Garmin Training Center XML v2) reader, streamed with hardened XML.

Reads ``Activity/Lap/Track/Trackpoint``: time, position, ``AltitudeMeters``,
``DistanceMeters``, ``HeartRateBpm``, ``Cadence`` and the ActivityExtension
``TPX`` values (``Speed``, ``RunCadence``, ``Watts``), with or without namespace.
Laps keep their own totals; the sum of the laps is the device summary.

Decisions:

* Several ``<Track>`` elements in one lap (the device paused) -> pauses.
* Several activities: inside a ``MultiSportSession`` they become one
  ``multisport`` Activity (like FIT); otherwise the first activity is read and
  ``extra["skipped_activities"]`` counts the others.
* Point distance is the file's ``DistanceMeters`` (forward-filled over gaps) when
  at least half of the points carry it; else the haversine sum of positions.
* ``RunCadence`` and running ``Cadence`` are strides/min -> steps/min x2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deliberun.io.activity import Activity, DeviceSummary, Lap
from deliberun.io.errors import NotAnActivityError
from deliberun.io.gpx import build_track_activity
from deliberun.io.xmlsafe import feed, local, make_parser, parse_time, to_float

#: TCX ``Sport`` attribute -> our sport names.
TCX_SPORTS: dict[str, str] = {"running": "running", "biking": "cycling", "other": "other"}
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
    "distance",
)
_POINT_TAGS = {
    "Time": "time", "LatitudeDegrees": "latitude", "LongitudeDegrees": "longitude",
    "AltitudeMeters": "altitude", "DistanceMeters": "distance", "Cadence": "cadence",
    "RunCadence": "cadence", "Speed": "speed", "Watts": "power",
}  # fmt: skip
_N = len(_COLS)
_HR = _COLS.index("heart_rate")
_DIST = _COLS.index("distance")
#: local tag inside a ``Trackpoint`` -> column index in :data:`_COLS`.
_OTHER, _VALUE = -1, -2  # codes for other tags and for ``HeartRateBpm/Value``
_POINT_INDEX: dict[str, int] = {
    **{tag: _COLS.index(col) for tag, col in _POINT_TAGS.items()},
    "Value": _VALUE,
}
_LAP_HR = ("AverageHeartRateBpm", "MaximumHeartRateBpm")


@dataclass
class _Act:
    sport: str
    rows: list[list[float]] = field(default_factory=list)
    segs: list[int] = field(default_factory=list)
    laps: list[dict[str, object]] = field(default_factory=list)
    creator: str | None = None
    multisport: bool = False


def read_tcx(path: str | Path) -> Activity:
    """Read a TCX file from disk (see :func:`parse_tcx`)."""
    p = Path(path)
    return parse_tcx(p.read_bytes(), str(p))


def parse_tcx(data: bytes, name: str = "<tcx>") -> Activity:
    """Parse TCX bytes into an Activity.

    Parameters
    ----------
    data : bytes
        TCX document.
    name : str
        Display name for error messages.

    Returns
    -------
    Activity

    Raises
    ------
    NotAnActivityError
        Courses only, or no trackpoint with a time.
    UnsafeInputError, CorruptFileError
        Entity tricks; malformed XML.
    """
    acts: list[_Act] = []
    seg = -1
    nan = float("nan")
    in_multisport = False
    lap: dict[str, object] | None = None
    row: list[float] | None = None
    lap_hr: list[str] = []  # text of the first direct <Value> of a lap's HR element

    keys: dict[str, int] = {}  # expat tag inside a Trackpoint -> column index or code
    names: dict[str, str] = {}  # expat tag -> local tag, computed once per distinct tag
    tags = [""]  # local tags of the open elements outside trackpoints
    depth = 0  # open elements inside the current trackpoint
    leads: list[str] = []  # text before the first child, for open elements that have one
    buf: list[str] = []  # character data since the last tag
    opened = False  # the last event was a start tag
    clear = buf.clear
    join = "".join

    # Hot path: a 1 Hz hour-long run has ~50k elements; inside a trackpoint the
    # handlers only track depth and fill the row (no namespace split, no stack).
    def on_start(raw: str, attrs: dict[str, str]) -> None:
        nonlocal seg, in_multisport, lap, row, opened, depth
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
        parent = tags[-1]
        tags.append(tag)
        if tag == "Trackpoint":
            row = [nan] * _N if acts else None
        elif tag == "MultiSportSession":
            in_multisport = True
        elif tag == "Activity":
            sport = TCX_SPORTS.get((attrs.get("Sport") or "other").lower(), "other")
            acts.append(_Act(sport=sport, multisport=in_multisport))
        elif tag == "Lap" and acts:
            lap = {"start": parse_time(attrs.get("StartTime"))}
            acts[-1].laps.append(lap)
        elif tag == "Track":
            seg += 1
        elif tag in _LAP_HR and parent == "Lap":
            lap_hr.clear()

    def on_end(raw: str) -> None:
        nonlocal row, lap, in_multisport, opened, depth
        text = join(buf) if opened else leads.pop()  # ElementTree's ``elem.text``
        clear()
        opened = False
        if row is not None:
            if depth:
                depth -= 1
                i = keys.get(raw)
                if i is None:
                    i = keys[raw] = _POINT_INDEX.get(local(raw), _OTHER)
                if i > 0:
                    try:  # to_float, inlined: this runs for every point value
                        row[i] = float(text)
                    except ValueError:
                        row[i] = nan
                elif i == 0:
                    t = parse_time(text)
                    row[0] = nan if t is None else t
                elif i == _VALUE and row[_HR] != row[_HR]:
                    row[_HR] = to_float(text)
                return
            if row[0] == row[0]:  # the Trackpoint itself ends
                acts[-1].rows.append(row)
                acts[-1].segs.append(seg)
            row = None
        tag = tags.pop()
        parent = tags[-1]
        if lap is not None and parent == "Lap":
            if tag in ("TotalTimeSeconds", "DistanceMeters", "Intensity", "TriggerMethod"):
                lap[tag] = text.strip() or None
            elif tag in _LAP_HR:
                lap[tag] = lap_hr[0] if lap_hr else None
        elif tag == "Value" and parent in _LAP_HR and not lap_hr:
            lap_hr.append(text)
        elif tag == "Lap":
            lap = None
        elif tag == "Name" and parent == "Creator" and acts and acts[-1].creator is None:
            acts[-1].creator = text.strip() or None
        elif tag == "MultiSportSession":
            in_multisport = False

    parser = make_parser()
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = buf.append
    feed(parser, data, name)
    acts = [a for a in acts if a.rows]
    if not acts:
        raise NotAnActivityError(
            name, "TCX holds no trackpoint with a time (a course or an empty activity)"
        )
    extra: dict[str, object] = {}
    if acts[0].multisport and len(acts) > 1:
        chosen = [a for a in acts if a.multisport]
        sport = "multisport"
        extra["session_sports"] = [a.sport for a in chosen]
    else:
        chosen = acts[:1]
        sport = acts[0].sport
        if len(acts) > 1:
            extra["skipped_activities"] = len(acts) - 1
    tables: list[np.ndarray] = []
    segs: list[int] = []
    offset = 0.0
    for a in chosen:  # a multisport file restarts distance at 0 for each sport
        table = np.array(a.rows, dtype=float)
        d = table[:, _DIST]
        finite_d = d[d == d]
        table[:, _DIST] = d + offset
        offset += float(finite_d.max()) if finite_d.size else 0.0
        tables.append(table)
        segs.extend(a.segs)
    table = np.concatenate(tables)
    cols = {c: table[:, i] for i, c in enumerate(_COLS)}
    dist = cols["distance"]
    finite = np.isfinite(dist)
    distance: np.ndarray | None = None
    if finite.sum() >= 0.5 * len(dist) and finite.any():
        idx = np.where(finite, np.arange(len(dist)), 0)
        np.maximum.accumulate(idx, out=idx)
        distance = np.where(finite[idx], dist[idx], 0.0)
    activity = build_track_activity(
        cols, np.asarray(segs), sport=sport, source_format="tcx", name=None,
        device=chosen[0].creator, extra=extra, distance=distance,
    )  # fmt: skip
    t0 = activity.start_time.timestamp()
    sessions: list[DeviceSummary] = []
    for a in chosen:
        laps = [_lap(lp, t0) for lp in a.laps]
        activity.laps.extend(lp for lp in laps if lp is not None)
        dists = [lp.distance_m for lp in laps if lp is not None and lp.distance_m is not None]
        times = [lp.timer_time_s for lp in laps if lp is not None and lp.timer_time_s is not None]
        maxes = [lp.max_hr_bpm for lp in laps if lp is not None and lp.max_hr_bpm is not None]
        sessions.append(
            DeviceSummary(
                sport=a.sport,
                distance_m=sum(dists) if dists else None,
                timer_time_s=sum(times) if times else None,
                max_hr_bpm=max(maxes) if maxes else None,
            )
        )
    activity.sessions = sessions
    return activity


def _opt(value: object) -> float | None:
    f = to_float(value)
    return f if f == f else None


def _lap(lp: dict[str, object], t0: float) -> Lap | None:
    start = lp.get("start")
    total = _opt(lp.get("TotalTimeSeconds"))
    if not isinstance(start, float) or total is None:
        return None
    dist = _opt(lp.get("DistanceMeters"))
    return Lap(
        start_s=start - t0,
        elapsed_time_s=total,
        timer_time_s=total,
        distance_m=dist,
        avg_hr_bpm=_opt(lp.get("AverageHeartRateBpm")),
        max_hr_bpm=_opt(lp.get("MaximumHeartRateBpm")),
        avg_speed_m_per_s=dist / total if dist is not None and total > 0 else None,
        trigger=str(lp["TriggerMethod"]).lower() if lp.get("TriggerMethod") else None,
        intensity=str(lp["Intensity"]).lower() if lp.get("Intensity") else None,
    )
