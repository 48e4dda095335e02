"""Strava sync bookkeeping: which activities carry a Strava id, and the sync state.

No new table: a synced (or export-imported) activity carries ``extra["strava_id"]``, and
the little state a sync keeps (runs that failed, to retry; when it last ran) lives under
the key ``"_strava"`` of the athlete settings JSON, beside the model choices.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberun.store.settings_repo import settings_row
from deliberun.store.tables_athlete import AthleteSettingsRow
from deliberun.store.tables_core import ActivityRow

STATE_KEY = "_strava"


def strava_index(session: Session) -> dict[str, tuple[int, datetime]]:
    """``{strava id: (activity id, start time)}`` of every activity that carries one."""
    out: dict[str, tuple[int, datetime]] = {}
    q = select(ActivityRow.id, ActivityRow.start_time, ActivityRow.extra)
    for aid, start, extra in session.execute(q):
        sid = (extra or {}).get("strava_id")
        if sid not in (None, ""):
            key = str(sid).split(".")[0]  # a CSV float "123.0" is the same id
            out.setdefault(key, (int(aid), start))
    return out


def get_state(session: Session) -> dict[str, Any]:
    row = settings_row(session)
    return dict((row.data or {}).get(STATE_KEY) or {}) if row else {}


def set_state(session: Session, state: dict[str, Any]) -> None:
    row = settings_row(session)
    if row is None:
        from deliberun.athlete import AthleteSettings

        session.add(AthleteSettingsRow(data={**AthleteSettings().to_dict(), STATE_KEY: state}))
    else:
        row.data = {**(row.data or {}), STATE_KEY: dict(state)}
