"""Strava sync: 1,000 activities from the local stand-in, and what Strava's limits allow.

1. Fills the stand-in (``deliberun.strava.standin``) with ``--n`` runs: ``--base`` real
   runs of the slalom007 export (../shared/data/real, read in place) repeated with new
   ids and dates, and times a first ``sync`` into a fresh SQLite file with no rate limit
   (what the machine costs), then a second, incremental one.
2. Replays the sync's request count for ``--real-runs`` runs against Strava's published
   default read ("non-upload") limits, 100 requests per 15 minutes and 1,000 per day
   (https://developers.strava.com/docs/rate-limits/), with the client's own waiting rule
   (``deliberun.strava.ratelimit.RateLimit``) on a virtual clock, from two start times.
3. States what the recheck of later syncs costs (1 list page + 1 detail per stored run
   of the ``--recheck-days`` window), measured on the stand-in and for typical weeks.

Usage: .venv/bin/python bench/strava_sync_bench.py [--n 1000] [--base 20] [--real-runs 2000]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import ROOT  # noqa: E402

EXPORT = (
    Path(os.environ.get("DELIBERUN_SHARED", ROOT.parent / "shared"))
    / "data/real/strava_export/slalom007"
)
READ_LIMIT_15MIN = 100
READ_LIMIT_DAY = 1000
PER_PAGE = 200


def requests_for(n_runs: int) -> int:
    """A first sync's requests: list pages, then a detail and a streams request per run."""
    return math.ceil((n_runs + 1) / PER_PAGE) + 2 * n_runs


def replay(n_requests: int, start: datetime, per_request_s: float) -> tuple[datetime, float]:
    """Finish time and total wait of ``n_requests`` under the read limits (virtual clock)."""
    from deliberun.strava.ratelimit import RateLimit

    rate = RateLimit()
    t = start.timestamp()
    usage = {"short": [0, None], "day": [0, None]}
    waited = 0.0
    for _ in range(n_requests):
        w = rate.wait_s(t)
        if w > 0:  # the client's rule: wait for the window's reset, then forget its usage
            t += w
            waited += w
            if rate.limit_day is not None and rate.usage_day >= rate.limit_day:
                rate.usage_day = 0
            rate.usage_short = 0
        for kind, length in (("short", 900), ("day", 86400)):
            idx = math.floor(t / length)
            if usage[kind][1] != idx:
                usage[kind] = [0, idx]
            usage[kind][0] += 1
        s, d = usage["short"][0], usage["day"][0]
        rate.update(
            {
                "x-readratelimit-limit": f"{READ_LIMIT_15MIN},{READ_LIMIT_DAY}",
                "x-readratelimit-usage": f"{s},{d}",
            }
        )
        t += per_request_s
    return datetime.fromtimestamp(t, UTC), waited


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--base", type=int, default=20)
    ap.add_argument("--real-runs", type=int, default=2000)
    args = ap.parse_args()
    if not (EXPORT / "activities.csv").is_file():
        print(f"skipped: {EXPORT} not found")
        return
    import httpx

    from deliberun.services import strava_connect as sc
    from deliberun.services import strava_sync as sv
    from deliberun.store.db import Database
    from deliberun.strava.config import DEFAULT_RECHECK_DAYS
    from deliberun.strava.standin import StandinServer, StandinState
    from deliberun.strava.standin_data import from_strava_export, replicate

    t0 = time.perf_counter()
    base = from_strava_export(EXPORT, limit=args.base)
    acts = replicate(base, args.n)
    print(
        f"stand-in: {len(acts)} activities from {len(base)} real runs, built in {time.perf_counter() - t0:.1f} s"
    )
    state = StandinState(limit_short=10**9, limit_day=10**9)
    state.add(acts)
    tmp = Path(tempfile.mkdtemp(prefix="strava-bench-"))
    with StandinServer(state) as srv:
        os.environ.update(
            DELIBERUN_STRAVA_API_URL=srv.api_url,
            DELIBERUN_STRAVA_OAUTH_URL=srv.oauth_url,
            DELIBERUN_STRAVA_TOKENS=str(tmp / "tokens.json"),
        )
        r = httpx.post(
            f"{srv.oauth_url}/accept",
            params={"redirect_uri": "http://127.0.0.1:9/cb", "scope": "read,activity:read_all"},
        )
        sc.connect_with_code(
            httpx.URL(r.headers["location"]).params["code"], state.client_id, state.client_secret
        )
        db = Database(tmp / "sync.db")
        t0 = time.perf_counter()
        rep = sv.sync(db)
        wall = time.perf_counter() - t0
        print(
            f"first sync: {len(rep.new)} new, {len(rep.failed)} failed, {rep.requests} requests "
            f"in {wall:.1f} s = {len(rep.new) / wall:.1f} activities/s, {rep.requests / wall:.1f} requests/s "
            f"({1000 * wall / rep.requests:.1f} ms per request incl. parsing and storing)"
        )
        t0 = time.process_time()
        again = sv.sync(db)
        print(
            f"incremental sync (nothing new, default {DEFAULT_RECHECK_DAYS}-day recheck): "
            f"{again.requests} request(s) = 1 list page + {len(again.skipped)} stored runs re-read, "
            f"{time.process_time() - t0:.2f} s CPU"
        )
        t0 = time.process_time()
        bare = sv.sync(db, recheck_days=0)
        print(
            f"incremental sync with --recheck-days 0: {bare.requests} request(s), "
            f"{time.process_time() - t0:.2f} s CPU"
        )
    n_req = requests_for(args.real_runs)
    per_req = wall / rep.requests
    print(
        f"\nfirst sync of {args.real_runs} runs from Strava: {n_req} requests "
        f"({math.ceil((args.real_runs + 1) / PER_PAGE)} list pages of {PER_PAGE} + detail + streams per run)"
    )
    print(
        f"Strava's default read limits: {READ_LIMIT_15MIN} per 15 min, {READ_LIMIT_DAY} per day (resets 00:00 UTC)"
    )
    day0 = datetime(2026, 1, 5, tzinfo=UTC)
    for start in (day0, day0 + timedelta(hours=12)):
        end, waited = replay(n_req, start, per_req)
        print(
            f"  started {start:%a %H:%M} UTC: done {end:%a %H:%M} UTC, {(end - start).total_seconds() / 86400:.2f} days "
            f"({waited / 3600:.1f} h waiting for resets, {per_req * n_req / 60:.1f} min working)"
        )
    days = math.ceil(n_req / READ_LIMIT_DAY)
    print(
        f"  with the CLI default --max-wait 960 s the sync stops at each daily limit: {days} runs of "
        f"`deliberun sync` on {days} UTC days (each resumes where the last stopped)"
    )
    print(
        "  after importing the bulk export first: runs already there cost no streams request; "
        "a sync re-reads only the details of the stored runs of the recheck window"
    )
    print("\nthe recheck of every later sync (edits, deletions), requests per sync:")
    for per_week in (3, 5, 10):
        cells = []
        for days in (7, 14, 30):
            n = math.ceil(per_week * days / 7)
            cells.append(
                f"{days} d: {1 + n} ({100 * (1 + n) / READ_LIMIT_15MIN:.0f} % of 15 min, "
                f"{100 * (1 + n) / READ_LIMIT_DAY:.1f} % of a day)"
            )
        print(f"  {per_week} runs/week: " + "; ".join(cells))


if __name__ == "__main__":
    main()
