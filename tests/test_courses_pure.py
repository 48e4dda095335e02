"""Track matching, segments, progress and the race plan, on tracks drawn from the
simulator's routes (``sim/routes.py``) with GPS noise."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from deliberun.practice import course_progress as cp
from deliberun.practice.course_tracks import PathShape, profile_from_streams
from deliberun.practice.courses import build_courses, run_on_course
from deliberun.practice.segments import find_passes, segment_from_run
from deliberun.sim.routes import make_route, to_lat_lon

HOME = (48.2, 16.4)


def _run(route, *, start, distance, speed=3.2, noise_m=4.0, seed=0, reverse=False, aid=1):
    """A run of ``distance`` m round ``route`` from ``start`` m, 1 Hz, with AR(1) GPS noise."""
    rng = np.random.default_rng(seed)
    n = int(distance / speed)
    s = np.arange(n) * speed
    pos = start - s if reverse else start + s
    x, y, alt = route.at(pos)
    wander = np.cumsum(rng.normal(0, 0.3, (2, n)), axis=1)
    wander = noise_m * wander / max(1.0, float(np.abs(wander).max()))
    x = x + wander[0] + rng.normal(0, 1.0, n)
    y = y + wander[1] + rng.normal(0, 1.0, n)
    k = rng.integers(0, n, 3)
    x[k] += 150.0  # three GPS spikes
    lat, lon = to_lat_lon(x, y, HOME)
    return profile_from_streams(
        aid, np.arange(n, dtype=float), lat, lon, distance=s, altitude=alt,
        heart_rate=np.full(n, 150.0),
    )  # fmt: skip


@pytest.fixture(scope="module")
def routes():
    rng = np.random.default_rng(7)
    return {
        "a": make_route("a", 5000.0, 30.0, rng),
        "b": make_route("b", 5000.0, 30.0, rng),
        "c": make_route("c", 8000.0, 30.0, rng),
    }


def test_a_loop_matches_from_any_start_either_way_and_not_another_loop(routes):
    a = routes["a"]
    ref = _run(a, start=0, distance=5000, aid=1)
    later = _run(a, start=2100, distance=5200, seed=1, aid=2)
    backwards = _run(a, start=3000, distance=5100, seed=2, reverse=True, aid=3)
    other = _run(routes["b"], start=0, distance=5000, seed=3, aid=4)
    half = _run(a, start=0, distance=2500, seed=4, aid=5)
    shapes = {
        p.activity_id: PathShape(p.latitude, p.longitude)
        for p in (ref, later, backwards, other, half)
    }
    assert shapes[1].matches(shapes[2])[0]
    assert shapes[1].matches(shapes[3])[0]
    assert not shapes[1].matches(shapes[4])[0]
    assert not shapes[1].matches(shapes[5])[0]  # half a loop is another course
    from deliberun.practice.course_tracks import direction

    assert direction(shapes[1], shapes[2]) == "same"
    assert direction(shapes[1], shapes[3]) == "reverse"


def test_build_courses_groups_runs_by_route(routes):
    runs = []
    truth = {}
    rng = np.random.default_rng(11)
    for i in range(30):
        name = ["a", "b", "c"][i % 3]
        r = routes[name]
        aid = i + 1
        runs.append(
            _run(r, start=float(rng.uniform(0, r.length)), distance=r.length * rng.uniform(1.0, 1.5),
                 seed=i, reverse=bool(rng.random() < 0.3), aid=aid)
        )  # fmt: skip
        truth[aid] = name
    index = build_courses(runs)
    assert len(index) == 3
    for c in index.courses:
        assert len({truth[m] for m in c.members}) == 1 and len(c.members) == 10


def test_run_on_course_times_one_lap_and_gap_evens_the_hills(routes):
    a = routes["a"]
    p = _run(a, start=0, distance=8000, speed=3.0, aid=1)
    r = run_on_course(p, 5000.0)
    assert r["time_s"] == pytest.approx(5000 / 3.0, rel=0.01)
    # a loop closes in height, so its GAP time over one lap is close to the raw time
    assert r["gap_time_s"] == pytest.approx(r["time_s"], rel=0.02)
    assert r["avg_hr_bpm"] == pytest.approx(150.0)


def test_a_segment_is_found_and_timed_on_every_pass(routes):
    a = routes["a"]
    ref = _run(a, start=0, distance=5000, speed=3.0, aid=1)
    lat, lon, length = segment_from_run(ref, 1000.0, 2000.0)
    assert length == 1000.0
    twice = _run(a, start=500, distance=10600, speed=3.5, seed=5, aid=2)
    passes = find_passes(lat, lon, length, twice)
    assert len(passes) == 2  # the run went round twice
    for p in passes:
        assert p["time_s"] == pytest.approx(1000 / 3.5, abs=6)  # GPS noise: a few metres
    backwards = _run(a, start=3000, distance=5100, seed=6, reverse=True, aid=3)
    assert find_passes(lat, lon, length, backwards) == []  # a segment has a direction
    with pytest.raises(ValueError, match="past the end"):
        segment_from_run(ref, 1000.0, 9000.0)


def test_heat_and_trend():
    assert cp.heat_factor(None) == 1.0 and cp.heat_factor(5.0) == 1.0
    assert cp.heat_factor(20.0) == pytest.approx(1.03)
    rng = np.random.default_rng(0)
    days = list(range(0, 200, 10))
    flat = [1500 + rng.normal(0, 20) for _ in days]
    assert cp.trend(days, flat)["verdict"] == "no clear change"
    faster = [1500 - 0.5 * d + rng.normal(0, 10) for d in days]
    t = cp.trend(days, faster)
    assert t["verdict"] == "faster" and t["ci_low"] < -15 < t["ci_high"] < 0
    assert cp.trend(days[:3], flat[:3]) is None
    d0 = date(2025, 1, 1)
    rows = cp.adjust(
        [cp.Pass(1, d0, 1500.0, gap_time_s=1490.0, temperature_c=25.0, avg_hr_bpm=150),
         cp.Pass(2, d0 + timedelta(days=7), 1480.0, gap_time_s=1480.0, avg_hr_bpm=160)]
    )  # fmt: skip
    assert rows[0]["gap_adjustment_s"] == -10.0
    assert rows[0]["heat_adjustment_s"] == pytest.approx(1490 / 1.045 - 1490)
    assert rows[1]["heat_adjustment_s"] == 0.0
    assert rows[1]["hr_normalised_time_s"] > rows[1]["adjusted_time_s"]  # above its median HR


def _hilly_course(length=21097.5, relief=120.0):
    route = make_route("hilly", 30000.0, relief, np.random.default_rng(3))
    d = np.arange(0.0, length, 5.0)
    d = np.append(d, length)
    _, _, alt = route.at(d)
    return d, alt


@pytest.mark.parametrize("unit", ["km", "mi"])
def test_race_plan_evens_gap_and_sums_to_the_goal(unit):
    from deliberun.plan.race_plan import race_plan

    d, alt = _hilly_course()
    plan = race_plan(d, alt, 1 * 3600 + 39 * 60 + 7, unit=unit)
    assert plan["total_s"] == sum(s["time_s"] for s in plan["splits"]) == 5947
    assert plan["ascent_m"] > 100
    # raw paces differ by tens of s/km on the hills; GAP is even but for the rounding
    # of each split to a whole second (1 s over a km: 1 s/km)
    assert plan["spread"]["pace_s_per_km"] > 10
    assert plan["spread"]["gap_pace_s_per_km"] <= 1.5 if unit == "km" else 1.0
    up = max(plan["splits"], key=lambda s: s["grade_pct"])
    down = min(plan["splits"], key=lambda s: s["grade_pct"])
    assert up["pace_s_per_km"] > down["pace_s_per_km"]


def test_race_plan_with_heat_slows_the_hot_end_and_keeps_the_goal():
    from deliberun.plan.race_plan import race_plan

    d = np.linspace(0, 10000, 1001)
    plan = race_plan(d, np.zeros_like(d), 2700, temperature_c=10, temperature_end_c=30)
    times = [s["time_s"] for s in plan["splits"]]
    assert sum(times) == 2700 and times[-1] > times[0] + 5
    assert plan["spread"]["effort_pace_s_per_km"] <= 1.0
    with pytest.raises(ValueError, match="unit"):
        race_plan(d, np.zeros_like(d), 2700, unit="furlong")


def test_race_plan_cli_writes_a_fit_workout_and_a_pace_band(tmp_path):
    import json

    from typer.testing import CliRunner

    from deliberun.cli.main import app
    from deliberun.plan.formats.fit_workout import parse_fit_workout

    d, alt = _hilly_course(10000.0)
    route = make_route("hilly", 30000.0, 120.0, np.random.default_rng(3))
    x, y, _ = route.at(d)
    lat, lon = to_lat_lon(x, y, HOME)
    pts = "".join(
        f'<trkpt lat="{a:.7f}" lon="{b:.7f}"><ele>{z:.1f}</ele></trkpt>'
        for a, b, z in zip(lat, lon, alt, strict=True)
    )
    gpx = tmp_path / "hilly10k.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>hilly</name><trkseg>'
        + pts
        + "</trkseg></trk></gpx>"
    )
    fit, band = tmp_path / "plan.fit", tmp_path / "band.html"
    res = CliRunner().invoke(
        app,
        ["--db", str(tmp_path / "db.sqlite"), "race-plan", str(gpx), "--goal", "45:00",
         "--fit", str(fit), "--band", str(band), "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert plan["total_s"] == 2700 and len(plan["splits"]) == 10
    wk = parse_fit_workout(fit.read_bytes())
    assert len(wk.steps) == 10
    assert wk.steps[0].distance_m == pytest.approx(plan["splits"][0]["distance_m"], abs=1)
    assert "45:00" in band.read_text()
    res = CliRunner().invoke(
        app,
        ["--db", str(tmp_path / "db.sqlite"), "race-plan", str(gpx), "--goal", "45:00",
         "--unit", "mi", "--band", str(band)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    # 45:00 over 10 km is 4:30 /km = 7:14 /mi: every pace a miler reads is per mile
    assert "pace /mi" in res.stdout and "/km" not in res.stdout
    assert "/km" not in band.read_text() and "/mi" in band.read_text()
    res = CliRunner().invoke(
        app, ["--db", str(tmp_path / "db.sqlite"), "race-plan", str(gpx), "--goal", "soon"]
    )
    assert res.exit_code == 2 and "h:mm:ss" in res.output
    res = CliRunner().invoke(
        app,
        [
            "--db",
            str(tmp_path / "db.sqlite"),
            "race-plan",
            str(tmp_path / "no.gpx"),
            "--goal",
            "45:00",
        ],
    )
    assert res.exit_code == 1 and "no.gpx" in res.output


def test_climbs_and_the_runs_that_rehearsed_them():
    from deliberun.metrics.grade import strava_speed_factor
    from deliberun.plan.rehearsals import climbs, rehearsals

    d = np.arange(0.0, 3001.0, 1.0)
    alt = 100 + np.clip(d - 1000, 0, 500) * 0.05
    [c] = climbs(d, alt)
    assert c["length_m"] == pytest.approx(500, abs=110) and c["grade"] == pytest.approx(
        0.05, abs=0.01
    )
    effort = 4.0  # m/s flat-equivalent: 250 s/km
    slow = effort / float(strava_speed_factor(0.05))

    def run(altitude, aid):
        speed = np.where((d >= 1000) & (d < 1500) & (altitude is alt), slow, effort)
        t = np.concatenate([[0.0], np.cumsum(np.diff(d) / speed[1:])])
        lat = HOME[0] + d / 111195.0
        return profile_from_streams(
            aid, t, lat, np.full_like(d, HOME[1]), distance=d, altitude=altitude
        )

    hilly, flat = run(alt, 1), run(np.full_like(d, 100.0), 2)
    found = rehearsals(c, [hilly, flat], 250.0)
    assert [r["activity_id"] for r in found] == [1]
    assert found[0]["gap_pace_s_per_km"] == pytest.approx(250, rel=0.05)
    assert rehearsals(c, [hilly], 200.0) == []  # not at race effort
