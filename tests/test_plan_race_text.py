"""Race entries in the workout text (``race 10k``, ``race half``) and plan/sim agreement."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from deliberun.plan.load import planned_load
from deliberun.plan.paces import race_time, zone_paces
from deliberun.plan.planned import Plan, PlannedDay
from deliberun.plan.text import WorkoutSyntaxError, canonical, format_workout, parse_workout
from deliberun.plan.workout import estimate, infer_workout_type
from deliberun.plan.yaml_io import plan_from_yaml, plan_to_yaml


@pytest.mark.parametrize(
    ("text", "distance_m", "expected"),
    [
        ("race 21.0975km", 21097.5, "race 21.0975km"),
        ("race half", 21097.5, "race 21.0975km"),
        ("race Half-Marathon", 21097.5, "race 21.0975km"),
        ("race 10k", 10000.0, "race 10km"),
        ("race 42.195km", 42195.0, "race 42.195km"),
        ("race marathon @4:36/km", 42195.0, "race 42.195km @4:36/km"),
        ("RACE 5 km @RPE10", 5000.0, "race 5km @RPE10"),
        ("race 10mi @6:00/mi", 16093.44, "race 10mi @6:00/mi"),
        ("21.0975km race", 21097.5, "race 21.0975km"),
    ],
)
def test_race_entries_parse_and_round_trip(text: str, distance_m: float, expected: str) -> None:
    w = parse_workout(text)
    (step,) = w.steps
    assert step.kind == "work" and step.label == "race"
    assert step.distance_m == pytest.approx(distance_m)
    assert canonical(text) == expected
    assert parse_workout(expected) == w  # the canonical form reads back the same workout
    assert infer_workout_type(w) == "race"


def test_race_with_warm_up_and_cool_down() -> None:
    w = parse_workout("2km E + race 5k + 1km E")
    assert [s.kind for s in w.steps] == ["warmup", "work", "cooldown"]
    assert format_workout(w) == "2km E + race 5km + 1km E"


@pytest.mark.parametrize(
    ("text", "position", "what"),
    [
        ("race", 5, "a race distance"),
        ("race 30min", 6, "a race distance"),
        ("race fast", 6, "a race distance"),
        ("race 0km", 6, "a race distance"),
        ("race 10k jog", 10, "after the race distance"),
    ],
)
def test_race_errors_say_where(text: str, position: int, what: str) -> None:
    with pytest.raises(WorkoutSyntaxError) as info:
        parse_workout(text)
    assert info.value.position == position and what in str(info.value)


def test_an_untargeted_race_is_planned_at_the_runners_race_speed() -> None:
    vdot = 50.0
    dist, dur = estimate(parse_workout("race half"), vdot)
    assert dist == 21097.5
    assert dur == pytest.approx(race_time(vdot, 21097.5), rel=1e-6)
    # VDOT 50 runs a half in about 1:32:2x (Daniels' table: 1:32:00 ± 1 %)
    assert dur == pytest.approx(92 * 60, rel=0.01)
    # faster than E, slower than I: the load lies between the two
    load = planned_load(parse_workout("race half"), vdot)
    easy = planned_load(parse_workout("21.0975km E"), vdot)
    hard = planned_load(parse_workout("21.0975km @I"), vdot)
    assert easy < load < hard
    paced = estimate(parse_workout("race half @4:30/km"), vdot)[1]
    assert paced == pytest.approx(21.0975 * 270, rel=0.001)  # a given pace wins (± band)


def test_plan_yaml_with_races_round_trips() -> None:
    plan = Plan(
        days=[
            PlannedDay(date(2026, 9, 6), "easy", "8km E"),
            PlannedDay(date(2026, 9, 13), "race", "race 21.0975km @4:33/km"),
            PlannedDay(date(2026, 10, 25), "race", "race 42.195km"),
        ],
        name="autumn",
    )
    back = plan_from_yaml(plan_to_yaml(plan))
    assert [d.to_dict() for d in back.days] == [d.to_dict() for d in plan.days]
    minimal = plan_from_yaml("- {date: 2026-10-25, text: race marathon}\n")
    assert minimal.days[0].workout_type == "race"


def test_the_simulator_writes_race_texts_the_plan_reads() -> None:
    import deliberun.sim.workouts as workouts

    speeds = {z: 1000.0 / sum(p) * 2 for z, p in zone_paces(50.0).items()}
    speeds["race"] = 21097.5 / race_time(50.0, 21097.5)
    rng = np.random.default_rng(0)
    for distance in (5000.0, 10000.0, 21097.5, 42195.0):
        segs, text = workouts.build_workout("race", speeds, rng, distance=distance)
        w = parse_workout(text)
        assert text.startswith("race ") and canonical(text) == text
        assert infer_workout_type(w) == "race"
        assert w.steps[0].distance_m == pytest.approx(distance)
        assert sum(s.distance for s in segs) == pytest.approx(distance)
    for wt in workouts.WORKOUT_TYPES:  # every text the simulator writes parses
        _, text = workouts.build_workout(wt, speeds, rng, distance=12000.0)
        assert parse_workout(text) == parse_workout(canonical(text)), text


def test_a_race_survives_a_fit_workout_file() -> None:
    import deliberun.plan.formats.fit_workout as fw

    w = parse_workout("2km E + race 10k @4:00/km + 1km E", workout_type="race")
    data = fw.write_fit_workout(w, zone_paces(50.0), name="race day")
    back = fw.parse_fit_workout(data, name="race.fit")
    assert format_workout(back) == format_workout(w)
