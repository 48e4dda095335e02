"""Import activity files into the store: parse in parallel, write in one place.

Workers (a process pool) read, parse, summarise and compute the metrics of
each file and hand back plain arrays; the parent process does every database
write, one transaction per file (SQLite has one writer). A file whose SHA-256
is already stored is a duplicate and is not even parsed again. The same run
from two sources (start within 60 s, distance within 2 %) becomes one activity
that keeps the richer streams and the Strava name, description and perceived
exertion. A SIGKILL between or during files leaves only whole activities;
re-running the import finishes the rest.

Memory is flat in the number of files: sources are expanded lazily and at most
a few files per worker are in flight.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from deliberun.athlete import AthleteSettings
from deliberun.io import read_bytes
from deliberun.io.activity import Activity
from deliberun.io.errors import NotAnActivityError, ReadError
from deliberun.io.merge_policy import Text, is_richer, merged_text
from deliberun.io.plausible import check_activity, clean_activity
from deliberun.metrics import METRICS_VERSION, compute_all
from deliberun.metrics.device_totals import prefer_device
from deliberun.metrics.summary import summarize as _summarize
from deliberun.services import group
from deliberun.services.import_common import (
    ESTIMATES_KEY,
    EXPORT_EXTRA_FIELDS,
    EXPORT_TEXT_FIELDS,
    ImportReport,
    fill_offset,
    name_source,
    store_error,
    take_meta,
)
from deliberun.services.import_common import (
    compute_metrics_version as compute_metrics_version,  # re-exported (services.activities)
)
from deliberun.services.manual_import import import_manual_rows
from deliberun.services.same_run_store import find_same_run, footprint_of_activity
from deliberun.services.stored_verdicts import refresh_after_write
from deliberun.store import repository as repo
from deliberun.store.activity_writes import add_parsed_activity, refill_from_file
from deliberun.store.db import OPENED, Database, Session
from deliberun.store.errors import StorageError, advice, is_fatal
from deliberun.store.retry import retry_write
from deliberun.store.settings_repo import estimates_in_use, get_settings, set_settings

#: Called after each file: (files done, total files or None, display path).
Progress = Callable[[int, int | None, str], None]

#: Files next to the activities that belong to other areas (journal, plan): not activities.
SIDE_FILES = frozenset({"deliberun-journal.yaml", "plan.yaml"})

#: Files parsed in this process before a pool is started (a pool costs ~1 s to start;
#: ``deliberun import run.fit`` should not pay it).
IN_PROCESS_FIRST = 2


@dataclass
class Parsed:
    """What a worker hands back for one file."""

    activity: Activity
    summary: dict[str, Any]
    metrics: dict[str, Any] | None
    metrics_version: str | None
    #: streams in their stored form (encoded in the worker, off the single writer)
    encoded: dict[str, tuple[str, int, bytes]] = field(default_factory=dict)


@dataclass
class _Job:
    path: str
    name: str
    sha256: str
    data: bytes
    meta: dict[str, Any]
    future: Future[tuple[str, Any]] | None = None
    result: tuple[str, Any] | None = None
    #: metadata by start time, for a file its export did not name (``Source.match``)
    match: Callable[[datetime], dict[str, Any] | None] | None = None

    def matched(self, start: datetime) -> dict[str, Any]:
        """Take the export's metadata for a run starting at ``start`` (once); {} if none."""
        if self.match is None or self.meta:
            return {}
        found = self.match(start) or {}
        self.meta.update(found)
        self.match = None
        return found


# ----------------------------------------------------------------------------- worker side


def apply_meta(activity: Activity, meta: dict[str, Any]) -> None:
    """Put a source's metadata (an export's name, description, RPE, gear, ids) on the activity."""
    for key in EXPORT_TEXT_FIELDS:
        value = meta.get(key)
        if value not in (None, ""):
            setattr(activity, key, str(value))
    for key in EXPORT_EXTRA_FIELDS:
        value = meta.get(key)
        if value not in (None, ""):
            activity.extra[key] = value


