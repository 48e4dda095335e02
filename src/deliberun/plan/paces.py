"""Daniels & Gilbert VDOT equations and training paces per zone (E/M/T/I/R).

A small, self-contained helper so the plan area can resolve zone targets without
the models area; ``deliberun.models`` holds the athlete-facing VDOT model.

References
----------
.. [1] Daniels J, Gilbert J (1979). Oxygen Power: Performance Tables for
   Distance Runners. Tempe, AZ.
.. [2] GoldenCheetah ``src/Metrics/VDOTCalculator.cpp`` (training paces as
   fractions of vVDOT).
"""

from __future__ import annotations

import functools
import math
import re

#: Equation coefficients, from ``../shared/reference/vdot.json`` (Daniels & Gilbert 1979,
#: as used by GoldenCheetah VDOTCalculator.cpp).
DANIELS_GILBERT = {
    "cost": (-4.60, 0.182258, 0.000104),  # VO2 [ml/kg/min] = a + b v + c v^2, v [m/min]
    "fraction": (0.8, 0.1894393, -0.012778, 0.2989558, -0.1932605),  # %max(t), t [min]
    "vvdot": (29.54, 5.000663, -0.007546),  # vVDOT [m/min] = a + b VDOT + c VDOT^2
}

#: Training speed per zone as a fraction of vVDOT (GoldenCheetah VDOTCalculator.cpp,
#: ``../shared/reference/vdot.json`` ``goldencheetah_fractions_of_vvdot``).
ZONE_FRACTIONS = {"E": 0.72, "M": 0.85, "T": 0.90, "I": 0.98, "R": 1.05}

#: Half-width of each zone's band as a fraction of speed (project convention, 2-3 %:
#: Daniels' E zone is wide, the quality zones narrow).
ZONE_BAND = {"E": 0.03, "M": 0.02, "T": 0.02, "I": 0.02, "R": 0.03}

ZONES = tuple(ZONE_FRACTIONS)

#: Standard race distances [m] by the names a runner types.
RACE_DISTANCES_M = {
    "5k": 5000.0,
    "10k": 10000.0,
    "15k": 15000.0,
    "half": 21097.5,
    "hm": 21097.5,
    "half-marathon": 21097.5,
    "marathon": 42195.0,
    "m": 42195.0,
}


def vvdot(vdot: float) -> float:
    """Velocity at VDOT [m/s]: ``29.54 + 5.000663 V - 0.007546 V^2`` m/min [1]_."""
    if not 10.0 <= vdot <= 100.0:
        raise ValueError(f"VDOT {vdot:g} is out of range: give a value between 10 and 100")
    a, b, c = DANIELS_GILBERT["vvdot"]
    return (a + b * vdot + c * vdot * vdot) / 60.0


def zone_speed(vdot: float, zone: str) -> float:
    """Central training speed [m/s] of a Daniels zone, ``fraction * vVDOT`` [2]_."""
    z = zone.upper()
    if z not in ZONE_FRACTIONS:
        raise ValueError(f"unknown zone {zone!r}: use one of E, M, T, I, R")
    return ZONE_FRACTIONS[z] * vvdot(vdot)


PACE_MODELS = ("daniels", "goldencheetah")


def zone_paces(vdot: float, model: str = "daniels") -> dict[str, tuple[float, float]]:
    """Pace band per zone, ``{zone: (fast, slow)}`` in s/km, from the athlete's VDOT.

    Parameters
    ----------
    vdot : float
        Daniels VDOT [ml/kg/min], 10..100.
    model : str
        ``daniels`` (default): the bands of ``deliberun.models.vdot.training_paces``
        (intensity bands of Daniels' book through the oxygen-cost equation), so the
        plan shows the same paces as ``deliberun paces``; ``goldencheetah``: fractions
        of vVDOT [2]_ ± ``ZONE_BAND``.

    Returns
    -------
    dict
        ``{"E": (low, high), ...}``: the fast (low) and slow (high) end of the band [s/km].
    """
    if model not in PACE_MODELS:
        raise ValueError(f"pace model {model!r} unknown: use one of {', '.join(PACE_MODELS)}")
    return dict(_zone_paces(float(vdot), model))  # a fresh dict: callers may change it


