"""CPU of each cold dashboard page builder, and of the VDOT of every session day alone.

Builds the pages as the web layer does on a cold request (``web.routes.pages``, inside
``shared_reads``, no page cache), in one process, each page once to warm up and then
the minimum CPU (``time.process_time``) of ``--repeat`` builds. Run it with one side's
source first on ``PYTHONPATH`` to compare sides on one database (paired, alternated)::

    PYTHONPATH=/work/main/src .venv/bin/python bench/vdot_days_cpu.py DB --today 2026-10-25
    .venv/bin/python bench/vdot_days_cpu.py DB --today 2026-10-25 --profile targets

``--vdot-out FILE``: the inputs of ``models.vdot_history.vdot_days_as_of`` as the
practice sessions call it (captured during a cold /targets), then that call alone timed
(min of ``--repeat``), and every day's ``DayVdot.to_dict()`` pickled to FILE (``cmp`` the
files of two sides: byte-identical outputs).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pickle
import pstats
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

PAGES = ("today", "calendar", "activities", "fitness", "targets", "experiments", "plan")


def cpu_ms(fn: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best * 1000.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--today", type=date.fromisoformat, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument(
        "--profile",
        help="a page to profile (cProfile of CPU time: top 60 by cumulative, top 10 by own time)",
    )
    ap.add_argument("--vdot-out", type=Path)
    args = ap.parse_args(argv)

    import deliberun
    from deliberun.services.dashboard import shared_reads
    from deliberun.store.db import Database
    from deliberun.web.routes import pages

    db = Database(str(args.db))
    built = pages(db)
    print(f"source {Path(deliberun.__file__).parent}  load {os.getloadavg()[0]:.1f}")

    def build(name: str) -> None:
        with shared_reads():
            built[name][1]({}, args.today)

    if args.profile:
        build(args.profile)
        prof = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
        prof.enable()
        build(args.profile)
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(60)
        print(s.getvalue())
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(10)
        print(s.getvalue())
        return 0
    if args.vdot_out:
        return vdot_alone(build, args)
    for name in args.pages.split(","):
        build(name)  # warm-up: imports, SQLite pages
        print(f"/{name:<12} {cpu_ms(lambda n=name: build(n), args.repeat):7.0f} ms CPU")
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


def vdot_alone(build: Any, args: argparse.Namespace) -> int:
    from deliberun.models import vdot_history

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    real = vdot_history.vdot_days_as_of

    def capture(*a: Any, **kw: Any) -> Any:
        calls.append((a, kw))
        return real(*a, **kw)

    vdot_history.vdot_days_as_of = capture  # type: ignore[assignment]
    try:
        build("targets")
    finally:
        vdot_history.vdot_days_as_of = real
    a, kw = max(calls, key=lambda c: len(list(c[0][1])))  # the session days' call
    efforts, days = list(a[0]), list(a[1])
    run = lambda: real(efforts, days, *a[2:], **kw)  # noqa: E731
    out = run()
    ms = cpu_ms(run, args.repeat)
    rows = {d: (v.to_dict() if v is not None else None) for d, v in sorted(out.items())}
    args.vdot_out.write_bytes(pickle.dumps(rows, protocol=4))
    print(
        f"vdot_days_as_of: {len(days)} days, {len(efforts)} efforts: {ms:.1f} ms CPU "
        f"(min of {args.repeat}), load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
