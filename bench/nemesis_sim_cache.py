"""End-to-end nemesis recovery, with the slow part done once per seed.

``deliberun simulate`` -> ``import`` -> journal -> sessions (as ``advice_validity.sim_run``
does) takes ~20-40 s per simulated year; ranking the causes of those sessions takes
~0.1 s. ``build`` pickles the sessions of each seed; ``rank`` ranks them with the code
as it is (``--no-steps``: without the numeric causes' steps, the ranking before issue
12's follow-up), so a change to the cause ranking is measured on identical sessions.

Usage::

    .venv/bin/python bench/nemesis_sim_cache.py build DIR marathon 1.0 100 101 ...
    .venv/bin/python bench/nemesis_sim_cache.py rank DIR marathon [--no-steps]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import Counter
from pathlib import Path


def build(folder: Path, scenario: str, years: float, seeds: list[int]) -> None:
    from advice_validity import simulated

    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        dest = folder / f"{scenario}-{seed}.pkl"
        if dest.exists():
            continue
        with simulated(scenario, seed, years) as (_db, truth, today, sessions):
            dest.write_bytes(pickle.dumps({"truth": truth, "today": today, "sessions": sessions}))
        sys.stderr.write(f"{scenario} seed {seed}: {len(sessions)} sessions\n")


def rank(folder: Path, scenario: str, steps: bool) -> None:
    import deliberun.practice.nemesis as nm

    if not steps:
        nm.THRESHOLD_QUANTILES = ()
    found: Counter[str] = Counter()
    right = n = 0
    t0 = time.process_time()
    for f in sorted(folder.glob(f"{scenario}-*.pkl")):
        d = pickle.loads(f.read_bytes())
        (eff,) = [e for e in d["truth"]["effects"] if e["kind"] == "nemesis"]
        ss = d["sessions"]
        ranked = nm.find_nemeses(
            ss, d["today"], window=len(ss), min_failure_rate=0.0, against_baseline=False
        )
        mine = [x for x in ranked if x.workout_type == eff["workout_type"]]
        top = mine[0].causes[0].cause if mine and mine[0].causes else "none"
        found[top] += 1
        right += top == eff["cause"]
        n += 1
        sys.stdout.write(f"{f.stem}: {top}\n")
    cpu = time.process_time() - t0
    sys.stdout.write(f"planted first {right}/{n}; {dict(found)}; {cpu:.1f} s CPU\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("folder", type=Path)
    b.add_argument("scenario")
    b.add_argument("years", type=float)
    b.add_argument("seeds", type=int, nargs="+")
    r = sub.add_parser("rank")
    r.add_argument("folder", type=Path)
    r.add_argument("scenario")
    r.add_argument("--no-steps", action="store_true")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        build(args.folder, args.scenario, args.years, args.seeds)
    else:
        rank(args.folder, args.scenario, not args.no_steps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
