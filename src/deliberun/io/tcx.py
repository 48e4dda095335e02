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
from deliberun.io.xmlsafe import iterparse, local, parse_time, to_float

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


@dataclass
class _Act:
    sport: str
    cols: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in _COLS})
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
    stack: list[str] = []
    seg = -1
    nan = float("nan")
    in_multisport = False
    lap: dict[str, object] | None = None
    for event, elem in iterparse(data, name):
        tag = local(elem.tag)
        if event == "start":
            stack.append(tag)
            if tag == "MultiSportSession":
                in_multisport = True
            elif tag == "Activity":
                acts.append(
                    _Act(
                        sport=TCX_SPORTS.get((elem.get("Sport") or "other").lower(), "other"),
                        multisport=in_multisport,
                    )
                )
            elif tag == "Lap" and acts:
                lap = {"start": parse_time(elem.get("StartTime"))}
                acts[-1].laps.append(lap)
            elif tag == "Track":
                seg += 1
            continue
        stack.pop()
        parent = stack[-1] if stack else ""
        if tag == "Trackpoint" and acts:
            row = dict.fromkeys(_COLS, nan)
            for child in elem.iter():
                ctag = local(child.tag)
                key = _POINT_TAGS.get(ctag)
                if key == "time":
                    t = parse_time(child.text)
                    row["time"] = nan if t is None else t
                elif key is not None:
                    row[key] = to_float(child.text)
                elif ctag == "Value" and row["heart_rate"] != row["heart_rate"]:
                    row["heart_rate"] = to_float(child.text)
            if row["time"] == row["time"]:
                a = acts[-1]
                for c in _COLS:
                    a.cols[c].append(row[c])
                a.segs.append(seg)
            elem.clear()
        elif lap is not None and parent == "Lap":
            text = elem.text
            if tag in ("TotalTimeSeconds", "DistanceMeters", "Intensity", "TriggerMethod"):
                lap[tag] = text.strip() if text else None
            elif tag in ("AverageHeartRateBpm", "MaximumHeartRateBpm"):
                value = elem.find("{*}Value")
                if value is None:
                    value = elem.find("Value")
                lap[tag] = value.text if value is not None else None
            elif tag == "Track":
                elem.clear()
        elif tag == "Lap":
            lap = None
        elif tag == "Name" and parent == "Creator" and acts and acts[-1].creator is None:
            acts[-1].creator = (elem.text or "").strip() or None
        elif tag == "MultiSportSession":
            in_multisport = False
    acts = [a for a in acts if a.cols["time"]]
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
    cols: dict[str, list[float]] = {c: [] for c in _COLS}
    segs: list[int] = []
    offset = 0.0
    for a in chosen:  # a multisport file restarts distance at 0 for each sport
        for c in _COLS:
            cols[c].extend(a.cols[c] if c != "distance" else [d + offset for d in a.cols[c]])
        segs.extend(a.segs)
        finite_d = [d for d in a.cols["distance"] if d == d]
        offset += max(finite_d) if finite_d else 0.0
    dist = np.asarray(cols["distance"], dtype=float)
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
