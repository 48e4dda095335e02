"""Threshold estimates from activities: values, evidence, plausibility filters."""

from __future__ import annotations

from datetime import date

import pytest

from deliberun.models import thresholds as th


def _facts():
    return [
        th.ActivityFacts(1, date(2026, 1, 5), 10000, 3600, 140, 165),
        th.ActivityFacts(
            2,
            date(2026, 1, 12),
            10000,
            2400,
            172,
            186,
            is_race=True,
            best_efforts_s={5000.0: 1190.0, 10000.0: 2400.0},
        ),
        th.ActivityFacts(
            3,
            date(2026, 1, 19),
            8000,
            2100,
            160,
            181,
            mean_max_speed={600.0: 4.6, 1200.0: 4.3, 1800.0: 4.0},
            resting_hr_bpm=48,
        ),
        th.ActivityFacts(4, date(2026, 1, 26), 5000, 1800, 130, 260),  # implausible strap value
    ]


def test_hr_max_takes_the_highest_plausible_value():
    est = th.estimate_hr_max(_facts())
    assert est is not None
    assert est.value == 186 and est.evidence == [2] and est.day == date(2026, 1, 12)


def test_hr_max_ignores_a_single_spike():
    facts = _facts() + [th.ActivityFacts(5, date(2026, 2, 1), 5000, 1500, 150, 205)]
    est = th.estimate_hr_max(facts)
    assert est is not None and est.value == 186 and "spike" in est.method


def test_resting_hr_from_files():
    est = th.estimate_hr_rest(_facts())
    assert est is not None and est.value == 48 and est.evidence == [3]
    assert th.estimate_hr_rest(_facts()[:2]) is None


def test_threshold_pace_from_best_20_to_60_min_effort():
    est = th.estimate_threshold_pace(_facts())
    assert est is not None
    # candidates: race 10 k in 40:00 (2400 s) -> v60 = 4.1667 * (2400/3600)^(0.06/1.06);
    # 20-min mean-max 4.3 m/s -> 4.3 * (1/3)^(0.06/1.06); the race wins
    v_race = 10000 / 2400 * (2400 / 3600) ** (0.06 / 1.06)
    v_20 = 4.3 * (1200 / 3600) ** (0.06 / 1.06)
    assert v_race > v_20
    assert est.value == pytest.approx(1000 / v_race)
    assert est.evidence == [2]
    # a 20-min effort converts to about 94 % of its speed (the "95 % rule")
    assert th.sixty_minute_speed(4.0, 1200) / 4.0 == pytest.approx(0.94, abs=0.005)


def test_threshold_hr_from_a_hard_continuous_run():
    est = th.estimate_thresholds(_facts())
    assert set(est) == {"hr_max_bpm", "hr_rest_bpm", "threshold_pace_s_per_km", "threshold_hr_bpm"}
    assert est["threshold_hr_bpm"].value == 172
    assert est["threshold_hr_bpm"].evidence == [2]
    d = est["threshold_hr_bpm"].to_dict()
    assert d["date"] == "2026-01-12" and d["activity_ids"] == [2] and d["method"]


def test_nothing_to_estimate():
    assert th.estimate_thresholds([]) == {}
    easy = [th.ActivityFacts(1, date(2026, 1, 1), 3000, 1200, None, None)]
    assert th.estimate_thresholds(easy) == {}


def test_thresholds_read_steady_efforts_only() -> None:
    from datetime import date

    from deliberun.models.thresholds import ActivityFacts, estimate_thresholds

    day = date(2025, 3, 1)
    steady = ActivityFacts(1, day, 5000.0, 1250.0, avg_hr_bpm=180.0, is_race=True,
                           mean_max_speed={1200.0: 4.0})  # fmt: skip
    reps = ActivityFacts(2, day, 8000.0, 1500.0, avg_hr_bpm=186.0, structured=True,
                         mean_max_speed={1200.0: 4.6})  # fmt: skip
    est = estimate_thresholds([steady, reps])
    assert est["threshold_pace_s_per_km"].evidence == [1]
    assert est["threshold_hr_bpm"].evidence == [1]
    # a 21-min race is run above threshold: its average is corrected down (Friel)
    assert est["threshold_hr_bpm"].value < 180.0


def test_threshold_pace_as_of_is_the_fastest_run_of_the_window_before_each_day() -> None:
    """The window's runs found by bisection: the same estimate (the same run) as the
    rule read literally (every run dated in ``[day - window, day)``, the first of the
    fastest), on runs in random order with ties, same-day runs and empty windows."""
    import random
    from datetime import timedelta

    rng = random.Random(7)
    start = date(2024, 1, 1)
    facts = [
        th.ActivityFacts(
            i,
            start + timedelta(days=rng.randrange(0, 200)),
            rng.choice([6000.0, 8000.0, 10000.0]),
            rng.choice([1500.0, 1800.0, 2400.0, 3000.0]),
            best_efforts_s={5000.0: rng.choice([1100.0, 1200.0, 1300.0])},
        )
        for i in range(150)
    ]
    days = [start + timedelta(days=k) for k in range(-5, 230, 3)]
    got = th.threshold_pace_as_of(facts, days, 42)
    per_run = sorted(
        ((a.day, e) for a in facts if (e := th.estimate_threshold_pace([a])) is not None),
        key=lambda x: x[0],
    )
    seen_tie = False
    for d in days:
        inside = [e for day, e in per_run if d - timedelta(days=42) <= day < d]
        want = min(inside, key=lambda e: e.value) if inside else None
        assert got[d] == want, d  # the same run (its id is the evidence)
        values = [e.value for e in inside]
        seen_tie = seen_tie or (bool(values) and values.count(min(values)) > 1)
    assert seen_tie  # the first of equal estimates is kept, as before
    assert got[days[0]] is None and any(v is not None for v in got.values())
