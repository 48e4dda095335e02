"""Simulation benchmark: simulate + write 1-, 3- and 10-year archives; FIT encoder vs fit-tool.

Writes the 10-year archive to ``bench/out/archive10y/`` (gitignored) for the other
benchmarks to reuse (a Strava bulk-export layout with deliberun-journal.yaml,
plan.yaml and truth.json). Prints a Markdown table for the "Simulation" section
of docs/benchmarks.md.

Usage: ``.venv/bin/python bench/sim_bench.py [--years 1 3 10] [--seed 0] [--skip-fit-tool]``
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from deliberun.sim.output import write_simulation
from deliberun.sim.simulation import Simulation
from deliberun.sim.writers import Track, write_fit

ROOT = Path(__file__).resolve().parent
ARCHIVE10 = ROOT / "out" / "archive10y"


def synthetic_track(n: int) -> Track:
    """A plain 1 Hz run of ``n`` samples for encoder timings."""
    t = np.arange(n, dtype=float)
    speed = np.full(n, 3.0)
    return Track(
        start_time=datetime(2026, 1, 1, 7, tzinfo=UTC), time=t, distance=3.0 * t, speed=speed,
        heart_rate=np.full(n, 140.0), cadence=np.full(n, 170.0), altitude=np.full(n, 300.0),
        latitude=46.2 + t * 1e-5, longitude=np.full(n, 6.1), temperature=np.full(n, 12.0),
    )  # fmt: skip


def time_own_encoder(n: int = 36_000, repeat: int = 5) -> float:
    """Records per second of ``deliberun.sim.writers.write_fit``."""
    track = synthetic_track(n)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        write_fit(track)
        best = min(best, time.perf_counter() - t0)
    return n / best


def time_fit_tool(n: int = 3600) -> float:
    """Records per second of fit-tool's FitFileBuilder on the same kind of records."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer

    t0 = time.perf_counter()
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    fid = FileIdMessage()
    fid.type = FileType.ACTIVITY
    fid.manufacturer = Manufacturer.GARMIN.value
    fid.time_created = 1_700_000_000_000
    builder.add(fid)
    records = []
    for i in range(n):
        r = RecordMessage()
        r.timestamp = 1_700_000_000_000 + i * 1000
        r.position_lat, r.position_long = 46.2 + i * 1e-5, 6.1
        r.distance, r.enhanced_speed, r.enhanced_altitude = 3.0 * i, 3.0, 300.0
        r.heart_rate, r.cadence = 140, 85
        records.append(r)
    builder.add_all(records)
    builder.build().to_bytes()
    return n / (time.perf_counter() - t0)


def run(years: float, seed: int, out: Path) -> dict[str, float]:
    if out.exists():
        shutil.rmtree(out)
    t0 = time.perf_counter()
    res = write_simulation(Simulation("marathon", seed, years=years), out)
    dt = time.perf_counter() - t0
    return {
        "years": years,
        "activities": res["activities"],
        "samples": res["samples"],
        "mb": res["bytes"] / 1e6,
        "seconds": dt,
        "files_per_s": res["activities"] / dt,
        "samples_per_s": res["samples"] / dt,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=float, nargs="+", default=[1.0, 3.0, 10.0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-fit-tool", action="store_true")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")  # fmt: skip
    own = time_own_encoder()
    print(
        f"\nFIT encoder (records/s, 10 h run): deliberun.sim.writers.write_fit {own:,.0f}", end=""
    )
    if not args.skip_fit_tool:
        print(f"; fit-tool FitFileBuilder {time_fit_tool():,.0f}", end="")
    print("\n")
    print("| archive | activities | samples | MB on disk | seconds | files/s | samples/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for y in args.years:
        if y >= 10:
            out = ARCHIVE10
            out.parent.mkdir(parents=True, exist_ok=True)
            r = run(y, args.seed, out)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                r = run(y, args.seed, Path(tmp) / "sim")
        print(f"| {y:g} y | {r['activities']:,} | {r['samples']:,} | {r['mb']:.0f} | "
              f"{r['seconds']:.1f} | {r['files_per_s']:.0f} | {r['samples_per_s']:,.0f} |")  # fmt: skip
    if any(y >= 10 for y in args.years):
        print(f"\n10-year archive written to {ARCHIVE10}")


if __name__ == "__main__":
    main()
