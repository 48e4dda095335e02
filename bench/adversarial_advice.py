"""Adversarial advice: claims the data cannot carry, on situations the scenarios lack.

Issue 12, part A: one row per situation, each on many simulated runners, with the rate
and its 95% (Wilson) interval; and the real history with an as-of date at every week.

Rows (session-level runners: ``deliberun.practice`` on sessions drawn here, the same
objects the services build; the end-to-end scenario files are in docs/simulation.md):

- ``nemesis_no_cause``: intervals twice a week for a year, failing at random 25% of the
  time (every candidate cause recorded, none acting). Weekly looks (the weekly review):
  flagged at any look; a cause named / a change suggested at any look.
- the same runners, causes ranked at every look where the *old* rule would have flagged
  (3+ of the last 6 failed): a change suggested at any look (the cause step alone).
- ``seasonal_heat_null``: two years, failures at random but more in summer (a seasonal
  state, not heat), temperature seasonal: heat named at any weekly look.
- ``gap_41``: 41 days without a run: ``today`` says push (on day 41; and on any day of
  the 21 days after training resumes).
- ``test_run_after_7_weeks``: one 4 km run after 49 days off: the next ``today`` says
  back off, or push.

``--real DIR`` imports a Strava export into a temporary database and asks ``today`` at
every day of the 21 days after each gap of 14+ days and at every week, and ``nemesis``
at every week (services with ``today=`` as ``deliberun --today`` does).

Usage: ``.venv/bin/python bench/adversarial_advice.py [--runners N] [--permutations P]
[--seasonal-only] [--real ../shared/data/real/strava_export/slalom007]``
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.models.load import fitness_fatigue
from deliberun.models.load_ratios import acwr_with_history
from deliberun.practice.nemesis import find_nemeses
from deliberun.practice.review import LoadState, load_advice
from deliberun.practice.session import Session
from deliberun.practice.synthetic import _context

START = date(2025, 1, 6)  # a Monday


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval of k successes in n."""
    if n == 0:
        return (0.0, 1.0)
    z = 1.959963984540054
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {k / n:.1%} (95% {lo:.1%}–{hi:.1%})" if n else "0/0"


# --------------------------------------------------------------------------- nemesis


def interval_runner(
    rng: np.random.Generator, weeks: int, failure_rate: float = 0.25, seasonal: float = 0.0
) -> list[Session]:
    """Intervals on Tuesday and Thursday; every cause recorded and drawn independently,
    temperature following the seasons; a session fails at random with probability
    ``failure_rate * (1 + seasonal * sin(season))`` (peaking in summer), nothing else."""
    out: list[Session] = []
    for w in range(weeks):
        for wd in (1, 3):
            day = START + timedelta(days=7 * w + wd)
            s = _context(rng, day, len(out))
            doy = day.timetuple().tm_yday
            s.temperature_c = float(
                11 - 9 * math.cos(2 * math.pi * (doy - 20) / 365.25) + rng.normal(0, 2.5)
            )
            p = failure_rate * (1 + seasonal * math.sin(2 * math.pi * (doy - 110) / 365.25))
            fade = 1.5 + float(rng.normal(0, 1.2)) + (6.0 if rng.random() < p else 0.0)
            s.last_rep_fade_pct = fade
            s.rpe = float(np.clip(round(6 + fade / 4), 1, 8))
            out.append(s)
    return out


