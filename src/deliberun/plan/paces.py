"""Daniels & Gilbert VDOT equations and training paces per zone (E/M/T/I/R).

The equations themselves live in :mod:`deliberun.models.vdot`; this module turns a
VDOT into the plan's zone targets (bands around GoldenCheetah's fractions of vVDOT, or
Daniels' bands through the models) and parses what a runner types.

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

from deliberun.models import race_input
from deliberun.models import vdot as vdot_model

#: Training speed per zone as a fraction of vVDOT (GoldenCheetah VDOTCalculator.cpp,
#: tested against ``tests/data/reference/vdot.json`` ``goldencheetah_fractions_of_vvdot``).
ZONE_FRACTIONS = vdot_model.GOLDENCHEETAH_PACE_FRACTIONS

#: Half-width of each zone's band as a fraction of speed (project convention, 2-3 %:
#: Daniels' E zone is wide, the quality zones narrow).
ZONE_BAND = {"E": 0.03, "M": 0.02, "T": 0.02, "I": 0.02, "R": 0.03}

ZONES = tuple(ZONE_FRACTIONS)


def vvdot(vdot: float) -> float:
    """Velocity at VDOT [m/s]: ``29.54 + 5.000663 V - 0.007546 V^2`` m/min [1]_."""
    if not 10.0 <= vdot <= 100.0:
        raise ValueError(f"VDOT {vdot:g} is out of range: give a value between 10 and 100")
    return vdot_model.velocity_at_vdot(vdot)


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


def vdot_from_race(distance_m: float, time_s: float) -> float:
    """VDOT from a race result (:func:`deliberun.models.vdot.vdot`)."""
    return vdot_model.vdot(distance_m, time_s)


def race_time(vdot: float, distance_m: float) -> float:
    """Equivalent race time [s] for a VDOT (:func:`deliberun.models.vdot.race_time`)."""
    return vdot_model.race_time(vdot, distance_m)


def vdot_from_threshold_pace(pace_s_per_km: float) -> float:
    """VDOT whose T pace (0.90 vVDOT) equals a threshold pace [s/km] (inverse of ``zone_speed``)."""
    if pace_s_per_km <= 0:
        raise ValueError("threshold pace must be positive (s/km)")
    v_m_per_min = 1000.0 / pace_s_per_km * 60.0 / ZONE_FRACTIONS["T"]
    coef = vdot_model.DANIELS_GILBERT
    a, b, c = coef["v0"], coef["v1"], coef["v2"]
    disc = b * b - 4 * c * (a - v_m_per_min)
    return (-b + math.sqrt(disc)) / (2 * c)


def parse_race_distance(text: str) -> float:
    """A race distance [m] a plan can be built for: ``models.race_input.parse_distance``
    (``5k``, ``half marathon``, ``10mi``, ``5000`` ...), at least 800 m."""
    value = race_input.parse_distance(text)
    if value < 800:
        raise ValueError(f"race distance {text!r} is too short: give at least 800 m")
    return value


#: When the runner's own threshold pace sets the T band instead of the VDOT: its evidence
#: no older than ``max_age_days`` (the prediction window), and the VDOT it reads
#: (:func:`vdot_from_threshold_pace`) within ``margin_vdot`` of the day's VDOT range (a
#: best 20-60 min effort that was not run hard reads below it; one faster than every
#: other evidence, above). Project conventions; the margin is ``training_max_rise``.
THRESHOLD_BAND_RULES: dict[str, float] = {"max_age_days": 180.0, "margin_vdot": 1.0}


def threshold_band(threshold_pace_s_per_km: float) -> tuple[float, float]:
    """The T band (fast, slow) [s/km] around a threshold pace: the Daniels T band of the
    VDOT whose T pace it is (:func:`vdot_from_threshold_pace`)."""
    v = vdot_from_threshold_pace(threshold_pace_s_per_km)
    return zone_paces(min(100.0, max(10.0, v)))["T"]


def t_band_source(
    vdot_range: tuple[float, float],
    threshold_pace_s_per_km: float | None,
    evidence_age_days: int | None,
    *,
    set_by_runner: bool = False,
) -> tuple[str, str]:
    """Which evidence sets the T band, and why in words: ``("threshold", ...)`` or
    ``("vdot", ...)`` (see :data:`THRESHOLD_BAND_RULES`; a pace the runner set always
    counts)."""
    if not threshold_pace_s_per_km or threshold_pace_s_per_km <= 0:
        return "vdot", "T pace from the VDOT (no threshold pace estimated)"
    if set_by_runner:
        return "threshold", "T pace from your threshold pace setting"
    r = THRESHOLD_BAND_RULES
    implied = vdot_from_threshold_pace(threshold_pace_s_per_km)
    if evidence_age_days is None:
        return "vdot", "T pace from the VDOT: your threshold estimate rests on no dated effort"
    if evidence_age_days > r["max_age_days"]:
        return "vdot", (
            f"T pace from the VDOT: your threshold estimate rests on an effort "
            f"{evidence_age_days} days old, more than {r['max_age_days']:.0f}"
        )
    low, high = vdot_range
    if not low - r["margin_vdot"] <= implied <= high + r["margin_vdot"]:
        day = f"{low:.1f}" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}–{high:.1f}"
        return "vdot", (
            f"T pace from the VDOT: your threshold estimate reads VDOT {implied:.1f}, "
            f"more than {r['margin_vdot']:g} outside the day's VDOT {day}"
        )
    return "threshold", (
        f"T pace from your threshold estimate (reads VDOT {implied:.1f}, "
        f"{evidence_age_days} days old)"
    )
