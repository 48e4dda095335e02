"""Find the stored activity a new recording is the same run as (``deliberun.io.same_run``).

Candidates are the activities whose time span could overlap the new one's (start
within a day before its end); each is decided by the pure rule, tracks loaded
only for the candidates that overlap. The best match is the one with the largest
overlap (ties: the closest start).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from deliberun.io.activity import Activity
from deliberun.io.same_run import Decision, Footprint, overlap_share, same_run
from deliberun.store import repository as repo
from deliberun.store.db import Session
from deliberun.store.same_run_repo import StoredRun, activities_starting_between

#: The longest activity looked back for [h]: a candidate starting earlier cannot overlap.
LOOKBACK_H = 24


def _duration(values: Any) -> float | None:
    get = values.get if isinstance(values, dict) else lambda k: getattr(values, k, None)
    for key in ("elapsed_time_s", "timer_time_s", "moving_time_s"):
        v = repo.num(get(key))
        if v:
            return v
    return None


def footprint_of_activity(act: Activity, summary: dict[str, Any]) -> Footprint:
    """The footprint of a parsed file (track from its positions, if any)."""
    track = None
    lat, lon = act.streams.get("latitude"), act.streams.get("longitude")
    if lat is not None and lon is not None and np.isfinite(lat).any():
        track = (act.start_time.timestamp() + act.streams["time"], lat, lon)
    return Footprint(act.start_time, _duration(summary), repo.num(summary.get("distance_m")), track)


def footprint_of_row(s: Session, row: StoredRun, *, with_track: bool) -> Footprint:
    """The footprint of a stored activity (track loaded when asked and stored)."""
    track = None
    if with_track and not row.manual:
        st = repo.load_streams(s, row.id)
        if "latitude" in st and "longitude" in st and "time" in st:
            track = (row.start_time.timestamp() + st["time"], st["latitude"], st["longitude"])
    return Footprint(row.start_time, _duration(row), repo.num(row.distance_m), track)


def find_same_run(
    s: Session, new: Footprint, *, exclude: set[int] | None = None
) -> tuple[StoredRun, Decision] | None:
    """The stored activity ``new`` is the same run as, with the decision; None when none."""
    end = datetime.fromtimestamp(new.end, tz=new.start.tzinfo) + timedelta(seconds=60)
    best: tuple[float, float, StoredRun, Decision] | None = None
    for row in activities_starting_between(s, new.start - timedelta(hours=LOOKBACK_H), end):
        if exclude and row.id in exclude:
            continue
        quick = footprint_of_row(s, row, with_track=False)
        if overlap_share(new, quick) <= 0 and abs(new.begin - quick.begin) > 60:
            continue
        fp = footprint_of_row(s, row, with_track=new.track is not None)
        decision = same_run(new, fp)
        if not decision.same:
            continue
        key = (decision.overlap, -abs(new.begin - fp.begin))
        if best is None or key > best[:2]:
            best = (key[0], key[1], row, decision)
    return (best[2], best[3]) if best else None
