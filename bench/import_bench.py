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


def best_time(fn: Callable[[bytes], object], files: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for data in files:
            fn(data)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    corpus = []
    for p in sorted((SHARED / "data/real/fit").glob("*.fit")):
        data = p.read_bytes()
        try:
            fitfast.count(data)
            parse_fit(data, p.name, fast=False)
        except (ReadError, BaseException) as exc:  # noqa: BLE001 - keep files every path decodes
            if isinstance(exc, KeyboardInterrupt):
                raise
            continue
        corpus.append(data)
    synth = [synthetic_run(6.0)]
    print("| corpus | path | records/s | MB/s | vs reference |")
    print("|---|---|---:|---:|---:|")
    for label, files, rep_fast, rep_slow in (("real FIT corpus", corpus, 5, 1), ("synthetic 6 h run", synth, 5, 1)):
        n_rec = sum(len(fitfast.records(d).get("timestamp", ())) for d in files)
        mb = sum(map(len, files)) / 1e6
        t_ff = best_time(fitfast.records, files, rep_fast)
        t_fast = best_time(lambda d: parse_fit(d, "bench"), files, rep_fast)
        t_fd = best_time(fitdecode_raw, files, rep_slow)
        t_fb = best_time(lambda d: parse_fit(d, "bench", fast=False), files, rep_slow)
        # on the real corpus some files go to fitdecode in the fast path too (header CRC 0 ...)
        title = f"{label} ({len(files)} files, {mb:.1f} MB, {n_rec} records)"
        print(f"| {title} | fitfast.records alone | {n_rec / t_ff:,.0f} | {mb / t_ff:.1f} | 100 % |")
        print(f"| | deliberun fast path (parse_fit) | {n_rec / t_fast:,.0f} | {mb / t_fast:.1f} | {t_ff / t_fast:.0%} of fitfast |")
        print(f"| | fitdecode raw (all frames) | {n_rec / t_fd:,.0f} | {mb / t_fd:.2f} | 100 % |")
        print(f"| | deliberun fallback (fast=False) | {n_rec / t_fb:,.0f} | {mb / t_fb:.2f} | {t_fd / t_fb:.0%} of fitdecode |")


if __name__ == "__main__":
    main()
