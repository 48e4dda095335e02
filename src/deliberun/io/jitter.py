"""GPS jitter: the distance of a track measured after a Kalman smoother.

Summing straight lines between raw GPS fixes overstates the distance: each fix
is off by a few metres in a random direction, and the zig-zag adds length
(Ranacher et al. 2016: the overestimation grows as the sampling interval
shrinks; at 1 s it is several percent). Watches do not sum raw fixes: they
filter positions (a Kalman filter with the accelerometer) and count no distance
while the timer is stopped. A GPX or TCX file without the device's distance has
only the raw fixes, so we do what the watch does, with positions alone:

1. **Pauses**: no distance across a timer pause (a segment break in GPX, a new
   Track in TCX) or a recording gap longer than :data:`GAP_S` (1 s and smart
   recording write every 1-8 s; no fix for longer means the timer was stopped,
   as at an auto-pause or the walk recoveries of an interval session).
2. **Smoothing**: inside each stretch, a Rauch-Tung-Striebel smoother (the
   two-pass Kalman smoother, Rauch, Tung & Striebel 1965) with a constant-velocity
   model, run on east and north separately in a local tangent plane.
   Measurement noise :data:`GPS_SIGMA_M` (consumer GPS: ~4 m 1-sigma in the open,
   e.g. FAA GPS SPS Performance Standard 2020 and van Diggelen & Enge 2015),
   process noise :data:`ACCEL_SIGMA_M_S2` (1 m/s^2, a runner's changes of pace;
   on the real pairs 1-3 m/s^2 agree within 0.2 %, and 1 keeps a slow 3 s
   track within 1 % where 2 leaves it 3.5 % long).
3. The distance is the sum of the steps between smoothed positions.

Measured against the watch's own distance (FIT session) on the same run, the
real pairs in ``../shared/data/real``: ``bench/gpx_jitter.py``, results in
``docs/readers.md``. Written by hand (a 2-state filter in plain floats, ~10 ms
for an hour at 1 Hz): ``filterpy`` is unmaintained since 2018 and ``pykalman``
is a heavy dependency for this; both would loop in Python too.
"""

from __future__ import annotations

import numpy as np

from deliberun.io.geo import EARTH_RADIUS_M

#: Standard deviation of one GPS fix [m].
GPS_SIGMA_M = 4.0
#: Standard deviation of the acceleration (white-noise process) [m/s^2].
ACCEL_SIGMA_M_S2 = 1.0
#: A recording gap longer than this [s] is a pause: no distance across it.
GAP_S = 15.0


