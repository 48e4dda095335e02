"""Courses and same-session groups on the real 16-month history (slalom007), with a picture.

Usage::

    .venv/bin/python bench/courses_real.py [--out docs/img/courses_real.png]

Imports ``../shared/data/real/strava_export/slalom007`` into a temporary database,
finds the courses, prints how many there are (and how many runs they hold), the
same-session groups of the interval sessions, and draws the six largest courses:
every run's track in grey-blue over the course's first run in black. The axes are
metres from each course's own first point (no map, no coordinates: the tracks are a
person's, so the picture shows shapes, not places).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real" / "strava_export" / "slalom007"
AS_OF = date(2025, 9, 30)  # the export ends in September 2025


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "courses_real.png")
    args = ap.parse_args()
    if not REAL.is_dir():
        print(f"{REAL} not found", file=sys.stderr)
        return 1
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from deliberun.practice.course_tracks import local_xy
    from deliberun.services import compare, courses, importer
    from deliberun.services.courses import _profile
    from deliberun.store import courses_repo as cr
    from deliberun.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "real.db")
        importer.import_paths(db, [REAL], workers=1)
        t0 = time.perf_counter()
        info = courses.sync_courses(db)
        build_s = time.perf_counter() - t0
        listed = courses.list_courses(db, sync=False)
        groups = [g for g in compare.session_groups(db, today=AS_OF) if len(g) >= 2]
        with db.session() as s:
            tracks = cr.track_rows(s)
        print(
            json.dumps(
                {
                    "as_of": AS_OF.isoformat(),
                    "runs_with_track": len(tracks),
                    "courses_all": info["courses"],
                    "courses_recurring": len(listed),
                    "runs_on_recurring_courses": sum(c["runs"] for c in listed),
                    "build_s": round(build_s, 2),
                    "largest": [
                        {k: c[k] for k in ("id", "name", "runs", "distance_m")} for c in listed[:8]
                    ],
                    "same_session_groups": [
                        {
                            "ids": g,
                            "structure": compare.compare(db, g[0], today=AS_OF)["structure"],
                        }
                        for g in groups
                    ],
                },
                indent=2,
            )
        )
        by_course: dict[int, list] = {}
        for t in tracks:
            if t.course_id is not None:
                by_course.setdefault(int(t.course_id), []).append(t)
        show = listed[:6]
        fig, axes = plt.subplots(2, 3, figsize=(12, 8))
        for ax, c in zip(axes.flat, show, strict=False):
            detail = courses.course_detail(db, c["id"], today=AS_OF, sync=False)
            ref = next(
                t for t in by_course[c["id"]] if t.activity_id == detail["reference_activity_id"]
            )
            rp = _profile(ref)
            origin = (float(rp.latitude[0]), float(rp.longitude[0]))
            for t in by_course[c["id"]]:
                p = _profile(t)
                xy = local_xy(p.latitude, p.longitude, origin)
                ax.plot(xy[:, 0], xy[:, 1], color="tab:blue", alpha=0.35, lw=0.8)
            xy = local_xy(rp.latitude, rp.longitude, origin)
            ax.plot(xy[:, 0], xy[:, 1], color="black", lw=1.2)
            ax.set_aspect("equal")
            ax.set_title(
                f"#{c['id']}: {c['runs']} runs, {c['distance_m'] / 1000:.1f} km", fontsize=10
            )
            ax.tick_params(labelsize=7)
            ax.set_xlabel("m east of the first point", fontsize=7)
        fig.suptitle(
            "slalom007 (real, 16 months): the six largest courses; blue = every run on it, "
            "black = the course's reference run"
        )
        fig.tight_layout()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.out, dpi=80)
        print(f"wrote {args.out}", file=sys.stderr)
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
