"""The simulated body: fitness from load (Banister), heart rate kinetics and drift, cadence.

Coefficients are in module-level dicts naming where they come from; values chosen
"for plausibility" say so.
"""

from __future__ import annotations

import math

import numpy as np

from deliberun.sim.daniels import DANIELS_GILBERT

#: Banister impulse-response model of performance from daily load: fitness and
#: fatigue are exponentially weighted sums of daily TRIMP with time constants 42
#: and 7 days [1]; performance (here: VDOT) = base + k1·Δfitness − k2·Δfatigue.
#: k1, k2 are chosen so a steady 50 → 80 TRIMP/day build adds ~1.5 VDOT, a plausible
#: few-month gain for a trained runner (not from a paper).
#: [1] Banister E.W. et al. (1975) A systems model of training for athletic
#:     performance. Aust J Sports Med 7:57-61.
BANISTER: dict[str, float] = {"fitness_days": 42.0, "fatigue_days": 7.0, "k1": 0.055, "k2": 0.03}

#: Banister TRIMP constants a, b by sex (Morton, Fitz-Clarke & Banister 1990; reference/load.json).
TRIMP_CONSTANTS: dict[str, tuple[float, float]] = {"male": (0.64, 1.92), "female": (0.86, 1.67)}

#: Heart-rate response: first-order kinetics with time constants about 30 s rising and
#: 60 s falling (typical of moderate exercise, e.g. Hughson 2009, doi:10.1113/expphysiol.2008.045534);
#: cardiac drift about 3 bpm/h in the cool plus 0.4 bpm/h per °C above 12 °C (plausible
#: values after Coyle & González-Alonso 2001, doi:10.1097/00003677-200104000-00009).
HEART_RATE: dict[str, float] = {
    "tau_on_s": 30.0,
    "tau_off_s": 60.0,
    "drift_bpm_per_h": 3.0,
    "heat_drift_bpm_per_h_per_c": 0.4,
    "heat_threshold_c": 12.0,
    "noise_bpm": 1.0,
}

#: Step rate rises with speed: about 9 steps/min per m/s around 3-5 m/s (plausible
#: value, consistent with Cavanagh & Kram 1989, doi:10.1249/00005768-198908000-00011).
CADENCE: dict[str, float] = {"at_3_m_per_s": 166.0, "spm_per_m_per_s": 9.0, "noise_spm": 1.5}


def grade_cost_factor(grade: np.ndarray) -> np.ndarray:
    """Relative cost of running on ``grade`` [m/m] vs the flat (linearised, Minetti-like).

    About +3.3 % per 1 % uphill and −1.8 % per 1 % downhill down to −10 %.
    """
    g = np.clip(grade, -0.10, 0.25) * 100.0
    return np.where(g > 0, 1.0 + 0.033 * g, 1.0 + 0.018 * g)


def heart_rate_reserve_fraction(speed: np.ndarray, vdot: float) -> np.ndarray:
    """Fraction of heart-rate reserve at ``speed`` [m/s] (flat-equivalent) for ``vdot``.

    %HRR ≈ %VO2 reserve (Swain & Leutholtz 1997, doi:10.1097/00005768-199703000-00014),
    with the Daniels & Gilbert oxygen cost; rest (3.5 ml/kg/min) when standing.
    """
    c = DANIELS_GILBERT
    v = np.asarray(speed, dtype=float) * 60.0
    vo2 = np.where(v > 18.0, c["c0"] + c["c1"] * v + c["c2"] * v * v, 3.5)
    return np.clip((vo2 - 3.5) / (vdot - 3.5), 0.12, 1.02)


def heart_rate_response(
    target: np.ndarray, start: float, rng: np.random.Generator, hr_max: float
) -> np.ndarray:
    """First-order on/off kinetics of heart rate towards ``target`` [bpm], 1 Hz samples."""
    a_on = 1.0 - math.exp(-1.0 / HEART_RATE["tau_on_s"])
    a_off = 1.0 - math.exp(-1.0 / HEART_RATE["tau_off_s"])
    out = np.empty(len(target))
    hr = start
    for k, tgt in enumerate(target.tolist()):
        hr += (tgt - hr) * (a_on if tgt > hr else a_off)
        out[k] = hr
    noise = ar1(len(target), HEART_RATE["noise_bpm"], 0.8, rng)
    return np.clip(out + noise, 40.0, hr_max)


def drift_bpm(elapsed: np.ndarray, temperature_c: float) -> np.ndarray:
    """Cardiac drift [bpm] after ``elapsed`` [s] at ``temperature_c`` [°C]."""
    p = HEART_RATE
    rate = p["drift_bpm_per_h"] + p["heat_drift_bpm_per_h_per_c"] * max(
        0.0, temperature_c - p["heat_threshold_c"]
    )
    return rate * elapsed / 3600.0


def cadence_spm(speed: np.ndarray, base_at_3: float, rng: np.random.Generator) -> np.ndarray:
    """Step rate [steps/min] at ``speed`` [m/s]; 0 when standing."""
    c = base_at_3 + CADENCE["spm_per_m_per_s"] * (speed - 3.0)
    c = c + ar1(len(speed), CADENCE["noise_spm"], 0.7, rng)
    return np.where(speed < 0.5, 0.0, np.clip(c, 120.0, 215.0))


def trimp_banister(heart_rate: np.ndarray, hr_rest: float, hr_max: float, sex: str) -> float:
    """Banister TRIMP of a 1 Hz heart-rate series (Morton et al. 1990 constants)."""
    a, b = TRIMP_CONSTANTS["female" if sex == "female" else "male"]
    hrr = np.clip((heart_rate - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
    return float(np.sum(hrr * a * np.exp(b * hrr)) / 60.0)


def ar1(n: int, sd: float, rho: float, rng: np.random.Generator) -> np.ndarray:
    """Stationary AR(1) noise of standard deviation ``sd`` and lag-1 correlation ``rho``."""
    from scipy.signal import lfilter

    e = rng.normal(0.0, sd * math.sqrt(1 - rho * rho), n)
    if n:
        e[0] = rng.normal(0.0, sd)
    return np.asarray(lfilter([1.0], [1.0, -rho], e))


class FitnessFatigue:
    """Banister state: exponentially weighted fitness and fatigue of daily load [TRIMP]."""

    def __init__(self, vdot0: float, load0: float) -> None:
        self.vdot0 = vdot0
        self.load0 = load0
        self.fitness = load0
        self.fatigue = load0

    def step(self, load: float) -> None:
        """Advance one day with that day's ``load`` [TRIMP]."""
        p = BANISTER
        self.fitness += (load - self.fitness) * (1 - math.exp(-1 / p["fitness_days"]))
        self.fatigue += (load - self.fatigue) * (1 - math.exp(-1 / p["fatigue_days"]))

    def vdot(self) -> float:
        """Performance today as a VDOT [ml/kg/min]."""
        p = BANISTER
        return (
            self.vdot0
            + p["k1"] * (self.fitness - self.load0)
            - p["k2"] * (self.fatigue - self.load0)
        )
