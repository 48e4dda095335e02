"""Training load of one activity: Banister and Edwards TRIMP, rTSS, session RPE.

These are per-activity *stress* numbers; the fitness/fatigue model over days
lives in ``deliberun.models``. Which one feeds it is ``AthleteSettings.load_model``;
the default is ``trimp_banister`` because it needs only heart rate (every sport,
trails and hills included, where pace-based load misleads), its constants are
published, and it weighs hard minutes exponentially, so interval days are not
under-counted the way average-pace load under-counts them.
Constants: Banister's TRIMP (Morton, Fitz-Clarke & Banister 1990, J Appl Physiol
69:1171-1177), tested against ``tests/data/reference/load.json``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Banister TRIMP weighting ``a * exp(b * HRr)`` per sex. ``male``/``female``: Banister
#: 1975, Morton, Fitz-Clarke & Banister 1990 (via fellrnr). The alternatives are kept
#: for comparison: Runalyze's female ``a`` and GoldenCheetah's (a = 0.64 for both).
BANISTER_CONSTANTS = {
    "male": {"a": 0.64, "b": 1.92},
    "female": {"a": 0.86, "b": 1.67},
    "female_runalyze": {"a": 0.821776, "b": 1.67},
    "female_goldencheetah": {"a": 0.64, "b": 1.67},
}

#: Edwards (1993) zones as fractions of HRmax and their weights.
EDWARDS_ZONES = {
    "lower": (0.5, 0.6, 0.7, 0.8, 0.9),
    "weights": (1.0, 2.0, 3.0, 4.0, 5.0),
    "source": "Edwards 1993, The Heart Rate Monitor Book",
}

LOAD_MODELS = ("trimp_banister", "trimp_edwards", "rtss", "session_rpe")


def trimp_banister(
    heart_rate: npt.ArrayLike,
    *,
    hr_max: float,
    hr_rest: float,
    sex: str = "male",
    sample_s: float = 1.0,
) -> float:
    """Banister's exponential TRIMP, summed per sample.

    ``TRIMP = sum(duration_min * HRr * a * exp(b * HRr))``, ``HRr = (HR - HRrest) /
    (HRmax - HRrest)`` clipped to [0, 1] [1]_. Summing per sample (as Runalyze) rather
    than on the session's average HR (GoldenCheetah) counts intervals properly.

    Parameters
    ----------
    heart_rate : array_like
        Heart rate on a regular grid [bpm]; NaN samples contribute nothing.
    hr_max, hr_rest : float
        Maximum and resting heart rate [bpm].
    sex : str
        A key of ``BANISTER_CONSTANTS``.
    sample_s : float
        Sample spacing [s].

    Returns
    -------
    float
        TRIMP [a.u.]; 60 min at HRr 0.5 gives 50.14 (male), 59.46 (female).

    References
    ----------
    .. [1] Morton RH, Fitz-Clarke JR, Banister EW (1990). Modeling human performance
       in running. J Appl Physiol 69:1171-1177. doi:10.1152/jappl.1990.69.3.1171
    """
    if sex not in BANISTER_CONSTANTS:
        raise ValueError(
            f"unknown sex {sex!r} for TRIMP; use one of {', '.join(BANISTER_CONSTANTS)}"
        )
    if not hr_max > hr_rest:
        raise ValueError(
            f"hr_max ({hr_max}) must be above hr_rest ({hr_rest}); fix the athlete settings"
        )
    k = BANISTER_CONSTANTS[sex]
    hr = np.asarray(heart_rate, dtype=float)
    hr = hr[np.isfinite(hr)]
    x = np.clip((hr - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
    return float(np.sum(x * k["a"] * np.exp(k["b"] * x)) * sample_s / 60.0)


def trimp_edwards(heart_rate: npt.ArrayLike, *, hr_max: float, sample_s: float = 1.0) -> float:
    """Edwards' zonal TRIMP: minutes in each %HRmax zone times 1..5.

    Parameters
    ----------
    heart_rate : array_like
        [bpm]; samples below 50 % HRmax count 0.
    hr_max : float
        [bpm]
    sample_s : float
        Sample spacing [s].

    Returns
    -------
    float
        TRIMP [a.u.]; 60 min in zone 3 (70-80 %) = 180.
    """
    hr = np.asarray(heart_rate, dtype=float)
    hr = hr[np.isfinite(hr)]
    lower = np.asarray(EDWARDS_ZONES["lower"]) * hr_max
    weights = np.concatenate(([0.0], np.asarray(EDWARDS_ZONES["weights"])))
    zone = np.searchsorted(lower, hr, side="right")
    return float(np.sum(weights[zone]) * sample_s / 60.0)


def rtss(
    normalized_graded_speed: float | None, duration: float, *, threshold_speed: float
) -> float | None:
    """Running stress score (rTSS-like): hours * IF^2 * 100, IF = NGS / threshold speed.

    One hour at threshold pace scores 100 (TrainingPeaks' rTSS, after Coggan's TSS).

    Parameters
    ----------
    normalized_graded_speed : float or None
        [m/s] (see ``heart.normalized_graded_speed``).
    duration : float
        Moving time [s].
    threshold_speed : float
        Threshold speed [m/s] (1000 / threshold pace in s/km).

    Returns
    -------
    float or None
        Stress [a.u.].
    """
    if threshold_speed <= 0:
        raise ValueError("threshold speed must be > 0 m/s; set threshold_pace_s_per_km")
    if normalized_graded_speed is None or duration <= 0:
        return None
    intensity = normalized_graded_speed / threshold_speed
    return float(duration / 3600.0 * intensity**2 * 100.0)


def session_rpe(rpe: float | None, duration: float) -> float | None:
    """Foster's session RPE: RPE (CR-10) * duration [min] (Foster et al. 2001).

    Parameters
    ----------
    rpe : float or None
        Perceived exertion, 0-10.
    duration : float
        [s]
    """
    if rpe is None:
        return None
    if not 0 <= rpe <= 10:
        raise ValueError(f"RPE must be on the CR-10 scale (0-10), got {rpe}")
    return float(rpe * duration / 60.0)
