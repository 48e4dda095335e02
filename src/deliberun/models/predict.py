"""Race-time predictions: Riegel, the athlete's own exponent, critical speed, marathon shape.

Each predictor is a plain function; :func:`predict_races` combines them and says
what each prediction rests on (which efforts, which model).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np

from deliberun.models import vdot as _vdot
from deliberun.units import clock

#: Riegel P. S. (1981) Athletic records and human endurance, American Scientist 69:285-290:
#: ``T2 = T1 (D2/D1)^k`` (tested against ``tests/data/reference/misc.json``).
RIEGEL: dict[str, Any] = {
    "exponent": 1.06,
    "valid_minutes": (3.5, 230.0),
    "source": "Riegel PS. Athletic records and human endurance. American Scientist 1981;69:285-290",
}

#: Runalyze "marathon shape" (basic endurance) rule, inc/core/Calculation/BasicEndurance.php
#: and Sports/Running/Prognosis/VO2max.php (open edition, v4.3): targets from VDOT, weights
#: and windows are Runalyze's defaults; the distance adjustment is their own heuristic.
MARATHON_SHAPE: dict[str, float] = {
    "weekly_km_exponent": 1.135,  # target weekly km = VDOT^1.135
    "long_run_log_divisor": 4.0,  # target long run km = ln(VDOT/4) * 12
    "long_run_log_factor": 12.0,
    "min_long_run_km": 13.0,  # runs longer than this count as long runs
    "days_weekly": 182.0,  # window for weekly volume (at least 70 days of history)
    "days_weekly_min": 70.0,
    "days_long": 70.0,  # window for long runs
    "weight_weekly": 0.67,
    "weight_long": 0.33,
    "required_exponent": 1.23,  # shape [%] required for distance d [km] = d^1.23
    "floor": 0.6,  # VDOT factor = min(1, 0.6 + 0.4 * max(0, 1 - (required - shape)/100))
}


#: Efforts whose VDOT is at least this fraction of the best VDOT count as near-maximal
#: (used by the fitted Riegel exponent, critical speed and Riegel's reference effort).
NEAR_MAXIMAL_FRACTION = 0.92


def riegel(
    duration: float, distance: float, target_distance: float, exponent: float = 1.06
) -> float:
    """Riegel's prediction ``T2 = T1 · (D2/D1)^k`` [1]_.

    Parameters
    ----------
    duration : float
        Time of the known effort [s].
    distance : float
        Distance of the known effort [m].
    target_distance : float
        Distance to predict [m].
    exponent : float
        Fatigue exponent k (1.06 published; 1.08–1.15 for less trained marathoners).

    Returns
    -------
    float
        Predicted time [s].

    References
    ----------
    .. [1] Riegel PS. Athletic records and human endurance. American Scientist
       1981;69(3):285-290.
    """
    if not (duration > 0 and distance > 0 and target_distance > 0):
        raise ValueError("Riegel needs positive time [s] and distances [m]")
    if not 0.8 < exponent < 1.5:
        raise ValueError(f"Riegel exponent {exponent} is implausible; expected about 1.0-1.3")
    return duration * (target_distance / distance) ** exponent


def fit_riegel_exponent(efforts: list[tuple[float, float]]) -> tuple[float, float]:
    """The athlete's own Riegel exponent from two or more races (log-log least squares).

    ``ln T = ln a + k ln D`` (Runalyze ``Prognosis/Bock.php`` does the same with two races).

    Parameters
    ----------
    efforts : list of (distance [m], duration [s])
        At least two different distances.

    Returns
    -------
    exponent : float
        k, dimensionless.
    scale : float
        a, so that ``T = a · D^k`` [s / m^k].
    """
    d = np.array([e[0] for e in efforts], dtype=float)
    t = np.array([e[1] for e in efforts], dtype=float)
    if d.size < 2 or np.unique(np.round(d)).size < 2:
        raise ValueError("fitting a Riegel exponent needs races over at least two distances")
    if np.any(d <= 0) or np.any(t <= 0):
        raise ValueError("race distances and times must be positive")
    k, ln_a = np.polyfit(np.log(d), np.log(t), 1)
    return float(k), float(math.exp(ln_a))


@dataclass(frozen=True)
class CriticalSpeed:
    """Critical speed [m/s] and D′ [m] with the fit's residual SD [m] and the efforts used."""

    cs: float
    d_prime: float
    rmse_m: float
    efforts: tuple[tuple[float, float], ...]

    def time_for(self, distance: float) -> float:
        """Predicted time [s] for ``distance`` [m]: ``t = (d − D′) / CS``."""
        if distance <= self.d_prime:
            raise ValueError(f"distance {distance} m is within D' ({self.d_prime:.0f} m)")
        return (distance - self.d_prime) / self.cs


