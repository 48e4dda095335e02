"""Running cadence in steps per minute, and stride length.

Some devices and exports record *strides* (one foot) per minute: a runner then
shows ~80-95 instead of ~160-190. We detect it from the data: a running
activity whose median cadence at running speeds (>= 1.8 m/s) is below
``STRIDES_THRESHOLD_SPM`` is doubled. Nobody runs at under 120 steps/min at
those speeds (walking is ~100-130 and slower than 1.8 m/s).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

STRIDES_THRESHOLD_SPM = 120.0
RUNNING_SPEED_M_PER_S = 1.8


def fix_cadence(
    cadence: npt.ArrayLike, speed: npt.ArrayLike, *, sport: str | None = "running"
) -> tuple[FloatArray, bool]:
    """Cadence in steps/min, doubled when the device recorded strides/min.

    Parameters
    ----------
    cadence : array_like
        Cadence as read [1/min].
    speed : array_like
        Speed on the same grid [m/s].
    sport : str or None
        Only ``running`` (and None) is checked; other sports pass through.

    Returns
    -------
    (numpy.ndarray, bool)
        Cadence [steps/min] and whether it was doubled.
    """
    c = np.asarray(cadence, dtype=float)
    v = np.asarray(speed, dtype=float)
    if sport not in ("running", None):
        return c, False
    sel = np.isfinite(c) & (c > 0) & (v >= RUNNING_SPEED_M_PER_S)
    if sel.sum() < 30:
        return c, False
    if float(np.median(c[sel])) < STRIDES_THRESHOLD_SPM:
        return c * 2.0, True
    return c, False


def stride_length(distance: float, steps: float) -> float | None:
    """Distance per step [m] (Garmin's "stride length"), or None without steps."""
    if not steps or steps <= 0 or not np.isfinite(steps):
        return None
    return float(distance / steps)
