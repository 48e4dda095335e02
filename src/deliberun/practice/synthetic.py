"""Session-level generators with planted effects, to prove the practice statistics.

Not a physiological simulator (that is ``deliberun.sim``): these draw sessions whose
outcome is a known function of one planted cause or experiment arm, plus a fitness
trend and noise, so tests and ``bench/advice_validity.py`` can check that the nemesis
ranking and the experiment verdicts find what was planted and nothing else.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from deliberun.practice.experiment_design import draw_assignment
from deliberun.practice.experiments import ExperimentSpec
from deliberun.practice.session import Session

START = date(2026, 1, 5)  # a Monday


def _context(rng: np.random.Generator, day: date, i: int) -> Session:
    """An interval session with every candidate cause drawn independently."""
    hour = float(rng.choice([6.5, 12.5, 18.5]))
    return Session(
        local_date=day,
        activity_id=1000 + i,
        local_hour=hour,
        workout_type="intervals",
        prior_48h_load=float(rng.uniform(40, 240)),
        form=float(rng.normal(0, 10)),
        target_pace_s_per_km=240.0,
        vdot_pace_s_per_km=float(240.0 * (1 + rng.uniform(-0.03, 0.05))),
        rest_s=float(rng.uniform(60, 180)),
        sleep_h=float(rng.normal(7.2, 0.9)),
        temperature_c=float(rng.uniform(2, 30)),
        reps_planned=6,
        reps_done=6,
    )


def _adverse_score(s: Session, cause: str) -> float:
    """Planted cause as a standardised adverse value (about mean 0, SD 1)."""
    if cause == "prior_48h_load":
        return ((s.prior_48h_load or 0) - 140) / 58
    if cause == "form":
        return -(s.form or 0) / 10
    if cause == "target_pace":
        vd, tp = s.vdot_pace_s_per_km or 240.0, s.target_pace_s_per_km or 240.0
        return (100 * (vd / tp - 1) - 1.0) / 2.3
    if cause == "rest_interval":
        return -((s.rest_s or 120) - 120) / 35
    if cause == "sleep":
        return -((s.sleep_h or 7.2) - 7.2) / 0.9
    if cause == "heat":
        return ((s.temperature_c or 16) - 16) / 8
    if cause == "weekday":
        return 2.0 if s.weekday == 3 else -0.5  # Thursdays
    if cause == "time_of_day":
        return 2.0 if (s.local_hour or 12) >= 16 else -0.5  # evenings
    if cause == "none":
        return 0.0
    raise ValueError(f"unknown cause {cause!r}")


def nemesis_sessions(
    rng: np.random.Generator, cause: str, n: int = 24, strength: float = 2.0
) -> list[Session]:
    """``n`` interval sessions, two or three a week, whose fade is driven by ``cause``.

    fade [%] = 5 + strength * adverse(cause) + N(0, 1.5); above 5% the session fails.
    """
    out: list[Session] = []
    day = START
    for i in range(n):
        day = day + timedelta(days=int(rng.integers(2, 4)))
        s = _context(rng, day, i)
        fade = 5.0 + strength * _adverse_score(s, cause) + float(rng.normal(0, 1.5))
        s.last_rep_fade_pct = fade
        s.rpe = float(np.clip(round(7 + fade / 4), 1, 10))
        out.append(s)
    return out


def experiment_sessions(
    rng: np.random.Generator,
    *,
    effect: float,
    assignment: str = "alternating",
    n_per_arm: int = 10,
    trend_per_day: float = -0.03,
    noise_sd: float = 1.5,
    baseline: float = 7.0,
    autocorr: float = 0.0,
) -> tuple[ExperimentSpec, list[Session]]:
    """An experiment on interval fade with a planted ``effect`` [% points] in arm B.

    One session every 3-4 days; outcome = baseline + trend * day + effect * arm + noise
    (AR(1) with coefficient ``autocorr`` when non-zero). Negative effects reduce fade,
    which is better for ``last_rep_fade_pct``.
    """
    n = 2 * n_per_arm
    days = np.cumsum(rng.integers(3, 5, n))
    change_day = START + timedelta(days=int(days[n_per_arm - 1]) + 1)
    spec = ExperimentSpec(
        id="synthetic",
        change="50% more rest between reps",
        metric="last_rep_fade_pct",
        workout_type="intervals",
        assignment=assignment,
        start=START,
        change_date=change_day,
        planned_sessions=n,
    )
    if assignment == "randomised":
        spec.arms = draw_assignment(rng, n)
    eps = rng.normal(0, noise_sd, n)
    if autocorr:
        for i in range(1, n):
            eps[i] = autocorr * eps[i - 1] + np.sqrt(1 - autocorr**2) * eps[i]
    sessions: list[Session] = []
    for i in range(n):
        day = START + timedelta(days=int(days[i]))
        if assignment == "before_after":
            arm = day >= change_day
        else:
            arm = bool(spec.arms[i]) if spec.arms else i % 2 == 1
        fade = baseline + trend_per_day * float(days[i]) + effect * float(arm) + float(eps[i])
        sessions.append(
            Session(
                local_date=day,
                activity_id=2000 + i,
                workout_type="intervals",
                last_rep_fade_pct=fade,
                local_hour=18.0,
            )
        )
    return spec, sessions
