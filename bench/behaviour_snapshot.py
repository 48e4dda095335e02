"""Record what the runner sees, and compare two recordings byte for byte.

A refactoring must not change behaviour. This script records the outputs of
``show``, ``fitness``, ``predict``, ``review`` and ``today`` (plain and ``--json``,
through the real ``deliberun`` command: exit code, stdout and stderr) and the
dashboard's JSON twins (``/api/...`` through the full ASGI stack) on two
histories, each answered as of a fixed day:

- ``demo``: ``deliberun demo --seed 0`` (simulated, as of its last day);
- ``real``: the 16-month Strava export ``../shared/data/real/strava_export/slalom007``
  (imported with one worker so activity ids are stable, as of 2025-09-21),

plus the error answers (``show 99999``, ``/api/activities/99999``). Set
``DELIBERUN_SNAPSHOT_REAL`` to the export's folder when the script runs from a copy. One file per
output in the folder; ``--compare`` says, per output, identical or not::

    .venv/bin/python bench/behaviour_snapshot.py record /tmp/snap-before
    # ... change the code ...
    .venv/bin/python bench/behaviour_snapshot.py record /tmp/snap-after
    .venv/bin/python bench/behaviour_snapshot.py compare /tmp/snap-before /tmp/snap-after

Recording takes about two minutes on two busy cores (the demo and the import
dominate).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("deliberun"))
REAL = ROOT.parent / "shared" / "data" / "real" / "strava_export" / "slalom007"
REAL_TODAY = "2025-09-21"
DEMO_SEED = "0"
#: The CLI outputs, each plain and with --json (``{id}`` is the newest activity).
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("show", "{id}"),
    ("show", "1"),
    ("fitness", "--days", "42"),
    ("predict",),
    ("review",),
    ("review", "--cycle"),
    ("today",),
    ("show", "99999"),
    # the practice and plan commands whose documents moved into services (#15)
    ("cycle", "show"),
    ("cycle", "list"),
    ("target", "list"),
    ("target", "show", "1"),
    ("target", "show", "99999"),
    ("journal", "--since", "{month_ago}"),
    ("nemesis",),
    ("plan", "show"),
    ("plan", "compliance", "--weeks", "2"),
    ("workout", "parse", "2km E + 6x800m @I w/ 400m jog + 2km E"),
    ("workout", "parse", "25min E + 3x(10min @T, 2min rest)", "--vdot", "50"),
    # last: these store a new plan
    ("plan", "generate", "--race", "10k", "--date", "{race_day}"),
    ("plan", "generate", "--race", "half", "--date", "{race_day}", "--goal", "1:45:00"),
)
#: The dashboard's JSON twins.
PAGES = (
    "/api/today",
    "/api/calendar",
    "/api/activities",
    "/api/activities/{id}",
    "/api/fitness",
    "/api/targets",
    "/api/experiments",
    "/api/plan",
    "/api/activities/99999",
)
#: A fixed terminal for Rich, so the plain output does not depend on who runs it.
ENV = {"COLUMNS": "120", "LINES": "50", "NO_COLOR": "1", "TERM": "dumb"}


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DELIBERUN_")}
    env.update(ENV)
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False)


def _checked(args: list[str]) -> str:
    r = _run(args)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def build_demo(work: Path) -> tuple[Path, str]:
    out = json.loads(
        _checked([CLI, "demo", "--out", str(work / "demo"), "--seed", DEMO_SEED, "-q", "--json"])
    )
    return Path(out["db"]), out["today"]


def build_real(work: Path) -> tuple[Path, str]:
    db = work / "real.db"
    real = Path(os.environ.get("DELIBERUN_SNAPSHOT_REAL", REAL))
    _checked([CLI, "--db", str(db), "import", str(real), "--workers", "1", "-q", "--json"])
    return db, REAL_TODAY


def newest_id(db: Path, today: str) -> int:
    rows = json.loads(_checked([CLI, "--db", str(db), "--today", today, "activities", "--json"]))
    return int(max(rows, key=lambda a: a["start_time"])["id"])


def _normalised(text: str, work: Path) -> str:
    """The output with the (temporary) work folder written as ``<work>``."""
    return text.replace(str(work), "<work>")


def _slug(args: tuple[str, ...]) -> str:
    words = "_".join(a.lstrip("-") for a in args).replace("{id}", "newest")
    return re.sub(r"[^A-Za-z0-9_.{}-]+", "-", words).strip("-")


def record_cli(db: Path, today: str, ident: int, name: str, out: Path, work: Path) -> None:
    day = date.fromisoformat(today)
    fill = {
        "id": ident,
        "month_ago": (day - timedelta(days=30)).isoformat(),
        "race_day": (day + timedelta(days=84)).isoformat(),
    }
    for cmd in COMMANDS:
        argv = [a.format(**fill) for a in cmd]
        for extra in ((), ("--json",)):
            r = _run([CLI, "--db", str(db), "--today", today, *argv, *extra])
            slug = _slug((*cmd, *extra))
            text = f"exit {r.returncode}\n--- stdout\n{r.stdout}--- stderr\n{r.stderr}"
            (out / f"{name}__cli_{slug}.txt").write_text(_normalised(text, work), encoding="utf-8")


def record_web(db: Path, today: str, ident: int, name: str, out: Path, work: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from deliberun.web.app import create_app

    client = TestClient(create_app(str(db), today=date.fromisoformat(today), page_cache=False))
    for page in PAGES:
        r = client.get(page.format(id=ident))
        slug = page.strip("/").replace("/", "_").replace("{id}", "newest")
        text = f"HTTP {r.status_code} {r.headers.get('content-type')}\n{r.text}\n"
        (out / f"{name}__web_{slug}.txt").write_text(_normalised(text, work), encoding="utf-8")


def record(folder: Path, work: Path | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="dr-snap-")) if work is None else work
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        for name, build in (("demo", build_demo), ("real", build_real)):
            t0 = time.perf_counter()
            db, today = build(tmp)
            ident = newest_id(db, today)
            record_cli(db, today, ident, name, folder, tmp)
            record_web(db, today, ident, name, folder, tmp)
            print(f"{name}: recorded as of {today} in {time.perf_counter() - t0:.0f} s")
    finally:
        if work is None:
            shutil.rmtree(tmp, ignore_errors=True)


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.glob("*.txt")} | {p.name for p in b.glob("*.txt")})
    differ = 0
    for n in names:
        pa, pb = a / n, b / n
        if not pa.exists() or not pb.exists():
            state = f"only in {a if pa.exists() else b}"
        elif pa.read_bytes() == pb.read_bytes():
            state = "identical"
        else:
            state = "DIFFERS"
        differ += state != "identical"
        print(f"{state:>10}  {n}")
    print(f"{len(names) - differ} of {len(names)} outputs byte-identical")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="action", required=True)
    rec = sub.add_parser("record", help="record every output into FOLDER")
    rec.add_argument("folder", type=Path)
    rec.add_argument("--work", type=Path, help="keep the databases here (default: a temp dir)")
    cmp_ = sub.add_parser("compare", help="compare two recordings byte for byte")
    cmp_.add_argument("a", type=Path)
    cmp_.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.action == "record":
        record(args.folder, args.work)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
