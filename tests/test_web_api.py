"""The dashboard over HTTP without a browser: JSON twins, errors, CSRF, read-only."""

from __future__ import annotations

import re
import warnings
from datetime import date
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from deliberun.services import dashboard_sources
from deliberun.store import repository as repo
from deliberun.store.settings_repo import get_settings, set_settings
from deliberun.web.app import create_app
from test_web_data import LAST_DAY, build_db

PAGES = ("today", "calendar", "activities", "fitness", "targets", "experiments", "plan")
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "athlete.db"
    build_db(path, weeks=4)
    return path


@pytest.fixture()
def client(filled: Path) -> TestClient:
    return TestClient(create_app(str(filled), today=LAST_DAY), base_url="http://127.0.0.1:8765")


def _ids(path: Path) -> list[int]:
    from deliberun.store.db import Database

    db = Database(path)
    with db.session() as s:
        return [r.id for r in repo.list_activities(s)]


def _token(client: TestClient, url: str) -> str:
    page = client.get(url, headers=HTML)
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
        r'"X-CSRF-Token": "([^"]+)"', page.text
    )
    assert match, "the page carries no CSRF token"
    return match.group(1)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_and_its_json_twin(client: TestClient, page: str) -> None:
    html = client.get(f"/{page}", headers=HTML)
    assert html.status_code == 200
    assert "<nav>" in html.text and f'data-page="{page}"' in html.text
    api = client.get(f"/api/{page}")
    assert api.status_code == 200
    data = api.json()
    assert data["page"] == page and data["units"] == "metric"
    assert data["today"] == LAST_DAY.isoformat()
    assert client.get(f"/{page}?format=json").json() == data


def test_activities_list_is_newest_first(client: TestClient, filled: Path) -> None:
    data = client.get("/api/activities").json()["activities"]
    assert data["available"] and data["total"] == len(_ids(filled)) == 20
    dates = [a["local_date"] for a in data["rows"]]
    assert dates == sorted(dates, reverse=True) and dates[0] == LAST_DAY.isoformat()
    page2 = client.get("/api/activities?limit=5&offset=5").json()["activities"]
    assert [a["id"] for a in page2["rows"]] == [a["id"] for a in data["rows"][5:10]]


def test_activity_json_has_charts_route_and_sections(client: TestClient, filled: Path) -> None:
    aid = _ids(filled)[-1]
    data = client.get(f"/api/activities/{aid}").json()
    assert data["activity"]["id"] == aid
    assert set(data["charts"]) == {"pace", "heart_rate", "elevation", "cadence"}
    pace = data["charts"]["pace"]["data"][0]
    assert len(pace["x"]) == len(pace["y"]) <= 800
    # the x axis is distance in km: the last point is the run's distance
    assert pace["x"][-1] == pytest.approx(data["activity"]["distance_m"] / 1000, rel=0.01)
    assert data["route"]["path"].startswith("M") and data["route"]["width"] > 0
    by_time = client.get(f"/api/activities/{aid}?x=time").json()
    assert by_time["charts"]["pace"]["layout"]["xaxis"]["title"]["text"] == "time (min)"
    html = client.get(f"/activities/{aid}", headers=HTML).text
    assert "<svg" in html and 'id="chart-pace"' in html and "/static/plotly.min.js" in html


def test_units_follow_the_athlete_setting(tmp_path: Path) -> None:
    path = tmp_path / "mi.db"
    db = build_db(path, weeks=1)
    with db.session() as s, s.begin():
        settings = get_settings(s)
        settings.units = "imperial"
        set_settings(s, settings)
    c = TestClient(create_app(str(path), today=LAST_DAY))
    aid = _ids(path)[-1]
    data = c.get(f"/api/activities/{aid}").json()
    assert data["units"] == "imperial"
    assert data["charts"]["pace"]["layout"]["xaxis"]["title"]["text"] == "distance (mi)"
    assert data["charts"]["elevation"]["layout"]["title"]["text"] == "elevation (ft)"
    html = c.get("/activities", headers=HTML).text
    assert " mi<" in html and " km<" not in html


