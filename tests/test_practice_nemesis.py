"""Nemesis workouts: the planted cause ranks first; suggestions convert to experiments."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from deliberun.practice.nemesis import CAUSES, find_nemeses, rank_causes
from deliberun.practice.session import Session
from deliberun.practice.synthetic import nemesis_sessions

# Seeds 0..7 per cause, 24 attempts, planted strength 2.5 (fade % per SD of the cause).
# The bench runs 40+ seeds per cause; here each cause must rank first in >= 6 of 8.


@pytest.mark.parametrize("cause", CAUSES)
def test_planted_cause_ranks_first(cause: str) -> None:
    hits = 0
    for seed in range(8):
        ss = nemesis_sessions(np.random.default_rng(seed), cause, n=24, strength=2.5)
        ranked = rank_causes(ss, np.random.default_rng(100 + seed), permutations=199)
        hits += ranked[0].cause == cause
    assert hits >= 6, f"{cause}: first in {hits}/8"


def test_find_nemeses_contract_and_suggestion() -> None:
    ss = nemesis_sessions(np.random.default_rng(3), "rest_interval", n=24, strength=3.0)
    # an easy run that always goes well must not become a nemesis
    ss += [Session(s.local_date + timedelta(days=1), workout_type="easy") for s in ss]
    today = max(s.local_date for s in ss)
    found = find_nemeses(ss, today, window=24, min_failure_rate=0.3, permutations=199)
    assert [n.workout_type for n in found] == ["intervals"]
    n = found[0]
    d = n.to_dict()
    assert set(d) == {"workout_type", "attempts", "failures", "causes"}
    assert d["attempts"] == 24 and 0 < d["failures"] <= 24
    assert d["causes"][0]["cause"] == "rest_interval"
    top = d["causes"][0]
    assert top["interval_90"][0] <= top["effect"] <= top["interval_90"][1]
    assert top["effect"] > 0
    assert n.suggestions[0].cause == "rest_interval"
    spec = n.suggestions[0].experiment
    assert spec.change == "50% more rest between reps"
    spec.validate()
    assert spec.workout_type == "intervals" and spec.metric == "last_rep_fade_pct"


def test_no_nemesis_when_sessions_go_well() -> None:
    d0 = date(2026, 1, 5)
    ss = [
        Session(
            d0 + timedelta(days=3 * i),
            activity_id=i,
            workout_type="tempo",
            reps_planned=3,
            reps_done=3,
            rpe=6,
        )
        for i in range(8)
    ]
    assert find_nemeses(ss, d0 + timedelta(days=30)) == []


def test_failure_reasons() -> None:
    s = Session(
        date(2026, 1, 1),
        workout_type="intervals",
        reps_planned=6,
        reps_done=4,
        target_pace_s_per_km=240,
        rep_paces_s_per_km=[240, 240, 250, 262],
        rpe=9,
    )
    reasons = s.failure_reasons()
    assert any("reps cut (4/6)" in r for r in reasons)
    assert any(r.startswith("pace missed") for r in reasons)
    assert any(r.startswith("last reps faded") for r in reasons)
    assert "RPE 9" in reasons
    assert s.fade_pct() == pytest.approx(100 * (262 - 240) / 240)
    # an easy or recovery run slower than its target pace went to plan
    for wt in ("easy", "recovery", "long"):
        slow = Session(date(2026, 1, 2), workout_type=wt, target_pace_s_per_km=330,
                       avg_pace_s_per_km=360)  # fmt: skip
        assert slow.failure_reasons() == []
    tempo = Session(date(2026, 1, 2), workout_type="tempo", target_pace_s_per_km=260,
                    avg_pace_s_per_km=275)  # fmt: skip
    assert tempo.failure_reasons() == ["pace missed by 5.8%"]
    assert s.interval_execution() == pytest.approx(2 / 6)  # 240, 240 within 2%
