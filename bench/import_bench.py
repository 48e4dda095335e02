"""Import benchmark. Parser part: FIT records/s by decoder path.

Compares, on the real FIT corpus (../shared/data/real/fit, files every path
decodes) and on a synthetic 6-hour 1 Hz run written with fit-tool:

* ``fitfast.records`` alone (fitfast's own throughput, the ceiling),
* our fast path ``deliberun.io.fit.parse_fit`` (fitfast + summary scanner + Activity),
* raw fitdecode (iterate every frame, no conversion),
* our fallback path ``parse_fit(..., fast=False)`` (fitdecode + Activity).

Run: ``.venv/bin/python bench/import_bench.py`` (prints a Markdown table).
A store part (import into SQLite) is added by the store area.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import fitdecode  # noqa: E402
import fitfast  # noqa: E402

from deliberun.io.errors import ReadError  # noqa: E402
from deliberun.io.fit import parse_fit  # noqa: E402

SHARED = Path(os.environ.get("DELIBERUN_SHARED", ROOT.parent / "shared"))


def synthetic_run(hours: float = 6.0) -> bytes:
    """A 1 Hz running FIT (timestamp, position, distance, speed, altitude, HR, cadence)."""
    import math

    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer

    b = FitFileBuilder(auto_define=True, min_string_size=50)
    fid = FileIdMessage()
    fid.type = FileType.ACTIVITY
    fid.manufacturer = Manufacturer.DEVELOPMENT.value
    fid.product = 0
    t0 = 1_700_000_000_000  # ms
    fid.time_created = t0
    fid.serial_number = 1
    b.add(fid)
    recs = []
    dist = 0.0
    for i in range(int(hours * 3600)):
        r = RecordMessage()
        r.timestamp = t0 + i * 1000
        speed = 3.0 + 0.3 * math.sin(i / 300)
        dist += speed
        r.position_lat = 47.0 + 0.01 * math.sin(i / 1000)
        r.position_long = 8.0 + 0.01 * math.cos(i / 1000)
        r.distance = dist
        r.enhanced_speed = speed
        r.enhanced_altitude = 400 + 20 * math.sin(i / 600)
        r.heart_rate = 140 + int(10 * math.sin(i / 200))
        r.cadence = 85
        recs.append(r)
    b.add_all(recs)
    return b.build().to_bytes()


def fitdecode_raw(data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in fitdecode.FitReader(data, check_crc=fitdecode.CrcCheck.RAISE):
            pass


def best_times(
    fns: list[Callable[[bytes], object]], files: list[bytes], rounds: int
) -> list[float]:
    """Best wall time of each function over ``files``, rounds interleaved.

    Interleaving (A, B, A, B ...) keeps a shared machine's changing load from
    favouring whichever function happened to run in a quiet moment.
    """
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            for data in files:
                fn(data)
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def memory_peak(data: bytes, fast: bool) -> tuple[float, float]:
    """Peak traced memory while parsing vs the bytes of the resulting streams [MB]."""
    import tracemalloc

    tracemalloc.start()
    act = parse_fit(data, "bench", fast=fast)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrays = sum(a.nbytes for a in act.streams.values())
    return peak / 1e6, arrays / 1e6


def main() -> None:
    corpus: list[bytes] = []
    fast_files: list[bytes] = []
    for p in sorted((SHARED / "data/real/fit").glob("*.fit")):
        data = p.read_bytes()
        try:
            act = parse_fit(data, p.name)
            parse_fit(data, p.name, fast=False)
        except ReadError:
            continue
        corpus.append(data)
        if act.extra.get("decoder") == "fitfast":
            fast_files.append(data)
    synth = [synthetic_run(6.0)]
    print("| corpus | path | records/s | MB/s | vs reference |")
    print("|---|---|---:|---:|---:|")
    sets = (
        ("real FIT files on the fast path", fast_files),
        ("whole decodable real FIT corpus", corpus),
        ("synthetic 6 h 1 Hz run", synth),
    )
    for label, files in sets:
        n_rec = sum(parse_fit(d, "bench").n_samples for d in files)
        mb = sum(map(len, files)) / 1e6
        title = f"{label} ({len(files)} files, {mb:.1f} MB, {n_rec:,} records)"
        if files is corpus:  # fitfast rejects some of these files: no reference row
            (t_all,) = best_times([lambda d: parse_fit(d, "bench")], files, 2)
            path = f"deliberun `parse_fit` (fitdecode for {len(corpus) - len(fast_files)} files)"
            print(f"| {title} | {path} | {n_rec / t_all:,.0f} | {mb / t_all:.2f} | |")
            continue
        t_ff, t_fast = best_times([fitfast.records, lambda d: parse_fit(d, "bench")], files, 9)
        t_fd, t_fb = best_times(
            [fitdecode_raw, lambda d: parse_fit(d, "bench", fast=False)], files, 3
        )
        rows = (
            (title, "fitfast.records alone", t_ff, "100 %"),
            ("", "deliberun fast path `parse_fit`", t_fast, f"{t_ff / t_fast:.0%} of fitfast"),
            ("", "fitdecode raw (iterate all frames)", t_fd, "100 %"),
            (
                "",
                "deliberun fallback `parse_fit(fast=False)`",
                t_fb,
                f"{t_fd / t_fb:.0%} of fitdecode",
            ),
        )
        for col1, path, t, rel in rows:
            print(f"| {col1} | {path} | {n_rec / t:,.0f} | {mb / t:.2f} | {rel} |")
    long = synthetic_run(12.0)
    for fast in (True, False):
        peak, arrays = memory_peak(long, fast)
        path = "fast path" if fast else "fitdecode fallback"
        print(
            f"\n12 h synthetic run ({len(long) / 1e6:.1f} MB), {path}: peak traced {peak:.1f} MB, streams {arrays:.1f} MB"
        )


if __name__ == "__main__":
    main()
