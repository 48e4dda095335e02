"""Coach mode at scale: a simulated group imported into PostgreSQL, against SQLite on one.

What it runs (state it with the numbers, docs/benchmarks.md "## Coach mode at scale"):

1. ``--runners`` distinct runners are simulated (``deliberun.sim``, marathon,
   nemesis and rest-experiment scenarios, ``--years`` each, full-rate streams) once,
   into ``--work`` (kept there: a second run reuses them);
2. SQLite baseline: the first runner imported into a new SQLite file, one athlete;
3. PostgreSQL (a throwaway cluster, tests/pg_cluster.py): athletes are added in steps
   (``--steps 10,25,50,100``) until the last step; athlete ``i`` imports runner ``i mod
   --runners`` (its own activities, streams and metrics: only the original files are
   shared, stored once by SHA-256). ``--parallel N``: N athletes import at once, each in
   a process of its own (``multiprocessing`` spawn, one process per athlete) into the
   same database; the step's wall time and the sum of the client processes' CPU
   (their rusage, reaped) are reported (the PostgreSQL server's CPU is not in it).
   After each step: activities and samples imported, records/s of wall and per client
   CPU second, database size (``pg_database_size``), the group page (``/api/group``)
   and one athlete's Today (``/api/today?athlete=a000``) through the real ASGI stack:
   group cold = the ``group_lines`` rows deleted before each request and a new app,
   warm = the lines stored and the same app asked again; Today cold = a new app,
   warm = the same app again. CPU of this process and wall, median and max of
   ``--repeat`` (a p95 is given only from 20 requests on: "max of N" below that).

Every step's row is written as soon as it is measured (``--json`` rewritten, and one
line appended to ``--json`` with ``.jsonl``), and progress lines are printed, so a run
stopped half way still reports.

Run (small, to try it)::

    nice -n 10 .venv/bin/python bench/group_scale.py --runners 2 --years 0.2 \\
        --steps 2,4 --parallel 2 --repeat 2 --json /tmp/gs.json

The issue's run (100 athletes, 3 years each, 10 distinct histories)::

    nice -n 5 .venv/bin/python bench/group_scale.py --runners 10 --years 3 \\
        --steps 10,25,50,100 --parallel 2 --repeat 3 \\
        --work /work/scratch/scale16/work --json /work/scratch/scale16/scale.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/pg_cluster.py: the throwaway cluster

SCENARIOS = ("marathon", "nemesis_fatigue", "rest_experiment")


def _simulate_one(work: str, i: int, years: float) -> float:
    """Simulate runner ``i`` into ``work`` (skipped when done); CPU seconds it took."""
    from deliberun.services.demo_group import profile_of
    from deliberun.sim.output import write_simulation
    from deliberun.sim.simulation import Simulation

    folder, meta = Path(work) / f"runner{i}", Path(work) / f"runner{i}.json"
    if meta.exists():
        return 0.0
    shutil.rmtree(folder, ignore_errors=True)  # a simulation stopped half way
    c0 = time.process_time()
    sim = Simulation(SCENARIOS[i % len(SCENARIOS)], 100 + i, years=years, profile=profile_of(i))
    meta.write_text(json.dumps(write_simulation(sim, folder)))
    return time.process_time() - c0


def simulate(work: Path, runners: int, years: float, parallel: int) -> list[dict[str, Any]]:
    todo = [i for i in range(runners) if not (work / f"runner{i}.json").exists()]
    if parallel > 1 and len(todo) > 1:
        with ProcessPoolExecutor(parallel, mp_context=multiprocessing.get_context("spawn")) as ex:
            cpus = ex.map(_simulate_one, [str(work)] * len(todo), todo, [years] * len(todo))
            for i, cpu in zip(todo, cpus, strict=True):
                print(f"simulated runner {i}: {cpu:.0f} s CPU", flush=True)
    else:
        for i in todo:
            print(
                f"simulated runner {i}: {_simulate_one(str(work), i, years):.0f} s CPU", flush=True
            )
    out = []
    for i in range(runners):
        folder = work / f"runner{i}"
        truth = json.loads((folder / "truth.json").read_text())
        out.append({"folder": folder, "end": truth["end"], "runs": len(truth["sessions"])})
    return out


def _cpu_self() -> float:
    """CPU seconds of this process and its reaped children (user + system)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _children_cpu() -> float:
    """CPU seconds of this process's reaped children (user + system)."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def import_one(url: str, name: str, folder: str, workers: int) -> dict[str, Any]:
    """One athlete's import (in a process of its own under ``--parallel``): opens the
    database, imports ``folder`` for ``name``; wall and CPU of the import."""
    warnings.simplefilter("ignore")
    from deliberun.services.importer import import_paths
    from deliberun.store.db import Database

    c0, t0 = _cpu_self(), time.perf_counter()
    db = Database(url, migrate=False)
    db = db.for_athlete(name) if name else db
    rep = import_paths(db, [folder], workers=workers)
    db.dispose()
    return {"name": name, "activities": len(rep.imported), "failed": len(rep.failed),
            "duplicates": len(rep.duplicates), "wall_s": time.perf_counter() - t0,
            "cpu_s": _cpu_self() - c0}  # fmt: skip


def _samples(folder: Path) -> int:
    """Stream samples the simulator wrote for this runner."""
    return int(json.loads(folder.with_suffix(".json").read_text())["samples"])


def _ask(client: Any, path: str) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of one request (the PostgreSQL server's own CPU
    is not in it)."""
    c0, t0 = time.process_time(), time.perf_counter()
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def _stats(rows: list[tuple[float, float]]) -> dict[str, Any]:
    """Median and max (and p95 from 20 values on) of wall and CPU; the values too."""
    out: dict[str, Any] = {"n": len(rows)}
    for i, what in enumerate(("wall", "cpu")):
        v = sorted(x[i] for x in rows)
        out[f"{what}_p50_ms"] = statistics.median(v)
        out[f"{what}_max_ms"] = v[-1]
        if len(v) >= 20:
            out[f"{what}_p95_ms"] = v[int(round(0.95 * (len(v) - 1)))]
        out[f"{what}_ms"] = [round(x, 1) for x in v]
    return out


