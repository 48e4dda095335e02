"""Race calculator: VDOT, equivalent race times and training paces from one race.

Needs no database; re-exported by ``deliberun.services.athlete``.
"""

from __future__ import annotations

import warnings
from typing import Any

from deliberun.models import race_input
from deliberun.models import vdot as vd
from deliberun.units import clock


def race_calculator(distance: float, duration: float) -> dict[str, Any]:
    """VDOT, equivalent race times and training paces from one race (no database).

    Returns the calculator JSON other tools rely on: ``vdot`` (2 decimals),
    ``equivalents_s`` keyed by metres (``"5000"``, ``"10000"``, ``"21097.5"``,
    ``"42195"``), ``paces_s_per_km`` ``{"E": [fast, slow], ...}``, plus
    ``race`` and ``pace_sources``.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = vd.vdot(distance, duration)
    if not 10.0 <= value <= 100.0:
        raise ValueError(
            f"{distance:.0f} m in {clock(duration)} gives VDOT {value:.1f}, "
            "outside 10-100; check the distance and time"
        )
    equivalents = {
        _metres_key(d): round(vd.race_time(value, d), 1) for d in vd.RACE_DISTANCES_M.values()
    }
    paces = {k: [round(a, 1), round(b, 1)] for k, (a, b) in vd.training_paces(value).items()}
    return {
        "race": {"distance_m": distance, "time_s": duration},
        "vdot": round(value, 2),
        "equivalents_s": equivalents,
        "paces_s_per_km": paces,
        "pace_sources": dict(vd.PACE_SOURCES),
        "warnings": [str(w.message) for w in caught],
    }


def paces(distance_text: str, time_text: str) -> dict[str, Any]:
    """:func:`race_calculator` from what the runner typed (``5k``, ``21:50``)."""
    return race_calculator(
        race_input.parse_distance(distance_text), race_input.parse_duration(time_text)
    )


def _metres_key(d: float) -> str:
    return str(int(d)) if float(d).is_integer() else str(d)
