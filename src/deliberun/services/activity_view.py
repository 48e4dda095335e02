"""One activity as the runner sees it: the document ``deliberun show ID --json`` prints
and the dashboard's ``/api/activities/{id}`` embeds as ``activity`` (one shape)."""

from __future__ import annotations

from datetime import date
from typing import Any

from deliberun.services.activities import show_activity
from deliberun.services.session_types import explain
from deliberun.store.db import Database


def activity_document(db: Database, activity_id: int, *, today: date) -> dict[str, Any]:
    """The stored activity (``activity_to_dict``'s fields), its ``sources``, the file's
    ``file_laps``/``pauses``/``device_sessions``, ``metrics`` and ``metrics_version``, and
    the session type and race verdict with their evidence (``session``, ``race``, judged
    as of ``today`` or the run's own day if later).

    ``NoSuchActivity`` (a ``NotFoundError``) when there is no activity ``activity_id``.
    """
    return explain(db, show_activity(db, activity_id), today=today)
