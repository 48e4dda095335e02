"""Dashboard latency on a large archive: p50/p95 per page, cold and cached.

Builds (once, kept in --work) a simulated athlete of several years
(``deliberun.sim``, marathon scenario), imports it with the real importer
(plus its plan.yaml), then requests every page through the full ASGI stack
(FastAPI TestClient: routing, CSRF middleware, template rendering) N times:

- **cold**: the page cache off, every request rebuilds the page from the
  services (what the first view after an import costs);
- **cached**: the page cache on (what navigating the dashboard costs while
  the database is unchanged).

then times the warm-up ``deliberun serve`` runs after every change (every
default page rebuilt, sharing their reads). Goal: p95 < 150 ms per page. Run::

    .venv/bin/python bench/web_bench.py --years 3 --repeat 15
    # or on the 10-year archive of bench/sim_bench.py (imported once into --work):
    .venv/bin/python bench/web_bench.py --archive bench/out/archive10y --repeat 20 --cold-repeat 5

and paste the table into docs/benchmarks.md ("## Dashboard").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

GOAL_MS = 150.0
PAGES = (
    "/today",
    "/calendar",
    "/activities",
    "/activities/{id}",
    "/fitness",
    "/targets",
    "/experiments",
    "/plan",
)


def build(work: Path, years: float, seed: int) -> tuple[Path, date]:
    """The simulated archive imported into ``work/bench.db`` (reused when present)."""
    from deliberun.services.importer import import_paths
    from deliberun.sim.output import write_simulation
    from deliberun.sim.simulation import Simulation
    from deliberun.store.db import Database

    files = work / f"sim-{years:g}y-{seed}"
    db_path = work / f"bench-{years:g}y-{seed}.db"
    end_file = work / f"bench-{years:g}y-{seed}.end"
    if db_path.exists() and end_file.exists():
        _journal(Database(db_path), files)
        return db_path, date.fromisoformat(end_file.read_text().strip())
    t0 = time.perf_counter()
    result = write_simulation(Simulation("marathon", seed, years=years), files)
    print(f"simulated {result['activities']} activities in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    db = Database(db_path)
    report = import_paths(db, [files])
    print(f"imported {len(report.imported)} in {time.perf_counter() - t0:.1f} s")
    try:
        from deliberun.services import plan

        plan.import_file(db, files / "plan.yaml", now=datetime.now(UTC))
    except Exception as exc:  # the plan is optional for the bench
        print(f"plan.yaml not imported: {exc}", file=sys.stderr)
    _journal(db, files)
    end_file.write_text(result["end"])
    return db_path, date.fromisoformat(result["end"])


def build_from_archive(work: Path, archive: Path) -> tuple[Path, date]:
    """A simulated archive already written (``deliberun simulate --out DIR``) imported once.

    The database is kept as ``work/<archive name>.db``; "today" is the last day
    with an activity.
    """
    from deliberun.services.importer import import_paths
    from deliberun.store.db import Database

    db_path = work / f"{archive.name}.db"
    db = Database(db_path)
    with db.session() as s:
        from deliberun.store import repository as repo

        n = repo.count_activities(s)
    if n == 0:
        t0 = time.perf_counter()
        report = import_paths(db, [str(archive)])
        print(f"imported {len(report.imported)} in {time.perf_counter() - t0:.1f} s")
    _plan(db, archive)
    _journal(db, archive)
    with db.session() as s:
        last = repo.list_activities(s, limit=1, newest_first=True)[0].local_date
    return db_path, last


def _plan(db: Any, files: Path) -> None:
    """The plan the simulated runner followed (when the importer did not read it)."""
    from deliberun.services import plan

    try:
        plan.current_plan(db)
    except ValueError:  # no plan yet
        plan.import_plan_file(db, files / "plan.yaml", now=datetime.now(UTC))
        print("plan.yaml imported")


def _journal(db: Any, files: Path) -> None:
    """The runner's journal, cycles and experiments (when the importer did not read them)."""
    from deliberun.services import practice

    journal = files / "deliberun-journal.yaml"
    # the runner's own entries (the list also shows what Strava's export carried)
    logged = [e for e in practice.list_journal(db) if e["source"] == "journal"]
    if journal.exists() and not logged:
        counts = practice.import_journal_file(db, journal)
        print(f"journal imported: {counts}")


