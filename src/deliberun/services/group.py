"""Use case ``deliberun group``: the coach's view of every athlete in the database.

One line per athlete: their last run (and a flag after a week without one), today's form and ACWR (``services.athlete.fitness``,
the athlete's own settings), and how long since their data last arrived (the latest
import of one of their runs, or their last Strava sync when later). Each line carries
the flags that ask for the coach's attention, with the numbers behind them, and the
lines are sorted by them: most flags first, then the longest silence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from deliberun.store.db import Database

#: ACWR above this: load rising faster than the body adapts (Gabbett 2016,
#: doi:10.1136/bjsports-2015-095788, the "danger zone" above 1.5).
ACWR_HIGH = 1.5
#: ACWR below this: detraining (the same paper's sweet spot starts at 0.8).
ACWR_LOW = 0.8
#: No new data for longer than this: the coach is looking at an old picture.
STALE_DAYS = 7


def group(db: Database, *, today: date, now: datetime) -> dict[str, Any]:
    """``{"today", "athletes": [...]}``: one entry per athlete, sorted by attention."""
    from deliberun.services.athletes import list_athletes

    lines = [_line(db.for_athlete(a["name"]), a, today, now) for a in list_athletes(db)]
    lines.sort(key=lambda x: (-len(x["flags"]), -(x["days_since_data"] or 10**6), x["name"]))
    return {"today": today.isoformat(), "athletes": lines}


def _line(db: Database, a: dict[str, Any], today: date, now: datetime) -> dict[str, Any]:
    from deliberun.services.athlete import fitness

    cur = fitness(db, today=today, days=1)["current"] or {}
    form, acwr, floor = cur.get("form"), cur.get("acwr"), cur.get("form_floor")
    arrived = [datetime.fromisoformat(t) for t in (a["last_import"], _last_sync(db)) if t]
    latest = max(arrived) if arrived else None
    silent = (now - latest).days if latest is not None else None
    last_run = date.fromisoformat(a["last_run"]) if a["last_run"] else None
    flags = []
    if acwr is not None and acwr > ACWR_HIGH:
        flags.append(f"ACWR {acwr:.2f} above {ACWR_HIGH}: load rising fast")
    if acwr is not None and acwr < ACWR_LOW and a["runs"]:
        flags.append(f"ACWR {acwr:.2f} below {ACWR_LOW}: load falling")
    if form is not None and floor is not None and form < floor:
        flags.append(f"form {form:.1f} below the floor {floor:.0f}")
    since_run = (today - last_run).days if last_run else None
    if since_run is not None and since_run > STALE_DAYS:
        flags.append(f"no run for {since_run} days (last {a['last_run']})")
    if silent is None or silent > STALE_DAYS:
        flags.append("no data yet" if silent is None else f"no new data for {silent} days")
    return {
        "name": a["name"],
        "runs": a["runs"],
        "last_run": a["last_run"],
        "days_since_last_run": since_run,
        "form": form,
        "acwr": acwr,
        "last_data_at": latest.astimezone(UTC).isoformat() if latest else None,
        "days_since_data": silent,
        "flags": flags,
    }


def _last_sync(db: Database) -> str | None:
    """When this athlete's Strava sync last ran (ISO), or None."""
    from deliberun.store import strava_repo

    with db.session() as s:
        value = strava_repo.get_state(s).get("last_sync_at")
    return str(value) if value else None
