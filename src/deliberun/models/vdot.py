"""Daniels/Gilbert VDOT: fitness from a race, equivalent race times, training paces.

VDOT is the VO2max [ml/kg/min] that the Daniels & Gilbert (1979) equations
assign to a race: the oxygen cost of running at the race's speed divided by
the fraction of VO2max that can be sustained for the race's duration.
"""

from __future__ import annotations

import math
import warnings

from scipy.optimize import brentq

#: Daniels & Gilbert (1979) constants as used by GoldenCheetah
#: src/Metrics/VDOTCalculator.cpp (Runalyze uses 0.182253 for ``b``; a few tenths of a
#: second). Daniels J. & Gilbert J. (1979) *Oxygen Power*; tested against
#: ``tests/data/reference/vdot.json`` "equations".
DANIELS_GILBERT: dict[str, float] = {
    # oxygen cost VO2(v) = a + b v + c v^2, v [m/min] -> ml/kg/min
    "a": -4.60,
    "b": 0.182258,
    "c": 0.000104,
    # fraction sustainable %max(t) = f0 + f1 exp(k1 t) + f2 exp(k2 t), t [min]
    "f0": 0.8,
    "f1": 0.1894393,
    "k1": -0.012778,
    "f2": 0.2989558,
    "k2": -0.1932605,
    # velocity at VDOT vVDOT = v0 + v1 VDOT + v2 VDOT^2 [m/min]
    "v0": 29.54,
    "v1": 5.000663,
    "v2": -0.007546,
}

#: Intensity of each training pace as a fraction of VO2max (low, high), solved through
#: the oxygen-cost equation. Bands from Daniels' Running Formula (3rd ed.) as quoted in
#: ``tests/data/reference/vdot.json`` "training_paces": E 59-74 %, T 83-88 %, I 95-100 %,
#: R "about 105 %" (we use 105-110 %). M is Daniels' own definition instead: from the
#: predicted marathon race pace (about 80-83 % VO2max) up to the band's top, 84 %.
TRAINING_INTENSITY: dict[str, tuple[float, float]] = {
    "E": (0.59, 0.74),
    "M": (0.84, math.nan),  # slow end = the VDOT's marathon race pace
    "T": (0.83, 0.88),
    "I": (0.95, 1.00),
    "R": (1.05, 1.10),
}

#: GoldenCheetah's approximation of the training paces as fractions of vVDOT
#: (src/Metrics/VDOTCalculator.cpp); used as a cross-check in the tests.
GOLDENCHEETAH_PACE_FRACTIONS: dict[str, float] = {
    "E": 0.72,
    "M": 0.85,
    "T": 0.90,
    "I": 0.98,
    "R": 1.05,
}

#: Standard race distances [m].
RACE_DISTANCES_M: dict[str, float] = {
    "5k": 5000.0,
    "10k": 10000.0,
    "half": 21097.5,
    "marathon": 42195.0,
}

_VALID_MINUTES = (3.5, 300.0)  # the equations were fitted to races of about 1500 m - marathon


def oxygen_cost(speed: float) -> float:
    """Oxygen cost of running at ``speed``, Daniels & Gilbert (1979).

    Parameters
    ----------
    speed : float
        [m/s].

    Returns
    -------
    float
        VO2 [ml/kg/min].
    """
    v = speed * 60.0
    c = DANIELS_GILBERT
    return c["a"] + c["b"] * v + c["c"] * v * v


def speed_at_oxygen_cost(vo2: float) -> float:
    """Inverse of :func:`oxygen_cost`: the speed [m/s] whose cost is ``vo2`` [ml/kg/min]."""
    c = DANIELS_GILBERT
    disc = c["b"] ** 2 - 4 * c["c"] * (c["a"] - vo2)
    if disc < 0:
        raise ValueError(f"no running speed has an oxygen cost of {vo2} ml/kg/min")
    return (-c["b"] + math.sqrt(disc)) / (2 * c["c"]) / 60.0


def fraction_of_vo2max(duration: float) -> float:
    """Fraction of VO2max sustainable for ``duration``, Daniels & Gilbert (1979).

    Parameters
    ----------
    duration : float
        [s].

    Returns
    -------
    float
        Dimensionless (about 1.0 at 10 min, 0.8 for very long efforts).
    """
    t = duration / 60.0
    c = DANIELS_GILBERT
    return c["f0"] + c["f1"] * math.exp(c["k1"] * t) + c["f2"] * math.exp(c["k2"] * t)


