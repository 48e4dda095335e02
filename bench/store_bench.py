"""Benchmark: how to store activity streams, and the store's write/read throughput.

Compares, on synthetic 1-Hz runs with the ten streams of ``Activity`` (values
quantised like a real FIT file: integer HR/cadence/power, mm/s speed, 0.2 m
altitude, 1e-7 deg coordinates):

A. one row per (activity, stream): zlib level 1, float32 when lossless  <- chosen
B. as A with zlib level 6
C. as A but raw float64 (no compression, no down-cast)
D. one blob per activity (all streams, float64, zlib level 1)
E. a table of samples (one row per sample, one column per stream)

Each activity is written in its own transaction (as the importer does), then
every activity's streams are read back in random order. E is run on fewer
activities and extrapolated (it is two orders of magnitude slower).
Then the real write path (``deliberun.store.repository``) is timed end to end.

Run: ``.venv/bin/python bench/store_bench.py [--n 3000] [--samples 3600]``
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from deliberun.store.streams import decode_stream, encode_stream

NAMES = (
    "time",
    "distance",
    "speed",
    "heart_rate",
    "cadence",
    "altitude",
    "latitude",
    "longitude",
    "power",
    "temperature",
)


def synthetic(n: int, seed: int) -> dict[str, np.ndarray]:
    """A plausible 1-Hz run quantised like FIT data."""
    rng = np.random.default_rng(seed)
    speed = np.round(np.clip(3.0 + np.cumsum(rng.normal(0, 0.02, n)), 1.5, 6.0), 3)
    dist = np.round(np.cumsum(speed), 2)
    return {
        "time": np.arange(n, dtype=float),
        "distance": dist,
        "speed": speed,
        "heart_rate": np.round(140 + np.cumsum(rng.normal(0, 0.3, n)).clip(-30, 40)),
        "cadence": np.round(170 + rng.normal(0, 3, n)),
        "altitude": np.round((200 + np.cumsum(rng.normal(0, 0.1, n))) * 5) / 5,
        "latitude": np.round(46.0 + np.cumsum(rng.normal(0, 1e-5, n)), 7),
        "longitude": np.round(8.0 + np.cumsum(rng.normal(0, 1e-5, n)), 7),
        "power": np.round(250 + rng.normal(0, 20, n)),
        "temperature": np.round(20 + np.cumsum(rng.normal(0, 0.01, n))),
    }


def connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def enc_a(a: np.ndarray) -> tuple[str, bytes]:
    return encode_stream(a)


def enc_b(a: np.ndarray) -> tuple[str, bytes]:
    dt, _ = encode_stream(a)
    return dt, zlib.compress(a.astype(dt).tobytes(), 6)


def enc_c(a: np.ndarray) -> tuple[str, bytes]:
    return "<f8", a.astype("<f8").tobytes()


def run_per_stream(path: Path, acts: list[dict[str, np.ndarray]], enc, dec) -> dict[str, float]:
    con = connect(path)
    con.execute(
        "CREATE TABLE s (aid INT, name TEXT, dtype TEXT, n INT, data BLOB, PRIMARY KEY(aid, name))"
    )
    t0 = time.perf_counter()
    for i, st in enumerate(acts):
        con.execute("BEGIN")
        for k, v in st.items():
            dt, blob = enc(v)
            con.execute("INSERT INTO s VALUES (?,?,?,?,?)", (i, k, dt, len(v), blob))
        con.execute("COMMIT")
    tw = time.perf_counter() - t0
    order = list(range(len(acts)))
    random.Random(1).shuffle(order)
    t0 = time.perf_counter()
    for i in order:
        rows = con.execute("SELECT name, dtype, n, data FROM s WHERE aid=?", (i,)).fetchall()
        out = {name: dec(dt, blob, n) for name, dt, n, blob in rows}
        assert len(out) == len(NAMES)
    tr = time.perf_counter() - t0
    con.close()
    return {"write_s": tw, "read_s": tr, "size_mb": os.path.getsize(path) / 1e6}


def dec_raw(dt: str, blob: bytes, n: int) -> np.ndarray:
    return np.frombuffer(blob, dtype=dt).astype(float)


def run_one_blob(path: Path, acts: list[dict[str, np.ndarray]]) -> dict[str, float]:
    con = connect(path)
    con.execute("CREATE TABLE s (aid INT PRIMARY KEY, n INT, data BLOB)")
    t0 = time.perf_counter()
    for i, st in enumerate(acts):
        arr = np.stack([st[k] for k in NAMES]).astype("<f8")
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO s VALUES (?,?,?)", (i, arr.shape[1], zlib.compress(arr.tobytes(), 1))
        )
        con.execute("COMMIT")
    tw = time.perf_counter() - t0
    order = list(range(len(acts)))
    random.Random(1).shuffle(order)
    t0 = time.perf_counter()
    for i in order:
        n, blob = con.execute("SELECT n, data FROM s WHERE aid=?", (i,)).fetchone()
        arr = np.frombuffer(zlib.decompress(blob), "<f8").reshape(len(NAMES), n)
        out = dict(zip(NAMES, arr, strict=True))
        assert len(out) == len(NAMES)
    tr = time.perf_counter() - t0
    con.close()
    return {"write_s": tw, "read_s": tr, "size_mb": os.path.getsize(path) / 1e6}


def run_samples(path: Path, acts: list[dict[str, np.ndarray]]) -> dict[str, float]:
    con = connect(path)
    cols = ", ".join(f"{k} REAL" for k in NAMES)
    con.execute(f"CREATE TABLE s (aid INT, i INT, {cols}, PRIMARY KEY(aid, i))")
    marks = ",".join("?" * (len(NAMES) + 2))
    t0 = time.perf_counter()
    for a, st in enumerate(acts):
        rows = np.column_stack([st[k] for k in NAMES]).tolist()
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO s VALUES ({marks})", ([a, i, *r] for i, r in enumerate(rows)))
        con.execute("COMMIT")
    tw = time.perf_counter() - t0
    order = list(range(len(acts)))
    random.Random(1).shuffle(order)
    t0 = time.perf_counter()
    for a in order:
        rows = con.execute(
            f"SELECT {', '.join(NAMES)} FROM s WHERE aid=? ORDER BY i", (a,)
        ).fetchall()
        arr = np.array(rows, dtype=float).T
        assert arr.shape[0] == len(NAMES)
    tr = time.perf_counter() - t0
    con.close()
    return {"write_s": tw, "read_s": tr, "size_mb": os.path.getsize(path) / 1e6}


def run_store(path: Path, acts: list[dict[str, np.ndarray]]) -> dict[str, float]:
    """The real write path: original + activity + source + streams, one transaction each."""
    import hashlib

    from deliberun.io.activity import Activity
    from deliberun.services.importer import Parsed, _insert, _Job
    from deliberun.store import repository as repo
    from deliberun.store.db import Database

    db = Database(path)
    base = datetime(2024, 1, 1, 7, tzinfo=UTC)
    t0 = time.perf_counter()
    for i, st in enumerate(acts):
        act = Activity(
            start_time=base + timedelta(days=i), sport="running", streams=st, source_format="fit"
        )
        data = f"synthetic {i}".encode() * 1000  # a 10-20 kB stand-in for the original file
        sha = hashlib.sha256(data).hexdigest()
        job = _Job(f"run{i}.fit", f"run{i}.fit", sha, data, {})
        summary = {"distance_m": float(st["distance"][-1]), "elapsed_time_s": float(st["time"][-1])}
        with db.session() as s, s.begin():
            repo.add_original(s, sha, data, job.name, base)
            _insert(s, job, Parsed(act, summary, {"summary": summary}, "bench"), base)
    tw = time.perf_counter() - t0
    with db.session() as s:
        ids = [r.id for r in repo.list_activities(s)]
    random.Random(1).shuffle(ids)
    t0 = time.perf_counter()
    with db.session() as s:
        for i in ids:
            act = repo.load_activity(s, i)
            assert act.n_samples == len(acts[0]["time"])
    tr = time.perf_counter() - t0
    t0 = time.perf_counter()
    with db.session() as s:
        n_list = len(repo.list_activities(s))
    tl = time.perf_counter() - t0
    db.dispose()
    return {
        "write_s": tw,
        "read_s": tr,
        "size_mb": os.path.getsize(path) / 1e6,
        "list_s": tl,
        "n": n_list,
    }


def run_import(folder: Path, db: Path, workers: int) -> dict[str, float]:
    """``deliberun import`` as a user runs it: wall time and peak RSS of the process tree."""
    import json
    import sys

    import psutil

    cmd = [sys.executable, "-m", "deliberun.cli.main", "--db", str(db), "import", str(folder)]
    out_path = db.with_suffix(".json")
    t0 = time.perf_counter()
    with open(out_path, "wb") as out_file:  # a file, not a pipe: the report can exceed 64 kB
        proc = psutil.Popen([*cmd, "--json", "--quiet", "--workers", str(workers)], stdout=out_file)
        peak = 0
        while proc.poll() is None:
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)
    out = out_path.read_bytes()
    wall = time.perf_counter() - t0
    doc = json.loads(out)
    return {
        "wall_s": wall,
        "files": len(doc["imported"]) + len(doc["duplicates"]) + len(doc["failed"]),
        "imported": len(doc["imported"]),
        "peak_tree_mb": peak / 1e6,
    }


def import_bench(src: Path, copies: int) -> None:
    """Import a real export, then ``copies`` re-gzipped copies of it (new bytes, same runs)."""
    import gzip

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        files = sorted(src.glob("*.fit.gz"))
        for c in range(copies):
            sub = d / f"copy{c}"
            sub.mkdir()
            for f in files:
                raw = gzip.decompress(f.read_bytes())
                (sub / f.name).write_bytes(gzip.compress(raw, mtime=c + 1))
        print("\n| import | workers | files | wall (s) | files/s | peak RSS, all processes (MB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for workers in (1, 2):
            r = run_import(d / "copy0", d / f"w{workers}.db", workers)
            print(
                f"| {len(files)} real files, fresh DB | {workers} | {r['files']:.0f} | {r['wall_s']:.1f} | "
                f"{r['files'] / r['wall_s']:.1f} | {r['peak_tree_mb']:.0f} |"
            )
        r = run_import(d / "copy0", d / "w2.db", 2)
        print(
            f"| same files again (all duplicates) | 2 | {r['files']:.0f} | {r['wall_s']:.1f} | "
            f"{r['files'] / r['wall_s']:.1f} | {r['peak_tree_mb']:.0f} |"
        )
        r = run_import(d, d / "all.db", 2)
        print(
            f"| {copies} x {len(files)} files (same runs, new bytes: parse + merge) | 2 | {r['files']:.0f} | "
            f"{r['wall_s']:.1f} | {r['files'] / r['wall_s']:.1f} | {r['peak_tree_mb']:.0f} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="activities")
    ap.add_argument("--samples", type=int, default=3600, help="samples per activity (1 Hz)")
    ap.add_argument("--n-samples-table", type=int, default=100, help="activities for option E")
    ap.add_argument(
        "--import-dir", type=Path, help="a folder of .fit.gz files to time `deliberun import` on"
    )
    ap.add_argument("--copies", type=int, default=5, help="re-gzipped copies for the memory run")
    args = ap.parse_args()
    if args.import_dir:
        import_bench(args.import_dir, args.copies)
        return
    acts = [synthetic(args.samples, seed) for seed in range(min(args.n, 200))]
    acts = [acts[i % len(acts)] for i in range(args.n)]
    # lossless check of the chosen encoding
    for st in acts[:50]:
        for v in st.values():
            assert np.array_equal(decode_stream(*encode_stream(v), len(v)), v, equal_nan=True)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        results = {
            "A per-stream, zlib 1, f32 when lossless": run_per_stream(
                d / "a.db", acts, enc_a, decode_stream
            ),
            "B per-stream, zlib 6, f32 when lossless": run_per_stream(
                d / "b.db",
                acts,
                enc_b,
                lambda dt, b, n: np.frombuffer(zlib.decompress(b), dt).astype(float),
            ),
            "C per-stream, raw float64": run_per_stream(d / "c.db", acts, enc_c, dec_raw),
            "D one blob per activity, f64, zlib 1": run_one_blob(d / "d.db", acts),
        }
        m = args.n_samples_table
        e = run_samples(d / "e.db", acts[:m])
        scale = args.n / m
        results[f"E table of samples (x{scale:.0f} from {m})"] = {
            k: v * scale for k, v in e.items()
        }
        store = run_store(d / "store.db", acts)
    print(f"{args.n} activities x {args.samples} samples x {len(NAMES)} streams")
    print(
        "| layout | write (s) | activities/s written | read all (s) | ms per read | DB size (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['write_s']:.1f} | {args.n / r['write_s']:.0f} | {r['read_s']:.1f} | "
            f"{1000 * r['read_s'] / args.n:.2f} | {r['size_mb']:.0f} |"
        )
    print(
        f"\nreal store path (repository, SQLAlchemy, one transaction per activity incl. a 15 kB original): "
        f"write {store['write_s']:.1f} s ({args.n / store['write_s']:.0f}/s), "
        f"load_activity all {store['read_s']:.1f} s ({1000 * store['read_s'] / args.n:.2f} ms each), "
        f"list_activities {store['list_s'] * 1000:.0f} ms for {store['n']}, DB {store['size_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
