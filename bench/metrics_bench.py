"""Benchmark: ``deliberun.metrics.compute_all`` on synthetic 1 Hz runs.

- one 1-hour run and one 3-hour run (intervals, hills, heart rate, cadence),
  each the best of ``--repeat`` calls;
- an archive of ``--activities`` runs (default 3,000) of 40-80 minutes, about
  10 million samples in all: ``--distinct`` different runs (default 300) are
  generated first (not timed), then compute_all is called on every archive
  activity in turn (each distinct run reused ``activities / distinct`` times),
  in one process, and the total is timed; then again split over ``--workers``
  processes (compute_all is pure, so the archive parallelises the way the
  import does). Nothing is extrapolated. Wall time depends on what else runs
  on the machine; CPU time is printed beside it.

Target (task brief): the archive in under a minute on this machine.
Results go to docs/benchmarks.md, section "Metrics".

Run: ``.venv/bin/python bench/metrics_bench.py [--activities 3000] [--distinct 300]``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from deliberun.athlete import AthleteSettings
from deliberun.io.activity import Activity
from deliberun.metrics import compute_all
from deliberun.metrics.synthetic import synthetic_run, workout_segments


def run_of_minutes(minutes: float, seed: int) -> Activity:
    """A run of about ``minutes``: easy, or a workout with reps, on rolling hills."""
    rng = np.random.default_rng(seed)
    easy = float(rng.uniform(2.6, 3.4))
    hills = float(rng.choice([0.0, 10.0, 30.0]))
    if rng.random() < 0.4:
        reps = int(rng.integers(4, 10))
        rep_m = float(rng.choice([400, 800, 1000, 1609.344]))
        segs = workout_segments(reps, rep_m, easy * 1.45, easy_speed=easy)
        used = sum(a / v if k == "distance" else a for k, a, v in segs)
        rest = max(minutes * 60 - used, 300.0)
        segs.append(("time", rest, easy))
    else:
        segs = [("time", minutes * 60.0, easy)]
    return synthetic_run(segs, seed=seed, altitude_amplitude_m=hills)


_POOL: list[Activity] = []
_SETTINGS = AthleteSettings(hr_max_bpm=190, hr_rest_bpm=50, threshold_pace_s_per_km=255)


def make_pool(distinct: int) -> list[Activity]:
    rng = np.random.default_rng(1)
    return [run_of_minutes(float(rng.uniform(40, 80)), seed=1000 + i) for i in range(distinct)]


def _init_worker(distinct: int) -> None:
    _POOL[:] = make_pool(distinct)


def _work(chunk: range) -> int:
    for i in chunk:
        compute_all(_POOL[i % len(_POOL)], _SETTINGS)
    return len(chunk)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=3000)
    parser.add_argument("--distinct", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    settings = _SETTINGS

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    for minutes in (60, 180):
        act = run_of_minutes(minutes, seed=minutes)
        compute_all(act, settings)  # warm-up (imports, caches)
        t = best_of(lambda act=act: compute_all(act, settings), args.repeat)
        print(f"one {minutes}-min run ({act.n_samples} samples): {t * 1000:.1f} ms")

    rng = np.random.default_rng(1)
    pool = [run_of_minutes(float(rng.uniform(40, 80)), seed=1000 + i) for i in range(args.distinct)]
    n_samples = sum(pool[i % len(pool)].n_samples for i in range(args.activities))
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(args.activities):
        compute_all(pool[i % len(pool)], settings)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"archive: {args.activities} activities, {n_samples / 1e6:.1f} M samples: "
        f"{total:.1f} s wall, {cpu:.1f} s CPU ({total / args.activities * 1000:.1f} ms/activity, "
        f"{n_samples / total / 1e6:.2f} M samples/s)"
    )
    if args.workers > 1:
        import multiprocessing as mp

        step = 50
        chunks = [range(i, min(i + step, args.activities)) for i in range(0, args.activities, step)]
        with mp.get_context("fork").Pool(args.workers, _init_worker, (args.distinct,)) as procs:
            procs.map(_work, [range(0, 1)] * args.workers)  # wait for the initialisers
            t0 = time.perf_counter()
            done = sum(procs.map(_work, chunks))
            par = time.perf_counter() - t0
        print(f"archive on {args.workers} processes: {done} activities, {par:.1f} s wall")
        total = min(total, par)
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("target: < 60 s ->", "PASS" if total < 60 else "FAIL (wall; see CPU time and load)")


if __name__ == "__main__":
    main()