def measure(
    db_path: Path, today: date, repeat: int, cache: bool, settle: bool = True
) -> dict[str, list[float]]:
    """Wall and CPU ms of ``repeat`` requests per page, after one request of every page
    and (``settle``) ``web.memory.settle()``, as ``deliberun serve`` after its first
    warm-up."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from deliberun.web.app import create_app

    client = TestClient(create_app(str(db_path), today=today, page_cache=cache))
    rows = client.get("/api/activities?limit=1").json()["activities"]["rows"]
    newest = rows[0]["id"]
    out: dict[str, list[float]] = {}
    for page in PAGES:  # warm-up (imports, compiled queries and templates, SQLite pages)
        client.get(page.format(id=newest), headers={"accept": "text/html"})
    if settle:
        from deliberun.web.memory import settle as settle_memory

        settle_memory()
    for page in PAGES:
        url = page.format(id=newest)
        times, cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            r = client.get(url, headers={"accept": "text/html"})
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"{url}: HTTP {r.status_code}")
        out[page] = times
        out[page + " cpu"] = cpu
    return out


def time_warm_up(db_path: Path, today: date) -> tuple[float, float]:
    """Wall and CPU seconds to rebuild every page's default view (serve's warm-up thread)."""
    from deliberun.web.app import create_app
    from deliberun.web.routes import warm

    app = create_app(str(db_path), today=today)
    warm(app)  # first run: module imports, SQLite pages into the OS cache
    app.state.cache.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    warm(app)
    return time.perf_counter() - t0, time.process_time() - c0


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method); of one value, that value (the max of 1:
    ``statistics.quantiles`` needs two)."""
    if len(values) < 2:
        return float(max(values))
    return float(statistics.quantiles(values, n=20, method="inclusive")[18])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=float, default=3.0, help="years of simulated history")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=15, help="requests per page")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "dr-web")
    ap.add_argument(
        "--archive",
        type=Path,
        help="an archive written by `deliberun simulate --out DIR` (e.g. bench/out/archive10y) "
        "to import and use instead of simulating --years",
    )
    ap.add_argument("--cold-repeat", type=int, help="requests per page with the cache off")
    ap.add_argument(
        "--no-settle",
        action="store_true",
        help="leave the collector as it is (no web.memory.settle after the warm-up)",
    )
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.archive:
        db_path, today = build_from_archive(args.work, args.archive)
    else:
        db_path, today = build(args.work, args.years, args.seed)
    load = os.getloadavg()
    settle = not args.no_settle
    cold = measure(db_path, today, args.cold_repeat or args.repeat, cache=False, settle=settle)
    warm = measure(db_path, today, args.repeat, cache=True, settle=settle)
    warm_up_s, warm_up_cpu_s = time_warm_up(db_path, today)
    load_end = os.getloadavg()
    from deliberun.store import repository as repo
    from deliberun.store.db import Database

    with Database(db_path).session() as s:
        n = repo.count_activities(s)
    what = args.archive or f"{args.years:g} years simulated"
    print(f"\n{what}: {n} activities, today = {today}, {args.repeat} requests per page")
    print(f"load average {load[0]:.1f} at the start, {load_end[0]:.1f} at the end (2 CPUs); "
          f"{'no ' if args.no_settle else ''}web.memory.settle after the warm-up")  # fmt: skip
    n_cold = args.cold_repeat or args.repeat
    if min(n_cold, args.repeat) < 20:  # a p95 of few requests is near their max
        print(f"(p95 of {n_cold} cold and {args.repeat} cached requests per page: "
              f"with 1 it is that request, the max of 1)")  # fmt: skip
    print(
        "| page | cold p50 ms | cold p95 ms | cold CPU p50 ms | cold CPU p95 ms | cached p50 ms "
        "| cached p95 ms | goal p95 < 150 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for page in PAGES:
        c, w = cold[page], warm[page]
        ok = "yes" if p95(c) < GOAL_MS else ("cached only" if p95(w) < GOAL_MS else "no")
        print(
            f"| {page} | {statistics.median(c):.0f} | {p95(c):.0f} | "
            f"{statistics.median(cold[page + ' cpu']):.0f} | {p95(cold[page + ' cpu']):.0f} | "
            f"{statistics.median(w):.0f} | {p95(w):.0f} | {ok} |"
        )
    print(
        f"\nwarm-up after a change (every default page rebuilt in the background by "
        f"`deliberun serve`): {warm_up_s:.1f} s wall, {warm_up_cpu_s:.1f} s CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
