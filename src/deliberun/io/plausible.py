"""Bounds on what a file may claim: dates a runner can have run on, durations a run can last.

A device with an unset clock writes year 0001 or 1989; a 32-bit timestamp read
with the wrong sign lands in 2106; a corrupt record claims an 8,000-year run.
Such a file is refused with a plain reason instead of being stored (it would
sit first or last in every chart and break date arithmetic later). Pure: the
latest allowed date is passed in (the importer gives tomorrow + 1 day).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from deliberun.io.activity import Activity
from deliberun.io.errors import CorruptFileError

#: No GPS running watch recorded before this year.
EARLIEST = date(1990, 1, 1)
#: Longest plausible activity (multi-day ultras included) [s].
MAX_ELAPSED_S = 10 * 86400.0


def check_activity(activity: Activity, path: str, latest: date | None) -> None:
    """Raise ``CorruptFileError`` when the start date or duration is impossible."""
    start = activity.start_time.date()
    if start < EARLIEST:
        raise CorruptFileError(
            path,
            f"start time {start.isoformat()} is before {EARLIEST.year}: "
            "the device clock was not set; nothing imported",
        )
    if latest is not None and start > latest:
        raise CorruptFileError(
            path,
            f"start time {start.isoformat()} is in the future (after {latest}): "
            "the device clock or the file is wrong; nothing imported",
        )
    t = activity.streams.get("time")
    if t is not None and len(t):
        span = float(np.nanmax(t)) if np.isfinite(t).any() else 0.0
        if span > MAX_ELAPSED_S:
            raise CorruptFileError(
                path,
                f"elapsed time of {span / 86400:.0f} days is implausible (over "
                f"{MAX_ELAPSED_S / 86400:.0f}); the file's timestamps are damaged",
            )


#: Fastest plausible sample speed for any sport recorded here [m/s] (cycling descents
#: included); a faster sample is a decoding or GPS fault.
MAX_SPEED_M_S = 40.0
#: Device summary fields and their plausible range (SI).
SUMMARY_BOUNDS: dict[str, tuple[float, float]] = {
    "distance_m": (0.0, 1_000_000.0),
    "timer_time_s": (0.0, MAX_ELAPSED_S),
    "elapsed_time_s": (0.0, MAX_ELAPSED_S),
    "avg_hr_bpm": (20.0, 250.0),
    "max_hr_bpm": (20.0, 250.0),
    "ascent_m": (0.0, 100_000.0),
    "descent_m": (0.0, 100_000.0),
    "avg_cadence_spm": (0.0, 400.0),
}


def clean_activity(activity: Activity) -> list[str]:
    """Blank impossible values in place; returns what was cleaned (kept in ``extra``).

    Speed samples over ``MAX_SPEED_M_S`` and negative or non-finite distances become
    NaN (the metrics layer then treats them as gaps, as it does GPS spikes); a device
    summary value out of range (a NaN distance, a 1000 m/s average) is dropped.
    """
    notes: list[str] = []
    speed = activity.streams.get("speed")
    if speed is not None and len(speed):
        bad = ~np.isnan(speed) & ((speed > MAX_SPEED_M_S) | (speed < 0) | ~np.isfinite(speed))
        if bad.any():
            speed = speed.astype(float, copy=True)
            speed[bad] = np.nan
            activity.streams["speed"] = speed
            notes.append(f"{int(bad.sum())} speed samples over {MAX_SPEED_M_S:g} m/s or negative")
    dist = activity.streams.get("distance")
    if dist is not None and len(dist):
        bad = ~np.isnan(dist) & ((dist < 0) | ~np.isfinite(dist))
        if bad.any():
            dist = dist.astype(float, copy=True)
            dist[bad] = np.nan
            activity.streams["distance"] = dist
            notes.append(f"{int(bad.sum())} negative or infinite distance samples")
    for session in activity.sessions:
        for key, (lo, hi) in SUMMARY_BOUNDS.items():
            value = getattr(session, key, None)
            if value is None:
                continue
            if not (np.isfinite(value) and lo <= value <= hi):
                setattr(session, key, None)
                notes.append(f"device {key} {value!r} out of range")
    if notes:
        activity.extra["cleaned"] = notes
    return notes
