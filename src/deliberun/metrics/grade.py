"""Grade of the ground and grade-adjusted speed (GAP).

Two models compete (Minetti et al. 2002, J Appl Physiol 93:1039-1046, and Strava's
2017 GAP factors as reverse-engineered in aaron-schroeder/specialsauce; values tested
against ``tests/data/reference/grade.json``):

- ``"strava"``: Strava's 2017 heart-rate-equivalent model, as a grade -> speed-factor
  table reverse-engineered by A. Schroeder [1]_. Downhill gets *harder* again below
  about -10 %, as runners feel it (braking). **The default**: it models what the
  runner's heart sees, which is what training load and pace targets need; it is
  also what Strava and intervals.icu show, so our numbers can be checked against
  the runner's own Strava export (``Average Grade Adjusted Pace``).
- ``"minetti"``: Minetti et al. (2002) metabolic cost of running on a gradient [2]_,
  turned into a speed factor as Runalyze does (time factor = (1/relative cost)^0.83)
  [3]_. It keeps getting cheaper down to about -20 %, so steep descents look very
  slow when grade-adjusted.

Grades are decimal (rise / run): 0.1 = 10 %.

References
----------
.. [1] A. Schroeder, specialsauce, ``specialsauce/sources/strava.py`` (MIT), after
   Strava Engineering, "An improved GAP model" (2017).
.. [2] Minetti AE, Moia C, Roi GS, Susta D, Ferretti G (2002). Energy cost of walking
   and running at extreme uphill and downhill slopes. J Appl Physiol 93:1039-1046.
   doi:10.1152/japplphysiol.01177.2001
.. [3] Runalyze, ``inc/core/Sports/Running/GradeAdjustedPace/Algorithm/Minetti.php``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Minetti (2002) energy cost of running [J/kg/m] as a 5th-order polynomial in the
#: decimal grade, highest power first (np.polyval order); flat cost 3.6 J/kg/m.
MINETTI_2002: dict[str, Any] = {
    "source": "Minetti et al. 2002, J Appl Physiol 93:1039, doi:10.1152/japplphysiol.01177.2001",
    "coefficients": (155.4, -30.4, -43.3, 46.3, 19.5, 3.6),
    "valid_grade": (-0.45, 0.45),
    # Runalyze turns relative cost into a time factor with this exponent.
    "runalyze_time_exponent": 0.83,
}

#: Strava 2017 GAP speed factors by grade [%], reverse-engineered (grade.json, [1]).
STRAVA_2017: dict[str, Any] = {
    "source": "aaron-schroeder/specialsauce specialsauce/sources/strava.py (MIT)",
    "grade_percent": (
        -45.0, -30.0, -25.0, -20.0, -15.0, -10.0, -8.0, -6.0, -4.0, -2.0, 0.0,
        2.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0, 25.0, 30.0, 45.0,
    ),
    "speed_factor": (
        2.096, 1.495, 1.273, 1.081, 0.941, 0.876, 0.876, 0.891, 0.918, 0.96, 1.0,
        1.055, 1.135, 1.228, 1.337, 1.459, 1.846, 2.297, 2.727, 3.158, 4.286,
    ),
}  # fmt: skip

#: Grades beyond this (decimal) are clamped: neither model was measured past +/-45 %.
MAX_GRADE = 0.45

GAP_MODELS = ("strava", "minetti")


def minetti_cost(grade: npt.ArrayLike) -> FloatArray:
    """Energy cost of running on a gradient, Minetti et al. (2002) [1]_.

    Parameters
    ----------
    grade : array_like
        Decimal grade (rise / run) [-]; clamped to +/-0.45, the measured range.

    Returns
    -------
    numpy.ndarray
        Cost of transport [J/kg/m]; 3.6 on the flat.

    References
    ----------
    .. [1] Minetti et al. (2002), doi:10.1152/japplphysiol.01177.2001
    """
    g = np.clip(np.asarray(grade, dtype=float), -MAX_GRADE, MAX_GRADE)
    coefficients = np.asarray(MINETTI_2002["coefficients"], dtype=np.float64)
    return np.asarray(np.polyval(coefficients, g), dtype=np.float64)


def minetti_relative_cost(grade: npt.ArrayLike) -> FloatArray:
    """Minetti cost relative to the flat: ``minetti_cost(grade) / 3.6`` [-]."""
    return minetti_cost(grade) / 3.6


def minetti_time_factor(grade: npt.ArrayLike) -> FloatArray:
    """Runalyze's time factor ``(1 / relative_cost) ** 0.83`` [-].

    Grade-adjusted pace = pace * time factor, so grade-adjusted speed = speed / factor.
    """
    exponent = float(MINETTI_2002["runalyze_time_exponent"])
    return np.asarray((1.0 / minetti_relative_cost(grade)) ** exponent, dtype=float)


def strava_speed_factor(grade: npt.ArrayLike) -> FloatArray:
    """Strava 2017 GAP speed factor, linear in the table, clamped at +/-45 %.

    Parameters
    ----------
    grade : array_like
        Decimal grade [-].

    Returns
    -------
    numpy.ndarray
        Factor [-]; grade-adjusted speed = speed * factor.
    """
    g_pct = np.asarray(grade, dtype=float) * 100.0
    return np.interp(g_pct, STRAVA_2017["grade_percent"], STRAVA_2017["speed_factor"])


def gap_minetti(speed: npt.ArrayLike, grade: npt.ArrayLike) -> FloatArray:
    """Grade-adjusted speed by the Minetti (2002) cost model with Runalyze's exponent.

    Parameters
    ----------
    speed : array_like
        Speed over ground [m/s].
    grade : array_like
        Decimal grade [-]. NaN grade is treated as flat (GAP = speed).

    Returns
    -------
    numpy.ndarray
        Flat-equivalent speed [m/s]; NaN where speed is NaN.
    """
    g = np.nan_to_num(np.asarray(grade, dtype=float), nan=0.0)
    return np.asarray(speed, dtype=float) / minetti_time_factor(g)


def gap_strava(speed: npt.ArrayLike, grade: npt.ArrayLike) -> FloatArray:
    """Grade-adjusted speed by the Strava 2017 model (reverse-engineered table).

    Parameters
    ----------
    speed : array_like
        Speed over ground [m/s].
    grade : array_like
        Decimal grade [-]. NaN grade is treated as flat (GAP = speed).

    Returns
    -------
    numpy.ndarray
        Heart-rate-equivalent flat speed [m/s]; NaN where speed is NaN.
    """
    g = np.nan_to_num(np.asarray(grade, dtype=float), nan=0.0)
    return np.asarray(speed, dtype=float) * strava_speed_factor(g)


def get_gap(speed: npt.ArrayLike, grade: npt.ArrayLike, model: str = "strava") -> FloatArray:
    """Grade-adjusted speed [m/s] by the named model (``"strava"`` or ``"minetti"``)."""
    if model == "strava":
        return gap_strava(speed, grade)
    if model == "minetti":
        return gap_minetti(speed, grade)
    raise ValueError(f"unknown GAP model {model!r}; use one of {', '.join(GAP_MODELS)}")


def grade_from_altitude(
    distance: npt.ArrayLike,
    altitude: npt.ArrayLike,
    *,
    half_window_m: float = 10.0,
) -> FloatArray:
    """Ground grade from cumulative distance and (smoothed) altitude.

    The grade at each sample is the altitude change over a window of
    +/- ``half_window_m`` of distance around it (central difference on the
    distance axis, interpolated), which removes the noise that sample-to-sample
    differences of GPS or barometric altitude carry. The default 10 m (on
    altitude already smoothed over 15 s) was chosen against Strava's own
    ``Average Grade Adjusted Pace`` for 166 real runs (docs/metrics.md): wider
    windows flatten short steep pitches, and the GAP factor is convex, so they
    bias GAP low (median |error| 0.15 % at 5 m, 0.21 % at 10 m, 0.32 % at 25 m).

    Parameters
    ----------
    distance : array_like
        Cumulative distance [m], non-decreasing (NaN allowed).
    altitude : array_like
        Altitude [m] (NaN allowed).
    half_window_m : float
        Half-width of the distance window [m].

    Returns
    -------
    numpy.ndarray
        Decimal grade [-], clamped to +/-0.45; NaN where distance or altitude is
        unknown, 0 where fewer than two valid points exist.
    """
    d = np.asarray(distance, dtype=float)
    z = np.asarray(altitude, dtype=float)
    out = np.full(d.shape, np.nan)
    ok = np.isfinite(d) & np.isfinite(z)
    if ok.sum() < 2:
        return np.where(np.isfinite(d), 0.0, np.nan)
    dv, zv = d[ok], z[ok]
    # strictly increasing distance axis for interpolation: keep first of equal distances
    keep = np.concatenate(([True], np.diff(dv) > 0))
    dx, zx = dv[keep], zv[keep]
    if len(dx) < 2:
        out[ok] = 0.0
        return out
    lo = np.maximum(dv - half_window_m, dx[0])
    hi = np.minimum(dv + half_window_m, dx[-1])
    span = hi - lo
    rise = np.interp(hi, dx, zx) - np.interp(lo, dx, zx)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(span > 1.0, rise / span, 0.0)
    out[ok] = np.clip(g, -MAX_GRADE, MAX_GRADE)
    return out
