"""The runner's own measured segments: a stretch of one run (or a GPX path), and every
later pass over it, timed.

A pass is a stretch of a run that starts near the segment's first point, ends near its
last point, is about as long as the segment (0.8-1.25x) and lies on its path (both
ways, :data:`~deliberun.practice.course_tracks.MATCH_FRACTION` of the points within
:data:`~deliberun.practice.course_tracks.MATCH_TOL_M`). A segment has a direction
(a climb is not the descent back), like a Strava segment. The ends are placed between
profile points by projecting the segment's ends on the run's path, so a pass is timed
to GPS precision, not to the 20 m step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from deliberun.io.geo import haversine_cumulative
from deliberun.practice.course_tracks import (
    MATCH_FRACTION,
    MATCH_TOL_M,
    STEP_M,
    TrackProfile,
    local_xy,
    on_path_fraction,
)

FloatArray = npt.NDArray[np.float64]

#: A pass may be this much shorter or longer than the segment (GPS, corners cut).
LENGTH_RANGE = (0.8, 1.25)
#: Shortest segment [m].
MIN_SEGMENT_M = 100.0


def resample_path(
    latitude: npt.ArrayLike, longitude: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, float]:
    """A path (e.g. a GPX track) as points every ``STEP_M`` and its length [m]."""
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[ok], lon[ok]
    if len(lat) < 2:
        raise ValueError("the path has fewer than two positions")
    d = haversine_cumulative(lat, lon)
    keep = np.concatenate([[True], np.diff(d) > 0])
    d, lat, lon = d[keep], lat[keep], lon[keep]
    length = float(d[-1])
    if length < MIN_SEGMENT_M:
        raise ValueError(f"the path is {length:.0f} m long; a segment needs {MIN_SEGMENT_M:.0f} m")
    marks = np.append(np.arange(0.0, length, STEP_M), length)
    return np.interp(marks, d, lat), np.interp(marks, d, lon), length


def segment_from_run(
    profile: TrackProfile, from_m: float, to_m: float
) -> tuple[FloatArray, FloatArray, float]:
    """The path of a run between ``from_m`` and ``to_m`` [m] along it, and its length."""
    if not 0 <= from_m < to_m:
        raise ValueError(f"--from {from_m / 1000:g} km must be before --to {to_m / 1000:g} km")
    if to_m > profile.distance_m + 1.0:
        raise ValueError(
            f"--to {to_m / 1000:g} km is past the end of the run ({profile.distance_m / 1000:.2f} km)"
        )
    if to_m - from_m < MIN_SEGMENT_M:
        raise ValueError(f"a segment needs at least {MIN_SEGMENT_M:.0f} m")
    marks = np.append(np.arange(from_m, to_m, STEP_M), to_m)
    return profile.at("latitude", marks), profile.at("longitude", marks), float(to_m - from_m)


def _visits(dist: FloatArray, tol: float) -> list[int]:
    """Index of the closest point of each separate visit within ``tol``."""
    near = dist < tol
    if not near.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], near.astype(np.int8), [0]])))
    return [int(a + np.argmin(dist[a:b])) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _place(xy: FloatArray, i: int, point: FloatArray) -> float:
    """Fractional index of ``point`` projected on the run's polyline next to point ``i``."""
    best, best_d = float(i), float(np.hypot(*(xy[i] - point)))
    for a in (i - 1, i):
        if a < 0 or a + 1 >= len(xy):
            continue
        seg = xy[a + 1] - xy[a]
        L2 = float(seg @ seg)
        if L2 == 0:
            continue
        u = float(np.clip((point - xy[a]) @ seg / L2, 0.0, 1.0))
        d = float(np.hypot(*(xy[a] + u * seg - point)))
        if d < best_d:
            best, best_d = a + u, d
    return best


def find_passes(
    latitude: FloatArray, longitude: FloatArray, length_m: float, profile: TrackProfile
) -> list[dict[str, Any]]:
    """Every pass of a run (``profile``) over the segment (points every ``STEP_M``).

    Returns dicts with ``start_m``/``end_m`` along the run [m], ``time_s`` (moving time), ``elapsed_s``,
    ``gap_time_s`` and ``avg_hr_bpm`` (None without heart rate).
    """
    origin = (float(latitude[0]), float(longitude[0]))
    seg = local_xy(latitude, longitude, origin)
    run = local_xy(profile.latitude, profile.longitude, origin)
    seg_tree = cKDTree(seg)
    starts = _visits(np.hypot(*(run - seg[0]).T), MATCH_TOL_M)
    ends = _visits(np.hypot(*(run - seg[-1]).T), MATCH_TOL_M)
    lo, hi = (length_m * f / STEP_M for f in LENGTH_RANGE)
    out: list[dict[str, Any]] = []
    done = -1
    for s in starts:
        if s <= done:
            continue
        for e in ends:
            if e <= s or not lo <= e - s <= hi:
                continue
            stretch = run[s : e + 1]
            if on_path_fraction(stretch, seg_tree) < MATCH_FRACTION:
                continue
            if on_path_fraction(seg, cKDTree(stretch)) < MATCH_FRACTION:
                continue
            a = _place(run, s, seg[0]) * STEP_M
            b = _place(run, e, seg[-1]) * STEP_M
            elapsed = float(np.diff(profile.at("time_s", [a, b]))[0])
            t = float(np.diff(profile.at("moving_s", [a, b]))[0])
            gap = float(np.diff(profile.at("gap_m", [a, b]))[0])
            beats, hr_s = (float(np.diff(profile.at(k, [a, b]))[0]) for k in ("beats", "hr_s"))
            out.append(
                {
                    "start_m": a,
                    "end_m": b,
                    "time_s": t,
                    "elapsed_s": elapsed,
                    "gap_time_s": t * (b - a) / gap if gap > 0 else None,
                    "avg_hr_bpm": beats * 60 / hr_s if hr_s > 0.5 * t and hr_s > 0 else None,
                }
            )
            done = e
            break
    return out
