"""Fill the Strava stand-in with real runs: activity files -> Strava API v3 shapes.

A file is read by deliberun's own reader, then turned into what Strava's API would serve
for it: a ``DetailedActivity`` (the Strava export's ``activities.csv`` gives the id,
name, type, description, gear, private note, perceived exertion and Strava's own
distance and times) and a ``key_by_type`` ``StreamSet`` of the file's samples (cadence
halved to one foot for runs, as Strava reports it; ``moving`` from speed and the timer
pauses). Reading the same files directly must then give the same run as syncing them.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from deliberun.io.activity import FOOT_SPORTS, Activity

#: Our sport -> Strava sport_type.
STRAVA_TYPES = {
    "running": "Run",
    "walking": "Walk",
    "hiking": "Hike",
    "cycling": "Ride",
    "swimming": "Swim",
    "training": "Workout",
}


@dataclass
class StandinActivity:
    """One activity as the stand-in serves it."""

    detail: dict[str, Any]
    streams: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.detail["id"])

    @property
    def start(self) -> datetime:
        return datetime.fromisoformat(str(self.detail["start_date"]).replace("Z", "+00:00"))


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _list(a: np.ndarray) -> list[Any]:
    return [
        None if not math.isfinite(v) else (int(v) if float(v).is_integer() else float(v))
        for v in a.tolist()
    ]


def streams_of(act: Activity) -> dict[str, Any]:
    """The ``key_by_type`` StreamSet Strava would serve for this activity's samples."""
    t = act.stream("time")
    n = len(t)
    out: dict[str, Any] = {}

    def put(key: str, values: list[Any]) -> None:
        out[key] = {"data": values, "series_type": "time", "original_size": n, "resolution": "high"}

    put("time", _list(t))
    pairs = {
        "distance": "distance",
        "altitude": "altitude",
        "velocity_smooth": "speed",
        "heartrate": "heart_rate",
        "watts": "power",
        "temp": "temperature",
    }
    for key, name in pairs.items():
        a = act.streams.get(name)
        if a is not None and np.isfinite(a).any():
            put(key, _list(a))
    cad = act.streams.get("cadence")
    if cad is not None and np.isfinite(cad).any():
        put("cadence", _list(cad / 2.0 if act.sport in FOOT_SPORTS else cad))
    lat, lon = act.streams.get("latitude"), act.streams.get("longitude")
    if lat is not None and lon is not None and np.isfinite(lat).any():
        put(
            "latlng",
            [
                None if not (math.isfinite(a) and math.isfinite(b)) else [float(a), float(b)]
                for a, b in zip(lat.tolist(), lon.tolist(), strict=True)
            ],
        )
    speed = act.stream("speed")
    moving = np.where(np.isfinite(speed), speed >= 0.5, True)
    for p0, p1 in act.pauses:
        moving &= ~((t > p0) & (t <= p1))
    put("moving", [bool(v) for v in moving.tolist()])
    return out


