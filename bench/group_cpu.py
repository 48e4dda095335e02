"""CPU of one group view (``services.group.group``) per athlete, cold or warm.

Each run is a fresh process (no memo of an earlier view), with the modules the view
uses imported before the clock starts; the figure is that process's CPU time for one
``group()`` call on the first ``--athletes`` athletes of the database. Min of
``--repeat`` runs. ``--state cold`` (the default) drops the stored group lines before
the clock starts, so every line is built; ``--state warm`` stores them first (one
unmeasured process), so the view reads them (``store.data_version``, migration
0015_data_versions); ``--state both`` runs both and says whether their documents are
identical. Build the database once with ``deliberun demo --group 10``::

    nice -n 10 .venv/bin/python bench/group_cpu.py --db /tmp/d/group.db \
        --today 2026-10-25 --athletes 5,10 --repeat 3 --state both [--json-out doc.json]

``--json-out`` writes the group document of the largest step (compare two versions
of the code with ``cmp``; with ``--state both``, ``doc.json.cold`` and ``doc.json.warm``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def _one(url: str, today: date, n: int, out: str | None, state: str) -> None:
    """Child: one group view of the first ``n`` athletes (``state`` "cold": no stored
    line; "warm": as stored; "prime": store them, not measured); prints its CPU seconds."""
    from sqlalchemy import delete

    import deliberun.services.group  # noqa: F401  (imports are not the view's cost)
    import deliberun.services.plan  # noqa: F401
    import deliberun.services.practice  # noqa: F401
    from deliberun.services.group import _group
    from deliberun.store import athletes_repo
    from deliberun.store.db import Database
    from deliberun.store.tables_group import GroupLineRow

    db = Database(url)
    with db.admin_session() as s:
        names = [a["name"] for a in athletes_repo.athletes(s) if a["name"] != "me"][:n]
    if state == "cold":
        with db.admin_session() as s, s.begin():
            s.execute(delete(GroupLineRow))
    t = time.process_time()
    doc, built = _group(db, today=today, names=names)
    cpu = time.process_time() - t
    if out:
        Path(out).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print(json.dumps({"athletes": len(names), "cpu_s": cpu, "built": built}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a database built by `demo --group N`")
    ap.add_argument("--today", type=date.fromisoformat, required=True)
    ap.add_argument("--athletes", default="5,10", help="steps, e.g. 5,10")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json-out", default=None)
    ap.add_argument("--state", choices=["cold", "warm", "both"], default="cold")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--child-state", default="cold", help=argparse.SUPPRESS)
    a = ap.parse_args()
    url = a.db if "://" in a.db else f"sqlite:///{Path(a.db).resolve()}"
    if a.child:
        _one(url, a.today, a.child, a.json_out, a.child_state)
        return
    steps = [int(x) for x in a.athletes.split(",")]
    states = ["cold", "warm"] if a.state == "both" else [a.state]
    docs: dict[str, str] = {}
    for n in steps:
        for state in states:
            if state == "warm":
                _child(url, a.today, n, "prime", None)
            runs = []
            for i in range(a.repeat):
                out = None
                if n == max(steps) and i == 0 and (a.json_out or a.state == "both"):
                    out = (a.json_out or "/tmp/group_cpu.json") + (
                        f".{state}" if a.state == "both" else ""
                    )
                    docs[state] = out
                runs.append(_child(url, a.today, n, state, out))
            k = runs[0]["athletes"]
            best = min(r["cpu_s"] for r in runs)
            each = ", ".join(f"{r['cpu_s']:.3f}" for r in runs)
            built = ", ".join(str(r["built"]) for r in runs)
            print(f"{k} athletes, {state}: group view CPU min of {a.repeat} {best:.3f} s, "
                  f"{best / k:.4f} s per athlete (runs: {each}; lines built: {built})")  # fmt: skip
    if len(docs) == 2:
        same = Path(docs["cold"]).read_bytes() == Path(docs["warm"]).read_bytes()
        print(f"cold and warm documents identical: {same} ({docs['cold']}, {docs['warm']})")


def _child(url: str, today: date, n: int, state: str, out: str | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--db", url, "--today", today.isoformat(),
           "--child", str(n), "--child-state", state] + (["--json-out", out] if out else [])  # fmt: skip
    line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    got: dict[str, Any] = json.loads(line.strip().splitlines()[-1])
    return got


if __name__ == "__main__":
    main()
