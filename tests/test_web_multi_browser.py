"""``serve --multi`` in Debian's chromium (Playwright): a coach logs in, switches to
another athlete, writes a note; that athlete logs in and reads it (and the first athlete
does not). Skips only when /usr/bin/chromium is missing (no browser is ever downloaded).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deliberun.services import accounts
from deliberun.services.athletes import add_athlete
from deliberun.services.importer import import_paths
from deliberun.store.db import Database
from deliberun.web.multi import create_multi_app
from live_server import serving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
REAL = Path(__file__).parent / "data" / "real"
FILES = sorted(p for p in REAL.glob("*.fit") if "crc" not in p.name and "eof" not in p.name)
NOW = datetime(2021, 4, 21, 8, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
NOTE = "Keep Thursday easy, Bob: the legs need it"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("multi") / "group.db"
    db = Database(path)
    for name in ("ann", "bob"):
        add_athlete(db, name, now=NOW)
    import_paths(db.for_athlete("ann"), FILES[:2], workers=1, now=NOW)
    import_paths(db.for_athlete("bob"), FILES[3:5], workers=1, now=NOW)
    accounts.add_user(db, "carla", PASSWORD, role="coach", coaches=["ann", "bob"], now=NOW)
    accounts.add_user(db, "bobu", PASSWORD, role="athlete", athlete="bob", now=NOW)
    accounts.add_user(db, "annu", PASSWORD, role="athlete", athlete="ann", now=NOW)
    db.dispose()
    app = create_multi_app(str(path), today=date(2021, 4, 20), login_delay_s=0)
    with serving(app) as url:
        yield url


def _login(browser: Any, server: str, name: str) -> Any:
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    page.js_errors = errors
    page.goto(f"{server}/today")
    assert "/login" in page.url  # every page asks for the login first
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{server}/today")
    assert page.locator("#who").inner_text().startswith(name)
    return page


def test_coach_writes_a_note_the_athlete_reads(browser: Any, server: str) -> None:
    coach = _login(browser, server, "carla")
    assert coach.locator("#viewing").inner_text() == "ann"
    coach.goto(f"{server}/athletes")
    coach.click("button[data-athlete=bob]")
    coach.wait_for_url(f"{server}/today")
    assert coach.locator("#viewing").inner_text() == "bob"
    coach.goto(f"{server}/notes")
    coach.fill("textarea[name=text]", NOTE)
    coach.click("#note-submit")
    coach.wait_for_url(f"{server}/notes?saved=1")
    assert coach.locator("#note-saved").is_visible()
    assert NOTE in coach.locator("#notes").inner_text()
    assert coach.js_errors == []

    athlete = _login(browser, server, "bobu")
    athlete.goto(f"{server}/notes")
    assert NOTE in athlete.locator("#notes").inner_text()
    assert athlete.locator("#write-note").count() == 0  # an athlete reads notes only
    athlete.click("#logout")
    athlete.wait_for_url(f"{server}/login")
    athlete.goto(f"{server}/notes")
    assert "/login" in athlete.url  # logged out: the notes are gone with the session

    other = _login(browser, server, "annu")
    other.goto(f"{server}/notes")
    assert NOTE not in other.content()
    assert other.js_errors == [] and athlete.js_errors == []
