"""Nemesis workouts: the workout types that keep getting the best of the runner.

A workout type is a nemesis when most of its recent attempts failed (reps cut, pace
missed, late reps fading, RPE 9-10, stopped early; see ``Session.failure_reasons``).
For each nemesis the candidate causes (one vocabulary with the simulator, see
docs/dev/CONTRACTS.md) are ranked by how strongly failures go with them: the failure
rate in the adverse half of the cause minus the rate in the favourable half, with a
bootstrap 90% interval, ranked by a permutation p-value that accounts for picking the
worst weekday or time of day. The essay's adjustments are suggested where they fit and
each converts to an experiment spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from deliberun.practice.experiments import ExperimentSpec, session_key
from deliberun.practice.session import QUALITY_TYPES, Session
from deliberun.practice.stats import bootstrap_diff

CAUSES = (
    "prior_48h_load",
    "form",
    "weekday",
    "time_of_day",
    "target_pace",
    "rest_interval",
    "sleep",
    "heat",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Time-of-day bins [h, local]: morning before 11, midday 11-16, evening from 16.
TIME_BINS = ((0.0, 11.0, "morning"), (11.0, 16.0, "midday"), (16.0, 24.01, "evening"))


def _target_gap(s: Session) -> float | None:
    """How much faster than the current VDOT pace the target is [%] (positive = ambitious)."""
    if not s.target_pace_s_per_km or not s.vdot_pace_s_per_km:
        return None
    return 100.0 * (s.vdot_pace_s_per_km / s.target_pace_s_per_km - 1.0)


#: Directed numeric causes: (value, +1 when high values are adverse / -1 when low are).
NUMERIC_CAUSES: dict[str, tuple[Callable[[Session], float | None], int, str]] = {
    "prior_48h_load": (lambda s: s.prior_48h_load, +1, "load in the 48 h before"),
    "form": (lambda s: s.form, -1, "form (fitness minus fatigue)"),
    "target_pace": (_target_gap, +1, "target faster than VDOT pace [%]"),
    "rest_interval": (lambda s: s.rest_s, -1, "rest between reps [s]"),
    "sleep": (lambda s: s.sleep_h, -1, "sleep the night before [h]"),
    "heat": (lambda s: s.temperature_c, +1, "temperature [degC]"),
}


def _time_bin(s: Session) -> str | None:
    if s.local_hour is None:
        return None
    for lo, hi, name in TIME_BINS:
        if lo <= s.local_hour < hi:
            return name
    return None


CATEGORICAL_CAUSES: dict[str, Callable[[Session], str | None]] = {
    "weekday": lambda s: WEEKDAYS[s.weekday],
    "time_of_day": _time_bin,
}

#: The essay's adjustments, per cause: (advice, change text for the experiment).
ADJUSTMENTS: dict[str, tuple[str, str]] = {
    "target_pace": ("try slower pace targets (3% slower)", "target pace 3% slower"),
    "prior_48h_load": (
        "add an extra recovery day before it",
        "an extra recovery day before",
    ),
    "form": ("add an extra recovery day before it", "an extra recovery day before"),
    "rest_interval": ("try 50% more time for the rest intervals", "50% more rest between reps"),
    "weekday": ("try it on another day of the week", "moved to another weekday"),
    "time_of_day": ("try it at another time of day", "moved to another time of day"),
    "sleep": (
        "put it after a good night (7.5 h or more) or add a recovery day",
        "only after 7.5 h+ sleep",
    ),
    "heat": ("run it in the cool of the morning or on cooler days", "run in cooler conditions"),
}


@dataclass
class CauseEffect:
    """One candidate explanation: failure-rate difference adverse minus favourable."""

    cause: str
    effect: float
    interval_90: tuple[float, float]
    p_value: float
    adverse: str  # which sessions are the adverse half, in words
    n_adverse: int
    n_favourable: int
    adverse_ids: list[int | str] = field(default_factory=list)
    used_ids: list[int | str] = field(default_factory=list)
    confounded_with: str | None = None  # a cause whose adverse half mostly coincides
    values: dict[int | str, float] = field(default_factory=dict)  # numeric causes, adverse-up

    def to_dict(self) -> dict[str, Any]:
        return {"cause": self.cause, "effect": self.effect, "interval_90": list(self.interval_90)}


@dataclass
class Suggestion:
    cause: str
    advice: str
    experiment: ExperimentSpec


@dataclass
class Nemesis:
    workout_type: str
    attempts: int
    failures: int
    attempt_ids: list[int | str]
    failed_ids: list[int | str]
    causes: list[CauseEffect]
    suggestions: list[Suggestion]

    def to_dict(self) -> dict[str, Any]:
        """The ``deliberun nemesis --json`` contract (one list item)."""
        return {
            "workout_type": self.workout_type,
            "attempts": self.attempts,
            "failures": self.failures,
            "causes": [c.to_dict() for c in self.causes],
        }


def _numeric_split(values: np.ndarray, direction: int) -> np.ndarray | None:
    """Adverse-half indicator from a median split (None when the cause does not vary)."""
    med = float(np.median(values))
    adverse = values > med if direction > 0 else values < med
    if adverse.sum() == 0 or adverse.sum() == len(values):
        adverse = values >= med if direction > 0 else values <= med
    if adverse.sum() == 0 or adverse.sum() == len(values):
        return None
    return adverse


def _categorical_stat(cats: np.ndarray, fail: np.ndarray, levels: list[str]) -> tuple[float, int]:
    """Largest (mean in a level minus mean elsewhere) over levels with 2+ sessions."""
    best, best_i = -np.inf, -1
    for i, lev in enumerate(levels):
        m = cats == lev
        if m.sum() < 2 or m.sum() == len(cats):
            continue
        d = fail[m].mean() - fail[~m].mean()
        if d > best:
            best, best_i = float(d), i
    return best, best_i


def _severity(sessions: list[Session], fail: np.ndarray) -> np.ndarray:
    """The ranking score: last-rep fade [%] when most sessions have it, else failure.

    A continuous outcome ranks causes with more power than the 0/1 failure (measured in
    bench/advice_validity.py). Sessions without a fade get the worst observed fade when
    they failed, the median otherwise.
    """
    fades = [s.fade_pct() for s in sessions]
    known = [f for f in fades if f is not None and np.isfinite(f)]
    if len(known) < 0.75 * len(sessions) or len(known) < 4:
        return fail
    worst, mid = float(max(known)), float(np.median(known))
    return np.array(
        [
            f if f is not None and np.isfinite(f) else (worst if fl else mid)
            for f, fl in zip(fades, fail, strict=True)
        ],
        dtype=float,
    )


def rank_causes(
    sessions: list[Session],
    rng: np.random.Generator,
    *,
    permutations: int = 999,
) -> list[CauseEffect]:
    """Candidate causes of failure, best-supported first.

    The effect of a cause is the failure rate in its adverse half minus the rate in its
    favourable half (median split; for weekday and time of day, the worst level against
    the others), with a stratified bootstrap 90% interval. Causes are ranked by a
    one-sided permutation p-value of the same split on the session severity (last-rep
    fade when known, else failure; the worst level is re-picked in every permutation so
    picking it is paid for), ties by effect; causes whose adverse half does not fail more
    (effect <= 0) come last. Causes without data or variation are left out.

    Parameters
    ----------
    sessions : attempts of one workout type.
    rng : random generator (bootstrap and permutations).
    permutations : permutation count for the p-values.
    """
    fail_all = np.array([1.0 if s.failed else 0.0 for s in sessions], dtype=float)
    sev_all = _severity(sessions, fail_all)
    results: list[CauseEffect] = []
    for cause in CAUSES:
        if cause in NUMERIC_CAUSES:
            fn, direction, label = NUMERIC_CAUSES[cause]
            pairs = [(i, fn(s)) for i, s in enumerate(sessions)]
            keep = [i for i, v in pairs if v is not None and np.isfinite(v)]
            if len(keep) < 4:
                continue
            vals = np.array([pairs[i][1] for i in keep], dtype=float)
            fail, sev = fail_all[keep], sev_all[keep]
            adv = _numeric_split(vals, direction)
            if adv is None:
                continue
            stat = sev[adv].mean() - sev[~adv].mean()
            perm = np.argsort(rng.random((permutations, len(sev))), axis=1)
            sp = sev[perm]
            null = sp[:, adv].mean(axis=1) - sp[:, ~adv].mean(axis=1)
            p = (1 + int(np.sum(null >= stat - 1e-12))) / (permutations + 1)
            med = round(float(np.median(vals)), 6) + 0.0  # no 2.2e-14 or -0 in the words
            words = f"{label} {'above' if direction > 0 else 'below'} {med:.3g}"
            signed = {
                session_key(sessions[i]): direction * float(v)
                for i, v in zip(keep, vals, strict=True)
            }
        else:
            cfn = CATEGORICAL_CAUSES[cause]
            cpairs = [(i, cfn(s)) for i, s in enumerate(sessions)]
            keep = [i for i, v in cpairs if v is not None]
            if len(keep) < 4:
                continue
            cats = np.array([cpairs[i][1] for i in keep], dtype=object)
            fail, sev = fail_all[keep], sev_all[keep]
            levels = sorted({str(c) for c in cats})
            stat, li = _categorical_stat(cats, sev, levels)
            if li < 0:
                continue
            adv = cats == levels[li]
            sp = sev[np.argsort(rng.random((permutations, len(sev))), axis=1)]
            null = np.full(permutations, -np.inf)
            for lev in levels:  # the worst level re-picked in every permutation
                m = cats == lev
                if 2 <= m.sum() < len(cats):
                    null = np.maximum(null, sp[:, m].mean(axis=1) - sp[:, ~m].mean(axis=1))
            p = (1 + int(np.sum(null >= stat - 1e-12))) / (permutations + 1)
            words = f"{cause.replace('_', ' ')} {levels[li]}"
            signed = {}
        diff, interval = bootstrap_diff(fail, adv, rng)
        ids = [session_key(sessions[keep[j]]) for j in np.flatnonzero(adv)]
        results.append(
            CauseEffect(
                cause,
                float(diff),
                interval,
                float(p),
                words,
                int(adv.sum()),
                int((~adv).sum()),
                ids,
                [session_key(sessions[i]) for i in keep],
                values=signed,
            )
        )
    # causes whose adverse half does not fail more come last, whatever their p-value
    results.sort(key=lambda c: (c.effect <= 0, c.p_value, -c.effect))
    sev_by_key = {session_key(x): float(v) for x, v in zip(sessions, sev_all, strict=True)}
    return _untangle(results, sev_by_key)


#: Two causes whose adverse halves agree on at least this share of sessions are
#: confounded (e.g. a hard day before lowers both form and raises the 48 h load).
CONFOUNDING_AGREEMENT = 0.7


def _partial(a: CauseEffect, b: CauseEffect, sev: dict[int | str, float]) -> float | None:
    """Effect of ``a`` on severity holding ``b`` fixed (mean over the strata of ``b``)."""
    common = [k for k in a.used_ids if k in set(b.used_ids)]
    adv_a, adv_b = set(a.adverse_ids), set(b.adverse_ids)
    total, weight = 0.0, 0
    for stratum in (True, False):
        ks = [k for k in common if (k in adv_b) == stratum]
        hi = [sev[k] for k in ks if k in adv_a]
        lo = [sev[k] for k in ks if k not in adv_a]
        if hi and lo:
            total += len(ks) * (float(np.mean(hi)) - float(np.mean(lo)))
            weight += len(ks)
    return total / weight if weight else None


def _untangle(results: list[CauseEffect], sev: dict[int | str, float]) -> list[CauseEffect]:
    """When the two leading causes are confounded, lead with the one that still matters
    when the other is held fixed (a stratified comparison), and mark both."""
    if len(results) < 2 or results[0].effect <= 0 or results[1].effect <= 0:
        return results
    a, b = results[0], results[1]
    common = [k for k in a.used_ids if k in set(b.used_ids)]
    if len(common) < 6:
        return results
    adv_a, adv_b = set(a.adverse_ids), set(b.adverse_ids)
    agree = sum((k in adv_a) == (k in adv_b) for k in common) / len(common)
    if agree < CONFOUNDING_AGREEMENT:
        return results
    a.confounded_with, b.confounded_with = b.cause, a.cause
    pa, pb = _partial(a, b, sev), _partial(b, a, sev)
    if (pa is None or pb is None) and a.values and b.values:
        # the halves coincide: compare how closely severity follows each cause's value
        pa, pb = _rank_corr(a, common, sev), _rank_corr(b, common, sev)
    if pa is not None and pb is not None and pb > pa:
        results[0], results[1] = b, a
    return results


def _rank_corr(c: CauseEffect, keys: list[int | str], sev: dict[int | str, float]) -> float:
    """Spearman correlation of severity with the cause's (adverse-up) value."""
    from scipy.stats import spearmanr

    x = [c.values[k] for k in keys]
    y = [sev[k] for k in keys]
    if len(set(x)) < 2 or len(set(y)) < 2:
        return 0.0
    rho = float(spearmanr(x, y)[0])
    return rho if np.isfinite(rho) else 0.0