def weekly_looks(
    sessions: list[Session], first_week: int, permutations: int, seed: int
) -> dict[str, Any]:
    """Every weekly look from ``first_week``: flagged (new rule), suggestion (new rule),
    suggestion under the old flag rule, heat named."""
    weeks = (sessions[-1].local_date - START).days // 7 + 1
    res = {"flagged": False, "suggested": False, "old_flag_suggested": False,
           "heat_named": False, "heat_named_old": False, "old_flags": 0,
           "old_flag_suggestions": 0}  # fmt: skip
    for w in range(first_week, weeks):
        today = START + timedelta(days=7 * w + 6)
        upto = [s for s in sessions if s.local_date <= today]
        new = find_nemeses(upto, today, seed=seed + w, permutations=permutations)
        if new:
            res["flagged"] = True
            res["suggested"] |= bool(new[0].suggestions)
            res["heat_named"] |= bool(new[0].standing_out and new[0].causes[0].cause == "heat")
        old = find_nemeses(upto, today, seed=seed + w, permutations=permutations,
                           against_baseline=False)  # fmt: skip
        if old:
            res["old_flags"] += 1
            res["old_flag_suggestions"] += bool(old[0].suggestions)
            res["old_flag_suggested"] |= bool(old[0].suggestions)
            top = old[0].standing_out
            res["heat_named_old"] |= bool(top and top.cause == "heat")
    return res


# --------------------------------------------------------------------------- load


def load_runner(
    rng: np.random.Generator, gap_days: int, test_run: bool, after_days: int = 30
) -> tuple[list[Session], np.ndarray, date, date]:
    """Training, a gap of ``gap_days`` without running, then (``test_run``) one 4 km run
    and nothing, or training again. Returns the sessions, the daily load series, the
    last day before the gap and the first day back."""
    before = int(rng.integers(90, 240))
    p = float(rng.uniform(0.4, 0.85))
    mean = float(rng.uniform(50, 110))
    n = before + gap_days + after_days
    load = np.zeros(n)
    ran = rng.random(before) < p
    ran[-1] = True
    load[:before] = np.where(ran, np.abs(rng.normal(mean, mean / 4, before)), 0.0)
    back = before + gap_days
    if test_run:
        load[back] = mean * 0.4
    else:
        again = rng.random(after_days) < p
        again[0] = True
        load[back:] = np.where(again, np.abs(rng.normal(mean * 0.7, mean / 5, after_days)), 0.0)
    ff = fitness_fatigue(load)
    ratio = acwr_with_history(load)
    sessions = []
    for i in np.flatnonzero(load > 0):
        sessions.append(
            Session(
                START + timedelta(days=int(i)),
                activity_id=int(i),
                load=float(load[i]),
                distance_m=4000.0 if test_run and i == back else 8000.0,
                form=float(ff.form[i]),
                fitness=float(ff.fitness[i]),
                acwr=None if np.isnan(ratio[i]) else float(ratio[i]),
            )
        )
    series = np.vstack([ff.form, ff.fitness, ff.fatigue, ratio])
    return sessions, series, START + timedelta(days=before - 1), START + timedelta(days=back)


def advice_on(sessions: list[Session], series: np.ndarray, day: date) -> str:
    i = (day - START).days
    form, fit, fat, ratio = (float(x) for x in series[:, min(i, series.shape[1] - 1)])
    state = LoadState(day, form, fit, fat, None if np.isnan(ratio) else ratio)
    return load_advice([s for s in sessions if s.local_date < day], day, state)[0]


# --------------------------------------------------------------------------- real history


