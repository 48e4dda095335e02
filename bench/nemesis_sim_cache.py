"""End-to-end nemesis recovery, with the slow part done once per seed.

``deliberun simulate`` -> ``import`` -> journal -> sessions (as ``advice_validity.sim_run``
does) takes ~20-40 s per simulated year; ranking the causes of those sessions takes
~0.1 s. ``build`` keeps each seed's imported database (``SCENARIO-SEED.sqlite``) and
pickles its truth and sessions; ``rank`` ranks them with the code as it is
(``--no-steps``: without the numeric causes' steps, the ranking before issue 12's
follow-up), so a change to the cause ranking is measured on identical sessions.
``rank --rebuild`` first rebuilds the sessions from the kept database with the code as it
is (a change to how sessions are read: rep detection, plan matching), in ~1-3 s a seed.
The pickled sessions are graded by the ``Session`` class as it is when unpickled: a change
to the grading itself (``Session.failure_reasons``) shows only when ``rank`` runs with the
old code (``PYTHONPATH=OLD/src ... rank``: the "before") and ``rank --rebuild`` with the
new (the "after"); ``readings``/``diff`` list such sessions.

``rank`` prints one line per seed (planted cause, the cause ranked first, its adjusted p,
attempts, failures) and the share ranked first with its Wilson 95% interval.

Seeds already used (docs/benchmarks.md): to choose the method, marathon 100-129 and
3000-3019, nemesis_fatigue 100-129; checked once afterwards, marathon 130-163;
``advice_validity --sim-seeds`` 1000-1099. Fresh seeds for issue 12's re-measure: 7000-7099
(marathon 7000-7014 and 7050-7062, nemesis_fatigue 7000-7037 built); after the reading
fixes (a split rep joined, unreadable planned reps not graded): 7100-7199 for marathon,
nemesis_fatigue and null_experiment (the null that passes through the reading: an
experiment on the last-rep fade of planned interval sessions). Next fresh: 7200-.

``readings`` rebuilds each kept seed's sessions with the code as it is and writes each
quality session's reading and what the runner is told (the nemesis flagged, the cause
ranked first, or the experiment's verdict) to a JSON file; run it once with
``PYTHONPATH=OLD/src`` (e.g. ``git archive main src | tar -x -C OLD``) and once without,
then ``diff`` lists the sessions read differently, the seeds told something different,
and the helps/hurts rate of each reading with its Wilson 95% interval.

Usage::

    .venv/bin/python bench/nemesis_sim_cache.py build DIR marathon 1.0 --seeds 7000-7099
    .venv/bin/python bench/nemesis_sim_cache.py build DIR nemesis_fatigue 0 --seeds 7000-7099
    .venv/bin/python bench/nemesis_sim_cache.py rank DIR marathon [--seeds 7000-7099]
        [--rebuild] [--no-steps]
    PYTHONPATH=OLD/src .venv/bin/python bench/nemesis_sim_cache.py readings DIR SCENARIO old.json
    .venv/bin/python bench/nemesis_sim_cache.py readings DIR SCENARIO new.json
    .venv/bin/python bench/nemesis_sim_cache.py diff old.json new.json
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import shutil
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of k successes in n (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def parse_seeds(text: str) -> list[int]:
    """``"7000-7009,7020"`` -> [7000, ..., 7009, 7020]."""
    out: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def _sessions(db_path: Path, today: date) -> list[Any]:
    from deliberun.services import practice as svc
    from deliberun.store.db import Database

    db = Database(db_path)
    try:
        return svc.build_sessions(db, today=today)
    finally:
        db.dispose()


def _changed(before: list[Any], after: list[Any]) -> list[str]:
    """The quality sessions whose reps or grading differ between two readings."""
    out = []
    old = {x.activity_id: x for x in before}
    for x in after:
        y = old.get(x.activity_id)
        if y is None or x.workout_type not in QUALITY:
            continue
        if y.rep_paces_s_per_km != x.rep_paces_s_per_km or y.failed != x.failed:
            out.append(
                f"{x.local_date} {x.workout_type} reps {len(y.rep_paces_s_per_km)} -> "
                f"{len(x.rep_paces_s_per_km)} of {x.reps_planned} planned; "
                f"{y.failure_reasons() or 'ok'} -> {x.failure_reasons() or 'ok'}"
            )
    return out


QUALITY = ("mp_long", "tempo", "cruise_intervals", "intervals", "hills", "progression")


def build(folder: Path, scenario: str, years: float, seeds: list[int]) -> None:
    from advice_validity import simulate_into  # bench/: the same simulate -> import -> sessions

    from deliberun.store.db import Database

    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        dest = folder / f"{scenario}-{seed}.pkl"
        if dest.exists():
            continue
        t0 = time.process_time()
        out = folder / f"tmp-{scenario}-{seed}"
        shutil.rmtree(out, ignore_errors=True)
        db_path = folder / f"{scenario}-{seed}.sqlite"
        db_path.unlink(missing_ok=True)
        db = Database(db_path)
        try:
            truth, today, sessions = simulate_into(scenario, seed, years, out, db)
        finally:
            db.dispose()
        shutil.rmtree(out, ignore_errors=True)
        dest.write_bytes(pickle.dumps({"truth": truth, "today": today, "sessions": sessions}))
        cpu = time.process_time() - t0
        sys.stderr.write(f"{scenario} seed {seed}: {len(sessions)} sessions, {cpu:.1f} s CPU\n")


def rank(
    folder: Path, scenario: str, steps: bool, seeds: list[int] | None, rebuild: bool
) -> tuple[int, int]:
    import deliberun.practice.nemesis as nm

    if not steps:
        nm.THRESHOLD_QUANTILES = ()  # type: ignore[assignment]
    found: Counter[str] = Counter()
    right = n = named = changed = 0
    t0 = time.process_time()
    files = sorted(folder.glob(f"{scenario}-*.pkl"), key=lambda f: int(f.stem.split("-")[-1]))
    if seeds is not None:
        wanted = set(seeds)
        files = [f for f in files if int(f.stem.split("-")[-1]) in wanted]
    for f in files:
        d = pickle.loads(f.read_bytes())
        (eff,) = [e for e in d["truth"]["effects"] if e["kind"] == "nemesis"]
        ss = d["sessions"]
        if rebuild:
            ss = _sessions(f.with_suffix(".sqlite"), d["today"])
            for line in _changed(d["sessions"], ss):
                sys.stdout.write(f"{f.stem}: {line}\n")
                changed += 1
        ranked = nm.find_nemeses(
            ss, d["today"], window=len(ss), min_failure_rate=0.0, against_baseline=False
        )
        mine = [x for x in ranked if x.workout_type == eff["workout_type"]]
        first = mine[0].causes[0] if mine and mine[0].causes else None
        top = first.cause if first else "none"
        p_adj = getattr(first, "p_adjusted", None) if first else None
        attempts = mine[0].attempts if mine else 0
        failures = mine[0].failures if mine else 0
        found[top] += 1
        ok = top == eff["cause"]
        right += ok
        named += bool(ok and first and first.p_adjusted < nm.CAUSE_ALPHA and first.effect > 0)
        n += 1
        p_txt = f"{p_adj:.3f}" if p_adj is not None else "-"
        sys.stdout.write(
            f"{f.stem}: planted {eff['cause']}, first {top} (p_adj {p_txt}), "
            f"{failures}/{attempts} failed{'' if ok else '  MISS'}\n"
        )
    cpu = time.process_time() - t0
    lo, hi = wilson(right, n)
    share = 100.0 * right / n if n else 0.0
    sys.stdout.write(
        f"planted first {right}/{n} = {share:.1f}% (95% {100 * lo:.1f}-{100 * hi:.1f}%); "
        f"{dict(found)}; {cpu:.1f} s CPU\n"
    )
    lo, hi = wilson(named, n)
    share = 100.0 * named / n if n else 0.0
    sys.stdout.write(
        f"planted first and named (p_adj < {nm.CAUSE_ALPHA}) {named}/{n} = {share:.1f}% "
        f"(95% {100 * lo:.1f}-{100 * hi:.1f}%)\n"
    )
    if rebuild:
        sys.stdout.write(f"sessions read differently by the code as it is: {changed}\n")
    return right, n


def readings(folder: Path, scenario: str, out: Path, seeds: list[int] | None) -> None:
    """Rebuild every kept seed's sessions with the code as it is (run it with
    ``PYTHONPATH=OLD/src`` for another version) and write, per seed, each quality
    session's reading (reps, failure reasons) and what the runner is told: the planted
    nemesis type flagged now and its causes ranked first, or the experiment's verdict."""
    import deliberun.practice.nemesis as nm
    from deliberun.services import practice as svc
    from deliberun.store.db import Database

    res: dict[str, Any] = {}
    files = sorted(folder.glob(f"{scenario}-*.pkl"), key=lambda f: int(f.stem.split("-")[-1]))
    for f in files:
        if seeds is not None and int(f.stem.split("-")[-1]) not in seeds:
            continue
        d = pickle.loads(f.read_bytes())
        today = d["today"]
        db = Database(f.with_suffix(".sqlite"))
        try:
            ss = svc.build_sessions(db, today=today)
            row: dict[str, Any] = {
                "sessions": {
                    str(x.activity_id): [x.local_date.isoformat(), x.workout_type,
                                         [round(p, 2) for p in x.rep_paces_s_per_km],
                                         x.failure_reasons()]
                    for x in ss if x.workout_type in QUALITY
                },
            }  # fmt: skip
            for eff in d["truth"]["effects"]:
                if eff["kind"] == "nemesis":
                    flagged = svc.nemeses(db, today=today, sessions=ss)
                    row["flagged"] = [n.workout_type for n in flagged]
                    row["suggestion"] = [bool(n.suggestions) for n in flagged]
                    ranked = nm.find_nemeses(
                        ss, today, window=len(ss), min_failure_rate=0.0, against_baseline=False
                    )
                    mine = [x for x in ranked if x.workout_type == eff["workout_type"]]
                    row["first"] = mine[0].causes[0].cause if mine and mine[0].causes else None
                if eff["kind"] == "experiment":
                    exps = svc.list_experiments(db)
                    r = svc.show_experiment(db, exps[0].id, today=today, sessions=ss)
                    row["verdict"] = r.verdict
                    row["effect"] = r.effect
        finally:
            db.dispose()
        res[f.stem] = row
        sys.stderr.write(f"{f.stem}: {row.get('verdict', row.get('first'))}\n")
    out.write_text(json.dumps(res, indent=0, default=str))


