"""Page data for the dashboard, assembled from the other areas' services.

Each ``*_page`` function returns one JSON-able dict: the web layer renders it
with a template or returns it as the page's JSON twin, unchanged. Nothing here
computes a model or a metric of its own: fitness comes from
``deliberun.services.athlete``, plans and compliance from
``deliberun.services.plan``, targets, journal, nemesis workouts and experiments
from ``deliberun.services.practice``; the activity list, streams and metrics
from ``deliberun.store.repository``. Where there is no data yet (no runs, no plan,
no cycle), or a section fails, its section says so with the command that fills it
(``available: False`` and a ``hint``), and the rest of the page still works.

The builders live in ``dashboard_pages`` (reads) and ``dashboard_writes``
(journal entries, moving a planned workout); this module is the one place to
import them from.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from deliberun.services import dashboard_base
from deliberun.services.dashboard_base import NotFound
from deliberun.services.dashboard_pages import (
    activities_page,
    activity_page,
    calendar_page,
    experiments_page,
    fitness_page,
    plan_page,
    targets_page,
    today_page,
    week_report,
)
from deliberun.services.dashboard_writes import FormError, move_workout, save_journal


@contextmanager
def shared_reads() -> Iterator[None]:
    """Build pages inside this block to read what several of them use only once.

    The practice sessions, the fitness series and the athlete's history (the
    activities, race verdicts, daily load and last race: ``services.history``) are
    read or computed once for every page built inside. Use it
    over one database state: nothing read inside is invalidated (the web layer
    builds one page per block on request, and all default pages in one block
    when warming its cache).
    """
    with dashboard_base.shared_reads():  # one use case: services.history
        yield


__all__ = [
    "shared_reads",
    "FormError",
    "NotFound",
    "activities_page",
    "activity_page",
    "calendar_page",
    "experiments_page",
    "fitness_page",
    "move_workout",
    "plan_page",
    "save_journal",
    "targets_page",
    "today_page",
    "week_report",
]
