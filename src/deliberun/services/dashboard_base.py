"""Shared helpers of the dashboard services (see ``deliberun.services.dashboard``).

Page data for the dashboard, assembled from the other areas' services.

Each ``*_page`` function returns one JSON-able dict: the web layer renders it
with a template or returns it as the page's JSON twin, unchanged. Nothing here
computes a model or a metric of its own: fitness comes from
``deliberun.services.athlete``, plans and compliance from
``deliberun.services.plan``, targets, journal, nemesis workouts and experiments
from ``deliberun.services.practice``; the activity list, streams and metrics
from ``deliberun.store.repository``. Where there is no data yet, a section
says so with the command that fills it (``available: False`` and a ``hint``),
and the rest of the page still works.

Values stay SI (``distance_m``, ``pace_s_per_km``); ``units`` tells the
template how to display them. Charts are plotly figure dicts computed in
``deliberun.services.dashboard_charts``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import Any

from deliberun.errors import NotFoundError
from deliberun.services import history
from deliberun.store.db import Database

log = logging.getLogger(__name__)

HINTS = {
    "activities": "no activities yet — `deliberun import PATH…` (or `deliberun demo`)",
    "plan": "no plan yet — `deliberun plan generate --race marathon --date YYYY-MM-DD "
    "--days-per-week 5`",
    "fitness": "no fitness data yet — import activities with heart rate: `deliberun import PATH…`",
    "targets": "no cycle or targets yet — `deliberun cycle create …` then `deliberun target add …`",
    "experiments": "no experiments yet — `deliberun experiment suggest` or "
    "`deliberun experiment create …`",
    "nemesis": "no nemesis workouts found — they appear after a few failed sessions of one kind",
    "journal": "no journal entry — add one below or with `deliberun log ID --rpe N`",
    "advice": "no advice yet — it needs a plan or a few weeks of activities",
}


class NotFound(NotFoundError):
    """The page's object does not exist (the web layer answers 404)."""


def unavailable(area: str, reason: str | None = None) -> dict[str, Any]:
    """The empty state of a section: what is missing and the command that fills it."""
    return {"available": False, "hint": reason or HINTS[area]}


def section(area: str, build: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    """Run one section's builder; an error there shows in that section only.

    No data (``None``) gives the empty state. An exception is logged and
    reported in the section (``error``), so one broken section never hides the
    rest of the page.
    """
    try:
        data = build()
    except NotFound:
        raise
    except Exception as exc:  # a section must not take the whole page down
        log.exception("dashboard section %s failed", area)
        return {"available": False, "hint": HINTS.get(area, ""), "error": f"{exc}"}
    if data is None:
        return unavailable(area)
    data.setdefault("available", True)
    return data


def units_of(db: Database) -> str:
    """The athlete's display units (``metric`` | ``imperial``), from the settings the
    use case's history read (``services.history``)."""
    return history.of(db).settings().units


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def shared_reads() -> AbstractContextManager[None]:
    """Within this block each page source is computed once.

    The block is the use case of ``services.history`` (one page on request, or every
    page of the web layer's warm-up): the athlete's history is read once in it, and
    the sources several pages show — the practice sessions (targets, nemesis
    workouts, experiments) and the fitness series (today, fitness) — are kept with
    that history (``AthleteHistory.memo``), computed once for all its pages instead
    of once per page. The scope is the page (or the warm-up), not the process: use it
    only over one database state (nothing is invalidated inside).
    """
    return history.use_case()
