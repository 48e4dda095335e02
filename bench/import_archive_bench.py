"""Archive import benchmark: a simulated 10-year archive through ``deliberun import``.

What it measures, on the archive ``bench/sim_bench.py`` writes (``bench/out/archive10y``,
~3,100 activities, ~10 M 1 Hz samples; 80 % ``.fit.gz``, 10 % GPX, 10 % TCX):

1. the parser alone (``deliberun.io.read_bytes`` on every file, one process), and
   parse + metrics (``services.importer.analyse``: summary, metrics, stream encoding);
2. the native FIT decoder's own throughput (``fitfast.records`` on the same FIT
   files, gunzipped beforehand);
3. the whole import (``deliberun import --json --quiet --workers N`` in a fresh
   database: parse + store + metrics) on 1 and 2 cores, with the peak RSS of the
   whole process tree (the command, the forkserver and the workers) polled by psutil;
4. peak memory as the archive grows (100 files, 1 year, 3 years, 1,000 files, 10 years);
5. runpandas reading a sample of the same files, in its own venv
   (``bench/out/rp-venv``; runpandas does not run on pandas 3), against our parser;
6. where the time goes: cProfile of a 200-file import on one core.

Usage: ``.venv/bin/python bench/import_archive_bench.py [--quick] [--archive DIR]``.
Prints Markdown (the "Archive import" section of docs/benchmarks.md) and writes the raw
figures to ``bench/out/results/import_archive.json``. The 10-year database of the
2-core import is kept as ``bench/out/archive10y.db`` for ``bench/recompute_bench.py``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pstats
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import ARCHIVE10, CLI, OUT, archive_files, machine, pick, run_tree, subset_dir  # noqa: E402

RP_PYTHON = OUT / "rp-venv" / "bin" / "python"
KEEP_DB = OUT / "archive10y.db"
WORK = OUT / "import_work"

# Goals of issues 2 and 5 (docs/benchmarks.md compares against them).
GOALS = {
    "import_10m_2cores_s": 60.0,  # whole import of ~10 M records on 2 cores
    "vs_native_1core": 0.50,  # import records/s on 1 core / fitfast.records records/s
    "vs_runpandas": 20.0,  # our parser vs runpandas on the same files
}


def fmt_kind(name: str) -> str:
    n = name.lower()
    for ext in ("fit", "gpx", "tcx"):
        if n.endswith(f".{ext}") or n.endswith(f".{ext}.gz"):
            return ext
    return "other"


def parse_pass(paths: list[Path]) -> dict[str, Any]:
    """Parser alone and parse + metrics, one process, per file (seconds, records)."""
    from deliberun.athlete import AthleteSettings
    from deliberun.io import read_bytes
    from deliberun.services.importer import analyse

    settings = AthleteSettings()
    per_file: dict[str, dict[str, Any]] = {}
    for p in paths:
        data = p.read_bytes()
        c0, t0 = time.process_time(), time.perf_counter()
        act = read_bytes(data, p.name)
        c1, t1 = time.process_time(), time.perf_counter()
        analyse(act, settings)
        c2, t2 = time.process_time(), time.perf_counter()
        per_file[p.name] = {
            "kind": fmt_kind(p.name),
            "bytes": len(data),
            "records": int(act.n_samples),
            "parse_s": t1 - t0,
            "metrics_s": t2 - t1,
            "parse_cpu_s": c1 - c0,
            "metrics_cpu_s": c2 - c1,
        }
    return per_file


def native_pass(paths: list[Path], repeat: int = 2) -> dict[str, float]:
    """``fitfast.records`` on the FIT files (gunzipped before timing): best of ``repeat``."""
    import fitfast

    blobs = []
    for p in paths:
        if fmt_kind(p.name) != "fit":
            continue
        data = p.read_bytes()
        blobs.append(gzip.decompress(data) if p.name.endswith(".gz") else data)
    records = sum(len(fitfast.records(b).get("timestamp", ())) for b in blobs)
    best = best_cpu = float("inf")
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        for b in blobs:
            fitfast.records(b)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return {
        "files": len(blobs),
        "records": records,
        "seconds": best,
        "cpu_s": best_cpu,
        "records_per_s": records / best,
        "records_per_cpu_s": records / best_cpu,
    }


def import_run(
    paths: list[Path], label: str, workers: int, keep: Path | None = None
) -> dict[str, Any]:
    """``deliberun import`` of exactly ``paths`` into a fresh database."""
    d = subset_dir(paths, WORK / f"files_{label}")
    db = WORK / f"{label}_w{workers}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    r = run_tree(
        [CLI, "--db", str(db), "import", str(d), "--json", "--quiet", "--workers", str(workers)]
    )
    if r.returncode != 0:
        raise RuntimeError(f"import {label} failed ({r.returncode}): {r.stderr[-2000:]}")
    rep = json.loads(r.stdout)
    out = {
        "label": label,
        "workers": workers,
        "files": len(paths),
        "imported": len(rep.get("imported", [])),
        "duplicates": len(rep.get("duplicates", [])),
        "failed": len(rep.get("failed", [])),
        "wall_s": r.wall_s,
        "cpu_s": r.cpu_s,
        "peak_rss_mb": r.peak_rss_mb,
        "peak_one_mb": r.peak_one_mb,
        "db_mb": db.stat().st_size / 1e6,
    }
    if keep is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{keep}{suffix}").unlink(missing_ok=True)
        shutil.move(str(db), keep)
    else:
        db.unlink(missing_ok=True)
    shutil.rmtree(d)
    return out


def runpandas_pass(paths: list[Path], repeat: int) -> dict[str, Any] | None:
    """runpandas (own venv) vs ``read_bytes`` on the same uncompressed files (CPU seconds)."""
    if not RP_PYTHON.exists():
        return None
    from deliberun.io import read_bytes

    d = WORK / "rp_files"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    files = []
    for p in paths:  # runpandas reads plain .fit/.gpx/.tcx only: gunzip first
        name = p.name[:-3] if p.name.endswith(".gz") else p.name
        data = p.read_bytes()
        (d / name).write_bytes(gzip.decompress(data) if p.name.endswith(".gz") else data)
        files.append(d / name)
    cmd = [str(RP_PYTHON), str(Path(__file__).with_name("runpandas_bench.py")), *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["runpandas failed"]}
    rp = json.loads(proc.stdout)
    ours: dict[str, float] = {}
    recs: dict[str, int] = {}
    for f in files:
        data = f.read_bytes()
        best = float("inf")
        for _ in range(repeat):
            c0 = time.process_time()
            act = read_bytes(data, f.name)
            best = min(best, time.process_time() - c0)
        ours[f.name] = best
        recs[f.name] = int(act.n_samples)
    by_kind: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in files:
        k = fmt_kind(f.name)
        row = rp["files"].get(f.name)
        if row is None or row.get("error"):
            by_kind[k]["rp_failed"] += 1
            continue
        by_kind[k]["files"] += 1
        by_kind[k]["ours_s"] += ours[f.name]
        by_kind[k]["rp_s"] += row["cpu_s"]
        by_kind[k]["rp_wall_s"] += row["seconds"]
        by_kind[k]["records"] += recs[f.name]
        by_kind[k]["rp_rows"] += row["rows"]
    shutil.rmtree(d)
    return {"versions": rp["versions"], "by_kind": {k: dict(v) for k, v in by_kind.items()}}


def profile_run(paths: list[Path]) -> dict[str, Any]:
    """cProfile of ``deliberun import --workers 1`` of ``paths``: time by area, top functions."""
    d = subset_dir(paths, WORK / "files_profile")
    db = WORK / "profile.db"
    prof = OUT / "import_profile.prof"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(prof), CLI, "--db", str(db), "import", str(d),
         "--quiet", "--workers", "1"],
        check=True, capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    st = pstats.Stats(str(prof))
    areas: dict[str, float] = defaultdict(float)
    rows = []
    for (file, _line, func), (_cc, _nc, tt, _ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        areas[_area(file, func)] += tt
        rows.append((tt, f"{Path(file).name}:{func}" if file != "~" else func))
    total = sum(areas.values())
    rows.sort(reverse=True)
    db.unlink(missing_ok=True)
    shutil.rmtree(d)
    return {
        "files": len(paths),
        "wall_s": wall,
        "profiled_s": total,
        "areas": dict(sorted(areas.items(), key=lambda kv: -kv[1])),
        "top": rows[:12],
        "prof": str(prof.relative_to(OUT.parent.parent)),
    }


def _area(file: str, func: str) -> str:
    f = file.replace("\\", "/")
    for key, name in (
        ("/deliberun/io/", "deliberun.io (readers)"),
        ("/deliberun/metrics/", "deliberun.metrics"),
        ("/deliberun/store/", "deliberun.store"),
        ("/deliberun/services/", "deliberun.services (importer)"),
        ("/sqlalchemy/", "SQLAlchemy"),
        ("/numpy/", "numpy (Python side)"),
        ("/scipy/", "scipy (Python side)"),
        ("/alembic/", "alembic (migrations)"),
        ("/xml/", "xml / defusedxml"),
        ("/defusedxml/", "xml / defusedxml"),
        ("importlib", "imports (start-up)"),
    ):
        if key in f:
            return name
    if file == "~":
        for key, name in (
            ("zlib", "zlib (C)"),
            ("sqlite3", "sqlite3 (C)"),
            ("fitfast", "fitfast (C)"),
            ("numpy", "numpy (C)"),
            ("ndarray", "numpy (C)"),
            ("expat", "expat XML parser (C)"),
            ("pyexpat", "expat XML parser (C)"),
            ("sha256", "hashlib (C)"),
            ("_imp", "imports (start-up)"),
            ("compile", "imports (start-up)"),
            ("marshal", "imports (start-up)"),
        ):
            if key in func:
                return name
        return "other built-ins"
    return "other Python"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--archive", type=Path, default=ARCHIVE10)
    ap.add_argument("--quick", action="store_true", help="300 files at most; small samples")
    ap.add_argument("--rp-sample", type=int, default=60, help="files for the runpandas comparison")
    ap.add_argument("--profile-files", type=int, default=200)
    ap.add_argument(
        "--skip",
        nargs="*",
        default=[],
        help="parts to skip: parse native import growth runpandas profile",
    )
    args = ap.parse_args()
    if not (args.archive / "activities").is_dir():
        raise SystemExit(
            f"{args.archive}: no archive; write it with .venv/bin/python bench/sim_bench.py --years 10"
        )
    WORK.mkdir(parents=True, exist_ok=True)
    (OUT / "results").mkdir(parents=True, exist_ok=True)
    dated = archive_files(args.archive)
    every = pick(dated)
    if args.quick:
        every = every[:300]
        dated = dated[:300]
        args.rp_sample = min(args.rp_sample, 15)
        args.profile_files = min(args.profile_files, 50)
    res: dict[str, Any] = {
        "machine_before": machine(),
        "archive": str(args.archive),
        "quick": args.quick,
    }
    t_start = time.perf_counter()

    per_file = parse_pass(every) if "parse" not in args.skip else {}
    res["per_file"] = per_file
    if "native" not in args.skip:
        res["native"] = native_pass(every)
    if "import" not in args.skip:
        res["imports"] = [
            import_run(every, "all", 1),
            import_run(every, "all", 2, keep=None if args.quick else KEEP_DB),
        ]
    if "growth" not in args.skip:
        sizes = [("100 files", pick(dated, n=100)), ("1 year", pick(dated, years=1))]
        if not args.quick:  # 3 years is ~1,000 files; 10 years is the main import above
            sizes += [("3 years", pick(dated, years=3))]
        res["growth"] = [import_run(ps, label.replace(" ", "_").replace(",", ""), 2) | {"label": label}
                         for label, ps in sizes]  # fmt: skip
    if "runpandas" not in args.skip:
        step = max(1, len(every) // args.rp_sample)
        res["runpandas"] = runpandas_pass(every[::step][: args.rp_sample], repeat=3)
    if "profile" not in args.skip:
        res["profile"] = profile_run(every[: args.profile_files])
    res["seconds"] = time.perf_counter() - t_start
    res["machine_after"] = machine()
    (OUT / "results" / "import_archive.json").write_text(json.dumps(res, indent=1, default=str))
    print(report(res))


def report(res: dict[str, Any]) -> str:
    """The Markdown of the "Archive import" section."""
    from import_archive_report import render

    return render(res)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
