"""Helpers shared by the whole-archive benchmarks (not a benchmark itself).

* :func:`run_tree` runs a command and polls the resident memory of its whole
  process tree (the command, the forkserver, the pool workers) with psutil;
* :func:`archive_files` / :func:`subset_dir` pick files of a simulated archive
  (``bench/out/archive10y``, written by ``bench/sim_bench.py``) by count or by years;
* :func:`machine` describes the machine (CPU, cores, RAM, versions, load).
"""

from __future__ import annotations

import csv
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
ARCHIVE10 = OUT / "archive10y"
CLI = str(Path(sys.executable).with_name("deliberun"))


@dataclass
class TreeRun:
    """One command's wall time, CPU time and peak memory (whole process tree)."""

    wall_s: float
    cpu_s: float  # user + sys of the command and all its descendants (polled)
    peak_rss_mb: float  # max over time of the summed RSS of the tree
    peak_one_mb: float  # max RSS of any single process of the tree
    returncode: int
    stdout: str
    stderr: str


def run_tree(
    cmd: list[str], *, interval: float = 0.05, env: dict[str, str] | None = None
) -> TreeRun:
    """Run ``cmd`` and poll its process tree's RSS every ``interval`` seconds.

    CPU time is the user + system time of every process of the tree, as last seen by
    the poll (a worker's last < ``interval`` s may be missed), and for the command itself
    the exact figure from ``RUSAGE_CHILDREN`` when it is larger.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seen: dict[int, float] = {}
    t0 = time.perf_counter()
    out_f = open(OUT / ".run_tree.out", "w+b")  # files, not pipes: no deadlock on big output
    err_f = open(OUT / ".run_tree.err", "w+b")
    proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=env)
    ps = psutil.Process(proc.pid)
    peak = peak_one = 0.0
    while proc.poll() is None:
        try:
            procs = [ps, *ps.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = 0.0
        for p in procs:
            try:
                rss = p.memory_info().rss
                ct = p.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            cpu_seen[p.pid] = ct.user + ct.system
            total += rss
            peak_one = max(peak_one, rss)
        peak = max(peak, total)
        time.sleep(interval)
    proc.wait()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(own, sum(cpu_seen.values()) - cpu_seen.get(proc.pid, 0.0) + own)
    out_f.seek(0)
    err_f.seek(0)
    stdout = out_f.read().decode(errors="replace")
    stderr = err_f.read().decode(errors="replace")
    out_f.close()
    err_f.close()
    return TreeRun(wall, cpu, peak / 1e6, peak_one / 1e6, proc.returncode, stdout, stderr)


def archive_files(archive: Path) -> list[tuple[datetime, Path]]:
    """The archive's activity files with their start dates, oldest first."""
    dates: dict[str, datetime] = {}
    csv_path = archive / "activities.csv"
    if csv_path.exists():
        with csv_path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                dates[Path(row["Filename"]).name] = datetime.strptime(
                    row["Activity Date"], "%b %d, %Y, %I:%M:%S %p"
                )
    files = sorted(p for p in (archive / "activities").iterdir() if p.is_file())
    if not files:
        raise ValueError(f"{archive}: no activity files; run bench/sim_bench.py first")
    epoch = datetime(1970, 1, 1)
    out = [(dates.get(p.name, epoch), p) for p in files]
    out.sort(key=lambda t: (t[0], t[1].name))
    return out


def pick(
    files: list[tuple[datetime, Path]], *, n: int | None = None, years: float | None = None
) -> list[Path]:
    """The first ``n`` files, or the files of the first ``years`` years."""
    if years is not None:
        end = files[0][0] + timedelta(days=365.25 * years)
        return [p for d, p in files if d < end]
    return [p for _, p in files[: n if n is not None else len(files)]]


def subset_dir(paths: list[Path], dest: Path) -> Path:
    """A folder holding exactly ``paths`` (hard links; copies across file systems)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for p in paths:
        try:
            os.link(p, dest / p.name)
        except OSError:
            shutil.copy2(p, dest / p.name)
    return dest


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, OS, Python and library versions, load average."""
    import numpy
    import scipy
    import sqlalchemy

    try:
        import fitfast

        fitfast_v = getattr(fitfast, "__version__", "?")
    except ImportError:  # pragma: no cover - optional native decoder
        fitfast_v = "not installed"
    vm = psutil.virtual_memory()
    return {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gb": round(vm.total / 2**30, 1),
        "ram_available_gb": round(vm.available / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "fitfast": fitfast_v,
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"
