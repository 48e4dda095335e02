"""``deliberun serve`` as a user runs it: a subprocess, a real port, env vars, warnings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from deliberun.cli.cmd_serve import is_loopback
from free_port import free_port

ROOT = Path(__file__).resolve().parents[1]


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "deliberun.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
    )


def wait_up(url: str, proc: subprocess.Popen[str], timeout: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stderr.read() if proc.stderr else ''}")
        try:
            return httpx.get(url, timeout=2.0)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.10", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, local: bool) -> None:
    assert is_loopback(host) is local


def test_serve_from_env_vars_read_only(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "DELIBERUN_DB": str(tmp_path / "serve.db"),
        "DELIBERUN_PORT": str(port),
        "DELIBERUN_READ_ONLY": "1",
    }
    proc = start(["serve"], env)
    try:
        r = wait_up(f"http://127.0.0.1:{port}/api/today", proc)
        assert r.status_code == 200 and r.json()["page"] == "today"
        post = httpx.post(
            f"http://127.0.0.1:{port}/plan/move",
            data={"workout": "1", "date": "2026-03-03"},
            headers={"origin": f"http://127.0.0.1:{port}"},
        )
        assert post.status_code == 403 and "read-only" in post.text
    finally:
        err = stop(proc)
    assert f"http://127.0.0.1:{port}/ (read-only)" in err
    assert "Warning" not in err


def test_serve_warns_when_binding_beyond_loopback(tmp_path: Path) -> None:
    port = free_port()
    proc = start(
        ["--db", str(tmp_path / "w.db"), "serve", "--host", "0.0.0.0", "--port", str(port)], {}
    )
    try:
        r = wait_up(f"http://127.0.0.1:{port}/api/activities", proc)
        assert r.status_code == 200
    finally:
        err = stop(proc)
    assert "Warning: binding 0.0.0.0" in " ".join(err.split())


def test_serve_refuses_a_bad_port(tmp_path: Path) -> None:
    proc = start(["--db", str(tmp_path / "p.db"), "serve", "--port", "70000"], {})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "out of range" in err
