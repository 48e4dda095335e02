"""The sessions an experiment compares are fixed by its stored plan (issue 12).

A final verdict must not change with the as-of date: the pre-period is the stored
window (its last sessions), the post-period the first ``planned_after`` sessions with
the metric after the change, and nothing after the day they were in is read.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from deliberun.practice.experiment_design import MAX_PRE, MIN_AFTER, plan_experiment
from deliberun.practice.experiments import ExperimentSpec, analyze_experiment
from deliberun.practice.session import Session

START = date(2025, 1, 6)  # a Monday
CHANGE = date(2025, 7, 7)


def _history(seed: int, *, until: date, effect: float = 0.0) -> list[Session]:
    """Intervals on Tuesdays and Fridays, easy runs in between, from START to ``until``;
    a break of 20 days starts 10 days after the change + 14 sessions; one session in
    five after the change has no fade (no reps detected)."""
    rng = np.random.default_rng(seed)
    out: list[Session] = []
    d, k, n_int = START, 0, 0
    gap_from = CHANGE + timedelta(days=60)
    while d <= until:
        if gap_from <= d < gap_from + timedelta(days=20):
            d += timedelta(days=1)
            continue
        if d.weekday() in (1, 4):
            fade = 7.0 - 0.01 * (d - START).days + rng.normal(0, 1.5)
            fade += effect * (d >= CHANGE)
            missing = d >= CHANGE and n_int % 5 == 0
            n_int += 1
            out.append(
                Session(
                    d,
                    activity_id=1000 + k,
                    workout_type="intervals",
                    local_hour=18.0,
                    last_rep_fade_pct=None if missing else float(fade),
                )  # fmt: skip
            )
            k += 1
        elif d.weekday() in (0, 3, 6):
            out.append(Session(d, activity_id=1000 + k, workout_type="easy", avg_hr_bpm=140.0))
            k += 1
        d += timedelta(days=1)
    return out


def _spec(**kw: object) -> ExperimentSpec:
    return ExperimentSpec(
        "ba", "longer warm-up", "last_rep_fade_pct", "intervals", "before_after",
        START, CHANGE, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


FIXED = ("verdict", "interval_90", "effect", "p_value", "assignment", "sessions_a",
         "sessions_b", "planned_sessions", "interim", "final_on", "warnings")  # fmt: skip


@pytest.mark.parametrize("planned_after", [8, 12])
def test_a_final_before_after_verdict_is_the_same_at_every_later_as_of_date(
    planned_after: int,
) -> None:
    full = _history(1, until=date(2026, 3, 1), effect=-2.0)
    spec = _spec(planned_sessions=MAX_PRE + planned_after, planned_after=planned_after)
    first = analyze_experiment(spec, [s for s in full if s.local_date <= date(2025, 9, 30)])
    assert not first.interim
    days = [date(2025, 9, 30), date(2025, 10, 31), date(2025, 12, 1), date(2026, 1, 15),
            date(2026, 3, 1)]  # fmt: skip
    docs = [
        analyze_experiment(spec, [s for s in full if s.local_date <= d]).to_dict() for d in days
    ]
    for d, doc in zip(days, docs, strict=True):
        assert {k: doc[k] for k in FIXED} == {k: docs[0][k] for k in FIXED}, d
    doc = docs[0]
    # the first planned_after sessions with the metric after the change, in time order
    fades = [s for s in full if s.workout_type == "intervals" and s.last_rep_fade_pct is not None]
    after = [s.activity_id for s in fades if s.local_date >= CHANGE][:planned_after]
    assert doc["sessions_b"] == after
    # the pre-period: the last MAX_PRE sessions before the change (it holds about 52)
    before = [s.activity_id for s in fades if s.local_date < CHANGE]
    assert len(before) > 40 and doc["sessions_a"] == before[-MAX_PRE:]
    assert doc["planned_after_change"] == planned_after
    assert doc["final_on"] == max(s.local_date for s in fades if s.activity_id in after).isoformat()
    assert any(f"the last {MAX_PRE} (from" in w for w in doc["warnings"])
    assert any("only" in w and "slowdown of the last rep" in w for w in doc["warnings"])


def test_a_break_after_the_final_day_changes_nothing() -> None:
    # the 20-day break starts 60 days after the change: at an as-of date before it the
    # experiment is final (8 sessions after the change), after it the break is visible
    full = _history(2, until=date(2025, 12, 31))
    spec = _spec(planned_sessions=MAX_PRE + 8, planned_after=8)
    before_gap = analyze_experiment(spec, [s for s in full if s.local_date <= date(2025, 9, 1)])
    after_gap = analyze_experiment(spec, full)
    assert not before_gap.interim
    assert before_gap.to_dict() == after_gap.to_dict()


def test_interim_until_the_planned_sessions_after_the_change_are_in() -> None:
    full = _history(3, until=date(2025, 12, 31))
    spec = _spec(planned_sessions=MAX_PRE + 12, planned_after=12)
    early = analyze_experiment(spec, [s for s in full if s.local_date <= date(2025, 7, 25)])
    assert early.interim and len(early.sessions_b) < 12
    assert any("stays interim until enough of them are in" in w for w in early.notes)


def test_an_experiment_whose_sessions_lack_the_metric_says_which_and_how_many() -> None:
    ss = [Session(START + timedelta(days=3 * i), activity_id=i, workout_type="intervals")
          for i in range(20)]  # fmt: skip
    spec = ExperimentSpec("r", "c", "rpe", "intervals", "alternating", START, planned_sessions=10)
    res = analyze_experiment(spec, ss)
    assert res.interim and res.verdict == "not_enough_data"
    (note,) = [n for n in res.notes if "none of the 20" in n]
    assert "perceived exertion (rpe" in note and "deliberun log ID --rpe N" in note


def test_a_long_pre_period_plans_the_sessions_after_the_change_not_four() -> None:
    # 60 sessions already before the change: the old plan asked for 64 in all (4 after)
    plan = plan_experiment("before_after", sd=0.5, sd_source="m", worthwhile=1.0, n_pre=60)
    assert plan.planned_after is not None and plan.planned_after >= MIN_AFTER
    assert plan.planned_sessions == MAX_PRE + plan.planned_after
    noisy = plan_experiment("before_after", sd=0.8, sd_source="m", worthwhile=1.0, n_pre=60)
    assert noisy.planned_after is not None and noisy.planned_after > plan.planned_after
    with pytest.raises(ValueError, match=r"plan at least 30 sessions \(24 in the pre-period"):
        plan_experiment("before_after", sd=0.5, sd_source="m", worthwhile=1.0, n_pre=60,
                        requested=20)  # fmt: skip
