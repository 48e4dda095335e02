"""``serve --multi`` stores the group lines in the background (issue 16), keyed on the
athletes' data versions and the date, on SQLite (``--multi-on-sqlite``) and PostgreSQL:

- once the app starts, every athlete's line is stored before any request;
- after a write to one athlete (a journal RPE), the warm-up builds that line only;
- a coach's ``/api/group`` then reads stored lines and equals the view built from scratch;
- a new day stores the lines of that day; read-only stores nothing.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from deliberun.jsonable import strict
from deliberun.practice.journal import JournalEntry
from deliberun.services import accounts
from deliberun.services import group as grp
from deliberun.services.athletes import add_athlete
from deliberun.services.importer import import_paths
from deliberun.services.practice import log_entry
from deliberun.store.db import Database
from deliberun.store.tables_group import GroupLineRow
from deliberun.web import multi
from deliberun.web.group_app import WARM_INTERVAL_S

REAL = Path(__file__).parent / "data" / "real"
FILES = sorted(p for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)
NOW = datetime(2021, 4, 21, 8, tzinfo=UTC)
TODAY = date(2021, 4, 20)
PASSWORD = "correct horse battery staple"
BASE = "http://127.0.0.1:8765"
NAMES = ("ann", "bob", "cleo")
#: every athlete: NAMES and ``me``
ALL = 4


@pytest.fixture()
def db(store_url: str) -> Any:
    """ann and bob with a few real runs, cleo and ``me`` (every new database's) with none;
    coach carla coaches ann and bob."""
    database = Database(store_url)
    for name in NAMES:
        add_athlete(database, name, now=NOW)
    assert import_paths(database.for_athlete("ann"), FILES[:3], workers=1, now=NOW).imported
    assert import_paths(database.for_athlete("bob"), FILES[3:6], workers=1, now=NOW).imported
    accounts.add_user(database, "carla", PASSWORD, role="coach", coaches=["ann", "bob"], now=NOW)
    yield database
    database.dispose()


def _stored(db: Database, day: date) -> dict[str, int]:
    """``{name: data version}`` of the lines stored as of ``day``."""
    with db.admin_session() as s:
        ids = dict(s.execute(select(GroupLineRow.athlete_id, GroupLineRow.version)
                             .where(GroupLineRow.as_of == day)).all())  # fmt: skip
    names = {i: n for i, n, _ in grp.data_state(db)}
    return {names[int(i)]: int(v) for i, v in ids.items()}


def _until(check: Callable[[], bool], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "the warm-up did not store the lines in time"
        time.sleep(0.1)


def _login(client: TestClient) -> None:
    page = client.get("/login").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    r = client.post("/login", data={"name": "carla", "password": PASSWORD,
                    "csrf_token": found.group(1)}, headers={"origin": BASE},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303


def _built(caplog: pytest.LogCaptureFixture) -> list[int]:
    """How many lines each refresh of the warm-up built, in order (its debug lines)."""
    found = [re.match(r"stored (\d+) group line", r.getMessage()) for r in caplog.records]
    return [int(m.group(1)) for m in found if m]


def test_the_coach_dashboard_stores_the_lines_and_rebuilds_only_the_written_one(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="deliberun.web.group_app")
    assert _stored(db, TODAY) == {}
    app = multi.create_multi_app(db.url, today=TODAY, login_delay_s=0, warm=True)
    with TestClient(app, base_url=BASE) as client:  # runs the lifespan: no request yet
        _until(lambda: len(_stored(db, TODAY)) == ALL)
        versions = {n: v for _, n, v in grp.data_state(db)}
        assert _stored(db, TODAY) == versions
        _until(lambda: _built(caplog) == [ALL])
        assert grp._group(db, today=TODAY, names=None)[1] == 0  # every line is stored

        ann = db.for_athlete("ann")
        log_entry(ann, JournalEntry(date=TODAY, rpe=9, notes="heavy legs"))
        moved = {n: v for _, n, v in grp.data_state(db)}
        assert moved["ann"] > versions["ann"]
        assert {n: v for n, v in moved.items() if n != "ann"} == {
            n: v for n, v in versions.items() if n != "ann"
        }
        _until(lambda: _stored(db, TODAY).get("ann") == moved["ann"])
        _until(lambda: _built(caplog) == [ALL, 1])  # ann's line only
        assert _stored(db, TODAY) == moved

        _login(client)
        served = client.get("/api/group")
        assert served.status_code == 200
        assert {a["name"] for a in served.json()["athletes"]} == {"ann", "bob"}
    with db.admin_session() as s, s.begin():
        s.execute(delete(GroupLineRow))
    fresh, built = grp._group(db, today=TODAY, names=["ann", "bob"])
    assert built == 2
    assert served.json() == json.loads(json.dumps(strict({"page": "group", **fresh})))


def test_a_new_day_stores_that_days_lines_and_read_only_stores_none(db: Database) -> None:
    first, second, third = (TODAY + timedelta(days=n) for n in (5, 6, 7))
    assert _stored(db, first) == _stored(db, second) == _stored(db, third) == {}
    day = [first]
    app = multi.create_multi_app(db.url, today=lambda: day[0], login_delay_s=0, warm=True)
    with TestClient(app, base_url=BASE):
        _until(lambda: len(_stored(db, first)) == ALL)
        day[0] = second  # midnight passes while the server runs
        _until(lambda: len(_stored(db, second)) == ALL)
    app = multi.create_multi_app(db.url, today=third, login_delay_s=0, warm=True, read_only=True)
    with TestClient(app, base_url=BASE):
        time.sleep(3 * WARM_INTERVAL_S)  # the warm-up, were there one, would have begun
    assert _stored(db, third) == {}
