"""The group dashboard: ``/group`` and ``/api/group``, then each athlete's own pages.

In the browser (Debian chromium via Playwright): the group page fits a phone and a
desktop without sideways scrolling, and clicking an athlete opens their pages (their
runs only, the nav links back to the group). Without a browser: the JSON twin, the
athlete chosen by ``?athlete=`` or the cookie, unknown names and no choice refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deliberun.services.athletes import add_athlete
from deliberun.services.group import group
from deliberun.services.importer import import_paths
from deliberun.store.db import Database
from deliberun.web.group_app import create_group_app
from live_server import serving

REAL = Path(__file__).parent / "data" / "real"
#: Real device files (tests/data/real/MANIFEST.tsv); the damaged ones are left out.
FILES = sorted(p for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)
NOW = datetime(2021, 4, 21, 8, tzinfo=UTC)
TODAY = date(2021, 4, 20)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def group_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, list[int]]]:
    url = str(tmp_path_factory.mktemp("webgroup") / "group.db")
    db = Database(url)
    runs = {"me": import_paths(db, FILES[:3], workers=1, now=NOW).imported}
    for name, files in (("eve", FILES[3:6]), ("zoë r", [])):
        add_athlete(db, name, now=NOW)
        runs[name] = import_paths(db.for_athlete(name), files, workers=1, now=NOW).imported
    db.dispose()
    return url, runs


def _client(url: str) -> TestClient:
    return TestClient(create_group_app(url, today=TODAY), base_url="http://127.0.0.1:8765")


def test_the_json_twin_is_the_group_service(group_db: tuple[str, dict[str, list[int]]]) -> None:
    url, _ = group_db
    got = _client(url).get("/api/group").json()
    want = group(Database(url), today=TODAY)
    assert got["page"] == "group"
    assert [a["name"] for a in got["athletes"]] == [a["name"] for a in want["athletes"]]
    assert [a["flags"] for a in got["athletes"]] == [a["flags"] for a in want["athletes"]]


def test_each_athlete_is_opened_by_name(group_db: tuple[str, dict[str, list[int]]]) -> None:
    url, runs = group_db
    client = _client(url)
    assert client.get("/", follow_redirects=False).headers["location"] == "/group"
    none = client.get("/api/activities")  # no athlete chosen yet: say how to choose
    assert none.status_code == 404 and "/group" in none.json()["error"]
    for name in ("eve", "me"):
        opened = client.get(f"/athletes/{name}", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/today"
        rows = client.get("/api/activities").json()["activities"]["rows"]
        assert sorted(r["id"] for r in rows) == sorted(runs[name])
        other = runs["me" if name == "eve" else "eve"][0]
        assert client.get(f"/api/activities/{other}").status_code == 404
        assert ">Group</a>" in client.get("/today").text
    by_query = _client(url).get("/api/activities", params={"athlete": "eve"}).json()
    assert sorted(r["id"] for r in by_query["activities"]["rows"]) == sorted(runs["eve"])
    wrong = _client(url).get("/api/today", params={"athlete": "nobody"})
    assert wrong.status_code == 404 and "no athlete named 'nobody'" in wrong.json()["error"]
    assert _client(url).get("/athletes/nobody").status_code == 404


@pytest.fixture(scope="module")
def server(group_db: tuple[str, dict[str, list[int]]]) -> Iterator[str]:
    with serving(create_group_app(group_db[0], today=TODAY)) as url:
        yield url


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_group_page_in_the_browser(
    browser: Any, server: str, group_db: tuple[str, dict[str, list[int]]], viewport: dict[str, int]
) -> None:
    _, runs = group_db
    page = browser.new_context(viewport=viewport).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/group")
    names = page.locator(".athlete-line").evaluate_all("els => els.map(e => e.dataset.athlete)")
    assert sorted(names) == ["eve", "me", "zoë r"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.locator("[data-athlete='zoë r'] .flag-no_data").count() == 1
    page.locator("[data-athlete='eve'] a.open-athlete").click()
    page.wait_for_url(f"{server}/today")
    assert page.locator("header .athlete").inner_text() == "eve"
    page.goto(f"{server}/activities")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.locator("header nav a[href='/group']").count() == 1
    page.locator("header nav a[href='/group']").click()
    page.wait_for_url(f"{server}/group")
    page.locator("[data-athlete='zoë r'] a.open-athlete").click()
    page.wait_for_url(f"{server}/today")
    assert page.locator("header .athlete").inner_text() == "zoë r"
    assert len(runs["eve"]) > 0 and errors == []


class _Ctx:
    """What ``serve`` reads of its Typer context: the root's options."""

    def __init__(self, db: str, athlete: str | None) -> None:
        self.obj = {"db": db, "athlete": athlete}

    def find_root(self) -> _Ctx:
        return self


def test_serve_opens_the_group_only_for_several_athletes_and_no_name(
    group_db: tuple[str, dict[str, list[int]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deliberun.cli.cmd_serve import _group_app
    from deliberun.web.group_app import GroupDispatch

    monkeypatch.delenv("DELIBERUN_ATHLETE", raising=False)
    url, _ = group_db
    hosts = frozenset({"127.0.0.1:8765"})
    assert isinstance(_group_app(_Ctx(url, None), False, hosts, TODAY), GroupDispatch)
    assert _group_app(_Ctx(url, "eve"), False, hosts, TODAY) is None  # her dashboard
    one = str(tmp_path / "one.db")
    Database(one).dispose()
    assert _group_app(_Ctx(one, None), False, hosts, TODAY) is None  # one runner: as before
