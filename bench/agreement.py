"""Agreement of our summaries with the devices' own session summaries.

For every FIT file in ``../shared/data/real`` whose device wrote a session
(``fit_sessions.json``), compare :func:`deliberun.metrics.summary.summarize`
(computed from records and events) with the device's figures at the issue's
tolerances, print the table per quantity and the worst offenders.

Usage::

    .venv/bin/python bench/agreement.py [--worst N] [--check NAME] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DELIBERUN_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "data" / "real"

sys.path.insert(0, str(ROOT / "src"))

from deliberun.io import read_bytes  # noqa: E402
from deliberun.io.errors import ReadError  # noqa: E402
from deliberun.metrics.summary import summarize  # noqa: E402

SWIM = "swimming"


def _total(sessions: list[dict[str, Any]], key: str) -> float | None:
    vals = [s.get(key) for s in sessions]
    return None if any(v is None for v in vals) else float(sum(vals))


def checks(rel: str, s: dict[str, Any], sessions: list[dict[str, Any]]) -> dict[str, Any]:
    """``{check: (ours, device, ok)}`` for the checks that apply to this file."""
    out: dict[str, Any] = {}
    sport = sessions[0].get("sport")
    single = len(sessions) == 1
    dist = _total(sessions, "total_distance")
    if dist and s["distance_m"] is not None and sport != SWIM:
        out["distance"] = (
            s["distance_m"],
            dist,
            abs(s["distance_m"] - dist) <= max(10.0, 0.005 * dist),
        )
    timer = _total(sessions, "total_timer_time")
    if timer is not None and s["timer_time_s"] is not None and sport != SWIM:
        out["timer"] = (s["timer_time_s"], timer, abs(s["timer_time_s"] - timer) <= 1.0)
    el = _total(sessions, "total_elapsed_time")
    if el is not None and single and s["elapsed_time_s"] is not None and sport != SWIM:
        out["elapsed"] = (s["elapsed_time_s"], el, abs(s["elapsed_time_s"] - el) <= 1.0)
    if single and sport != SWIM:
        avg = sessions[0].get("avg_heart_rate")
        if avg is not None and s["avg_hr_bpm"] is not None:
            out["avg_hr"] = (s["avg_hr_bpm"], avg, abs(s["avg_hr_bpm"] - avg) <= 1.0)
        mx = sessions[0].get("max_heart_rate")
        if mx is not None and s["max_hr_bpm"] is not None:
            out["max_hr"] = (s["max_hr_bpm"], mx, s["max_hr_bpm"] == mx)
    asc = _total(sessions, "total_ascent")
    if asc is not None and s["ascent_m"] is not None:
        out["ascent"] = (s["ascent_m"], asc, abs(s["ascent_m"] - asc) <= max(5.0, 0.1 * asc))
    return out


def run() -> dict[str, dict[str, Any]]:
    files = json.loads((REAL / "fit_sessions.json").read_text())["files"]
    result: dict[str, dict[str, Any]] = {}
    for rel, info in sorted(files.items()):
        if not info.get("sessions"):
            continue
        try:
            a = read_bytes((REAL / rel).read_bytes(), rel)
        except ReadError:
            continue
        result[rel] = checks(rel, summarize(a), info["sessions"])
    return result


ORDER = ("distance", "timer", "elapsed", "avg_hr", "max_hr", "ascent")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worst", type=int, default=8)
    ap.add_argument("--check", default=None, help="list every miss of this check")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = run()
    if args.json:
        print(json.dumps({k: {c: list(v) for c, v in d.items()} for k, d in res.items()}))
        return
    print("| check (tolerance) | agree |")
    print("|---|---:|")
    tol = {
        "distance": "0.5 % or 10 m",
        "timer": "1 s",
        "elapsed": "1 s, single session",
        "avg_hr": "1 bpm, single session",
        "max_hr": "exact, single session",
        "ascent": "10 % or 5 m",
    }
    for c in ORDER:
        rows = [d[c] for d in res.values() if c in d]
        print(f"| {c} ({tol[c]}) | {sum(r[2] for r in rows)} / {len(rows)} |")
    for c in ORDER:
        if args.check and c != args.check:
            continue
        miss = [(rel, d[c]) for rel, d in res.items() if c in d and not d[c][2]]
        miss.sort(key=lambda x: -abs(x[1][0] - x[1][1]) / max(abs(x[1][1]), 1.0))
        n = len(miss) if args.check else args.worst
        print(f"\n{c}: {len(miss)} misses")
        for rel, (ours, dev, _) in miss[:n]:
            print(f"  {rel}: ours {ours:.2f} device {dev:.2f} (diff {ours - dev:+.2f})")


if __name__ == "__main__":
    main()
