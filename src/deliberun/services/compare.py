"""``deliberun compare ACTIVITY``: the sessions of the same structure, side by side.

The light per-activity rows of the practice loop (``practice_repo.session_rows``) give
each run's kind and rep count; the full reps are read only for runs with the same
count (or, for a run without reps, none at all).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from deliberun.io.activity import is_running
from deliberun.practice.compare import SessionShape, comparable, group_sessions, session_table
from deliberun.services.activities import NoSuchActivity
from deliberun.services.practice_sessions import _classify, _reps_info
from deliberun.store import courses_repo as cr
from deliberun.store import practice_repo
from deliberun.store.db import Database
from deliberun.store.settings_repo import get_settings

#: How far back comparable sessions are looked for [days].
HISTORY_DAYS = 3660


def _shapes(db: Database, today: date, *, with_reps: set[int] | None = None) -> list[SessionShape]:
    with db.session() as s:
        load_model = get_settings(s).load_model
        rows = practice_repo.session_rows(
            s, today - timedelta(days=HISTORY_DAYS), today, load_model
        )
        rows = [r for r in rows if is_running(r.sport)]
        ids = [int(r.id) for r in rows]
        if with_reps is not None:
            ids = [i for i in ids if i in with_reps]
        reps = {a: (summary, rp) for a, summary, rp in cr.interval_rows(s, ids)}
    out = []
    for r in rows:
        summary, rp = reps.get(int(r.id), ("", None))
        if isinstance(rp, str):
            rp = json.loads(rp)
        out.append(
            SessionShape(
                activity_id=int(r.id), local_date=r.local_date, workout_type=_classify(r),
                distance_m=r.distance_m, moving_time_s=r.moving_time_s, name=r.name,
                summary=summary or "", reps=list(rp or []),
            )
        )  # fmt: skip
    return out


def compare(db: Database, activity_id: int, *, today: date) -> dict[str, Any]:
    """The target session and every session of the same structure, with per-rep rows."""
    with db.session() as s:
        load_model = get_settings(s).load_model
        rows = practice_repo.session_rows(
            s, today - timedelta(days=HISTORY_DAYS), today, load_model
        )
    by_id = {int(r.id): r for r in rows}
    if activity_id not in by_id:
        raise NoSuchActivity(activity_id)
    n_target, _ = _reps_info(by_id[activity_id].reps_info)
    # warm-up and cool-down laps may count as reps: read the reps of runs within 2
    same_n = {i for i, r in by_id.items() if abs(_reps_info(r.reps_info)[0] - n_target) <= 2}
    shapes = _shapes(db, today, with_reps=same_n)
    target = next(x for x in shapes if x.activity_id == activity_id)
    peers = comparable(target, shapes)
    tables = [session_table(x) for x in peers]
    return {
        "activity_id": activity_id,
        "as_of": today.isoformat(),
        "structure": target.summary or f"{target.workout_type} run",
        "basis": "reps" if len(target.reps) >= 2 else "kind and distance",
        "sessions": tables,
    }


def session_groups(db: Database, *, today: date) -> list[list[int]]:
    """Every structured session grouped with its peers (activity ids, largest group first)."""
    return group_sessions(_shapes(db, today))