def _pick_metric(sessions: list[Session]) -> str:
    """The outcome an experiment on these sessions should judge."""
    if sum(s.fade_pct() is not None for s in sessions) >= len(sessions) / 2:
        return "last_rep_fade_pct"
    if sum(s.interval_execution() is not None for s in sessions) >= len(sessions) / 2:
        return "interval_execution"
    if sum(s.reps_planned is not None for s in sessions) >= len(sessions) / 2:
        return "reps_done_frac"
    return "rpe"


def suggest(
    workout_type: str, causes: list[CauseEffect], sessions: list[Session], today: date
) -> list[Suggestion]:
    """The essay's adjustments for the best-supported causes (up to two, effect > 0,
    permutation p <= 0.2 for the first and <= 0.1 for the second)."""
    out: list[Suggestion] = []
    seen: set[str] = set()
    metric = _pick_metric(sessions)
    for c in causes:
        # some support needed: p <= 0.2 for the leading cause, p <= 0.1 for a second one
        if c.effect <= 0 or len(out) >= 2 or c.p_value > (0.2 if not out else 0.1):
            continue
        advice, change = ADJUSTMENTS[c.cause]
        if change in seen:
            continue
        seen.add(change)
        spec = ExperimentSpec(
            id=f"{workout_type}-{c.cause.replace('_', '-')}-{today.isoformat()}",
            change=change,
            metric=metric,
            workout_type=workout_type,
            assignment="alternating",
            start=today,
            change_date=today,
            cause=c.cause,
        )
        out.append(Suggestion(c.cause, advice, spec))
    return out


