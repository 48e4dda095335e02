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


def hysteresis_steps(
    altitude: np.ndarray, threshold_m: float = ELEVATION_PARAMETERS["threshold_m"]
) -> tuple[np.ndarray, np.ndarray]:
    """Climb and descent [m] credited at each sample by a hysteresis dead band.

    A new climb/descent is counted only after moving ``threshold_m`` from the last
    turning point; the metres are credited to the sample that confirms them. NaN
    samples are skipped (credited 0). Summed over a range of samples this gives that
    range's climb, so splits add up to the activity's total.

    Parameters
    ----------
    altitude : numpy.ndarray
        Altitude [m] (already smoothed).
    threshold_m : float
        Dead band [m].

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Gain and loss per sample [m], both >= 0, the length of ``altitude``.
    """
    z = np.asarray(altitude, dtype=float)
    gain = np.zeros(len(z))
    loss = np.zeros(len(z))
    idx = np.flatnonzero(np.isfinite(z))
    if len(idx) < 2:
        return gain, loss
    zs = z[idx].tolist()  # plain floats: the loop runs per sample
    g = [0.0] * len(zs)
    lo = [0.0] * len(zs)
    ref = zs[0]  # last confirmed turning point
    direction = 0
    for k in range(1, len(zs)):
        v = zs[k]
        if direction >= 0:
            if v > ref:
                if direction == 1 or v - ref >= threshold_m:
                    g[k] = v - ref
                    ref = v
                    direction = 1
            elif ref - v >= threshold_m:
                lo[k] = ref - v
                ref = v
                direction = -1
        else:
            if v < ref:
                lo[k] = ref - v
                ref = v
            elif v - ref >= threshold_m:
                g[k] = v - ref
                ref = v
                direction = 1
    gain[idx] = g
    loss[idx] = lo
    return gain, loss


def gain_loss_hysteresis(
    altitude: np.ndarray, threshold_m: float = ELEVATION_PARAMETERS["threshold_m"]
) -> tuple[float, float]:
    """Total climb and descent [m] with a hysteresis dead band (:func:`hysteresis_steps`).

    Returns
    -------
    (float, float)
        Ascent and descent [m], both >= 0.
    """
    gain, loss = hysteresis_steps(altitude, threshold_m)
    return float(gain.sum()), float(loss.sum())


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
