"""Progress on a course or a segment: raw and adjusted times, trend, fastest passes.

Times on the same path differ for reasons other than fitness. Three are adjusted for,
and each adjustment is shown next to the raw time so the runner can check it:

- **grade** (GAP): a course run the other way round, or a stretch of a loop from
  another start, has other climbs; ``gap_time_s`` is what the same effort would take
  on the flat (the athlete's GAP model, ``deliberun.metrics.grade``). Wind is not known.
- **heat**: above about 10 degC runners slow down; the model below removes that.
- **heart rate**: ``hr_normalised_time_s`` is the time at the course's usual heart
  rate, taking speed per heartbeat as constant over the small range involved (the
  efficiency-factor convention, speed / HR; Friel/TrainingPeaks). It answers "am I
  fitter?" rather than "was I faster?", so it is shown beside, not folded in.

``adjusted_time_s`` = raw time + grade adjustment + heat adjustment; the trend and the
best adjusted time use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from scipy import stats

#: Heat: slowing per degC above the optimum, as a fraction of time. Marathon finishing
#: times slow as the temperature rises above 5-10 degC (Ely et al. 2007), by roughly
#: 0.3 % per degC for runners of 3-4 h; the optimum 10 degC is the upper end of the
#: 3.8-9.9 degC range El Helou et al. (2012) found. An approximation for training runs
#: of 20-90 min; it is shown, never hidden.
HEAT_MODEL: dict[str, Any] = {
    "optimum_c": 10.0,
    "slowdown_per_c": 0.003,
    "source": (
        "Ely MR et al. (2007) Med Sci Sports Exerc 39(3):487-493, "
        "doi:10.1249/mss.0b013e31802d3aba; El Helou N et al. (2012) PLoS One 7(5):e37407, "
        "doi:10.1371/journal.pone.0037407"
    ),
}

#: A trend needs this many passes, and its 95 % interval decides its verdict.
MIN_TREND_PASSES = 4
TREND_CONFIDENCE = 0.95
#: The trend is reported per this many days.
TREND_PER_DAYS = 30


def heat_factor(temperature_c: float | None) -> float:
    """Time factor [-] of running at ``temperature_c`` [degC] vs the optimum (1 when cool
    or unknown): time in the heat = time in the cool x factor."""
    if temperature_c is None or not math.isfinite(temperature_c):
        return 1.0
    excess = max(0.0, float(temperature_c) - HEAT_MODEL["optimum_c"])
    return 1.0 + HEAT_MODEL["slowdown_per_c"] * excess


@dataclass
class Pass:
    """One run over a course or segment, raw figures (see :func:`adjust`)."""

    activity_id: int
    local_date: date
    time_s: float  # moving time
    elapsed_s: float | None = None  # stops included
    gap_time_s: float | None = None
    avg_hr_bpm: float | None = None
    temperature_c: float | None = None


def adjust(passes: list[Pass]) -> list[dict[str, Any]]:
    """Every pass with its adjustments shown (s), in the order given.

    Keys: ``gap_adjustment_s`` (GAP time - raw time), ``heat_adjustment_s`` (negative
    when it was hot), ``adjusted_time_s``, ``hr_normalised_time_s`` (None without heart
    rate) and ``reference_hr_bpm`` (the median heart rate of the passes).
    """
    hrs = [p.avg_hr_bpm for p in passes if p.avg_hr_bpm]
    ref_hr = float(np.median(hrs)) if hrs else None
    out = []
    for p in passes:
        gap_adj = (p.gap_time_s - p.time_s) if p.gap_time_s is not None else 0.0
        graded = p.time_s + gap_adj
        heat_adj = graded / heat_factor(p.temperature_c) - graded
        adjusted = graded + heat_adj
        hr_norm = adjusted * p.avg_hr_bpm / ref_hr if p.avg_hr_bpm and ref_hr else None
        out.append(
            {
                "activity_id": p.activity_id,
                "local_date": p.local_date.isoformat(),
                "time_s": p.time_s,
                "elapsed_s": p.elapsed_s,
                "gap_adjustment_s": gap_adj,
                "heat_adjustment_s": heat_adj,
                "adjusted_time_s": adjusted,
                "avg_hr_bpm": p.avg_hr_bpm,
                "temperature_c": p.temperature_c,
                "hr_normalised_time_s": hr_norm,
                "reference_hr_bpm": ref_hr,
            }
        )
    return out


def trend(days: list[float], times: list[float]) -> dict[str, Any] | None:
    """Least-squares trend of ``times`` [s] over ``days`` with its 95 % interval.

    Returns ``slope_s_per_30d``, ``ci_low``/``ci_high`` (same unit), ``n``,
    ``p_value`` and ``verdict``: ``faster``/``slower`` when the interval excludes 0,
    else ``no clear change``. None with fewer than ``MIN_TREND_PASSES`` passes or all
    on one day.
    """
    x = np.asarray(days, dtype=float)
    y = np.asarray(times, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < MIN_TREND_PASSES or np.ptp(x) == 0:
        return None
    res = stats.linregress(x, y)
    q = stats.t.ppf(0.5 + TREND_CONFIDENCE / 2, len(x) - 2)
    slope = float(res.slope) * TREND_PER_DAYS
    half = float(q * res.stderr) * TREND_PER_DAYS
    lo, hi = slope - half, slope + half
    verdict = "faster" if hi < 0 else "slower" if lo > 0 else "no clear change"
    return {
        "slope_s_per_30d": slope,
        "ci_low": lo,
        "ci_high": hi,
        "confidence": TREND_CONFIDENCE,
        "n": int(len(x)),
        "p_value": float(res.pvalue),
        "verdict": verdict,
    }


def progress(rows: list[dict[str, Any]], *, first_day: date | None = None) -> dict[str, Any]:
    """Best, recent, trend and the 3 fastest of adjusted passes (:func:`adjust` rows, by date)."""
    if not rows:
        return {"best": None, "best_adjusted": None, "last": None, "trend": None, "fastest": []}
    day0 = first_day or date.fromisoformat(rows[0]["local_date"])
    days = [float((date.fromisoformat(r["local_date"]) - day0).days) for r in rows]
    best = min(rows, key=lambda r: r["time_s"])
    best_adj = min(rows, key=lambda r: r["adjusted_time_s"])
    fastest = sorted(rows, key=lambda r: r["time_s"])[:3]
    return {
        "best": best,
        "best_adjusted": best_adj,
        "last": rows[-1],
        "trend": trend(days, [r["adjusted_time_s"] for r in rows]),
        "fastest": fastest,
    }