def real_history(folder: str) -> list[str]:
    """Import the export, then ``today`` after every gap and ``nemesis`` every week."""
    import tempfile
    from pathlib import Path

    from deliberun.services import importer
    from deliberun.services import practice as psvc
    from deliberun.services import review as rsvc
    from deliberun.store.db import Database

    out = ["### The real history", ""]
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "real.sqlite")
        importer.import_paths(db, [Path(folder)], workers=1)
        with db.session() as s:
            from sqlalchemy import text

            rows = s.execute(text("select distinct local_date, sport from activities")).all()
        days = sorted({date.fromisoformat(str(d)) for d, sp in rows
                       if str(sp).lower().startswith("run")})  # fmt: skip
        gaps = [(a, b) for a, b in zip(days, days[1:], strict=False) if (b - a).days >= 14]
        out.append(f"Runs on {len(days)} days, {days[0]} .. {days[-1]}; gaps of 14+ days: "
                   + ", ".join(f"{a} → {b} ({(b - a).days} d)" for a, b in gaps) + ".")  # fmt: skip
        out += ["", "| as of | days | advice |", "|---|---:|---|"]
        pushes = 0
        checked = 0
        for a, b in gaps:
            seen: dict[str, int] = {}
            for k in range(0, 22):
                day = b + timedelta(days=k)
                adv = rsvc.today(db, today=day).advice or ""
                seen[adv] = seen.get(adv, 0) + 1
                pushes += adv == "push"
                checked += 1
            for k in (15, 30, 41):
                day = a + timedelta(days=k)
                if day < b:
                    out.append(f"| {day} ({k} days after the last run) | 1 | "
                               f"{rsvc.today(db, today=day).advice} |")  # fmt: skip
            out.append(f"| {b} .. {b + timedelta(days=21)} (21 days after the gap) | 22 | "
                       + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())) + " |")  # fmt: skip
        out += ["", f"`today` saying push in the 21 days after a gap: {pushes} of {checked} days.",
                ""]  # fmt: skip
        out += ["| week (as of) | nemesis | explanation | suggestion |", "|---|---|---|---|"]
        flagged = suggested = looks = 0
        day = days[0] + timedelta(days=56)
        while day <= days[-1] + timedelta(days=28):
            looks += 1
            found = psvc.nemeses(db, today=day)
            if found:
                flagged += 1
                n = found[0]
                suggested += bool(n.suggestions)
                out.append(f"| {day} | {n.workout_type} {n.failures}/{n.attempts} (earlier "
                           f"{n.baseline_failures}/{n.baseline_attempts}, p={n.p_flag:.3f}) | "
                           f"{n.explanation()} | "
                           f"{n.suggestions[0].advice if n.suggestions else '—'} |")  # fmt: skip
            day += timedelta(days=7)
        out += ["", f"Weekly looks: {looks}; a nemesis flagged at {flagged}, a change suggested "
                f"at {suggested}.", ""]  # fmt: skip
        everything = find_nemeses(psvc.build_sessions(db, today=days[-1]), days[-1],
                                  window=6, against_baseline=False)  # fmt: skip
        for n in everything:
            out.append(f"Causes over every attempt as of {days[-1]} ({n.workout_type}, old flag "
                       f"rule: {n.failures} of the last {n.attempts} failed): "
                       f"{n.explanation()}; top: "
                       + ", ".join(f"{c.cause} {c.effect:+.2f} (adjusted p {c.p_adjusted:.2f})"
                                   for c in n.causes[:3]) + ".")  # fmt: skip
        db.dispose()
    return out


# --------------------------------------------------------------------------- main


def nemesis_rows(
    runners: int, permutations: int, progress: Callable[[str], None], seasonal_only: bool = False
) -> list[str]:
    out = ["| situation | what is measured | rate (95% interval) | target |", "|---|---|---|---|"]
    if not seasonal_only:
        out += _no_cause_rows(runners, permutations, progress)
    heat = []
    for seed in range(runners):
        ss = interval_runner(np.random.default_rng(50_000 + seed), weeks=104, seasonal=0.8)
        heat.append(weekly_looks(ss, 8, permutations, seed * 1000 + 7))
        if seed % 20 == 19:
            progress(f"seasonal runners {seed + 1}/{runners}")
    out.append("| seasonal-heat null: 2 years, failures 25% on average, more in summer (not "
               "heat); weekly looks | heat named at some look (the product: flagged against "
               f"the base rate) | {rate(sum(r['heat_named'] for r in heat), len(heat))} | ≤ 5% |")  # fmt: skip
    out.append("| same | heat named at some look (old flag rule: 3+ of the last 6 failed) | "
               f"{rate(sum(r['heat_named_old'] for r in heat), len(heat))} | ≤ 5% |")  # fmt: skip
    out.append("| same | any change suggested at some look (old flag rule) | "
               f"{rate(sum(r['old_flag_suggested'] for r in heat), len(heat))} | ≤ 5% |")  # fmt: skip
    return out


