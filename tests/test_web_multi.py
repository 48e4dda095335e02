"""The login layer of ``serve --multi`` (``web/multi.py``): the session cookie's flags and
lifetime, a password change or removed account ending sessions, failed logins slowed and
limited, passwords never logged, and ``deliberun serve --multi`` refused on SQLite."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from deliberun.cli.main import app as cli
from deliberun.services import accounts
from deliberun.services.athletes import add_athlete
from deliberun.store.db import Database
from deliberun.web.multi import MAX_FAILURES, SESSION_COOKIE, create_multi_app

NOW = datetime(2021, 4, 21, 8, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
BASE = "http://127.0.0.1:8765"
ORIGIN = {"origin": BASE}


@pytest.fixture()
def url(tmp_path: Path) -> str:
    path = str(tmp_path / "g.db")
    db = Database(path)
    add_athlete(db, "ann", now=NOW)
    accounts.add_user(db, "annu", PASSWORD, role="athlete", athlete="ann", now=NOW)
    accounts.add_user(db, "lonely", PASSWORD, role="coach", now=NOW)
    accounts.add_user(db, "carla", PASSWORD, role="coach", coaches=["ann"], now=NOW)
    return path


def _token(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert found
    return found.group(1)


def _login(client: TestClient, name: str = "annu", password: str = PASSWORD) -> Any:
    return client.post("/login", data={"name": name, "password": password,
                       "csrf_token": _token(client)}, headers=ORIGIN, follow_redirects=False)  # fmt: skip


def test_the_session_cookie_is_httponly_strict_and_secure_over_https(url: str) -> None:
    app = create_multi_app(url, today=date(2021, 4, 20), login_delay_s=0)
    r = _login(TestClient(app, base_url=BASE))
    cookie = r.headers["set-cookie"].lower()
    assert r.status_code == 303 and "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http on loopback: a Secure cookie would be dropped
    https = TestClient(app, base_url="https://127.0.0.1:8765")
    found = re.search(r'name="csrf_token" value="([^"]+)"', https.get("/login").text)
    assert found
    r = https.post("/login", data={"name": "annu", "password": PASSWORD, "csrf_token":
                   found.group(1)}, headers={"origin": "https://127.0.0.1:8765"},
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()
    flagged = create_multi_app(url, secure_cookies=True, login_delay_s=0)
    r = TestClient(flagged, base_url=BASE).get("/login")  # the proxy's plain http behind TLS
    assert "secure" in r.headers["set-cookie"].lower()


def test_a_session_expires(url: str) -> None:
    app = create_multi_app(url, today=date(2021, 4, 20), session_hours=1 / 3600, login_delay_s=0)
    client = TestClient(app, base_url=BASE)
    assert _login(client).status_code == 303
    assert client.get("/api/notes").status_code == 200
    time.sleep(2.2)  # itsdangerous counts whole seconds
    assert client.get("/api/notes").status_code == 401


def test_a_new_password_or_a_removed_account_ends_the_session(url: str) -> None:
    app = create_multi_app(url, today=date(2021, 4, 20), login_delay_s=0)
    client = TestClient(app, base_url=BASE)
    _login(client)
    assert client.get("/api/notes").status_code == 200
    accounts.set_password(Database(url), "annu", "another good passphrase")
    assert client.get("/api/notes").status_code == 401
    assert _login(client, password="another good passphrase").status_code == 303
    assert client.get("/api/notes").status_code == 200
    accounts.remove_user(Database(url), "annu")
    assert client.get("/api/notes").status_code == 401


def test_a_tampered_cookie_is_no_login(url: str) -> None:
    client = TestClient(create_multi_app(url, login_delay_s=0), base_url=BASE)
    _login(client)
    value = client.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/api/notes").status_code == 401


def test_failed_logins_wait_and_are_limited(url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = TestClient(create_multi_app(url, login_delay_s=0.2), base_url=BASE)
    started = time.monotonic()
    r = _login(client, password="wrong password 1")
    assert r.status_code == 401 and "wrong name or password" in r.text
    assert time.monotonic() - started >= 0.2
    assert _login(client, name="nobody", password="wrong password 1").status_code == 401
    for _ in range(MAX_FAILURES - 2):
        _login(client, password="wrong password 1")
    r = _login(client)  # even the right password, until the window passes
    assert r.status_code == 429 and "too many failed logins" in r.text
    assert "wrong password 1" not in caplog.text and PASSWORD not in caplog.text


def test_a_coach_without_athletes_is_told_what_to_do(url: str) -> None:
    client = TestClient(create_multi_app(url, login_delay_s=0), base_url=BASE)
    assert _login(client, name="lonely").status_code == 303
    r = client.get("/api/today")
    assert r.status_code == 403 and "deliberun user coach lonely ATHLETE" in r.json()["error"]


def test_login_goes_back_to_the_page_asked_and_never_off_site(url: str) -> None:
    client = TestClient(create_multi_app(url, login_delay_s=0), base_url=BASE)
    r = client.get("/fitness?days=30", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/fitness%3Fdays%3D30"
    for target, lands in (("/fitness?days=30", "/fitness?days=30"),
                          ("//evil.example/", "/today"), ("https://evil.example", "/today")):  # fmt: skip
        r = client.post("/login", data={"name": "annu", "password": PASSWORD, "next": target,
                        "csrf_token": _token(client)}, headers=ORIGIN, follow_redirects=False)  # fmt: skip
        assert r.headers["location"] == lands


def test_serve_multi_is_refused_on_sqlite_without_the_flag(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "serve", "--multi"])
    assert result.exit_code == 2
    assert "use PostgreSQL" in result.output and "--multi-on-sqlite" in result.output
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "serve", "--secure-cookies"])
    assert result.exit_code == 2 and "go with --multi" in result.output


def test_behind_a_tls_proxy_the_public_name_logs_in_with_a_secure_cookie(url: str) -> None:
    """A real uvicorn as ``serve`` starts it, reached the way a reverse proxy forwards:
    the browser's Host and Origin, ``X-Forwarded-Proto: https`` from 127.0.0.1."""
    import httpx

    from deliberun.web.security import allowed_hosts, public_name
    from free_port import free_port
    from live_server import serving

    port = free_port()
    hosts = allowed_hosts("127.0.0.1", port) | {public_name("Coach.Example.org")}
    app = create_multi_app(url, hosts=hosts, login_delay_s=0)
    with serving(app, port) as base:
        proxy = {"host": "coach.example.org", "x-forwarded-proto": "https"}
        with httpx.Client(base_url=base, headers=proxy) as client:
            page = client.get("/login")
            assert page.status_code == 200 and "secure" in page.headers["set-cookie"].lower()
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found
            cookie = page.headers["set-cookie"].split(";")[0]
            r = client.post("/login", data={"name": "annu", "password": PASSWORD,
                            "csrf_token": found.group(1)}, headers={"cookie": cookie,
                            "origin": "https://coach.example.org"})  # fmt: skip
            assert r.status_code == 303 and r.headers["location"] == "/today"
            assert client.get("/login", headers={"host": "evil.example"}).status_code == 400


