"""Coach mode at scale: a simulated group imported into PostgreSQL, against SQLite on one.

What it runs (state it with the numbers, docs/benchmarks.md "## Coach mode at scale"):

1. ``--runners`` distinct runners are simulated (``deliberun.sim``, marathon and
   nemesis scenarios, ``--years`` each, full-rate streams) once, into ``--work``;
2. SQLite baseline: the first runner imported into a new SQLite file, one athlete;
3. PostgreSQL (a throwaway cluster, tests/pg_cluster.py): athletes are added in steps
   (``--steps 5,10``) until the last step; athlete ``i`` imports runner ``i mod
   --runners`` (its own activities, streams and metrics: only the original files are
   shared, stored once by SHA-256). After each step: records/s of that step's imports,
   database size, the group page (``/api/group``) and one athlete's Today
   (``/api/today?athlete=``) through the real ASGI stack, cold and warm, p50/p95.

Run (about 10 minutes of CPU for 5 and 10 athletes × 0.5 year on this machine)::

    nice -n 10 .venv/bin/python bench/group_scale.py --steps 5,10 --years 0.5 --repeat 5

Extrapolation to 100 athletes is linear in the measured per-athlete cost and is
labelled so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/pg_cluster.py: the throwaway cluster

SCENARIOS = ("marathon", "nemesis_fatigue", "rest_experiment")


def simulate(work: Path, runners: int, years: float) -> list[dict[str, Any]]:
    from deliberun.services.demo_group import profile_of
    from deliberun.sim.output import write_simulation
    from deliberun.sim.simulation import Simulation

    out = []
    for i in range(runners):
        folder = work / f"runner{i}"
        meta = work / f"runner{i}.json"
        if not meta.exists():
            sim = Simulation(SCENARIOS[i % len(SCENARIOS)], 100 + i, years=years,
                             profile=profile_of(i))  # fmt: skip
            meta.write_text(json.dumps(write_simulation(sim, folder)))
        truth = json.loads((folder / "truth.json").read_text())
        out.append({"folder": folder, "end": truth["end"], "runs": len(truth["sessions"])})
    return out


def _import(db: Any, folder: Path, workers: int) -> tuple[int, float, float]:
    """(activities stored, wall s, CPU s of this process and its workers)."""
    import resource

    from deliberun.services.importer import import_paths

    def cpu() -> float:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    c0, t0 = cpu(), time.perf_counter()
    rep = import_paths(db, [folder], workers=workers)
    return len(rep.imported), time.perf_counter() - t0, cpu() - c0


def _samples(folder: Path) -> int:
    """Stream samples the simulator wrote for this runner."""
    return int(json.loads(folder.with_suffix(".json").read_text())["samples"])


def _p95(values: list[float]) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))]


def _ask(client: Any, path: str) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of one request (the PostgreSQL server's own CPU
    is not in it)."""
    c0, t0 = time.process_time(), time.perf_counter()
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def pages(url: str, today: Any, athlete: str, repeat: int) -> dict[str, Any]:
    """Group page and one athlete's Today: cold (a new app each time: nothing built)
    and warm (the same app asked again); wall and CPU, p50 and p95."""
    from fastapi.testclient import TestClient

    from deliberun.web.group_app import create_group_app

    def app() -> Any:
        return TestClient(create_group_app(url, today=today), base_url="http://127.0.0.1")

    out: dict[str, Any] = {}
    for name, path in (("group", "/api/group"), ("today", f"/api/today?athlete={athlete}")):
        cold = [_ask(app(), path) for _ in range(repeat)]
        client = app()
        client.get(path)
        warm = [_ask(client, path) for _ in range(repeat)]
        out[name] = {
            f"{kind}_{what}_{q}_ms": f([x[i] for x in rows])
            for kind, rows in (("cold", cold), ("warm", warm))
            for i, what in enumerate(("wall", "cpu"))
            for q, f in (("p50", statistics.median), ("p95", _p95))
        }
    return out


def db_size(url: str) -> int:
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.connect() as c:
        size = int(c.execute(text("select pg_database_size(current_database())")).scalar_one())
    eng.dispose()
    return size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "group_scale")
    ap.add_argument("--runners", type=int, default=3)
    ap.add_argument("--years", type=float, default=0.5)
    ap.add_argument("--steps", default="5,10")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--workers", type=int, default=1, help="1: parse in-process, so the CPU time is exact"
    )
    ap.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    from datetime import date

    from deliberun.services.athletes import add_athlete
    from deliberun.store.db import Database
    from pg_cluster import start

    steps = [int(x) for x in args.steps.split(",")]
    args.work = args.work / f"{args.years:g}y"  # simulated folders are kept per length
    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    runners = simulate(args.work, args.runners, args.years)
    today = date.fromisoformat(runners[0]["end"])
    print(f"simulated {len(runners)} runners in {time.perf_counter() - t0:.0f} s", flush=True)
    result: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "steps": []}

    lite = args.work / "one.db"
    for p in args.work.glob("one.db*"):
        p.unlink()
    sdb = Database(lite)
    n, wall, cpu = _import(sdb, runners[0]["folder"], args.workers)
    sdb.dispose()
    result["sqlite_one"] = {"activities": n, "wall_s": wall, "cpu_s": cpu,
                            "activities_per_s": n / wall, "samples": _samples(runners[0]["folder"]),
                            "size_bytes": lite.stat().st_size}  # fmt: skip
    print("sqlite, one athlete:", result["sqlite_one"], flush=True)

    cluster = start()
    if isinstance(cluster, str):
        sys.exit(f"no PostgreSQL here: {cluster}")
    try:
        url = cluster.createdb("group_scale")
        db = Database(url)
        have = 0
        for step in steps:
            n_all = wall_all = cpu_all = samples = 0.0
            while have < step:
                name = f"a{have:03d}"
                add_athlete(db, name, now=datetime.now(UTC))
                r = runners[have % len(runners)]
                n, wall, cpu = _import(db.for_athlete(name), r["folder"], args.workers)
                n_all, wall_all, cpu_all = n_all + n, wall_all + wall, cpu_all + cpu
                samples += _samples(r["folder"])
                have += 1
            row = {
                "athletes": step,
                "step_activities": n_all,
                "step_wall_s": wall_all,
                "step_cpu_s": cpu_all,
                "activities_per_s": n_all / wall_all if wall_all else None,
                "samples_per_s": samples / wall_all if wall_all else None,
                "db_size_bytes": db_size(url),
                "pages": pages(url, today, "a000", args.repeat),
            }
            result["steps"].append(row)
            print(json.dumps(row, indent=1), flush=True)
        db.dispose()
    finally:
        cluster.stop()
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
