"""Experiments in situations the planted-effect scenarios do not contain (issue 12).

Each row simulates many runners (``deliberun.practice.synthetic_experiments``) and
judges their experiments as deliberun would; prints a Markdown table with, per row, the
rate of helps/hurts claims (at any look for the weekly rows), the rate of right verdicts
where an effect is planted, and the 90% interval coverage where a verdict is given, each
with a 95% Wilson interval. With ``--real PATH`` it also runs placebo before/after
experiments at every week of a real history (an export folder such as
``../shared/data/real/strava_export/slalom007``, imported into a throwaway store, or
an imported store) and counts the claims.

Usage: ``.venv/bin/python bench/adversarial_experiments.py [--runners N] [--real PATH]``
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import numpy as np

from deliberun.practice.synthetic_experiments import Runner, evaluate, placebo_sweep, simulate
from deliberun.services.practice_experiments import plan_for


def wilson(k: int, n: int) -> str:
    """``k/n (rate%, 95% Wilson interval)``."""
    if n == 0:
        return "-"
    z = 1.959964
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return f"{k}/{n} ({100 * p:.1f}%, {100 * (mid - half):.1f}-{100 * (mid + half):.1f})"


def mde_runner(seed: int) -> tuple[int, float]:
    """Plan a randomised experiment from 16 weeks of a runner's own history, as
    ``experiment create`` does: (planned sessions, minimum detectable effect)."""
    hist_runner = Runner("randomised", planned=32)
    spec, hist = simulate(np.random.default_rng(10_000 + seed), hist_runner)
    plan = plan_for(spec, hist, hist[-1].local_date)
    return plan.planned_sessions, plan.min_detectable_effect


ROWS: list[tuple[str, Runner, bool, str]] = [
    ("alternating, Tue/Fri, Fridays +2, no effect", Runner("alternating", weekday_effect={4: 2.0}), False, "null"),
    ("alternating, Tue/Fri, Fridays +2, no effect, weekly looks", Runner("alternating", weekday_effect={4: 2.0}), True, "null"),
    ("alternating, Tue/Fri every week (no skips), Fridays +2, no effect", Runner("alternating", weekday_effect={4: 2.0}, skip_prob=0.0), False, "null"),
    ("before/after, 7-week layoff just before the change, no effect", Runner("before_after", layoff_days=49), False, "null"),
    ("before/after, 7-week layoff, no effect, weekly looks", Runner("before_after", layoff_days=49), True, "null"),
    ("randomised, no effect, weekly looks", Runner("randomised"), True, "null"),
    ("before/after, no effect, weekly looks", Runner("before_after"), True, "null"),
    ("before/after, no effect, serial correlation 0.5, weekly looks", Runner("before_after", autocorr=0.5), True, "null"),
    ("before/after, no effect, saturating trend, weekly looks", Runner("before_after", trend="saturating"), True, "null"),
    ("randomised, no effect, weekly looks across a season (24 planned, 24 more after)", Runner("randomised", extra=24), True, "null"),
    ("before/after, no effect, weekly looks across a season (24 planned after the change, 24 more)", Runner("before_after", extra=24), True, "null"),
    ("before/after, 7-week layoff, no effect, weekly looks across a season", Runner("before_after", layoff_days=49, extra=24), True, "null"),
    ("before/after, real effect -2.5", Runner("before_after", effect=-2.5), False, "effect"),
    ("before/after, real effect -2.5, serial correlation 0.5", Runner("before_after", effect=-2.5, autocorr=0.5), False, "effect"),
    ("before/after, real effect -2.5, saturating trend", Runner("before_after", effect=-2.5, trend="saturating"), False, "effect"),
]  # fmt: skip


def placebo_real(db_path: str) -> list[list[str]]:
    """Placebo before/after experiments at every Monday of the real history (see
    ``synthetic_experiments.placebo_sweep``), per metric and workout type."""
    import tempfile
    from pathlib import Path

    from deliberun.services import importer
    from deliberun.services.practice import build_sessions
    from deliberun.store.db import Database

    if Path(db_path).is_dir():  # an export: import it into a throwaway store
        tmp = tempfile.mkdtemp(prefix="deliberun-placebo-")
        db = Database(Path(tmp) / "db.sqlite")
        importer.import_paths(db, [Path(db_path)], workers=1)
    else:
        db = Database(db_path)
    ss = build_sessions(db, today=date(2100, 1, 1), since=date(1900, 1, 1))
    rows = []
    for metric in ("avg_hr_bpm", "avg_pace_s_per_km", "efficiency_factor"):
        for wt in (None, "easy", "intervals"):
            n, claims = placebo_sweep(ss, metric, wt)
            rows.append([metric, wt or "all runs", wilson(claims, n)])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runners", type=int, default=200)
    ap.add_argument(
        "--real",
        help="a real history for the placebo rows: an export folder (imported into a "
        "throwaway store) or an imported store",
    )
    ap.add_argument("--only", help="run only the rows whose situation contains this text")
    args = ap.parse_args()
    t0 = time.perf_counter()
    out = [
        "| situation | runners | helps/hurts (any look) | right | 90% interval covers truth (where a verdict is given) | final verdicts |",
        "|---|---|---|---|---|---|",
    ]
    rows = list(ROWS)
    plans = [mde_runner(s) for s in range(3)]
    n_plan, mde = plans[0]
    rows.append(
        (f"randomised, planned {n_plan} sessions, effect = MDE shown at creation ({mde:.2f})",
         Runner("randomised", effect=-mde, planned=n_plan), False, "effect")
    )  # fmt: skip
    rows.append(
        (f"randomised, planned {n_plan} sessions, no effect, weekly looks",
         Runner("randomised", planned=n_plan), True, "null")
    )  # fmt: skip
    for name, r, weekly, kind in rows:
        if args.only and args.only not in name:
            continue
        res = evaluate(r, args.runners, weekly=weekly)
        right = wilson(res.right, res.runners) if kind == "effect" else "-"
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(res.verdicts.items()))
        if weekly:
            verdicts += f"; final verdict changed at a later look: {res.changed_after_final}"
        out.append(
            f"| {name} | {res.runners} | {wilson(res.claimed, res.runners)} | {right} | "
            f"{wilson(res.covered, res.given)} | {verdicts} |"
        )
        print(out[-1], flush=True)
    print()
    print("\n".join(out))
    if args.real and not Path(args.real).exists():
        print(f"\n(placebo rows skipped: {args.real} not found)")
    elif args.real:
        print()
        print(
            "| metric | sessions | placebo experiments claiming an effect (any of 8 weekly looks) |"
        )
        print("|---|---|---|")
        for row in placebo_real(args.real):
            print("| " + " | ".join(row) + " |", flush=True)
    print(f"\n(plans from 3 runners' histories: {plans}; {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
