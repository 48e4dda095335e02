"""A run's track reduced for course matching: points every 20 m with running totals.

A :class:`TrackProfile` keeps, at every ``STEP_M`` metres of the run's distance, the
position and the running totals a course needs to time any stretch of the run
without its streams: elapsed and moving time, grade-adjusted (GAP) distance, heart
beats and seconds with heart rate. Matching compares the positions only; timing
reads the totals at the stretch's ends.

Two tracks *match* when at least ``MATCH_FRACTION`` of each one's points lie within
``MATCH_TOL_M`` of the other's path. The test is symmetric and looks at where the
points are, not in which order, so a course matches run in either direction and a
loop matches whatever point the run started from. It is robust to GPS noise up to
a few tens of metres and to a few wild points (spikes), which fall in the
``1 - MATCH_FRACTION`` allowance.

The grid of ``CELL_M`` cells (a geohash-like key of two cell numbers) is the
spatial index: two matching tracks share most of their cells, so only courses with a
high cell overlap are tested point by point (with a k-d tree, ``scipy.spatial``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from deliberun.io.geo import EARTH_RADIUS_M, haversine_cumulative
from deliberun.metrics.grade import get_gap, grade_from_altitude

FloatArray = npt.NDArray[np.float64]

#: Distance between kept points [m]: fine enough for a 40 m tolerance, 50 points a km.
STEP_M = 20.0
#: A point "is on" the other path when within this distance of it [m]. Wrist GPS wanders
#: by 3-10 m and cuts corners by 10-20 m; 40 m keeps both while parallel streets
#: (usually 80 m+ apart) stay apart.
MATCH_TOL_M = 40.0
#: Share of each track's points that must be on the other's path.
MATCH_FRACTION = 0.9
#: Grid cell of the spatial index [m] and the least cell overlap (Jaccard) to test a pair.
CELL_M = 100.0
MIN_CELL_JACCARD = 0.3
#: Runs shorter than this are not matched (a warm-up jog, a GPS fix and stop).
MIN_TRACK_M = 1000.0
#: A 20 m step that took longer than this is a stop; only this much counts as moving [s].
MAX_MOVING_STEP_S = STEP_M / 0.5

M_PER_DEG = EARTH_RADIUS_M * math.pi / 180.0


@dataclass
class TrackProfile:
    """A run every ``STEP_M`` metres: position and running totals (all from the run's start).

    ``latitude``/``longitude`` [deg]; ``time_s`` elapsed and ``moving_s`` moving time
    [s]; ``gap_m`` grade-adjusted distance [m] (flat-equivalent metres by the GAP model);
    ``beats`` heart beats and ``hr_s`` seconds with a heart rate, so the mean heart
    rate of a stretch is ``d(beats) / d(hr_s)``. ``distance_m`` is the run's length.
    """

    activity_id: int
    latitude: FloatArray
    longitude: FloatArray
    time_s: FloatArray
    moving_s: FloatArray
    gap_m: FloatArray
    beats: FloatArray
    hr_s: FloatArray
    distance_m: float

    @property
    def n(self) -> int:
        return int(len(self.latitude))

    def arrays(self) -> dict[str, FloatArray]:
        """The stored form (one array per field)."""
        return {
            "latitude": self.latitude,
            "longitude": self.longitude,
            "time_s": self.time_s,
            "moving_s": self.moving_s,
            "gap_m": self.gap_m,
            "beats": self.beats,
            "hr_s": self.hr_s,
        }

    @classmethod
    def from_arrays(
        cls, activity_id: int, arrays: dict[str, np.ndarray], distance_m: float
    ) -> TrackProfile:
        a = {k: np.asarray(arrays[k], dtype=np.float64) for k in ARRAY_NAMES}
        return cls(activity_id, **a, distance_m=float(distance_m))

    def at(self, name: str, distance: npt.ArrayLike) -> FloatArray:
        """A running total (``time_s``, ``gap_m``...) at ``distance`` [m] along the run."""
        grid = np.arange(self.n, dtype=float) * STEP_M
        return np.asarray(
            np.interp(np.asarray(distance, dtype=np.float64), grid, getattr(self, name)),
            dtype=np.float64,
        )


ARRAY_NAMES = ("latitude", "longitude", "time_s", "moving_s", "gap_m", "beats", "hr_s")


def _cumulative(values: FloatArray, time: FloatArray) -> FloatArray:
    """Running integral of ``values`` over ``time`` (NaN counts as 0), from 0."""
    dt = np.diff(time, prepend=time[:1])
    return np.cumsum(np.where(np.isnan(values), 0.0, values) * dt)


def profile_from_streams(
    activity_id: int,
    time: npt.ArrayLike,
    latitude: npt.ArrayLike,
    longitude: npt.ArrayLike,
    *,
    distance: npt.ArrayLike | None = None,
    altitude: npt.ArrayLike | None = None,
    heart_rate: npt.ArrayLike | None = None,
    gap_model: str = "strava",
) -> TrackProfile | None:
    """The :class:`TrackProfile` of a run from its streams, or None without a usable track.

    Parameters
    ----------
    activity_id : int
        The store's id.
    time : array_like
        Elapsed time of each sample [s].
    latitude, longitude : array_like
        [deg], NaN where unknown.
    distance : array_like, optional
        Cumulative distance [m] (the device's); else measured along the positions.
    altitude : array_like, optional
        [m]; without it GAP distance equals distance.
    heart_rate : array_like, optional
        [bpm].
    gap_model : str
        ``"strava"`` or ``"minetti"`` (:func:`deliberun.metrics.grade.get_gap`).

    Returns
    -------
    TrackProfile or None
        None when fewer than two positions are known or the run is shorter than
        ``MIN_TRACK_M``.
    """
    t = np.asarray(time, dtype=float)
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    ok = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon)
    if ok.sum() < 2:
        return None
    d_all = None if distance is None else np.asarray(distance, dtype=float)
    if d_all is not None and np.isfinite(d_all[ok]).sum() >= 2:
        d = d_all[ok]
        good = np.isfinite(d)
        d = np.interp(np.arange(len(d)), np.flatnonzero(good), d[good])
    else:
        d = haversine_cumulative(lat[ok], lon[ok])
    d = np.maximum.accumulate(d - d[0])
    length = float(d[-1])
    if length < MIN_TRACK_M:
        return None
    tt = t[ok] - t[ok][0]
    marks = np.arange(0.0, length + 1e-9, STEP_M)
    # positions at the marks: interpolate on the distance axis (first sample of each
    # distance wins where the runner stood still)
    keep = np.concatenate([[True], np.diff(d) > 0])
    dk = d[keep]
    p_lat = np.interp(marks, dk, lat[ok][keep])
    p_lon = np.interp(marks, dk, lon[ok][keep])
    p_time = np.interp(marks, dk, tt[keep])
    dt = np.diff(p_time, prepend=0.0)
    moving = np.cumsum(np.minimum(dt, MAX_MOVING_STEP_S))
    factor = np.ones_like(marks)
    if altitude is not None:
        alt = np.asarray(altitude, dtype=float)[ok]
        if np.isfinite(alt).sum() >= 2:
            grade = grade_from_altitude(d, alt)
            f = get_gap(np.ones_like(d), grade, gap_model)
            factor = np.interp(marks, dk, np.nan_to_num(f, nan=1.0)[keep])
    gap = np.cumsum(np.concatenate([[0.0], 0.5 * (factor[1:] + factor[:-1]) * np.diff(marks)]))
    if heart_rate is not None:
        hr = np.asarray(heart_rate, dtype=float)[ok]
        hr = np.where((hr > 25) & (hr < 250), hr, np.nan)
        beats = np.interp(p_time, tt, _cumulative(hr / 60.0, tt))
        hr_s = np.interp(p_time, tt, _cumulative(np.isfinite(hr).astype(float), tt))
    else:
        beats = np.zeros_like(marks)
        hr_s = np.zeros_like(marks)
    return TrackProfile(
        int(activity_id), p_lat, p_lon, p_time, moving, gap, beats, hr_s, distance_m=length
    )


# ----------------------------------------------------------------------------- geometry


def local_xy(
    latitude: npt.ArrayLike, longitude: npt.ArrayLike, origin: tuple[float, float]
) -> FloatArray:
    """Points [deg] as metres east/north of ``origin`` (lat, lon) on a local flat map.

    The equirectangular map is exact to < 0.1 % within 20 km of the origin, far below
    the matching tolerance.
    """
    lat0, lon0 = origin
    x = (np.asarray(longitude, dtype=float) - lon0) * M_PER_DEG * math.cos(math.radians(lat0))
    y = (np.asarray(latitude, dtype=float) - lat0) * M_PER_DEG
    return np.column_stack([x, y])


def cell_keys(
    latitude: npt.ArrayLike, longitude: npt.ArrayLike, cell_m: float = CELL_M
) -> np.ndarray:
    """The sorted unique grid cells [int64 keys] a track passes through.

    Rows are ``cell_m`` of latitude; each row's columns are ``cell_m`` wide at the
    row's own latitude, so a key is the same for every run (a geohash-like grid).
    """
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    dlat = cell_m / M_PER_DEG
    row = np.floor((lat + 90.0) / dlat)
    row_lat = row * dlat - 90.0 + dlat / 2
    dlon = dlat / np.maximum(np.cos(np.radians(row_lat)), 1e-6)
    col = np.floor((lon + 180.0) / dlon)
    keys = row.astype(np.int64) * (1 << 32) + col.astype(np.int64)
    return np.unique(keys)


def on_path_fraction(points: FloatArray, tree: cKDTree, tol_m: float = MATCH_TOL_M) -> float:
    """Share of ``points`` [m, local] within ``tol_m`` of the path whose points built ``tree``.

    The path's points are ``STEP_M`` apart, so a point on the path lies within
    ``STEP_M / 2`` of one of them; the tolerance is widened by that much.
    """
    return nearest_on_path(points, tree, tol_m)[0]


def nearest_on_path(
    points: FloatArray, tree: cKDTree, tol_m: float = MATCH_TOL_M
) -> tuple[float, np.ndarray]:
    """As :func:`on_path_fraction`, and the index of each point's nearest path point
    (``tree.n`` for a point off the path): one k-d tree query gives both."""
    if len(points) == 0:
        return 0.0, np.zeros(0, dtype=np.intp)
    dist, idx = tree.query(points, k=1, distance_upper_bound=tol_m + STEP_M / 2)
    return float(np.mean(np.isfinite(dist))), idx


class PathShape:
    """A track's points on the local map of its first point, with their k-d tree."""

    def __init__(self, latitude: FloatArray, longitude: FloatArray) -> None:
        self.origin = (float(latitude[0]), float(longitude[0]))
        self.latitude = latitude
        self.longitude = longitude
        self.xy = local_xy(latitude, longitude, self.origin)
        self.tree = cKDTree(self.xy)
        self.cells = cell_keys(latitude, longitude)

    def share_on_path(self, other: PathShape) -> float:
        """Share of ``other``'s points on this path (measured on this path's k-d tree)."""
        return self.nearest_of(other)[0]

    def nearest_of(self, other: PathShape) -> tuple[float, np.ndarray]:
        """:meth:`share_on_path` and each of ``other``'s points' nearest point on this
        path (``len(self.xy)`` off it), for :func:`direction`."""
        return nearest_on_path(local_xy(other.latitude, other.longitude, self.origin), self.tree)

    def matches(self, other: PathShape, fraction: float = MATCH_FRACTION) -> tuple[bool, float]:
        """Whether the two tracks match (both ways), and the lower of the two shares.

        Each side is measured on the other's own k-d tree (its map differs from this one's
        by a shift and a scale error below 0.1 % within 20 km)."""
        a = self.share_on_path(other)
        if a < fraction:
            return False, a
        b = other.share_on_path(self)
        return b >= fraction, min(a, b)


def direction(reference: PathShape, track: PathShape, nearest: np.ndarray | None = None) -> str:
    """``"same"`` or ``"reverse"``: whether ``track`` runs the reference path its way.

    Each point of the track is placed at its nearest reference point; the direction
    is the sign most steps move (modulo the path, so a loop started elsewhere counts).
    ``nearest``: the nearest points already found within the match tolerance
    (:meth:`PathShape.nearest_of`); only the points off the path are looked up again.
    """
    xy = local_xy(track.latitude, track.longitude, reference.origin)
    n = len(reference.xy)
    if nearest is None:
        _, idx = reference.tree.query(xy, k=1)
    else:
        idx = np.array(nearest, dtype=np.intp)
        off = idx >= n
        if off.any():
            idx[off] = reference.tree.query(xy[off], k=1)[1]
    step = np.diff(idx.astype(np.int64))
    step = (step + n // 2) % n - n // 2  # wrap: a loop passing its start
    moving = step[np.abs(step) <= 10]
    return "reverse" if np.sum(np.sign(moving)) < 0 else "same"
