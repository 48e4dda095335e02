"""Running cadence in steps per minute, and stride length.

Some devices and exports record *strides* (one foot) per minute: a runner then
shows ~80-95 instead of ~160-190. We detect it from the data: a running
activity whose median cadence at running speeds (>= 1.8 m/s) is below
``STRIDES_THRESHOLD_SPM`` is doubled. Nobody runs at under 120 steps/min at
those speeds (walking is ~100-130 and slower than 1.8 m/s). The opposite
happens too (a file already in steps/min doubled again by a reader, e.g.
Runalyze's ``Treadmill-doubled-cadence.tcx`` at ~350): a median above
``DOUBLED_THRESHOLD_SPM`` is halved; elite sprinters peak near 250-260 steps/min,
distance runners stay far below.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

STRIDES_THRESHOLD_SPM = 120.0
DOUBLED_THRESHOLD_SPM = 260.0
RUNNING_SPEED_M_PER_S = 1.8


def fix_cadence(
    cadence: npt.ArrayLike, speed: npt.ArrayLike, *, sport: str | None = "running"
) -> tuple[FloatArray, float]:
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
    (numpy.ndarray, float)
        Cadence [steps/min] and the factor applied (2.0, 0.5, or 1.0 = unchanged).
    """
    c = np.asarray(cadence, dtype=float)
    v = np.asarray(speed, dtype=float)
    if sport not in ("running", None):
        return np.asarray(c, dtype=np.float64), 1.0
    sel = np.isfinite(c) & (c > 0) & (v >= RUNNING_SPEED_M_PER_S)
    if sel.sum() < 30:
        return c, 1.0
    median = float(np.median(c[sel]))
    if median < STRIDES_THRESHOLD_SPM:
        return c * 2.0, 2.0
    if median > DOUBLED_THRESHOLD_SPM:
        return c * 0.5, 0.5
    return c, 1.0


def stride_length(distance: float, steps: float) -> float | None:
    """Distance per step [m] (Garmin's "stride length"), or None without steps."""
    if not steps or steps <= 0 or not np.isfinite(steps):
        return None
    return float(distance / steps)
