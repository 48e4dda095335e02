"""Benchmark: the whole athlete model set over 10 years of daily data.

Synthetic athlete: 3653 days, about 6 runs a week (one activity per training
day, loads drawn from a gamma distribution), a best-effort table per run and a
race every few weeks. Times, each the best of ``--repeat`` runs:

- fitness/fatigue/form in the three weight conventions, rest days, max load;
- ACWR (coupled, uncoupled, EWMA), monotony and strain, ramp rate, weekly totals;
- VDOT of every effort, race equivalents and training paces;
- predictions (VDOT, Riegel, own exponent, critical speed, marathon shape);
- threshold estimates over every activity;
- the Banister fit with fixed and with fitted time constants.

Target (task brief): the whole set < 1 s. Results go to docs/benchmarks.md,
section "Athlete models".

With ``--service N`` it also fills a temporary SQLite database with N runs (one
every 1.2 days, metrics with load, best efforts and a mean-max curve) and times the
service calls behind ``deliberun fitness``, ``predict`` and ``athlete``.

Run: ``.venv/bin/python bench/models_bench.py [--years 10] [--repeat 5] [--service 3000]``
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.models import banister as ban
from deliberun.models import load as ld
from deliberun.models import load_ratios as lr
from deliberun.models import predict as pr
from deliberun.models import thresholds as th
from deliberun.models import vdot as vd


def synthetic(years: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n = int(round(years * 365.25))
    start = date(2016, 1, 1)
    days = [start + timedelta(days=i) for i in range(n)]
    train = rng.random(n) < 6 / 7
    load = np.where(train, rng.gamma(2.0, 40.0, n), 0.0)
    facts, efforts = [], []
    for i in np.flatnonzero(train):
        speed = rng.normal(3.3, 0.3)
        dist = float(rng.uniform(5000, 25000))
        t = dist / speed
        race = rng.random() < 0.03
        best = {5000.0: 5000 / (speed * 1.1 if race else speed)}
        if dist >= 10000:
            best[10000.0] = 10000 / speed
        facts.append(
            th.ActivityFacts(
                int(i),
                days[i],
                dist,
                t,
                150.0,
                float(rng.normal(180, 4)),
                is_race=race,
                mean_max_speed={1200.0: speed * 1.08, 3600.0: speed},
                best_efforts_s=best,
            )
        )
        for d, s in best.items():
            efforts.append(pr.Effort(d, s, days[i], int(i), race))
    return {"days": days, "load": load, "facts": facts, "efforts": efforts, "start": start}


def run_all(data: dict[str, Any]) -> dict[str, Any]:
    load = data["load"]
    days = data["days"]
    out: dict[str, Any] = {}
    # fresh efforts each run so cached VDOTs from an earlier repeat do not flatter the time
    efforts = [
        pr.Effort(e.distance_m, e.duration_s, e.day, e.activity_id, e.is_race)
        for e in data["efforts"]
    ]
    for w in ("exp", "ewma", "simple"):
        ff = ld.fitness_fatigue(load, weighting=w)
        out[w] = ld.rest_days_to_form(ff.fitness[-1], ff.fatigue[-1], weighting=w)
        out[w + "_max"] = ld.max_load_for_form(ff.fitness[-1], ff.fatigue[-1], -10, weighting=w)
    for m in ("rolling_coupled", "rolling_uncoupled", "ewma"):
        out[m] = lr.acwr(load, m)
    out["monotony"] = lr.monotony_strain(load)
    out["ramp"] = lr.ramp_rate(ff.fitness)
    out["weekly"] = lr.weekly_totals(days, list(load), days[0], days[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vdots = [e.vdot for e in efforts]
    best = max(vdots)
    out["equivalents"] = vd.race_equivalents(best)
    out["paces"] = vd.training_paces(best)
    recent = [e for e in efforts if e.day > days[-1] - timedelta(days=180)]
    runs = [(f.day, f.distance_m) for f in data["facts"] if f.day > days[-1] - timedelta(days=182)]
    shape = pr.marathon_shape(best, runs, days[-1])
    out["predict"] = pr.predict_races(recent, shape_pct=shape["shape_pct"])
    out["thresholds"] = th.estimate_thresholds(data["facts"])
    perf_idx = [(f.day - data["start"]).days for f in data["facts"] if f.is_race]
    perf = [max(5000 / s for s in f.best_efforts_s.values()) for f in data["facts"] if f.is_race]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["banister_fixed"] = ban.fit_banister(load, perf_idx, perf, 42, 7)
        out["banister_fitted"] = ban.fit_banister(load, perf_idx, perf, None, None)
    return out


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def service_bench(n: int, repeat: int) -> None:
    import hashlib
    import os
    import tempfile
    from datetime import UTC, datetime

    from deliberun.services import athlete as svc
    from deliberun.store import repository as repo
    from deliberun.store.db import Database
    from deliberun.store.tables_core import ActivityRow

    rng = np.random.default_rng(0)
    today = date(2026, 6, 1)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(os.path.join(tmp, "bench.db"))
        created = datetime(2026, 1, 1, tzinfo=UTC)
        with db.session() as s, s.begin():
            for i in range(n):
                day = today - timedelta(days=int((n - i) * 1.2))
                sha = hashlib.sha256(str(i).encode()).hexdigest()
                repo.add_original(s, sha, b"x", f"{i}.fit", created)
                row = ActivityRow(
                    start_time=datetime(day.year, day.month, day.day, 7, tzinfo=UTC),
                    utc_offset_s=0,
                    local_date=day,
                    sport="running",
                    name="Run",
                    distance_m=10000.0,
                    moving_time_s=3000.0,
                    timer_time_s=3000.0,
                    avg_hr_bpm=150.0,
                    max_hr_bpm=float(rng.normal(182, 3)),
                    source_path="x",
                    source_format="fit",
                    sha256=sha,
                    extra={},
                    created_at=created,
                )
                s.add(row)
                s.flush()
                metrics = {
                    "load": {"trimp_banister": float(rng.uniform(30, 150))},
                    "best_efforts_s": {"1000": 280.0, "5000": 1500.0 + rng.normal(0, 30)},
                    "mean_max_speed": {"1200": 3.4, "1800": 3.35, "3000": 3.33},
                }
                repo.save_metrics(s, row.id, metrics, "bench")
        calls: dict[str, Callable[[], Any]] = {
            "service: fitness (90 days shown)": lambda: svc.fitness(db, today=today, days=90),
            "service: predictions": lambda: svc.predictions(db, today=today),
            "service: summary (deliberun athlete)": lambda: svc.summary(db, today=today),
        }
        print(f"\nservice over SQLite, {n} runs")
        print(f"| call | best of {repeat} [ms] |")
        print("|---|---|")
        for name, fn in calls.items():
            print(f"| {name} | {1000 * best_of(fn, repeat):.0f} |")
        db.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=float, default=10)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--service", type=int, default=0, help="also time the service on N runs")
    args = ap.parse_args()
    data = synthetic(int(args.years))
    load = data["load"]
    parts: dict[str, Callable[[], Any]] = {
        "fitness/fatigue/form x3 conventions": lambda: [
            ld.fitness_fatigue(load, weighting=w) for w in ("exp", "ewma", "simple")
        ],
        "ACWR x3, monotony/strain, ramp": lambda: (
            [lr.acwr(load, m) for m in ("rolling_coupled", "rolling_uncoupled", "ewma")],
            lr.monotony_strain(load),
        ),
        f"VDOT of {len(data['efforts'])} efforts": lambda: [
            vd.vdot(e.distance_m, e.duration_s) for e in data["efforts"]
        ],
        f"thresholds over {len(data['facts'])} activities": lambda: th.estimate_thresholds(
            data["facts"]
        ),
        "Banister fit, fixed tau": lambda: ban.fit_banister(
            load,
            [(f.day - data["start"]).days for f in data["facts"] if f.is_race],
            [5000 / f.best_efforts_s[5000.0] for f in data["facts"] if f.is_race],
            42,
            7,
        ),
        "Banister fit, fitted tau": lambda: ban.fit_banister(
            load,
            [(f.day - data["start"]).days for f in data["facts"] if f.is_race],
            [5000 / f.best_efforts_s[5000.0] for f in data["facts"] if f.is_race],
            None,
            None,
        ),
        "whole model set (run_all)": lambda: run_all(data),
    }
    print(f"{len(load)} days, {len(data['facts'])} activities, {len(data['efforts'])} efforts")
    print(f"| step | best of {args.repeat} [ms] |")
    print("|---|---|")
    for name, fn in parts.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = best_of(fn, args.repeat)
        print(f"| {name} | {1000 * t:.1f} |")
    if args.service:
        service_bench(args.service, min(args.repeat, 3))


if __name__ == "__main__":
    main()