@functools.lru_cache(maxsize=256)
def _zone_paces(vdot: float, model: str) -> dict[str, tuple[float, float]]:
    vvdot(vdot)  # range check
    if model == "daniels":
        from deliberun.models.vdot import training_paces

        return {z: (float(a), float(b)) for z, (a, b) in training_paces(vdot).items()}
    out: dict[str, tuple[float, float]] = {}
    for z in ZONES:
        v = zone_speed(vdot, z)
        w = ZONE_BAND[z]
        out[z] = (1000.0 / (v * (1 + w)), 1000.0 / (v * (1 - w)))
    return out


def _fraction(t_min: float) -> float:
    a, b, c, d, e = DANIELS_GILBERT["fraction"]
    return a + b * math.exp(c * t_min) + d * math.exp(e * t_min)


def _cost(v_m_per_min: float) -> float:
    a, b, c = DANIELS_GILBERT["cost"]
    return a + b * v_m_per_min + c * v_m_per_min * v_m_per_min


def vdot_from_race(distance_m: float, time_s: float) -> float:
    """VDOT from a race result: ``VO2(v) / %max(t)`` [1]_.

    Parameters
    ----------
    distance_m : float
        Race distance [m].
    time_s : float
        Finishing time [s].
    """
    if distance_m <= 0 or time_s <= 0:
        raise ValueError("race distance and time must be positive")
    t = time_s / 60.0
    return _cost(distance_m / t) / _fraction(t)


def race_time(vdot: float, distance_m: float) -> float:
    """Equivalent race time [s] for a VDOT over a distance (bisection on ``vdot_from_race``)."""
    vvdot(vdot)  # range check
    lo, hi = distance_m / 10.0, distance_m / 0.5  # 10 m/s .. 0.5 m/s
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if vdot_from_race(distance_m, mid) > vdot:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def vdot_from_threshold_pace(pace_s_per_km: float) -> float:
    """VDOT whose T pace (0.90 vVDOT) equals a threshold pace [s/km] (inverse of ``zone_speed``)."""
    if pace_s_per_km <= 0:
        raise ValueError("threshold pace must be positive (s/km)")
    v_m_per_min = 1000.0 / pace_s_per_km * 60.0 / ZONE_FRACTIONS["T"]
    a, b, c = DANIELS_GILBERT["vvdot"]
    disc = b * b - 4 * c * (a - v_m_per_min)
    return (-b + math.sqrt(disc)) / (2 * c)


def parse_race_distance(text: str) -> float:
    """A race distance [m] from ``5k``, ``10k``, ``half``, ``marathon``, ``21.1km``, ``10mi``, ``5000``."""
    s = text.strip().lower().replace(" ", "")
    if s in RACE_DISTANCES_M:
        return RACE_DISTANCES_M[s]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(m|km|k|mi)?", s)
    if not m:
        raise ValueError(
            f"race distance {text!r} not understood: use 5k, 10k, half, marathon, 15km, 10mi or metres"
        )
    value = float(m.group(1))
    unit = m.group(2) or "m"
    factor = {"m": 1.0, "km": 1000.0, "k": 1000.0, "mi": 1609.344}[unit]
    if value * factor < 800:
        raise ValueError(f"race distance {text!r} is too short: give at least 800 m")
    return value * factor


def parse_time(text: str) -> float:
    """A duration [s] from ``H:MM:SS``, ``MM:SS`` or seconds."""
    s = text.strip()
    parts = s.split(":")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"time {text!r} not understood: use H:MM:SS or MM:SS") from None
    if not 1 <= len(nums) <= 3 or any(n < 0 for n in nums):
        raise ValueError(f"time {text!r} not understood: use H:MM:SS or MM:SS")
    total = 0.0
    for n in nums:
        total = total * 60 + n
    if total <= 0:
        raise ValueError(f"time {text!r} must be positive")
    return total


def format_pace(pace_s_per_km: float) -> str:
    """``M:SS`` of a pace [s/km] (rounded to the second)."""
    s = int(round(pace_s_per_km))
    return f"{s // 60}:{s % 60:02d}"