def vdot(distance: float, duration: float) -> float:
    """VDOT of a race or best effort, Daniels & Gilbert (1979) [1]_.

    ``VDOT = VO2(v) / %max(t)`` with ``v = distance / duration``.

    Parameters
    ----------
    distance : float
        Race distance [m], > 0.
    duration : float
        Race time [s], > 0.

    Returns
    -------
    float
        VDOT [ml/kg/min]. Warns (``UserWarning``) for efforts shorter than 3.5 min
        or longer than 5 h, where the equations were not fitted.

    References
    ----------
    .. [1] Daniels J, Gilbert J. Oxygen Power: Performance Tables for Distance Runners.
       1979. Constants as in GoldenCheetah src/Metrics/VDOTCalculator.cpp.

    Examples
    --------
    >>> round(vdot(5000, 20 * 60), 2)
    49.81
    """
    if not (distance > 0 and duration > 0) or not math.isfinite(distance + duration):
        raise ValueError(
            f"need a positive distance [m] and time [s], got {distance!r} m in {duration!r} s"
        )
    minutes = duration / 60.0
    if not _VALID_MINUTES[0] <= minutes <= _VALID_MINUTES[1]:
        warnings.warn(
            f"VDOT from a {minutes:.1f}-min effort: the Daniels-Gilbert equations were fitted "
            "to races of 3.5 min to 5 h",
            UserWarning,
            stacklevel=2,
        )
    return oxygen_cost(distance / duration) / fraction_of_vo2max(duration)


def race_time(vdot_value: float, distance: float) -> float:
    """Race time [s] over ``distance`` [m] predicted for ``vdot_value`` (solves :func:`vdot`).

    Parameters
    ----------
    vdot_value : float
        [ml/kg/min], 10–100.
    distance : float
        [m], > 0.

    Returns
    -------
    float
        Equivalent race time [s].
    """
    if not 10.0 <= vdot_value <= 100.0:
        raise ValueError(f"VDOT {vdot_value!r} out of range; expected 10-100 ml/kg/min")
    if not distance > 0:
        raise ValueError(f"distance must be positive metres, got {distance!r}")

    def f(t: float) -> float:
        return oxygen_cost(distance / t) / fraction_of_vo2max(t) - vdot_value

    lo, hi = distance / 12.0, distance / 0.5  # 12 m/s .. 0.5 m/s
    return float(brentq(f, lo, hi, xtol=1e-6))


def race_equivalents(
    vdot_value: float, distances: dict[str, float] | None = None
) -> dict[str, float]:
    """Equivalent race times [s] for each distance [m], keyed by the name given."""
    dists = distances if distances is not None else RACE_DISTANCES_M
    return {name: race_time(vdot_value, d) for name, d in dists.items()}


def velocity_at_vdot(vdot_value: float) -> float:
    """vVDOT [m/s]: the speed Daniels' regression gives for a VDOT (GoldenCheetah form)."""
    c = DANIELS_GILBERT
    return (c["v0"] + c["v1"] * vdot_value + c["v2"] * vdot_value**2) / 60.0


def training_paces(vdot_value: float) -> dict[str, tuple[float, float]]:
    """Daniels training paces E, M, T, I, R for a VDOT, each as a band.

    Each band's intensity (fraction of VO2max, :data:`TRAINING_INTENSITY`) is
    turned into a speed through the oxygen-cost equation: the speed whose cost
    is ``fraction × VDOT``. M runs from the VDOT's predicted marathon race pace
    (Daniels' definition of M) to 84 % VO2max. At VDOT 50 this gives T 4:15–4:28
    and M 4:25–4:31 /km; GoldenCheetah's fractions of vVDOT give T 4:16, M 4:31.

    Parameters
    ----------
    vdot_value : float
        [ml/kg/min].

    Returns
    -------
    dict
        ``{"E": (fast, slow), ...}`` paces [s/km]; the first value is the faster
        (smaller) pace.
    """
    paces: dict[str, tuple[float, float]] = {}
    for name, (lo, hi) in TRAINING_INTENSITY.items():
        if name == "M":
            slow = race_time(vdot_value, 42195.0) / 42.195
            fast = 1000.0 / speed_at_oxygen_cost(lo * vdot_value)
            paces[name] = (min(fast, slow), max(fast, slow))
            continue
        fast = 1000.0 / speed_at_oxygen_cost(hi * vdot_value)
        slow = 1000.0 / speed_at_oxygen_cost(lo * vdot_value)
        paces[name] = (fast, slow)
    return paces


PACE_SOURCES: dict[str, str] = {
    "E": "59-74% VO2max (Daniels' Running Formula 3rd ed.) through the oxygen-cost equation",
    "M": "the VDOT's predicted marathon race pace (Daniels) to 84% VO2max",
    "T": "83-88% VO2max (Daniels) through the oxygen-cost equation",
    "I": "95-100% VO2max (Daniels) through the oxygen-cost equation",
    "R": "105-110% VO2max (Daniels: about 105%) through the oxygen-cost equation",
}