def test_empty_database_shows_hints_not_errors(tmp_path: Path) -> None:
    c = TestClient(create_app(str(tmp_path / "empty.db"), today=LAST_DAY))
    for page in PAGES:
        r = c.get(f"/{page}", headers=HTML)
        assert r.status_code == 200, page
        assert "section failed" not in r.text, page
    acts = c.get("/api/activities").json()["activities"]
    assert acts == {"available": False, "hint": acts["hint"]} and "deliberun import" in acts["hint"]


@pytest.mark.parametrize(
    ("url", "status", "fragment"),
    [
        ("/api/activities/999999", 404, "no activity with id 999999"),
        ("/api/activities/abc", 400, "bad request"),
        ("/api/calendar?weeks=99", 400, "weeks must be between 1 and 26"),
        ("/api/calendar?start=yesterday", 400, "start='yesterday' is not a date"),
        ("/api/fitness?days=x", 400, "days='x' is not a whole number"),
        ("/api/activities/1?x=speed", 400, "unknown x axis"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    client: TestClient, url: str, status: int, fragment: str
) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert fragment in r.json()["error"]


def test_static_assets_are_served_locally(client: TestClient) -> None:
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/htmx.min.js").status_code == 200
    page = client.get("/today", headers=HTML)
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert page.headers["x-frame-options"] == "DENY"  # no clickjacking of the forms
    first = TestClient(client.app).get("/today", headers=HTML)  # a new browser session
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_post_without_token_or_origin_is_refused(client: TestClient, filled: Path) -> None:
    aid = _ids(filled)[0]
    url = f"/activities/{aid}/journal"
    token = _token(client, f"/activities/{aid}")
    same = {"origin": "http://127.0.0.1:8765"}
    # no Origin/Referer at all
    assert client.post(url, data={"rpe": "5", "csrf_token": token}).status_code == 403
    # another site
    evil = {"origin": "http://evil.example"}
    r = client.post(url, data={"rpe": "5", "csrf_token": token}, headers=evil)
    assert r.status_code == 403 and "cross-site" in r.text
    # right origin, wrong or missing token
    r = client.post(url, data={"rpe": "5", "csrf_token": "x" * 40}, headers=same)
    assert r.status_code == 403 and "token" in r.text
    assert client.post(url, data={"rpe": "5"}, headers=same).status_code == 403
    # a token from another browser session (cookie) does not pass either
    other = TestClient(client.app, base_url="http://127.0.0.1:8765")
    r = other.post(url, data={"rpe": "5", "csrf_token": token}, headers=same)
    assert r.status_code == 403


def test_read_only_refuses_writes(filled: Path) -> None:
    c = TestClient(create_app(str(filled), read_only=True, today=LAST_DAY))
    aid = _ids(filled)[0]
    token = _token(c, f"/activities/{aid}")
    r = c.post(
        f"/activities/{aid}/journal",
        data={"rpe": "5", "csrf_token": token},
        headers={"origin": "http://testserver"},
    )
    assert r.status_code == 403 and "read-only" in r.text
    r = c.post(
        "/plan/move",
        data={"workout": "1", "date": "2026-03-04", "csrf_token": token},
        headers={"origin": "http://testserver"},
    )  # a valid form: refused because the dashboard is read-only, not by the CSRF check
    assert r.status_code == 403 and "read-only" in r.text
    assert "read-only" in c.get("/today", headers=HTML).text


def test_bad_journal_input_is_refused_and_nothing_stored(client: TestClient, filled: Path) -> None:
    aid = _ids(filled)[1]
    token = _token(client, f"/activities/{aid}")
    same = {"origin": "http://127.0.0.1:8765"}
    before = client.get(f"/api/activities/{aid}").json()["journal"]
    r = client.post(
        f"/activities/{aid}/journal",
        data={"rpe": "eleven", "feel": "9", "csrf_token": token},
        headers={**same, **HTML},
    )
    assert r.status_code == 400
    assert "Nothing was saved" in r.text and "rpe" in r.text and "feel" in r.text
    assert 'value="eleven"' in r.text  # the runner's input is kept to correct it
    assert client.get(f"/api/activities/{aid}").json()["journal"] == before


PLAN_YAML = """\
- {date: 2026-02-24, workout_type: easy, text: 8km E}
- {date: 2026-02-25, workout_type: intervals, text: 2km E + 6x800m @I w/ 400m jog + 2km E}
- {date: 2026-03-01, workout_type: long, text: 18km E}
- {date: 2026-03-03, workout_type: easy, text: 8km E}
- {date: 2026-03-05, workout_type: tempo, text: 2km E + 20min @T + 2km E}
"""


@pytest.fixture()
def planned(tmp_path: Path) -> Path:
    from datetime import UTC, datetime

    import deliberun.services.plan as plan

    path = tmp_path / "planned.db"
    db = build_db(path, weeks=2)
    (tmp_path / "plan.yaml").write_text(PLAN_YAML)
    plan.import_file(db, tmp_path / "plan.yaml", now=datetime(2026, 2, 20, tzinfo=UTC))
    return path


def test_plan_calendar_and_today_show_the_plan(planned: Path) -> None:
    c = TestClient(create_app(str(planned), today=LAST_DAY))
    data = c.get("/api/plan").json()["plan"]
    assert data["available"]
    days = [w for week in data["weeks"] for w in week["workouts"]]
    assert [d["date"] for d in days] == [
        "2026-02-24", "2026-02-25", "2026-03-01", "2026-03-03", "2026-03-05"
    ]  # fmt: skip
    assert [d["movable"] for d in days] == [False, False, True, True, True]
    assert data["chart"]["data"] and data["projection"]
    cal = c.get("/api/calendar").json()
    cells = {d["date"]: d for w in cal["weeks"] for d in w["days"]}
    assert cells["2026-02-25"]["planned"][0]["workout_type"] == "intervals"
    assert cells["2026-02-25"]["done"] and cells["2026-02-25"]["compliance"]["colour"] in (
        "green", "yellow", "red"
    )  # fmt: skip
    today = c.get("/api/today").json()["week"]
    assert today["has_plan"] and [p["text"] for p in today["days"][6]["planned"]] == ["18km E"]


def _plan_days(c: TestClient) -> list[dict]:
    return [w for wk in c.get("/api/plan").json()["plan"]["weeks"] for w in wk["workouts"]]


def _id_on(c: TestClient, day: str) -> int:
    return int(next(d["id"] for d in _plan_days(c) if d["date"] == day))


def test_moving_a_workout_by_the_form(planned: Path) -> None:
    c = TestClient(create_app(str(planned), today=LAST_DAY))
    token = _token(c, "/plan")
    same = {"origin": "http://testserver"}
    wid = _id_on(c, "2026-03-03")
    r = c.post(
        "/plan/move",
        data={"workout": str(wid), "date": "2026-03-04", "csrf_token": token},
        headers=same,
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/plan?moved={wid}"
    days = _plan_days(c)
    assert "2026-03-04" in [d["date"] for d in days] and "2026-03-03" not in [
        d["date"] for d in days
    ]
    assert _id_on(c, "2026-03-04") == wid  # the workout keeps its id
    # onto a day that already has a session: refused with the reason, nothing changed
    r = c.post(
        "/plan/move",
        data={"workout": str(wid), "date": "2026-03-05", "csrf_token": token},
        headers={**same, **HTML},
    )
    assert r.status_code == 400 and "2026-03-05 already has a session (tempo" in r.text
    # into the past, and an unknown workout: refused
    r = c.post(
        "/plan/move",
        data={"workout": str(wid), "date": "2026-02-20", "csrf_token": token},
        headers={**same, **HTML},
    )
    assert r.status_code == 400 and "2026-02-20 is in the past" in r.text
    r = c.post(
        "/plan/move",
        data={"workout": "99999", "date": "2026-03-06", "csrf_token": token},
        headers={**same, **HTML},
    )
    assert r.status_code == 400 and "no workout #99999 in the current plan" in r.text
    r = c.post(
        "/plan/move",
        data={"workout": str(wid), "date": "next friday", "csrf_token": token},
        headers={**same, **HTML},
    )
    assert r.status_code == 400 and "is not a date: use YYYY-MM-DD" in r.text
    after = _plan_days(c)
    assert [d["date"] for d in after] == [d["date"] for d in days]


def test_page_cache_sees_writes_from_another_process(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    build_db(path, weeks=1)
    # as of the last day of the runs added below (the list shows nothing run after today)
    app = create_app(str(path), today=max(LAST_DAY, date(2026, 3, 8)))
    c = TestClient(app)
    first = c.get("/api/activities").json()["activities"]["total"]
    assert c.get("/api/activities").json()["activities"]["total"] == first
    assert app.state.cache.hits >= 1  # the second view came from the cache
    # another connection (as an import in another terminal would) adds a week of runs
    build_db(path, weeks=1, last_day=date(2026, 3, 8), seed=2)
    assert c.get("/api/activities").json()["activities"]["total"] == first + 5


def test_a_failing_section_does_not_take_the_page_down(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("fitness model exploded")

    monkeypatch.setattr(dashboard_sources, "fitness", broken)
    client.app.state.cache.clear()
    data = client.get("/api/today").json()
    assert data["form"] == {
        "available": False,
        "hint": data["form"]["hint"],
        "error": "fitness model exploded",
    }
    assert data["week"]["available"]  # the rest of the page is there
    html = client.get("/today", headers=HTML).text
    assert "This section failed: fitness model exploded" in html
    client.app.state.cache.clear()


def test_warm_up_builds_the_default_pages_in_the_background(filled: Path) -> None:
    import time

    app = create_app(str(filled), today=LAST_DAY, warm=True)
    with TestClient(app) as c:  # runs the lifespan: the warm-up thread starts
        deadline = time.monotonic() + 60
        while app.state.cache.misses < 7 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert app.state.cache.misses >= 7  # every default page built once
        hits = app.state.cache.hits
        for page in PAGES:
            assert c.get(f"/api/{page}").status_code == 200
        assert app.state.cache.hits == hits + len(PAGES)  # all served from the cache


def test_every_response_carries_the_content_security_policy(client: TestClient) -> None:
    for url, headers in (("/today", HTML), ("/api/today", {}), ("/nowhere", HTML)):
        csp = client.get(url, headers=headers).headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "unsafe-eval" not in csp and "http" not in csp  # no eval, no external host


def test_the_race_button_marks_and_unmarks_a_run(tmp_path: Path, filled: Path) -> None:
    import shutil

    path = tmp_path / "copy.db"
    shutil.copy(filled, path)
    client = TestClient(create_app(str(path), today=LAST_DAY), base_url="http://127.0.0.1:8765")
    aid = _ids(path)[1]
    page = client.get(f"/activities/{aid}", headers=HTML)
    assert 'id="race"' in page.text and 'id="race-mark"' in page.text
    token = _token(client, f"/activities/{aid}")
    same = {"origin": "http://127.0.0.1:8765"}
    r = client.post(f"/activities/{aid}/race", data={"mark": "race", "csrf_token": token},
                    headers={**same, **HTML}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    race = client.get(f"/api/activities/{aid}").json()["race"]
    assert race["is_race"] is True and race["source"] == "runner"
    r = client.post(f"/activities/{aid}/race", data={"mark": "auto", "csrf_token": token},
                    headers={**same, **HTML}, follow_redirects=False)  # fmt: skip
    assert client.get(f"/api/activities/{aid}").json()["race"]["source"] == "classifier"
    bad = client.post(f"/activities/{aid}/race", data={"mark": "maybe", "csrf_token": token},
                      headers={**same, **HTML})  # fmt: skip
    assert bad.status_code == 400
