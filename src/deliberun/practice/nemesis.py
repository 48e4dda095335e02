"""Nemesis workouts: the workout types that keep getting the best of the runner.

A workout type is a nemesis when most of its recent attempts failed (reps cut, pace
missed, late reps fading, RPE 9-10, stopped early; see ``Session.failure_reasons``)
and more of them than the runner's own base rate for that type (a Fisher exact test
against the earlier attempts). For each nemesis the candidate causes (one vocabulary
with the simulator, see docs/dev/CONTRACTS.md) are tested all at once, within 8-week
periods, by a max-T permutation test (:mod:`deliberun.practice.nemesis_stats`). A cause
is named, and the essay's adjustment for it suggested (convertible to an experiment
spec), only when its adjusted p is below 0.05; otherwise no recorded factor stands out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from deliberun.practice.experiments import ExperimentSpec, session_key
from deliberun.practice.nemesis_stats import (
    PERIOD_DAYS,
    Hypothesis,
    max_t,
    within_period_split,
)
from deliberun.practice.session import QUALITY_TYPES, Session
from deliberun.units import plain

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


def usual_words(label: str, direction: int, median: float) -> str:
    """``temperature above its usual (18.5 °C)`` from ``temperature [degC]`` (units as said)."""
    name, _, unit = label.partition(" [")
    unit = unit.rstrip("]").replace("degC", "°C")
    value = f"{median:.3g}" + (f" {unit}" if unit and unit != "%" else unit)
    return f"{name} {'above' if direction > 0 else 'below'} its usual ({value})"


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
    """One candidate explanation: the difference in the outcome between the cause's
    adverse and favourable halves, read off a regression on the cause's departures from
    each period's trend in time (see :mod:`deliberun.practice.nemesis_stats`).

    ``effect`` and ``interval_90`` are in the unit of ``outcome`` (``failure``: share of
    sessions failed; ``last_rep_fade_pct``: % points of last-rep fade), the same
    quantity the p-values test. ``p_value`` is the raw one-sided permutation p;
    ``p_adjusted`` the max-T p over every cause and level examined at once.
    """

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
    p_adjusted: float = 1.0
    outcome: str = "failure"

    def to_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "effect": self.effect,
            "outcome": self.outcome,
            "interval_90": list(self.interval_90),
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
        }


@dataclass
class Suggestion:
    cause: str
    advice: str
    experiment: ExperimentSpec


#: A cause is named, and a change suggested, only below this max-T adjusted p.
CAUSE_ALPHA = 0.05
#: Flagging: the recent failure rate must exceed the type's own earlier rate (one-sided
#: Fisher exact test at this level, with at least this many earlier attempts). 0.01, not
#: 0.05: the weekly review looks every week, and a 0.05 test would flag a type failing at
#: random at some look in about 40% of years (bench/adversarial_advice.py).
FLAG_ALPHA = 0.01
MIN_BASELINE = 6
NO_CAUSE = "no recorded factor stands out"


@dataclass
class Nemesis:
    workout_type: str
    attempts: int
    failures: int
    attempt_ids: list[int | str]
    failed_ids: list[int | str]
    causes: list[CauseEffect]
    suggestions: list[Suggestion]
    baseline_attempts: int = 0
    baseline_failures: int = 0
    p_flag: float | None = None
    not_recorded: list[str] = field(default_factory=list)

    @property
    def suggestion(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None

    @property
    def standing_out(self) -> CauseEffect | None:
        """The leading cause when it stands out (adjusted p < 0.05, effect > 0)."""
        c = self.causes[0] if self.causes else None
        return c if c is not None and c.effect > 0 and c.p_adjusted < CAUSE_ALPHA else None

    def explanation(self) -> str:
        """The cause in words, or plainly that none stands out (and what was not recorded)."""
        top = self.standing_out
        if top is not None:
            unit = "points of fade" if top.outcome == "last_rep_fade_pct" else "failure rate"
            eff = (
                f"{top.effect:+.1f}" if top.outcome == "last_rep_fade_pct" else f"{top.effect:+.0%}"
            )
            return (
                f"{plain(top.cause)} stands out ({top.adverse}: {eff} {unit}, adjusted p="
                f"{top.p_adjusted:.3f})"
            )
        text = NO_CAUSE
        if self.not_recorded:
            text += (
                f"; not examinable, not recorded: {', '.join(plain(c) for c in self.not_recorded)}"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        """The ``deliberun nemesis --json`` contract (one list item)."""
        sg = self.suggestion
        return {
            "workout_type": self.workout_type,
            "attempts": self.attempts,
            "failures": self.failures,
            "baseline_attempts": self.baseline_attempts,
            "baseline_failures": self.baseline_failures,
            "p_flag": self.p_flag,
            "causes": [c.to_dict() for c in self.causes],
            "explanation": self.explanation(),
            "not_recorded": list(self.not_recorded),
            "suggestion": (
                {"cause": sg.cause, "advice": sg.advice, "experiment": sg.experiment.id}
                if sg
                else None
            ),
        }


def _severity(sessions: list[Session], fail: np.ndarray) -> tuple[np.ndarray, str]:
    """The outcome tested: last-rep fade [%] when most sessions have it, else failure.

    A continuous outcome ranks causes with more power than the 0/1 failure (measured in
    bench/advice_validity.py). Sessions without a fade get the worst observed fade when
    they failed, the median otherwise.
    """
    fades = [s.fade_pct() for s in sessions]
    known = [f for f in fades if f is not None and np.isfinite(f)]
    if len(known) < 0.75 * len(sessions) or len(known) < 4:
        return fail, "failure"
    worst, mid = float(max(known)), float(np.median(known))
    return np.array(
        [
            f if f is not None and np.isfinite(f) else (worst if fl else mid)
            for f, fl in zip(fades, fail, strict=True)
        ],
        dtype=float,
    ), "last_rep_fade_pct"


#: Quantiles of a numeric cause at which its step ("above the 80th percentile") is
#: examined beside its straight line: a cause that acts only past a threshold (a hard
#: 48 h) is a step, which a line in a correlated cause (form) can fit about as well.
#: Five steps, not three: a threshold between two of the quartiles was read as a weaker
#: step than form's line (``bench/nemesis_sim_cache.py``, docs/benchmarks.md); the
#: max-T test pays for the extra levels, and neighbouring steps are correlated, so the
#: cost is small.
THRESHOLD_QUANTILES = (0.2, 0.35, 0.5, 0.65, 0.8)


def _thresholds(
    cause: str,
    label: str,
    direction: int,
    signed: np.ndarray,
    used: np.ndarray,
    periods: np.ndarray,
    days: np.ndarray,
) -> list[Hypothesis]:
    """The cause's steps: adverse when its (adverse-up) value is above each of
    :data:`THRESHOLD_QUANTILES` of its recorded values; each one more level of the cause
    in the same max-T test (so picking the best step is paid for)."""
    out: list[Hypothesis] = []
    seen: set[bytes] = set()
    for q in THRESHOLD_QUANTILES:
        cut = float(np.quantile(signed[used], q))
        adv = used & (signed > cut + 1e-9)
        key = adv.tobytes()
        if key in seen:
            continue
        seen.add(key)
        name, _, unit = label.partition(" [")
        unit = unit.rstrip("]").replace("degC", "°C")
        value = f"{direction * cut:.3g}" + (f" {unit}" if unit and unit != "%" else unit)
        words = f"{name} {'above' if direction > 0 else 'below'} {value}"
        h = Hypothesis(cause, words, used, adv)
        if h.prepare(periods, days):
            out.append(h)
    return out


def _hypotheses(
    sessions: list[Session], periods: np.ndarray, days: np.ndarray
) -> tuple[list[Hypothesis], dict[str, dict[int | str, float]], list[str]]:
    """Every cause (and level) that can be examined, their signed values, and the causes
    that could not (never or too rarely recorded)."""
    n = len(sessions)
    hyps: list[Hypothesis] = []
    values: dict[str, dict[int | str, float]] = {}
    missing: list[str] = []
    for cause in CAUSES:
        if cause in NUMERIC_CAUSES:
            fn, direction, label = NUMERIC_CAUSES[cause]
            raw = [fn(s) for s in sessions]
            used = np.array([v is not None and np.isfinite(v) for v in raw], dtype=bool)
            if used.sum() < 4:
                missing.append(cause)
                continue
            vals = np.array([v if u else np.nan for v, u in zip(raw, used, strict=True)], float)
            signed = np.where(used, direction * np.nan_to_num(vals), 0.0)
            adv = within_period_split(signed, used, periods, days)
            med = round(float(np.median(vals[used])), 6) + 0.0  # no -0 in the words
            words = usual_words(label, direction, med)
            h = Hypothesis(cause, words, used, adv, value=signed)
            if h.prepare(periods, days):
                hyps.append(h)
                values[cause] = {
                    session_key(sessions[i]): direction * float(vals[i])
                    for i in np.flatnonzero(used)
                }
            hyps += _thresholds(cause, label, direction, signed, used, periods, days)
        else:
            cfn = CATEGORICAL_CAUSES[cause]
            cats = [cfn(s) for s in sessions]
            used = np.array([c is not None for c in cats], dtype=bool)
            if used.sum() < 4:
                missing.append(cause)
                continue
            arr = np.array([c if c is not None else "" for c in cats], dtype=object)
            for lev in sorted({str(c) for c in cats if c is not None}):
                m = used & (arr == lev)
                if m.sum() < 2 or m.sum() == used.sum():
                    continue
                h = Hypothesis(cause, f"{cause.replace('_', ' ')} {lev}", used, m)
                if h.prepare(periods, days):
                    hyps.append(h)
    del n
    return hyps, values, missing


def rank_causes(
    sessions: list[Session],
    rng: np.random.Generator,
    *,
    permutations: int = 999,
) -> list[CauseEffect]:
    """Candidate causes of failure, best-supported first.

    Every cause and level is compared within 8-week periods and tested at once by a
    within-period max-T permutation test (:mod:`deliberun.practice.nemesis_stats`); the
    effect, its bootstrap 90% interval and both p-values are of the same statistic on the
    session outcome (last-rep fade when most sessions have it, else failure). For weekday
    and time of day the level with the largest standardised statistic represents the
    cause. Causes whose adverse group does not do worse (effect <= 0) come last. Causes
    without data or variation are left out (see :func:`not_recorded`).
    """
    if len(sessions) < 4:
        return []
    ordered = sorted(sessions, key=lambda s: (s.local_date, s.local_hour or 0.0))
    first = ordered[0].local_date
    days = np.array([(s.local_date - first).days + (s.local_hour or 0.0) / 24 for s in sessions])
    periods = (days // PERIOD_DAYS).astype(int)
    fail = np.array([1.0 if s.failed else 0.0 for s in sessions], dtype=float)
    y, outcome = _severity(sessions, fail)
    hyps, values, _ = _hypotheses(sessions, periods, days)
    if not hyps:
        return []
    res = max_t(y, hyps, periods, rng, permutations)
    best: dict[str, int] = {}
    for i, h in enumerate(hyps):  # one row per cause: its strongest level
        j = best.get(h.cause)
        if j is None or res.z[i] > res.z[j]:
            best[h.cause] = i
    results: list[CauseEffect] = []
    for cause, i in best.items():
        h = hyps[i]
        results.append(
            CauseEffect(
                cause,
                float(res.stat[i]),
                h.bootstrap(y, rng),
                float(res.p_raw[i]),
                h.words,
                h.n_adverse,
                h.n_favourable,
                [session_key(sessions[k]) for k in np.flatnonzero(h.adverse)],
                [session_key(sessions[k]) for k in np.flatnonzero(h.used)],
                values=values.get(cause, {}),
                p_adjusted=float(res.p_adjusted[i]),
                outcome=outcome,
            )
        )
    z_of = {c: float(res.z[i]) for c, i in best.items()}
    results.sort(key=lambda c: (c.effect <= 0, c.p_adjusted, -z_of[c.cause]))
    sev_by_key = {session_key(x): float(v) for x, v in zip(sessions, y, strict=True)}
    contrasts = {c: hyps[i].contrast for c, i in best.items()}
    return _untangle(results, sev_by_key, lambda a, b: _joint(y, contrasts[a], contrasts[b]))


def not_recorded(sessions: list[Session]) -> list[str]:
    """The causes that cannot be examined: recorded for fewer than 4 of the sessions."""
    periods = np.zeros(len(sessions), dtype=int)
    return _hypotheses(sessions, periods, np.arange(len(sessions), dtype=float))[2]


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


def _joint(y: np.ndarray, ca: np.ndarray, cb: np.ndarray) -> tuple[float, float] | None:
    """Both causes in one stratified regression (their detrended values side by side,
    see :mod:`deliberun.practice.nemesis_stats`): each cause's coefficient over its
    standard error up to the common residual SD, adverse positive. None when the two
    cannot be separated (collinear)."""
    x = np.column_stack([ca, cb])
    xtx = x.T @ x
    if abs(float(np.linalg.det(xtx))) <= 1e-12 * float(np.trace(xtx)) ** 2:
        return None
    inv = np.linalg.inv(xtx)
    beta = inv @ (x.T @ y)
    return float(beta[0] / np.sqrt(inv[0, 0])), float(beta[1] / np.sqrt(inv[1, 1]))


def _untangle(
    results: list[CauseEffect],
    sev: dict[int | str, float],
    joint: Callable[[str, str], tuple[float, float] | None] | None = None,
) -> list[CauseEffect]:
    """When the two leading causes are confounded, lead with the one that still matters
    when the other is held fixed, and mark both: ``joint`` puts both in one regression
    (each cause's standardised coefficient given the other); without it, a comparison
    within the halves of the other cause."""
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
    both = joint(a.cause, b.cause) if joint else None
    pa, pb = both if both else (_partial(a, b, sev), _partial(b, a, sev))
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
    """The essay's adjustment for the leading cause, only when it stands out: effect > 0
    and max-T adjusted p < :data:`CAUSE_ALPHA` (else nothing: no change is suggested
    for a cause the data cannot single out)."""
    if not causes:
        return []
    c = causes[0]
    if c.effect <= 0 or c.p_adjusted >= CAUSE_ALPHA:
        return []
    advice, change = ADJUSTMENTS[c.cause]
    spec = ExperimentSpec(
        id=f"{workout_type}-{c.cause.replace('_', '-')}-{today.isoformat()}",
        change=change,
        metric=_pick_metric(sessions),
        workout_type=workout_type,
        assignment="alternating",
        start=today,
        change_date=today,
        cause=c.cause,
    )
    return [Suggestion(c.cause, advice, spec)]


def flag_test(recent: list[Session], earlier: list[Session]) -> float | None:
    """One-sided Fisher exact p that the recent failure rate exceeds the earlier one
    (None with fewer than :data:`MIN_BASELINE` earlier attempts: no base rate yet)."""
    from scipy.stats import fisher_exact

    if len(earlier) < MIN_BASELINE:
        return None
    fr, fe = sum(s.failed for s in recent), sum(s.failed for s in earlier)
    table = [[fr, len(recent) - fr], [fe, len(earlier) - fe]]
    return float(fisher_exact(table, alternative="greater").pvalue)


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
    against_baseline: bool = True,
) -> list[Nemesis]:
    """Workout types failing more than usual lately, worst first.

    A type is a nemesis when at least ``min_failure_rate`` of its last ``window``
    attempts failed *and* that rate is above the runner's own base rate for the type:
    a one-sided Fisher exact test of the recent attempts against the earlier ones in
    the lookback (p < :data:`FLAG_ALPHA`, at least :data:`MIN_BASELINE` earlier
    attempts). A type that fails at its usual rate, however often, is not flagged
    (``against_baseline=False`` skips the test: the benches rank causes that way).

    Parameters
    ----------
    sessions : the runner's sessions (any order, any type).
    today : the day of the analysis (sessions after it are ignored).
    window : how many recent attempts decide whether a type is a nemesis.
    min_attempts, min_failure_rate : a nemesis has at least ``min_attempts`` recent
        attempts and fails in at least this share of them.
    lookback_days : the base rate and the causes use every attempt in this many days.
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
        recent, earlier = attempts[-window:], attempts[:-window]
        if len(recent) < min_attempts:
            continue
        failed = [s for s in recent if s.failed]
        if len(failed) / len(recent) < min_failure_rate:
            continue
        p_flag = flag_test(recent, earlier)
        if against_baseline and (p_flag is None or p_flag >= FLAG_ALPHA):
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
                len(earlier),
                sum(s.failed for s in earlier),
                p_flag,
                not_recorded(attempts),
            )
        )
    found.sort(key=lambda n: (-n.failures / n.attempts, -n.failures))
    return found
