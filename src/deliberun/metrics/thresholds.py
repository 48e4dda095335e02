"""The athlete thresholds a metric run uses, with documented fallbacks.

A value the runner set in ``AthleteSettings`` wins; else the runner's own estimate
from their runs (``estimates``: the latest of ``deliberun.models.thresholds``' history,
``"from": "your runs"``). When neither is known we fall back, and the output says so (``source`` is ``"settings"``, ``"estimate"`` or
``"default"``), so no figure silently rests on a guess:

- ``hr_max_bpm``: Tanaka et al. (2001) ``208 - 0.7 * age`` when the birth year is
  known, raised to the activity's own maximum if that is higher (a heart rate
  seen is a heart rate possible); else the activity's maximum when it is above
  ``DEFAULT_HR_MAX_BPM``; else 190 bpm.
- ``hr_rest_bpm``: 60 bpm, a common adult resting value.
- ``threshold_hr_bpm``: 0.9 x HRmax (lactate threshold usually lies at 85-92 %
  of HRmax in trained runners; a convention).
- ``threshold_pace_s_per_km``: 300 s/km (5:00/km, roughly the threshold of a
  50-minute 10 km runner), a placeholder until ``deliberun.models`` estimates it.
"""

from __future__ import annotations

from typing import Any

from deliberun.athlete import AthleteSettings

DEFAULT_HR_MAX_BPM = 190.0
DEFAULT_HR_REST_BPM = 60.0
THRESHOLD_HR_FRACTION = 0.9
DEFAULT_THRESHOLD_PACE_S_PER_KM = 300.0

#: Tanaka H, Monahan KD, Seals DR (2001). Age-predicted maximal heart rate revisited.
#: J Am Coll Cardiol 37(1):153-156. doi:10.1016/S0735-1097(00)01054-8
TANAKA_2001 = {"intercept": 208.0, "slope_per_year": -0.7}


def resolve_thresholds(
    settings: AthleteSettings,
    *,
    observed_max_hr: float | None = None,
    year: int | None = None,
    estimates: dict[str, float] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Thresholds to use for one activity, each with where it came from.

    Parameters
    ----------
    settings : AthleteSettings
    observed_max_hr : float, optional
        The activity's maximum heart rate [bpm].
    year : int, optional
        The activity's year (for the age in Tanaka's formula).
    estimates : dict, optional
        The runner's thresholds estimated from their own runs
        (``deliberun.models.thresholds``, the latest of the history): used for every key
        the runner did not set, before any formula or default (source ``"estimate"``).

    Returns
    -------
    (dict, list of str)
        ``{name: {"value": float, "source": str}}`` for ``hr_max_bpm``,
        ``hr_rest_bpm``, ``threshold_hr_bpm``, ``threshold_pace_s_per_km``; and
        warnings, one line each, for every fallback used.
    """
    used: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    if estimates:
        filled = {
            k: float(v)
            for k, v in estimates.items()
            if k in ("hr_max_bpm", "hr_rest_bpm", "threshold_hr_bpm", "threshold_pace_s_per_km")
            and v is not None
            and getattr(settings, k) is None
        }
        if filled:
            settings = AthleteSettings.from_dict({**settings.to_dict(), **filled})
            used, warnings = resolve_thresholds(
                settings, observed_max_hr=observed_max_hr, year=year
            )
            for k in filled:
                used[k] = {"value": used[k]["value"], "source": "estimate", "from": "your runs"}
            return used, warnings

    if settings.hr_max_bpm is not None:
        used["hr_max_bpm"] = {"value": float(settings.hr_max_bpm), "source": "settings"}
    elif settings.birth_year is not None and year is not None:
        age = year - settings.birth_year
        value = TANAKA_2001["intercept"] + TANAKA_2001["slope_per_year"] * age
        if observed_max_hr is not None and observed_max_hr > value:
            value = observed_max_hr
        used["hr_max_bpm"] = {"value": float(value), "source": "estimate"}
        warnings.append("hr_max_bpm not set: estimated from age (Tanaka 2001); set it for accuracy")
    elif observed_max_hr is not None and observed_max_hr > DEFAULT_HR_MAX_BPM:
        used["hr_max_bpm"] = {"value": float(observed_max_hr), "source": "estimate"}
        warnings.append("hr_max_bpm not set: using this activity's maximum heart rate")
    else:
        used["hr_max_bpm"] = {"value": DEFAULT_HR_MAX_BPM, "source": "default"}
        warnings.append(f"hr_max_bpm not set: using {DEFAULT_HR_MAX_BPM:g} bpm")

    if settings.hr_rest_bpm is not None:
        used["hr_rest_bpm"] = {"value": float(settings.hr_rest_bpm), "source": "settings"}
    else:
        used["hr_rest_bpm"] = {"value": DEFAULT_HR_REST_BPM, "source": "default"}
        warnings.append(f"hr_rest_bpm not set: using {DEFAULT_HR_REST_BPM:g} bpm")

    if settings.threshold_hr_bpm is not None:
        used["threshold_hr_bpm"] = {"value": float(settings.threshold_hr_bpm), "source": "settings"}
    else:
        value = THRESHOLD_HR_FRACTION * used["hr_max_bpm"]["value"]
        used["threshold_hr_bpm"] = {"value": value, "source": "estimate"}
        warnings.append("threshold_hr_bpm not set: using 90% of hr_max_bpm")

    if settings.threshold_pace_s_per_km is not None:
        used["threshold_pace_s_per_km"] = {
            "value": float(settings.threshold_pace_s_per_km),
            "source": "settings",
        }
    else:
        used["threshold_pace_s_per_km"] = {
            "value": DEFAULT_THRESHOLD_PACE_S_PER_KM,
            "source": "default",
        }
        warnings.append("threshold_pace_s_per_km not set: rtss uses 5:00/km")

    hr_max = used["hr_max_bpm"]["value"]
    hr_rest = used["hr_rest_bpm"]["value"]
    if hr_rest >= hr_max:
        raise ValueError(
            f"hr_rest_bpm ({hr_rest:g}) must be below hr_max_bpm ({hr_max:g}); fix the athlete settings"
        )
    if used["threshold_pace_s_per_km"]["value"] <= 0:
        raise ValueError("threshold_pace_s_per_km must be > 0; fix the athlete settings")
    return used, warnings