def rts_smooth(t: np.ndarray, z: np.ndarray, sigma_m: float, sigma_a: float) -> np.ndarray:
    """Rauch-Tung-Striebel smoothed positions of one axis (constant-velocity model).

    Parameters
    ----------
    t : numpy.ndarray
        Times [s], non-decreasing.
    z : numpy.ndarray
        Measured positions [m], finite.
    sigma_m, sigma_a : float
        Measurement noise [m] and acceleration noise [m/s^2].
    """
    n = len(z)
    if n < 3:
        return np.asarray(z, dtype=float).copy()
    tt = [float(v) for v in t]
    zz = [float(v) for v in z]
    r = sigma_m * sigma_m
    q = sigma_a * sigma_a
    # filtered (x, v, P00, P01, P11) and predicted states, per sample
    fx, fv, f00, f01, f11 = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    px, pv, p00, p01, p11 = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    x, v, a00, a01, a11 = zz[0], 0.0, r, 0.0, 1e6  # diffuse prior on the speed
    for i in range(n):
        if i:
            dt = tt[i] - tt[i - 1]
            x, v = x + dt * v, v
            a00, a01, a11 = (
                a00 + 2 * dt * a01 + dt * dt * a11 + q * dt**4 / 4,
                a01 + dt * a11 + q * dt**3 / 2,
                a11 + q * dt * dt,
            )
        px[i], pv[i], p00[i], p01[i], p11[i] = x, v, a00, a01, a11
        s = a00 + r
        k0, k1 = a00 / s, a01 / s
        innov = zz[i] - x
        x, v = x + k0 * innov, v + k1 * innov
        a00, a01, a11 = (1 - k0) * a00, (1 - k0) * a01, a11 - k1 * a01
        fx[i], fv[i], f00[i], f01[i], f11[i] = x, v, a00, a01, a11
    sx, sv = fx[:], fv[:]
    s00, s01, s11 = f00[:], f01[:], f11[:]
    for i in range(n - 2, -1, -1):
        dt = tt[i + 1] - tt[i]
        # C = P_f F^T P_pred^-1 (2x2)
        b00, b01, b11 = p00[i + 1], p01[i + 1], p11[i + 1]
        det = b00 * b11 - b01 * b01
        if det <= 0:
            continue
        i00, i01, i11 = b11 / det, -b01 / det, b00 / det
        m00 = f00[i] + dt * f01[i]  # (P_f F^T)
        m01 = f01[i]
        m10 = f01[i] + dt * f11[i]
        m11 = f11[i]
        c00, c01 = m00 * i00 + m01 * i01, m00 * i01 + m01 * i11
        c10, c11 = m10 * i00 + m11 * i01, m10 * i01 + m11 * i11
        dx, dv = sx[i + 1] - px[i + 1], sv[i + 1] - pv[i + 1]
        sx[i] = fx[i] + c00 * dx + c01 * dv
        sv[i] = fv[i] + c10 * dx + c11 * dv
        e00, e01, e11 = s00[i + 1] - b00, s01[i + 1] - b01, s11[i + 1] - b11
        s00[i] = f00[i] + c00 * (c00 * e00 + c01 * e01) + c01 * (c00 * e01 + c01 * e11)
        s01[i] = f01[i] + c00 * (c10 * e00 + c11 * e01) + c01 * (c10 * e01 + c11 * e11)
        s11[i] = f11[i] + c10 * (c10 * e00 + c11 * e01) + c11 * (c10 * e01 + c11 * e11)
    return np.array(sx)


def smoothed_distance(
    time: np.ndarray,
    latitude: np.ndarray,
    longitude: np.ndarray,
    pauses: list[tuple[float, float]] | None = None,
    *,
    sigma_m: float = GPS_SIGMA_M,
    sigma_a: float = ACCEL_SIGMA_M_S2,
    gap_s: float = GAP_S,
) -> np.ndarray:
    """Cumulative distance [m] of a GPS track after the filter of the module notes.

    Parameters
    ----------
    time : numpy.ndarray
        Seconds since the start, non-decreasing.
    latitude, longitude : numpy.ndarray
        Degrees, NaN where unknown.
    pauses : list of (start_s, end_s), optional
        Timer pauses (segment breaks); no distance is counted across them.

    Returns
    -------
    numpy.ndarray
        Same length as ``time``; samples without a position carry the distance so far.
    """
    t = np.asarray(time, dtype=float)
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    n = len(t)
    steps = np.zeros(n)
    ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon) & np.isfinite(t))
    if len(ok) < 2:
        return np.zeros(n)
    phi0 = np.radians(np.mean(lat[ok]))
    east = np.radians(lon[ok] - np.mean(lon[ok])) * EARTH_RADIUS_M * np.cos(phi0)
    north = np.radians(lat[ok] - np.mean(lat[ok])) * EARTH_RADIUS_M
    tk = t[ok]
    cut = np.diff(tk) > gap_s
    for a, b in pauses or []:
        cut |= (tk[1:] > a) & (tk[:-1] < b)
    bounds = np.concatenate(([0], np.flatnonzero(cut) + 1, [len(ok)]))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if hi - lo < 2:
            continue
        e = rts_smooth(tk[lo:hi], east[lo:hi], sigma_m, sigma_a)
        nn = rts_smooth(tk[lo:hi], north[lo:hi], sigma_m, sigma_a)
        steps[ok[lo + 1 : hi]] = np.hypot(np.diff(e), np.diff(nn))
    return np.cumsum(steps)
