"""Per-activity totals computed from the streams (not copied from the device).

Definitions (all from :class:`~deliberun.io.activity.Activity` streams, SI):

* ``distance_m``: the largest cumulative distance (device odometer semantics).
* ``elapsed_time_s``: from ``start_time`` (the session start) to the end of the
  recording: the last sample, or the timer stop event that closes the last running
  interval (``extra["timer_span_s"]``, FIT) when it falls after the last sample by
  at most one sample interval less 1 s, and at least :data:`STOP_AFTER_LAST_S`
  (records and events carry whole seconds: a stop inside the second after the
  last 1 Hz record is stamped one second later). Later stops are save/upload
  events, not the end of the run (Zwift writes one 40 s later).
* ``timer_time_s``: from the first timer start event (0 without events) to that
  end (or to the final stop when samples go on after it), minus the timer pauses
  inside it (stop -> start event pairs). Agreement with the devices:
  ``bench/agreement.py`` and ``docs/readers.md``.
* ``moving_time_s``: sum of sample intervals outside pauses whose speed is at
  least :data:`MOVING_SPEED_M_PER_S` and whose gap is at most
  :data:`MAX_MOVING_GAP_S` (longer gaps are auto-pauses); equals the timer time
  when the file has neither speed nor distance.
* ``avg_hr_bpm``: time-weighted mean of the heart-rate samples recorded while the
  timer ran (each sample weighs the time to the next, at most :data:`HR_MAX_WEIGHT_S`);
  ``max_hr_bpm``: the largest sample.
* ``avg_cadence_spm``: mean of non-zero cadence samples (steps/min for foot sports).
* ``ascent_m`` / ``descent_m``: :func:`deliberun.metrics.elevation.ascent_descent`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from deliberun.io.activity import Activity
from deliberun.metrics.elevation import ascent_descent

#: Slower than this [m/s] counts as standing (walking is ~1.2 m/s; GPS drift < 0.5).
MOVING_SPEED_M_PER_S = 0.5
#: Sample gaps longer than this [s] are not moving time (device auto-pause).
MAX_MOVING_GAP_S = 60.0
#: Largest weight [s] one heart-rate sample gets in the time-weighted average.
#: Tuned on the real FIT corpus: 71 of 77 device averages within 1 bpm with 10 s,
#: 62 with a plain sample mean (cap 1 s), 66 with 60 s.
HR_MAX_WEIGHT_S = 10.0
#: A final timer stop up to this far [s] after the last sample still ends the
#: recording (whole-second stamps; see the module notes). Measured on the real FIT
#: corpus (bench/agreement.py): 0 s -> 83/110 elapsed within 1 s, 1 s -> 84/110.
STOP_AFTER_LAST_S = 1.0


def _paused_mask(t: np.ndarray, pauses: list[tuple[float, float]]) -> np.ndarray:
    """True for samples strictly inside a pause (start < t <= end)."""
    mask = np.zeros(len(t), dtype=bool)
    for a, b in pauses:
        mask |= (t > a) & (t <= b)
    return mask


def _pause_seconds(pauses: list[tuple[float, float]], end: float, begin: float = 0.0) -> float:
    total = 0.0
    last = -np.inf
    for a, b in sorted(pauses):
        a = max(a, last, begin)
        b = min(b, end)
        if b > a:
            total += b - a
            last = b
    return total


def _timer_extent(t: np.ndarray, span: Any) -> tuple[float, float, float]:
    """(end, timer begin, timer stop) [s since start_time] from samples and timer events.

    ``span`` is the reader's ``[first timer start, final timer stop, session close]``
    (FIT ``extra["timer_span_s"]``; entries may be None) or None. Samples recorded
    after the final stop count in the elapsed time, not the timer.
    """
    last = float(t[-1])
    if not isinstance(span, (list, tuple)) or len(span) not in (2, 3):
        return last, 0.0, last
    first, stop = span[0], span[1]
    close = span[2] if len(span) == 3 else None
    end = last
    if isinstance(stop, (int, float)):
        interval = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
        if stop <= last + max(interval - 1.0, STOP_AFTER_LAST_S):
            end = max(end, float(stop))
            if isinstance(close, (int, float)) and close > end:
                end = float(close)
    begin = float(first) if isinstance(first, (int, float)) and 0.0 <= first < end else 0.0
    timer_stop = float(stop) if isinstance(stop, (int, float)) and begin < stop < end else end
    return end, begin, timer_stop


#: The keys of :func:`summarize` (SI units): an activity's summary columns in the store and
#: the fields a manual activity may give.
SUMMARY_FIELDS: tuple[str, ...] = (
    "distance_m",
    "moving_time_s",
    "elapsed_time_s",
    "timer_time_s",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_cadence_spm",
    "ascent_m",
    "descent_m",
)


def summarize(activity: Activity) -> dict[str, Any]:
    """Totals of one activity from its streams.

    Parameters
    ----------
    activity : Activity
        Any reader's output.

    Returns
    -------
    dict
        ``distance_m, moving_time_s, elapsed_time_s, timer_time_s, avg_hr_bpm,
        max_hr_bpm, avg_cadence_spm, ascent_m, descent_m`` (floats, or None when
        the stream is missing).
    """
    t = activity.streams["time"]
    out: dict[str, Any] = dict.fromkeys(SUMMARY_FIELDS)
    if len(t) == 0:
        return out
    elapsed, begin, stop = _timer_extent(t, activity.extra.get("timer_span_s"))
    timer = stop - begin - _pause_seconds(activity.pauses, stop, begin)
    out["elapsed_time_s"] = elapsed
    out["timer_time_s"] = timer
    paused = _paused_mask(t, activity.pauses)

    dist = activity.streams.get("distance")
    if dist is not None and np.isfinite(dist).any():
        out["distance_m"] = float(np.nanmax(dist))

    # moving time
    speed = activity.streams.get("speed")
    dt = np.diff(t)
    if len(t) > 1 and (
        (speed is not None and np.isfinite(speed).any()) or out["distance_m"] is not None
    ):
        if dist is not None and np.isfinite(dist).any():
            d = np.diff(dist)
            with np.errstate(invalid="ignore", divide="ignore"):
                seg_speed = np.where(dt > 0, d / dt, np.nan)
            if speed is not None:
                seg_speed = np.where(np.isfinite(seg_speed), seg_speed, speed[1:])
        else:
            assert speed is not None
            seg_speed = speed[1:]
        moving = (
            (~paused[1:])
            & (dt <= MAX_MOVING_GAP_S)
            & (np.nan_to_num(seg_speed) >= MOVING_SPEED_M_PER_S)
        )
        out["moving_time_s"] = float(dt[moving].sum())
    else:
        out["moving_time_s"] = timer

    hr = activity.streams.get("heart_rate")
    if hr is not None:
        # time-weighted: each sample holds until the next one (smart recording is
        # irregular), capped at HR_MAX_WEIGHT_S so a recording gap does not count
        w = np.append(np.minimum(dt, HR_MAX_WEIGHT_S), 1.0) if len(t) > 1 else np.ones(1)
        ok = np.isfinite(hr) & ~paused
        if ok.any() and w[ok].sum() > 0:
            out["avg_hr_bpm"] = float(np.average(hr[ok], weights=w[ok]))
        if np.isfinite(hr).any():
            out["max_hr_bpm"] = float(np.nanmax(hr))
    cad = activity.streams.get("cadence")
    if cad is not None:
        c = cad[np.isfinite(cad) & (cad > 0)]
        if len(c):
            out["avg_cadence_spm"] = float(c.mean())
    alt = activity.streams.get("altitude")
    if alt is not None:
        out["ascent_m"], out["descent_m"] = ascent_descent(t, alt)
    return out