def critical_speed(efforts: list[tuple[float, float]]) -> CriticalSpeed:
    """Two-parameter critical-speed model ``d = CS·t + D′`` (Monod & Scherrer 1965) [1]_.

    Fitted by least squares to 2–5 maximal efforts of about 2–20 min; warns for
    efforts outside that range (the model over-predicts beyond about 20 min).

    Parameters
    ----------
    efforts : list of (distance [m], duration [s])

    Returns
    -------
    CriticalSpeed

    References
    ----------
    .. [1] Monod H, Scherrer J. The work capacity of a synergic muscular group.
       Ergonomics 1965;8:329-338.
    """
    if len(efforts) < 2:
        raise ValueError("critical speed needs at least two maximal efforts of different length")
    d = np.array([e[0] for e in efforts], dtype=float)
    t = np.array([e[1] for e in efforts], dtype=float)
    if np.unique(np.round(t)).size < 2:
        raise ValueError("critical speed needs efforts of different durations")
    if np.any(t < 120) or np.any(t > 1500):
        warnings.warn(
            "critical speed is meant for maximal efforts of about 2-20 min",
            UserWarning,
            stacklevel=2,
        )
    cs, d_prime = np.polyfit(t, d, 1)
    if cs <= 0 or d_prime < 0:
        raise ValueError(
            "these efforts do not fit the critical-speed model (longer efforts must be slower)"
        )
    resid = d - (cs * t + d_prime)
    rmse = float(np.sqrt(np.mean(resid**2)))
    return CriticalSpeed(
        float(cs), float(d_prime), rmse, tuple((float(a), float(b)) for a, b in efforts)
    )


def marathon_shape(
    vdot_value: float,
    runs: list[tuple[date, float]],
    today: date,
    first_day: date | None = None,
) -> dict[str, float]:
    """Runalyze's "marathon shape": how well weekly volume and long runs support a marathon.

    ``shape = 100 (0.67 · weekly% + 0.33 · long%)`` where ``weekly%`` is the mean
    weekly distance over the last 182 days (70 at least, fewer when the history is
    shorter) over the target ``VDOT^1.135`` km, and ``long%`` sums, over the last
    70 days, for each run longer than 13 km, ``(2 − 2·age/70) · ((d − 13)/(L − 13))²``
    with ``L = 12 ln(VDOT/4)`` km the weekly long-run target, scaled per week.
    Source: Runalyze ``BasicEndurance.php`` / ``MarathonShape.php`` (:data:`MARATHON_SHAPE`).

    Parameters
    ----------
    vdot_value : float
        [ml/kg/min].
    runs : list of (local date, distance [m])
    today : datetime.date
    first_day : datetime.date, optional
        First day of the history (default: the first run).

    Returns
    -------
    dict
        ``shape_pct``, ``weekly_pct``, ``long_pct``, ``weekly_km``, ``target_weekly_km``,
        ``target_long_km``.
    """
    c = MARATHON_SHAPE
    v = max(vdot_value, 25.0)
    target_week = v ** c["weekly_km_exponent"]
    target_long = math.log(v / c["long_run_log_divisor"]) * c["long_run_log_factor"]
    first = first_day or (min(d for d, _ in runs) if runs else today)
    span = (today - first).days
    days_weekly = min(c["days_weekly"], max(c["days_weekly_min"], float(span)))
    km = sum(m / 1000 for d, m in runs if 0 <= (today - d).days < days_weekly)
    points = 0.0
    denom = max(target_long - c["min_long_run_km"], 1.0)
    for d, m in runs:
        age = (today - d).days
        dist_km = m / 1000
        if 0 <= age < c["days_long"] and dist_km > c["min_long_run_km"]:
            points += (2 - 2 / c["days_long"] * age) * (
                (dist_km - c["min_long_run_km"]) / denom
            ) ** 2
    weekly_pct = km * 7 / days_weekly / target_week
    long_pct = points * 7 / c["days_long"]
    shape = 100 * (weekly_pct * c["weight_weekly"] + long_pct * c["weight_long"])
    return {
        "shape_pct": shape,
        "weekly_pct": 100 * weekly_pct,
        "long_pct": 100 * long_pct,
        "weekly_km": km * 7 / days_weekly,
        "target_weekly_km": target_week,
        "target_long_km": target_long,
    }


