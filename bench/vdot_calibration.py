"""Benchmark: how far below race fitness a runner's best training effort reads.

The VDOT of a day without a race in its window rests on sustained training efforts
(``models.vdot_evidence``). This measures the ratio that turns them into a fitness
estimate (``EVIDENCE_RULES["training_ratio"]``, ``TRAINING_CALIBRATION``) and the bias
that results:

1. **Calibration, simulator**: for each scenario (``simulate --seed 1``), on every
   session day from day 42, the best sustained training effort of the 180 days before
   (VDOT as run, undiscounted) divided by the VDOT the simulator planted that day.
2. **Calibration, real**: for each race of the real export slalom007 (classifier, no
   marks), the best sustained training effort of the 180 days before it divided by the
   race's VDOT.
3. **Bias**: on the simulator, the VDOT of each session day (``vdot_by_day``) minus the
   planted VDOT; on slalom007, ``deliberun predict`` on the first of each month
   2024-03 .. 2025-10: VDOT, its range and what it rests on.

Run: ``.venv/bin/python bench/vdot_calibration.py [--shared ../shared]`` (about a minute;
CPU-bound; the figures do not depend on the machine). Results: docs/models.md, "What
the VDOT rests on".
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from deliberun.cli.main import app
from deliberun.models.predict import Effort
from deliberun.services import athlete
from deliberun.services.importer import import_paths
from deliberun.services.threshold_refresh import refresh
from deliberun.store.db import Database

SCENARIOS = ("marathon", "nemesis_fatigue", "illness")
WINDOW_DAYS = 180
runner = CliRunner()


def _training(db: Database, today: date) -> list[Effort]:
    """Every sustained training effort, undiscounted (VDOT as run)."""
    return [
        replace(e, discount=1.0)
        for e in athlete.efforts(db, today=today, window_days=50_000)
        if not e.is_race
    ]


def _best_before(efforts: list[Effort], day: date) -> Effort | None:
    before = [e for e in efforts if day - timedelta(days=WINDOW_DAYS) <= e.day < day]
    return max(before, key=lambda e: e.vdot) if before else None


def _summary(xs: list[float]) -> str:
    return f"n={len(xs)}, median {statistics.median(xs):.3f}, range {min(xs):.3f}-{max(xs):.3f}"


def simulated(tmp: Path, scenario: str) -> None:
    out = tmp / scenario
    res = runner.invoke(app, ["simulate", "--scenario", scenario, "--seed", "1", "--out",
                              str(out), "--quiet"])  # fmt: skip
    assert res.exit_code == 0, res.output
    truth = json.loads((out / "truth.json").read_text())
    db = Database(str(tmp / f"{scenario}.db"))
    import_paths(db, [str(out)], workers=1)
    end = date.fromisoformat(truth["end"]) + timedelta(days=1)
    refresh(db, today=end)
    planted = {date.fromisoformat(s["date"]): float(s["vdot"]) for s in truth["sessions"]}
    start = date.fromisoformat(truth["start"])
    train = _training(db, end)
    ratios = []
    for day, v in sorted(planted.items()):
        b = _best_before(train, day) if (day - start).days >= 42 else None
        if b is not None:
            ratios.append(b.vdot / v)
    days = [d for d in planted if (d - start).days >= 28]
    ours = athlete.vdot_by_day(db, today=end, days=days)
    errs = [ours[d] - planted[d] for d in days if ours[d] is not None]  # type: ignore[operator]
    print(f"| sim {scenario} | {_summary(ratios)} | median {statistics.median(errs):+.2f}, "
          f"range {min(errs):+.2f} to {max(errs):+.2f} (n={len(errs)}) |")  # fmt: skip
    db.dispose()


def real(tmp: Path, folder: Path) -> None:
    db_path = tmp / "real.db"
    res = runner.invoke(app, ["--db", str(db_path), "import", str(folder), "--quiet"])
    assert res.exit_code == 0, res.output
    db = Database(str(db_path))
    last = date(2100, 1, 1)
    effs = athlete.efforts(db, today=last, window_days=50_000)
    races = [e for e in effs if e.is_race]
    train = _training(db, last)
    ratios = []
    for r in races:
        b = _best_before(train, r.day)
        if b is not None:
            ratios.append(b.vdot / r.vdot)
    print(f"| real {folder.name} (races) | {_summary(ratios)} | see below |")
    db.dispose()
    print()
    print("| as of | VDOT | range | rests on |")
    print("|---|---|---|---|")
    months = [(2024, m) for m in range(3, 13)] + [(2025, m) for m in range(1, 11)]
    for y, m in months:
        day = date(y, m, 1).isoformat()
        res = runner.invoke(app, ["--db", str(db_path), "--today", day, "predict", "--json"])
        p = json.loads(res.stdout)
        if p.get("vdot") is None:
            print(f"| {day} | none | | no races or sustained efforts yet |")
            continue
        rng, on = p["vdot_range"], p["vdot_rests_on"]
        what = "race" if on["is_race"] else f"training effort ({on['duration_s'] / 60:.0f} min)"
        print(f"| {day} | {p['vdot']:.1f} | {rng['low']:.1f}-{rng['high']:.1f} | "
              f"{what}, {on['date']} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1] / ".." / "shared"))
    args = ap.parse_args()
    folder = Path(args.shared) / "data" / "real" / "strava_export" / "slalom007"
    print("| source | best training effort / VDOT | VDOT of the day - planted |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for sc in SCENARIOS:
            simulated(Path(tmp), sc)
        if (folder / "activities.csv").is_file():
            real(Path(tmp), folder)


if __name__ == "__main__":
    main()
