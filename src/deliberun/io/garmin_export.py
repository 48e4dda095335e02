"""Garmin Connect export: the activity summaries that come with the FIT files.

Garmin's "Export your data" archive holds the original FIT files in
``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_*.zip`` and, beside them, what
Garmin Connect knows of each activity in
``DI_CONNECT/DI-Connect-Fitness/<user>_<n>_summarizedActivities.json``: a list
``[{"summarizedActivitiesExport": [{...}, ...]}]`` of one object per activity.
This module turns those objects into the metadata a source carries (the name the
runner gave it, Garmin's activity type and the device's summary), keyed by the
activity id and by the start time, so each FIT file can be joined to its entry.

Units as Garmin writes them (and as assumed here): ``distance``, ``elevationGain``
and ``elevationLoss`` in centimetres; ``duration`` (timer), ``elapsedDuration`` and
``movingDuration`` in milliseconds; ``startTimeGmt`` and ``beginTimestamp`` in
milliseconds since the Unix epoch (UTC); ``avgHr``/``maxHr`` in beats per minute.
They are stored in SI units under ``garmin_*`` keys (``garmin_distance_m``,
``garmin_moving_time_s`` ...), as the Strava export's own figures are under
``strava_*``. Pure: bytes in, dictionaries out.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

#: Seconds between a FIT file's start and its entry's start still taken as one activity.
START_TOLERANCE_S = 60.0

#: Garmin field -> (meta key, factor to SI).
SUMMARY_FIELDS: dict[str, tuple[str, float]] = {
    "distance": ("garmin_distance_m", 0.01),
    "duration": ("garmin_timer_time_s", 0.001),
    "elapsedDuration": ("garmin_elapsed_time_s", 0.001),
    "movingDuration": ("garmin_moving_time_s", 0.001),
    "elevationGain": ("garmin_elevation_gain_m", 0.01),
    "elevationLoss": ("garmin_elevation_loss_m", 0.01),
    "avgHr": ("garmin_avg_hr_bpm", 1.0),
    "maxHr": ("garmin_max_hr_bpm", 1.0),
}


def is_summary_name(name: str) -> bool:
    """True for a ``..._summarizedActivities.json`` file name (any folder, any case)."""
    low = PurePosixPath(name.replace("\\", "/")).name.lower()
    return low.endswith(".json") and "summarizedactivities" in low


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _start(entry: dict[str, Any]) -> datetime | None:
    """The start (UTC) from ``startTimeGmt`` or ``beginTimestamp`` (ms epoch, or text)."""
    for key in ("startTimeGmt", "beginTimestamp"):
        value = entry.get(key)
        ms = _number(value)
        if ms is not None:
            try:
                return datetime.fromtimestamp(ms / 1000.0, tz=UTC)
            except (OverflowError, OSError, ValueError):
                continue
        if isinstance(value, str) and value.strip():
            try:
                t = datetime.fromisoformat(value.strip().replace(" ", "T").replace("Z", "+00:00"))
            except ValueError:
                continue
            return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    return None


def _type(entry: dict[str, Any]) -> str | None:
    value = entry.get("activityType")
    if isinstance(value, dict):  # the Connect API nests it: {"typeKey": "running", ...}
        value = value.get("typeKey")
    if not isinstance(value, str) or not value.strip():
        value = entry.get("sportType")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def entry_meta(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The source metadata of one ``summarizedActivitiesExport`` object (None if unusable).

    Keys: ``garmin_id``, ``name``, ``description``, ``garmin_type``, ``start_time``
    (ISO 8601 UTC) and the summary fields of :data:`SUMMARY_FIELDS` in SI units;
    absent or non-numeric values are left out.
    """
    if not isinstance(entry, dict):
        return None
    raw_id = entry.get("activityId")
    try:
        activity_id = int(raw_id) if not isinstance(raw_id, bool) and raw_id is not None else None
    except (TypeError, ValueError):
        activity_id = None
    start = _start(entry)
    if activity_id is None and start is None:
        return None
    meta: dict[str, Any] = {"source": "garmin_export"}
    if activity_id is not None:
        meta["garmin_id"] = activity_id
    for key in ("name", "description"):
        text = entry.get(key)
        if isinstance(text, str) and text.strip():
            meta[key] = text.strip()
    kind = _type(entry)
    if kind:
        meta["garmin_type"] = kind
    if start is not None:
        meta["start_time"] = start.isoformat()
    for garmin_key, (key, factor) in SUMMARY_FIELDS.items():
        v = _number(entry.get(garmin_key))
        if v is not None:
            meta[key] = round(v * factor, 3)
    return meta


def _entries(doc: Any) -> list[Any]:
    """The activity objects of a file: ``[{"summarizedActivitiesExport": [...]}]`` (or a bare list)."""
    chunks = doc if isinstance(doc, list) else [doc]
    out: list[Any] = []
    for chunk in chunks:
        if isinstance(chunk, dict) and isinstance(chunk.get("summarizedActivitiesExport"), list):
            out.extend(chunk["summarizedActivitiesExport"])
        elif isinstance(chunk, dict) and "activityId" in chunk:
            out.append(chunk)
    return out


@dataclass
class GarminIndex:
    """The summaries of an export, found by activity id or by start time."""

    by_id: dict[int, dict[str, Any]] = field(default_factory=dict)
    _starts: list[float] = field(default_factory=list)
    _at_start: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.by_id) + sum(1 for m in self._at_start if "garmin_id" not in m)

    def add_json(self, data: bytes) -> int:
        """Read one ``summarizedActivities.json``; returns how many entries it held.

        A file that is not JSON (or not this layout) adds nothing: the FIT files
        still import, without their names.
        """
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            return 0
        n = 0
        for entry in _entries(doc):
            meta = entry_meta(entry)
            if meta is None:
                continue
            n += 1
            if "garmin_id" in meta:
                self.by_id[meta["garmin_id"]] = meta
            if "start_time" in meta:
                t = datetime.fromisoformat(meta["start_time"]).timestamp()
                i = bisect.bisect(self._starts, t)
                self._starts.insert(i, t)
                self._at_start.insert(i, meta)
        return n

    def for_name(self, name: str) -> dict[str, Any] | None:
        """The entry whose activity id is a number in the file name (``user_<id>.fit``)."""
        base = PurePosixPath(name.replace("\\", "/")).name
        base = base[:-3] if base.lower().endswith(".gz") else base
        stem = base.rsplit(".", 1)[0]  # "runner@example.com_123.fit" -> "runner@example.com_123"
        for digits in reversed(re.findall(r"\d+", stem)):
            hit = self.by_id.get(int(digits))
            if hit is not None:
                return dict(hit)
        return None

    def for_start(self, start: datetime) -> dict[str, Any] | None:
        """The entry that starts within :data:`START_TOLERANCE_S` of ``start`` (the nearest)."""
        if not self._starts:
            return None
        t = start.timestamp()
        i = bisect.bisect(self._starts, t)
        near = [j for j in (i - 1, i) if 0 <= j < len(self._starts)]
        j = min(near, key=lambda k: abs(self._starts[k] - t))
        if abs(self._starts[j] - t) > START_TOLERANCE_S:
            return None
        return dict(self._at_start[j])
