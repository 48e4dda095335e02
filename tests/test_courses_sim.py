"""Courses and same-session comparison end to end on the simulated athlete.

simulate -> import -> courses: the simulator runs each workout type on one of its
recurring routes (``sim/routes.py``), from a random point of the loop, with GPS noise
and spikes. Every run that goes at least once round a route must land on that route's
course, and no course may mix routes. Same-session: every repeat of a planned
structured session (same workout text) must be grouped with its peers.
"""

from __future__ import annotations

import collections
import json
from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.sim.routes import default_routes
from deliberun.sim.workouts import ROUTE_OF
from deliberun.store.db import Database


@pytest.fixture(scope="module")
def sim_db(tmp_path_factory):
    from deliberun.services import importer

    root = tmp_path_factory.mktemp("coursesim")
    out = root / "sim"
    res = CliRunner().invoke(
        app,
        ["simulate", "--scenario", "marathon", "--seed", "4", "--years", "0.5"]
        + ["--out", str(out), "--quiet"],
    )
    assert res.exit_code == 0, res.output
    truth = json.loads((out / "truth.json").read_text())
    db = Database(root / "db.sqlite")
    importer.import_paths(db, [out], workers=1)
    yield db, truth, root / "db.sqlite"
    db.dispose()


def _by_start(db: Database, truth: dict) -> dict[int, dict]:
    from deliberun.services.activities import list_activities

    sessions = {
        datetime.fromisoformat(s["start_time"]).replace(microsecond=0): s for s in truth["sessions"]
    }
    out = {}
    for a in list_activities(db):
        start = datetime.fromisoformat(a["start_time"]).replace(microsecond=0)
        out[a["id"]] = sessions[start]
    return out


def test_every_run_round_a_route_is_on_its_course_and_no_course_mixes_routes(sim_db):
    from deliberun.services import courses as svc

    db, truth, _ = sim_db
    truth_of = _by_start(db, truth)
    seed = truth.get("seed", 4)
    routes = default_routes(__import__("numpy").random.default_rng([seed, 1]))
    svc.sync_courses(db)
    courses = svc.list_courses(db, min_runs=1, sync=False)
    members: dict[int, int] = {}
    for c in courses:
        detail = svc.course_detail(db, c["id"], today=date(2030, 1, 1), sync=False)
        found = {truth_of[p["activity_id"]]["workout_type"] for p in detail["passes"]}
        assert len({ROUTE_OF[w] for w in found}) == 1, f"course {c['id']} mixes {found}"
        for p in detail["passes"]:
            members[p["activity_id"]] = c["id"]
    full = collections.defaultdict(set)
    for aid, s in truth_of.items():
        route = ROUTE_OF[s["workout_type"]]
        if s["distance_m"] >= routes[route].length:
            full[route].add(members[aid])
    assert set(full) >= {"river", "park", "long", "track"}
    for route, cids in full.items():
        assert len(cids) == 1, f"{route}: its full-loop runs are on courses {cids}"


def test_course_detail_shows_the_adjustments_and_a_trend(sim_db):
    from deliberun.services import courses as svc

    db, _, _ = sim_db
    top = svc.list_courses(db)[0]
    d = svc.course_detail(db, top["id"], today=date(2030, 1, 1))
    assert d["runs"] == top["runs"] >= 10
    for p in d["passes"]:
        assert p["adjusted_time_s"] == pytest.approx(
            p["time_s"] + p["gap_adjustment_s"] + p["heat_adjustment_s"]
        )
        # the simulated mornings are mostly warm enough for a heat adjustment to show
    assert any(p["heat_adjustment_s"] < 0 for p in d["passes"])
    assert d["progress"]["trend"]["verdict"] in ("faster", "slower", "no clear change")
    assert len(d["progress"]["fastest"]) == 3
    times = [p["time_s"] for p in d["progress"]["fastest"]]
    assert times == sorted(times) and times[0] == min(p["time_s"] for p in d["passes"])


