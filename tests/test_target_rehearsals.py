"""The ``course_rehearsals`` cycle target end to end: GPX runs imported, the race
course's climb found, the sessions that ran it at the race plan's effort counted.

Every run goes 3 km due north from the same point; the hilly ones climb 25 m over
500 m (5 %) from km 1. The race course is the same line, drawn without times. A run
rehearses the climb when it holds the plan's flat-equivalent effort on it (its GAP
pace within 5 % of the plan's).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.metrics.grade import get_gap

LAT0, LON0 = 47.3, 8.5
D = np.arange(0.0, 3001.0, 4.0)
HILL = 100 + np.clip(D - 1000, 0, 500) * 0.05
FLAT = np.full_like(D, 100.0)
RACE_GOAL_S = 780  # 13:00 over the 3 km


def _gpx(altitude: np.ndarray, times: np.ndarray | None, start: datetime | None) -> str:
    pts = []
    for k, (d, z) in enumerate(zip(D, altitude, strict=True)):
        t = ""
        if times is not None and start is not None:
            stamp = start + timedelta(seconds=float(times[k]))
            t = f"<time>{stamp.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}</time>"
        pts.append(
            f'<trkpt lat="{LAT0 + d / 111195.0:.7f}" lon="{LON0:.7f}"><ele>{z:.2f}</ele>{t}</trkpt>'
        )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>run</name><type>running</type>'
        "<trkseg>" + "".join(pts) + "</trkseg></trk></gpx>"
    )


def _times(altitude: np.ndarray, effort_m_per_s: float) -> np.ndarray:
    """Times of a run at an even effort: slower uphill by the GAP factor (Strava's)."""
    grade = np.gradient(altitude, D)
    speed = effort_m_per_s / get_gap(np.ones_like(D), grade, "strava")
    return np.concatenate([[0.0], np.cumsum(np.diff(D) / speed[1:])])


@pytest.fixture(scope="module")
def rehearsal_db(tmp_path_factory):
    from deliberun.plan.race_plan import race_plan

    root = tmp_path_factory.mktemp("rehearse")
    effort = 1000.0 / race_plan(D, HILL, RACE_GOAL_S)["effort_pace_s_per_km"]
    runs = {  # day: (profile, effort [m/s])
        "2026-02-10": (HILL, effort),  # before the cycle: the baseline
        "2026-03-05": (HILL, effort),
        "2026-03-12": (HILL, effort * 0.99),
        "2026-03-19": (FLAT, effort),  # no climb
        "2026-03-26": (HILL, effort * 1.2),  # the climb, far faster than race effort
    }
    files = root / "runs"
    files.mkdir()
    for day, (alt, speed) in runs.items():
        start = datetime.fromisoformat(day).replace(hour=7, tzinfo=UTC)
        (files / f"{day}.gpx").write_text(_gpx(alt, _times(alt, speed), start))
    (root / "race.gpx").write_text(_gpx(HILL, None, None))
    (root / "flat.gpx").write_text(_gpx(FLAT, None, None))
    db = str(root / "db.sqlite")
    for args in (
        ["import", str(files)],
        ["cycle", "create", "spring", "--start", "2026-03-01", "--end", "2026-05-31"],
    ):
        res = CliRunner().invoke(app, ["--db", db, *args])
        assert res.exit_code == 0, res.output
    return db, root


def _cli(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, "--today", "2026-04-01", *args])


