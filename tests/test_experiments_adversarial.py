"""The adversarial experiment rows of bench/adversarial_experiments.py, on fewer runners.

The bench runs 200 runners a row (docs/benchmarks.md); here 60, so the bounds are a
little looser than the bench's (a 5% rate has a 95% upper bound near 12% on 60).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from deliberun.practice.experiment_design import before_after_window, plan_experiment
from deliberun.practice.session import Session
from deliberun.practice.stats import sequential_alpha
from deliberun.practice.synthetic_experiments import Runner, evaluate, simulate

N = 60


@pytest.mark.parametrize(
    ("runner", "weekly"),
    [
        (Runner("alternating", weekday_effect={4: 2.0}), True),
        (Runner("alternating", weekday_effect={4: 2.0}, skip_prob=0.0), False),
        (Runner("before_after", layoff_days=49), True),
        (Runner("randomised"), True),
        (Runner("before_after", autocorr=0.5), True),
    ],
)
def test_no_effect_rarely_claims_one_even_with_weekly_looks(runner: Runner, weekly: bool) -> None:
    res = evaluate(runner, N, weekly=weekly, permutations=299)
    assert res.claimed <= 4, res  # <= 6.7% of 60; the bench's 200 runners: <= 5%
    if res.given >= 20:
        assert 0.80 <= res.covered / res.given <= 1.0, res


def test_confounded_alternating_and_layoff_are_withheld() -> None:
    res = evaluate(Runner("alternating", weekday_effect={4: 2.0}, skip_prob=0.0), 20)
    assert res.verdicts == {"withheld": 20}
    res = evaluate(Runner("before_after", layoff_days=49), 20)
    assert res.verdicts == {"withheld": 20}


def test_randomised_finds_the_planned_mde_8_times_in_10() -> None:
    plan = plan_experiment("randomised", sd=1.5, sd_source="test", worthwhile=1.0)
    res = evaluate(
        Runner("randomised", effect=-plan.min_detectable_effect, planned=plan.planned_sessions),
        N,
        permutations=299,
    )
    assert res.right >= 0.75 * N, res  # bench (200 runners, SD from history): 91%


def test_weekly_looks_cannot_claim_early_on_noise() -> None:
    # the boundary at a quarter of the planned information is far stricter than the last
    assert sequential_alpha(0.25) < 0.0002 < 0.025 == pytest.approx(sequential_alpha(1.0))
    assert sequential_alpha(0.25) < sequential_alpha(0.5) < sequential_alpha(0.9)


def test_before_after_window_rules() -> None:
    d0 = date(2026, 1, 6)
    change = d0 + timedelta(weeks=10)
    ss = [
        Session(d0 + timedelta(days=3 * i), activity_id=i, workout_type="intervals")
        for i in range(40)
    ]
    pairs = [(s, int(s.local_date >= change)) for s in ss]
    win = before_after_window(pairs, change, ss)
    assert win.pre_ok and not win.withhold and win.warnings == []
    ill = Session(change - timedelta(days=5), activity_id=99, tags=["sick"])
    win = before_after_window(pairs, change, [*ss, ill])
    assert win.withhold and "illness" in win.warnings[0]
    race = Session(change + timedelta(days=3), activity_id=98, workout_type="race")
    win = before_after_window(pairs, change, [*ss, race])
    assert win.withhold and "race" in win.warnings[0]
    # a 20-day break early in the pre-period: the sessions before it are left out
    gap = [
        (s, a)
        for s, a in pairs
        if not d0 + timedelta(days=9) < s.local_date < d0 + timedelta(days=30)
    ]
    win = before_after_window(gap, change, [s for s, _ in gap])
    assert not win.withhold
    assert min(s.local_date for s, _ in win.used) >= d0 + timedelta(days=30)
    assert "far side of a break" in win.warnings[0]


def test_simulated_tue_fri_schedule_is_on_tuesdays_and_fridays() -> None:
    spec, ss = simulate(np.random.default_rng(1), Runner("randomised"))
    assert {s.weekday for s in ss} == {1, 4} and spec.arms and len(spec.arms) == 24
