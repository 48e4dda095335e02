"""A throwaway PostgreSQL cluster for tests: Debian's server binaries, a temp directory,
a Unix socket of its own; stopped and removed at the end. No Docker, no shared server.

``start()`` returns ``None`` with the reason when it cannot run here (no binaries, no
psycopg), so tests skip saying why.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from free_port import free_port


@dataclass
class Cluster:
    root: Path
    bin: Path
    port: int
    user: list[str]  # the command prefix that runs as the cluster's owner

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://pg@/{dbname}?host={self.root}&port={self.port}"

    def createdb(self, dbname: str) -> str:
        self._run(str(self.bin / "createdb"), "-h", str(self.root), "-p", str(self.port),
                  "-U", "pg", dbname)  # fmt: skip
        return self.url(dbname)

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                  "stop", check=False)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, *args: str, check: bool = True) -> None:
        subprocess.run([*self.user, *args], check=check, capture_output=True, timeout=120)


def start() -> Cluster | str:
    """A running cluster, or the reason there is none."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        return "Debian's postgresql is not installed (.ci/run installs it)"
    bindir = Path(found[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="deliberun-pg-"))
    user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to nobody
        shutil.chown(root, "nobody")
        os.chmod(root, 0o700)
        user = ["runuser", "-u", "nobody", "--"]
    port = free_port()
    cluster = Cluster(root, bindir, port, user)
    try:
        cluster._run(str(bindir / "initdb"), "-D", str(root / "data"), "-A", "trust", "-U", "pg")
        cluster._run(str(bindir / "pg_ctl"), "-D", str(root / "data"), "-w", "-l",
                     str(root / "log"), "-o", f"-k {root} -p {port} -c listen_addresses=''",
                     "start")  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        return f"could not start a PostgreSQL cluster: {exc}"
    return cluster


def backend_url(backend: str, folder: Path, name: str) -> tuple[str, Cluster | None]:
    """A database URL on ``backend`` ("sqlite": a file in ``folder``; "postgresql": a new
    database ``name`` on a throwaway cluster, returned to stop), or ``pytest.skip``."""
    if backend == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}", None
    got = start()
    if isinstance(got, str):
        import pytest

        pytest.skip(got)
    return got.createdb(name), got
