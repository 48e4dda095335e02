"""The writer-neutral description of one recorded activity (1 Hz samples, SI units)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np


@dataclass
class TrackLap:
    """One lap: sample indices ``[start, end)`` and what the device would call it."""

    start: int
    end: int
    intensity: str = "active"  # active | rest | warmup | cooldown
    trigger: str = "manual"  # manual | distance | time | session_end


@dataclass
class Track:
    """What a watch recorded: 1 Hz arrays of equal length, NaN where absent.

    ``time`` is seconds since ``start_time`` (tz-aware UTC); ``cadence`` is in
    steps per minute as the runner ran it; ``cadence_strides`` tells the writers
    that this device records strides per minute (half the steps) *in a format that
    normally holds steps*, i.e. the "odd device" whose cadence reads halved.
    """

    start_time: datetime
    time: np.ndarray  # s
    distance: np.ndarray  # m, cumulative
    speed: np.ndarray  # m/s
    heart_rate: np.ndarray  # bpm
    cadence: np.ndarray  # steps/min
    altitude: np.ndarray  # m
    latitude: np.ndarray  # deg
    longitude: np.ndarray  # deg
    temperature: np.ndarray  # deg C
    utc_offset_s: int = 0
    name: str = "Run"
    sport: str = "running"
    device: str = "garmin"  # garmin | odd
    laps: list[TrackLap] = field(default_factory=list)
    cadence_strides: bool = False

    def __post_init__(self) -> None:
        if self.start_time.tzinfo is None:
            raise ValueError("Track.start_time must be timezone-aware (UTC)")
        n = len(self.time)
        for name in ("distance", "speed", "heart_rate", "cadence", "altitude", "latitude"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"Track.{name} has a different length from time ({n})")
        if not self.laps:
            self.laps = [TrackLap(0, n, "active", "session_end")]
        for lap in self.laps:
            if not 0 <= lap.start < lap.end <= n:
                raise ValueError(f"lap [{lap.start}, {lap.end}) is outside the {n} samples")
