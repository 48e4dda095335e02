"""Display units, chart payloads and form checks of the dashboard (pure helpers)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deliberun import units as fmt
from deliberun.services import dashboard_charts as charts
from deliberun.services.dashboard_writes import FormError, parse_journal_form


@pytest.mark.parametrize(
    ("value", "units", "text"),
    [
        (10000.0, "metric", "10.00 km"),
        (1609.344, "imperial", "1.00 mi"),
        (42195.0, "imperial", "26.22 mi"),
        (None, "metric", "—"),
        (float("nan"), "metric", "—"),
    ],
)
def test_distance(value: float | None, units: str, text: str) -> None:
    assert fmt.distance(value, units) == text


def test_pace_converts_per_km_to_per_mile() -> None:
    assert fmt.pace(300.0, "metric") == "5:00 /km"
    # 300 s/km × 1.609344 = 482.8 s/mi → 8:03
    assert fmt.pace(300.0, "imperial") == "8:03 /mi"
    assert fmt.pace_from_speed(1000 / 240, "metric") == "4:00 /km"
    assert fmt.pace(0, "metric") == fmt.pace(None) == "—"


def test_clock_and_elevation() -> None:
    assert fmt.clock(59.6) == "1:00"
    assert fmt.clock(3723) == "1:02:03"
    assert fmt.elevation(100, "imperial") == "328 ft"
    assert fmt.day("2026-03-02") == "Mon 2 Mar 2026"


def test_target_values_and_changes_in_the_runners_units() -> None:
    assert fmt.target_value(266.5, "s/km") == "4:26 /km"
    assert fmt.target_value(266.5, "s/km", "imperial") == "7:09 /mi"
    assert fmt.target_value(0.58, "share") == "58 %"
    assert fmt.target_value(70000.0, "m", "imperial") == "43.5 mi"
    assert fmt.target_value(None, "s") == "—"
    assert fmt.target_change(-0.4, "s/km") == "-0.4 s/km"
    assert fmt.target_change(-0.4, "s/km", "imperial") == "-0.6 s/mi"
    assert fmt.target_change(0.009, "share") == "+0.9 pts"
    assert fmt.target_change(1500.0, "m") == "+1.5 km"
    assert fmt.target_change(2.0, "spm") == "+2 spm"


def test_unknown_units_are_refused() -> None:
    with pytest.raises(ValueError, match="use 'metric' or 'imperial'"):
        fmt.distance(1000, "furlongs")


def test_downsample_keeps_ends_and_bounds() -> None:
    idx = charts.downsample_index(10_000, 800)
    assert idx[0] == 0 and idx[-1] == 9_999 and len(idx) <= 800
    assert list(charts.downsample_index(5, 800)) == [0, 1, 2, 3, 4]


def test_activity_figures_pace_axis_is_reversed_and_in_display_units() -> None:
    t = np.arange(0, 1200.0)
    speed = np.full(t.size, 1000 / 300)  # 5:00 /km
    streams = {"time": t, "speed": speed, "distance": np.cumsum(speed) - speed[0]}
    figs = charts.activity_figures(streams, "imperial")
    assert set(figs) == {"pace"}  # no HR, altitude or cadence stream: no such chart
    y = [v for v in figs["pace"]["data"][0]["y"] if v is not None]
    assert np.allclose(y, 300 * 1.609344, atol=0.2)  # s per mile
    lo, hi = (
        figs["pace"]["layout"]["yaxis"]["range"][1],
        figs["pace"]["layout"]["yaxis"]["range"][0],
    )
    assert hi > lo  # reversed: faster paces on top
    assert figs["pace"]["data"][0]["x"][-1] == pytest.approx(
        streams["distance"][-1] / 1609.344,
        abs=1e-3,  # rounded to 3 decimals (1.6 m)
    )
    with pytest.raises(ValueError, match="unknown x axis"):
        charts.activity_figures(streams, "metric", x_axis="speed")


def test_standing_still_is_a_gap_not_a_spike() -> None:
    t = np.arange(0, 600.0)
    speed = np.where((t > 200) & (t < 300), 0.0, 3.0)
    figs = charts.activity_figures({"time": t, "speed": speed}, "metric", x_axis="time")
    y = figs["pace"]["data"][0]["y"]
    assert y[250] is None and y[100] == pytest.approx(333.3, abs=0.5)


def test_route_svg_keeps_the_shape() -> None:
    # a 1 km east-west line at 60°N: the box is much wider than tall
    lat = np.full(50, 60.0)
    lon = np.linspace(10.0, 10.0 + 1000 / (111_320 * math.cos(math.radians(60))), 50)
    lat[::7] += 1e-5
    route = charts.route_svg(lat, lon)
    assert route is not None and route["path"].startswith("M")
    assert route["width"] > 5 * route["height"]
    assert charts.route_svg([np.nan, 1.0], [np.nan, 2.0]) is None
    assert charts.route_svg([0.0, 0.0], [0.0, 0.0]) is None  # (0, 0): "no fix" sentinels


def test_journal_form_accepts_good_values() -> None:
    entry = parse_journal_form(
        {"rpe": "7,5", "feel": "4", "sleep_h": "7.5", "soreness": "", "notes": " heavy legs ",
         "tags": "intervals, track", "details": ["fuelling", "gear"]}
    )  # fmt: skip
    assert entry == {
        "rpe": 7.5, "feel": 4, "sleep_h": 7.5, "soreness": None, "notes": "heavy legs",
        "tags": ["intervals", "track"], "details": ["fuelling", "gear"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"rpe": "11"}, "rpe", "out of range"),
        ({"rpe": "hard"}, "rpe", "not a number"),
        ({"feel": "3.5"}, "feel", "whole number"),
        ({"sleep_h": "nan"}, "sleep_h", "out of range"),
        ({"notes": "x", "details": ["champagne"]}, "details", "unknown race detail"),
        ({"notes": "x" * 5000}, "notes", "under 4000"),
        ({}, "form", "the entry is empty"),
    ],
)
def test_journal_form_refuses_bad_values(form: dict, field: str, message: str) -> None:
    with pytest.raises(FormError) as info:
        parse_journal_form(form)
    assert message in info.value.errors[field]


def test_pace_ticks_land_on_round_paces() -> None:
    from deliberun.services.dashboard_charts import pace_ticks

    for lo, hi in ((230, 330), (200, 520), (241, 262), (180, 900), (300, 306)):
        vals, labels = pace_ticks(lo, hi)
        assert vals and len(vals) <= 7, (lo, hi, labels)
        step = vals[1] - vals[0] if len(vals) > 1 else 5
        assert step in (5, 10, 15, 30, 60, 120, 300, 600), (lo, hi, step)
        assert all(v % step == 0 for v in vals)  # 4:00, 4:15... never 4:50 then 5:40


def test_fitness_chart_right_axis_has_room_title_and_round_ticks() -> None:
    from deliberun.services.dashboard_charts import fitness_figure

    days = [{"date": f"2026-01-{i + 1:02d}", "load": 14 + 15 * i, "fitness": 40.0 + i,
             "fatigue": 50.0, "form": -10.0} for i in range(31)]  # fmt: skip
    lay = fitness_figure(days)["layout"]
    y2 = lay["yaxis2"]
    assert y2["title"]["text"] == "load per day" and lay["margin"]["r"] >= 50
    assert y2["range"][0] == 0 and y2["range"][1] >= 464
    assert y2["tickvals"] == [0, 100, 200, 300, 400]
    assert lay["legend"]["yanchor"] == "bottom" and lay["title"]["yref"] == "container"


def test_internal_names_read_as_plain_words() -> None:
    from deliberun.units import plain
    from deliberun.web.report_image import _planned_text

    assert plain("vdot_shape") == "VDOT with your speed–endurance shape"
    assert plain("riegel_own") == "Riegel with your own fatigue exponent"
    assert plain("trimp_banister") == "TRIMP (Banister)" and plain("long_run") == "long run"
    race = {"workout_type": "race", "text": "race 42.195km @4:02/km"}
    assert _planned_text(race) == "race 42.195km @4:02/km"  # not "race race 42.195km"
    assert _planned_text({"workout_type": "easy", "text": "8km E"}) == "easy 8km E"
