"""Great-circle distances between track points.

References
----------
.. [1] R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 159 (1984).
.. [2] IUGG mean Earth radius R1 = 6371008.8 m: H. Moritz, "Geodetic Reference
   System 1980", Journal of Geodesy 74, 128-133 (2000). doi:10.1007/s001900050278
"""

from __future__ import annotations

import numpy as np

#: Mean Earth radius [m] (IUGG R1, Moritz 2000) used by the haversine formula.
EARTH_RADIUS_M = 6371008.8


def haversine_steps(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Distance between consecutive points on a sphere (haversine formula [1]_).

    Parameters
    ----------
    latitude, longitude : numpy.ndarray
        Coordinates [deg], equal length ``n``; NaN where unknown.

    Returns
    -------
    numpy.ndarray
        ``n`` step lengths [m]; element 0 is 0. A step touching a NaN point is
        measured from the last known point to the next known one and assigned to
        the known point that closes it (so no distance is lost across GPS gaps).
    """
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    out = np.zeros(len(lat))
    ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    if len(ok) < 2:
        return out
    phi = np.radians(lat[ok])
    lam = np.radians(lon[ok])
    dphi = np.diff(phi)
    dlam = np.diff(lam)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:-1]) * np.cos(phi[1:]) * np.sin(dlam / 2) ** 2
    out[ok[1:]] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def haversine_cumulative(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Cumulative along-track distance [m] from :func:`haversine_steps`."""
    return np.cumsum(haversine_steps(latitude, longitude))
