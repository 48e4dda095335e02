"""Elevation gain and loss from an altitude stream: smoothing, then hysteresis.

Method. GPS and barometric altitude carry noise of a few metres that a plain
sum of positive steps turns into large false gains. We (1) resample nothing but
fill short gaps by linear interpolation, (2) smooth with a centred moving
average over ``window_s`` seconds of *time* (robust to irregular sampling), and
(3) count a climb or a descent only once the smoothed altitude has moved more
than ``threshold_m`` away from the last turning point (hysteresis, the
"dead band" used by GPS units and by GoldenCheetah's elevation metric [1]_).
The defaults were tuned on the device summaries of the real FIT corpus
(``tests/test_io_real_fit.py``; see ``docs/readers.md`` for the agreement table).

References
----------
.. [1] GoldenCheetah, ``src/Metrics/BasicRideMetrics.cpp`` (ElevationGain with a
   hysteresis threshold). https://github.com/GoldenCheetah/GoldenCheetah
"""

from __future__ import annotations

import numpy as np

#: Defaults tuned against device-recorded total_ascent (real FIT corpus).
ELEVATION_PARAMETERS: dict[str, float] = {
    "window_s": 20.0,  # centred moving-average window [s]
    "threshold_m": 2.0,  # hysteresis dead band [m]
}


def smooth_altitude(
    time: np.ndarray, altitude: np.ndarray, window_s: float = ELEVATION_PARAMETERS["window_s"]
) -> np.ndarray:
    """Centred moving average of altitude over a time window.

    Parameters
    ----------
    time : numpy.ndarray
        Sample times [s], non-decreasing.
    altitude : numpy.ndarray
        Altitude [m]; NaN gaps are filled by linear interpolation first
        (leading/trailing NaN take the nearest value).
    window_s : float
        Full window width [s]; ``<= 0`` returns the filled altitude.

    Returns
    -------
    numpy.ndarray
        Smoothed altitude [m], same length; all NaN when no value is known.
    """
    t = np.asarray(time, dtype=float)
    z = np.asarray(altitude, dtype=float)
    ok = np.isfinite(z) & np.isfinite(t)
    if not ok.any():
        return np.full(len(z), np.nan)
    filled = np.interp(t, t[ok], z[ok])
    if window_s <= 0 or len(z) < 3:
        return filled
    csum = np.concatenate(([0.0], np.cumsum(filled)))
    lo = np.searchsorted(t, t - window_s / 2, side="left")
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    return (csum[hi] - csum[lo]) / (hi - lo)


def gain_loss_hysteresis(
    altitude: np.ndarray, threshold_m: float = ELEVATION_PARAMETERS["threshold_m"]
) -> tuple[float, float]:
    """Total climb and descent [m] with a hysteresis dead band.

    Parameters
    ----------
    altitude : numpy.ndarray
        Altitude [m] (already smoothed), NaN ignored.
    threshold_m : float
        A new climb/descent is counted only after moving this far [m] from the
        last turning point.

    Returns
    -------
    (float, float)
        Ascent and descent [m], both >= 0.
    """
    z = np.asarray(altitude, dtype=float)
    z = z[np.isfinite(z)]
    if len(z) < 2:
        return 0.0, 0.0
    gain = loss = 0.0
    ref = z[0]  # last confirmed turning point
    direction = 0
    for v in z[1:]:
        if direction >= 0:
            if v > ref:
                if direction == 1:
                    gain += v - ref
                    ref = v
                elif v - ref >= threshold_m:
                    gain += v - ref
                    ref = v
                    direction = 1
            elif ref - v >= threshold_m:
                loss += ref - v
                ref = v
                direction = -1
        else:
            if v < ref:
                loss += ref - v
                ref = v
            elif v - ref >= threshold_m:
                gain += v - ref
                ref = v
                direction = 1
    return float(gain), float(loss)


def ascent_descent(
    time: np.ndarray,
    altitude: np.ndarray,
    window_s: float = ELEVATION_PARAMETERS["window_s"],
    threshold_m: float = ELEVATION_PARAMETERS["threshold_m"],
) -> tuple[float | None, float | None]:
    """Ascent and descent [m] of an activity (smoothing then hysteresis).

    Returns ``(None, None)`` when the altitude stream holds no value.
    """
    z = np.asarray(altitude, dtype=float)
    if not np.isfinite(z).any():
        return None, None
    return gain_loss_hysteresis(smooth_altitude(time, z, window_s), threshold_m)
