"""Riegel, the athlete's own exponent, critical speed, marathon shape (misc.json)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from deliberun.models import predict as pr
from deliberun.models import vdot as vd
from deliberun.models.race_input import parse_distance, parse_duration
from deliberun.units import clock as format_duration


@pytest.fixture(scope="module")
def misc_reference(reference_dir):
    return json.loads((reference_dir / "misc.json").read_text())


def test_riegel_vectors(misc_reference):
    # misc.json gives times rounded to the second
    vec = misc_reference["riegel"]["vectors"]
    assert format_duration(pr.riegel(1200, 5000, 10000)) == vec["5000 m 20:00 -> 10000 m"]
    assert format_duration(pr.riegel(1200, 5000, 21097.5)) == vec["-> half marathon"]
    assert format_duration(pr.riegel(1200, 5000, 42195)) == vec["-> marathon"]


def test_own_exponent_recovers_a_known_one():
    efforts = [(d, 1200 * (d / 5000) ** 1.09) for d in (3000, 5000, 10000, 21097.5)]
    k, a = pr.fit_riegel_exponent(efforts)
    assert k == pytest.approx(1.09, abs=1e-9)
    assert a * 5000**k == pytest.approx(1200)
    with pytest.raises(ValueError, match="two distances"):
        pr.fit_riegel_exponent([(5000, 1200), (5000, 1210)])


def test_critical_speed_vector(misc_reference):
    vec = misc_reference["critical_speed"]["vector"]
    cs = pr.critical_speed([tuple(e) for e in vec["efforts"]])
    assert cs.cs == pytest.approx(vec["CS_m_per_s"], abs=1e-4)
    assert cs.d_prime == pytest.approx(vec["D_prime_m"], abs=1e-6)
    assert cs.time_for(3000) == pytest.approx((3000 - 240) / cs.cs)
    with pytest.raises(ValueError, match="at least two"):
        pr.critical_speed([(5000, 1200)])
    with pytest.warns(UserWarning, match="2-20 min"):
        pr.critical_speed([(1000, 180), (10000, 2400)])


def test_marathon_shape_full_and_empty():
    today = date(2026, 4, 1)
    v = 50.0
    target_week = v**1.135
    # a runner at the weekly target, one 30 km long run a week for 26 weeks
    runs = []
    for w in range(26):
        monday = today - timedelta(days=7 * w + 6)
        runs.append((monday, 30_000.0))
        runs.append((monday + timedelta(days=2), (target_week - 30) * 1000))
    shape = pr.marathon_shape(v, runs, today, first_day=today - timedelta(days=400))
    assert shape["weekly_pct"] == pytest.approx(100, abs=3)
    assert shape["target_long_km"] == pytest.approx(12 * 2.5257, abs=0.01)  # 12 ln(12.5)
    assert shape["shape_pct"] > 80
    empty = pr.marathon_shape(v, [], today)
    assert empty["shape_pct"] == 0.0


def test_shape_adjustment_rule():
    # Runalyze Prognosis/VO2max.php: required shape = d_km^1.23
    assert pr.shape_adjustment(42195, 100) == pytest.approx(1.0)
    assert pr.shape_adjustment(5000, 10) == 1.0
    assert pr.shape_adjustment(42195, 0) == pytest.approx(0.6 + 0.4 * (1 - 42.195**1.23 / 100))
    assert pr.shape_adjustment(42195, 50) < pr.shape_adjustment(21097.5, 50) <= 1.0


def test_predict_races_says_what_it_rests_on():
    d0 = date(2026, 3, 1)
    efforts = [
        pr.Effort(5000, 1200, d0, 1, True),
        pr.Effort(10000, 2500, d0 + timedelta(days=14), 2, True),
        pr.Effort(1609.344, 340, d0 + timedelta(days=20), 3),
        pr.Effort(21097.5, 7200, d0 + timedelta(days=21), 4),  # easy long run: not near-maximal
    ]
    out = pr.predict_races(efforts, shape_pct=40.0)
    marathon = {p.model: p for p in out["marathon"]}
    assert set(marathon) >= {"vdot", "riegel", "riegel_own", "vdot_shape"}
    best = max(efforts, key=lambda e: e.vdot)
    assert marathon["vdot"].time_s == pytest.approx(vd.race_time(best.vdot, 42195))
    assert marathon["vdot"].evidence == [best.activity_id]
    assert 4 not in marathon["riegel_own"].evidence
    # a low marathon shape makes the marathon slower than the plain VDOT prediction
    assert marathon["vdot_shape"].time_s > marathon["vdot"].time_s
    assert "Riegel" in marathon["riegel"].rests_on
    five = {p.model: p for p in out["5k"]}
    assert "critical_speed" in five and five["critical_speed"].time_s < 1500
    assert pr.predict_races([]) == {k: [] for k in vd.RACE_DISTANCES_M}


@pytest.mark.parametrize(
    "text, metres",
    [
        ("5k", 5000),
        ("10 km", 10000),
        ("half", 21097.5),
        ("Marathon", 42195),
        ("3000", 3000),
        ("1mile", 1609.344),
        ("2mi", 3218.688),
    ],
)
def test_parse_distance(text, metres):
    assert parse_distance(text) == pytest.approx(metres)


@pytest.mark.parametrize("text, seconds", [("21:50", 1310), ("1:45:30", 6330), ("95.5", 95.5)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["abc", "1:75", "-5", "0", "1:2:3:4"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match="time"):
        parse_duration(text)


def test_parse_distance_rejects():
    with pytest.raises(ValueError, match="5k, 10k, half, marathon"):
        parse_distance("5q")
