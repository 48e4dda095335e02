"""Best efforts (fastest time over a distance) and the mean-maximal speed curve.

Best efforts use exact distance windows: the distance stream is interpolated,
so a 1 km effort is the shortest time between the moment the runner was at
``x`` metres and the moment they reached ``x + 1000`` metres, for any ``x``.
Time is elapsed time (a pause inside an effort counts against it, as on a
race clock). The search is O(n log n) with ``searchsorted``, no Python loop.

The mean-maximal speed curve (GoldenCheetah ``src/Metrics/PeakPace.cpp``) is
the best average speed held for each duration, on the 1 s grid.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Standard best-effort distances [m], keyed as they appear in ``compute_all`` output.
BEST_EFFORT_DISTANCES_M = {
    "400": 400.0,
    "1000": 1000.0,
    "1609.344": 1609.344,
    "5000": 5000.0,
    "10000": 10000.0,
    "21097.5": 21097.5,
    "42195": 42195.0,
}

#: Durations of the mean-maximal curve [s], 5 s to 3 h.
MEAN_MAX_DURATIONS_S = (
    5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480, 600, 720, 900,
    1200, 1500, 1800, 2400, 3000, 3600, 4500, 5400, 7200, 9000, 10800,
)  # fmt: skip


def _reach_leave(time: FloatArray, distance: FloatArray) -> tuple[FloatArray, ...]:
    """Strictly increasing distance axis with first-reach and last-leave times."""
    ok = np.isfinite(time) & np.isfinite(distance)
    t, d = time[ok], np.maximum.accumulate(distance[ok]) if ok.any() else distance[ok]
    if len(d) == 0:
        return (np.zeros(0),) * 4
    new = np.concatenate(([True], np.diff(d) > 0))  # first sample at each distance
    last = np.concatenate((np.diff(d) > 0, [True]))  # last sample at each distance
    return d[new], t[new], d[last], t[last]


def best_effort(time: npt.ArrayLike, distance: npt.ArrayLike, target: float) -> float | None:
    """Fastest elapsed time to cover ``target`` metres anywhere in the activity.

    Parameters
    ----------
    time : array_like
        Elapsed time [s], non-decreasing.
    distance : array_like
        Cumulative distance [m] (NaN allowed; made non-decreasing).
    target : float
        Distance of the effort [m], > 0.

    Returns
    -------
    float or None
        Time [s], or None when the activity is shorter than ``target``.

    Notes
    -----
    Windows start at a sample (end interpolated between the two samples around
    ``x + target``) or end at a sample (start interpolated); the minimum of both
    is exact for piecewise-linear distance. Time is interpolated linearly.
    """
    if target <= 0:
        raise ValueError(f"best-effort distance must be > 0 m, got {target}")
    axes = _reach_leave(np.asarray(time, dtype=float), np.asarray(distance, dtype=float))
    return _best_on_axes(axes, target)


def _best_on_axes(axes: tuple[FloatArray, ...], target: float) -> float | None:
    d_reach, t_reach, d_leave, t_leave = axes
    if len(d_reach) < 2 or d_reach[-1] - d_reach[0] < target - 1e-9:
        return None
    # start at each sample's leave time, end when target further is first reached
    starts = d_leave[d_leave + target <= d_reach[-1] + 1e-9]
    t_start = t_leave[: len(starts)]
    end = np.interp(starts + target, d_reach, t_reach)
    best = float(np.min(end - t_start))
    # end at each sample's reach time, start when target earlier was last left
    sel = d_reach - target >= d_leave[0] - 1e-9
    if sel.any():
        start = np.interp(d_reach[sel] - target, d_leave, t_leave)
        best = min(best, float(np.min(t_reach[sel] - start)))
    return max(best, 0.0)


def best_efforts(
    time: npt.ArrayLike,
    distance: npt.ArrayLike,
    distances: dict[str, float] | None = None,
) -> dict[str, float]:
    """Best effort time [s] for each covered distance, keyed like ``distances``."""
    table = BEST_EFFORT_DISTANCES_M if distances is None else distances
    if any(target <= 0 for target in table.values()):
        raise ValueError("best-effort distances must be > 0 m")
    axes = _reach_leave(np.asarray(time, dtype=float), np.asarray(distance, dtype=float))
    out: dict[str, float] = {}
    for key, target in table.items():
        value = _best_on_axes(axes, target)
        if value is not None:
            out[key] = value
    return out


def mean_max_speed(
    distance_1hz: npt.ArrayLike,
    durations: tuple[int, ...] | list[int] = MEAN_MAX_DURATIONS_S,
    *,
    time: npt.ArrayLike | None = None,
    monotone: bool = True,
) -> dict[int, float]:
    """Mean-maximal speed for each duration, from distance on a 1 s grid.

    Parameters
    ----------
    distance_1hz : array_like
        Cumulative distance [m] sampled every second (NaN in gaps).
    durations : sequence of int
        Window lengths [s].
    time : array_like, optional
        Grid times [s] when the grid jumps across long gaps
        (``cleaning.Streams1Hz.time``); a window of ``k`` samples then spans at
        least ``k`` seconds and its speed is distance over its real duration.
    monotone : bool
        If True (default), a longer duration's value is carried back to shorter
        durations where it is higher (GoldenCheetah does the same), so the curve
        never rises with duration. Raw maxima can rise: 1 m/s for 1 s, stop 1 s,
        1 m/s for 1 s gives 0.5 m/s over 2 s but 0.67 m/s over 3 s.

    Returns
    -------
    dict of int to float
        Speed [m/s] by duration [s]; durations longer than the activity are left out.
    """
    d = np.asarray(distance_1hz, dtype=float)
    n = len(d)
    out: dict[int, float] = {}
    for k in sorted(int(x) for x in durations):
        if k <= 0:
            raise ValueError(f"durations must be positive seconds, got {k}")
        if k >= n:
            break
        diff = d[k:] - d[:-k]
        if not np.isfinite(diff).any():
            continue
        if time is None:
            out[k] = float(np.nanmax(diff)) / k
        else:
            tt = np.asarray(time, dtype=float)
            out[k] = float(np.nanmax(diff / (tt[k:] - tt[:-k])))
    if monotone and out:
        keys = sorted(out)
        vals = np.maximum.accumulate(np.array([out[k] for k in keys])[::-1])[::-1]
        out = {k: float(v) for k, v in zip(keys, vals, strict=True)}
    return out
