"""Work intervals found from the streams alone, and the file's own laps.

Detection (``detect_intervals``), all vectorised over samples:

1. Speed on the 1 s grid is smoothed with a centred ``SMOOTH_S`` moving mean.
2. Otsu's threshold [1]_ splits the *moving* samples into a slow and a fast
   class. The activity is structured only when the split is clear: the
   between-class share of the variance (Otsu's separability) is at least
   ``MIN_SEPARABILITY`` and the fast class is at least ``MIN_SPEED_RATIO``
   times the slow one. (A single normal distribution already gives 2/pi ~ 0.64,
   so the speed ratio is the guard that rejects steady runs; warm-up, reps
   and recoveries form three clusters and give ~0.7-0.95.) The slow class must
   also hold at least ``MIN_SLOW_SHARE`` of the moving samples: a steady run
   with a few stops (traffic lights) has only the speed ramps around them there. Grade-adjusted
   speed is used when given, so the downhills of a hilly easy run are not reps.
3. Fast runs separated by dips shorter than ``MAX_DIP_S`` are joined; fast runs
   shorter than ``MIN_REP_S`` or ``MIN_REP_M`` are dropped; runs clearly slower
   than the typical rep (``SLOW_REP_FRACTION`` of the median rep speed, e.g. a
   brisk warm-up) are not reps.
4. With at least two reps, the structure is named from whichever is more
   regular, rep distance or rep duration (coefficient of variation), e.g.
   ``"6 × 800 m in 2:58–3:04, 400 m jog recoveries"``.

The file's laps win when they clearly mark the reps (``lap_reps.work_laps``).

References
----------
.. [1] Otsu N (1979). A threshold selection method from gray-level histograms.
   IEEE Trans Syst Man Cybern 9(1):62-66. doi:10.1109/TSMC.1979.4310076
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from deliberun.io.activity import Lap
from deliberun.metrics.cleaning import rolling_mean
from deliberun.metrics.lap_reps import reps_from_laps, work_laps
from deliberun.units import clock

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SMOOTH_S = 7
MIN_SEPARABILITY = 0.6
MIN_SPEED_RATIO = 1.15
MIN_SLOW_SHARE = 0.08  # slow moving share below this: a steady run with stops, no reps
MAX_DIP_S = 10
MIN_REP_S = 20
MIN_REP_M = 80.0
SLOW_REP_FRACTION = 0.9
MAX_TRIMS = 2  # a warm-up lead-in and a cool-down run-out
MIN_LEAD_S = 60  # shorter slow parts of a fast run are noise, not a warm-up
MIN_STEP_SD = 2.5  # a lead-in differs from the rep by this many within-part SDs
REGULAR_CV = 0.12  # reps whose distances (or durations) vary less than this are "the same"
JOG_M_PER_S = 1.6
#: A rep is faster than walking (7.2 km/h): a walk lap or a walk recovery is never a rep.
MIN_REP_M_PER_S = 2.0
WALK_M_PER_S = 0.5


def otsu_threshold(values: npt.ArrayLike, *, bins: int = 256) -> tuple[float, float]:
    """Otsu's two-class threshold and its separability.

    Parameters
    ----------
    values : array_like
        Samples (NaN ignored).
    bins : int
        Histogram bins between the 0.5th and 99.5th percentile.

    Returns
    -------
    (float, float)
        Threshold, and separability = between-class variance / total variance
        in [0, 1]. (nan, 0.0) when there are fewer than two distinct values.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return float("nan"), 0.0
    lo, hi = np.percentile(v, [0.5, 99.5])
    if not hi - lo > 1e-6 * max(1.0, abs(float(hi))):
        return float("nan"), 0.0
    hist, edges = np.histogram(np.clip(v, lo, hi), bins=bins, range=(lo, hi))
    centers = (edges[:-1] + edges[1:]) / 2
    p = hist / hist.sum()
    w0 = np.cumsum(p)
    m = np.cumsum(p * centers)
    mt = m[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        sb = (mt * w0 - m) ** 2 / (w0 * (1 - w0))
    sb[~np.isfinite(sb)] = 0.0
    k = int(np.argmax(sb))
    total = float(np.sum(p * (centers - mt) ** 2))
    return float(edges[k + 1]), float(sb[k] / total) if total > 0 else 0.0


def _runs(mask: BoolArray) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and end (exclusive) indices of the True runs of ``mask``."""
    m = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(m)
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _close_dips(mask: BoolArray, max_dip: int) -> BoolArray:
    """Fill False runs of at most ``max_dip`` samples lying between True runs."""
    out = mask.copy()
    starts, ends = _runs(~mask)
    inner = (starts > 0) & (ends < len(mask)) & (ends - starts <= max_dip)
    for s, e in zip(starts[inner], ends[inner], strict=True):  # loop over dips, not samples
        out[s:e] = True
    return out


def _best_split(x: FloatArray, min_len: int) -> int:
    """Index splitting ``x`` into two parts of most different means (0 when none).

    The least-squares single change point: maximises ``S_k^2/k + (S - S_k)^2/(n - k)``
    over ``k`` (both parts at least ``min_len`` long), vectorised with a cumulative sum.
    """
    n = len(x)
    if n < 2 * min_len:
        return 0
    c = np.cumsum(x)
    k = np.arange(min_len, n - min_len + 1)
    left = c[k - 1]
    score = left**2 / k + (c[-1] - left) ** 2 / (n - k)
    return int(k[int(np.argmax(score))])


def _trim_runs(
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    s: FloatArray,
    s_raw: FloatArray,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Cut a slower lead-in or run-out off each fast run.

    A rep run straight on from a brisk warm-up (or straight into a brisk cool-down)
    is above the threshold together with it. Each run is split at its best change
    point of ``s`` (``_best_split``) up to ``MAX_TRIMS`` times. A part is dropped
    when it lasts at least ``MIN_LEAD_S`` (the rest at least ``MIN_REP_S``) and its
    mean speed is, in both ``s`` and the raw speed ``s_raw``, below
    ``SLOW_REP_FRACTION`` of the other part's, and in ``s`` below
    ``SLOW_REP_FRACTION`` of the typical rep speed (the median over runs of their
    faster part) by at least ``MIN_STEP_SD`` pooled within-part standard
    deviations. Smaller or shorter steps are GPS noise, a kick or a pace wobble
    within a rep; a step in grade-adjusted speed alone is a hill under a rep.
    """
    new_s, new_e = starts.copy(), ends.copy()
    x = np.nan_to_num(s, nan=0.0)
    y = np.nan_to_num(s_raw, nan=0.0)
    if len(starts) == 0:
        return new_s, new_e
    fast_part = []
    for a, b in zip(starts, ends, strict=True):  # loop over runs
        k = _best_split(x[a:b], MIN_REP_S // 2)
        parts = (x[a : a + k], x[a + k : b]) if k else (x[a:b],)
        fast_part.append(max(float(p.mean()) for p in parts))
    v_rep = float(np.median(fast_part))  # the typical rep speed
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):  # loop over runs
        for _ in range(MAX_TRIMS):
            k = _best_split(x[a:b], MIN_REP_S // 2)
            if k == 0:
                break
            left, right = x[a : a + k], x[a + k : b]
            m_left, m_right = float(left.mean()), float(right.mean())
            spread = math.sqrt((float(left.var()) * len(left) + float(right.var()) * len(right))
                               / (b - a))  # fmt: skip
            if abs(m_left - m_right) < MIN_STEP_SD * spread:
                break
            if min(m_left, m_right) >= SLOW_REP_FRACTION * v_rep:
                break  # both parts at rep speed: a kick at the end of a rep
            r_left, r_right = float(y[a : a + k].mean()), float(y[a + k : b].mean())
            lead = k >= MIN_LEAD_S and b - a - k >= MIN_REP_S
            tail = b - a - k >= MIN_LEAD_S and k >= MIN_REP_S
            if (
                lead
                and m_left < SLOW_REP_FRACTION * m_right
                and r_left < SLOW_REP_FRACTION * r_right
            ):
                a = a + k
            elif (
                tail
                and m_right < SLOW_REP_FRACTION * m_left
                and r_right < SLOW_REP_FRACTION * r_left
            ):
                b = a + k
            else:
                break
        new_s[i], new_e[i] = a, b
    return new_s, new_e


def _round_distance(d: float) -> float:
    if abs(d - 1609.344) < 30:
        return 1609.344
    step = 50.0 if d < 500 else 100.0 if d < 2000 else 500.0
    return max(round(d / step), 1) * step


def _nice_distance(d: float) -> str:
    r = _round_distance(d)
    if r == 1609.344:
        return "1 mi"
    return f"{int(r)} m" if r < 2000 else f"{r / 1000.0:g} km"


def _round_time(t: float) -> float:
    step = 15.0 if t < 180 else 30.0 if t < 600 else 60.0
    return max(round(t / step), 1) * step


def _nice_time(t: float) -> str:
    r = _round_time(t)
    return f"{int(r)} s" if r < 120 else clock(r)


def _cv(x: FloatArray) -> float:
    return float(np.std(x) / np.mean(x)) if len(x) > 1 and np.mean(x) > 0 else 0.0


def _by_distance(dist: FloatArray, dur: FloatArray) -> bool:
    """Whether the reps are better described by distance than by duration.

    Score = spread (CV) + how far the median is from a round value; lower wins.
    A watch ends distance reps at exact metres, so their distances are regular
    and round while their times wander, and the other way round for timed reps.
    """
    md, mt = float(np.median(dist)), float(np.median(dur))
    score_d = _cv(dist) + abs(md - _round_distance(md)) / md
    score_t = _cv(dur) + abs(mt - _round_time(mt)) / mt
    return score_d <= score_t


def _describe(reps: list[dict[str, Any]]) -> str:
    dist = np.array([r["distance_m"] for r in reps])
    dur = np.array([r["duration_s"] for r in reps])
    n = len(reps)
    if min(_cv(dist), _cv(dur)) > REGULAR_CV:
        text = f"{n} reps: " + ", ".join(_nice_distance(x) for x in dist)
    elif _by_distance(dist, dur):
        text = f"{n} × {_nice_distance(float(np.median(dist)))} in "
        text += f"{clock(dur.min())}–{clock(dur.max())}"
    else:
        pace = 1000.0 / np.array([r["speed_m_per_s"] for r in reps])
        text = f"{n} × {_nice_time(float(np.median(dur)))} at "
        text += f"{clock(pace.min())}–{clock(pace.max())}/km"
    rec = [r for r in reps if r["recovery_s"] is not None]
    if rec:
        r_t = np.array([r["recovery_s"] for r in rec], dtype=float)
        r_d = np.array([r["recovery_distance_m"] or 0.0 for r in rec], dtype=float)
        speed = float(r_d.sum() / r_t.sum()) if r_t.sum() > 0 else 0.0
        kind = "jog" if speed >= JOG_M_PER_S else "walk" if speed >= WALK_M_PER_S else "standing"
        if kind == "jog" and _cv(r_d) <= 0.2 and _by_distance(r_d, r_t):
            text += f", {_nice_distance(float(np.median(r_d)))} jog recoveries"
        elif _cv(r_t) <= 0.2:
            text += f", {_nice_time(float(np.median(r_t)))} {kind} recoveries"
        else:
            text += f", {kind} recoveries of {clock(r_t.min())}–{clock(r_t.max())}"
    return text


def _finite_mean(x: FloatArray) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if len(x) else float("nan")


def _refine_edges(
    starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp], g: FloatArray, s: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Exact rep edges, in fractional sample indices.

    The wide smoothing used to find reps blurs their edges by a few seconds. Each
    edge is moved to where the 3 s smoothed speed crosses the midpoint between the
    rep's speed and the neighbouring recovery's; the 1 s step in which the runner
    changed speed then counts for the fraction ``(v - v_rec) / (v_rep - v_rec)``
    of it that was run at rep speed.
    """
    n = len(g)
    s3 = rolling_mean(g, 3)
    w = SMOOTH_S
    new_s, new_e = starts.astype(float), ends.astype(float)
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):  # loop over reps
        rep_g = g[a:b][np.isfinite(g[a:b])]
        if len(rep_g) == 0:
            continue
        rep_v = float(np.median(rep_g))
        lo_prev = ends[i - 1] if i > 0 else max(0, a - 120)
        lo_next = starts[i + 1] if i + 1 < len(starts) else min(n, b + 120)
        prev_v = _finite_mean(s[lo_prev:a])
        next_v = _finite_mean(s[b:lo_next])
        a2, b2 = int(a), int(b)
        if np.isfinite(prev_v) and rep_v > prev_v:
            mid = (rep_v + prev_v) / 2
            j0 = max(int(lo_prev), a - w)
            win = np.flatnonzero(s3[j0 : a + w] >= mid)
            if len(win):
                a2 = j0 + int(win[0])
            new_s[i] = a2 - _fraction(g, a2 - 1, prev_v, rep_v)
        if np.isfinite(next_v) and rep_v > next_v:
            mid = (rep_v + next_v) / 2
            j0 = max(a2 + 1, b - w)
            win = np.flatnonzero(s3[j0 : min(int(lo_next), b + w)] >= mid)
            if len(win):
                b2 = j0 + int(win[-1]) + 1
            new_e[i] = b2 + _fraction(g, b2, next_v, rep_v)
    return new_s, new_e


def _fraction(g: FloatArray, j: int, v_rec: float, v_rep: float) -> float:
    """Share of step ``j`` run at rep speed, from its mean speed (0 when unknown)."""
    if j < 0 or j >= len(g) or not np.isfinite(g[j]):
        return 0.0
    return float(np.clip((g[j] - v_rec) / (v_rep - v_rec), 0.0, 1.0))


def _at(values: FloatArray, x: float) -> float:
    """Linear interpolation of a 1 s series at fractional index ``x``."""
    i = min(max(int(x), 0), len(values) - 1)  # x >= 0: int() floors
    j = min(i + 1, len(values) - 1)
    f = x - i
    return float(values[i] + f * (values[j] - values[i])) if f > 0 else float(values[i])


def _nan_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _segment_stats(
    a: float,
    b: float,
    time: FloatArray,
    distance: FloatArray,
    speed: FloatArray,
    gap_speed: FloatArray,
    heart_rate: FloatArray,
) -> dict[str, Any]:
    """Stats from fractional sample index ``a`` to ``b`` on the 1 s grid."""
    n = len(time)
    a = min(max(float(a), 0.0), n - 1.0)
    b = min(max(float(b), a), n - 1.0)
    ia, ib = int(a), max(math.ceil(b), int(a) + 1)
    dist = _at(distance, b) - _at(distance, a)
    if not np.isfinite(dist):
        dist = float(np.nansum(speed[ia:ib]))
    dur = _at(time, b) - _at(time, a)
    sp, gs = speed[ia:ib], gap_speed[ia:ib]
    ok = np.isfinite(sp) & np.isfinite(gs)
    ratio = float(gs[ok].sum() / sp[ok].sum()) if ok.any() and sp[ok].sum() > 0 else 1.0
    hr = heart_rate[ia:ib]
    hr = hr[np.isfinite(hr)]
    v = dist / dur if dur > 0 else float("nan")
    return {
        "start_s": _at(time, a),
        "end_s": _at(time, b),
        "distance_m": dist,
        "duration_s": dur,
        "speed_m_per_s": _nan_none(v),
        "gap_speed_m_per_s": _nan_none(v * ratio),
        "avg_hr_bpm": float(hr.mean()) if len(hr) else None,
        "max_hr_bpm": float(hr.max()) if len(hr) else None,
    }


def detect_intervals(
    time: npt.ArrayLike,
    distance: npt.ArrayLike,
    speed: npt.ArrayLike,
    *,
    gap_speed: npt.ArrayLike | None = None,
    heart_rate: npt.ArrayLike | None = None,
    moving: npt.ArrayLike | None = None,
    laps: list[Lap] | None = None,
) -> dict[str, Any]:
    """Find the work reps of a structured workout: from the file's laps, else the streams.

    Parameters
    ----------
    time : array_like
        Elapsed time on a 1 s grid [s] (same origin as the laps' ``start_s``).
    distance : array_like
        Cumulative distance [m].
    speed : array_like
        Speed per 1 s step [m/s].
    gap_speed : array_like, optional
        Grade-adjusted speed per step [m/s] (defaults to ``speed``).
    heart_rate : array_like, optional
        [bpm]
    moving : array_like of bool, optional
        Moving mask; the threshold is fitted on moving samples only.
    laps : list of Lap, optional
        The file's laps. When they clearly mark the reps (``work_laps``), the reps
        follow them; otherwise the reps are detected from the streams.

    Returns
    -------
    dict
        ``summary`` (str, "" when no structure) and ``reps``: list of dicts with
        ``start_s, end_s, distance_m, duration_s, speed_m_per_s, gap_speed_m_per_s,
        avg_hr_bpm, max_hr_bpm, recovery_s, recovery_distance_m`` (recovery = until
        the next rep; None after the last), plus ``source`` ("laps", "streams" or
        None), ``threshold_m_per_s`` and ``separability`` (the evidence for the
        split of the streams).
    """
    t = np.asarray(time, dtype=float)
    d = np.asarray(distance, dtype=float)
    v = np.asarray(speed, dtype=float)
    n = len(t)
    g = v if gap_speed is None else np.asarray(gap_speed, dtype=float)
    hr = np.full(n, np.nan) if heart_rate is None else np.asarray(heart_rate, dtype=float)
    mv = np.isfinite(v) & (v > 0.5) if moving is None else np.asarray(moving, dtype=bool)
    out: dict[str, Any] = {
        "summary": "",
        "reps": [],
        "source": None,
        "threshold_m_per_s": None,
        "separability": None,
    }
    if n < 2 or not np.isfinite(d).any():
        return out
    groups = work_laps(laps) if laps else []
    if laps and groups:
        groups = [grp for grp in groups if _group_speed(laps, grp) >= MIN_REP_M_PER_S]
        if len(groups) < 2:
            groups = []
    if groups:
        assert laps is not None
        fs, fe = reps_from_laps(laps, groups, t)
        out.update(_reps_out(fs, fe, t, d, v, g, hr, laps=laps, groups=groups), source="laps")
        return out
    if n < 120 or mv.sum() < 120:
        return out
    s = rolling_mean(g, SMOOTH_S)
    thr, eta = otsu_threshold(s[mv])
    if not np.isfinite(thr):
        return out
    out["threshold_m_per_s"], out["separability"] = thr, eta
    fast, slow = s[mv & (s >= thr)], s[mv & (s < thr)]
    if len(fast) == 0 or len(slow) == 0 or eta < MIN_SEPARABILITY:
        return out
    if fast.mean() < MIN_SPEED_RATIO * slow.mean() or len(slow) < MIN_SLOW_SHARE * mv.sum():
        return out
    work = _close_dips(np.nan_to_num(s, nan=0.0) >= thr, MAX_DIP_S)
    starts, ends = _runs(work)
    seg_d = np.nan_to_num(d[np.minimum(ends, n - 1)] - d[starts])
    keep = ((ends - starts) >= MIN_REP_S) & (seg_d >= MIN_REP_M)
    starts, ends = _trim_runs(starts[keep], ends[keep], s, rolling_mean(v, SMOOTH_S))
    seg_d = np.nan_to_num(d[np.minimum(ends, n - 1)] - d[starts])
    keep = ((ends - starts) >= MIN_REP_S) & (seg_d >= MIN_REP_M)
    starts, ends = starts[keep], ends[keep]
    if len(starts) >= 2:
        seg_v = np.array([_finite_mean(s[a:b]) for a, b in zip(starts, ends, strict=True)])
        quick = (seg_v >= SLOW_REP_FRACTION * np.median(seg_v)) & (
            seg_v >= MIN_SPEED_RATIO * slow.mean()
        )
        starts, ends = starts[quick], ends[quick]
    if len(starts) < 2:
        return out
    fs, fe = _refine_edges(starts, ends, g, s)
    out.update(_reps_out(fs, fe, t, d, v, g, hr), source="streams")
    return out


def _group_speed(laps: list[Lap], group: list[int]) -> float:
    """Average speed of a group of laps [m/s] (inf when unknown: kept)."""
    dist = sum(laps[i].distance_m or 0.0 for i in group)
    dur = sum((laps[i].timer_time_s or laps[i].elapsed_time_s or 0.0) for i in group)
    return dist / dur if dist > 0 and dur > 0 else math.inf


def _reps_out(
    fs: FloatArray,
    fe: FloatArray,
    t: FloatArray,
    d: FloatArray,
    v: FloatArray,
    g: FloatArray,
    hr: FloatArray,
    *,
    laps: list[Lap] | None = None,
    groups: list[list[int]] | None = None,
) -> dict[str, Any]:
    """Rep and recovery figures between fractional indices ``fs[i]..fe[i]``.

    With ``laps``, each rep's distance is the file's lap distance (its speed follows
    from it), as in ``lap_table``.
    """
    reps = [_segment_stats(a, b, t, d, v, g, hr) for a, b in zip(fs, fe, strict=True)]
    for i, rep in enumerate(reps):
        if laps is not None and groups is not None:
            lap_d = [laps[j].distance_m for j in groups[i]]
            if all(x is not None and x > 0 for x in lap_d) and rep["duration_s"] > 0:
                ratio = (rep["gap_speed_m_per_s"] or 0.0) / (rep["speed_m_per_s"] or 1.0)
                rep["distance_m"] = float(sum(x for x in lap_d if x is not None))
                rep["speed_m_per_s"] = rep["distance_m"] / rep["duration_s"]
                rep["gap_speed_m_per_s"] = rep["speed_m_per_s"] * (ratio or 1.0)
        if i + 1 < len(reps):
            rec = _segment_stats(fe[i], fs[i + 1], t, d, v, g, hr)
            rep["recovery_s"] = rec["duration_s"]
            rep["recovery_distance_m"] = rec["distance_m"]
        else:
            rep["recovery_s"] = None
            rep["recovery_distance_m"] = None
    return {"summary": _describe(reps), "reps": reps}


def lap_table(
    laps: list[Lap],
    time: npt.ArrayLike,
    distance: npt.ArrayLike,
    speed: npt.ArrayLike,
    *,
    gap_speed: npt.ArrayLike | None = None,
    heart_rate: npt.ArrayLike | None = None,
    cadence: npt.ArrayLike | None = None,
) -> list[dict[str, Any]]:
    """Per-lap figures: the file's own lap values, completed from the streams.

    Parameters
    ----------
    laps : list of Lap
        As read from the file.
    time, distance, speed, gap_speed, heart_rate, cadence : array_like
        The cleaned 1 s streams.

    Returns
    -------
    list of dict
        ``index, start_s, duration_s, timer_time_s, distance_m, pace_s_per_km,
        gap_pace_s_per_km, avg_hr_bpm, max_hr_bpm, avg_cadence_spm, intensity, trigger``.
        The file's distance and heart rate win when present.
    """
    t = np.asarray(time, dtype=float)
    d = np.asarray(distance, dtype=float)
    v = np.asarray(speed, dtype=float)
    g = v if gap_speed is None else np.asarray(gap_speed, dtype=float)
    hr = np.full(len(t), np.nan) if heart_rate is None else np.asarray(heart_rate, dtype=float)
    cad = np.full(len(t), np.nan) if cadence is None else np.asarray(cadence, dtype=float)
    out: list[dict[str, Any]] = []
    if len(t) == 0:
        return out
    for i, lap in enumerate(laps):  # loop over laps, not samples
        a = int(np.clip(np.searchsorted(t, lap.start_s, side="left"), 0, len(t) - 1))
        b = int(
            np.clip(np.searchsorted(t, lap.start_s + lap.elapsed_time_s, side="left"), a, len(t))
        )
        st = _segment_stats(a, b, t, d, v, g, hr) if b > a else None
        dist = lap.distance_m if lap.distance_m is not None else (st["distance_m"] if st else None)
        moving_time = lap.timer_time_s if lap.timer_time_s else lap.elapsed_time_s
        pace = moving_time / dist * 1000.0 if dist and dist > 0 and moving_time else None
        gap_pace = None
        if pace is not None and st and st["speed_m_per_s"] and st["gap_speed_m_per_s"]:
            gap_pace = pace * st["speed_m_per_s"] / st["gap_speed_m_per_s"]
        c = cad[a:b]
        c = c[np.isfinite(c)]
        out.append(
            {
                "index": i + 1,
                "start_s": float(lap.start_s),
                "duration_s": float(lap.elapsed_time_s),
                "timer_time_s": lap.timer_time_s,
                "distance_m": dist,
                "pace_s_per_km": pace,
                "gap_pace_s_per_km": gap_pace,
                "avg_hr_bpm": lap.avg_hr_bpm
                if lap.avg_hr_bpm is not None
                else (st["avg_hr_bpm"] if st else None),
                "max_hr_bpm": lap.max_hr_bpm
                if lap.max_hr_bpm is not None
                else (st["max_hr_bpm"] if st else None),
                "avg_cadence_spm": float(c.mean()) if len(c) else None,
                "intensity": lap.intensity,
                "trigger": lap.trigger,
            }
        )
    return out
