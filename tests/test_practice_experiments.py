"""n-of-1 experiment verdicts on sessions with planted effects (small advice_validity)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest

from deliberun.practice.experiments import (
    VERDICTS,
    ExperimentSpec,
    analyze_experiment,
    assign_arms,
)
from deliberun.practice.session import Session
from deliberun.practice.synthetic import experiment_sessions


def _verdicts(effect: float, assignment: str, seeds: range, **kw: float) -> Counter[str]:
    c: Counter[str] = Counter()
    for seed in seeds:
        spec, ss = experiment_sessions(
            np.random.default_rng(seed), effect=effect, assignment=assignment, **kw
        )
        c[analyze_experiment(spec, ss, seed=seed, permutations=299).verdict] += 1
    return c


def test_planted_improvement_is_found_randomised() -> None:
    c = _verdicts(-3.0, "randomised", range(40))
    assert c["helps"] >= 36, c  # >= 90%
    assert c["hurts"] == 0


def test_planted_harm_is_found_before_after() -> None:
    # before/after pays for the trend it must separate from the change and for serial
    # correlation (an upper bound on it): 80% here, the randomised design does better
    c = _verdicts(+4.0, "before_after", range(30), n_per_arm=18)
    assert c["hurts"] >= 24, c
    assert c["helps"] == 0


def test_null_experiments_rarely_claim_an_effect() -> None:
    c = _verdicts(0.0, "alternating", range(60)) + _verdicts(0.0, "before_after", range(60))
    assert c["helps"] + c["hurts"] <= 6, c  # <= 5% of 120 (bench runs 400+)


def test_result_contract_and_sessions_listed() -> None:
    spec, ss = experiment_sessions(np.random.default_rng(0), effect=-3.0)
    res = analyze_experiment(spec, ss, permutations=199)
    d = res.to_dict()
    assert list(d) == [
        "id",
        "change",
        "metric",
        "sessions_a",
        "sessions_b",
        "effect",
        "interval_90",
        "p_value",
        "verdict",
        "more_sessions_needed",
        "design",
        "assignment",
        "planned_sessions",
        "planned_after_change",
        "min_detectable_effect",
        "interim",
        "final_on",
        "alpha_this_look",
        "warnings",
        "placebo",
    ]
    assert d["design"] == "alternating" and d["interim"] is False
    assert [r["activity_id"] for r in d["assignment"]] == [s.activity_id for s in ss]
    assert d["verdict"] in VERDICTS
    assert sorted(d["sessions_a"] + d["sessions_b"]) == sorted(s.activity_id for s in ss)
    lo, hi = d["interval_90"]
    assert lo <= d["effect"] <= hi
    assert "helps" in res.sentence() or "not enough" in res.sentence()


def test_never_helps_while_interval_includes_zero() -> None:
    for seed in range(40):
        spec, ss = experiment_sessions(np.random.default_rng(seed), effect=-1.0, n_per_arm=6)
        res = analyze_experiment(spec, ss, seed=seed, permutations=199)
        if res.verdict in ("helps", "hurts"):
            lo, hi = res.interval_90  # type: ignore[misc]
            assert lo > 0 or hi < 0


def test_too_few_sessions_is_not_enough_data() -> None:
    spec, ss = experiment_sessions(np.random.default_rng(0), effect=-3.0, n_per_arm=2)
    res = analyze_experiment(spec, ss)
    assert res.verdict == "not_enough_data"
    assert res.more_sessions_needed == 2  # one more per arm to reach 3
    assert res.effect is None


def test_direction_follows_metric_registry() -> None:
    # higher interval_execution is better: a rise is "helps"
    start = date(2026, 1, 1)
    rng = np.random.default_rng(0)
    ss = []
    for i in range(24):
        share = 0.5 + 0.35 * (i % 2) + rng.normal(0, 0.05)
        paces = [240.0] * round(6 * share) + [260.0] * (6 - round(6 * share))
        ss.append(
            Session(
                start + timedelta(days=3 * i),
                activity_id=i,
                workout_type="intervals",
                target_pace_s_per_km=240.0,
                rep_paces_s_per_km=paces,
                reps_planned=6,
            )
        )
    spec = ExperimentSpec("x", "more rest", "interval_execution", "intervals", "alternating", start)
    assert analyze_experiment(spec, ss, permutations=199).verdict == "helps"


def test_assignment_tags_override_and_filters() -> None:
    d0 = date(2026, 2, 1)
    ss = [
        Session(d0 + timedelta(days=i), activity_id=i, workout_type="intervals") for i in range(4)
    ]
    ss.append(Session(d0, activity_id=99, workout_type="easy"))
    ss[0].tags = ["e1:b"]
    spec = ExperimentSpec("e1", "c", "rpe", "intervals", "alternating", d0)
    arms = {s.activity_id: a for s, a in assign_arms(spec, ss)}
    assert 99 not in arms
    assert arms == {0: 1, 1: 0, 2: 1, 3: 0}


@pytest.mark.parametrize(
    ("kw", "msg"),
    [
        ({"metric": "speediness"}, "unknown outcome metric"),
        ({"assignment": "random"}, "unknown assignment"),
        ({"change_date": None}, "needs change_date"),
    ],
)
def test_spec_validation_messages(kw: dict[str, object], msg: str) -> None:
    base: dict[str, object] = {
        "id": "x",
        "change": "c",
        "metric": "rpe",
        "assignment": "before_after",
        "change_date": date(2026, 1, 1),
    }
    base.update(kw)
    with pytest.raises(ValueError, match=msg):
        ExperimentSpec(**base).validate()  # type: ignore[arg-type]


def test_arms_on_separate_weekdays_get_a_design_note() -> None:
    """A, B, A, B on a Tuesday/Friday schedule puts every A on Tuesday: say so."""
    start = date(2026, 1, 6)  # a Tuesday
    spec = ExperimentSpec("rest", "more rest", "last_rep_fade_pct", "intervals", "alternating")
    ss = [
        Session(
            start + timedelta(days=7 * (i // 2) + 3 * (i % 2)),
            activity_id=i,
            workout_type="intervals",
            last_rep_fade_pct=4.0 + (i % 3),
        )
        for i in range(12)
    ]
    res = analyze_experiment(spec, ss, permutations=99)
    assert len(res.notes) == 1 and "Tuesdays" in res.notes[0] and "Fridays" in res.notes[0]
    # tagged with the order flipped every other pair, the arms share the weekdays: no note
    for i, s in enumerate(ss):
        s.tags = [f"rest:{'ab'[(i // 2) % 2 ^ i % 2]}"]
    res = analyze_experiment(spec, ss, permutations=99)
    assert res.notes == []


def test_journal_file_randomised_experiment_with_arms_and_plan() -> None:
    from deliberun.practice.journal_file import parse_journal_file

    jf = parse_journal_file(
        "version: 1\nexperiments:\n  - {id: r, change: c, metric: rpe, assignment: randomised,"
        " start: 2026-01-01, planned_sessions: 4, arms: [B, A, a, b]}\n"
    )
    (x,) = jf.experiments
    assert x.assignment == "randomised" and x.arms == [1, 0, 0, 1] and x.planned_sessions == 4
    with pytest.raises(ValueError, match=r"experiments\[0\]: arms are 0"):
        parse_journal_file(
            "version: 1\nexperiments:\n  - {id: r, change: c, metric: rpe, "
            "assignment: randomised, arms: [X]}\n"
        )
    # randomised without drawn arms: only the tagged sessions count
    d0 = date(2026, 2, 2)
    ss = [Session(d0 + timedelta(days=i), activity_id=i, rpe=5.0) for i in range(4)]
    ss[1].tags = ["r:b"]
    spec = ExperimentSpec("r", "c", "rpe", None, "randomised", d0)
    assert [(s.activity_id, a) for s, a in assign_arms(spec, ss)] == [(1, 1)]


def test_the_verdict_at_the_planned_count_is_final_and_later_looks_test_nothing() -> None:
    from deliberun.practice.experiment_looks import experiment_looks
    from deliberun.practice.experiments import DEFAULT_PLANNED, analyze_experiment

    spec, ss = experiment_sessions(np.random.default_rng(3), effect=0.0, n_per_arm=15)
    spec.planned_sessions = None  # a journal-file experiment: no stored plan
    res = analyze_experiment(spec, ss, permutations=99)
    assert len(res.sessions_a) + len(res.sessions_b) == DEFAULT_PLANNED
    assert not res.interim
    day = ss[DEFAULT_PLANNED - 1].local_date  # the 24th session (every one has the metric)
    assert res.final_day == day
    assert any(f"were in on {day}: the verdict then is final" in n for n in res.notes)
    today = max(s.local_date for s in ss)
    looks = experiment_looks(spec, ss, today, permutations=49)
    assert [lk["interim"] for lk in looks].count(False) == 1 and not looks[-1]["interim"]
    assert looks[-1]["date"] < today.isoformat()  # the last look is at the 24th session


def test_a_before_after_pre_period_is_said_and_a_long_one_warned() -> None:
    from deliberun.practice.experiment_design import pre_period_words

    short = pre_period_words(date(2025, 10, 13), date(2026, 1, 5), 24)
    assert len(short) == 1 and "2025-10-13 to 2026-01-04" in short[0]
    long = pre_period_words(date(2025, 6, 2), date(2026, 1, 5), 60)
    assert len(long) == 2 and "31 weeks before the change" in long[1]
