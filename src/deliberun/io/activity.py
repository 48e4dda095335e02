"""The in-memory activity every reader produces and every later layer consumes.

All values are SI: metres, seconds, metres per second, beats and steps per
minute, degrees for coordinates, degrees Celsius for temperature. Times are
timezone-aware UTC ``datetime`` objects; ``utc_offset_s`` records the local
offset of the athlete when the file tells it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

#: Running sports in the readers' vocabulary (FIT names; the Strava export's "Trail Run"
#: and "Virtual Run" are ``trail_running`` and ``treadmill``). :func:`is_running` is the
#: one test of a run every layer uses.
RUNNING_SPORTS = frozenset({"running", "trail_running", "treadmill"})
#: Sports moved on foot: cadence is in steps (a strides/min recording is doubled), and
#: grade adjustment, best efforts and interval detection apply.
FOOT_SPORTS = RUNNING_SPORTS | {"walking", "hiking"}


def is_running(sport: str | None) -> bool:
    """A run: one of :data:`RUNNING_SPORTS` (any case), or a sport named for running
    that a reader of another vocabulary stored ("run", "Run", "indoor_running", ...).
    Walks, hikes and everything else are not runs."""
    s = (sport or "").lower()
    return s in RUNNING_SPORTS or s.startswith("run") or "running" in s


#: Names of the per-sample streams a reader may fill. ``time`` is always present:
#: seconds since ``Activity.start_time`` (elapsed, pauses included), strictly
#: non-decreasing. Every other stream has the same length, NaN where unknown.
STREAM_NAMES: tuple[str, ...] = (
    "time",  # s since start_time
    "distance",  # m, cumulative
    "speed",  # m/s
    "heart_rate",  # bpm
    "cadence",  # steps/min (readers convert FIT/TCX strides-per-minute x2 when the device says so)
    "altitude",  # m
    "latitude",  # deg
    "longitude",  # deg
    "power",  # W
    "temperature",  # deg C
)


@dataclass
class Lap:
    """One lap as the file recorded it (FIT lap message, TCX Lap)."""

    start_s: float  # s since Activity.start_time
    elapsed_time_s: float
    timer_time_s: float | None = None
    distance_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    avg_speed_m_per_s: float | None = None
    trigger: str | None = None  # manual, distance, time, session_end ...
    intensity: str | None = None  # active, rest, warmup, cooldown (FIT)


@dataclass
class DeviceSummary:
    """What the device itself wrote as the session summary (FIT session, TCX totals).

    Kept as an independent oracle and for display; our own figures come from
    the streams (``deliberun.metrics.summary``).
    """

    sport: str | None = None
    distance_m: float | None = None
    timer_time_s: float | None = None
    elapsed_time_s: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    ascent_m: float | None = None
    descent_m: float | None = None
    avg_cadence_spm: float | None = None


@dataclass
class Activity:
    """One activity read from a file, in SI units."""

    start_time: datetime  # tz-aware UTC
    sport: str  # running, cycling, swimming, walking, hiking, multisport, other ...
    streams: dict[str, np.ndarray]
    source_format: str  # fit, gpx, tcx
    sub_sport: str | None = None
    utc_offset_s: int | None = None  # local time = UTC + offset, when the file says
    name: str | None = None
    description: str | None = None
    device: str | None = None  # "garmin fr935", "wahoo_fitness 28" ...
    laps: list[Lap] = field(default_factory=list)
    #: Timer pauses as (start_s, end_s) since start_time, from FIT timer stop/start events
    #: or TCX/GPX segment breaks.
    pauses: list[tuple[float, float]] = field(default_factory=list)
    #: Device summaries, one per session (multisport files have several).
    sessions: list[DeviceSummary] = field(default_factory=list)
    #: Anything else worth keeping: gear, perceived_exertion (1-10), strava_id, source ...
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.start_time.tzinfo is None:
            raise ValueError("Activity.start_time must be timezone-aware (UTC)")
        if "time" not in self.streams:
            raise ValueError("Activity.streams must contain 'time'")
        n = len(self.streams["time"])
        for key, arr in self.streams.items():
            if len(arr) != n:
                raise ValueError(f"stream {key!r} has {len(arr)} samples, time has {n}")

    @property
    def n_samples(self) -> int:
        return int(len(self.streams["time"]))

    def stream(self, name: str) -> np.ndarray:
        """The named stream, or an all-NaN array of the right length when absent."""
        arr = self.streams.get(name)
        if arr is None:
            return np.full(self.n_samples, np.nan)
        return arr
