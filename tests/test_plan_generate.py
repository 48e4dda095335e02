"""The plan generator keeps its rules on many random inputs (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberun.plan.generate import (
    RULES,
    check_constraints,
    generate_plan,
    parse_weekday,
)
from deliberun.plan.load import plan_projection, planned_load, project_fitness
from deliberun.plan.text import parse_workout
from deliberun.plan.workout import estimate, is_hard

RACES = [5000.0, 10000.0, 15000.0, 21097.5, 30000.0, 42195.0]


def _weekly_training_km(plan, vdot):
    weeks: dict[date, float] = {}
    for d in plan.days:
        monday = d.date - timedelta(days=d.date.weekday())
        weeks.setdefault(monday, 0.0)
        if d.workout_type != "race":
            weeks[monday] += estimate(d.workout(), vdot)[0] / 1000
    return weeks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    race=st.sampled_from(RACES),
    weeks_ahead=st.integers(1, 40),
    race_weekday=st.integers(0, 6),
    days=st.integers(3, 7),
    long_day=st.integers(0, 6),
    volume=st.floats(5, 150),
    headroom=st.floats(1.0, 2.5),
    vdot=st.floats(25, 80),
    start_offset=st.integers(0, 6),
    targets=st.lists(
        st.sampled_from(["threshold_pace", "interval_execution", "marathon_pace", "hills"]),
        max_size=2,
        unique=True,
    ),
)
def test_generator_rules_hold(
    race, weeks_ahead, race_weekday, days, long_day, volume, headroom, vdot, start_offset, targets
) -> None:
    start = date(2026, 11, 30) + timedelta(days=start_offset)  # a Monday + offset
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    race_date = first + timedelta(days=7 * weeks_ahead + race_weekday)
    vmax = volume * headroom
    plan = generate_plan(
        race,
        race_date,
        start=start,
        days_per_week=days,
        long_run_day=long_day,
        volume_km=volume,
        max_volume_km=vmax,
        vdot=vdot,
        targets=targets,
    )
    assert check_constraints(plan) == []
    # independent checks, recomputed from the days themselves
    assert plan.days[-1].date == race_date and plan.days[-1].workout_type == "race"
    assert sum(d.workout_type == "race" for d in plan.days) == 1
    assert min(d.date for d in plan.days) >= first
    per_week = _weekly_training_km(plan, vdot)
    hist = [volume] * 3
    mondays = sorted(per_week)
    for m in mondays:
        v = per_week[m]
        assert v <= vmax + 1e-6
        assert v <= (1 + RULES["ramp"]) * max(hist[-3:]) + 1e-6
        assert v / ((sum(hist[-3:]) + v) / 4) <= RULES["acwr_max"] + 1e-6
        hist.append(v)
    pre_taper = [w.planned_km for w in plan.weeks if w.phase != "taper"]
    taper = [w.planned_km for w in plan.weeks if w.phase == "taper"]
    assert taper, "every plan ends with a taper"
    if pre_taper:
        assert max(taper) <= max(pre_taper) + 1e-6
    assert taper[-1] < (max(pre_taper) if pre_taper else volume)
    hard = sorted(d.date for d in plan.days if is_hard(d.workout_type))
    assert all((b - a).days >= 2 for a, b in zip(hard, hard[1:], strict=False))
    assert all(
        d.date.weekday() == long_day for d in plan.days if d.workout_type in ("long", "mp_long")
    )
    for w in plan.weeks:
        n = sum(1 for d in plan.days if w.start <= d.date < w.start + timedelta(days=7))
        assert n <= days
    assert len({d.date for d in plan.days}) == len(plan.days)


def test_marathon_plan_shape() -> None:
    plan = generate_plan(
        42195,
        date(2027, 4, 25),
        start=date(2026, 12, 1),
        days_per_week=5,
        volume_km=40,
        max_volume_km=70,
        goal_time_s=3.5 * 3600,
    )
    phases = [w.phase for w in plan.weeks]
    assert phases[0] == "base" and phases[-3:] == ["taper"] * 3
    assert phases.index("build") < phases.index("peak") < phases.index("taper")
    assert [w.recovery for w in plan.weeks[:8]] == [False, False, False, True] * 2
    # 3:1 rhythm: a recovery week is 80 % (or less) of the week before
    for a, b in zip(plan.weeks, plan.weeks[1:], strict=False):
        if b.recovery:
            assert b.planned_km <= 0.8 * a.planned_km + 1e-6
    assert max(w.planned_km for w in plan.weeks) <= 70
    assert max(w.planned_km for w in plan.weeks) > 60  # it does build up to near the maximum
    assert any(d.workout_type == "mp_long" for d in plan.days)
    # taper: volume steps down (TAPER_FRACTIONS 0.8, 0.65, 0.45; Bosquet 2007: cut 41-60 %)
    peak = max(w.planned_km for w in plan.weeks if w.phase != "taper")
    taper = [w.planned_km / peak for w in plan.weeks[-3:]]
    assert taper == sorted(taper, reverse=True)
    assert (
        0.7 <= taper[0] <= 0.8 + 1e-6
        and 0.55 <= taper[1] <= 0.65 + 1e-6
        and taper[2] <= 0.45 + 1e-6
    )
    assert check_constraints(plan) == []


def test_targets_take_the_quality_slots() -> None:
    plan = generate_plan(
        10000,
        date(2027, 3, 7),
        start=date(2026, 12, 1),
        days_per_week=5,
        volume_km=40,
        vdot=50,
        targets=["threshold_pace"],
    )
    quality = [
        d.workout_type
        for d in plan.days
        if is_hard(d.workout_type) and d.workout_type not in ("long", "race")
    ]
    share = sum(t in ("tempo", "cruise_intervals") for t in quality) / len(quality)
    assert share >= 0.5


def test_bad_inputs_say_how_to_fix() -> None:
    with pytest.raises(ValueError, match="too close"):
        generate_plan(10000, date(2026, 12, 2), start=date(2026, 12, 1), vdot=50)
    with pytest.raises(ValueError, match="days per week"):
        generate_plan(10000, date(2027, 3, 7), start=date(2026, 12, 1), days_per_week=2, vdot=50)
    with pytest.raises(ValueError, match="max-volume-km"):
        generate_plan(
            10000,
            date(2027, 3, 7),
            start=date(2026, 12, 1),
            volume_km=50,
            max_volume_km=40,
            vdot=50,
        )
    with pytest.raises(ValueError, match="goal time or the current VDOT"):
        generate_plan(10000, date(2027, 3, 7), start=date(2026, 12, 1))
    with pytest.raises(ValueError, match="weekday"):
        parse_weekday("someday")
    assert parse_weekday("Sunday") == 6


def test_check_constraints_finds_broken_rules() -> None:
    plan = generate_plan(10000, date(2027, 3, 7), start=date(2026, 12, 1), volume_km=40, vdot=50)
    from deliberun.plan.planned import PlannedDay

    first_long = next(d for d in plan.days if d.workout_type == "long")
    plan.days.append(
        PlannedDay(first_long.date + timedelta(days=1), "intervals", "6x800m @I w/ 400m jog")
    )
    plan.days = [
        d
        for d in plan.days
        if d.date != first_long.date + timedelta(days=1) or d.workout_type == "intervals"
    ]
    plan.weeks[1] = type(plan.weeks[1])(
        **{**plan.weeks[1].to_dict(), "start": plan.weeks[1].start, "planned_km": 500.0}
    )
    problems = check_constraints(plan)
    assert any("no easy day between" in p for p in problems)
    assert any("above the maximum" in p for p in problems)
    assert any("ramps more than 10%" in p for p in problems)


def test_projection_follows_reference_weights(reference_dir) -> None:
    import json

    ref = json.loads((reference_dir / "load.json").read_text())["fitness_fatigue"]["conventions"][
        "exp"
    ]
    out = project_fitness([100.0])
    assert out["fitness"][0] == pytest.approx(100 * ref["N42"], abs=1e-4)
    assert out["fatigue"][0] == pytest.approx(100 * ref["N7"], abs=1e-4)
    assert out["form"][0] == 0.0
    steady = project_fitness([50.0] * 400, fitness0=0, fatigue0=0)
    assert steady["fitness"][-1] == pytest.approx(50, abs=0.1)


def test_planned_load_and_plan_projection() -> None:
    one_hour_t = parse_workout("60min @T")
    assert planned_load(one_hour_t, 50) == pytest.approx(100, rel=0.05)
    easy = planned_load(parse_workout("60min E"), 50)
    assert easy < planned_load(one_hour_t, 50)
    plan = generate_plan(10000, date(2027, 3, 7), start=date(2026, 12, 1), volume_km=40, vdot=50)
    proj = plan_projection(
        [(d.date, d.workout()) for d in plan.days],
        50,
        start=plan.days[0].date,
        end=plan.days[-1].date,
        weekly_volume_km=40,
    )
    assert len(proj) == (plan.days[-1].date - plan.days[0].date).days + 1
    # taper: form rises into race day
    assert proj[-1]["form"] > min(p["form"] for p in proj)
