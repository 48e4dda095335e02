"""Race plan on a hilly simulated marathon course: GAP spread and the sum to the second.

Usage::

    .venv/bin/python bench/race_plan_hilly.py [--goal 3:15:00] [--out DIR]

The course is the simulator's loop generator (``sim/routes.make_route``, seed 3) at
42,195 m with 150 m of relief, written as a GPX track without times (as a race's
course file is). It prints the plan's ascent, the spread of the splits' raw pace, GAP
pace and effort pace, and the sum of the splits, then writes the FIT workout and the
pace band next to the GPX.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from deliberun.sim.routes import make_route, to_lat_lon

CLI = str(Path(sys.executable).with_name("deliberun"))


def write_course(path: Path) -> None:
    route = make_route("hilly", 42195.0, 150.0, np.random.default_rng(3))
    d = np.append(np.arange(0.0, 42195.0, 10.0), 42195.0)
    x, y, alt = route.at(d)
    lat, lon = to_lat_lon(x, y, (48.2, 16.4))
    pts = "".join(
        f'<trkpt lat="{a:.7f}" lon="{b:.7f}"><ele>{z:.1f}</ele></trkpt>'
        for a, b, z in zip(lat, lon, alt, strict=True)
    )
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="deliberun bench" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>hilly marathon</name><trkseg>'
        + pts
        + "</trkseg></trk></gpx>"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--goal", default="3:15:00")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    gpx = out / "hilly_marathon.gpx"
    write_course(gpx)
    summary = {}
    for extra in ([], ["--temp", "12", "--temp-end", "24"]):
        res = subprocess.run(
            [CLI, "--db", str(out / "db.sqlite"), "race-plan", str(gpx), "--goal", args.goal,
             "--json", "--fit", str(out / "plan.fit"), "--band", str(out / "band.html"), *extra],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        plan = json.loads(res.stdout)
        summary["heat 12->24 degC" if extra else "no heat"] = {
            "distance_m": round(plan["distance_m"]),
            "ascent_m": round(plan["ascent_m"]),
            "goal_s": plan["goal_s"],
            "sum_of_splits_s": plan["total_s"],
            "splits": len(plan["splits"]),
            "spread_s_per_km": {k: round(v, 2) for k, v in plan["spread"].items()},
            "slowest_fastest_split_s": [
                max(s["time_s"] for s in plan["splits"][:-1]),
                min(s["time_s"] for s in plan["splits"][:-1]),
            ],
        }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
