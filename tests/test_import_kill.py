"""SIGKILL a real ``deliberun import`` at random moments: no half-written activity, ever.

Each file is one transaction, so after any kill the database is intact, every
stored activity is whole (original, source, streams, metrics), and a re-run
ends with every activity exactly once.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

N_FILES = 60
N_KILLS = 20


def cmd(db: Path, folder: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "deliberun.cli.main",
        "--db",
        str(db),
        "import",
        str(folder),
        *extra,
    ]


def count(db: Path) -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        return int(con.execute("SELECT count(*) FROM activities").fetchone()[0])
    finally:
        con.close()


def check_whole(db: Path) -> int:
    """Integrity and all-or-nothing per activity; returns the number of activities."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        n_act = con.execute("SELECT count(*) FROM activities").fetchone()[0]
        n_src = con.execute("SELECT count(*) FROM activity_sources").fetchone()[0]
        n_orig = con.execute("SELECT count(*) FROM originals").fetchone()[0]
        assert n_src == n_orig == n_act  # no orphan original, no activity without its source
        no_time = con.execute(
            "SELECT count(*) FROM activities a WHERE NOT EXISTS "
            "(SELECT 1 FROM streams s WHERE s.activity_id = a.id AND s.name = 'time')"
        ).fetchone()[0]
        assert no_time == 0
        no_metrics = con.execute(
            "SELECT count(*) FROM activities a WHERE NOT EXISTS "
            "(SELECT 1 FROM metrics m WHERE m.activity_id = a.id)"
        ).fetchone()[0]
        assert no_metrics == 0
        return int(n_act)
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_then_rerun(real_dir, tmp_path):
    files = sorted((real_dir / "strava_export" / "slalom007" / "activities").glob("*.fit.gz"))
    files = files[:N_FILES]
    assert len(files) == N_FILES
    folder = tmp_path / "runs"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    db = tmp_path / "kill.db"
    # The schema first: a kill *during the first migration* is covered separately
    # (tests/test_store_migrations.py) because it needs transactional DDL in store/db.py.
    from deliberun.store.db import Database

    Database(db).dispose()
    rng = random.Random(20261128)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    counts = []
    for i in range(N_KILLS):
        proc = subprocess.Popen(
            cmd(db, folder, "--quiet", "--workers", str(2 if i % 4 >= 2 else 1)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its workers share its process group
        )
        if i % 2 == 0:  # a random moment, often still starting up
            time.sleep(rng.uniform(0.05, 1.5))
        else:  # just after it wrote something: surely mid-import, whatever the machine's load
            before = count(db)
            deadline = time.monotonic() + 60
            while proc.poll() is None and count(db) <= before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.2))
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        counts.append(check_whole(db))
    assert any(0 < c < N_FILES for c in counts), f"no kill landed mid-import: {counts}"
    print("activities after each kill:", counts)
    done = subprocess.run(
        cmd(db, folder, "--json", "--quiet"), capture_output=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert report["failed"] == []
    assert len(report["imported"]) + len(report["duplicates"]) == N_FILES
    assert check_whole(db) == N_FILES
    con = sqlite3.connect(db)
    stored = {r[0] for r in con.execute("SELECT sha256 FROM activity_sources")}
    con.close()
    assert stored == {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
