"""Race rehearsal: per-km or per-mile splits that even out the effort over a course.

Even effort means the same grade-adjusted pace (GAP) everywhere: on a climb the
runner slows by the GAP model's factor, on a descent speeds up. With a temperature
(optionally rising from start to finish) the heat model of
``deliberun.practice.course_progress`` slows the hot part the same way, so the effort
stays even. The course is cut into 10 m pieces; the even effort pace is the one whose
total equals the goal; split times are whole seconds, rounded so their sum is the goal
to the second (largest remainder).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from deliberun.metrics.grade import get_gap, grade_from_altitude
from deliberun.metrics.splits import KM_M, MILE_M
from deliberun.practice.course_progress import heat_factor

#: Piece length the course is cut into [m].
PIECE_M = 10.0
#: Half-window of the grade [m]: course files (drawn routes, DEM heights) are smoother
#: than a watch's, but a wider window than the metrics' 10 m keeps single bad heights out.
GRADE_HALF_WINDOW_M = 25.0
SPLIT_UNITS = {"km": KM_M, "mi": MILE_M}


def _round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers close to ``values`` that sum to ``total`` (largest remainder)."""
    floor = np.floor(values).astype(int)
    short = int(total - floor.sum())
    order = np.argsort(-(values - floor), kind="stable")
    floor[order[:short]] += 1
    return floor


def race_plan(
    distance: npt.ArrayLike,
    altitude: npt.ArrayLike,
    goal_s: float,
    *,
    unit: str = "km",
    gap_model: str = "strava",
    temperature_c: float | None = None,
    temperature_end_c: float | None = None,
) -> dict[str, Any]:
    """Splits for ``goal_s`` [s] over a course given by cumulative ``distance`` [m] and
    ``altitude`` [m].

    Returns ``splits`` (``split, start_m, end_m, distance_m, time_s, cumulative_s,
    pace_s_per_km, gap_pace_s_per_km, effort_pace_s_per_km, grade_pct, ascent_m,
    descent_m, temperature_c``), ``effort_pace_s_per_km`` (the even effort, exact),
    ``spread`` (max - min over the full splits of the rounded splits' GAP and effort
    paces [s/km]) and ``total_s`` (the sum of the split times).
    """
    if unit not in SPLIT_UNITS:
        raise ValueError(f"unknown split unit {unit!r}; use km or mi")
    goal = int(round(goal_s))
    if goal <= 0:
        raise ValueError("the goal time must be positive")
    d = np.asarray(distance, dtype=float)
    z = np.asarray(altitude, dtype=float)
    ok = np.isfinite(d)
    d, z = d[ok], z[ok]
    if len(d) < 2 or d[-1] - d[0] < 100:
        raise ValueError("the course is shorter than 100 m or has no distance")
    d = np.maximum.accumulate(d - d[0])
    length = float(d[-1])
    edges = np.append(np.arange(0.0, length, PIECE_M), length)
    mid = 0.5 * (edges[1:] + edges[:-1])
    dx = np.diff(edges)
    if np.isfinite(z).sum() >= 2:
        zz = np.interp(edges, d[np.isfinite(z)], z[np.isfinite(z)])
        grade = grade_from_altitude(edges, zz, half_window_m=GRADE_HALF_WINDOW_M)
        g_mid = 0.5 * (grade[1:] + grade[:-1])
        dz = np.diff(zz)
    else:
        g_mid = np.zeros_like(mid)
        dz = np.zeros_like(mid)
    factor = get_gap(np.ones_like(mid), g_mid, gap_model)  # GAP speed = speed x factor
    t0 = temperature_c
    t1 = temperature_end_c if temperature_end_c is not None else temperature_c
    temp = None if t0 is None or t1 is None else t0 + (t1 - t0) * mid / length
    heat = np.ones_like(mid) if temp is None else np.array([heat_factor(t) for t in temp])
    work = dx * factor * heat  # effort-equivalent metres of each piece
    effort_speed = float(work.sum()) / goal  # m/s at even effort
    piece_t = work / effort_speed
    split_m = SPLIT_UNITS[unit]
    n_splits = int(math.ceil(length / split_m - 1e-9))
    which = np.minimum((mid // split_m).astype(int), n_splits - 1)
    exact = np.bincount(which, weights=piece_t, minlength=n_splits)
    times = _round_to_total(exact, goal)
    gap_d = np.bincount(which, weights=dx * factor, minlength=n_splits)
    eff_d = np.bincount(which, weights=work, minlength=n_splits)
    split_d = np.bincount(which, weights=dx, minlength=n_splits)
    rises = np.bincount(which, weights=np.clip(dz, 0, None), minlength=n_splits)
    falls = np.bincount(which, weights=np.clip(-dz, 0, None), minlength=n_splits)
    splits = []
    cum = 0
    for k in range(n_splits):
        cum += int(times[k])
        sel = which == k
        splits.append(
            {
                "split": k + 1,
                "start_m": k * split_m,
                "end_m": min((k + 1) * split_m, length),
                "distance_m": float(split_d[k]),
                "time_s": int(times[k]),
                "cumulative_s": cum,
                "pace_s_per_km": 1000.0 * times[k] / split_d[k],
                "gap_pace_s_per_km": 1000.0 * times[k] / gap_d[k],
                "effort_pace_s_per_km": 1000.0 * times[k] / eff_d[k],
                "grade_pct": 100.0 * float(np.sum(dz[sel]) / split_d[k]),
                "ascent_m": float(rises[k]),
                "descent_m": float(falls[k]),
                "temperature_c": float(np.mean(temp[sel])) if temp is not None else None,
            }
        )
    full = [s for s in splits if s["distance_m"] >= 0.5 * split_m] or splits
    gp = [s["gap_pace_s_per_km"] for s in full]
    ep = [s["effort_pace_s_per_km"] for s in full]
    pp = [s["pace_s_per_km"] for s in full]
    return {
        "distance_m": length,
        "goal_s": goal,
        "total_s": int(times.sum()),
        "unit": unit,
        "gap_model": gap_model,
        "temperature_c": t0,
        "temperature_end_c": t1 if temperature_end_c is not None else None,
        "effort_pace_s_per_km": 1000.0 / effort_speed,
        "ascent_m": float(np.clip(dz, 0, None).sum()),
        "descent_m": float(np.clip(-dz, 0, None).sum()),
        "spread": {
            "pace_s_per_km": max(pp) - min(pp),
            "gap_pace_s_per_km": max(gp) - min(gp),
            "effort_pace_s_per_km": max(ep) - min(ep),
        },
        "splits": splits,
    }
