"""Daniels & Gilbert running equations: a small helper for the simulated athlete.

The full VDOT toolbox lives in ``deliberun.models``; the simulator keeps its own
few lines so that it depends on nothing it is meant to test.
"""

from __future__ import annotations

import math

#: Daniels & Gilbert (1979) oxygen-cost and %VO2max-duration coefficients, as in
#: GoldenCheetah ``VDOTCalculator.cpp`` (Daniels & Gilbert, *Oxygen Power*, 1979).
DANIELS_GILBERT: dict[str, float] = {
    "c0": -4.60,
    "c1": 0.182258,
    "c2": 0.000104,
    "p0": 0.8,
    "p1": 0.1894393,
    "k1": 0.012778,
    "p2": 0.2989558,
    "k2": 0.1932605,
}

#: Training paces as fractions of the velocity at VO2max (vVDOT), the approximation
#: GoldenCheetah uses (``reference/vdot.json`` ``training_paces``). ``M`` is replaced
#: by the equation-solved marathon pace in :func:`training_speeds`.
PACE_FRACTIONS_OF_VVDOT: dict[str, float] = {"E": 0.72, "M": 0.85, "T": 0.90, "I": 0.98, "R": 1.05}


def oxygen_cost(speed: float) -> float:
    """Oxygen cost of running on the flat [ml/kg/min] at ``speed`` [m/s] (Daniels & Gilbert).

    References
    ----------
    .. [1] Daniels J., Gilbert J. (1979) Oxygen Power. Tempe, AZ.
    """
    v = speed * 60.0
    c = DANIELS_GILBERT
    return c["c0"] + c["c1"] * v + c["c2"] * v * v


def fraction_of_vo2max(duration: float) -> float:
    """Fraction of VO2max sustainable for ``duration`` [s] (Daniels & Gilbert 1979)."""
    t = duration / 60.0
    c = DANIELS_GILBERT
    return c["p0"] + c["p1"] * math.exp(-c["k1"] * t) + c["p2"] * math.exp(-c["k2"] * t)


def vdot_from_race(distance: float, duration: float) -> float:
    """VDOT [ml/kg/min] of a race of ``distance`` [m] run in ``duration`` [s]."""
    if distance <= 0 or duration <= 0:
        raise ValueError("distance and duration must be positive (metres, seconds)")
    return oxygen_cost(distance / duration) / fraction_of_vo2max(duration)


def race_time(vdot: float, distance: float) -> float:
    """Equivalent race time [s] over ``distance`` [m] for ``vdot`` (bisection on the equations)."""
    if vdot <= 0 or distance <= 0:
        raise ValueError("vdot and distance must be positive")
    lo, hi = distance / 10.0, distance / 0.5  # 10 m/s .. 0.5 m/s
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if vdot_from_race(distance, mid) > vdot:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def velocity_at_vo2max(vdot: float) -> float:
    """Speed [m/s] whose oxygen cost equals ``vdot`` (positive root of the cost equation)."""
    c = DANIELS_GILBERT
    a, b, cc = c["c2"], c["c1"], c["c0"] - vdot
    v = (-b + math.sqrt(b * b - 4 * a * cc)) / (2 * a)
    return v / 60.0


def training_speeds(vdot: float) -> dict[str, float]:
    """Training speeds [m/s] E, M, T, I, R for ``vdot`` (E < M < T < I < R)."""
    vmax = velocity_at_vo2max(vdot)
    speeds = {k: f * vmax for k, f in PACE_FRACTIONS_OF_VVDOT.items()}
    speeds["M"] = 42195.0 / race_time(vdot, 42195.0)
    return speeds