def test_rehearsals_of_the_race_course_climb_are_counted_with_their_sessions(rehearsal_db):
    db, root = rehearsal_db
    res = _cli(
        db, "target", "add", "course_rehearsals", "4", "--course", str(root / "race.gpx"),
        "--race-goal", "13:00", "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    added = json.loads(res.stdout)
    assert added["name"] == "race" and added["params"]["climbs"] == 1
    assert added["params"]["climb_1_grade"] == pytest.approx(0.05, abs=0.01)
    res = _cli(db, "activities", "--json")
    ids = {a["local_date"]: a["id"] for a in json.loads(res.stdout)}

    res = _cli(db, "target", "show", str(added["id"]), "--json")
    assert res.exit_code == 0, res.output
    shown = json.loads(res.stdout)
    # two sessions in the cycle at race effort over the climb; the flat run and the
    # one 20 % too fast do not count; one before the cycle is the baseline
    assert shown["baseline"] == 1.0 and shown["current"] == 2.0
    assert shown["session_ids"] == [ids["2026-03-05"], ids["2026-03-12"]]
    assert shown["reached"] is False
    detail = shown["detail"]
    assert detail["climbs_total"] == 1 and detail["climbs_rehearsed"] == 1
    assert [s["activity_id"] for s in detail["climbs"][0]["sessions"]] == [
        ids["2026-03-05"],
        ids["2026-03-12"],
    ]
    res = _cli(db, "target", "show", str(added["id"]))
    assert res.exit_code == 0 and "1 of 1 climbs rehearsed" in res.output
    assert f"#{ids['2026-03-12']} 2026-03-12" in res.output

    res = _cli(db, "cycle", "show", "--json")
    [p] = json.loads(res.stdout)["progress"]
    assert p["target"]["kind"] == "course_rehearsals" and p["current"] == 2.0

    # the dashboard's Targets page (read-only: runs are profiled in memory) and its twin
    from datetime import date

    from fastapi.testclient import TestClient

    from deliberun.web.app import create_app

    client = TestClient(create_app(db, read_only=True, today=date(2026, 4, 1)))
    page = client.get("/targets")
    assert page.status_code == 200
    assert "1 of 1 climbs of the course rehearsed" in page.text
    assert f'href="/activities/{ids["2026-03-05"]}"' in page.text
    [twin] = client.get("/api/targets").json()["targets"]["targets"]
    assert twin["detail"]["climbs_rehearsed"] == 1 and twin["current"] == 2.0


def test_rehearsal_target_needs_a_course_with_a_climb_and_a_race_time(rehearsal_db):
    db, root = rehearsal_db
    res = _cli(db, "target", "add", "course_rehearsals", "4", "--race-goal", "13:00")
    assert res.exit_code == 2 and "--course" in res.output
    res = _cli(db, "target", "add", "course_rehearsals", "4", "--course", str(root / "race.gpx"))
    assert res.exit_code == 2 and "--race-goal" in res.output  # the cycle has no goal time
    res = _cli(
        db, "target", "add", "course_rehearsals", "4", "--course", str(root / "flat.gpx"),
        "--race-goal", "13:00",
    )  # fmt: skip
    assert res.exit_code == 1 and "no climb" in res.output
    res = _cli(db, "target", "add", "threshold_pace", "4:15", "--course", "x.gpx")
    assert res.exit_code == 2 and "course_rehearsals" in res.output


def test_a_rehearsal_target_without_its_course_is_refused():
    from deliberun.practice.targets import TargetSpec

    with pytest.raises(ValueError, match="--course"):
        TargetSpec("course_rehearsals", 4).validate()


def test_the_cycle_goal_time_is_taken_only_for_a_course_of_the_race_distance(rehearsal_db):
    """A marathon's goal time over a 3 km course would make a race effort of no race."""
    from deliberun.services.target_rehearsals import rehearsal_target
    from deliberun.store.db import Database

    db, root = rehearsal_db
    store = Database(db)
    race = str(root / "race.gpx")
    with pytest.raises(ValueError, match=r"3\.0 km and the cycle's race 42\.2 km.*--race-goal"):
        rehearsal_target(store, race, RACE_GOAL_S, 4, race_distance_m=42195.0)
    spec = rehearsal_target(store, race, RACE_GOAL_S, 4, race_distance_m=3000.0)
    assert spec.params["climbs"] == 1
    store.dispose()
