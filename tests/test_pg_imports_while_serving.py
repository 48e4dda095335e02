"""Issue 16 proof: four imports of overlapping folders into one PostgreSQL database at
once, while a dashboard server runs and answers requests.

Real components only: a throwaway PostgreSQL cluster (tests/pg_cluster.py), four
``deliberun import`` processes, uvicorn serving the group dashboard over real HTTP,
and a client asking it for pages the whole time. Every activity must be stored exactly
once, no import fails, and every page answers 200 during and after the imports.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from deliberun.sim.output import write_simulation
from deliberun.sim.simulation import Simulation
from deliberun.store.db import Database
from deliberun.web.group_app import create_group_app
from live_server import serving

#: What the client keeps asking for while the imports run.
PATHS = ("/api/group", "/api/activities?athlete=me", "/api/today?athlete=me",
         "/api/fitness?athlete=me", "/group")  # fmt: skip


def _folders(root: Path) -> tuple[list[Path], int, Any]:
    """Four folders of a simulated runner's files, each sharing half its files with the next."""
    sim = Simulation("marathon", 7, years=0.2)
    write_simulation(sim, root / "sim")
    files = sorted((root / "sim" / "activities").iterdir())
    n, step = len(files), len(files) // 6
    folders = []
    for i in range(4):
        folder = root / f"part{i}"
        folder.mkdir()
        for f in files[i * step : i * step + n // 2 + step]:
            shutil.copy(f, folder / f.name)
        folders.append(folder)
    assert {f.name for d in folders for f in d.iterdir()} == {f.name for f in files}
    return folders, n, sim.end


def _get(base: str, path: str) -> tuple[int, bytes]:
    """(status, body); a connection that fails or times out is status 0 with the reason."""
    try:
        with urllib.request.urlopen(base + path, timeout=300) as resp:  # noqa: S310 - our server
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError as exc:
        return 0, repr(exc).encode()


def test_four_imports_at_once_while_the_server_answers(pg_cluster: Any, tmp_path: Path) -> None:
    if isinstance(pg_cluster, str):
        pytest.skip(pg_cluster)
    folders, n_files, today = _folders(tmp_path)
    url = pg_cluster.createdb("serving")
    db = Database(url)
    db.athlete_id  # noqa: B018 - migrated, athlete "me" exists before the server starts
    from deliberun.services.athletes import add_athlete

    add_athlete(db, "eve", now=_now())  # two athletes: the group dashboard
    errors = _ServerErrors()  # what a 500 was: the server's exception, in the failure message
    logging.getLogger("uvicorn.error").addHandler(errors)
    server = serving(create_group_app(url, today=today))
    base = server.__enter__()
    answers: list[tuple[str, int, float, int | None]] = []
    stop = threading.Event()
    failures: list[tuple[str, int, bytes]] = []

    def ask() -> None:
        while not stop.is_set():
            for path in PATHS:
                try:
                    status, body = _get(base, path)
                    rows = None
                    if path.startswith("/api/activities") and status == 200:
                        rows = len(
                            json.loads(body)["activities"].get("rows") or []
                        )  # none yet: empty
                except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                    status, body, rows = -1, repr(exc).encode(), None
                answers.append((path, status, time.monotonic(), rows))
                if status != 200:
                    failures.append((path, status, body[:300]))

    client = threading.Thread(target=ask, daemon=True)
    client.start()
    cmd = [sys.executable, "-m", "deliberun.cli.main", "--db", url, "--athlete", "me", "import"]
    procs = [
        subprocess.Popen([*cmd, str(f), "--json", "--quiet"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
        for f in folders
    ]  # fmt: skip
    outs = [p.communicate(timeout=900) for p in procs]
    done = time.monotonic()
    deadline = done + 600
    while (len([a for a in answers if a[2] > done]) < len(PATHS) and client.is_alive()
           and time.monotonic() < deadline):  # fmt: skip
        time.sleep(0.2)  # a full round of pages after the imports
    stop.set()
    client.join(timeout=180)
    server.__exit__(None, None, None)  # stops uvicorn
    logging.getLogger("uvicorn.error").removeHandler(errors)

    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e.decode()[-500:] for _, e in outs]
    reports = [json.loads(o) for o, _ in outs]
    assert all(r["failed"] == [] for r in reports)
    imported = sum(len(r["imported"]) for r in reports)
    assert imported == n_files  # each file stored by exactly one of the four imports
    from deliberun.services.activities import list_activities

    items = list_activities(db.for_athlete("me"))
    assert len(items) == n_files and len({a["start_time"] for a in items}) == n_files
    during = [a for a in answers if a[2] <= done]
    assert len(during) >= len(PATHS), "the server answered nothing while the imports ran"
    assert failures == [] and {a[1] for a in answers} == {200}, (failures[:3], errors.seen[:3])
    counts = [a[3] for a in answers if a[3] is not None]
    assert counts == sorted(counts) and counts[-1] == n_files  # never a run lost or twice
    db.dispose()


class _ServerErrors(logging.Handler):
    """The last lines of each exception the server logged (uvicorn's 500s)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            import traceback

            lines = traceback.format_exception(*record.exc_info)
            self.seen.append("".join(lines[-3:]))


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