def diff(a_path: Path, b_path: Path) -> None:
    """Sessions read differently and outcomes told differently between two readings."""
    a, b = json.loads(a_path.read_text()), json.loads(b_path.read_text())
    seeds = sorted(set(a) & set(b))
    changed = told = 0
    for k in seeds:
        for aid, new in b[k]["sessions"].items():
            old = a[k]["sessions"].get(aid)
            if old != new:
                changed += 1
                sys.stdout.write(f"{k} {new[0]} {new[1]}: {old[2:]} -> {new[2:]}\n")
        keys = ("verdict", "effect", "flagged", "suggestion", "first")
        if any(a[k].get(x) != b[k].get(x) for x in keys):
            told += 1
            sys.stdout.write(
                f"{k}: told {[a[k].get(x) for x in keys]} -> {[b[k].get(x) for x in keys]}\n"
            )
    sys.stdout.write(
        f"{len(seeds)} seeds: {changed} quality sessions read differently, "
        f"{told} seeds told something different\n"
    )
    for name, r in (("before", a), ("after", b)):
        verdicts = Counter(r[k].get("verdict") for k in seeds if "verdict" in r[k])
        if verdicts:
            claims = verdicts["helps"] + verdicts["hurts"]
            n = sum(verdicts.values())
            lo, hi = wilson(claims, n)
            sys.stdout.write(
                f"{name}: helps/hurts {claims}/{n} = {100 * claims / n:.1f}% "
                f"(95% {100 * lo:.1f}-{100 * hi:.1f}%) {dict(verdicts)}\n"
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("folder", type=Path)
    b.add_argument("scenario")
    b.add_argument("years", type=float, help="0: the scenario's default")
    b.add_argument("seeds_list", type=int, nargs="*", metavar="SEED")
    b.add_argument("--seeds", type=parse_seeds, default=None, help="e.g. 7000-7099")
    r = sub.add_parser("rank")
    r.add_argument("folder", type=Path)
    r.add_argument("scenario")
    r.add_argument("--no-steps", action="store_true")
    r.add_argument("--seeds", type=parse_seeds, default=None, help="e.g. 7000-7099")
    r.add_argument("--rebuild", action="store_true", help="sessions from the kept database")
    g = sub.add_parser("readings")
    g.add_argument("folder", type=Path)
    g.add_argument("scenario")
    g.add_argument("out", type=Path)
    g.add_argument("--seeds", type=parse_seeds, default=None)
    c = sub.add_parser("diff")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "readings":
        readings(args.folder, args.scenario, args.out, args.seeds)
    elif args.cmd == "diff":
        diff(args.before, args.after)
    elif args.cmd == "build":
        build(args.folder, args.scenario, args.years, (args.seeds or []) + args.seeds_list)
    else:
        rank(args.folder, args.scenario, not args.no_steps, args.seeds, args.rebuild)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
