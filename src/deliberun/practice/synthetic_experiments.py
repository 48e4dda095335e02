"""Adversarial session-level runners for experiments (bench/adversarial_experiments.py).

Each runner does interval sessions on fixed weekdays; the outcome is the last-rep fade
[%] = baseline + fitness trend + weekday effect + detraining after a layoff + the
planted ``effect`` in arm B + noise (AR(1) with ``autocorr``). The situations are the
ones ordinary runners meet and the planted-effect scenarios do not contain: an
alternating order on a Tuesday/Friday schedule whose Fridays differ, a layoff right
before a before/after change, serial correlation, a saturating trend. Pure: the caller
seeds the generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from deliberun.practice.experiment_design import draw_assignment
from deliberun.practice.experiments import ExperimentSpec
from deliberun.practice.session import Session

START = date(2026, 1, 6)  # a Tuesday


@dataclass
class Runner:
    """A simulated runner's situation (see the module docstring)."""

    design: str = "randomised"
    effect: float = 0.0  # planted, in fade % points (negative = better)
    weekdays: tuple[int, ...] = (1, 4)  # Tuesday, Friday
    weekday_effect: dict[int, float] = field(default_factory=dict)
    pre_weeks: int = 12  # before/after: weeks before the change
    planned: int = 24  # sessions in the experiment (before/after: after the change)
    layoff_days: int = 0  # before/after: a break just before the change
    autocorr: float = 0.0
    trend: str = "linear"  # linear | saturating
    noise_sd: float = 1.5
    skip_prob: float = 0.1  # a session missed now and then
    extra: int = 0  # sessions after the planned ones (a season goes on after the verdict)


def _trend(kind: str, day: float) -> float:
    if kind == "saturating":  # fast early gains that level off
        return -3.0 * (1.0 - np.exp(-day / 30.0))
    return -0.02 * day


def simulate(rng: np.random.Generator, r: Runner) -> tuple[ExperimentSpec, list[Session]]:
    """The experiment spec as the runner would create it and every session up to the
    planned end. Sessions carry ``local_date``, ``activity_id``, weekday, hour, fade."""
    days: list[date] = []
    d = START
    while len(days) < 400:
        if d.weekday() in r.weekdays and rng.random() >= r.skip_prob:
            days.append(d)
        d += timedelta(days=1)
    ba = r.design == "before_after"
    if ba:
        change = START + timedelta(weeks=r.pre_weeks)
        pre = [x for x in days if x < change - timedelta(days=r.layoff_days)]
        post = [x for x in days if x >= change][: r.planned + r.extra]
        chosen = pre + post
        spec = ExperimentSpec(
            "adv", "the change", "last_rep_fade_pct", "intervals", "before_after",
            START, change, planned_sessions=len(pre) + r.planned, planned_after=r.planned,
        )  # fmt: skip
        arms = [int(x >= change) for x in chosen]
    else:
        chosen = days[: r.planned + r.extra]
        spec = ExperimentSpec(
            "adv", "the change", "last_rep_fade_pct", "intervals", r.design, START,
            planned_sessions=r.planned,
        )  # fmt: skip
        if r.design == "randomised":
            spec.arms = draw_assignment(rng, r.planned)
            arms = list(spec.arms) + [0] * r.extra  # past the plan: not counted
        else:
            arms = [i % 2 for i in range(len(chosen))]
    eps = rng.normal(0, r.noise_sd, len(chosen))
    if r.autocorr:
        for i in range(1, len(eps)):
            eps[i] = r.autocorr * eps[i - 1] + np.sqrt(1 - r.autocorr**2) * eps[i]
    back = spec.change_date if ba and r.layoff_days else None
    out = []
    for i, (x, a) in enumerate(zip(chosen, arms, strict=True)):
        t = float((x - START).days)
        fade = 7.0 + _trend(r.trend, t) + r.weekday_effect.get(x.weekday(), 0.0)
        if back is not None and x >= back:  # fitness lost in the layoff, regained
            fade += 3.0 * float(np.exp(-(x - back).days / 21.0))
        fade += r.effect * a + float(eps[i])
        out.append(
            Session(
                x,
                activity_id=5000 + i,
                workout_type="intervals",
                local_hour=18.0,
                last_rep_fade_pct=fade,
            )  # fmt: skip
        )
    return spec, out