def find_nemeses(
    sessions: list[Session],
    today: date,
    *,
    window: int = 6,
    min_attempts: int = 3,
    min_failure_rate: float = 0.5,
    lookback_days: int = 365,
    seed: int = 0,
    permutations: int = 999,
) -> list[Nemesis]:
    """Workout types failed in most of their last ``window`` attempts, worst first.

    Parameters
    ----------
    sessions : the runner's sessions (any order, any type).
    today : the day of the analysis (sessions after it are ignored).
    window : how many recent attempts decide whether a type is a nemesis.
    min_attempts, min_failure_rate : a nemesis has at least ``min_attempts`` recent
        attempts and fails in at least this share of them.
    lookback_days : the causes are ranked over every attempt in this many days.
    """
    rng = np.random.default_rng(seed)
    found: list[Nemesis] = []
    for wt in QUALITY_TYPES:
        attempts = sorted(
            (
                s
                for s in sessions
                if s.workout_type == wt
                and s.local_date <= today
                and (today - s.local_date).days <= lookback_days
            ),
            key=lambda s: (s.local_date, s.local_hour or 0.0),
        )
        recent = attempts[-window:]
        if len(recent) < min_attempts:
            continue
        failed = [s for s in recent if s.failed]
        if len(failed) / len(recent) < min_failure_rate:
            continue
        causes = rank_causes(attempts, rng, permutations=permutations)
        found.append(
            Nemesis(
                wt,
                len(recent),
                len(failed),
                [session_key(s) for s in recent],
                [session_key(s) for s in failed],
                causes,
                suggest(wt, causes, attempts, today),
            )
        )
    found.sort(key=lambda n: (-n.failures / n.attempts, -n.failures))
    return found
