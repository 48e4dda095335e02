"""GPX distance after the jitter filter vs the watch's own distance, on real runs.

Pairs: (1) the public GPX/FIT pairs of the same recording in ../shared/data/real;
(2) every run of the real Strava exports with positions, its FIT written out as
the GPX a converter or Strava's "export GPX" produces (time, position, elevation:
no pause markers, no device distance), read back by our GPX reader. The watch's
distance is the FIT session's total. The GPX is built in memory: the personal
tracks never leave ../shared.

Run: .venv/bin/python bench/gpx_jitter.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from deliberun.io import read_bytes
from deliberun.metrics.summary import summarize

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"

PUBLIC_PAIRS = [
    ("gpx/heartandsole__testdata.gpx", "fit/heartandsole__testdata.fit"),
    ("gpx/sweatpy__activity_5039744860.gpx", "fit/sweatpy__2020-06-01-16-52-40.fit"),
]


def gpx_of(act) -> bytes:  # type: ignore[no-untyped-def]
    """The GPX a converter writes from a parsed FIT: positions, elevation, time."""
    t0 = act.start_time.timestamp()
    lat, lon, alt = act.stream("latitude"), act.stream("longitude"), act.stream("altitude")
    pts = []
    for t, la, lo, el in zip(act.stream("time"), lat, lon, alt, strict=True):
        if not (np.isfinite(la) and np.isfinite(lo)):
            continue
        stamp = datetime.fromtimestamp(t0 + float(t), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        ele = f"<ele>{el:.1f}</ele>" if np.isfinite(el) else ""
        pts.append(f'<trkpt lat="{la:.7f}" lon="{lo:.7f}">{ele}<time>{stamp}</time></trkpt>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="bench" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>'
        + "".join(pts)
        + "</trkseg></trk></gpx>"
    ).encode()


def fit_as_gpx_pairs(real: Path, step: int = 1) -> list[tuple[str, float, float, float]]:
    """(file, watch distance, raw GPX distance, our GPX distance) for every real run with GPS."""
    out = []
    files = sorted(real.glob("strava_export/*/activities/*.fit.gz"))[::step]
    for path in files:
        act = read_bytes(path.read_bytes(), path.name)
        if act.sport != "running" or not act.sessions or not act.sessions[0].distance_m:
            continue
        if np.isfinite(act.stream("latitude")).sum() < 100:
            continue
        gpx = read_bytes(gpx_of(act), path.name.replace(".fit.gz", ".gpx"))
        ours = summarize(gpx)["distance_m"] or 0.0
        out.append((path.name, act.sessions[0].distance_m, gpx.extra["raw_gps_distance_m"], ours))
    return out


def main() -> int:
    if not REAL.is_dir():
        print(f"{REAL} not found")
        return 1
    print("public pairs (same recording as GPX and FIT):")
    for g, f in PUBLIC_PAIRS:
        a = read_bytes((REAL / g).read_bytes(), g)
        b = read_bytes((REAL / f).read_bytes(), f)
        dev = b.sessions[0].distance_m
        ours = summarize(a)["distance_m"]
        raw = a.extra["raw_gps_distance_m"]
        print(f"  {g}: watch {dev:.1f} m, GPX raw {raw:.1f} m ({raw / dev - 1:+.1%}), "
              f"ours {ours:.1f} m ({ours / dev - 1:+.2%})")  # fmt: skip
    rows = fit_as_gpx_pairs(REAL)
    raw_err = np.array([r[2] / r[1] - 1 for r in rows])
    err = np.array([r[3] / r[1] - 1 for r in rows])
    print(f"real runs, FIT written as GPX: {len(rows)}")
    print(f"  raw haversine: median {np.median(raw_err):+.2%}, within 1 %: "
          f"{(abs(raw_err) <= 0.01).sum()}/{len(rows)}")  # fmt: skip
    print(f"  filtered: median {np.median(err):+.2%}, median |error| {np.median(abs(err)):.2%}, "
          f"within 1 %: {(abs(err) <= 0.01).sum()}/{len(rows)}, within 2 %: "
          f"{(abs(err) <= 0.02).sum()}/{len(rows)}")  # fmt: skip
    for name, dev, raw, ours in rows:
        if name.startswith("13772079262"):
            print(
                f"  10x200 m session {name}: watch {dev:.0f} m, GPX raw {raw:.0f} m, ours {ours:.0f} m"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
