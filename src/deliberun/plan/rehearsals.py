"""A race course's hard parts (its climbs) and the training runs that rehearsed them.

A climb is a stretch of at least ``MIN_CLIMB_M`` whose grade (over +/-50 m) stays at or
above ``MIN_CLIMB_GRADE``. A run *rehearsed* it when it holds a stretch as long
and as steep (+/-``GRADE_TOLERANCE``, as a fraction of the
climb's grade) run at the race's effort (grade-adjusted pace within
``EFFORT_TOLERANCE`` of the plan's). A run's grade is read back from its profile's GAP
distance (the GAP factor of a stretch is its GAP distance over its distance, and the
factor grows with the grade uphill), so no altitude needs to be stored. Only climbs are
looked for: downhill the GAP factor does not tell grade apart (it is flat around -9 %).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from deliberun.metrics.grade import get_gap
from deliberun.practice.course_tracks import STEP_M, TrackProfile

MIN_CLIMB_GRADE = 0.03
MIN_CLIMB_M = 300.0
GRADE_TOLERANCE = 0.35
EFFORT_TOLERANCE = 0.05
PIECE_M = 10.0


def climbs(distance: npt.ArrayLike, altitude: npt.ArrayLike) -> list[dict[str, float]]:
    """The climbs of a course: ``start_m, end_m, length_m, grade`` (decimal), in order."""
    d = np.asarray(distance, dtype=float)
    z = np.asarray(altitude, dtype=float)
    ok = np.isfinite(d) & np.isfinite(z)
    if ok.sum() < 2:
        return []
    d, z = np.maximum.accumulate(d[ok] - d[ok][0]), z[ok]
    grid = np.arange(0.0, d[-1], PIECE_M)
    zz = np.interp(grid, d, z)
    half = int(50 / PIECE_M)
    zp = np.pad(zz, half, mode="edge")
    grade = (zp[2 * half :] - zp[: -2 * half]) / (2 * half * PIECE_M)
    up = np.concatenate([[0], (grade >= MIN_CLIMB_GRADE).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(up))
    out = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        length = (b - a) * PIECE_M
        if length >= MIN_CLIMB_M:
            out.append(
                {
                    "start_m": float(grid[a]),
                    "end_m": float(grid[a]) + length,
                    "length_m": float(length),
                    "grade": float((zz[min(b, len(zz) - 1)] - zz[a]) / length),
                }
            )
    return out


def _grade_of_factor(factor: np.ndarray, gap_model: str) -> np.ndarray:
    """Uphill grade [-] whose GAP factor is ``factor`` (the factor grows with the grade)."""
    g = np.linspace(0.0, 0.45, 451)
    f = get_gap(np.ones_like(g), g, gap_model)
    return np.asarray(np.interp(factor, f, g, left=0.0), dtype=float)


def rehearsals(
    climb: dict[str, float],
    profiles: list[TrackProfile],
    effort_pace_s_per_km: float,
    *,
    gap_model: str = "strava",
) -> list[dict[str, Any]]:
    """The runs (``profiles``) with a stretch like ``climb`` run at the race's effort:
    ``activity_id, start_m, length_m, grade, gap_pace_s_per_km`` (one, the best, per run)."""
    k = max(1, int(round(climb["length_m"] / STEP_M)))
    out = []
    for p in profiles:
        if p.n <= k:
            continue
        run = p.gap_m[k:] - p.gap_m[:-k]
        dt = p.moving_s[k:] - p.moving_s[:-k]
        factor = run / (k * STEP_M)
        grade = _grade_of_factor(factor, gap_model)
        gap_pace = np.where(run > 0, 1000.0 * dt / np.maximum(run, 1e-9), np.inf)
        ok = (np.abs(grade - climb["grade"]) <= GRADE_TOLERANCE * climb["grade"]) & (
            np.abs(gap_pace / effort_pace_s_per_km - 1.0) <= EFFORT_TOLERANCE
        )
        if not ok.any():
            continue
        cand = np.flatnonzero(ok)
        best = int(cand[np.argmin(np.abs(grade[cand] - climb["grade"]))])
        out.append(
            {
                "activity_id": p.activity_id,
                "start_m": best * STEP_M,
                "length_m": k * STEP_M,
                "grade": float(grade[best]),
                "gap_pace_s_per_km": float(gap_pace[best]),
            }
        )
    return out


# ----------------------------------------------------------------------------- as a target
#
# A cycle target of kind ``course_rehearsals`` keeps the race course's climbs and the
# plan's effort in its parameters (flat numbers, so the target needs neither the GPX
# file nor the course again): ``effort_pace_s_per_km``, ``goal_s``, ``climbs`` and, per
# climb ``i`` from 1, ``climb_i_start_m``, ``climb_i_length_m`` and ``climb_i_grade``.


def rehearsal_params(
    climbs_: list[dict[str, float]], effort_pace_s_per_km: float, goal_s: float
) -> dict[str, float]:
    """The parameters of a ``course_rehearsals`` target (see above)."""
    if not climbs_:
        raise ValueError(
            f"the course has no climb to rehearse (none of {MIN_CLIMB_M:.0f} m or more at "
            f"{100 * MIN_CLIMB_GRADE:.0f} % or steeper)"
        )
    out = {
        "effort_pace_s_per_km": float(effort_pace_s_per_km),
        "goal_s": float(goal_s),
        "climbs": float(len(climbs_)),
    }
    for i, c in enumerate(climbs_, start=1):
        out[f"climb_{i}_start_m"] = float(c["start_m"])
        out[f"climb_{i}_length_m"] = float(c["length_m"])
        out[f"climb_{i}_grade"] = float(c["grade"])
    return out


def climbs_from_params(params: dict[str, float]) -> list[dict[str, float]]:
    """The climbs kept by :func:`rehearsal_params` (``ValueError`` when they are missing)."""
    try:
        n = int(params["climbs"])
        return [
            {
                "start_m": float(params[f"climb_{i}_start_m"]),
                "length_m": float(params[f"climb_{i}_length_m"]),
                "end_m": float(params[f"climb_{i}_start_m"] + params[f"climb_{i}_length_m"]),
                "grade": float(params[f"climb_{i}_grade"]),
            }
            for i in range(1, n + 1)
        ]
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            "this course_rehearsals target has no climbs stored; remove it and add it again "
            "with --course"
        ) from None


def rehearsed_climbs(
    climbs_: list[dict[str, float]],
    profiles: list[TrackProfile],
    effort_pace_s_per_km: float,
    *,
    gap_model: str = "strava",
) -> dict[int, list[int]]:
    """For each run (``activity_id``) that rehearsed one of ``climbs_`` at the race's
    effort, the climbs it rehearsed (numbers from 1, in course order)."""
    out: dict[int, list[int]] = {}
    for i, c in enumerate(climbs_, start=1):
        for r in rehearsals(c, profiles, effort_pace_s_per_km, gap_model=gap_model):
            out.setdefault(int(r["activity_id"]), []).append(i)
    return out
