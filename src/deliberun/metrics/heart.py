"""Heart-rate metrics: zones, time in zone, aerobic decoupling, efficiency factor.

Definitions (tested against ``tests/data/reference/misc.json``): decoupling as
GoldenCheetah computes it (positive = the pace:HR ratio fell in the second
half, i.e. drift), efficiency factor as TrainingPeaks defines it (normalised
graded speed over average heart rate).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from deliberun.metrics.cleaning import rolling_mean

FloatArray = npt.NDArray[np.float64]

#: Zone lower bounds as fractions of the model's reference, five zones each.
#: ``hrmax``: % of HRmax, Edwards (1993) 50/60/70/80/90 %.
#: ``hrr``: % of heart-rate reserve (Karvonen), same fractions.
#: ``lthr``: % of lactate-threshold HR, J. Friel's running zones (TrainingPeaks,
#: "Joe Friel's quick guide to setting zones"), Z5a-c merged: <85, 85-89, 90-94,
#: 95-99, >=100 %.
HR_ZONE_MODELS: dict[str, dict[str, object]] = {
    "hrmax": {"lower": (0.5, 0.6, 0.7, 0.8, 0.9), "source": "Edwards 1993 (% HRmax)"},
    "hrr": {"lower": (0.5, 0.6, 0.7, 0.8, 0.9), "source": "Karvonen % heart-rate reserve"},
    "lthr": {"lower": (0.0, 0.85, 0.90, 0.95, 1.00), "source": "Friel running zones (% LTHR)"},
}


def hr_zone_bounds(
    model: str,
    *,
    hr_max: float,
    hr_rest: float | None = None,
    threshold_hr: float | None = None,
) -> FloatArray:
    """Lower bound of each of the five zones [bpm].

    Parameters
    ----------
    model : {"hrmax", "hrr", "lthr"}
    hr_max : float
        Maximum heart rate [bpm].
    hr_rest : float, optional
        Resting heart rate [bpm]; needed by ``"hrr"``.
    threshold_hr : float, optional
        Lactate-threshold heart rate [bpm]; needed by ``"lthr"``.
    """
    if model not in HR_ZONE_MODELS:
        raise ValueError(f"unknown HR zone model {model!r}; use one of {', '.join(HR_ZONE_MODELS)}")
    lower = np.asarray(HR_ZONE_MODELS[model]["lower"], dtype=float)
    if model == "hrmax":
        return lower * hr_max
    if model == "hrr":
        if hr_rest is None:
            raise ValueError("the 'hrr' zone model needs a resting heart rate (hr_rest_bpm)")
        return hr_rest + lower * (hr_max - hr_rest)
    if threshold_hr is None:
        raise ValueError("the 'lthr' zone model needs a threshold heart rate (threshold_hr_bpm)")
    return lower * threshold_hr


def time_in_zones(
    heart_rate: npt.ArrayLike, bounds: npt.ArrayLike, *, sample_s: float = 1.0
) -> list[float]:
    """Seconds spent in each zone.

    Parameters
    ----------
    heart_rate : array_like
        Heart rate on a regular grid [bpm]; NaN samples are not counted.
    bounds : array_like
        Lower bound of each zone [bpm], increasing. Time below the first bound is
        counted in the first zone, so the zones sum to the time with heart rate.
    sample_s : float
        Sample spacing [s].

    Returns
    -------
    list of float
        Time per zone [s].
    """
    hr = np.asarray(heart_rate, dtype=float)
    b = np.asarray(bounds, dtype=float)
    hr = hr[np.isfinite(hr)]
    zone = np.clip(np.searchsorted(b, hr, side="right") - 1, 0, len(b) - 1)
    return [float(x) * sample_s for x in np.bincount(zone, minlength=len(b))]


def aerobic_decoupling(
    speed: npt.ArrayLike, heart_rate: npt.ArrayLike, *, min_samples: int = 600
) -> float | None:
    """Pa:HR aerobic decoupling [%], first half versus second half.

    ``ratio = mean(speed) / mean(heart_rate)`` over each half of the valid samples
    (split by sample count, as GoldenCheetah ``AerobicDecoupling.cpp``);
    ``decoupling = 100 * (ratio1 - ratio2) / ratio1``. Positive = drift (slower for
    the same heart rate, or higher heart rate for the same speed). Below 5 % on a
    long steady run is the usual "good aerobic base" convention.

    Parameters
    ----------
    speed : array_like
        Speed or grade-adjusted speed on a regular grid [m/s]; pass only the
        moving samples of the steady part.
    heart_rate : array_like
        [bpm], same grid.
    min_samples : int
        Fewer valid samples than this -> None (default 10 min at 1 Hz).

    Returns
    -------
    float or None
        Decoupling [%].
    """
    v = np.asarray(speed, dtype=float)
    h = np.asarray(heart_rate, dtype=float)
    ok = np.isfinite(v) & np.isfinite(h) & (h > 0)
    v, h = v[ok], h[ok]
    if len(v) < max(min_samples, 2):
        return None
    half = len(v) // 2
    r1 = v[:half].mean() / h[:half].mean()
    r2 = v[half:].mean() / h[half:].mean()
    if r1 <= 0:
        return None
    return float(100.0 * (r1 - r2) / r1)


def normalized_graded_speed(gap_speed: npt.ArrayLike, *, window_s: int = 30) -> float | None:
    """Normalised graded speed [m/s]: 4th-power mean of the 30 s rolling GAP speed.

    TrainingPeaks' NGP applies Coggan's normalised-power algorithm to grade-adjusted
    pace: a 30 s rolling mean, raised to the 4th power, averaged, 4th root. It weighs
    hard surges more than a plain average does. NaN samples are skipped.
    """
    v = rolling_mean(np.asarray(gap_speed, dtype=float), window_s)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return None
    return float(np.mean(v**4) ** 0.25)


def efficiency_factor(normalized_speed: float | None, avg_heart_rate: float | None) -> float | None:
    """Efficiency factor: normalised graded speed per heart beat.

    Parameters
    ----------
    normalized_speed : float or None
        Normalised graded speed [m/s].
    avg_heart_rate : float or None
        [bpm]

    Returns
    -------
    float or None
        EF in metres per minute per bpm [(m/min)/bpm] (TrainingPeaks uses
        yards/min; metres keep the SI spirit and give the familiar ~1-2 range).
    """
    if normalized_speed is None or avg_heart_rate is None or avg_heart_rate <= 0:
        return None
    return float(normalized_speed * 60.0 / avg_heart_rate)
