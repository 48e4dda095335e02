"""Benchmark: race predictions from the data before each race, on the real histories.

For every run judged a race (``services.races``: the classifier, no marks) in each
real Strava export under ``../shared/data/real/strava_export``, predict its time from
the data before it (as of the day before) and compare with the actual result:

- **ours**: the VDOT as ``deliberun predict`` gives it that day (races and sustained
  training efforts, ``models.vdot_evidence``), Daniels/Gilbert time for the distance;
- **old rule**: the best VDOT of any best effort of 3 min or more in the 180 days
  before (what deliberun did before issue 13, reps of interval sessions included);
- **Riegel from the last race**: ``T2 = T1 (D2/D1)^1.06`` from the previous race;
- **VDOT calculator**: the previous race typed into a VDOT calculator (Daniels'
  equivalent time at the new distance).

Race distances within 2.5 % of a standard distance count as that distance and the time
is the clock time (``vdot_evidence.run_efforts``). Prints a Markdown table (median
absolute error by distance, %, and the number of races each method could predict);
results go to docs/models.md, "Race predictions on the real histories".

Run: ``.venv/bin/python bench/race_predictions.py [--shared ../shared]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from deliberun.models import predict as pr
from deliberun.models import vdot as vd
from deliberun.models.vdot_evidence import run_efforts
from deliberun.services import athlete
from deliberun.services.importer import import_paths
from deliberun.services.races import race_verdicts
from deliberun.services.threshold_refresh import refresh
from deliberun.store.db import Database


def _bucket(distance_m: float) -> str:
    for name, d in (("5k", 5000.0), ("10k", 10000.0), ("half", 21097.5), ("marathon", 42195.0)):
        if abs(distance_m - d) <= 0.025 * d:
            return name
    return "other"


def _old_rule_vdot(db: Database, day: date) -> float | None:
    best = None
    for r, m in athlete._rows_and_metrics(db, until=day, since=day - timedelta(days=180)):
        if not athlete.is_running(r.sport):
            continue
        for d, t in athlete._float_keys(m.get("best_efforts_s")).items():
            e = pr.Effort(d, t, r.local_date)
            if pr.is_usable(e):
                best = e.vdot if best is None else max(best, e.vdot)
    return best


def races_of(folder: Path) -> list[dict[str, Any]]:
    """Every race of one export with each method's prediction from the data before it."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(str(Path(tmp) / "bench.db"))
        import_paths(db, [str(folder)])
        last = date(2100, 1, 1)
        refresh(db, today=last)
        verdicts = race_verdicts(db, today=last)
        rows = {
            int(r.id): r
            for r, _ in athlete._rows_and_metrics(db, until=last)
            if athlete.is_running(r.sport)
        }
        out: list[dict[str, Any]] = []
        previous: tuple[float, float] | None = None
        for aid in sorted(
            (k for k, v in verdicts.items() if v.is_race), key=lambda k: rows[k].start_time
        ):
            r = rows[aid]
            (race,) = run_efforts(
                aid, r.local_date, r.distance_m, r.moving_time_s or r.timer_time_s, {},
                race=True, structured=False, elapsed_s=r.elapsed_time_s,
            )  # fmt: skip
            before = r.local_date - timedelta(days=1)
            ours = athlete.predictions(db, today=before).get("vdot")
            old = _old_rule_vdot(db, before)
            item = {
                "export": folder.name,
                "date": r.local_date.isoformat(),
                "name": r.name,
                "distance_m": race.distance_m,
                "actual_s": race.duration_s,
                "ours_s": vd.race_time(float(ours), race.distance_m) if ours else None,
                "old_rule_s": vd.race_time(old, race.distance_m) if old else None,
                "riegel_last_race_s": pr.riegel(previous[1], previous[0], race.distance_m)
                if previous
                else None,
                "vdot_calculator_s": vd.race_time(vd.vdot(*previous), race.distance_m)
                if previous
                else None,
            }
            out.append(item)
            previous = (race.distance_m, race.duration_s)
        return out


METHODS = ("ours_s", "old_rule_s", "riegel_last_race_s", "vdot_calculator_s")


def table(races: list[dict[str, Any]]) -> str:
    lines = [
        "| distance | races | ours | old rule | Riegel from last race | VDOT calculator |",
        "|---|---|---|---|---|---|",
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in races:
        groups.setdefault(_bucket(r["distance_m"]), []).append(r)
    groups["all"] = races
    for name, items in groups.items():
        cells = []
        for m in METHODS:
            errs = [abs(r[m] - r["actual_s"]) / r["actual_s"] * 100 for r in items if r[m]]
            cells.append(f"{statistics.median(errs):.1f}% (n={len(errs)})" if errs else "n/a (n=0)")
        lines.append(f"| {name} | {len(items)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1] / ".." / "shared"))
    args = ap.parse_args()
    root = Path(args.shared) / "data" / "real" / "strava_export"
    races: list[dict[str, Any]] = []
    for folder in sorted(p for p in root.iterdir() if (p / "activities.csv").is_file()):
        races += races_of(folder)
    print("| export | date | name | distance | actual | ours | old rule | Riegel | VDOT calc |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in races:
        fmt = [vd_fmt(r[k]) for k in ("actual_s", *METHODS)]
        print(f"| {r['export']} | {r['date']} | {r['name']} | {r['distance_m'] / 1000:.2f} km | "
              + " | ".join(fmt) + " |")  # fmt: skip
    print()
    print("Median absolute error of the predicted time (races each method could predict):")
    print()
    print(table(races))


def vd_fmt(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    s = round(seconds)
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


if __name__ == "__main__":
    main()