def detail_of(
    act: Activity, strava_id: int, summary: dict[str, Any], meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A ``DetailedActivity`` for this activity (Strava's figures from ``meta`` when known)."""
    meta = meta or {}
    offset = act.utc_offset_s or 0
    local = act.start_time.astimezone(timezone(timedelta(seconds=offset)))
    strava_type = meta.get("type") or STRAVA_TYPES.get(act.sport, "Workout")
    t = act.stream("time")
    laps = []
    for i, lap in enumerate(act.laps):
        idx = int(np.searchsorted(t, lap.start_s)) if len(t) else 0
        laps.append(
            {
                "id": strava_id * 100 + i,
                "name": f"Lap {i + 1}",
                "lap_index": i + 1,
                "start_index": idx,
                "elapsed_time": round(lap.elapsed_time_s or 0),
                "moving_time": round(lap.timer_time_s or lap.elapsed_time_s or 0),
                "distance": lap.distance_m,
                "average_heartrate": lap.avg_hr_bpm,
                "max_heartrate": lap.max_hr_bpm,
                "average_speed": lap.avg_speed_m_per_s,
            }
        )

    def f(key: str) -> Any:
        v = meta.get(key)
        return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v

    gear = meta.get("gear")
    gear_id = f"g{zlib.crc32(str(gear).encode()) % 10**7}" if gear else None
    rpe = f("perceived_exertion")
    return {
        "resource_state": 3,
        "id": strava_id,
        "external_id": meta.get("filename") or f"{strava_id}.fit",
        "athlete": {"id": 1, "resource_state": 1},
        "name": meta.get("name") or f"{local:%A} {strava_type}",
        "description": meta.get("description"),
        "type": strava_type,
        "sport_type": strava_type,
        "workout_type": 1 if meta.get("race") else (0 if strava_type == "Run" else None),
        "start_date": _iso(act.start_time),
        "start_date_local": local.replace(tzinfo=None).isoformat() + "Z",
        "timezone": f"(GMT{offset // 3600:+03d}:00) Etc/Unknown",
        "utc_offset": float(offset),
        "distance": f("strava_distance_m") or summary.get("distance_m") or 0.0,
        "moving_time": round(f("strava_moving_time_s") or summary.get("moving_time_s") or 0),
        "elapsed_time": round(f("strava_elapsed_time_s") or summary.get("elapsed_time_s") or 0),
        "total_elevation_gain": f("strava_elevation_gain_m") or summary.get("ascent_m") or 0.0,
        "average_heartrate": summary.get("avg_hr_bpm"),
        "max_heartrate": summary.get("max_hr_bpm"),
        "has_heartrate": summary.get("avg_hr_bpm") is not None,
        "device_name": act.device,
        "trainer": act.sub_sport in ("treadmill", "indoor_running"),
        "commute": str(meta.get("commute")).lower() == "true",
        "manual": False,
        "private": False,
        "gear_id": gear_id,
        "gear": {"id": gear_id, "name": gear, "resource_state": 2} if gear else None,
        "perceived_exertion": rpe,
        "private_note": meta.get("private_note"),
        "laps": laps,
    }


def summary_of(detail: dict[str, Any]) -> dict[str, Any]:
    """The ``SummaryActivity`` (list item) of a detail: no description, gear or laps."""
    hidden = {"description", "gear", "laps", "perceived_exertion", "private_note", "device_name"}
    out = {k: v for k, v in detail.items() if k not in hidden}
    out["resource_state"] = 2
    return out


def from_file(path: Path, strava_id: int, meta: dict[str, Any] | None = None) -> StandinActivity:
    """Read one activity file and make its stand-in activity."""
    from deliberun.io import read_bytes
    from deliberun.metrics.summary import summarize

    act = read_bytes(path.read_bytes(), str(path))
    summary = dict(summarize(act))
    return StandinActivity(detail_of(act, strava_id, summary, meta), streams_of(act))


def from_strava_export(
    folder: Path, limit: int | None = None, sport: str | None = "Run"
) -> list[StandinActivity]:
    """The runs of a Strava bulk export (``activities.csv`` + ``activities/``), oldest first."""
    from deliberun.io.sources import parse_strava_csv

    metas = parse_strava_csv((folder / "activities.csv").read_text(encoding="utf-8"))
    out = []
    for filename, meta in metas.items():
        path = folder / filename
        if not path.is_file() or (sport is not None and meta.get("type") != sport):
            continue
        meta = dict(meta, filename=filename)
        out.append(from_file(path, int(str(meta["strava_id"])), meta))
    out.sort(key=lambda a: a.start)
    return out[:limit] if limit is not None else out


def replicate(
    base: list[StandinActivity], n: int, first_id: int = 9_000_000_000
) -> list[StandinActivity]:
    """``n`` activities made by repeating ``base`` one week apart per round (new ids and
    starts, the same streams objects: a big stand-in costs the memory of ``base``)."""
    out = []
    span = (base[-1].start - base[0].start) + timedelta(days=7)
    for i in range(n):
        src = base[i % len(base)]
        shift = span * (i // len(base))
        start = src.start + shift
        d = dict(
            src.detail, id=first_id + i, start_date=_iso(start), name=f"{src.detail['name']} #{i}"
        )
        out.append(StandinActivity(d, src.streams))
    return out
