"""Use cases over stored activities: list, show, recompute metrics.

``recompute`` brings every activity up to the current code: from the stored
streams (default), or with ``reparse=True`` from the stored original bytes
(so reader fixes apply too). Work runs in a process pool; the parent writes,
one transaction per activity.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from deliberun.athlete import AthleteSettings
from deliberun.errors import NotFoundError
from deliberun.io.activity import Activity
from deliberun.records import SUMMARY_FIELDS
from deliberun.services import importer
from deliberun.services.stored_verdicts import refresh_after_write
from deliberun.store import repository as repo
from deliberun.store.activity_writes import refill_from_file
from deliberun.store.db import Database
from deliberun.store.settings_repo import estimates_in_use, get_settings


class NoSuchActivity(NotFoundError):
    """``deliberun show 42`` when there is no activity 42."""

    def __init__(self, activity_id: int) -> None:
        self.activity_id = activity_id
        super().__init__(f"no activity {activity_id}")


def list_activities(
    db: Database,
    *,
    since: date | None = None,
    until: date | None = None,
    sport: str | None = None,
) -> list[dict[str, Any]]:
    """Activities (``activity_to_dict``) by start time, within local dates ``[since, until]``."""
    with db.session() as s:
        rows = repo.activities(s, since=since, until=until, sport=sport)
        return [repo.activity_to_dict(r) for r in rows]


def show_activity(db: Database, activity_id: int) -> dict[str, Any]:
    """One activity with its sources, laps, pauses and metrics (``metrics``, ``metrics_version``).

    Raises
    ------
    NoSuchActivity
        When there is no activity with this id.
    """
    with db.session() as s:
        row = repo.activity(s, activity_id)
        if row is None:
            raise NoSuchActivity(activity_id)
        out = repo.activity_to_dict(row)
        out["sources"] = [
            {"sha256": r.sha256, "source_path": r.source_path, "format": r.format, "meta": r.meta}
            for r in repo.sources(s, row.id)
        ]
        structure = repo.activity_structure(s, row.id)
        out["file_laps"] = structure.get("laps", [])
        out["pauses"] = structure.get("pauses", [])
        out["device_sessions"] = structure.get("sessions", [])
        out["metrics"] = repo.get_metrics(s, row.id)
        out["metrics_version"] = repo.get_metrics_version(s, row.id)
        return out


@dataclass
class RecomputeReport:
    """What ``recompute`` did."""

    recomputed: list[int] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)  # {id, error}
    metrics_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "recomputed": list(self.recomputed),
            "failed": list(self.failed),
            "metrics_version": self.metrics_version,
        }


def recompute_one(
    activity: Activity | None,
    original: tuple[bytes, str, dict[str, Any]] | None,
    settings: dict[str, Any],
) -> tuple[str, Any]:
    """Worker entry: analyse a stored activity, or re-read its original first."""
    if original is not None:
        return importer.parse_one(original[0], original[1], original[2], settings)
    assert activity is not None
    try:
        return "ok", importer.analyse(
            activity,
            AthleteSettings.from_dict(settings),
            encode=False,
            estimates=settings.get(importer.ESTIMATES_KEY),
        )
    except Exception as exc:  # a bug in a metric: report it, go on
        return "error", f"internal error ({type(exc).__name__}: {exc}); please report it"


def _strava_meta(metas: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in metas:
        out.update({k: v for k, v in m.items() if v not in (None, "")})
    return out


def recompute(
    db: Database,
    *,
    reparse: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int | None, str], None] | None = None,
    now: datetime | None = None,
    only: list[int] | None = None,
) -> RecomputeReport:
    """Recompute summary columns and metrics of every activity with the current code.

    Parameters
    ----------
    db : Database
    reparse : bool
        Re-read each activity's kept original (reader fixes apply; streams are
        replaced) instead of using the stored streams.
    workers : int, optional
        Processes (default: the number of CPUs; 1 works in this process).
    progress : callable, optional
        ``progress(done, total, label)`` after each activity.
    now : datetime, optional
        The time recorded as ``computed_at``.
    only : list of int, optional
        Recompute only these activities (e.g. those a threshold change affects).
    """
    report = RecomputeReport(metrics_version=importer.compute_metrics_version())
    with db.session() as s:
        ids = repo.activity_ids_by_start(s) if only is None else list(only)
        settings = get_settings(s).to_dict()
        settings[importer.ESTIMATES_KEY] = estimates_in_use(s)
    n_workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    pool = importer.make_pool(n_workers) if n_workers > 1 and len(ids) > 1 else None
    inflight: deque[tuple[int, Future[tuple[str, Any]] | tuple[str, Any]]] = deque()
    done = 0

    def submit(activity_id: int) -> None:
        nonlocal done
        with db.session() as s:
            row = repo.activity(s, activity_id)
            if row is None:
                return
            manual = row.manual
        if manual:  # no file: its metrics come from the export row (services.manual_import)
            from deliberun.services.manual_import import recompute_manual

            if recompute_manual(db, activity_id, settings, now):
                report.recomputed.append(activity_id)
            done += 1
            if progress is not None:
                progress(done, len(ids), f"activity {activity_id}")
            return
        with db.session() as s:
            row = repo.activity(s, activity_id)
            if row is None:
                return
            if reparse:
                data = repo.get_original(s, row.sha256) or b""
                metas = [r.meta for r in repo.sources(s, activity_id)]
                args: tuple[Any, ...] = (
                    None,
                    (data, row.source_path, _strava_meta(metas)),
                    settings,
                )
            else:
                args = (repo.load_activity(s, activity_id), None, settings)
        if pool is None:
            inflight.append((activity_id, recompute_one(*args)))
        else:
            inflight.append((activity_id, pool.submit(recompute_one, *args)))

    def finish() -> None:
        nonlocal done
        activity_id, fut = inflight.popleft()
        result = fut.result() if isinstance(fut, Future) else fut
        _store(db, activity_id, result, report, reparse, now)
        done += 1
        if progress is not None:
            progress(done, len(ids), f"activity {activity_id}")

    try:
        for activity_id in ids:
            submit(activity_id)
            while len(inflight) > 2 * n_workers or (pool is None and inflight):
                finish()
        while inflight:
            finish()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    refresh_after_write(db, now=now)  # new metrics dropped their runs' stored verdicts
    return report


def _store(
    db: Database,
    activity_id: int,
    result: tuple[str, Any],
    report: RecomputeReport,
    reparse: bool,
    now: datetime | None,
) -> None:
    status, payload = result
    if status != "ok":
        report.failed.append({"id": activity_id, "error": str(payload)})
        return
    parsed: importer.Parsed = payload
    stamp = now or datetime.now(UTC)
    with db.session() as s, s.begin():
        row = repo.activity(s, activity_id)
        if row is None:
            return
        changes: dict[str, Any] = {f: repo.num(parsed.summary.get(f)) for f in SUMMARY_FIELDS}
        offset = parsed.activity.utc_offset_s
        if row.utc_offset_s is None and offset is not None:  # the athlete's time zone, set since
            changes.update(
                utc_offset_s=offset, local_date=repo.local_date_of(row.start_time, offset)
            )
        repo.save_activity(s, replace(row, **changes))
        if reparse:  # the file's columns anew; its name, description and extra stay
            act = parsed.activity
            refill_from_file(
                s, row.id, act, parsed.summary, sha256=row.sha256, source_path=row.source_path
            )
            refilled = repo.activity(s, row.id)
            assert refilled is not None  # read in this transaction
            repo.save_activity(s, replace(refilled, extra={**act.extra, **row.extra}))
            repo.replace_encoded_streams(s, row.id, parsed.encoded)
        if parsed.metrics is not None and parsed.metrics_version is not None:
            repo.save_metrics(
                s, row.id, parsed.metrics, parsed.metrics_version, now=stamp, clean=False
            )
    report.recomputed.append(activity_id)
