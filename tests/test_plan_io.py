"""FIT workout write/read round trip, ICS parse-back, YAML full and minimal forms."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import fitdecode
import pytest

from deliberun.io.errors import CorruptFileError, NotAnActivityError
from deliberun.plan.formats.fit_workout import parse_fit_workout, write_fit_workout
from deliberun.plan.formats.ics import read_ics, write_ics
from deliberun.plan.generate import generate_plan
from deliberun.plan.paces import zone_paces
from deliberun.plan.text import format_workout, parse_workout
from deliberun.plan.workout import iter_flat
from deliberun.plan.yaml_io import plan_from_yaml, plan_to_yaml

PACES = zone_paces(50)
TEXTS = [
    "2km E + 6x800m @I w/ 400m jog + 2km E",
    "25min E + 3x(10min @T, 2min rest)",
    "2km E + 2x(3x400m @I w/ 200m jog, 3min rest) + 20min @4:10/km + 10min @140-150bpm + 2km E",
    "90min E",
    "10mi @6:40/mi",
]


def _messages(data: bytes) -> list[tuple[str, dict]]:
    out = []
    with fitdecode.FitReader(io.BytesIO(data)) as fit:
        for frame in fit:
            if isinstance(frame, fitdecode.FitDataMessage):
                out.append((frame.name, {f.name: f.value for f in frame.fields}))
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_fit_workout_round_trip_step_by_step(text: str) -> None:
    w = parse_workout(text)
    data = write_fit_workout(w, PACES, name="test")
    back = parse_fit_workout(data)
    assert back.name == "test"
    assert back.steps == w.steps
    assert format_workout(back) == text
    flat_a, flat_b = list(iter_flat(w.steps)), list(iter_flat(back.steps))
    assert [(s.kind, s.distance_m, s.duration_s) for s in flat_a] == [
        (s.kind, s.distance_m, s.duration_s) for s in flat_b
    ]


def test_fit_messages_follow_the_profile() -> None:
    w = parse_workout("2km E + 6x800m @I w/ 400m jog + 2km E")
    msgs = _messages(write_fit_workout(w, PACES))
    names = [n for n, _ in msgs]
    assert names[0] == "file_id" and names[1] == "workout"
    assert msgs[0][1]["type"] == "workout"
    assert msgs[1][1]["sport"] == "running"
    steps = [m for n, m in msgs if n == "workout_step"]
    assert msgs[1][1]["num_valid_steps"] == len(steps) == 5
    assert [s["message_index"] for s in steps] == list(range(5))
    warm, work, jog, repeat, cool = steps
    assert warm["intensity"] == "warmup" and cool["intensity"] == "cooldown"
    assert work["duration_type"] == "distance" and work["duration_distance"] == pytest.approx(800)
    assert work["target_type"] == "speed"
    lo, hi = PACES["I"]
    assert work["custom_target_speed_low"] == pytest.approx(1000 / hi, abs=1e-3)
    assert work["custom_target_speed_high"] == pytest.approx(1000 / lo, abs=1e-3)
    assert jog["intensity"] == "recovery" and jog["target_type"] == "open"
    assert repeat["duration_type"] == "repeat_until_steps_cmplt"
    assert repeat["duration_step"] == 1
    assert repeat["repeat_steps"] == 6


def test_fit_reader_without_step_names_uses_speed_ranges() -> None:
    from fit_tool.fit_file_builder import FitFileBuilder  # noqa: F401 - writer is available

    w = parse_workout("20min @T")
    data = write_fit_workout(w, PACES)
    back = parse_fit_workout(data)
    # the name carries the zone; the speed range agrees with it
    assert back.steps[0].target is not None and back.steps[0].target.zone == "T"


def test_real_sdk_workout_file(real_dir) -> None:
    data = (real_dir / "fit" / "fitparse__WorkoutIndividualSteps.fit").read_bytes()
    w = parse_fit_workout(data, name="WorkoutIndividualSteps.fit")
    assert w.name == "Example 1"
    # SDK example: 60 s warm-up, 2 x 500 m, cool-down until HR below 125 (open here)
    assert [s.kind for s in w.steps] == ["warmup", "work", "work", "cooldown"]
    assert w.steps[0].duration_s == 60 and w.steps[1].distance_m == 500
    assert format_workout(w) == "1min + 500m + 500m + lap"


def test_fit_reader_errors(real_dir) -> None:
    activity = (real_dir / "fit" / "fitparse__2013-02-06-12-11-14.fit").read_bytes()
    with pytest.raises(NotAnActivityError, match="not a workout"):
        parse_fit_workout(activity, name="run.fit")
    with pytest.raises(CorruptFileError, match="bad.fit"):
        parse_fit_workout(b"\x0e\x10garbage-not-fit", name="bad.fit")


def _plan():
    return generate_plan(10000, date(2027, 3, 7), start=date(2026, 12, 1), days_per_week=4, vdot=48)


def test_ics_parse_back_with_icalendar() -> None:
    from icalendar import Calendar

    plan = _plan()
    data = write_ics(plan.days, zone_paces(48), stamp=datetime(2026, 11, 28, tzinfo=UTC))
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(plan.days)
    first = events[0]
    assert first.decoded("dtstart") == plan.days[0].date
    assert plan.days[0].text in str(first.get("summary"))
    assert len({str(e.get("uid")) for e in events}) == len(events)
    hills = next(e for e in events if "hill" in str(e.get("summary")))
    assert "5 times:" in str(hills.get("description"))
    back = read_ics(data)
    assert [(d.date, d.workout_type, d.text) for d in back] == [
        (d.date, d.workout_type, d.text) for d in plan.days
    ]


def test_yaml_full_form_round_trip() -> None:
    plan = _plan()
    back = plan_from_yaml(plan_to_yaml(plan))
    assert back.name == plan.name
    assert back.params == plan.params
    assert [d.to_dict() for d in back.days] == [d.to_dict() for d in plan.days]


def test_yaml_minimal_form_as_the_simulator_writes_it() -> None:
    text = """