def summarize(activity: Activity) -> dict[str, Any]:
    """Our own summary of the streams (``deliberun.metrics.summary.summarize``)."""
    return dict(_summarize(activity))


def compute_metrics(
    activity: Activity, settings: AthleteSettings, estimates: dict[str, float] | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """``(metrics, METRICS_VERSION)`` from ``deliberun.metrics.compute_all`` (strict JSON)."""
    return repo.jsonable(compute_all(activity, settings, estimates=estimates)), str(METRICS_VERSION)


def make_pool(n_workers: int) -> ProcessPoolExecutor:
    """A process pool for parsing; forkserver where available (the parent has threads)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        server = multiprocessing.get_context("forkserver")
        # import the parsers once in the server; each worker forks from it warm
        server.set_forkserver_preload(["deliberun.io", "deliberun.metrics", __name__])
        return ProcessPoolExecutor(max_workers=n_workers, mp_context=server)
    # Windows: spawn
    return ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context())


def analyse(
    activity: Activity,
    settings: AthleteSettings,
    *,
    encode: bool = True,
    estimates: dict[str, float] | None = None,
) -> Parsed:
    """Summary and metrics of a parsed activity (and its streams encoded for the store)."""
    fill_offset(activity, settings)
    metrics, version = compute_metrics(activity, settings, estimates)
    computed = (metrics or {}).get("summary") or summarize(activity)
    # the stored totals are the device's where it wrote them; ours stay in metrics
    summary, totals = prefer_device(activity, computed)
    if metrics is not None:
        metrics["totals"] = repo.jsonable(totals)
    encoded = repo.encode_streams(kept_streams(activity)) if encode else {}
    return Parsed(activity, repo.jsonable(summary), metrics, version, encoded)


def parse_one(
    data: bytes,
    name: str,
    meta: dict[str, Any],
    settings: dict[str, Any],
    latest: date | None = None,
) -> tuple[str, Any]:
    """Worker entry: ``("ok", Parsed)``, ``("skip", reason)`` or ``("error", message)``.

    Exceptions are turned into strings here: typed read errors do not survive
    pickling, and one bad file must never stop the batch. ``latest`` is the last
    plausible start date (``deliberun.io.plausible``).
    """
    try:
        activity = read_bytes(data, name)
        check_activity(activity, name, latest)
        clean_activity(activity)
        apply_meta(activity, meta)
        return "ok", analyse(
            activity, AthleteSettings.from_dict(settings), estimates=settings.get(ESTIMATES_KEY)
        )
    except NotAnActivityError as exc:
        return "skip", exc.reason
    except ReadError as exc:
        return "error", exc.reason
    except Exception as exc:  # a bug in a reader or metric: report it, go on
        return "error", f"internal error ({type(exc).__name__}: {exc}); please report it"


# ----------------------------------------------------------------------------- parent side


def _iter_jobs(paths: Iterable[str | os.PathLike[str]], report: ImportReport) -> Iterator[_Job]:
    """Jobs for every source under ``paths``; a bad source is reported and the rest go on.

    Each path is expanded on its own, so an unexpected fault while expanding one archive
    ends only that archive (reported as an internal error naming it), never the batch.
    """
    for top in paths:
        try:
            yield from _jobs_of(str(top), report)
        except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
            report.failed.append({"path": str(top), "error": f"internal error: {exc!r}"})
            yield _Job(str(top), "", "", b"", {}, result=("reported", None))


def _jobs_of(top: str, report: ImportReport) -> Iterator[_Job]:
    from deliberun.io.sources import iter_sources

    for src in iter_sources([top]):
        path = printable(str(getattr(src, "display_path", src)))
        if getattr(src, "error", None) is not None:
            err = src.error
            if isinstance(err, NotAnActivityError):  # a FIFO, a device: skipped, say why
                report.skipped.append({"path": path, "reason": err.reason})
                yield _Job(path, "", "", b"", {}, result=("reported", None))
                continue
            report.failed.append({"path": path, "error": getattr(err, "reason", str(err))})
            yield _Job(path, "", "", b"", {}, result=("reported", None))
            continue
        if os.path.basename(str(src.name)) in SIDE_FILES:
            continue
        try:
            data = src.read_bytes()
        except (ReadError, OSError) as exc:
            error = getattr(exc, "reason", str(exc))
        except Exception as exc:  # noqa: BLE001 - one file's fault, the batch goes on
            error = f"internal error: {exc!r}"
        else:
            sha = hashlib.sha256(data).hexdigest()
            yield _Job(
                path,
                printable(str(src.name)),
                sha,
                data,
                dict(src.meta or {}),
                match=getattr(src, "match", None),
            )
            continue
        report.failed.append({"path": path, "error": error})
        yield _Job(path, "", "", b"", {}, result=("reported", None))


def printable(path: str) -> str:
    """``path`` as valid UTF-8: bytes that are not (``surrogateescape``) become ``\\xff``.

    The file is still read by its real name; this is the name stored and shown.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def _count(paths: list[str]) -> int:
    from deliberun.io.sources import iter_sources

    n = 0
    for top in paths:
        try:
            n += sum(
                1
                for s in iter_sources([top])
                if os.path.basename(str(getattr(s, "name", ""))) not in SIDE_FILES
            )
        except Exception:  # noqa: BLE001 - only a progress total; _iter_jobs reports it
            n += 1
    return n


def import_paths(
    db: Database,
    paths: Iterable[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    runner_files: bool = True,
) -> ImportReport:
    """Import files, folders, archives and exports; one transaction per file.

    Parameters
    ----------
    db : Database
        The store to write into.
    paths : iterable of path
        Files, folders (recursive), ``.zip``/``.gz``, Strava or Garmin exports.
    workers : int, optional
        Parser processes (default: the number of CPUs; 1 parses in this process).
    progress : callable, optional
        ``progress(done, total, path)`` after each file; when given, the
        sources are counted first so ``total`` is known.
    now : datetime, optional
        The import time to record (default: the clock).
    runner_files : bool
        Also read ``deliberun-journal.yaml`` in the folders given: its ``athlete``
        settings before the activities (metrics depend on them), its journal,
        cycles and experiments after (``deliberun.services.practice``); then
        ``plan.yaml``, the plan followed (``deliberun.services.plan``; importing
        the same file again keeps one plan).

    Returns
    -------
    ImportReport
        Imported activity ids, duplicates, skipped non-activities and failures.
    """
    path_list = [str(p) for p in paths]
    for p in path_list:
        if not os.path.exists(p):
            raise FileNotFoundError(f"{p}: no such file or folder; check the path")
    report = ImportReport()
    journals = find_journal_files(path_list) if runner_files else []
    for jf in journals:
        apply_journal_settings(db, jf, report)
    total = _count(path_list) if progress is not None else None
    with db.session() as s:
        settings = get_settings(s).to_dict()
        settings[ESTIMATES_KEY] = estimates_in_use(s)
    n_workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    latest = (now or datetime.now(UTC)).date() + timedelta(days=2)  # tomorrow + 1 day
    pool: ProcessPoolExecutor | None = None  # started at the first file past IN_PROCESS_FIRST
    inflight: deque[_Job] = deque()
    pending: dict[str, str] = {}  # sha256 -> first path in this batch
    done = 0
    parsed = 0

    def finish(job: _Job) -> None:
        nonlocal done
        if job.result is None and job.future is not None:
            job.result = job.future.result()
        reported = job.result is not None and job.result[0] == "reported"
        if job.result is not None and job.result[0] == "ok":
            found = job.matched(job.result[1].activity.start_time)
            if found:
                apply_meta(job.result[1].activity, found)
        _store_one(job, report, lambda: _write(db, job, report, settings, now))
        if not reported:
            pending.pop(job.sha256, None)
        done += 1
        if progress is not None:
            progress(done, total, job.path)

    try:
        for job in _iter_jobs(path_list, report):
            if job.result is None:
                dup = _store_one(
                    job, report, partial(_known, db, job, report, pending, settings, now)
                )
                if dup is None:  # failed while checking: reported, nothing written
                    job.result = ("reported", None)
                elif dup:
                    job.result = ("reported", None)
                else:
                    pending[job.sha256] = job.path
                    parsed += 1
                    if pool is None and n_workers > 1 and parsed > IN_PROCESS_FIRST:
                        pool = make_pool(n_workers)
                    args = (job.data, job.name, job.meta, settings, latest)
                    if pool is None:
                        job.result = parse_one(*args)
                    else:
                        job.future = pool.submit(parse_one, *args)
            inflight.append(job)
            while inflight and (len(inflight) > 2 * n_workers or inflight[0].future is None):
                finish(inflight.popleft())
        while inflight:
            finish(inflight.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    _resolve_batch_duplicates(db, report)
    _import_manual_rows(db, path_list, report, settings, now)
    for jf in journals:
        import_journal(db, jf, report)
    for pf in find_plan_files(path_list) if runner_files else []:
        import_plan(db, pf, report, now)
    if report.imported or report.duplicates or report.manual or report.runner_files:
        refresh_after_write(db, now=now)  # the new runs' verdicts, for the next cold page
        group.refresh_after_write(db, now=now)  # this athlete's group line (logs, never fails)
    return report


def _import_manual_rows(
    db: Database,
    paths: list[str],
    report: ImportReport,
    settings: dict[str, Any],
    now: datetime | None,
) -> None:
    """Export rows without a file become manual activities (``services.manual_import``)."""
    import_manual_rows(
        db, paths, report, AthleteSettings.from_dict(settings), now, settings.get(ESTIMATES_KEY)
    )


JOURNAL_FILE = "deliberun-journal.yaml"


def find_journal_files(paths: list[str]) -> list[str]:
    """``DIR/deliberun-journal.yaml`` for every folder given (CONTRACTS.md)."""
    out = []
    for p in paths:
        candidate = os.path.join(p, JOURNAL_FILE)
        if os.path.isdir(p) and os.path.isfile(candidate):
            out.append(candidate)
    return out


def _runner_entry(report: ImportReport, path: str) -> dict[str, Any]:
    for entry in report.runner_files:
        if entry["path"] == path:
            return entry
    entry = {"path": path}
    report.runner_files.append(entry)
    return entry


def apply_journal_settings(db: Database, path: str, report: ImportReport) -> None:
    """Store the ``athlete:`` block of the runner's file as the athlete settings."""
    from deliberun.practice.journal_file import parse_journal_file

    try:
        with open(path, encoding="utf-8") as fh:
            athlete = parse_journal_file(fh.read()).athlete
    except (OSError, ValueError) as exc:
        report.failed.append({"path": path, "error": str(exc)})
        return
    entry = _runner_entry(report, path)
    entry["settings"] = sorted(athlete)
    if athlete:
        with db.session() as s, s.begin():
            current = get_settings(s).to_dict()
            current.update(athlete)
            set_settings(s, AthleteSettings.from_dict(current))


def import_journal(db: Database, path: str, report: ImportReport) -> None:
    """Read the journal, cycles and experiments of the runner's file (practice area)."""
    if any(f["path"] == path for f in report.failed):
        return
    try:
        from deliberun.services.practice import import_journal_file

        counts = import_journal_file(db, path)
    except (OSError, ValueError, ImportError) as exc:
        report.failed.append({"path": path, "error": str(exc)})
        return
    _runner_entry(report, path).update(counts)


PLAN_FILE = "plan.yaml"


def find_plan_files(paths: list[str]) -> list[str]:
    """``DIR/plan.yaml`` for every folder given (CONTRACTS.md)."""
    return [
        os.path.join(p, PLAN_FILE)
        for p in paths
        if os.path.isdir(p) and os.path.isfile(os.path.join(p, PLAN_FILE))
    ]


def import_plan(db: Database, path: str, report: ImportReport, now: datetime | None) -> None:
    """Read the plan the runner followed (plan area); the same file again keeps one plan."""
    try:
        from deliberun.services.plan import import_plan_file

        result = import_plan_file(db, Path(path), now=now or datetime.now(UTC))
    except (OSError, ValueError, ImportError) as exc:
        report.failed.append({"path": path, "error": str(exc)})
        return
    entry = _runner_entry(report, path)
    entry.update({k: v for k, v in result.items() if k != "path"})


def _resolve_batch_duplicates(db: Database, report: ImportReport) -> None:
    """Name the activity of files that were duplicates of an earlier file in the same batch."""
    todo = [d for d in report.duplicates if d.get("activity_id") is None and "_sha256" in d]
    if todo:
        with db.session() as s:
            for d in todo:
                src = repo.source_of_file(s, d["_sha256"])
                d["activity_id"] = src.activity_id if src is not None else None
    for d in report.duplicates:
        d.pop("_sha256", None)


def _known(
    db: Database,
    job: _Job,
    report: ImportReport,
    pending: dict[str, str],
    settings: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> bool:
    """Report the job as a duplicate when its bytes were imported before (or earlier in this batch)."""
    if job.sha256 in pending:
        report.duplicates.append(
            {
                "path": job.path,
                "activity_id": None,
                "reason": f"same file as {pending[job.sha256]}",
                "_sha256": job.sha256,
            }
        )
        return True
    with db.session() as s, s.begin():
        src = repo.source_of_file(s, job.sha256)
        if src is None:
            return False
        row = repo.activity(s, src.activity_id)
        if row is not None:
            job.matched(row.start_time)
        if row is not None and job.meta:
            rpe_before = row.extra.get("perceived_exertion")
            row = take_meta(row, job.meta)
            repo.save_activity(s, row)
            if row.extra.get("perceived_exertion") != rpe_before:
                # the session-RPE load reads it: the stored metrics must follow
                full = repo.load_activity(s, row.id)
                st = AthleteSettings.from_dict(settings or get_settings(s).to_dict())
                metrics, version = compute_metrics(full, st, (settings or {}).get(ESTIMATES_KEY))
                if metrics is not None and version is not None:
                    repo.save_metrics(s, row.id, metrics, version, now=now or datetime.now(UTC))
        activity_id = src.activity_id
    report.duplicates.append({"path": job.path, "activity_id": activity_id, "reason": "same file"})
    return True


def _store_one(job: _Job, report: ImportReport, step: Callable[[], Any]) -> Any:
    """Run one file's store step; a write conflict is retried, any failure is that file's.

    Returns the step's result, or ``None`` after reporting the failure (nothing of
    the file is kept: each step is one transaction).
    """
    try:
        return retry_write(step, retry_integrity=True)
    except StorageError:
        raise
    except Exception as exc:  # noqa: BLE001 - one file's fault, the batch goes on
        if is_fatal(exc):  # read-only, disk full, damaged: no later file can be stored either
            raise StorageError(advice(exc, OPENED[-1] if OPENED else "")) from None
        report.failed.append({"path": job.path, "error": store_error(exc)})
        return None


def _write(
    db: Database,
    job: _Job,
    report: ImportReport,
    settings: dict[str, Any],
    now: datetime | None,
) -> None:
    assert job.result is not None
    status, payload = job.result
    if status == "reported":
        return
    if status == "skip":
        report.skipped.append({"path": job.path, "reason": str(payload)})
        return
    if status == "error":
        report.failed.append({"path": job.path, "error": str(payload)})
        return
    parsed: Parsed = payload
    stamp = now or datetime.now(UTC)
    # the report is written after the commit: a retried transaction reports once
    with db.session() as s, s.begin():
        src = repo.source_of_file(s, job.sha256)
        if src is not None:  # another import wrote it meanwhile
            outcome = ("duplicate", src.activity_id, "same file")
        else:
            repo.add_original(s, job.sha256, job.data, job.name, stamp)
            act = parsed.activity
            same = _same_run(s, act, parsed.summary)
            if same is None:
                outcome = ("imported", _insert(s, job, parsed, stamp), "")
            else:
                _merge(s, same, job, parsed, settings, stamp)
                outcome = ("duplicate", same, "same run")
    kind, activity_id, reason = outcome
    if kind == "imported":
        report.imported.append(activity_id)
        report.imported_from[activity_id] = job.path
    else:
        report.duplicates.append({"path": job.path, "activity_id": activity_id, "reason": reason})


def _same_run(s: Session, act: Activity, summary: dict[str, Any]) -> int | None:
    """The id of the stored activity this file is the same run as (time overlap, track
    similarity)."""
    match = find_same_run(s, footprint_of_activity(act, summary))
    return match[0].id if match else None


def kept_streams(act: Activity) -> dict[str, Any]:
    import numpy as np

    return {
        k: v for k, v in act.streams.items() if k == "time" or (len(v) and np.isfinite(v).any())
    }


def _insert(s: Session, job: _Job, parsed: Parsed, stamp: datetime) -> int:
    act = parsed.activity
    extra = dict(act.extra)
    if job.meta.get("name") not in (None, ""):
        extra["name_source"] = name_source(job.meta)
    aid = add_parsed_activity(
        s, act, parsed.summary, sha256=job.sha256, source_path=job.path, extra=extra,
        created_at=stamp,
    )  # fmt: skip
    repo.add_source(
        s, aid, sha256=job.sha256, source_path=job.path, format=act.source_format, meta=job.meta
    )
    repo.replace_encoded_streams(s, aid, parsed.encoded or repo.encode_streams(kept_streams(act)))
    if parsed.metrics is not None and parsed.metrics_version is not None:
        repo.save_metrics(s, aid, parsed.metrics, parsed.metrics_version, now=stamp, clean=False)
    return aid


def _merge(
    s: Session,
    activity_id: int,
    job: _Job,
    parsed: Parsed,
    settings: dict[str, Any],
    stamp: datetime,
) -> None:
    """Fold a second source of the same run into the stored activity (a manual activity
    gets its file; what wins: ``deliberun.io.merge_policy``); its metrics use the
    thresholds in use, as a new run's do."""
    act = parsed.activity
    row = repo.activity(s, activity_id)
    assert row is not None  # found by _same_run in this transaction
    if row.manual:  # the export row's file arrived: the activity is no longer manual
        extra = repo.jsonable({**row.extra, "manual_until": stamp.isoformat()})
        row = replace(row, manual=False, extra=extra)
        repo.save_activity(s, row)
    repo.add_source(
        s, row.id, sha256=job.sha256, source_path=job.path, format=act.source_format, meta=job.meta
    )
    kinds_old = repo.stream_count(s, row.id)
    new_streams = kept_streams(act)
    richer = is_richer(len(new_streams), act.n_samples, kinds_old, row.n_samples)
    old = Text(row.name, row.description, dict(row.extra))
    text = merged_text(
        old, Text(act.name, act.description, act.extra), richer=richer, meta=job.meta
    )
    if richer:
        refill_from_file(s, row.id, act, parsed.summary, sha256=job.sha256, source_path=job.path)
        repo.replace_encoded_streams(s, row.id, parsed.encoded or repo.encode_streams(new_streams))
        row = repo.activity(s, row.id)
        assert row is not None  # refilled just now
    row = replace(row, name=text.name, description=text.description)
    if richer or job.meta:
        row = replace(row, extra=repo.jsonable(text.extra))
    repo.save_activity(s, row)
    if richer or job.meta:
        full = repo.load_activity(s, row.id) if not richer else act
        if richer:
            full.name, full.description, full.extra = row.name, row.description, dict(row.extra)
        metrics, version = compute_metrics(
            full, AthleteSettings.from_dict(settings), settings.get(ESTIMATES_KEY)
        )
        if metrics is not None and version is not None:
            repo.save_metrics(s, row.id, metrics, version, now=stamp)
