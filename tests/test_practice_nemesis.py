"""Nemesis workouts: the planted cause ranks first; suggestions convert to experiments."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from deliberun.practice.nemesis import CAUSE_ALPHA, CAUSES, find_nemeses, rank_causes
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
    found = find_nemeses(
        ss, today, window=24, min_failure_rate=0.3, permutations=199, against_baseline=False
    )
    assert [n.workout_type for n in found] == ["intervals"]
    n = found[0]
    d = n.to_dict()
    assert {"workout_type", "attempts", "failures", "causes", "suggestion"} <= set(d)
    assert {"cause", "effect", "interval_90", "p_adjusted"} <= set(d["causes"][0])
    assert d["suggestion"]["cause"] == "rest_interval" and d["causes"][0]["p_adjusted"] < 0.05
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


def test_flagged_only_above_the_runners_own_base_rate() -> None:
    """Failing as often as ever is no nemesis; failing more than before is."""
    from deliberun.practice.synthetic import START

    def run(k: int, failed: bool) -> Session:
        return Session(START + timedelta(days=3 * k), activity_id=k, workout_type="intervals",
                       last_rep_fade_pct=8.0 if failed else 1.0)  # fmt: skip

    steady = [run(k, k % 2 == 0) for k in range(30)]  # half fail, always
    assert find_nemeses(steady, steady[-1].local_date, permutations=99) == []
    worse = [run(k, k >= 24) for k in range(30)]  # fine, then six failures in a row
    found = find_nemeses(worse, worse[-1].local_date, permutations=99)
    assert [n.workout_type for n in found] == ["intervals"]
    assert found[0].p_flag is not None and found[0].p_flag < 0.05
    assert found[0].baseline_attempts == 24 and found[0].baseline_failures == 0
    fresh = worse[-8:]  # no base rate yet: not flagged
    assert find_nemeses(fresh, fresh[-1].local_date, permutations=99) == []


def test_no_cause_means_no_suggestion_and_says_so() -> None:
    """Failures at random: no cause is named, nothing is suggested, and the causes that
    were never recorded are listed."""
    named = 0
    for seed in range(20):
        ss = nemesis_sessions(np.random.default_rng(seed), "none", n=30, strength=0.0)
        for s in ss:
            s.sleep_h = None
        found = find_nemeses(
            ss, ss[-1].local_date, window=30, min_failure_rate=0.0, permutations=199,
            against_baseline=False, seed=seed,
        )  # fmt: skip
        n = found[0]
        named += n.suggestion is not None
        if n.suggestion is None:
            assert n.to_dict()["suggestion"] is None
            assert n.explanation().startswith("no recorded factor stands out")
            assert "sleep" in n.explanation() and n.not_recorded == ["sleep"]
        assert all(0 < c.p_adjusted <= 1 and c.p_adjusted >= c.p_value for c in n.causes)
    assert named <= 2, f"a cause named in {named}/20 runners without one"


def test_seasons_alone_do_not_make_heat_a_cause() -> None:
    """Outcome and temperature both follow the seasons (a slow fitness cycle), heat has
    no effect within a few weeks: the within-period max-T test does not name heat."""
    from deliberun.practice.synthetic import START

    named = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        ss = []
        for k in range(90):
            d = START + timedelta(days=4 * k)
            season = np.sin(2 * np.pi * k * 4 / 365.25)
            ss.append(Session(d, activity_id=k, workout_type="intervals", local_hour=7.0,
                              temperature_c=15 + 10 * season + rng.normal(0, 2),
                              last_rep_fade_pct=4 + 3 * season + rng.normal(0, 1.5)))  # fmt: skip
        ranked = rank_causes(ss, np.random.default_rng(seed), permutations=199)
        named += bool(ranked) and ranked[0].cause == "heat" and ranked[0].p_adjusted < 0.05
    assert named <= 1, f"heat named in {named}/10 seasonal nulls"


def _seasonal_runner(seed: int) -> list[Session]:
    """Two years of intervals twice a week: the fade follows the seasons (a summer
    slump), temperature follows them too, and heat itself does nothing."""
    from deliberun.practice.synthetic import _context

    rng = np.random.default_rng(seed)
    out: list[Session] = []
    for w in range(104):
        for wd in (1, 3):
            day = date(2025, 1, 6) + timedelta(days=7 * w + wd)
            s = _context(rng, day, len(out))
            season = -math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365.25)
            s.temperature_c = 11 + 9 * season + float(rng.normal(0, 2.5))
            s.last_rep_fade_pct = 4 + 3 * season + float(rng.normal(0, 1.2))
            out.append(s)
    return out


def test_a_season_is_not_heat() -> None:
    # temperature and fade move together with the calendar (correlation ~0.7); the old
    # within-period median split named heat for 12 of 20 such runners, the detrended
    # comparison for none (a cause must stand out against the period's trend in time)
    named = []
    for seed in range(8):
        ss = _seasonal_runner(seed)
        temp = [s.temperature_c for s in ss]
        fade = [s.last_rep_fade_pct for s in ss]
        assert np.corrcoef(temp, fade)[0, 1] > 0.5
        top = rank_causes(ss, np.random.default_rng(seed), permutations=199)[0]
        named += [seed] if top.cause == "heat" and top.p_adjusted < CAUSE_ALPHA else []
    assert named == []


def test_heat_within_the_season_still_stands_out() -> None:
    # the same seasons, plus a real heat effect on the day's weather beyond the season
    hits = 0
    for seed in range(6):
        ss = _seasonal_runner(100 + seed)
        for s in ss:
            s.last_rep_fade_pct = (s.last_rep_fade_pct or 0.0) + 0.45 * (s.temperature_c or 0.0)
        top = rank_causes(ss, np.random.default_rng(seed), permutations=199)[0]
        hits += top.cause == "heat" and top.p_adjusted < CAUSE_ALPHA
    assert hits >= 5


def test_confounded_twin_the_joint_regression_finds_the_planted_one() -> None:
    # the 48 h load is planted; form follows it (a hard day before lowers form), so the
    # two halves agree and both stand out alone. Held one against the other in one
    # regression, the load leads (39 of 40 seeds; 29 of 40 by the halves comparison)
    hits = marked = 0
    for seed in range(10):
        rng = np.random.default_rng(500 + seed)
        ss = nemesis_sessions(np.random.default_rng(seed), "prior_48h_load", n=30, strength=2.0)
        for s in ss:
            s.form = -8.0 * ((s.prior_48h_load or 140.0) - 140.0) / 58 + float(rng.normal(0, 5))
        top = rank_causes(ss, np.random.default_rng(seed), permutations=199)[0]
        hits += top.cause == "prior_48h_load"
        marked += top.confounded_with == "form"
    assert hits >= 9 and marked >= 8


def test_a_step_past_a_threshold_is_told_from_a_line_in_a_correlated_cause() -> None:
    # the simulator's nemesis: +3.5 points of fade only after a hard 48 h (load above a
    # threshold, here 150 of 40-240), form loosely following the load. The load's steps
    # (its quartiles) are examined beside its line, inside the same max-T test
    hits = 0
    for seed in range(10):
        rng = np.random.default_rng(900 + seed)
        ss = nemesis_sessions(np.random.default_rng(seed), "none", n=36)
        for s in ss:
            load = s.prior_48h_load or 140.0
            s.form = -6.0 * (load - 140.0) / 58 + float(rng.normal(0, 8))
            s.last_rep_fade_pct = 3.0 + (3.5 if load > 150.0 else 0.0) + float(rng.normal(0, 2))
        ranked = rank_causes(ss, np.random.default_rng(seed), permutations=199)
        hits += ranked[0].cause == "prior_48h_load"
    assert hits >= 8
