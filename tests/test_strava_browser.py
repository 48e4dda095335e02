"""The OAuth listener with a real browser: Debian chromium (Playwright) opens the
stand-in's authorize page, clicks Authorize and follows the redirect to deliberun's
one-shot listener on 127.0.0.1. Skips when /usr/bin/chromium is missing."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deliberun.services import strava_connect as sc
from deliberun.strava.standin import StandinServer
from strava_helpers import env_for, fresh_state

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture()
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandinServer]:
    with StandinServer(fresh_state([])) as srv:
        for k, v in env_for(srv, tmp_path / "tokens.json").items():
            monkeypatch.setenv(k, v)
        yield srv


def _connect_in_thread() -> tuple[threading.Thread, dict[str, Any], threading.Event]:
    box: dict[str, Any] = {}
    ready = threading.Event()

    def show(url: str) -> None:
        box["url"] = url
        ready.set()

    def run() -> None:
        try:
            box["tokens"] = sc.connect_browser(open_browser=False, timeout_s=30, show_url=show)
        except Exception as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc
            ready.set()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert ready.wait(10)
    return t, box, ready


def test_browser_authorizes_and_the_listener_stores_the_tokens(browser, standin) -> None:
    t, box, _ = _connect_in_thread()
    assert box["url"].startswith(f"{standin.oauth_url}/authorize?")
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in box["url"] and "state=" in box["url"]
    page = browser.new_page()
    page.goto(box["url"])
    page.click("#authorize")
    page.wait_for_selector("#result")
    assert "you can close this tab" in page.inner_text("#result")
    assert page.url.startswith("http://127.0.0.1:") and "/callback?" in page.url
    t.join(15)
    assert "error" not in box, box.get("error")
    tokens = box["tokens"]
    assert tokens.athlete_id == 1 and "activity:read_all" in (tokens.scope or "")
    path = sc.token_store().path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sc.token_store().load() == tokens
    page.close()


def test_a_redirect_with_another_state_is_refused(browser, standin) -> None:
    t, box, _ = _connect_in_thread()
    forged = box["url"].replace("state=", "state=forged")
    page = browser.new_page()
    page.goto(forged)
    page.click("#authorize")
    page.wait_for_selector("#result")
    assert "does not match" in page.inner_text("#result")
    t.join(15)
    assert "state parameter does not match" in str(box["error"])
    assert not sc.token_store().path.exists()
    page.close()


def test_cancel_on_the_authorize_page_connects_nothing(browser, standin) -> None:
    t, box, _ = _connect_in_thread()
    page = browser.new_page()
    page.goto(box["url"])
    page.click("#cancel")
    page.wait_for_selector("#result")
    t.join(15)
    assert "access_denied" in str(box["error"])
    assert not sc.token_store().path.exists()
    page.close()


def test_dashboard_sync_button_fetches_the_runs(browser, standin, tmp_path) -> None:
    """The button on /activities runs the sync and the new runs are listed."""
    import time as _time

    import uvicorn

    from conftest import REAL
    from deliberun.strava.standin_data import from_strava_export
    from deliberun.web.app import create_app
    from free_port import free_port
    from strava_helpers import get_code

    export = REAL / "strava_export" / "slalom007"
    if not (export / "activities.csv").is_file():
        pytest.skip(f"real Strava export not found at {export}")
    standin.state.add(from_strava_export(export, limit=2))
    sc.connect_with_code(get_code(standin))
    port = free_port()
    app = create_app(str(tmp_path / "web.db"))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = _time.monotonic() + 20
    while not srv.started:
        assert _time.monotonic() < deadline
        _time.sleep(0.05)
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/activities")
        page.click("#strava-sync button")
        page.wait_for_selector("#sync-result")
        assert "2 new, 0 updated, 0 failed" in page.inner_text("#sync-result")
        assert page.locator("#activity-list tbody tr").count() == 2
        page.close()
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