def test_an_athlete_is_refused_the_group_page(url: str) -> None:
    client = TestClient(create_multi_app(url, login_delay_s=0), base_url=BASE)
    _login(client)
    for path in ("/group", "/api/group"):
        r = client.get(path)
        assert r.status_code == 403 and "for coaches" in r.text, path


def test_a_coachs_group_page_lists_their_athletes_only_and_opens_them(url: str) -> None:
    add_athlete(Database(url), "zed", now=NOW)  # in the database, coached by no one
    client = TestClient(create_multi_app(url, login_delay_s=0, today=date(2021, 4, 21)),
                        base_url=BASE)  # fmt: skip
    _login(client, "carla")
    names = [a["name"] for a in client.get("/api/group").json()["athletes"]]
    assert names == ["ann"]
    r = client.get("/athletes/ann", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/today"
    assert client.get("/api/athletes").json()["chosen"] == "ann"
    assert client.get("/athletes/zed", follow_redirects=False).status_code in (403, 404)


def test_serve_multi_starts_on_a_group_database_and_asks_for_a_login(url: str) -> None:
    """The real command, in a subprocess: several athletes need no --athlete with --multi."""
    import os
    import subprocess
    import sys

    import httpx

    from free_port import free_port

    add_athlete(Database(url), "bob", now=NOW)  # three athletes now: me, ann, bob
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "deliberun.cli.main", "--db", url, "serve", "--multi",
         "--multi-on-sqlite", "--port", str(port)],
        stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "with logins (coach mode)" in line, line
        r = httpx.get(f"http://127.0.0.1:{port}/today")
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/today"
        assert httpx.get(f"http://127.0.0.1:{port}/api/today").status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_logged_out_cookie_is_worthless_even_copied(url: str) -> None:
    client = TestClient(create_multi_app(url, login_delay_s=0), base_url=BASE)
    _login(client)
    copied = client.cookies[SESSION_COOKIE]
    page = client.get("/notes").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    r = client.post("/logout", data={"csrf_token": found.group(1)}, headers=ORIGIN,
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/api/notes").status_code == 401
    client.cookies.set(SESSION_COOKIE, copied)  # the cookie as it was before the logout
    assert client.get("/api/notes").status_code == 401


def test_a_bad_note_is_refused_saying_why(url: str) -> None:
    client = TestClient(create_multi_app(url, login_delay_s=0), base_url=BASE)
    _login(client, name="carla")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/notes").text)
    assert token
    for form, reason in (({"text": "  "}, "needs some text"),
                         ({"text": "ok", "date": "20-04-2021"}, "not a date"),
                         ({"text": "ok", "activity": "x1"}, "not a whole number"),
                         ({"text": "ok"}, "on a day (YYYY-MM-DD) or an activity"),
                         ({"text": "ok", "activity": "999"}, "no activity 999")):  # fmt: skip
        r = client.post("/notes", data={**form, "csrf_token":
                        token.group(1)}, headers={**ORIGIN, "accept": "application/json"})  # fmt: skip
        assert r.status_code in (400, 404) and reason in r.text, (form, r.status_code, r.text)
    assert client.get("/api/notes").json()["notes"] == []
