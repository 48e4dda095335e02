"""``compute_all``: every per-activity metric, as one JSON-able dict.

The keys are the contract of ``docs/dev/CONTRACTS.md`` ("metrics entry point").
Bump ``METRICS_VERSION`` whenever a stored value would change for the same
file and settings (a formula, a default, a threshold, a new key others rely
on); the store recomputes activities whose saved version differs. Adding a
key nobody relies on yet, or speeding code up with identical output, needs no
bump.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from deliberun.athlete import AthleteSettings
from deliberun.io.activity import FOOT_SPORTS, Activity
from deliberun.jsonable import strict
from deliberun.metrics.best import best_efforts, mean_max_speed
from deliberun.metrics.cadence import fix_cadence, stride_length
from deliberun.metrics.cleaning import Streams1Hz, clean_streams
from deliberun.metrics.grade import GAP_MODELS, get_gap, grade_from_altitude
from deliberun.metrics.heart import (
    HR_ZONE_MODELS,
    aerobic_decoupling,
    efficiency_factor,
    hr_zone_bounds,
    normalized_graded_speed,
    time_in_zones,
)
from deliberun.metrics.intervals import detect_intervals, lap_table
from deliberun.metrics.load import LOAD_MODELS, rtss, session_rpe, trimp_banister, trimp_edwards
from deliberun.metrics.splits import KM_M, MILE_M, splits
from deliberun.metrics.summary import summarize
from deliberun.metrics.thresholds import resolve_thresholds

METRICS_VERSION = "4"


#: Decoupling needs a long enough steady effort: 20 min of moving samples with HR.
DECOUPLING_MIN_S = 1200


def _summary(activity: Activity, cs: Streams1Hz, cadence_factor: float = 1.0) -> dict[str, Any]:
    """The device-style summary; its cadence in steps/min when the device counted strides
    (``fix_cadence``): the list, the activity page and the database show what the runner
    ran, not half of it."""
    out = dict(summarize(activity))
    cad = out.get("avg_cadence_spm")
    if cadence_factor != 1.0 and isinstance(cad, int | float):
        out["avg_cadence_spm"] = float(cad) * cadence_factor
    return out


def _rpe(activity: Activity) -> float | None:
    for key in ("perceived_exertion", "rpe"):
        value = activity.extra.get(key)
        if value is None or value == "":
            continue
        try:
            rpe = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(rpe) and 0 <= rpe <= 10:
            return rpe
    return None


def compute_all(
    activity: Activity,
    settings: AthleteSettings | None = None,
    *,
    estimates: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Every per-activity metric of ``activity``, JSON-able.

    Parameters
    ----------
    activity : Activity
        As read by ``deliberun.io``.
    settings : AthleteSettings, optional
        Thresholds and model choices (``gap_model``, ``hr_zone_model``,
        ``load_model``, ``sex``); defaults when omitted.

    Returns
    -------
    dict
        Keys listed in ``docs/metrics.md``; values are floats, ints, str, bool,
        None, lists and dicts only. Metrics that do not apply (no distance, no
        heart rate, too short, not on foot) are None, empty lists or empty dicts.

    Raises
    ------
    ValueError
        For settings that name an unknown model or impossible thresholds.
    """
    settings = settings or AthleteSettings()
    if settings.gap_model not in GAP_MODELS:
        raise ValueError(
            f"unknown gap_model {settings.gap_model!r}; use one of {', '.join(GAP_MODELS)}"
        )
    if settings.load_model not in LOAD_MODELS:
        raise ValueError(
            f"unknown load_model {settings.load_model!r}; use one of {', '.join(LOAD_MODELS)}"
        )
    if settings.hr_zone_model not in HR_ZONE_MODELS:
        raise ValueError(
            f"unknown hr_zone_model {settings.hr_zone_model!r}; "
            f"use one of {', '.join(HR_ZONE_MODELS)}"
        )
    sport = activity.sport
    foot = sport in FOOT_SPORTS
    cs = clean_streams(
        activity.stream("time"), activity.streams, sport=sport, pauses=activity.pauses
    )
    has_distance = bool(np.isfinite(cs.distance).sum() >= 2) and cs.n > 1
    has_hr = bool(np.isfinite(cs.heart_rate).any())

    # grade-adjusted speed (foot sports only; elsewhere GAP = speed)
    grade = grade_from_altitude(cs.distance, cs.altitude)
    gap = get_gap(cs.speed, grade, settings.gap_model) if foot else cs.speed.copy()

    # cadence
    cadence, cadence_factor = fix_cadence(
        cs.cadence, cs.speed, sport="running" if sport == "running" else "other"
    )
    mv = cs.moving
    cad_ok = np.isfinite(cadence) & mv
    avg_cad = float(cadence[cad_ok].mean()) if cad_ok.any() else None
    steps = float(cadence[cad_ok].sum() / 60.0) if cad_ok.any() else 0.0
    moved = float(np.nansum(np.where(cad_ok, cs.speed, 0.0)))
    stride = stride_length(moved, steps) if foot else None

    # thresholds
    observed_max = float(np.nanmax(cs.heart_rate)) if has_hr else None
    used, warnings = resolve_thresholds(
        settings, observed_max_hr=observed_max, year=activity.start_time.year, estimates=estimates
    )
    hr_max = used["hr_max_bpm"]["value"]
    hr_rest = used["hr_rest_bpm"]["value"]
    lthr = used["threshold_hr_bpm"]["value"]

    # time bases (each sample stands for its step: 1 s, more across a long gap)
    step = cs.step
    moving_s = float(step[mv].sum())
    timer_s = float(step[cs.timer_on & np.isfinite(cs.time)].sum())
    active_s = moving_s if has_distance else timer_s
    hr_active = np.where(cs.timer_on, cs.heart_rate, np.nan)

    # heart rate
    if has_hr:
        bounds = hr_zone_bounds(
            settings.hr_zone_model, hr_max=hr_max, hr_rest=hr_rest, threshold_hr=lthr
        )
        zones = time_in_zones(hr_active, bounds)
    else:
        bounds, zones = np.zeros(0), []

    # pace-based figures
    gap_ok = mv & np.isfinite(gap)
    avg_gap = float(gap[gap_ok].mean()) if gap_ok.any() else None
    ngs = normalized_graded_speed(np.where(mv, gap, np.nan)) if has_distance else None
    hr_mv = cs.heart_rate[mv & np.isfinite(cs.heart_rate)]
    avg_hr_moving = float(hr_mv.mean()) if len(hr_mv) else None

    intervals: dict[str, Any] = {"summary": "", "reps": []}
    if foot and has_distance:
        intervals = detect_intervals(
            cs.time,
            cs.distance,
            cs.speed,
            gap_speed=gap,
            heart_rate=cs.heart_rate,
            moving=mv,
            laps=activity.laps,
        )
    decoupling = None
    if has_hr and has_distance and not intervals["reps"]:
        decoupling = aerobic_decoupling(gap[mv], cs.heart_rate[mv], min_samples=DECOUPLING_MIN_S)
    ef = efficiency_factor(ngs, avg_hr_moving)

    # load
    threshold_speed = 1000.0 / used["threshold_pace_s_per_km"]["value"]
    load: dict[str, float | None] = {
        "trimp_banister": trimp_banister(
            hr_active, hr_max=hr_max, hr_rest=hr_rest, sex=_sex(settings.sex)
        )
        if has_hr
        else None,
        "trimp_edwards": trimp_edwards(hr_active, hr_max=hr_max) if has_hr else None,
        "rtss": rtss(ngs, moving_s, threshold_speed=threshold_speed) if foot else None,
        "session_rpe": session_rpe(_rpe(activity), active_s),
    }
    if settings.load_model == "rtss" and load["rtss"] is not None:
        if used["threshold_pace_s_per_km"]["source"] != "settings":
            warnings.append("load_model is rtss but threshold_pace_s_per_km is not set")

    split_kw: dict[str, Any] = {
        "speed": cs.speed,
        "gap_speed": gap,
        "heart_rate": cs.heart_rate,
        "cadence": cadence,
        "altitude": cs.altitude,
        "moving": mv,
    }
    out: dict[str, Any] = {
        "metrics_version": METRICS_VERSION,
        "sport": sport,
        "summary": _summary(activity, cs, cadence_factor),
        "samples": {
            "n_1hz": cs.n,
            "gps_spikes_removed": cs.spikes_removed,
            "moving_time_s": moving_s,
            "timer_time_s": timer_s,
        },
        "gap_model": settings.gap_model,
        "avg_gap_speed_m_per_s": avg_gap,
        "normalized_graded_speed_m_per_s": ngs,
        "splits_km": splits(cs.time, cs.distance, split_m=KM_M, **split_kw),
        "splits_mile": splits(cs.time, cs.distance, split_m=MILE_M, **split_kw),
        "laps": lap_table(
            activity.laps,
            cs.time,
            cs.distance,
            cs.speed,
            gap_speed=gap,
            heart_rate=cs.heart_rate,
            cadence=cadence,
        ),  # fmt: skip
        "intervals": intervals,
        "best_efforts_s": best_efforts(cs.time, cs.distance) if foot and has_distance else {},
        "mean_max_speed": {str(k): v for k, v in mean_max_speed(cs.distance, time=cs.time).items()}
        if has_distance
        else {},
        "hr_best_30s_bpm": _best_mean(cs.heart_rate, 30) if has_hr else None,
        "hr_zone_model": settings.hr_zone_model,
        "hr_zone_bounds_bpm": [float(b) for b in bounds],
        "hr_zones_s": zones,
        "decoupling_pct": decoupling,
        "efficiency_factor": ef,
        "cadence": {
            "avg_spm": avg_cad,
            "corrected": cadence_factor != 1.0,
            "factor": cadence_factor,
            "stride_length_m": stride,
        },
        "load": load,
        "load_model": settings.load_model,
        "training_load": load.get(settings.load_model),
        "thresholds_used": used,
        "warnings": warnings if has_hr or foot else [],
    }
    return dict(strict(out))


def _best_mean(values: np.ndarray, window: int) -> float | None:
    """Highest mean of ``window`` consecutive 1-s samples (gaps break a window), or None."""
    v = np.asarray(values, dtype=float)
    if v.size < window:
        return None
    ok = np.isfinite(v)
    c = np.concatenate([[0.0], np.cumsum(np.where(ok, v, 0.0))])
    n = np.concatenate([[0], np.cumsum(ok)])
    sums, counts = c[window:] - c[:-window], n[window:] - n[:-window]
    full = counts == window
    return float((sums[full] / window).max()) if full.any() else None


def _sex(sex: str | None) -> str:
    """TRIMP constants key; anything but female uses the male constants (Banister)."""
    from deliberun.metrics.load import BANISTER_CONSTANTS

    if sex in BANISTER_CONSTANTS:
        return str(sex)
    return "female" if (sex or "").lower() in ("female", "f", "woman") else "male"
