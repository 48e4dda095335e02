"""Shared fixtures: where the real-device corpus and the repo's test data are."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = Path(os.environ.get("DELIBERUN_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "data" / "real"
#: Published values, copied into the repo with their sources (tests/data/reference/README.md).
REFERENCE = DATA / "reference"
SHARED_REFERENCE = SHARED / "reference"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """../shared/data/real, or skip saying why (CI has it; a bare clone may not)."""
    if not REAL.is_dir():
        pytest.skip(f"real-device corpus not found at {REAL} (set DELIBERUN_SHARED)")
    return REAL


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """tests/data/reference: published values, in the repo so a bare clone tests them."""
    return REFERENCE


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file per test."""
    return tmp_path / "test.db"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster per test process (tests/pg_cluster.py), or the
    reason there is none (a string: the tests that need it skip saying why)."""
    from pg_cluster import start

    got = start()
    yield got
    if not isinstance(got, str):
        got.stop()


_pg_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, pg_cluster: Any) -> str:
    """A new empty database on each backend (issue 16: the same results on both)."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    if isinstance(pg_cluster, str):
        pytest.skip(pg_cluster)
    return str(pg_cluster.createdb(f"t{os.getpid()}x{next(_pg_names)}"))


#: Debian's chromium (CI's .ci/run installs it; no browser is ever downloaded).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless chromium driven by Playwright, or skip saying why."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def marathon_sim(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, date]:
    """A simulated marathon runner of 0.6 years (seed 2) with a plan, journal and cycle,
    and its last day (the stored-verdict and group-line tests import it)."""
    from deliberun.sim.output import write_simulation
    from deliberun.sim.simulation import Simulation

    out = tmp_path_factory.mktemp("sim")
    result = write_simulation(Simulation("marathon", 2, years=0.6), out)
    return out, date.fromisoformat(result["end"])