def _drop_lines(url: str) -> None:
    """Delete every stored group line, so the next group page builds them all (cold)."""
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(text("delete from group_lines"))
    eng.dispose()


def pages(url: str, today: Any, athlete: str, repeat: int) -> dict[str, Any]:
    """Group page cold (no stored lines, a new app) and warm (lines stored, the same app
    asked again); one athlete's Today cold (a new app) and warm (the same app again)."""
    from fastapi.testclient import TestClient

    from deliberun.web.group_app import create_group_app

    def app() -> Any:
        return TestClient(create_group_app(url, today=today), base_url="http://127.0.0.1")

    out: dict[str, Any] = {}
    for name, path in (("group", "/api/group"), ("today", f"/api/today?athlete={athlete}")):
        cold = []
        for _ in range(repeat):
            if name == "group":
                _drop_lines(url)
            cold.append(_ask(app(), path))
        client = app()
        client.get(path)
        warm = [_ask(client, path) for _ in range(repeat)]
        out[name] = {"cold": _stats(cold), "warm": _stats(warm)}
        print(f"  {name}: cold CPU p50 {out[name]['cold']['cpu_p50_ms']:.0f} ms, warm "
              f"{out[name]['warm']['cpu_p50_ms']:.0f} ms", flush=True)  # fmt: skip
    return out


def db_counts(url: str) -> dict[str, int]:
    """Database size and row counts (activities, distinct originals, group lines)."""
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    out = {}
    with eng.connect() as c:
        for key, sql in (
            ("db_size_bytes", "select pg_database_size(current_database())"),
            ("activities_rows", "select count(*) from activities"),
            ("duplicate_activities", "select count(*) from (select athlete_id, start_time"
             " from activities group by 1, 2 having count(*) > 1) d"),
        ):  # fmt: skip
            out[key] = int(c.execute(text(sql)).scalar_one())
    eng.dispose()
    return out


class Results:
    """The results so far, rewritten to ``path`` (and each step appended to ``.jsonl``)."""

    def __init__(self, path: Path | None, args: argparse.Namespace) -> None:
        self.path = path
        self.data: dict[str, Any] = {
            "args": {k: str(v) for k, v in vars(args).items()},
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "steps": [],
        }
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_suffix(".jsonl").write_text("")

    def add(self, key: str, row: dict[str, Any]) -> None:
        row = {"what": key, "at": datetime.now(UTC).isoformat(timespec="seconds"), **row}
        if key == "step":
            self.data["steps"].append(row)
        else:
            self.data[key] = row
        if self.path:
            self.path.write_text(json.dumps(self.data, indent=1) + "\n")
            with self.path.with_suffix(".jsonl").open("a") as f:
                f.write(json.dumps(row) + "\n")