- date: 2026-03-02
  workout_type: intervals
  text: 2km E + 6x800m @I w/ 400m jog + 2km E
- {date: 2026-03-04, workout_type: easy, text: 8km E}
- date: "2026-03-01"
  text: 90min E
"""
    plan = plan_from_yaml(text)
    assert [d.date for d in plan.days] == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 4)]
    assert plan.days[0].workout_type == "long"  # missing type: inferred from the text
    assert plan.days[1].workout_type == "intervals"
    assert all(d.status == "planned" for d in plan.days)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {date: 2026-03-02, text: '6x800 @I'}", "entry 1 ('6x800 @I'): at character 6"),
        ("- {date: 2026-13-02, text: 8km E}", "not YYYY-MM-DD"),
        (
            "- {date: 2026-03-02, workout_type: jogging, text: 8km E}",
            "workout type 'jogging' unknown",
        ),
        ("- {text: 8km E}", "needs at least 'date' and 'text'"),
        ("name: x", "no 'workouts' list"),
        ("[unclosed", "not valid YAML"),
    ],
)
def test_yaml_errors_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        plan_from_yaml(text, source="plan.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("plan.yaml")


# --- property: random workouts survive the FIT round trip ------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_amount = st.sampled_from(
    ["200m", "400m", "800m", "1km", "1.2km", "2km", "2mi", "30s", "90s", "10min", "lap"]
)
_target = st.sampled_from(["", " E", " @M", " @T", " @I", " @R", " @4:10/km", " @6:30/mi", " @150bpm",
                           " @140-155bpm", " @RPE7", " @4:05-4:15/km"])  # fmt: skip
_rec = st.sampled_from(["200m jog", "90s jog", "2min rest", "1km E"])


@st.composite
def _text(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        one = draw(_amount) + draw(_target)
        kind = draw(st.integers(0, 2))
        if kind == 0:
            parts.append(one)
        elif kind == 1:
            parts.append(f"{draw(st.integers(1, 12))}x{one} w/ {draw(_rec)}")
        else:
            inner = f"{draw(st.integers(2, 5))}x{draw(_amount)}{draw(_target)} w/ {draw(_rec)}"
            parts.append(f"{draw(st.integers(2, 4))}x({inner}, {draw(_rec)})")
    return " + ".join(parts)


@settings(max_examples=60, deadline=None)
@given(_text())
def test_random_workouts_survive_the_fit_round_trip(text: str) -> None:
    w = parse_workout(text)
    back = parse_fit_workout(write_fit_workout(w, PACES))
    assert back.steps == w.steps
