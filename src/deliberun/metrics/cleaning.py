"""Cleaning an activity's streams before measuring them.

- **Resampling**: every stream goes onto a 1 s grid of elapsed time. Samples
  further apart than ``MAX_GAP_S`` are a *gap*: the grid points inside it stay
  NaN, never invented (smart-recording watches write every 1-8 s, so 15 s is
  comfortably above normal spacing and well below a real signal loss). A gap
  longer than ``2 * GAP_PAD_S`` keeps only ``GAP_PAD_S`` NaN seconds on each
  side and the grid's time jumps across the rest, so a file whose clock jumps
  by weeks (they exist) costs no more than its samples.
- **GPS spikes**: a distance step faster than the sport's ``MAX_SPEED_M_PER_S``
  is impossible; its speed is replaced by the neighbours' speed, interpolated.
  Distance that goes backwards is treated as no movement.
- **Stops**: a grid second is *moving* when the timer runs (the file's timer
  stop/start events, ``Activity.pauses``), the sample is not in a gap, and the
  speed smoothed over 5 s is at least ``MOVING_SPEED_M_PER_S`` for the sport
  (0.5 m/s for running).
- **Altitude**: smoothed with a centred 15 s moving average (NaN-aware) before
  grades or climbs are taken from it.

All functions are vectorised; nothing loops over samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deliberun.io.geo import haversine_cumulative

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Largest spacing of two samples still interpolated across [s].
MAX_GAP_S = 15.0

#: NaN seconds kept on each side of a long gap before the grid jumps across it [s].
GAP_PAD_S = 60.0

#: Fastest believable speed per sport [m/s]; faster steps are GPS spikes.
#: Running: 12.5 m/s is above the 100 m world record's peak speed (~12.3 m/s).
MAX_SPEED_M_PER_S = {
    "running": 12.5,
    "walking": 8.0,
    "hiking": 8.0,
    "swimming": 5.0,
    "cycling": 35.0,
    "default": 60.0,
}

#: Moving threshold on 5 s smoothed speed [m/s]: 0.5 m/s, the threshold of
#: ``deliberun.metrics.summary`` (slowest walking is ~1 m/s, GPS drift while
#: standing stays below 0.5), so splits and summary agree on moving time
#: (runpandas uses 0.8 m/s, ``types/acessors/moving.py``). Walking and hiking use
#: 0.3 m/s so that a steep slow climb still counts as moving.
MOVING_SPEED_M_PER_S = {
    "walking": 0.3,
    "hiking": 0.3,
    "default": 0.5,
}

#: Centred window for altitude smoothing [s].
ALTITUDE_SMOOTHING_S = 15


def _lookup(table: dict[str, float], sport: str | None) -> float:
    return table.get(sport or "default", table["default"])


@dataclass
class Streams1Hz:
    """An activity's streams on a 1 s grid, cleaned (see module notes).

    ``speed[i]`` is the distance covered from ``time[i]`` to ``time[i + 1]`` per
    second [m/s] (forward difference), so ``nansum(speed * step)`` is the distance
    covered outside gaps. ``step[i] = time[i + 1] - time[i]``: 1 s, except across
    long gaps (see module notes); 0 for the last sample.
    """

    time: FloatArray  # s since start_time, step 1 (jumps across long gaps)
    distance: FloatArray  # m, cumulative, non-decreasing, NaN in gaps
    speed: FloatArray  # m/s
    heart_rate: FloatArray  # bpm
    cadence: FloatArray  # steps/min (as read)
    altitude: FloatArray  # m, smoothed
    timer_on: BoolArray  # not inside a timer pause
    moving: BoolArray
    spikes_removed: int = 0

    @property
    def n(self) -> int:
        return int(len(self.time))

    @property
    def step(self) -> FloatArray:
        """Duration each sample stands for [s] (0 for the last one)."""
        return np.diff(self.time, append=self.time[-1:]) if self.n else np.zeros(0)


def time_grid(time: npt.ArrayLike, *, pad_s: float = GAP_PAD_S) -> FloatArray:
    """Whole seconds from the first to the last sample, skipping long gaps.

    Parameters
    ----------
    time : array_like
        Finite sample times [s], non-decreasing.
    pad_s : float
        Seconds kept on each side of a gap longer than ``2 * pad_s``.

    Returns
    -------
    numpy.ndarray
        Grid times [s], increasing, step 1 except across long gaps.
    """
    t = np.asarray(time, dtype=float)
    if len(t) == 0:
        return np.zeros(0)
    br = np.flatnonzero(np.diff(t) > 2 * pad_s)
    if len(br) == 0:
        return np.arange(np.floor(t[0]), np.floor(t[-1]) + 1.0)
    starts = np.floor(np.concatenate(([t[0]], t[br + 1] - pad_s)))
    ends = np.floor(np.concatenate((t[br] + pad_s, [t[-1]])))
    return np.concatenate(
        [np.arange(a, b + 1.0) for a, b in zip(starts, ends, strict=True)]  # loop over gaps
    )


def rolling_mean(values: npt.ArrayLike, window: int) -> FloatArray:
    """Centred moving average over ``window`` samples, ignoring NaN.

    Parameters
    ----------
    values : array_like
        Regularly sampled values.
    window : int
        Window length [samples], >= 1.

    Returns
    -------
    numpy.ndarray
        Mean of the finite values in each window; NaN where the window holds none
        or where the input itself is NaN.
    """
    v = np.asarray(values, dtype=float)
    if window < 1:
        raise ValueError(f"window must be >= 1 sample, got {window}")
    n = len(v)
    if n == 0 or window == 1:
        return v.copy()
    finite = np.isfinite(v)
    c = np.concatenate(([0.0], np.cumsum(np.where(finite, v, 0.0))))
    k = np.concatenate(([0], np.cumsum(finite)))
    half = window // 2
    idx = np.arange(n)
    lo = np.clip(idx - half, 0, n)
    hi = np.clip(idx - half + window, 0, n)
    cnt = k[hi] - k[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (c[hi] - c[lo]) / cnt
    out[~finite] = np.nan
    return out


def resample_1hz(
    time: npt.ArrayLike,
    values: npt.ArrayLike,
    grid: npt.ArrayLike,
    *,
    max_gap_s: float = MAX_GAP_S,
) -> FloatArray:
    """Linear interpolation of one stream onto a grid, keeping gaps as NaN.

    Parameters
    ----------
    time : array_like
        Sample times [s], non-decreasing.
    values : array_like
        Sample values (NaN = unknown).
    grid : array_like
        Target times [s].
    max_gap_s : float
        Two finite samples further apart than this [s] are not interpolated between.

    Returns
    -------
    numpy.ndarray
        Values on the grid; NaN outside the samples' span and inside gaps.
    """
    t = np.asarray(time, dtype=float)
    v = np.asarray(values, dtype=float)
    g = np.asarray(grid, dtype=float)
    ok = np.isfinite(t) & np.isfinite(v)
    out = np.full(g.shape, np.nan)
    if not ok.any():
        return out
    tv, vv = t[ok], v[ok]
    if len(tv) == 1:
        out[np.abs(g - tv[0]) < 0.5] = vv[0]
        return out
    out = np.interp(g, tv, vv, left=np.nan, right=np.nan)
    j = np.clip(np.searchsorted(tv, g, side="right"), 1, len(tv) - 1)
    left, right = tv[j - 1], tv[j]
    exact = np.abs(g - left) < 1e-9
    out[(right - left > max_gap_s) & ~exact] = np.nan
    return out


def haversine_distance(latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> FloatArray:
    """Cumulative great-circle distance along a track [m] (``io.geo``'s haversine),
    NaN where the position is unknown."""
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    return np.where(ok, haversine_cumulative(lat, lon), np.nan)


def remove_distance_spikes(
    time: npt.ArrayLike, distance: npt.ArrayLike, max_speed: float
) -> tuple[FloatArray, int]:
    """Cumulative distance with impossible steps replaced.

    A step between consecutive finite samples faster than ``max_speed`` is a GPS
    spike: its speed is replaced by the speed interpolated from the neighbouring
    good steps. Backward steps count as zero.

    Parameters
    ----------
    time : array_like
        Sample times [s].
    distance : array_like
        Cumulative distance [m] (NaN allowed).
    max_speed : float
        Fastest believable speed [m/s].

    Returns
    -------
    (numpy.ndarray, int)
        Cleaned cumulative distance [m] (NaN where the input is NaN, starting at the
        first finite input value) and the number of steps replaced.
    """
    t = np.asarray(time, dtype=float)
    d = np.asarray(distance, dtype=float)
    out = np.full(d.shape, np.nan)
    ok = np.isfinite(d) & np.isfinite(t)
    if ok.sum() < 2:
        out[ok] = d[ok]
        return out, 0
    tv, dv = t[ok], d[ok]
    step = np.diff(np.maximum.accumulate(dv))  # a step back is held, not re-run
    dt = np.diff(tv)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(dt > 0, step / np.where(dt > 0, dt, 1.0), np.where(step > 0, np.inf, 0.0))
    bad = v > max_speed
    n_bad = int(bad.sum())
    if n_bad:
        good_idx = np.flatnonzero(~bad)
        if len(good_idx) == 0:
            v_fill = np.zeros(n_bad)
        else:
            v_fill = np.interp(np.flatnonzero(bad), good_idx, v[good_idx])
        step = step.copy()
        step[bad] = v_fill * np.maximum(dt[bad], 0.0)
    out[ok] = dv[0] + np.concatenate(([0.0], np.cumsum(step)))
    return out, n_bad


def in_pauses(time: npt.ArrayLike, pauses: list[tuple[float, float]]) -> BoolArray:
    """True where ``time`` [s] falls inside one of the timer ``pauses`` (start, end) [s]."""
    t = np.asarray(time, dtype=float)
    if not pauses:
        return np.zeros(t.shape, dtype=bool)
    p = np.asarray(sorted(pauses), dtype=float).reshape(-1, 2)
    starts = p[:, 0]
    ends = np.maximum.accumulate(p[:, 1])
    i = np.searchsorted(starts, t, side="right") - 1
    inside = (i >= 0) & (t < ends[np.clip(i, 0, None)])
    return np.asarray(inside, dtype=bool)


def clean_streams(
    time: npt.ArrayLike,
    streams: dict[str, np.ndarray],
    *,
    sport: str | None = "running",
    pauses: list[tuple[float, float]] | None = None,
    max_gap_s: float = MAX_GAP_S,
) -> Streams1Hz:
    """Resample and clean an activity's streams onto a 1 s grid.

    Parameters
    ----------
    time : array_like
        Elapsed time of each sample [s], non-decreasing.
    streams : dict of str to numpy.ndarray
        ``distance`` [m], ``speed`` [m/s], ``heart_rate`` [bpm], ``cadence`` [spm],
        ``altitude`` [m], ``latitude``/``longitude`` [deg]; any may be absent.
    sport : str or None
        Chooses the spike and moving thresholds.
    pauses : list of (float, float), optional
        Timer pauses (start, end) [s].
    max_gap_s : float
        See ``resample_1hz``.

    Returns
    -------
    Streams1Hz

    Notes
    -----
    Distance comes from the ``distance`` stream; without it, from latitude and
    longitude (haversine); without those, from integrating ``speed``. Pure NaN
    streams stay NaN.
    """
    t = np.asarray(time, dtype=float)
    finite_t = np.isfinite(t)
    n_raw = int(finite_t.sum())
    if n_raw == 0:
        empty = np.zeros(0)
        eb = np.zeros(0, dtype=bool)
        return Streams1Hz(empty, empty, empty, empty, empty, empty, eb, eb)
    if np.any(np.diff(t[finite_t]) < 0):
        raise ValueError("time must be non-decreasing; sort the samples by time before measuring")
    grid = time_grid(t[finite_t])

    def get(name: str) -> FloatArray:
        a = streams.get(name)
        if a is None:
            return np.full(t.shape, np.nan)
        return np.asarray(a, dtype=float)

    max_speed = _lookup(MAX_SPEED_M_PER_S, sport)
    dist_raw = get("distance")
    if not np.isfinite(dist_raw).any():
        lat, lon = get("latitude"), get("longitude")
        if (np.isfinite(lat) & np.isfinite(lon)).sum() >= 2:
            dist_raw = haversine_distance(lat, lon)
    n_spikes = 0
    if np.isfinite(dist_raw).sum() >= 2:
        dist_raw, n_spikes = remove_distance_spikes(t, dist_raw, max_speed)
        distance = resample_1hz(t, dist_raw, grid, max_gap_s=max_gap_s)
    else:
        sp = np.clip(resample_1hz(t, get("speed"), grid, max_gap_s=max_gap_s), 0, max_speed)
        if np.isfinite(sp).any():
            distance = np.concatenate(([0.0], np.cumsum(np.nan_to_num(sp[:-1]))))
            distance[~np.isfinite(sp)] = np.nan
        else:
            distance = np.full(grid.shape, np.nan)
    # interpolation of a non-decreasing series stays non-decreasing; guard rounding
    fin = np.isfinite(distance)
    if fin.any():
        distance[fin] = np.maximum.accumulate(distance[fin])

    speed = np.full(grid.shape, np.nan)
    if len(grid) > 1:
        speed[:-1] = np.diff(distance) / np.diff(grid)
    heart_rate = resample_1hz(t, get("heart_rate"), grid, max_gap_s=max_gap_s)
    heart_rate[(heart_rate < 20) | (heart_rate > 250)] = np.nan  # 0 = no strap contact
    cadence = resample_1hz(t, get("cadence"), grid, max_gap_s=max_gap_s)
    cadence[cadence <= 0] = np.nan
    altitude = rolling_mean(
        resample_1hz(t, get("altitude"), grid, max_gap_s=max_gap_s), ALTITUDE_SMOOTHING_S
    )

    timer_on = ~in_pauses(grid, pauses or [])
    smooth_speed = rolling_mean(speed, 5)
    moving = timer_on & (smooth_speed >= _lookup(MOVING_SPEED_M_PER_S, sport))
    return Streams1Hz(
        time=grid,
        distance=distance,
        speed=speed,
        heart_rate=heart_rate,
        cadence=cadence,
        altitude=altitude,
        timer_on=timer_on,
        moving=np.asarray(moving, dtype=bool),
        spikes_removed=n_spikes,
    )
