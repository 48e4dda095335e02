"""One session's 1 Hz streams from its workout segments, route and the athlete's state."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import lfilter

from deliberun.sim import physiology as phys
from deliberun.sim.routes import Route, to_lat_lon
from deliberun.sim.workouts import Segment
from deliberun.sim.writers.track import TrackLap

#: GPS error: correlated wander of a few metres and rare spikes (plausible values for
#: wrist GPS; e.g. Gløersen et al. 2018, doi:10.1371/journal.pone.0199172).
GPS: dict[str, float] = {"sd_m": 2.5, "rho": 0.99, "spike_prob": 0.25, "spike_m": 120.0}

#: Pace noise (relative, AR(1)) and per-rep execution noise.
PACE: dict[str, float] = {"sd": 0.025, "rho": 0.95, "rep_sd": 0.006, "smooth_s": 3.0}


@dataclass
class SessionState:
    """What the body brings to this session."""

    vdot: float
    hr_rest: float
    hr_max: float
    temperature_c: float
    cadence_at_3: float
    fade_pct: float = 0.0  # true speed loss of the last rep vs the first half of reps [%]
    hr_extra_bpm: float = 0.0  # illness, poor sleep ...
    stops: bool = True


@dataclass
class SessionStreams:
    """Generated samples (SI) plus laps and per-rep truth."""

    time: np.ndarray
    distance: np.ndarray
    speed: np.ndarray
    heart_rate: np.ndarray
    cadence: np.ndarray
    altitude: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    temperature: np.ndarray
    laps: list[TrackLap] = field(default_factory=list)
    rep_speed_targets: list[float] = field(default_factory=list)  # m/s, flat-equivalent
    rep_laps: list[int] = field(default_factory=list)  # indices into laps of the work reps


def _rep_multipliers(
    segments: list[Segment], fade_pct: float, rng: np.random.Generator
) -> dict[int, float]:
    reps = sorted({s.rep for s in segments if s.rep is not None})
    n = len(reps)
    out = {}
    half = (n - 1) / 2.0
    for k in reps:
        frac = max(0.0, (k - half) / (n - 1 - half)) if n > 2 else 0.0
        out[k] = 1.0 - fade_pct / 100.0 * frac + rng.normal(0.0, PACE["rep_sd"])
    return out


def _stops(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Traffic-light stops (position, length 20-60 s) in a stretch of ``n`` seconds."""
    k = rng.poisson(n / 1200.0)
    pos = np.sort(rng.integers(120, max(n - 60, 121), k)) if k else np.zeros(0, dtype=int)
    return [(int(p), int(rng.integers(20, 61))) for p in pos]


def generate_session(
    segments: list[Segment],
    route: Route,
    state: SessionState,
    rng: np.random.Generator,
    home: tuple[float, float],
    *,
    gps: bool = True,
) -> SessionStreams:
    """Simulate the 1 Hz recording of one run.

    Pace follows the segments (flat-equivalent speed slowed by the route's grade,
    AR(1) noise, reps scaled by the fade); heart rate follows the oxygen cost of
    the effort with on/off kinetics, drift and heat; cadence rises with speed.
    """
    mult = _rep_multipliers(segments, state.fade_pct, rng)
    offset = float(rng.uniform(0, route.length))
    pieces: list[np.ndarray] = []
    lap_bounds: list[tuple[int, int, str, str]] = []
    rep_targets = []
    rep_laps: list[int] = []
    pos, n_total = offset, 0
    for seg in segments:
        v = seg.speed * (mult[seg.rep] if seg.rep is not None else 1.0)
        if seg.rep is not None:
            rep_targets.append(v)
        if seg.duration is not None:
            n = int(round(seg.duration))
            grade = route.grade(pos + v * np.arange(n))
        else:
            assert seg.distance is not None
            est = int(seg.distance / v * 1.2) + 10
            grade = route.grade(pos + v * np.arange(est))
        noise = phys.ar1(len(grade), PACE["sd"], PACE["rho"], rng)
        sp = v / phys.grade_cost_factor(grade) * (1.0 + noise)
        if seg.distance is not None:
            n = int(np.searchsorted(np.cumsum(sp), seg.distance)) + 1
            sp = sp[:n]
        if seg.stops_ok and state.stops:
            for p, length in reversed(_stops(len(sp), rng)):
                sp = np.concatenate([sp[:p], np.zeros(length), sp[p:]])
        pos += float(sp.sum())
        if seg.stops_ok and seg.rep is None and seg.distance and seg.distance >= 3000:
            km = np.searchsorted(np.cumsum(sp), np.arange(1000.0, float(sp.sum()), 1000.0))
            edges = [0, *[int(k) + 1 for k in km], len(sp)]
            for a, b in zip(edges[:-1], edges[1:], strict=True):
                if b > a:
                    lap_bounds.append((n_total + a, n_total + b, seg.lap, "distance"))
        else:
            if seg.rep is not None:
                rep_laps.append(len(lap_bounds))
            lap_bounds.append((n_total, n_total + len(sp), seg.lap, "manual"))
        pieces.append(sp)
        n_total += len(sp)
    target = np.concatenate(pieces)
    alpha = 1.0 - math.exp(-1.0 / PACE["smooth_s"])
    zi = [target[0] * (1 - alpha)]
    speed = np.asarray(lfilter([alpha], [1.0, alpha - 1.0], target, zi=zi)[0])
    speed = np.where(target == 0.0, np.minimum(speed, 0.3) * (speed > 0.05), speed)
    speed = np.maximum(speed, 0.0)
    n = len(speed)
    time = np.arange(n, dtype=float)
    distance = np.concatenate([[0.0], np.cumsum(speed[1:])])
    x, y, alt = route.at(offset + distance)
    effort = speed * phys.grade_cost_factor(route.grade(offset + distance))
    hrr = phys.heart_rate_reserve_fraction(effort, state.vdot)
    hr_target = (
        state.hr_rest
        + hrr * (state.hr_max - state.hr_rest)
        + phys.drift_bpm(time, state.temperature_c)
        + state.hr_extra_bpm
    )
    hr = phys.heart_rate_response(hr_target, state.hr_rest + 25.0, rng, state.hr_max)
    cad = phys.cadence_spm(speed, state.cadence_at_3, rng)
    if gps:
        x = x + phys.ar1(n, GPS["sd_m"], GPS["rho"], rng)
        y = y + phys.ar1(n, GPS["sd_m"], GPS["rho"], rng)
        if rng.random() < GPS["spike_prob"]:
            for k in rng.integers(0, n, int(rng.integers(1, 4))):
                w = int(rng.integers(1, 4))
                x[k : k + w] += rng.normal(0, GPS["spike_m"])
                y[k : k + w] += rng.normal(0, GPS["spike_m"])
        lat, lon = to_lat_lon(x, y, home)
    else:
        lat = lon = np.full(n, np.nan)
    alt = alt + phys.ar1(n, 0.5, 0.998, rng)
    temp = state.temperature_c + phys.ar1(n, 0.3, 0.99, rng)
    laps = [TrackLap(a0, b0, kind, trig) for a0, b0, kind, trig in lap_bounds]
    return SessionStreams(
        time, distance, speed, np.round(hr), np.round(cad), alt, lat, lon, np.round(temp),
        laps, rep_targets, rep_laps,
    )  # fmt: skip
