"""Work reps marked by the file's own laps (FIT/TCX lap intensity, or lap lengths).

``work_laps`` says which laps hold the reps of a structured workout, when the laps
clearly mark them; ``detect_intervals`` then makes the reps follow the laps instead
of detecting them from the streams. Thresholds are ours (tuned on simulated
sessions and on the real corpus's manual-lap sessions), not published values.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from deliberun.io.activity import Lap

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_SPEED_RATIO = 1.15  # a rep lap is this much faster than its neighbours
WORK_INTENSITIES = ("active", "interval")  # FIT lap intensity of a work step
REST_INTENSITIES = ("rest", "recovery", "resting")  # "resting": TCX
LAP_MATCH_FRACTION = 0.03  # laps this close in distance are "the same rep"
LAP_WORK_FRACTION = 0.85  # laps at this share of the rep speed are reps too
LAP_MIN_CONTRAST = 1.3  # rep laps vs the median other lap, by lap length
LAP_EASY_DURATION = 2.0  # an "active" lap group this many times the median rep is a run


def _lap_speed(lap: Lap) -> float:
    t = lap.timer_time_s or lap.elapsed_time_s
    return float(lap.distance_m / t) if lap.distance_m and t and t > 0 else float("nan")


def work_laps(laps: list[Lap]) -> list[list[int]]:
    """The laps that hold the work reps, when the file's laps clearly mark them.

    Two kinds of evidence, tried in order:

    1. Lap ``intensity`` (FIT): at least two ``active`` (or ``interval``) laps and
       at least one ``rest`` (or ``recovery``) lap. The work laps are the active
       ones, except those not next to a rest lap and slower than
       ``LAP_WORK_FRACTION`` of the laps that are (easy running before strides,
       marked active like them); ``warmup``/``cooldown`` laps are not reps.
    2. Lap lengths: at least two laps of the same distance (within
       ``LAP_MATCH_FRACTION``), each faster than both neighbours by
       ``MIN_SPEED_RATIO`` (the reps of manual or programmed laps). The rep speed
       is their median; the work laps are all laps at least ``LAP_WORK_FRACTION``
       of it (a first rep cut short still counts), and the rep speed must be
       ``LAP_MIN_CONTRAST`` times the median speed of the other laps (auto-laps
       of a hilly steady run also repeat a distance).

    Consecutive work laps of similar speed (a rep split by an auto-lap) form one
    rep. A first or last group slower than ``LAP_WORK_FRACTION`` of the median
    group and longer than ``LAP_EASY_DURATION`` times its duration (an easy run
    marked active before strides) is not a rep.

    Parameters
    ----------
    laps : list of Lap

    Returns
    -------
    list of list of int
        Lap indices of each rep, in order; [] when the laps do not mark reps.
    """
    if len(laps) < 3:
        return []
    kinds = [(lap.intensity or "").lower() for lap in laps]
    is_work = np.array([k in WORK_INTENSITIES for k in kinds])
    has_rest = any(k in REST_INTENSITIES for k in kinds)
    v = np.array([_lap_speed(lap) for lap in laps])
    if has_rest and is_work.sum() >= 2:
        rest = np.array([k in REST_INTENSITIES for k in kinds])
        by_rest = is_work & (np.r_[rest[1:], False] | np.r_[False, rest[:-1]])
        v_ref = np.nanmedian(v[by_rest]) if by_rest.any() else np.nanmedian(v[is_work])
        with np.errstate(invalid="ignore"):
            is_work &= by_rest | ~(v < LAP_WORK_FRACTION * v_ref)  # easy running marked active
    else:
        is_work = _work_laps_by_length(laps)
    groups: list[list[int]] = []
    for i in np.flatnonzero(is_work):  # loop over laps, not samples
        j = groups[-1][-1] if groups else -2
        if j == i - 1 and not min(v[i], v[j]) < LAP_WORK_FRACTION * max(v[i], v[j]):
            groups[-1].append(int(i))
        else:
            groups.append([int(i)])
    if len(groups) >= 3:  # an easy run marked active before strides is no rep
        dur = np.array([sum(laps[i].elapsed_time_s for i in gr) for gr in groups])
        dist = np.array([sum(laps[i].distance_m or 0.0 for i in gr) for gr in groups])
        v = dist / np.maximum(dur, 1.0)
        easy = (v < LAP_WORK_FRACTION * np.median(v)) & (dur > LAP_EASY_DURATION * np.median(dur))
        easy[1:-1] = False  # only before the first rep or after the last
        groups = [gr for gr, e in zip(groups, easy, strict=True) if not e]
    return groups if len(groups) >= 2 else []


def _work_laps_by_length(laps: list[Lap]) -> BoolArray:
    """Work laps from repeated lap distances (see ``work_laps``); all False when none."""
    v = np.array([_lap_speed(lap) for lap in laps])
    dist = np.array([lap.distance_m or np.nan for lap in laps], dtype=float)
    none = np.zeros(len(laps), dtype=bool)
    prev = np.r_[np.nan, v[:-1]]
    nxt = np.r_[v[1:], np.nan]
    with np.errstate(invalid="ignore"):
        peak = np.isfinite(v) & ~(prev * MIN_SPEED_RATIO > v) & ~(nxt * MIN_SPEED_RATIO > v)
        peak &= np.isfinite(prev) | np.isfinite(nxt)
    idx = np.flatnonzero(peak)
    if len(idx) < 2:
        return none
    d = dist[idx]
    close = np.abs(d[:, None] - d[None, :]) <= LAP_MATCH_FRACTION * np.maximum(d[:, None], 1.0)
    count = close.sum(axis=1)  # how many peak laps share each one's distance (itself included)
    best = int(np.argmax(count))
    if count[best] < 2:
        return none
    core = idx[close[best]]
    v_rep = float(np.median(v[core]))
    with np.errstate(invalid="ignore"):
        work = np.asarray(np.isfinite(v) & (v >= LAP_WORK_FRACTION * v_rep), dtype=bool)
    rest_v = v[~work & np.isfinite(v)]
    if len(rest_v) == 0 or v_rep < LAP_MIN_CONTRAST * float(np.median(rest_v)):
        return none  # auto-laps of a hilly steady run, not reps
    return work


def reps_from_laps(
    laps: list[Lap], groups: list[list[int]], t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Fractional 1 s-grid indices of the start and end of each lap group.

    Parameters
    ----------
    laps : list of Lap
    groups : list of list of int
        From ``work_laps``.
    t : ndarray
        Time of the 1 s grid [s], same origin as ``Lap.start_s``.
    """
    start = np.array([laps[g[0]].start_s for g in groups], dtype=float)
    end = np.array([laps[g[-1]].start_s + laps[g[-1]].elapsed_time_s for g in groups])
    idx = np.arange(len(t), dtype=float)
    return np.interp(start, t, idx), np.interp(end, t, idx)
