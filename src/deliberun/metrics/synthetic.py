"""Synthetic runs with a known structure, for tests and benchmarks.

``synthetic_run`` builds a 1 Hz ``Activity`` from segments such as
``[("distance", 2000, 3.0), ("distance", 800, 4.6), ("time", 120, 2.2), ...]``
(kind, amount in m or s, speed in m/s). Heart rate follows speed through a
first-order lag (time constant ``hr_tau_s``), like a real heart.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from scipy.signal import lfilter

from deliberun.io.activity import Activity

Segment = tuple[str, float, float]


def _noisy(speed: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Speed times (1 + smoothed Gaussian noise), never negative."""
    eps = rng.normal(0.0, noise, len(speed))
    if len(speed) > 6:
        eps = np.convolve(eps, np.ones(5) / 5 * np.sqrt(5), mode="same")
    return np.asarray(np.maximum(speed * (1.0 + eps), 0.0), dtype=float)


def workout_segments(
    reps: int,
    rep_m: float,
    rep_speed: float,
    *,
    recovery: tuple[str, float, float] = ("distance", 400.0, 2.4),
    warmup_m: float = 2000.0,
    cooldown_m: float = 1500.0,
    easy_speed: float = 3.0,
) -> list[Segment]:
    """Warm-up, ``reps`` x ``rep_m`` at ``rep_speed`` with recoveries, cool-down."""
    segs: list[Segment] = [("distance", warmup_m, easy_speed)]
    for i in range(reps):
        segs.append(("distance", rep_m, rep_speed))
        if i + 1 < reps:
            segs.append(recovery)
    segs.append(("distance", cooldown_m, easy_speed))
    return segs


def synthetic_run(
    segments: list[Segment],
    *,
    seed: int = 0,
    noise: float = 0.03,
    hr_rest: float = 50.0,
    hr_max: float = 190.0,
    hr_tau_s: float = 25.0,
    altitude_amplitude_m: float = 0.0,
    cadence_spm: float | None = 170.0,
    sport: str = "running",
    start_time: datetime | None = None,
) -> Activity:
    """A 1 Hz synthetic activity following ``segments``.

    Parameters
    ----------
    segments : list of (str, float, float)
        ("distance", metres, speed) or ("time", seconds, speed); speed [m/s].
    seed : int
        Random seed for the noise.
    noise : float
        Relative speed noise (standard deviation of a 5 s smoothed Gaussian factor).
    hr_rest, hr_max : float
        [bpm]; HR target is linear in speed between 0 and 6 m/s.
    hr_tau_s : float
        Heart-rate lag time constant [s].
    altitude_amplitude_m : float
        Amplitude of a 2 km-period sine hill profile [m]; 0 = flat.
    cadence_spm : float or None
        Base cadence [steps/min]; None leaves the stream out.
    sport : str
    start_time : datetime, optional
        Defaults to 2026-01-05 07:00 UTC.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for kind, amount, v in segments:  # loop over segments, not samples
        if kind not in ("distance", "time"):
            raise ValueError(f"segment kind must be 'distance' or 'time', got {kind!r}")
        if kind == "time" or v <= 0:
            dur = int(round(amount)) if kind == "time" else 0
            parts.append(_noisy(np.full(dur, float(v)), rng, noise))
            continue
        # a distance segment ends when the (noisy) distance reaches its length,
        # as a watch's lap beep does: distance exact, duration varies
        guess = _noisy(np.full(int(amount / v * 1.3) + 10, float(v)), rng, noise)
        cum = np.cumsum(guess)
        k = int(np.searchsorted(cum, amount))
        step = guess[: k + 1].copy()
        step[-1] = amount - (cum[k - 1] if k > 0 else 0.0)
        parts.append(step)
    speed_steps = np.concatenate(parts) if parts else np.zeros(0)
    n = len(speed_steps) + 1
    distance = np.concatenate(([0.0], np.cumsum(speed_steps)))
    time = np.arange(n, dtype=float)
    speed = np.concatenate((speed_steps, speed_steps[-1:] if n > 1 else [0.0]))
    hr_target = hr_rest + 10.0 + (hr_max - hr_rest - 10.0) * np.clip(speed / 6.0, 0, 1)
    alpha = 1.0 - np.exp(-1.0 / hr_tau_s)
    hr = lfilter([alpha], [1.0, alpha - 1.0], hr_target, zi=[(1 - alpha) * hr_rest])[0]
    hr = np.round(hr + rng.normal(0, 1.0, n))
    streams: dict[str, np.ndarray] = {
        "time": time,
        "distance": distance,
        "speed": speed,
        "heart_rate": hr,
        "altitude": 100.0 + altitude_amplitude_m * np.sin(2 * np.pi * distance / 2000.0),
    }
    if cadence_spm is not None:
        streams["cadence"] = np.round(cadence_spm + 4.0 * (speed - 3.0))
    return Activity(
        start_time=start_time or datetime(2026, 1, 5, 7, 0, tzinfo=UTC),
        sport=sport,
        streams=streams,
        source_format="synthetic",
    )
