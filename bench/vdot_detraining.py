"""The VDOT of the day when no race is recent, on slalom007's real history (issue 13).

Imports ../shared/data/real/strava_export/slalom007 into a temporary database (or uses
``--db``), then, as of the 1st of every month 2024-07..2025-10 and the days around the
49-day break of 2025-03-25 -> 2025-05-13, prints a Markdown table: the VDOT, its range,
what it rests on, where the T band came from, and the minutes easy runs of the 28 days
before spent "at threshold pace" (``time_at_t_pace_s`` of the practice sessions).

Usage: ``.venv/bin/python bench/vdot_detraining.py [--db PATH]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT.parent / "shared" / "data" / "real" / "strava_export" / "slalom007"

#: The as-of dates: the 1st of each month, and the days around the break.
DAYS = [date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(7, 23)] + [
    date(2025, 3, 24),
    date(2025, 5, 13),
    date(2025, 5, 27),
    date(2025, 6, 24),
    date(2025, 7, 15),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an imported slalom007 database")
    args = ap.parse_args()
    db_path = args.db
    if db_path is None:
        if not (FOLDER / "activities.csv").is_file():
            print(f"{FOLDER} not found", file=sys.stderr)
            return 1
        db_path = Path(tempfile.mkdtemp()) / "slalom007.db"
        cli = [str(ROOT / ".venv/bin/deliberun"), "--db", str(db_path), "import", str(FOLDER)]
        subprocess.run([*cli, "--quiet"], check=True, capture_output=True)
    from deliberun.services import athlete
    from deliberun.services.athlete_zones import zones_by_day
    from deliberun.services.practice_sessions import build_sessions
    from deliberun.store.db import Database

    db = Database(str(db_path))
    t0 = time.process_time()
    print("| as of | VDOT | range | rests on | T band from | easy runs: min at T (28 d) |")
    print("|---|---|---|---|---|---|")
    for d in sorted(DAYS):
        v = athlete.vdot_days(db, today=d, days=[d]).get(d)
        z = zones_by_day(db, today=d, days=[d])[d]
        sessions = build_sessions(db, today=d, since=d - timedelta(days=28))
        easy = [s for s in sessions if s.workout_type in ("easy", "long", "recovery")]
        at_t = sum((s.metrics.get("time_at_t_pace_s") or 0.0) for s in easy) / 60.0
        n_t = sum(1 for s in easy if (s.metrics.get("time_at_t_pace_s") or 0.0) > 0)
        if v is None:
            print(f"| {d} | none | | no races or sustained efforts yet | | |")
            continue
        t = f"{z.t_source}" + (
            f" ({z.threshold_pace_s_per_km:.0f} s/km)" if z.t_source == "threshold" else ""
        )
        print(
            f"| {d} | {v.vdot:.1f} | {v.low:.1f}-{v.high:.1f} | {v.words} | {t} | "
            f"{at_t:.0f} ({n_t} of {len(easy)} runs) |"
        )
    print(f"\n{time.process_time() - t0:.1f} s CPU", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def simulated(out_dir: Path, db_path: Path) -> list[tuple[date, float, float, float, float, str]]:
    """On a simulated runner (``deliberun simulate --scenario-file``, imported into
    ``db_path``): a 5 km race planted on the first session day at the simulator's VDOT
    of that day (the scenario files have no races), then the VDOT of each Monday from
    the pipeline's own training efforts and run days. Rows: (day, planted, ours, low,
    high, words)."""
    import json

    from deliberun.models import vdot as vd
    from deliberun.models.predict import Effort
    from deliberun.models.vdot_history import vdot_days_as_of
    from deliberun.services import athlete
    from deliberun.store.db import Database

    truth = json.loads((out_dir / "truth.json").read_text())
    planted = {date.fromisoformat(s["date"]): float(s["vdot"]) for s in truth["sessions"]}
    first = min(planted)
    race = Effort(5000.0, vd.race_time(planted[first], 5000.0), first, None, True)
    db = Database(str(db_path))
    end = max(planted) + timedelta(days=1)
    runs, others = athlete.detraining_days(db, today=end)
    efforts = athlete.efforts(db, today=end, window_days=(end - first).days + 1)
    mondays = [first + timedelta(days=7 * k + (7 - first.weekday()) % 7) for k in range(60)]
    mondays = [d for d in mondays if first + timedelta(days=7) <= d <= end]
    days = vdot_days_as_of([race, *efforts], mondays, 180, run_days=runs, other_days=others)
    rows = []
    for d in mondays:
        v = days[d]
        truth_v = planted[max(x for x in planted if x < d)]
        if v is not None:
            rows.append((d, truth_v, v.vdot, v.low, v.high, v.words))
    return rows
