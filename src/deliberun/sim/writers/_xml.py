"""Helpers shared by the GPX and TCX writers: ISO times and number columns as strings."""

from __future__ import annotations

import numpy as np

from deliberun.sim.writers.track import Track


def iso_times(track: Track) -> list[str]:
    """UTC ISO 8601 time of every sample (``...Z``), whole seconds."""
    base = np.datetime64(track.start_time.replace(tzinfo=None), "s")
    stamps = base + np.round(track.time).astype("timedelta64[s]")
    return [s + "Z" for s in np.datetime_as_string(stamps, unit="s")]


def fmt(x: np.ndarray, decimals: int) -> list[str | None]:
    """Numbers as strings with ``decimals`` places, ``None`` where NaN."""
    if decimals == 0:
        return [None if not np.isfinite(v) else str(int(round(v))) for v in x.tolist()]
    f = f"{{:.{decimals}f}}"
    return [None if v != v else f.format(v) for v in x.tolist()]


def cadence_for_file(track: Track) -> np.ndarray:
    """Cadence as Garmin files hold it (strides/min); the odd device halves it again."""
    return track.cadence / (4.0 if track.cadence_strides else 2.0)