def _import_step(
    url: str, names: list[str], folders: list[Path], parallel: int, workers: int, t_run: float
) -> tuple[list[dict[str, Any]], float, float]:
    """Import each athlete's folder (``parallel`` processes, one per athlete, or in this
    process); (their reports, wall s, client CPU s)."""
    done: list[dict[str, Any]] = []

    def progress(r: dict[str, Any]) -> None:
        done.append(r)
        print(f"[{time.perf_counter() - t_run:7.0f} s] {r['name']}: {r['activities']} activities "
              f"({r['failed']} failed) in {r['wall_s']:.0f} s wall, {r['cpu_s']:.0f} s CPU; "
              f"{len(done)}/{len(names)} of this step", flush=True)  # fmt: skip

    t0 = time.perf_counter()
    if parallel <= 1:
        c0 = _cpu_self()
        for name, folder in zip(names, folders, strict=True):
            progress(import_one(url, name, str(folder), workers))
        return done, time.perf_counter() - t0, _cpu_self() - c0
    k0 = _children_cpu()
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(parallel, mp_context=ctx, max_tasks_per_child=1) as ex:
        futures = [
            ex.submit(import_one, url, n, str(f), workers)
            for n, f in zip(names, folders, strict=True)
        ]
        for fut in as_completed(futures):
            progress(fut.result())
    return done, time.perf_counter() - t0, _children_cpu() - k0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "group_scale")
    ap.add_argument("--runners", type=int, default=3)
    ap.add_argument("--years", type=float, default=0.5)
    ap.add_argument("--steps", default="5,10")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--parallel", type=int, default=1,
                    help="athletes importing at once, one process each (1: in this process)")  # fmt: skip
    ap.add_argument(
        "--workers", type=int, default=1, help="1: parse in-process, so the CPU time is exact"
    )
    ap.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    ap.add_argument("--keep-cluster", type=Path, default=None,
                    help="make the cluster under this folder and leave it there (stopped)")  # fmt: skip
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    from datetime import date

    from deliberun.services.athletes import add_athlete
    from deliberun.store.db import Database
    from pg_cluster import start

    steps = [int(x) for x in args.steps.split(",")]
    args.work = args.work / f"{args.years:g}y"  # simulated folders are kept per length
    args.work.mkdir(parents=True, exist_ok=True)
    res = Results(args.json, args)
    t_run = time.perf_counter()
    runners = simulate(args.work, args.runners, args.years, args.parallel)
    today = date.fromisoformat(runners[0]["end"])
    res.add("simulation", {"runners": len(runners), "runs": [r["runs"] for r in runners],
                           "samples": [_samples(r["folder"]) for r in runners],
                           "wall_s": time.perf_counter() - t_run})  # fmt: skip
    print(f"simulated {len(runners)} runners in {time.perf_counter() - t_run:.0f} s", flush=True)

    lite = args.work / "one.db"
    for p in args.work.glob("one.db*"):
        p.unlink()
    sdb = Database(lite)
    sdb.dispose()
    r = import_one(f"sqlite:///{lite}", "", str(runners[0]["folder"]), args.workers)
    res.add("sqlite_one", {**r, "activities_per_s": r["activities"] / r["wall_s"],
                           "samples": _samples(runners[0]["folder"]),
                           "size_bytes": lite.stat().st_size})  # fmt: skip
    print("sqlite, one athlete:", res.data["sqlite_one"], flush=True)

    if args.keep_cluster:
        args.keep_cluster.mkdir(parents=True, exist_ok=True)
        tempfile.tempdir = str(args.keep_cluster)
    cluster = start()
    if isinstance(cluster, str):
        sys.exit(f"no PostgreSQL here: {cluster}")
    print(f"cluster in {cluster.root}", flush=True)
    try:
        url = cluster.createdb("group_scale")
        db = Database(url)
        have = 0
        activities = samples = 0
        for step in steps:
            names, folders = [], []
            step_samples = 0
            while have < step:
                name = f"a{have:03d}"
                add_athlete(db, name, now=datetime.now(UTC))
                names.append(name)
                folders.append(runners[have % len(runners)]["folder"])
                step_samples += _samples(folders[-1])
                have += 1
            done, wall, cpu = _import_step(url, names, folders, args.parallel, args.workers, t_run)
            n = sum(r["activities"] for r in done)
            activities, samples = activities + n, samples + step_samples
            row: dict[str, Any] = {
                "athletes": step,
                "step_athletes": len(names),
                "step_activities": n,
                "step_failed": sum(r["failed"] for r in done),
                "step_samples": step_samples,
                "activities": activities,
                "samples": samples,
                "step_wall_s": wall,
                "step_client_cpu_s": cpu,
                "step_import_cpu_s": sum(r["cpu_s"] for r in done),
                "activities_per_s": n / wall if wall else None,
                "samples_per_s": step_samples / wall if wall else None,
                "activities_per_cpu_s": n / cpu if cpu else None,
                "samples_per_cpu_s": step_samples / cpu if cpu else None,
                "elapsed_s": time.perf_counter() - t_run,
                **db_counts(url),
            }
            print(f"step {step}: {json.dumps(row)}", flush=True)
            res.add("step", row)  # the import's figures land before the pages are asked
            row["pages"] = pages(url, today, "a000", args.repeat)
            row["elapsed_s"] = time.perf_counter() - t_run
            res.add("step", {**row, "with_pages": True})
            res.data["steps"] = [s for s in res.data["steps"]
                                 if s["athletes"] != step or s.get("with_pages")]  # fmt: skip
            res.add("progress", {"athletes": step})
        db.dispose()
    finally:
        if args.keep_cluster:
            cluster._run(str(cluster.bin / "pg_ctl"), "-D", str(cluster.root / "data"),
                         "-m", "fast", "stop", check=False)  # fmt: skip
            print(f"cluster kept (stopped) in {cluster.root}", flush=True)
        else:
            cluster.stop()
    print(json.dumps(res.data, indent=1))


if __name__ == "__main__":
    main()
