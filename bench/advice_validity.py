"""Proof the practice advice is right, on sessions with planted effects.

Runs the nemesis ranking and the n-of-1 experiment verdicts on many seeds of the
session-level generator (``deliberun.practice.synthetic``) and prints the rates as a
Markdown table (the "Advice validity" section of docs/benchmarks.md):

- nemesis: how often the planted cause ranks first (per cause);
- experiments with a real planted effect: how often the verdict is right;
- null experiments (no effect, fitness trend only): how often "helps" or "hurts" appears.

Usage: ``.venv/bin/python bench/advice_validity.py [--seeds N] [--quick]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

import numpy as np

from deliberun.practice.experiments import analyze_experiment
from deliberun.practice.nemesis import CAUSES, rank_causes
from deliberun.practice.synthetic import experiment_sessions, nemesis_sessions


def nemesis_rates(seeds: int, n: int, strength: float) -> dict[str, float]:
    rates = {}
    for cause in CAUSES:
        hits = 0
        for seed in range(seeds):
            ss = nemesis_sessions(np.random.default_rng(seed), cause, n=n, strength=strength)
            ranked = rank_causes(ss, np.random.default_rng(10_000 + seed), permutations=499)
            hits += bool(ranked) and ranked[0].cause == cause
        rates[cause] = hits / seeds
    return rates


def experiment_rates(seeds: int, **kw: float | str) -> Counter[str]:
    c: Counter[str] = Counter()
    for seed in range(seeds):
        spec, ss = experiment_sessions(np.random.default_rng(seed), **kw)  # type: ignore[arg-type]
        c[analyze_experiment(spec, ss, seed=seed, permutations=999).verdict] += 1
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=250, help="experiments per scenario")
    ap.add_argument("--nemesis-seeds", type=int, default=50, help="seeds per planted cause")
    ap.add_argument("--quick", action="store_true", help="few seeds (a smoke run)")
    args = ap.parse_args(argv)
    if args.quick:
        args.seeds, args.nemesis_seeds = 40, 10
    t0 = time.perf_counter()
    out = ["### Nemesis: planted cause ranked first", ""]
    out += ["| attempts | strength (fade %/SD) | " + " | ".join(CAUSES) + " | mean |"]
    out += ["|---" * (len(CAUSES) + 3) + "|"]
    for n, strength in ((24, 2.0), (16, 2.0), (24, 1.0)):
        r = nemesis_rates(args.nemesis_seeds, n, strength)
        cells = " | ".join(f"{r[c]:.0%}" for c in CAUSES)
        out.append(f"| {n} | {strength} | {cells} | {np.mean(list(r.values())):.0%} |")
    out += ["", f"({args.nemesis_seeds} seeds per cause and row.)", ""]
    out += ["### Experiments: verdicts", ""]
    out += ["| scenario | design | sessions/arm | planted effect | n | helps | hurts | "
            "no clear | not enough | right | false claims |"]
    out += ["|---" * 11 + "|"]
    scenarios = [
        ("effect", "alternating", 10, -3.0, 0.0),
        ("effect", "alternating", 10, +3.0, 0.0),
        ("effect", "before_after", 14, -4.0, 0.0),
        ("effect", "before_after", 10, -3.0, 0.0),
        ("null", "alternating", 10, 0.0, 0.0),
        ("null", "before_after", 10, 0.0, 0.0),
        ("null", "alternating", 20, 0.0, 0.0),
        ("null, AR(1) 0.3", "before_after", 14, 0.0, 0.3),
    ]
    for name, design, n_arm, eff, ar in scenarios:
        c = experiment_rates(
            args.seeds,
            effect=eff,
            assignment=design,
            n_per_arm=n_arm,
            autocorr=ar,
        )
        total = sum(c.values())
        claims = c["helps"] + c["hurts"]
        if eff < 0:
            right, false = c["helps"] / total, c["hurts"] / total
        elif eff > 0:
            right, false = c["hurts"] / total, c["helps"] / total
        else:
            right, false = (total - claims) / total, claims / total
        out.append(
            f"| {name} | {design} | {n_arm} | {eff:+.1f} | {total} | {c['helps']} | {c['hurts']}"
            f" | {c['no_clear_difference']} | {c['not_enough_data']} | {right:.1%} | {false:.1%} |"
        )
    out += [
        "",
        "Outcome: last-rep fade [%], noise SD 1.5, fitness trend -0.03 %/day, one session every "
        "3-4 days; a negative effect is an improvement (lower fade is better). \"right\" = the "
        "planted direction for effect rows, no helps/hurts claim for null rows.",
        "",
        f"Run time: {time.perf_counter() - t0:.0f} s "
        f"(`.venv/bin/python bench/advice_validity.py --seeds {args.seeds} "
        f"--nemesis-seeds {args.nemesis_seeds}`).",
    ]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