def _no_cause_rows(runners: int, permutations: int, progress: Callable[[str], None]) -> list[str]:
    out = []
    res = []
    for seed in range(runners):
        ss = interval_runner(np.random.default_rng(seed), weeks=52)
        res.append(weekly_looks(ss, 8, permutations, seed * 1000))
        if seed % 20 == 19:
            progress(f"no-cause runners {seed + 1}/{runners}")
    n = len(res)
    out.append("| intervals failing at random 25%, no cause; weekly looks for a year | "
               f"flagged as a nemesis at some look | {rate(sum(r['flagged'] for r in res), n)} "
               "| (was 99/100) |")  # fmt: skip
    out.append("| same | a cause named + a change suggested at some look | "
               f"{rate(sum(r['suggested'] for r in res), n)} | ≤ 5% |")  # fmt: skip
    looks = sum(r["old_flags"] for r in res)
    sug = sum(r["old_flag_suggestions"] for r in res)
    out.append("| same, causes ranked wherever the old rule flagged (3+ of the last 6 failed) "
               f"| a change suggested, per flagged look | {rate(sug, looks)} | (was 82%) |")  # fmt: skip
    out.append("| same | a change suggested at some look, per runner (old flag rule) | "
               f"{rate(sum(r['old_flag_suggested'] for r in res), n)} | ≤ 5% |")  # fmt: skip
    return out


def load_rows(runners: int) -> list[str]:
    out = []
    push41 = push_after = 0
    for seed in range(runners):
        ss, series, last, back = load_runner(np.random.default_rng(seed), 41, False)
        push41 += advice_on(ss, series, last + timedelta(days=41)) == "push"
        push_after += any(
            advice_on(ss, series, back + timedelta(days=k)) == "push" for k in range(22)
        )
    out.append(f"| 41 days without a run | `today` says push on day 41 | {rate(push41, runners)} "
               "| 0 (was always) |")  # fmt: skip
    out.append("| same, training again | push on any of the 21 days after the gap | "
               f"{rate(push_after, runners)} | 0 |")  # fmt: skip
    back_off = push = ret = 0
    for seed in range(runners):
        ss, series, last, back = load_runner(np.random.default_rng(10_000 + seed), 49, True)
        adv = advice_on(ss, series, back + timedelta(days=1))
        back_off += adv == "back_off"
        push += adv == "push"
        ret += adv == "return"
    out.append("| one 4 km test run after 7 weeks off | next `today` says back off | "
               f"{rate(back_off, runners)} | 0 (was always: ACWR 4) |")  # fmt: skip
    out.append(f"| same | says push | {rate(push, runners)} | 0 |")
    out.append(f"| same | says return | {rate(ret, runners)} | all |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runners", type=int, default=200, help="simulated runners per row")
    ap.add_argument("--permutations", type=int, default=199, help="max-T permutations")
    ap.add_argument("--real", default=None, help="a Strava export folder (the real history)")
    ap.add_argument("--skip-nemesis", action="store_true", help="only the load rows")
    ap.add_argument("--seasonal-only", action="store_true", help="only the seasonal-heat rows")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    c0 = time.process_time()

    def progress(msg: str) -> None:
        sys.stderr.write(f"[{time.perf_counter() - t0:.0f} s] {msg}\n")

    out = ["### Adversarial advice (issue 12, part A)", ""]
    if args.skip_nemesis:
        out += ["| situation | what is measured | rate (95% interval) | target |",
                "|---|---|---|---|"]  # fmt: skip
    else:
        out += nemesis_rows(args.runners, args.permutations, progress, args.seasonal_only)
    if not args.seasonal_only:
        out += load_rows(args.runners)
    out += ["", f"{args.runners} runners per row; run time {time.perf_counter() - t0:.0f} s "
            f"wall, {time.process_time() - c0:.0f} s CPU "
            f"(`.venv/bin/python bench/adversarial_advice.py {' '.join(argv or sys.argv[1:])}`).",
            ""]  # fmt: skip
    if args.real:
        out += real_history(args.real)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
