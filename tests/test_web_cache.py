"""The page cache: what changes its fingerprint, one build per page, invalidation after writes."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import warnings
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from deliberun.store import repository as repo
from deliberun.store.db import Database
from deliberun.web.app import create_app
from deliberun.web.cache import PageCache
from deliberun.web.routes import page_key, warm
from test_web_data import LAST_DAY, build_db

HTML = {"accept": "text/html"}
PAGES = ("today", "calendar", "activities", "fitness", "targets", "experiments", "plan")
PLAN_YAML = """\
- {date: 2026-02-24, workout_type: easy, text: 8km E}
- {date: 2026-03-01, workout_type: long, text: 18km E}
- {date: 2026-03-03, workout_type: easy, text: 8km E}
- {date: 2026-03-05, workout_type: tempo, text: 2km E + 20min @T + 2km E}
"""


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.db"
    build_db(path, weeks=1)
    return path


def _token(client: TestClient, url: str) -> str:
    page = client.get(url, headers=HTML)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
        r'"X-CSRF-Token": "([^"]+)"', page.text
    )
    assert match, "the page carries no CSRF token"
    return match.group(1)


def test_fingerprint_changes_on_every_commit_from_any_connection(small: Path) -> None:
    cache = PageCache(Database(small).url)
    before = cache.fingerprint()
    assert before == cache.fingerprint() and before[0] >= 0  # stable while nothing changes
    # a commit on another connection of this process
    db = Database(small)
    with db.session() as s, s.begin():
        row = repo.get_activity(s, 1)
        assert row is not None
        row.name = "renamed"
    after_local = cache.fingerprint()
    assert after_local != before
    # a commit by another process (an import in another terminal)
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
        "c.execute(\"UPDATE activities SET name = 'again' WHERE id = 1\")"
    )
    subprocess.run([sys.executable, "-c", code, str(small)], check=True)
    assert cache.fingerprint() != after_local
    # SQLite's change counter alone tells them apart, whatever the file times say
    assert cache.fingerprint()[0] != after_local[0] != before[0]
    cache.close()


def test_fingerprint_sees_the_database_file_replaced(tmp_path: Path) -> None:
    path = tmp_path / "replaced.db"
    build_db(path, weeks=1)
    cache = PageCache(Database(path).url)
    before = cache.fingerprint()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    build_db(path, weeks=1, seed=3)  # a new file at the same path (`deliberun demo` again)
    replaced = cache.fingerprint()
    assert replaced != before
    # the change counter now watches the new file: its commits are seen too
    db = Database(path)
    with db.session() as s, s.begin():
        row = repo.get_activity(s, 1)
        assert row is not None
        row.name = "in the new file"
    assert cache.fingerprint()[0] != replaced[0]
    cache.close()


def test_building_the_pages_writes_nothing(small: Path) -> None:
    """Else the warm-up thread would see its own writes and rebuild forever."""
    app = create_app(str(small), today=LAST_DAY)
    before = app.state.cache.fingerprint()
    warm(app)
    assert app.state.cache.misses == len(PAGES)
    assert app.state.cache.fingerprint() == before


def test_a_page_asked_twice_at_once_is_built_once(small: Path) -> None:
    cache = PageCache(Database(small).url)
    calls: list[int] = []
    started = threading.Event()

    def build() -> dict[str, int]:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return {"n": len(calls)}

    results: list[dict[str, int]] = []
    first = threading.Thread(target=lambda: results.append(cache.get("k", build)))
    first.start()
    assert started.wait(5)
    results.append(cache.get("k", build))  # arrives while the first build runs: waits
    first.join()
    assert calls == [1] and results == [{"n": 1}, {"n": 1}]
    assert cache.misses == 1 and cache.hits == 1


def test_a_failed_build_is_not_cached_and_the_waiter_builds_again(small: Path) -> None:
    cache = PageCache(Database(small).url)

    def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        cache.get("k", broken)
    assert cache.get("k", lambda: 42) == 42 and cache.get("k", lambda: 0) == 42


def test_warm_up_state_is_taken_before_reading(small: Path) -> None:
    """A page built under an older fingerprint is never served for the newer one."""
    cache = PageCache(Database(small).url)
    old = cache.fingerprint()
    db = Database(small)
    with db.session() as s, s.begin():
        row = repo.get_activity(s, 1)
        assert row is not None
        row.name = "changed during the warm-up"
    assert cache.get("k", lambda: "stale", state=old) == "stale"
    assert cache.get("k", lambda: "fresh") == "fresh"  # the current state misses


def test_import_from_another_connection_reaches_every_cached_page(small: Path) -> None:
    app = create_app(str(small), today=date(2026, 3, 8))
    c = TestClient(app)
    warm(app)  # every default page cached, as `deliberun serve` does
    misses = app.state.cache.misses
    week = c.get("/api/today").json()["week"]
    total = c.get("/api/activities").json()["activities"]["total"]
    assert app.state.cache.misses == misses  # both from the cache
    assert week["done"]["count"] == 0
    build_db(small, weeks=1, last_day=date(2026, 3, 8), seed=2)  # the "import"
    assert c.get("/api/activities").json()["activities"]["total"] == total + 5
    assert c.get("/api/today").json()["week"]["done"]["count"] == 5
    assert app.state.cache.misses == misses + 2


def test_journal_post_is_seen_by_the_cached_pages(small: Path) -> None:
    app = create_app(str(small), today=LAST_DAY)
    c = TestClient(app, base_url="http://127.0.0.1:8765")
    aid = c.get("/api/activities").json()["activities"]["rows"][0]["id"]
    before = c.get(f"/api/activities/{aid}").json()["journal"]
    assert before["available"] and before["entry"] is None
    warm(app)
    token = _token(c, f"/activities/{aid}")
    r = c.post(
        f"/activities/{aid}/journal",
        data={"rpe": "6", "notes": "cached no more", "csrf_token": token},
        headers={"origin": "http://127.0.0.1:8765"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    entry = c.get(f"/api/activities/{aid}").json()["journal"]["entry"]
    assert entry["rpe"] == 6 and entry["notes"] == "cached no more"


def test_plan_move_is_seen_by_the_cached_plan_calendar_and_today(tmp_path: Path) -> None:
    import deliberun.services.plan as plan

    path = tmp_path / "planned.db"
    db = build_db(path, weeks=2)
    (tmp_path / "plan.yaml").write_text(PLAN_YAML)
    plan.import_file(db, tmp_path / "plan.yaml", now=datetime(2026, 2, 20, tzinfo=UTC))
    today = date(2026, 3, 2)
    app = create_app(str(path), today=today)
    c = TestClient(app)
    warm(app)

    def planned_on(page: str) -> set[str]:
        data = c.get(f"/api/{page}").json()
        if page == "plan":
            return {w["date"] for wk in data["plan"]["weeks"] for w in wk["workouts"]}
        weeks = data["weeks"] if page == "calendar" else [data["week"]]
        return {d["date"] for w in weeks for d in w["days"] if d["planned"]}

    for page in ("plan", "calendar", "today"):
        assert "2026-03-03" in planned_on(page) and "2026-03-04" not in planned_on(page)
    token = _token(c, "/plan")
    plan_days = [w for wk in c.get("/api/plan").json()["plan"]["weeks"] for w in wk["workouts"]]
    wid = next(d["id"] for d in plan_days if d["date"] == "2026-03-03")
    r = c.post(
        "/plan/move",
        data={"workout": str(wid), "date": "2026-03-04", "csrf_token": token},
        headers={"origin": "http://testserver"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    for page in ("plan", "calendar", "today"):
        got = planned_on(page)
        assert "2026-03-04" in got and "2026-03-03" not in got, page


def test_warm_loop_rebuilds_after_a_change(small: Path) -> None:
    app = create_app(str(small), today=date(2026, 3, 8), warm=True)
    with TestClient(app) as c:  # the lifespan starts the warm-up thread
        deadline = time.monotonic() + 60
        while app.state.cache.misses < 7 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.state.cache.misses >= 7
        build_db(small, weeks=1, last_day=date(2026, 3, 8), seed=2)  # an import elsewhere
        keys = [page_key(f"/{name}", {}, date(2026, 3, 8)) for name in PAGES]
        deadline = time.monotonic() + 60
        while not all(map(app.state.cache.has, keys)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(app.state.cache.has, keys))  # every default page rebuilt, unasked
        hits = app.state.cache.hits
        assert c.get("/api/today").json()["week"]["done"]["count"] == 5
        assert app.state.cache.hits == hits + 1  # served from the rebuilt cache