CLAIMS = ("helps", "hurts")
GIVEN = ("helps", "hurts", "no_meaningful_difference", "no_clear_difference")


@dataclass
class RowResult:
    """One bench row over many runners: counts of each final verdict, of runners with a
    claim at any look, of "right" verdicts, and interval coverage where a verdict is given."""

    runners: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    claimed: int = 0  # helps/hurts at any look (the final one when not weekly)
    right: int = 0
    given: int = 0
    covered: int = 0
    changed_after_final: int = 0  # a later look's verdict or interval differs from the final one


def _looks(spec: ExperimentSpec, ss: list[Session]) -> list[date]:
    first = spec.change_date if spec.change_date else ss[0].local_date
    end = ss[-1].local_date
    out = []
    d = first + timedelta(days=7)
    while d < end:
        out.append(d)
        d += timedelta(days=7)
    return [*out, end]


def evaluate(
    r: Runner, runners: int, *, weekly: bool = False, first_seed: int = 0, permutations: int = 999
) -> RowResult:
    """Simulate ``runners`` runners in situation ``r`` and judge each experiment: at the end
    only, or (``weekly``) at every week from its start, as a weekly review would."""
    from deliberun.practice.experiments import analyze_experiment

    res = RowResult()
    truth = r.effect
    want = "helps" if truth < 0 else ("hurts" if truth > 0 else None)
    for k in range(runners):
        seed = first_seed + k
        spec, ss = simulate(np.random.default_rng(seed), r)
        dates = _looks(spec, ss) if weekly else [ss[-1].local_date]
        final = None
        claimed = changed = False
        first_final: tuple[str, object] | None = None
        for d in dates:
            final = analyze_experiment(
                spec, [s for s in ss if s.local_date <= d], seed=seed, permutations=permutations
            )
            claimed = claimed or final.verdict in CLAIMS
            if not final.interim:
                now = (final.verdict, final.interval_90)
                first_final = first_final or now
                changed = changed or now != first_final
        assert final is not None
        res.changed_after_final += changed
        res.runners += 1
        res.verdicts[final.verdict] = res.verdicts.get(final.verdict, 0) + 1
        res.claimed += claimed
        res.right += want is not None and final.verdict == want
        if final.verdict in GIVEN and final.interval_90 is not None:
            res.given += 1
            lo, hi = final.interval_90
            res.covered += lo <= truth <= hi
    return res


def placebo_sweep(
    sessions: list[Session],
    metric: str,
    workout_type: str | None,
    *,
    weeks_after: int = 8,
    pre_weeks: int = 12,
    permutations: int = 999,
) -> tuple[int, int]:
    """Placebo before/after experiments on a real history: one per Monday (from four
    weeks in to two weeks before the end), the change date that Monday and nothing
    changed; each judged at every week for ``weeks_after`` weeks, as weekly reviews
    would. Returns (experiments, experiments with helps/hurts at any look)."""
    from deliberun.practice.experiments import analyze_experiment

    ss = sorted(sessions, key=lambda s: s.local_date)
    first, last = ss[0].local_date, ss[-1].local_date

    def mine(s: Session) -> bool:
        return workout_type is None or s.workout_type == workout_type

    d = first + timedelta(days=(7 - first.weekday()) % 7 + 28)
    n = claims = 0
    while d <= last - timedelta(days=14):
        spec = ExperimentSpec(
            "placebo", "nothing", metric, workout_type, "before_after",
            d - timedelta(weeks=pre_weeks), d,
        )  # fmt: skip
        pre = sum(1 for s in ss if d - timedelta(weeks=pre_weeks) <= s.local_date < d and mine(s))
        post = sum(
            1 for s in ss if d <= s.local_date <= d + timedelta(weeks=weeks_after) and mine(s)
        )
        spec.planned_sessions = pre + max(post, 4)
        claimed = False
        for k in range(1, weeks_after + 1):
            today = min(d + timedelta(weeks=k), last)
            res = analyze_experiment(
                spec, [s for s in ss if s.local_date <= today], seed=k, permutations=permutations
            )
            claimed = claimed or res.verdict in CLAIMS
        n += 1
        claims += claimed
        d += timedelta(days=7)
    return n, claims
