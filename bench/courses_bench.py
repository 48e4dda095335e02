"""Courses benchmark: matching one new run, and building every course of 10 years.

Usage::

    .venv/bin/python bench/courses_bench.py [--years 10] [--quick]

The 10-year history is the simulator's (``Simulation("marathon", seed=0, years=10)``,
~3,100 runs on five recurring routes with GPS noise, the same athlete
``bench/sim_bench.py`` writes as the archive). Measured:

1. ``match_one_ms``: matching one new run against the courses of the first 3,000 runs
   (``CourseIndex.match`` after ``PathShape``: the grid candidates and the k-d tree
   checks), median and 95th percentile over the remaining runs. Goal < 50 ms.
2. ``build_pure_s``: ``build_courses`` over every run's profile (in memory).
   Wall and CPU time are both given: the machine is shared, and CPU time moves less
   with the load.
3. ``sync_s``: ``services.courses.sync_courses(rebuild=True)`` on a SQLite database
   holding the runs' streams (time, position, distance, altitude, heart rate): read and
   decode the streams, profile every run, store the profiles, place every run, write
   the courses. Goal < 30 s for 10 years.

Results go to ``bench/out/results/courses.json``. The database of the runs' streams is
kept as ``bench/out/courses10y.db`` (gitignored) for the next run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out" / "results"
GOALS = {"match_one_ms": 50.0, "sync_s": 30.0}


def _store(db, sessions) -> None:  # type: ignore[no-untyped-def]
    from deliberun.store import repository as repo
    from deliberun.store.tables_core import ActivityRow

    now = datetime.now(UTC)
    with db.session() as s:
        for k, sess in enumerate(sessions):
            tr = sess.track
            sha = hashlib.sha256(f"sim-{k}".encode()).hexdigest()
            repo.add_original(s, sha, b"sim", f"sim-{k}", now)
            row = ActivityRow(
                start_time=tr.start_time, utc_offset_s=tr.utc_offset_s,
                local_date=sess.local_date, sport="running", name=tr.name,
                distance_m=float(tr.distance[-1]), source_path=f"sim-{k}",
                source_format="fit", sha256=sha, n_samples=len(tr.time), extra={},
                structure={}, created_at=now,
            )  # fmt: skip
            aid = repo.add_activity(s, row)
            repo.replace_streams(
                s, aid,
                {"time": tr.time, "latitude": tr.latitude, "longitude": tr.longitude,
                 "distance": tr.distance, "altitude": tr.altitude, "heart_rate": tr.heart_rate},
            )  # fmt: skip
            repo.add_source(s, aid, sha256=sha, source_path=f"sim-{k}", format="fit", meta={})
        s.commit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--quick", action="store_true", help="1 year, match against all runs")
    args = ap.parse_args()
    years = 1.0 if args.quick else args.years

    from deliberun.practice.course_tracks import PathShape, profile_from_streams
    from deliberun.practice.courses import build_courses
    from deliberun.services.courses import list_courses, sync_courses
    from deliberun.sim.simulation import Simulation
    from deliberun.store.db import Database

    t0 = time.perf_counter()
    sessions = list(Simulation("marathon", seed=0, years=years).sessions())
    sim_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    profiles = []
    for sess in sessions:
        tr = sess.track
        p = profile_from_streams(
            len(profiles), tr.time, tr.latitude, tr.longitude, distance=tr.distance,
            altitude=tr.altitude, heart_rate=tr.heart_rate,
        )  # fmt: skip
        if p is not None:
            profiles.append(p)
    profile_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    index_all = build_courses(profiles)
    build_pure_s, build_cpu_s = time.perf_counter() - t0, time.process_time() - c0

    stored = min(3000, len(profiles) - 50) if not args.quick else len(profiles) - 50
    index = build_courses(profiles[:stored])
    times, cpu = [], []
    for p in profiles[stored:]:
        t0, c0 = time.perf_counter(), time.process_time()
        index.match(PathShape(p.latitude, p.longitude))
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()

    with tempfile.TemporaryDirectory() as tmp:
        keep = BENCH / "out" / f"courses{years:g}y.db"
        store_s = None
        if not keep.exists():
            keep.parent.mkdir(parents=True, exist_ok=True)
            db = Database(Path(tmp) / "courses.db")
            t0 = time.perf_counter()
            _store(db, sessions)
            store_s = time.perf_counter() - t0
            db.dispose()
            shutil.copy(Path(tmp) / "courses.db", keep)
        shutil.copy(keep, Path(tmp) / "run.db")
        db = Database(Path(tmp) / "run.db")
        t0, c0 = time.perf_counter(), time.process_time()
        info = sync_courses(db, rebuild=True)
        sync_s, sync_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        listed = list_courses(db, sync=False)
        list_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = sync_courses(db)
        resync_s = time.perf_counter() - t0
        db.dispose()

    res = {
        "years": years,
        "runs": len(sessions),
        "runs_with_track": len(profiles),
        "courses_pure": len(index_all),
        "sim_s": round(sim_s, 2),
        "profile_all_s": round(profile_s, 2),
        "build_pure_s": round(build_pure_s, 2),
        "build_pure_cpu_s": round(build_cpu_s, 2),
        "stored_runs_for_match": stored,
        "match_one_ms_median": round(statistics.median(times), 2),
        "match_one_ms_p95": round(times[int(0.95 * (len(times) - 1))], 2),
        "match_one_ms_max": round(times[-1], 2),
        "match_one_cpu_ms_median": round(statistics.median(cpu), 2),
        "matched_runs": len(times),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "store_setup_s": None if store_s is None else round(store_s, 1),
        "sync_s": round(sync_s, 2),
        "sync_cpu_s": round(sync_cpu_s, 2),
        "sync_courses": info["courses"],
        "recurring_courses": len(listed),
        "list_courses_s": round(list_s, 2),
        "resync_nothing_new_s": round(resync_s, 2),
        "resync_placed": again["placed"],
        "goals": GOALS,
    }
    print(json.dumps(res, indent=2))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "courses.json").write_text(json.dumps(res, indent=2))
    ok = res["match_one_ms_p95"] < GOALS["match_one_ms"] and (
        args.quick or res["sync_s"] < GOALS["sync_s"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
