"""Full recompute benchmark: metrics and athlete models for a whole archive.

On the database ``bench/import_archive_bench.py`` keeps (``bench/out/archive10y.db``,
the 10-year simulated archive; a copy is used, the original is not touched) it times,
as a user runs them (CLI start-up included, every process of the tree counted):

* ``deliberun recompute --json --quiet --workers N`` (``--workers 1 2``; default 2: read
  the stored streams, recompute summary + metrics, write them back), and with
  ``--reparse`` also ``recompute --reparse`` on 2 workers (re-read the kept original files);
* the athlete models over the whole history: ``deliberun fitness --json``,
  ``deliberun predict --json``, ``deliberun athlete --json``;
* ``deliberun --help`` (the CLI start-up alone, for reference).

Usage: ``.venv/bin/python bench/recompute_bench.py [--quick] [--db PATH]``; with
``--quick`` (or when the 10-year database is missing) it imports the first 300 files
of the archive first. Prints Markdown (the "Recompute" section of docs/benchmarks.md)
and writes ``bench/out/results/recompute.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import ARCHIVE10, CLI, OUT, archive_files, machine, pick, run_tree, subset_dir  # noqa: E402

KEEP_DB = OUT / "archive10y.db"
WORK = OUT / "recompute_work"


def _copy_db(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
        if Path(f"{src}{suffix}").exists():
            shutil.copy2(f"{src}{suffix}", f"{dst}{suffix}")


def _quick_db(n: int) -> Path:
    files = pick(archive_files(ARCHIVE10), n=n)
    d = subset_dir(files, WORK / "files")
    db = WORK / f"quick{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    r = run_tree([CLI, "--db", str(db), "import", str(d), "--json", "--quiet"])
    if r.returncode != 0:
        raise SystemExit(f"import for the recompute benchmark failed: {r.stderr[-1000:]}")
    shutil.rmtree(d)
    return db


def timed(label: str, args: list[str], db: Path) -> dict[str, Any]:
    r = run_tree([CLI, "--db", str(db), *args])
    if r.returncode != 0:
        raise RuntimeError(f"{label} failed ({r.returncode}): {r.stderr[-1500:]}")
    return {
        "label": label,
        "command": "deliberun " + " ".join(args),
        "wall_s": r.wall_s,
        "cpu_s": r.cpu_s,
        "peak_rss_mb": r.peak_rss_mb,
        "stdout_bytes": len(r.stdout),
        "json": _maybe_json(r.stdout),
    }


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=KEEP_DB)
    ap.add_argument("--quick", action="store_true", help="a small archive (imported first)")
    ap.add_argument("--quick-files", type=int, default=300, help="files for --quick")
    ap.add_argument("--workers", type=int, nargs="+", default=[2], help="recompute with each")
    ap.add_argument("--reparse", action="store_true", help="also time `recompute --reparse`")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    (OUT / "results").mkdir(parents=True, exist_ok=True)
    src = args.db
    if args.quick or not src.exists():
        src = _quick_db(args.quick_files)
    db = WORK / "recompute.db"
    res: dict[str, Any] = {"machine_before": machine(), "source_db": str(src), "quick": args.quick}
    t0 = time.perf_counter()
    runs = [timed("CLI start-up (`--help`)", ["--help"], db)]
    for workers in args.workers:
        _copy_db(src, db)
        runs.append(timed(f"recompute, {workers} worker(s)", ["recompute", "--json", "--quiet", "--workers", str(workers)], db))  # fmt: skip
    if args.reparse:
        _copy_db(src, db)
        runs.append(timed("recompute --reparse, 2 workers", ["recompute", "--reparse", "--json", "--quiet", "--workers", "2"], db))  # fmt: skip
    for cmd in (["fitness", "--json"], ["predict", "--json"], ["athlete", "--json"]):
        runs.append(timed(" ".join(cmd), cmd, db))
    res["runs"] = runs
    res["activities"] = _count(db)
    res["seconds"] = time.perf_counter() - t0
    res["machine_after"] = machine()
    for r in runs:  # keep the result file small
        r.pop("json", None)
    (OUT / "results" / "recompute.json").write_text(json.dumps(res, indent=1, default=str))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(render(res))


def _count(db: Path) -> int:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return int(con.execute("select count(*) from activities").fetchone()[0])
    except sqlite3.Error:
        return -1
    finally:
        con.close()


def render(res: dict[str, Any]) -> str:
    """The Markdown of the "Recompute" section."""
    mb, ma = res["machine_before"]["load_avg"], res["machine_after"]["load_avg"]
    quick = f" (**--quick**: {res['activities']} files)" if res.get("quick") else ""
    lines = [
        f"Database `{Path(res['source_db']).name}`{quick}: {res['activities']:,} activities; "
        f"load average {mb[0]:.1f} before, {ma[0]:.1f} after ({res['seconds']:.0f} s for the script). "
        "Each command is one `deliberun` process as a user runs it (start-up included); CPU and "
        "peak RSS count the whole process tree.",
        "",
        "| command | wall [s] | CPU [s] | peak RSS, all processes [MB] | activities/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in res["runs"]:
        rate = (
            f"{res['activities'] / r['wall_s']:,.0f}" if r["label"].startswith("recompute") else ""
        )
        lines.append(
            f"| `{r['command']}` | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:.0f} | {rate} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