def test_cli_courses_course_rename_and_segment(sim_db):
    db, truth, path = sim_db
    runner = CliRunner()
    res = runner.invoke(app, ["--db", str(path), "courses", "--json"])
    assert res.exit_code == 0, res.output
    courses = json.loads(res.stdout)
    assert {"id", "name", "distance_m", "runs", "best_time_s", "last_time_s"} <= courses[0].keys()
    cid = courses[0]["id"]
    res = runner.invoke(app, ["--db", str(path), "course", str(cid), "--rename", "River loop"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", str(path), "course", str(cid), "--json"])
    assert json.loads(res.stdout)["name"] == "River loop"
    res = runner.invoke(app, ["--db", str(path), "course", "99999"])
    assert res.exit_code == 1 and "no course 99999" in res.output
    # a segment from the first run of the course: later passes are found and timed
    first = json.loads(runner.invoke(app, ["--db", str(path), "course", str(cid), "--json"]).stdout)
    aid = first["passes"][0]["activity_id"]
    res = runner.invoke(
        app, ["--db", str(path), "segment", "add", str(aid), "--from", "1", "--to", "2", "--json"]
    )
    assert res.exit_code == 0, res.output
    sid = json.loads(res.stdout)["id"]
    res = runner.invoke(app, ["--db", str(path), "segment", "show", str(sid), "--json"])
    seg = json.loads(res.stdout)
    assert seg["passes"][0]["activity_id"] == aid
    assert seg["passes"][0]["start_m"] == pytest.approx(1000, abs=25)
    assert len({p["activity_id"] for p in seg["passes"]}) >= 5
    pace = [p["time_s"] / 1000 * 1000 for p in seg["passes"]]
    assert all(150 < x < 600 for x in pace)  # 2:30-10:00 /km: a real running time
    res = runner.invoke(app, ["--db", str(path), "segment", "add", str(aid), "--from", "2"])
    assert res.exit_code == 2 and "--to" in res.output


def test_every_repeat_of_a_structured_session_is_grouped_with_its_peers(sim_db):
    from deliberun.services import compare as svc

    db, truth, path = sim_db
    truth_of = _by_start(db, truth)
    by_text = collections.defaultdict(list)
    for aid, s in truth_of.items():
        if s["workout_type"] in ("intervals", "cruise_intervals") and s["n_reps"] >= 2:
            by_text[s["text"]].append(aid)
    repeated = {t: ids for t, ids in by_text.items() if len(ids) >= 2}
    assert repeated, "the scenario repeats structured sessions"
    today = date.fromisoformat(truth["end"]) + timedelta(days=1)
    for text, ids in repeated.items():
        got = {s["activity_id"] for s in svc.compare(db, ids[0], today=today)["sessions"]}
        assert set(ids) <= got, f"{text}: {sorted(set(ids) - got)} not grouped"
        others = {a for a in got if truth_of[a]["text"] != text}
        assert not others, f"{text}: grouped with {[truth_of[a]['text'] for a in others]}"
    res = CliRunner().invoke(app, ["--db", str(path), "compare", str(ids[0]), "--json"])
    data = json.loads(res.stdout)
    assert data["sessions"][0]["reps"][0]["pace_s_per_km"] > 0


def test_dashboard_pages_and_their_json_twins(sim_db):
    from fastapi.testclient import TestClient

    from deliberun.web.app import create_app

    db, truth, path = sim_db
    today = date.fromisoformat(truth["end"]) + timedelta(days=1)
    client = TestClient(create_app(str(path), today=today, warm=False))
    listed = client.get("/api/courses").json()["courses"]
    assert listed and listed[0]["runs"] >= listed[-1]["runs"]
    html = client.get("/courses").text
    assert f'href="/courses/{listed[0]["id"]}"' in html
    one = client.get(f"/api/courses/{listed[0]['id']}").json()
    assert one["runs"] == listed[0]["runs"] and len(one["passes"]) == one["runs"]
    page = client.get(f"/courses/{listed[0]['id']}").text
    assert "Trend of the adjusted time" in page and "heat adj." in page
    assert client.get("/api/courses/99999").status_code == 404
    truth_of = _by_start(db, truth)
    aid = next(a for a, s in truth_of.items() if s["workout_type"] == "intervals")
    cmp = client.get(f"/api/compare/{aid}").json()
    assert any(s["activity_id"] == aid for s in cmp["sessions"])
    assert "Same session" in client.get(f"/compare/{aid}").text
    assert client.get("/api/compare/99999").status_code == 404


def test_a_segment_from_a_gpx_path_finds_the_runs_over_it(sim_db, tmp_path):
    import numpy as np

    from deliberun.sim.profile import Profile

    db, truth, path = sim_db
    route = default_routes(np.random.default_rng([truth.get("seed", 4), 1]))["park"]
    d = np.arange(2000.0, 3500.0, 10.0)
    x, y, _ = route.at(d)
    from deliberun.sim.routes import to_lat_lon

    lat, lon = to_lat_lon(x, y, Profile().home)
    pts = "".join(f'<rtept lat="{a:.7f}" lon="{b:.7f}"/>' for a, b in zip(lat, lon, strict=True))
    gpx = tmp_path / "park_stretch.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/1/1"><rte>{pts}</rte></gpx>'
    )
    runner = CliRunner()
    res = runner.invoke(app, ["--db", str(path), "segment", "add", "--gpx", str(gpx), "--json"])
    assert res.exit_code == 0, res.output
    seg = json.loads(res.stdout)
    assert seg["distance_m"] == pytest.approx(1500, rel=0.02)
    res = runner.invoke(app, ["--db", str(path), "segment", "show", str(seg["id"]), "--json"])
    passes = json.loads(res.stdout)["passes"]
    truth_of = _by_start(db, truth)
    assert len(passes) >= 10
    assert {ROUTE_OF[truth_of[p["activity_id"]]["workout_type"]] for p in passes} == {"park"}
    bad = tmp_path / "bad.gpx"
    bad.write_text("<gpx><rte><rtept lat='1' lon='1'/></rte></gpx>")
    res = runner.invoke(app, ["--db", str(path), "segment", "add", "--gpx", str(bad)])
    assert res.exit_code == 1 and "bad.gpx" in res.output
