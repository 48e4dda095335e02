"""Several writers on one PostgreSQL database (issue 19, item 2: "the same holds on
PostgreSQL"): a throwaway cluster started by the test (tests/pg_cluster.py).

Four imports of the same Strava export start at once on a new database: the first
migration is taken by one of them (an advisory lock), every file and every row without a
file is stored exactly once (unique constraints, the conflict retried), and none fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pg_cluster import Cluster, start

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    got = start()
    if isinstance(got, str):
        pytest.skip(got)
    yield got
    got.stop()


def test_four_imports_at_once_store_every_run_once(cluster: Cluster, real_dir: Path) -> None:
    export = real_dir / "strava_export" / "slalom007"
    if not (export / "activities.csv").is_file():
        pytest.skip(f"{export} not found")
    url = cluster.createdb("writers")
    cmd = [sys.executable, "-m", "deliberun.cli.main", "--db", url, "import", str(export),
           "--json", "--quiet"]  # fmt: skip
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e.decode()[-500:] for _, e in outs]
    reports = [json.loads(o) for o, _ in outs]
    assert all(r["failed"] == [] for r in reports)
    imported = sum(len(r["imported"]) for r in reports)
    files = len(reports[0]["imported"]) + len(reports[0]["duplicates"])
    assert imported == files  # every file stored by exactly one of the four
    res = subprocess.run([sys.executable, "-m", "deliberun.cli.main", "--db", url,
                          "activities", "--json"], capture_output=True, check=True)  # fmt: skip
    items = json.loads(res.stdout)
    manual = [a for a in items if a["manual"]]
    assert len({a["start_time"] for a in items}) == len(items)  # no run twice
    assert len(manual) == len({e["strava_id"] for e in reports[0]["manual"]})
    assert len(items) == files + len(manual)


def test_two_athletes_importing_the_same_export_at_once_each_get_every_run_once(
    cluster: Cluster, real_dir: Path
) -> None:
    """Issue 16: four imports at once, two for each of two athletes, of the same export:
    each athlete ends with every run exactly once (the unique keys include the athlete)."""
    export = real_dir / "strava_export" / "slalom007"
    if not (export / "activities.csv").is_file():
        pytest.skip(f"{export} not found")
    url = cluster.createdb("two_athletes")
    base = [sys.executable, "-m", "deliberun.cli.main", "--db", url]
    for name in ("ann", "ben"):
        subprocess.run([*base, "athlete", "add", name], check=True, capture_output=True)
    procs = [
        subprocess.Popen([*base, "--athlete", name, "import", str(export), "--json", "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name in ("ann", "ben", "ann", "ben")
    ]  # fmt: skip
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e.decode()[-500:] for _, e in outs]
    reports = [json.loads(o) for o, _ in outs]
    files = len(reports[0]["imported"]) + len(reports[0]["duplicates"])
    for name, (r1, r2) in (("ann", (reports[0], reports[2])), ("ben", (reports[1], reports[3]))):
        assert len(r1["imported"]) + len(r2["imported"]) == files, name  # each file once
        res = subprocess.run([*base, "--athlete", name, "activities", "--json"],
                             capture_output=True, check=True)  # fmt: skip
        items = json.loads(res.stdout)
        assert len({a["start_time"] for a in items}) == len(items), name  # no run twice
        manual = len({e["strava_id"] for e in r1["manual"]})
        assert len(items) == files + manual, name
