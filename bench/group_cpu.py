"""CPU of one uncached group view (``services.group.group``) per athlete.

Each run is a fresh process (no memo of an earlier view), with the modules the view
uses imported before the clock starts; the figure is that process's CPU time for one
``group()`` call on the first ``--athletes`` athletes of the database. Min of
``--repeat`` runs. Build the database once with ``deliberun demo --group 10``::

    nice -n 10 .venv/bin/python bench/group_cpu.py --db /tmp/d/group.db \
        --today 2026-10-25 --athletes 5,10 --repeat 3 [--json-out doc.json]

``--json-out`` writes the group document of the largest step (compare two versions
of the code with ``cmp``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path


def _one(url: str, today: date, n: int, out: str | None) -> None:
    """Child: one cold group view of the first ``n`` athletes; prints its CPU seconds."""
    import deliberun.services.group  # noqa: F401  (imports are not the view's cost)
    import deliberun.services.plan  # noqa: F401
    import deliberun.services.practice  # noqa: F401
    from deliberun.services.group import group
    from deliberun.store import athletes_repo
    from deliberun.store.db import Database

    db = Database(url)
    with db.admin_session() as s:
        names = [a["name"] for a in athletes_repo.athletes(s) if a["name"] != "me"][:n]
    t = time.process_time()
    doc = group(db, today=today, names=names)
    cpu = time.process_time() - t
    if out:
        Path(out).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print(json.dumps({"athletes": len(names), "cpu_s": cpu}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a database built by `demo --group N`")
    ap.add_argument("--today", type=date.fromisoformat, required=True)
    ap.add_argument("--athletes", default="5,10", help="steps, e.g. 5,10")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json-out", default=None)
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    url = a.db if "://" in a.db else f"sqlite:///{Path(a.db).resolve()}"
    if a.child:
        _one(url, a.today, a.child, a.json_out)
        return
    steps = [int(x) for x in a.athletes.split(",")]
    for n in steps:
        runs = []
        for i in range(a.repeat):
            out = a.json_out if (n == max(steps) and i == 0) else None
            cmd = [sys.executable, __file__, "--db", url, "--today", a.today.isoformat(),
                   "--child", str(n)] + (["--json-out", out] if out else [])  # fmt: skip
            line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(line.strip().splitlines()[-1]))
        k = runs[0]["athletes"]
        best = min(r["cpu_s"] for r in runs)
        each = ", ".join(f"{r['cpu_s']:.2f}" for r in runs)
        print(f"{k} athletes: group view CPU min of {a.repeat} {best:.2f} s, "
              f"{best / k:.3f} s per athlete (runs: {each})")  # fmt: skip


if __name__ == "__main__":
    main()