def shape_adjustment(distance: float, shape_pct: float) -> float:
    """Runalyze's VDOT factor for a distance given the marathon shape (0.6–1.0).

    ``factor = min(1, 0.6 + 0.4 · max(0, 1 − (d_km^1.23 − shape)/100))``: a 5 k needs
    a shape of 7 %, a half 43 %, a marathon 100 %.
    """
    c = MARATHON_SHAPE
    required = (distance / 1000.0) ** c["required_exponent"]
    factor = max(0.0, 1 - (required - shape_pct) / 100.0)
    return min(1.0, c["floor"] + (1 - c["floor"]) * factor)


@dataclass
class Effort:
    """A race or best effort the predictions rest on."""

    distance_m: float
    duration_s: float
    day: date
    activity_id: int | None = None
    is_race: bool = False
    #: Share of its VDOT a training effort counts for (1 for races; see ``vdot_evidence``).
    discount: float = 1.0

    @cached_property
    def vdot(self) -> float:
        """VDOT of this effort [ml/kg/min] (no warning outside 3.5 min-5 h; callers filter),
        times its ``discount``."""
        if not (self.distance_m > 0 and self.duration_s > 0):
            raise ValueError(f"effort needs positive distance and time, got {self!r}")
        raw = _vdot.oxygen_cost(self.distance_m / self.duration_s) / _vdot.fraction_of_vo2max(
            self.duration_s
        )
        return raw * self.discount

    @cached_property
    def race_equivalent_s(self) -> float:
        """The time [s] this effort stands for as a race over its distance: its own time
        for a race (``discount`` 1), else the Daniels/Gilbert time at its (calibrated or
        capped) VDOT, so Riegel and critical speed read a training effort as the VDOT
        does (``models.vdot_evidence``)."""
        if self.discount == 1.0:
            return self.duration_s
        return float(_vdot.race_time(self.vdot, self.distance_m))

    def to_dict(self) -> dict[str, Any]:
        return {
            "distance_m": self.distance_m,
            "duration_s": self.duration_s,
            "date": self.day.isoformat(),
            "activity_id": self.activity_id,
            "is_race": self.is_race,
            "kind": "race" if self.is_race else "training effort",
            "discount": round(self.discount, 4),
            "vdot": round(self.vdot, 2),
        }


#: The efforts predictions and VDOT rest on (the athlete area's filter): Daniels' VDOT
#: tables cover races of about 3.5 min to 4-5 h (Daniels J. (2014) Daniels' Running
#: Formula, 3rd ed., Human Kinetics, ch. 5); shorter bests overstate aerobic fitness.
USABLE_EFFORT: dict[str, float] = {
    "min_duration_s": 180.0,
    "max_duration_s": 5 * 3600.0,
    "min_distance_m": 1000.0,
}


def _what_discounted(effort: Effort) -> str:
    """Why an effort counts for another time than its own: a race reduced for the breaks
    since (``models.detraining``), or a training effort (``models.vdot_evidence``)."""
    return "a race, less detraining" if effort.is_race else "a training effort"


def is_usable(effort: Effort) -> bool:
    """Whether an effort can set the VDOT (3 min - 5 h, at least 1 km)."""
    u = USABLE_EFFORT
    return (
        u["min_duration_s"] <= effort.duration_s <= u["max_duration_s"]
        and effort.distance_m >= u["min_distance_m"]
    )


@dataclass
class Prediction:
    """One predicted time with the model and the evidence it rests on."""

    model: str
    distance_m: float
    time_s: float
    rests_on: str
    evidence: list[int | None] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "distance_m": self.distance_m,
            "time_s": self.time_s,
            "rests_on": self.rests_on,
            "activity_ids": self.evidence,
        }


def _best_per_distance(efforts: list[Effort]) -> list[Effort]:
    best: dict[int, Effort] = {}
    for e in efforts:
        key = round(e.distance_m)
        if key not in best or e.vdot > best[key].vdot:
            best[key] = e
    return sorted(best.values(), key=lambda e: e.distance_m)


