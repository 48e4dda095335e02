"""Issue 19 over real HTTP against a real ``deliberun serve`` process.

A DNS-rebinding page, out-of-range values, a busy port, and journal POSTs
while two imports write into the same database.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from free_port import free_port
from hostile import ROOT, write_runs
from test_web_serve import start, stop, wait_up

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "h.db"
    runs = write_runs(tmp / "seed", 3)
    subprocess.run(
        [sys.executable, "-m", "deliberun.cli.main", "--db", str(db), "import", *map(str, runs)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    port = free_port()
    proc = start(["--db", str(db), "serve", "--port", str(port)], {})
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/api/today", proc)
    yield base, port, db, tmp
    stop(proc)


def _session(base: str, path: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, timeout=60)
    page = c.get(path, headers=HTML)
    assert page.status_code == 200
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert m
    return c, m.group(1)


def test_rebinding_get_and_post_are_refused(served) -> None:  # type: ignore[no-untyped-def]
    base, port, _, _ = served
    evil = f"evil.example:{port}"
    r = httpx.get(f"{base}/api/activities", headers={"host": evil})
    assert r.status_code == 400 and "Host" in r.text
    assert "activities" not in r.text.lower() or "answers only" in r.text
    # the attacker's own page fetched through the rebound name: no token, no cookie
    r = httpx.get(f"{base}/activities/1", headers={"host": evil, **HTML})
    assert r.status_code == 400 and "csrf_token" not in r.text
    # a POST with Origin == Host, both the attacker's, and a token it made up itself
    c = httpx.Client(base_url=base)
    c.cookies.set("deliberun_csrf", "a" * 43)
    r = c.post(
        "/activities/1/journal",
        data={"rpe": "9", "csrf_token": "a" * 43},
        headers={"host": evil, "origin": f"http://{evil}"},
    )
    assert r.status_code == 400
    # even with our own Host, cookie == form is not enough: the token must be signed
    r = c.post(
        "/activities/1/journal",
        data={"rpe": "9", "csrf_token": "a" * 43},
        headers={"origin": base},
    )
    assert r.status_code == 403 and "token" in r.text
    # wrong scheme in Origin
    c2, token = _session(base, "/activities/1")
    r = c2.post(
        "/activities/1/journal",
        data={"rpe": "9", "csrf_token": token},
        headers={"origin": f"https://127.0.0.1:{port}"},
    )
    assert r.status_code == 403
    # the real page still works, under each loopback name
    r = c2.post("/activities/1/journal", data={"rpe": "6", "csrf_token": token},
                headers={"origin": base})  # fmt: skip
    assert r.status_code == 303
    for name in (f"localhost:{port}", f"[::1]:{port}"):
        assert httpx.get(f"{base}/api/today", headers={"host": name}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/activities/99999999999999999999999",
        "/api/activities/9223372036854775808",
        "/api/activities?limit=99999999999999999999999",
        "/calendar?start=9999-12-31",
        "/api/calendar?start=0001-01-01",
        "/api/fitness?days=99999999999",
        "/api/activities?offset=-5",
    ],
)
def test_out_of_range_values_are_4xx_not_500(served, path: str) -> None:  # type: ignore[no-untyped-def]
    base = served[0]
    r = httpx.get(base + path, timeout=60)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:300])


def test_post_to_a_huge_id_is_4xx(served) -> None:  # type: ignore[no-untyped-def]
    base = served[0]
    c, token = _session(base, "/activities/1")
    r = c.post("/activities/99999999999999999999999/journal",
               data={"rpe": "5", "csrf_token": token}, headers={"origin": base})  # fmt: skip
    assert 400 <= r.status_code < 500


def test_serve_on_a_busy_port_says_so_and_exits_1(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = start(["--db", str(tmp_path / "b.db"), "serve", "--port", str(port)], {})
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"port {port} is already in use" in err
    assert "dashboard on" not in err  # no URL announced for a server that never ran


def test_two_imports_and_journal_posts_on_one_database(served) -> None:  # type: ignore[no-untyped-def]
    base, _, db, tmp = served
    runs = write_runs(tmp / "more", 30, first=datetime(2025, 5, 1, 7, tzinfo=UTC), prefix="m")
    for i, p in enumerate(runs):
        for d, keep in (("x", i < 20), ("y", i >= 10)):
            if keep:
                (tmp / d).mkdir(exist_ok=True)
                (tmp / d / p.name).write_bytes(p.read_bytes())
    statuses: list[int] = []
    stop_posts = threading.Event()

    def post_stream() -> None:
        c, token = _session(base, "/activities/1")
        n = 0
        while not stop_posts.is_set() or n < 20:
            r = c.post("/activities/1/journal", data={"rpe": str(n % 10), "csrf_token": token},
                       headers={"origin": base})  # fmt: skip
            statuses.append(r.status_code)
            n += 1

    poster = threading.Thread(target=post_stream)
    poster.start()
    cmd = [sys.executable, "-m", "deliberun.cli.main", "--db", str(db), "import", "--json"]
    procs = [
        subprocess.Popen([*cmd, str(tmp / d), "--workers", "1"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT)
        for d in ("x", "y")
    ]  # fmt: skip
    outs = [p.communicate(timeout=600) for p in procs]
    stop_posts.set()
    poster.join(timeout=120)
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
        assert json.loads(out)["failed"] == []
    assert statuses and all(200 <= s < 500 for s in statuses), statuses
    import sqlite3

    with sqlite3.connect(db) as c:
        n_act = c.execute("select count(*) from activities").fetchone()[0]
        n_src = c.execute("select count(*) from activity_sources").fetchone()[0]
    assert n_act == 33 and n_src == 33  # 3 seeded + 30, each file exactly once
