"""What the services of one use case share of the athlete's history, read once.

The bottom of the athlete services: ``history → races / athlete_state → athlete →
practice_sessions → practice``. An :class:`AthleteHistory` holds one database's reads
that several models of a use case need — the settings, the activities with the metrics
the models read, the light columns the race keys are made of, the plan in force, the
days and sports of every activity — and the results derived from them that more than one
service asks for (the race verdicts, the daily load, the load model, the max HR the race
classifier measures effort against, the last race). Each is read or computed once and
shared, instead of each service keeping its own cache.

A use case opens the scope (:func:`use_case`, e.g. one CLI command, one dashboard page,
one warm-up of every page) and every service obtains the database's history with
:func:`of`. Outside a scope :func:`of` gives a fresh history that lives as long as the
caller keeps it: nothing is shared between calls, so nothing read can go stale.
Use a scope only over one database state (nothing read inside is invalidated).

Within a scope the results of whole sections may be kept with the history too
(:meth:`AthleteHistory.memo`: the dashboard's fitness series and practice sessions,
which several pages show).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any, TypeVar

from deliberun.athlete import AthleteSettings
from deliberun.services.athlete_settings import model_settings
from deliberun.store import athlete_repo, plan_repo, settings_repo, verdicts_repo
from deliberun.store.db import Database

T = TypeVar("T")

#: The parts of each activity's metrics the athlete models read (the rest is not loaded).
METRIC_KEYS = (
    "best_efforts_s",
    "mean_max_speed",
    "km_paces_s_per_km",  # the whole-km split paces, not the splits (``races.km_paces``)
    "intervals",
    "hr_best_30s_bpm",
)


class AthleteHistory:
    """One database's history as the services of one use case read it (see the module).

    Reads of a window of local dates (``until``, from ``since``; ``since`` None: from the
    first) are kept, and a later window that a kept one covers (a later or equal
    ``until``, an earlier or equal ``since``) is taken from it instead of read again: the
    same rows in the same order (by start time), those of the days outside left out.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._windows: dict[tuple[str, date, date | None], list[Any]] = {}
        self._memo: dict[Hashable, Any] = {}

    # -- plain reads ----------------------------------------------------------------

    def settings(self) -> AthleteSettings:
        """The athlete's settings (``settings_repo.get_settings``)."""

        def read() -> AthleteSettings:
            with self.db.session() as s:
                return settings_repo.get_settings(s)

        return self.memo(("settings",), read)

    def model_settings(self) -> dict[str, Any]:
        """The athlete area's model choices with their defaults (a copy: change it freely)."""
        return dict(self.memo(("model_settings",), lambda: model_settings(self.db)))

    def rows_and_metrics(
        self, until: date, since: date | None = None
    ) -> list[tuple[Any, dict[str, Any]]]:
        """Activities up to ``until`` (from ``since``) with the metrics the models read
        (:data:`METRIC_KEYS`), by start time."""
        cover = self._covering("history", until, since)
        if cover is not None:
            (start, end), pairs = cover
            if end == until and (since is None or (start is not None and start == since)):
                return list(pairs)
            return [(r, m) for r, m in pairs
                    if r.local_date <= until and (since is None or r.local_date >= since)]  # fmt: skip
        with self.db.session() as s:
            pairs = athlete_repo.activities_with_metrics(
                s, until=until, since=since, keys=METRIC_KEYS
            )
        self._windows[("history", until, since)] = pairs
        return list(pairs)

    def _covering(
        self, name: str, until: date, since: date | None
    ) -> tuple[tuple[date | None, date], list[Any]] | None:
        """The kept read of ``name`` that covers the window: the one ending on ``until``
        first, then one from the first day, then the latest start."""
        covering = [
            (k[2], k[1], rows)
            for k, rows in self._windows.items()
            if k[0] == name
            and k[1] >= until
            and (k[2] is None or (since is not None and k[2] <= since))
        ]
        if not covering:
            return None
        start, end, rows = min(
            covering, key=lambda c: (c[1] != until, c[0] is not None, c[0] or date.min)
        )
        return (start, end), rows

    def window(
        self,
        name: str,
        read: Callable[[date, date | None], Any],
        *,
        until: date,
        since: date | None,
        day: Callable[[Any], date],
    ) -> list[Any]:
        """``read(until, since)``: the rows of the local dates ``[since, until]``, kept
        under ``name``; a window a kept read covers is taken from it (its rows of those
        days, in its order)."""
        for (kept, end, start), rows in self._windows.items():
            if (
                kept == name
                and end >= until
                and (start is None or (since is not None and start <= since))
            ):
                return [r for r in rows
                        if day(r) <= until and (since is None or day(r) >= since)]  # fmt: skip
        rows = list(read(until, since))
        self._windows[(name, until, since)] = rows
        return list(rows)

    def planned_in_force(self, since: date, until: date) -> list[tuple[date, str, str]]:
        """``(date, workout type, text)`` of the planned workouts in ``[since, until]``,
        each date's from the plan in force then (``plan_repo.latest_plan_days``), by date."""

        def read(end: date, start: date | None) -> list[tuple[date, str, str]]:
            with self.db.session() as s:
                return plan_repo.latest_plan_days(s, start or date.min, end)

        return self.window("plan_days", read, until=until, since=since, day=lambda r: r[0])

    def light_rows(self, *, until: date, since: date | None) -> list[Any]:
        """``verdicts_repo.light_activities`` from ``since`` to ``until`` (by start time):
        the activity columns the race keys and the session types' keys are made of."""

        def read(end: date, start: date | None) -> list[Any]:
            with self.db.session() as s:
                return verdicts_repo.light_activities(s, until=end, since=start)

        return self.window("light", read, until=until, since=since, day=lambda r: r.local_date)

    def run_sizes(self, *, until: date, since: date | None) -> list[Any]:
        """``verdicts_repo.run_sizes`` from ``since`` to ``until`` (what a race key reads
        of the runs of the year before a run)."""

        def read(end: date, start: date | None) -> list[Any]:
            with self.db.session() as s:
                return verdicts_repo.run_sizes(s, until=end, since=start)

        return self.window("run_sizes", read, until=until, since=since, day=lambda r: r[1])

    def days_and_sports(self, today: date) -> list[tuple[date, str, float | None]]:
        """``(local date, sport, distance m)`` of every activity up to ``today`` by start
        time (one light read)."""

        def read() -> list[tuple[date, str, float | None]]:
            with self.db.session() as s:
                return athlete_repo.activity_days(s, until=today)

        days: list[tuple[date, str, float | None]] = self.memo(("days", today), read)
        return days

    # -- results shared by several services -----------------------------------------

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once for ``key`` (the same object after)."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    def get(self, key: Hashable) -> Any:
        """What :meth:`put` kept under ``key`` (None when nothing)."""
        return self._memo.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        self._memo[key] = value


#: The histories of the open use case, by database (its id; the history keeps the
#: database itself, so the id is not reused while the use case lasts).
_SCOPE: ContextVar[dict[int, AthleteHistory] | None] = ContextVar(
    "athlete_history_scope", default=None
)


@contextmanager
def use_case() -> Iterator[None]:
    """Within this block each database's history is read once (:func:`of`). Blocks
    nest: an inner one shares the outer one's."""
    token = _SCOPE.set({}) if _SCOPE.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SCOPE.reset(token)


def of(db: Database) -> AthleteHistory:
    """``db``'s history of the current use case (a fresh one outside :func:`use_case`)."""
    scope = _SCOPE.get()
    if scope is None:
        return AthleteHistory(db)
    found = scope.get(id(db))
    if found is None or found.db is not db:
        found = scope[id(db)] = AthleteHistory(db)
    return found


def in_use_case() -> bool:
    """Whether a :func:`use_case` block is open."""
    return _SCOPE.get() is not None
