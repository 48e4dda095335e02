"""Metrics of a manual activity: totals given by the runner (or an export row), no streams.

An activity listed in a Strava export without its file keeps what the CSV says:
distance, moving and elapsed time, average and maximum heart rate, ascent,
perceived exertion. Its load is computed from those, with the model the athlete
chose (``AthleteSettings.load_model``), so that the days without a file are not
days without load:

* ``trimp_banister``: Banister's TRIMP on the average heart rate over the moving
  time (the original session form, Banister 1991; the per-sample sum of
  ``deliberun.metrics.load`` needs the stream);
* ``trimp_edwards``: the Edwards zone of the average heart rate times the minutes;
* ``rtss``: hours * IF^2 * 100 with IF = average speed / threshold speed;
* ``session_rpe``: Foster's RPE * minutes (Foster et al. 2001).

Without heart rate the HR-based loads use an *estimated* heart-rate reserve: the
perceived exertion (:data:`RPE_HRR_AT_0` + :data:`RPE_HRR_SLOPE` * RPE), else 0.6
(an easy run, the most common session): a duration-based estimate. ``load_basis`` says which
was used (``heart_rate``, ``rpe`` or ``duration``) so a reader can discount it.
"""

from __future__ import annotations

import math
from typing import Any

from deliberun.athlete import AthleteSettings
from deliberun.metrics.load import BANISTER_CONSTANTS, session_rpe, trimp_banister, trimp_edwards
from deliberun.metrics.summary import SUMMARY_FIELDS
from deliberun.metrics.thresholds import resolve_thresholds

#: Heart-rate reserve assumed when neither heart rate nor RPE is known (an easy run).
DEFAULT_HRR = 0.6
#: Heart-rate reserve from perceived exertion: 0.45 + 0.05 * RPE (RPE 1 -> 50 %, 3 -> 60 %,
#: 6 -> 75 %, 10 -> 95 %). Running is aerobic from the first step: Strava's "easy" (1-3)
#: is an easy run (~55-65 % HRR), not rest; ratings rise ~linearly with %HRR (Borg CR-10,
#: Foster et al. 2001). An estimate, marked by ``load_basis: "rpe"``.
RPE_HRR_AT_0 = 0.45
RPE_HRR_SLOPE = 0.05
#: RPE assumed for the session-RPE load when the row gives none (CR-10 "moderate").
DEFAULT_RPE = 3.0
#: Summary fields a manual activity may give (the summary columns).
SUMMARY_KEYS = SUMMARY_FIELDS


def _finite(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def manual_summary(values: dict[str, Any]) -> dict[str, Any]:
    """The summary fields of a manual activity from the values given.

    Moving time falls back to elapsed time and back; the timer time is the moving
    time (the export gives no timer); zero or missing numbers are None.
    """
    out: dict[str, Any] = {k: _finite(values.get(k)) for k in SUMMARY_KEYS}
    for k in ("distance_m", "moving_time_s", "elapsed_time_s", "avg_hr_bpm", "max_hr_bpm"):
        if out[k] is not None and out[k] <= 0:
            out[k] = None
    out["moving_time_s"] = out["moving_time_s"] or out["elapsed_time_s"]
    out["elapsed_time_s"] = out["elapsed_time_s"] or out["moving_time_s"]
    out["timer_time_s"] = out["timer_time_s"] or out["moving_time_s"]
    return out


def manual_metrics(
    values: dict[str, Any],
    sport: str,
    settings: AthleteSettings | None = None,
    estimates: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Summary and load of a manual activity (JSON-able, keys as ``compute_all`` where they apply).

    Parameters
    ----------
    values : dict
        ``distance_m, moving_time_s, elapsed_time_s, avg_hr_bpm, max_hr_bpm,
        ascent_m, descent_m, perceived_exertion`` (any may be missing).
    sport : str
    settings : AthleteSettings, optional
    estimates : dict, optional
        The thresholds estimated from the runner's runs (``metrics.thresholds``), used
        where the settings give none, as a run with a file uses them.

    Returns
    -------
    dict
        ``manual: True``, ``summary``, ``load`` (all four models), ``load_model``,
        ``training_load``, ``load_basis`` and ``thresholds_used``.
    """
    settings = settings or AthleteSettings()
    summary = manual_summary(values)
    duration = summary["moving_time_s"] or 0.0
    avg_hr = summary["avg_hr_bpm"]
    rpe = _finite(values.get("perceived_exertion"))
    if rpe is not None and not 0 <= rpe <= 10:
        rpe = None
    used, warnings = resolve_thresholds(
        settings, observed_max_hr=summary["max_hr_bpm"], estimates=estimates
    )
    hr_max = used["hr_max_bpm"]["value"]
    hr_rest = used["hr_rest_bpm"]["value"]
    if avg_hr is not None:
        basis, hrr = "heart_rate", (avg_hr - hr_rest) / (hr_max - hr_rest)
    elif rpe is not None:
        basis, hrr = "rpe", RPE_HRR_AT_0 + RPE_HRR_SLOPE * rpe
    else:
        basis, hrr = "duration", DEFAULT_HRR
    hrr = min(max(hrr, 0.0), 1.0)
    hr_equiv = hr_rest + hrr * (hr_max - hr_rest)
    sex = settings.sex if settings.sex in BANISTER_CONSTANTS else "male"
    load: dict[str, float | None] = {
        "trimp_banister": trimp_banister(
            [hr_equiv], hr_max=hr_max, hr_rest=hr_rest, sex=sex, sample_s=duration
        )
        if duration > 0
        else None,
        "trimp_edwards": trimp_edwards([hr_equiv], hr_max=hr_max, sample_s=duration)
        if duration > 0
        else None,
        "rtss": None,
        "session_rpe": session_rpe(rpe if rpe is not None else DEFAULT_RPE, duration)
        if duration > 0
        else None,
    }
    pace = used["threshold_pace_s_per_km"]["value"]
    if summary["distance_m"] and duration > 0 and pace:
        intensity = (summary["distance_m"] / duration) / (1000.0 / pace)
        load["rtss"] = duration / 3600.0 * intensity**2 * 100.0
    if settings.load_model == "session_rpe" and rpe is None:
        basis = "duration"
    return {
        "manual": True,
        "sport": sport,
        "summary": summary,
        "load": load,
        "load_model": settings.load_model,
        "training_load": load.get(settings.load_model),
        "load_basis": basis,
        "thresholds_used": used,
        "warnings": warnings,
    }