def predict_races(
    efforts: list[Effort],
    targets: dict[str, float] | None = None,
    shape_pct: float | None = None,
) -> dict[str, list[Prediction]]:
    """Predict each target distance with every applicable model.

    Models: ``vdot`` (the best VDOT among the efforts, Daniels/Gilbert), ``riegel``
    (k = 1.06 from the near-maximal effort nearest in log-distance), ``riegel_own`` (the
    athlete's exponent fitted to their near-maximal best effort per distance, when ≥ 2
    distances), ``critical_speed`` (near-maximal efforts of 2–20 min, only for targets
    predicted ≤ 25 min), and ``vdot_shape``
    (VDOT reduced by Runalyze's marathon-shape factor, when ``shape_pct`` is given).

    Near-maximal means a VDOT of at least :data:`NEAR_MAXIMAL_FRACTION` of the best.

    Parameters
    ----------
    efforts : list of Effort
        Races and best efforts (choose the window before calling).
    targets : dict, optional
        Name → distance [m]; default 5k, 10k, half, marathon.
    shape_pct : float, optional
        Marathon shape [%] from :func:`marathon_shape`.

    Returns
    -------
    dict
        Target name → list of :class:`Prediction`.
    """
    targets = targets or dict(_vdot.RACE_DISTANCES_M)
    out: dict[str, list[Prediction]] = {name: [] for name in targets}
    usable = [e for e in efforts if is_usable(e)]
    if not usable:
        return out
    best = max(usable, key=lambda e: e.vdot)
    best_vdot = best.vdot
    # near-maximal efforts only: a best 10 k inside an easy long run says little
    per_distance = [
        e for e in _best_per_distance(usable) if e.vdot >= NEAR_MAXIMAL_FRACTION * best_vdot
    ]
    own: tuple[float, float] | None = None
    if len(per_distance) >= 2:
        k, a = fit_riegel_exponent([(e.distance_m, e.race_equivalent_s) for e in per_distance])
        if 0.95 < k < 1.35:
            own = (k, a)
    cs_efforts = [e for e in per_distance if 120 <= e.race_equivalent_s <= 1500]
    cs: CriticalSpeed | None = None
    if len(cs_efforts) >= 2:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cs = critical_speed([(e.distance_m, e.race_equivalent_s) for e in cs_efforts])
        except ValueError:
            cs = None
    for name, dist in targets.items():
        preds = out[name]
        preds.append(
            Prediction(
                "vdot",
                dist,
                _vdot.race_time(best_vdot, dist),
                f"VDOT {best_vdot:.1f} from your {effort_words(best.distance_m, best.duration_s)} "
                f"on {best.day.isoformat()}"
                + ("" if best.is_race else " (a training effort)")
                + " (Daniels/Gilbert)",
                [best.activity_id],
            )
        )
        near = min(per_distance, key=lambda e: abs(math.log(e.distance_m / dist)))
        preds.append(
            Prediction(
                "riegel",
                dist,
                riegel(near.race_equivalent_s, near.distance_m, dist),
                f"your {effort_words(near.distance_m, near.duration_s)} on "
                f"{near.day.isoformat()}"
                + (
                    ""
                    if near.discount == 1.0
                    else f" ({_what_discounted(near)}; as a race {clock(near.race_equivalent_s)})"
                )
                + ", exponent 1.06 (Riegel 1981)",
                [near.activity_id],
            )
        )
        if own is not None:
            k, a = own
            preds.append(
                Prediction(
                    "riegel_own",
                    dist,
                    a * dist**k,
                    f"your exponent {k:.3f} fitted to your best effort at "
                    f"{len(per_distance)} distances",
                    [e.activity_id for e in per_distance],
                )
            )
        if cs is not None:
            t = cs.time_for(dist) if dist > cs.d_prime else math.nan
            if math.isfinite(t) and t <= 1500:
                preds.append(
                    Prediction(
                        "critical_speed",
                        dist,
                        t,
                        f"critical speed {clock(1000.0 / cs.cs)} /km, D' {cs.d_prime:.0f} m "
                        f"from {len(cs_efforts)} "
                        "efforts of 2-20 min (Monod & Scherrer)",
                        [e.activity_id for e in cs_efforts],
                    )
                )
        if shape_pct is not None:
            factor = shape_adjustment(dist, shape_pct)
            adjusted = best_vdot * factor
            if adjusted >= 10:
                preds.append(
                    Prediction(
                        "vdot_shape",
                        dist,
                        _vdot.race_time(adjusted, dist),
                        f"VDOT {best_vdot:.1f} x {factor:.3f} for a marathon shape of "
                        f"{shape_pct:.0f}% (weekly volume and long runs; Runalyze rule)",
                        [best.activity_id],
                    )
                )
    return out


#: Race distances named in words (metres); an effort within 1.5 % of one is called by it.
NAMED_DISTANCES = {
    "mile": 1609.344,
    "5k": 5000.0,
    "10k": 10000.0,
    "half marathon": 21097.5,
    "marathon": 42195.0,
}


def effort_words(distance_m: float, duration_s: float) -> str:
    """An effort as a runner says it: ``marathon in 3:17:40``, ``12.3 km in 58:10``."""
    for name, d in NAMED_DISTANCES.items():
        if abs(distance_m - d) <= 0.015 * d:
            return f"{name} in {clock(duration_s)}"
    return f"{distance_m / 1000:.1f} km in {clock(duration_s)}"
