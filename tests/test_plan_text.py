"""Workout text: parse, format, round trip, errors; zone paces against vdot.json."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberun.plan.library import LIBRARY, library, workout_types_for
from deliberun.plan.paces import (
    ZONE_FRACTIONS,
    parse_race_distance,
    race_time,
    vdot_from_race,
    vdot_from_threshold_pace,
    vvdot,
    zone_paces,
)
from deliberun.plan.text import WorkoutSyntaxError, canonical, format_workout, parse_workout
from deliberun.plan.workout import Workout, estimate

EXAMPLES = [
    "2km E + 6x800m @I w/ 400m jog + 2km E",
    "25min E + 3x(10min @T, 2min rest)",
    "10x200m @R w/ 200m jog",
    "20min @4:10/km",
    "8x(1min @I, 1min rest)",
    "90min E",
    "2mi @M",
    "10mi @6:40/mi",
    "45min @140-150bpm",
    "2km E + 6x1min hill @RPE8 w/ 90s jog + 2km E",
    "2x(3x400m @I w/ 200m jog, 3min rest)",
    "20min @4:05-4:15/km",
    "3km E + 2x4km @M w/ 1km E + 1.8km E",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_canonical_examples_round_trip_exactly(text: str) -> None:
    w = parse_workout(text)
    assert format_workout(w) == text
    assert parse_workout(format_workout(w)) == w


def test_step_tree_of_the_headline_example() -> None:
    w = parse_workout("2km E + 6x800m @I w/ 400m jog + 2km E")
    kinds = [s.kind for s in w.steps]
    assert kinds == ["warmup", "repeat", "cooldown"]
    rep = w.steps[1]
    assert rep.reps == 6
    assert [s.kind for s in rep.steps] == ["work", "recovery"]
    assert rep.steps[0].distance_m == 800 and rep.steps[0].target is not None
    assert rep.steps[0].target.zone == "I"
    assert rep.steps[1].distance_m == 400 and rep.steps[1].label == "jog"


@pytest.mark.parametrize(
    ("text", "canon"),
    [
        ("2 km e+6 x 800m @ I w/400m jog+2km E", "2km E + 6x800m @I w/ 400m jog + 2km E"),
        ("1h E", "60min E"),
        ("1000m @T", "1km @T"),
        ("6x800m @I w/ 2min rest", "6x(800m @I, 2min rest)"),
        ("3x(1mi @T, 1min jog)", "3x1mi @T w/ 1min jog"),
        ("42.195km @M", "42.195km @M"),
        ("1.5min @R", "90s @R"),
    ],
)
def test_loose_input_has_one_canonical_form(text: str, canon: str) -> None:
    assert canonical(text) == canon
    assert canonical(canon) == canon


def test_distances_durations_in_si() -> None:
    w = parse_workout("2mi @M + 90s E + 1h E")
    assert w.steps[0].distance_m == pytest.approx(3218.688)
    assert w.steps[1].duration_s == 90
    assert w.steps[2].duration_s == 3600


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("2km E + 6x @I", 12, "expected a distance (800m, 1km, 2mi) or a duration (10min, 90s)"),
        ("2km E + 6x800 @I", 14, "a unit after the number"),
        ("20min @4:10", 12, "'/km' or '/mi'"),
        ("2km Q", 5, "a zone (E, M, T, I, R)"),
        ("", 1, "expected a distance"),
        ("3x(10min @T, 2min rest", 23, "or ')'"),
        ("2km E 5km E", 7, "'+'"),
        ("20min @RPE12", 7, "RPE between 0 and 10"),
    ],
)
def test_errors_point_at_the_character(text: str, position: int, fragment: str) -> None:
    with pytest.raises(WorkoutSyntaxError) as info:
        parse_workout(text)
    assert info.value.position == position
    assert str(info.value).startswith(f"at character {position}: expected")
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


# --- property: any text built from the grammar round-trips --------------------------------

amount = st.one_of(
    st.sampled_from(["200m", "400m", "800m", "1km", "1200m", "2km", "5km", "2mi", "1mi", "12.5km"]),
    st.sampled_from(["30s", "90s", "2min", "10min", "25min", "75s"]),
)
target = st.sampled_from(
    ["", " E", " @M", " @T", " @I", " @R", " @4:10/km", " @6:30/mi", " @150bpm", " @RPE7"]
)
recovery = st.sampled_from(
    ["200m jog", "400m jog", "90s jog", "2min rest", "60s walk", "1km E", "2min @RPE3"]
)


@st.composite
def single(draw: st.DrawFn) -> str:
    return draw(amount) + draw(target)


@st.composite
def segment(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(single())
    n = draw(st.integers(1, 12))
    if kind == 1:
        return f"{n}x{draw(single())} w/ {draw(recovery)}"
    inner = draw(st.lists(single(), min_size=1, max_size=3))
    return f"{n}x(" + ", ".join([*inner, draw(recovery)]) + ")"


@settings(max_examples=200, deadline=None)
@given(st.lists(segment(), min_size=1, max_size=4))
def test_generated_texts_round_trip(segments: list[str]) -> None:
    text = " + ".join(segments)
    w = parse_workout(text)
    again = parse_workout(format_workout(w))
    assert again == w
    assert format_workout(again) == format_workout(w)
    assert Workout.from_dict(w.to_dict()) == w


# --- paces against ../shared/reference/vdot.json -------------------------------------------


def test_vdot_equations_match_reference_sanity_values(reference_dir) -> None:
    ref = json.loads((reference_dir / "vdot.json").read_text())
    # the file's own solved values; 0.01 covers its rounding to 2 decimals
    assert vdot_from_race(5000, 1200) == pytest.approx(
        ref["sanity_from_equations"]["5000 m in 20:00"], abs=0.01
    )
    assert vdot_from_race(10000, 2400) == pytest.approx(
        ref["sanity_from_equations"]["10000 m in 40:00"], abs=0.01
    )
    assert vdot_from_race(42195, 10800) == pytest.approx(
        ref["sanity_from_equations"]["42195 m in 3:00:00"], abs=0.01
    )


def test_race_time_matches_published_rows(reference_dir) -> None:
    ref = json.loads((reference_dir / "vdot.json").read_text())
    for v, rows in ref["race_equivalence_s"].items():
        for dist, published in rows.items():
            # tolerance note in vdot.json: solving the equations is a few s off the table
            # (Runalyze allows distance_km * 1.5 s); 12 s covers the marathon rows
            tol = max(3.0, float(dist) / 1000 * 1.5, 12.0 if float(dist) > 40000 else 0)
            assert race_time(float(v), float(dist)) == pytest.approx(published, abs=tol)


def test_goldencheetah_zone_fractions(reference_dir) -> None:
    ref = json.loads((reference_dir / "vdot.json").read_text())
    assert ref["training_paces"]["goldencheetah_fractions_of_vvdot"] == ZONE_FRACTIONS
    gc = zone_paces(50, model="goldencheetah")
    for z, frac in ZONE_FRACTIONS.items():
        centre = 1000 / (frac * vvdot(50))
        lo, hi = gc[z]
        assert lo < centre < hi
    # GoldenCheetah's T pace at VDOT 50 is about 4:16/km (vdot.json / models.vdot doc)
    t_centre = 1000 / (0.9 * vvdot(50))
    assert 252 < t_centre < 258


def test_daniels_zone_paces_are_ordered_bands() -> None:
    p = zone_paces(50)
    assert set(p) == {"E", "M", "T", "I", "R"}
    for lo, hi in p.values():
        assert lo < hi
    centres = [sum(p[z]) / 2 for z in "EMTIR"]
    assert centres == sorted(centres, reverse=True)
    with pytest.raises(ValueError, match="pace model"):
        zone_paces(50, model="nope")
    with pytest.raises(ValueError, match="between 10 and 100"):
        zone_paces(150)


def test_threshold_pace_inverts_to_vdot() -> None:
    t = 1000 / (0.9 * vvdot(52.0))
    assert vdot_from_threshold_pace(t) == pytest.approx(52.0, abs=1e-6)


def test_plan_race_distance_is_the_shared_parser_with_a_floor() -> None:
    """The plan reads races as `deliberun paces` does (models.race_input), >= 800 m."""
    assert parse_race_distance("half") == 21097.5
    assert parse_race_distance("half marathon") == 21097.5
    assert parse_race_distance("mile") == pytest.approx(1609.344)
    assert parse_race_distance("10mi") == pytest.approx(16093.44)
    with pytest.raises(ValueError, match="cannot read race distance 'far'"):
        parse_race_distance("far")
    with pytest.raises(ValueError, match="too short"):
        parse_race_distance("400")


def test_estimate_distance_and_duration() -> None:
    w = parse_workout("2km E + 6x800m @I w/ 400m jog + 2km E")
    dist, dur = estimate(w, 50)
    assert dist == pytest.approx(4000 + 6 * 1200)
    p = zone_paces(50)
    expected = (
        4000 * sum(p["E"]) / 2000 + 6 * 800 * sum(p["I"]) / 2000 + 6 * 400 * sum(p["E"]) / 2000
    )
    assert dur == pytest.approx(expected)
    # a rest is standing: time counts, distance does not
    d2, t2 = estimate(parse_workout("3x(10min @T, 2min rest)"), 50)
    assert t2 == pytest.approx(3 * 720)
    assert d2 == pytest.approx(3 * 600 * 2000 / sum(p["T"]))


def test_library_covers_every_type_and_parses() -> None:
    assert set(LIBRARY) >= {
        "tempo",
        "cruise_intervals",
        "intervals",
        "mp_long",
        "progression",
        "hills",
        "strides",
        "easy",
        "recovery",
        "long",
    }
    for e in library():
        w = e.workout()
        assert w.workout_type == e.workout_type
        assert canonical(e.text) == e.text, e.text
    for wt, entries in LIBRARY.items():
        kms = [estimate(e.workout(), 50)[0] for e in entries]
        if wt not in ("easy", "recovery", "race"):
            assert kms == sorted(kms), wt  # easier → harder
    assert workout_types_for("threshold_pace") == ("tempo", "cruise_intervals")
    with pytest.raises(ValueError, match="unknown"):
        library("swimming")


@pytest.mark.parametrize(
    "text",
    [  # forms the simulated athlete writes in plan.yaml
        "2.5km E + 4x1.6km @T w/ 60s jog + 2km E",
        "1.93333km E + 1.93333km @M + 1.93333km @T",
        "3km E + 2x4km @M w/ 1km E + 1.8km E",
        "21.0975km @4:37/km",
        "2.5km E + 6x1000m @I w/ 150s jog + 2km E",
        "3km E + 6x60s hill @I w/ 90s jog + 2km E",
    ],
)
def test_loose_texts_keep_their_workout_through_the_canonical_form(text: str) -> None:
    w = parse_workout(text)
    assert parse_workout(canonical(text)) == w
    assert canonical(canonical(text)) == canonical(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2km E + 6x800m @I w/ 400m jog + 2km E", "intervals"),
        ("25min E + 3x(10min @T, 2min rest)", "cruise_intervals"),
        ("2km E + 20min @T + 2km E", "tempo"),
        ("8km E + 16km @M + 2km E", "mp_long"),
        ("4km E + 3km @M + 1km @T", "tempo"),
        ("3km E + 2km @M", "progression"),
        ("5km E + 6x100m strides w/ 100m jog", "strides"),
        ("2km E + 6x1min hill @RPE8 w/ 90s jog + 2km E", "hills"),
        ("28km E", "long"),
        ("8km E", "easy"),
    ],
)
def test_infer_workout_type(text: str, expected: str) -> None:
    from deliberun.plan.workout import infer_workout_type

    assert infer_workout_type(parse_workout(text)) == expected


def test_a_rest_given_as_a_distance_is_walked() -> None:
    fast = estimate(parse_workout("6x800m @I"), 50)
    timed = estimate(parse_workout("6x800m @I w/ 2min rest"), 50)
    walked = estimate(parse_workout("6x800m @I w/ 400m rest"), 50)
    assert timed == pytest.approx((fast[0], fast[1] + 6 * 120))
    assert walked == pytest.approx((fast[0] + 2400, fast[1] + 2400 / 1.4))
