"""Splits: the activity cut at every kilometre or mile.

Split boundaries are the interpolated moments the runner crossed each
``split_m``; the last split is the remainder. Durations are elapsed time, so
the splits' durations sum to the activity's elapsed time and their distances
to its distance; ``moving_time_s`` (elapsed minus stopped seconds) sums to
the moving time. Pace is moving
time per kilometre (a stop at a crossing does not slow the split, as on
Strava). GAP pace uses the split's ratio of grade-adjusted to plain speed, so
on flat ground it equals the pace exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from deliberun.jsonable import finite_number
from deliberun.metrics.elevation import hysteresis_steps

FloatArray = npt.NDArray[np.float64]

KM_M = 1000.0
MILE_M = 1609.344


def _segment_sums(values: FloatArray, edges: npt.NDArray[np.intp]) -> FloatArray:
    """Sum of ``values`` (NaN as 0) between consecutive ``edges`` indices."""
    c = np.concatenate(([0.0], np.cumsum(np.nan_to_num(values))))
    return np.asarray(c[edges[1:]] - c[edges[:-1]], dtype=float)


def _none(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def splits(
    time: npt.ArrayLike,
    distance: npt.ArrayLike,
    *,
    split_m: float = KM_M,
    speed: npt.ArrayLike | None = None,
    gap_speed: npt.ArrayLike | None = None,
    heart_rate: npt.ArrayLike | None = None,
    cadence: npt.ArrayLike | None = None,
    altitude: npt.ArrayLike | None = None,
    moving: npt.ArrayLike | None = None,
    min_last_m: float = 1.0,
) -> list[dict[str, Any]]:
    """Per-split time, pace, GAP pace, heart rate, cadence and climb.

    Parameters
    ----------
    time : array_like
        Elapsed time on a regular 1 s grid [s].
    distance : array_like
        Cumulative distance [m], non-decreasing, NaN in gaps.
    split_m : float
        Split length [m]: 1000 for km, 1609.344 for miles.
    speed, gap_speed : array_like, optional
        Speed and grade-adjusted speed per 1 s step [m/s].
    heart_rate : array_like, optional
        [bpm]
    cadence : array_like, optional
        [steps/min]
    altitude : array_like, optional
        Smoothed altitude [m].
    moving : array_like of bool, optional
        Moving mask; all moving when omitted.
    min_last_m : float
        A final remainder shorter than this [m] is merged into the previous split.

    Returns
    -------
    list of dict
        ``index`` (1-based), ``distance_m``, ``duration_s`` (elapsed),
        ``moving_time_s``, ``pace_s_per_km``, ``gap_pace_s_per_km``, ``avg_hr_bpm``,
        ``avg_cadence_spm``, ``ascent_m``, ``descent_m``; NaN results are None.
    """
    if split_m <= 0:
        raise ValueError(f"split length must be > 0 m, got {split_m}")
    t = np.asarray(time, dtype=float)
    d = np.asarray(distance, dtype=float)
    n = len(t)
    fin = np.isfinite(d)
    if n < 2 or fin.sum() < 2:
        return []
    d_f, t_f = d[fin], t[fin]
    total = float(d_f[-1] - d_f[0])
    if total <= 0:
        return []
    marks = d_f[0] + split_m * np.arange(1, int(np.floor(total / split_m)) + 1)
    if len(marks) and d_f[-1] - marks[-1] < min_last_m:
        marks = marks[:-1]
    # crossing times: first time each mark is reached
    new = np.concatenate(([True], np.diff(d_f) > 0))
    t_cross = np.interp(marks, d_f[new], t_f[new])
    bounds_t = np.concatenate(([t[0]], t_cross, [t[-1]]))
    bounds_d = np.concatenate(([d_f[0]], marks, [d_f[-1]]))
    # sample index ranges: step i covers [t_i, t_i + 1); a split owns steps starting in it
    edges = np.searchsorted(t, bounds_t, side="left")
    edges[-1] = n
    edges = np.maximum.accumulate(edges)

    mv = np.ones(n, dtype=bool) if moving is None else np.asarray(moving, dtype=bool)
    sp = np.full(n, np.nan) if speed is None else np.asarray(speed, dtype=float)
    gs = sp if gap_speed is None else np.asarray(gap_speed, dtype=float)
    both = mv & np.isfinite(sp) & np.isfinite(gs)
    sum_sp = _segment_sums(np.where(both, sp, 0.0), edges)
    sum_gs = _segment_sums(np.where(both, gs, 0.0), edges)
    # seconds each sample stands for while stopped (1 s steps; more across a long gap)
    stopped = np.where(mv, 0.0, np.diff(t, append=t[-1]))

    def seg_mean(values: npt.ArrayLike | None) -> FloatArray:
        if values is None:
            return np.full(len(edges) - 1, np.nan)
        v = np.asarray(values, dtype=float)
        ok = np.isfinite(v) & mv
        s = _segment_sums(np.where(ok, v, 0.0), edges)
        c = _segment_sums(ok.astype(float), edges)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(c > 0, s / np.where(c > 0, c, 1), np.nan)

    hr = seg_mean(heart_rate)
    cad = seg_mean(cadence)
    if altitude is not None:
        # the activity's own hysteresis, per sample: the splits' climbs add up as the
        # total does (raw rises of a noisy altitude would add ~20 %)
        up, down = hysteresis_steps(np.asarray(altitude, dtype=float))
        asc, desc = _segment_sums(up, edges), _segment_sums(down, edges)
    else:
        asc = desc = np.full(len(edges) - 1, np.nan)

    dist = np.diff(bounds_d)
    dur = np.diff(bounds_t)
    # moving time = elapsed minus stopped time, the stopped 1 s steps apportioned
    # by time where a split boundary cuts one (so the splits sum exactly)
    stopped_cum = np.concatenate(([0.0], np.cumsum(stopped[:-1])))  # at each sample time
    moving_s = dur - np.diff(np.interp(bounds_t, t, stopped_cum))
    # a split too short to hold a whole 1 s step takes the activity's GAP ratio
    all_ratio = sum_gs.sum() / sum_sp.sum() if sum_sp.sum() > 0 else np.nan
    out: list[dict[str, Any]] = []
    for i in range(len(dist)):
        pace = moving_s[i] / dist[i] * 1000.0 if dist[i] > 0 and moving_s[i] > 0 else np.nan
        ratio = sum_gs[i] / sum_sp[i] if sum_sp[i] > 0 else all_ratio
        gap_pace = pace / ratio if np.isfinite(ratio) and ratio > 0 else np.nan
        out.append(
            {
                "index": i + 1,
                "distance_m": float(dist[i]),
                "duration_s": float(dur[i]),
                "moving_time_s": float(moving_s[i]),
                "pace_s_per_km": _none(pace),
                "gap_pace_s_per_km": _none(gap_pace),
                "avg_hr_bpm": _none(hr[i]),
                "avg_cadence_spm": _none(cad[i]),
                "ascent_m": _none(asc[i]),
                "descent_m": _none(desc[i]),
            }
        )
    return out


#: A split counts as a whole kilometre from this distance [m] (a last, partial km does
#: not): the race and session classifiers read the pace of whole kilometres only.
WHOLE_KM_M = 990.0


def whole_km_paces(splits_km: Any) -> list[float]:
    """Paces [s/km] of the whole-kilometre splits of :func:`splits` output, in order.

    Parameters
    ----------
    splits_km : list of dict
        Stored kilometre splits (``distance_m`` [m], ``pace_s_per_km`` [s/km]).

    Returns
    -------
    list of float
        The finite, positive paces of the splits of at least ``WHOLE_KM_M`` metres;
        splits that are not dicts, or whose values are missing or not numbers, are left
        out (an empty list for anything that is not a list).
    """
    out: list[float] = []
    for s in splits_km if isinstance(splits_km, list) else []:
        if not isinstance(s, dict) or (finite_number(s.get("distance_m")) or 0.0) < WHOLE_KM_M:
            continue
        pace = finite_number(s.get("pace_s_per_km"))
        if pace is not None and pace > 0:
            out.append(pace)
    return out
