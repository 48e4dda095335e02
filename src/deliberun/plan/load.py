"""Planned training load and the projected fitness/fatigue/form curve.

The load of a planned workout is a pace-based training stress in the manner of
rTSS: ``100 * hours * IF^2`` with ``IF = speed / threshold speed`` (T pace);
fitness and fatigue are exponentially weighted averages of daily load with the
GoldenCheetah weights ``1 - exp(-1/N)`` (tested against ``tests/data/reference/load.json``).

References
----------
.. [1] Banister EW et al. (1975). A systems model of training for athletic
   performance. Aust J Sports Med 7:57-61.
.. [2] GoldenCheetah ``src/Metrics/PMCData.cpp`` (42/7-day constants, exp weights),
   as implemented by ``deliberun.models.load.fitness_fatigue``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from deliberun.plan.paces import zone_paces, zone_speed
from deliberun.plan.workout import Workout, iter_flat, step_speed

#: Default time constants [days] (GoldenCheetah PMCData.cpp, load.json ``defaults``).
PMC_DEFAULTS = {"fitness_days": 42, "fatigue_days": 7}


def planned_load(workout: Workout, vdot: float) -> float:
    """Planned stress of a workout (rTSS-like, 100 = one hour at threshold pace).

    Parameters
    ----------
    workout : Workout
        The structured workout.
    vdot : float
        The runner's VDOT, to resolve zones and the threshold speed.
    """
    paces = zone_paces(vdot)
    v_t = zone_speed(vdot, "T")
    total = 0.0
    for s in iter_flat(workout.steps):
        v = step_speed(s, paces, vdot)
        if s.target is not None and s.target.kind == "rpe" and s.target.rpe is not None:
            v = v_t * (0.6 + 0.05 * s.target.rpe)  # RPE 8 ≈ threshold
        if s.duration_s is not None:
            dur = s.duration_s
        elif s.distance_m is not None and v > 0:
            dur = s.distance_m / v
        else:
            dur = 0.0
        intensity = v / v_t
        total += 100.0 * dur / 3600.0 * intensity * intensity
    return total


def project_fitness(
    daily_load: Sequence[float],
    *,
    fitness0: float = 0.0,
    fatigue0: float = 0.0,
    fitness_days: int = PMC_DEFAULTS["fitness_days"],
    fatigue_days: int = PMC_DEFAULTS["fatigue_days"],
    weighting: str = "exp",
) -> dict[str, list[float]]:
    """Fitness, fatigue and form over a daily load series.

    ``x[d] = x[d-1] + (load[d] - x[d-1]) * w`` with ``w = 1 - exp(-1/N)`` [2]_ (or the
    other conventions of ``deliberun.models.load``, which computes it); form is
    fitness minus fatigue of the previous day (the "yesterday" convention).

    Returns
    -------
    dict
        ``{"fitness": [...], "fatigue": [...], "form": [...]}``, one value per day.
    """
    from deliberun.models.load import fitness_fatigue

    ff = fitness_fatigue(
        list(daily_load),
        fitness_days=fitness_days,
        fatigue_days=fatigue_days,
        weighting=weighting,
        initial_fitness=fitness0,
        initial_fatigue=fatigue0,
    )
    return {
        "fitness": [float(x) for x in ff.fitness],
        "fatigue": [float(x) for x in ff.fatigue],
        "form": [float(x) for x in ff.form],
    }


def easy_load_per_km(vdot: float) -> float:
    """Load of one kilometre at E pace (to seed fitness from a weekly volume)."""
    v = zone_speed(vdot, "E")
    intensity = v / zone_speed(vdot, "T")
    return 100.0 * (1000.0 / v) / 3600.0 * intensity * intensity


def plan_projection(
    days: Sequence[tuple[date, Workout]],
    vdot: float,
    *,
    start: date,
    end: date,
    weekly_volume_km: float = 0.0,
) -> list[dict[str, Any]]:
    """Daily planned load, fitness, fatigue and form from ``start`` to ``end``.

    Fitness and fatigue start at the steady state of ``weekly_volume_km`` run easy.
    """
    if end < start:
        raise ValueError("projection end is before its start")
    n = (end - start).days + 1
    loads = [0.0] * n
    for d, w in days:
        i = (d - start).days
        if 0 <= i < n:
            loads[i] += planned_load(w, vdot)
    seed = weekly_volume_km * easy_load_per_km(vdot) / 7.0
    curve = project_fitness(loads, fitness0=seed, fatigue0=seed)
    return [
        {
            "date": (start + timedelta(days=i)).isoformat(),
            "load": round(loads[i], 1),
            "fitness": round(curve["fitness"][i], 1),
            "fatigue": round(curve["fatigue"][i], 1),
            "form": round(curve["form"][i], 1),
        }
        for i in range(n)
    ]
