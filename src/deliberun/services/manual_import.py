"""Export rows without a file become manual activities.

A Strava export's ``activities.csv`` lists every activity; some have no file
(entered by hand: the Filename column is empty) and a partial export lacks the
files of others. Each such row becomes an activity made from the CSV's own
values (date, type, distance, moving and elapsed time, average and maximum heart
rate, ascent, perceived exertion, name, description), with ``manual`` set, no
streams, and metrics from ``deliberun.metrics.manual`` (so volume and load count
it). Its original is the CSV header and row, kept like a file's bytes; its
SHA-256 makes a second import of the same export a no-op.

When a recording of the same run is already stored (imported from another
source), the row only lends it its name, description and perceived exertion. When
the missing file arrives later, the importer's same-run rule
(``deliberun.io.same_run``: time overlap) merges it into the manual activity,
which then keeps the file's streams and is no longer manual.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from deliberun.athlete import AthleteSettings
from deliberun.io.activity import Activity
from deliberun.io.csv_text import decode_csv
from deliberun.io.same_run import Footprint
from deliberun.io.strava_rows import StravaRow, parse_strava_rows
from deliberun.metrics.manual import manual_metrics
from deliberun.services.import_common import (
    ESTIMATES_KEY,
    ImportReport,
    compute_metrics_version,
    fill_offset,
    store_error,
    take_meta,
)
from deliberun.services.same_run_store import find_same_run
from deliberun.store import repository as repo
from deliberun.store.activity_writes import add_manual_activity
from deliberun.store.db import Database
from deliberun.store.errors import is_fatal
from deliberun.store.retry import retry_write

#: The source format of a manual activity (its original is a CSV row).
MANUAL_FORMAT = "strava_csv"


@dataclass
class ExportRows:
    """The rows of one export whose file is not in it."""

    export: str  # the folder or zip
    csv_path: str  # for display: ".../activities.csv"
    rows: list[tuple[StravaRow, str]]  # (row, "manual" | "file missing")


def _rows_without_file(rows: list[StravaRow], present: set[str]) -> list[tuple[StravaRow, str]]:
    out = []
    for row in rows:
        if row.filename is None:
            out.append((row, "manual"))
        elif row.filename not in present:
            out.append((row, "file missing"))
    return out


def _folder_export(root: Path) -> ExportRows | None:
    csv_path = root / "activities.csv"
    if not (csv_path.is_file() and (root / "activities").is_dir()):
        return None
    rows = parse_strava_rows(decode_csv(csv_path.read_bytes()))
    present = {r.filename for r in rows if r.filename and (root / r.filename).is_file()}
    return ExportRows(str(root), str(csv_path), _rows_without_file(rows, present))


def _zip_export(path: Path) -> ExportRows | None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            csvs = [n for n in names if PurePosixPath(n).name == "activities.csv"]
            if not csvs:
                return None
            member = min(csvs, key=len)
            text = decode_csv(zf.read(member))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None  # the file import reports the damaged archive
    parent = str(PurePosixPath(member).parent)
    prefix = "" if parent == "." else parent + "/"
    inside = {n[len(prefix) :] for n in names if n.startswith(prefix)}
    rows = parse_strava_rows(text)
    present = {r.filename for r in rows if r.filename and r.filename in inside}
    return ExportRows(str(path), f"{path}!{member}", _rows_without_file(rows, present))


def find_export_rows(paths: list[str]) -> list[ExportRows]:
    """The rows without a file of every Strava export named (a folder or a zip)."""
    out = []
    for p in paths:
        path = Path(p)
        try:
            if path.is_dir():
                found = _folder_export(path)
            elif path.is_file() and path.name.lower().endswith(".zip"):
                found = _zip_export(path)
            else:
                found = None
        except (OSError, ValueError):
            found = None
        if found is not None and found.rows:
            out.append(found)
    return out


def _values(row: StravaRow) -> dict[str, Any]:
    v = dict(row.values)
    return {
        "distance_m": v.get("distance_m"),
        "moving_time_s": v.get("moving_time_s"),
        "elapsed_time_s": v.get("elapsed_time_s"),
        "avg_hr_bpm": v.get("avg_hr_bpm"),
        "max_hr_bpm": v.get("max_hr_bpm"),
        "ascent_m": v.get("ascent_m"),
        "descent_m": v.get("descent_m"),
        "perceived_exertion": v.get("perceived_exertion"),
    }


def _meta(row: StravaRow, reason: str) -> dict[str, Any]:
    v = row.values
    meta = {
        "source": "strava_export",
        "strava_id": row.strava_id,
        "name": v.get("name"),
        "description": v.get("description"),
        "type": v.get("type"),
        "gear": v.get("gear"),
        "perceived_exertion": v.get("perceived_exertion"),
        "manual_reason": reason,
        "filename": row.filename,
    }
    return {k: val for k, val in meta.items() if val not in (None, "")}


def _insert_manual(
    s: Any,
    row: StravaRow,
    reason: str,
    sha: str,
    display: str,
    settings: AthleteSettings,
    stamp: datetime,
    estimates: dict[str, float] | None = None,
) -> int:
    assert row.start_time is not None
    metrics = repo.jsonable(manual_metrics(_values(row), row.sport, settings, estimates))
    probe = Activity(row.start_time, row.sport, {"time": np.zeros(0)}, MANUAL_FORMAT)
    fill_offset(probe, settings)  # the athlete's time zone gives the local date
    meta = _meta(row, reason)
    extra: dict[str, Any] = {
        k: meta[k] for k in ("strava_id", "type", "gear", "perceived_exertion") if k in meta
    }
    extra.update(source="strava_export", manual_reason=reason, name_source="strava")
    aid = add_manual_activity(
        s,
        start_time=row.start_time,
        utc_offset_s=probe.utc_offset_s,
        sport=row.sport,
        name=row.values.get("name"),
        description=row.values.get("description"),
        source_path=display,
        source_format=MANUAL_FORMAT,
        sha256=sha,
        summary=metrics["summary"],
        extra=extra,
        created_at=stamp,
    )
    repo.add_source(s, aid, sha256=sha, source_path=display, format=MANUAL_FORMAT, meta=meta)
    version = compute_metrics_version() or "manual"
    repo.save_metrics(s, aid, metrics, f"{version}+manual", now=stamp)
    return aid


def import_manual_rows(
    db: Database,
    paths: list[str],
    report: ImportReport,
    settings: AthleteSettings,
    now: datetime | None = None,
    estimates: dict[str, float] | None = None,
) -> None:
    """Import the rows without a file of the exports among ``paths`` (see the module notes);
    ``estimates``: the thresholds in use from the runner's runs, as for a run with a file."""
    stamp = now or datetime.now(UTC)
    for export in find_export_rows(paths):
        for row, reason in export.rows:
            display = f"{export.csv_path}#{row.strava_id or '?'}"
            entry: dict[str, Any] = {
                "export": export.export,
                "strava_id": row.strava_id,
                "date": row.start_time.isoformat() if row.start_time else None,
                "name": row.values.get("name"),
                "sport": row.sport,
                "reason": reason,
                "filename": row.filename,
            }
            report.manual.append(entry)
            if row.start_time is None:
                entry.update(status="failed", activity_id=None)
                report.failed.append(
                    {
                        "path": display,
                        "error": f"unreadable Activity Date {row.values.get('date')!r}",
                    }
                )
                continue
            sha = hashlib.sha256(row.original).hexdigest()

            def step(row: StravaRow = row, reason: str = reason, sha: str = sha,
                     display: str = display) -> tuple[str, int]:  # fmt: skip
                """One row, one transaction: (status, activity id)."""
                with db.session() as s, s.begin():
                    known = repo.source_of_file(s, sha)
                    if known is not None:
                        return "known", known.activity_id
                    values = _values(row)
                    duration = values["elapsed_time_s"] or values["moving_time_s"]
                    assert row.start_time is not None  # a row without a date was reported
                    fp = Footprint(row.start_time, duration, values["distance_m"])
                    match = find_same_run(s, fp)
                    repo.add_original(s, sha, row.original, os.path.basename(display), stamp)
                    if match is not None and not match[0].manual:
                        # the run is stored from another source: the row lends its text
                        same = repo.activity(s, match[0].id)
                        assert same is not None  # found in this transaction
                        repo.add_source(
                            s, same.id, sha256=sha, source_path=display, format=MANUAL_FORMAT,
                            meta=_meta(row, reason),
                        )  # fmt: skip
                        repo.save_activity(s, take_meta(same, _meta(row, reason)))
                        return "has a file", same.id
                    return "imported", _insert_manual(
                        s, row, reason, sha, display, settings, stamp, estimates
                    )

            try:
                # another import writing the same row meanwhile: retried, then "known"
                status, aid = retry_write(step, retry_integrity=True)
            except Exception as exc:  # noqa: BLE001 - one row's fault, the rest go on
                if is_fatal(exc):
                    raise
                entry.update(status="failed", activity_id=None)
                report.failed.append({"path": display, "error": store_error(exc)})
                continue
            entry.update(status=status, activity_id=aid)


def manual_counts(report: ImportReport) -> dict[str, int]:
    """``{"manual": n, "file missing": n}`` of the rows imported as manual activities now."""
    out = {"manual": 0, "file missing": 0}
    for e in report.manual:
        if e.get("status") == "imported":
            out[e["reason"]] = out.get(e["reason"], 0) + 1
    return out


def manual_summary_line(report: ImportReport) -> str | None:
    """One line for the import summary, e.g. ``63 export rows without a file became
    manual activities: 5 manual, 58 file missing (45 runs)``; None when there were none."""
    made = [e for e in report.manual if e.get("status") == "imported"]
    attached = sum(1 for e in report.manual if e.get("status") == "has a file")
    if not made and not attached:
        return None
    counts = manual_counts(report)
    runs = sum(1 for e in made if e.get("sport") == "running")
    line = (
        f"{len(made)} export rows without a file became manual activities: "
        f"{counts['manual']} manual, {counts['file missing']} file missing ({runs} runs)"
    )
    if attached:
        line += f"; {attached} matched a run stored from another file"
    return line


def recompute_manual(
    db: Database, activity_id: int, settings: dict[str, Any], now: datetime | None
) -> bool:
    """Recompute a manual activity's metrics from its kept CSV row; False if it has none."""
    stamp = now or datetime.now(UTC)
    with db.session() as s, s.begin():
        row = repo.activity(s, activity_id)
        if row is None or not row.manual:
            return False
        original = repo.get_original(s, row.sha256)
        rows = parse_strava_rows(decode_csv(original)) if original else []
        if not rows:
            return False
        values = _values(rows[0])
        if "perceived_exertion" in (row.extra or {}):  # the runner's later edit wins
            values["perceived_exertion"] = row.extra["perceived_exertion"]
        metrics = repo.jsonable(
            manual_metrics(
                values,
                row.sport,
                AthleteSettings.from_dict(settings),
                settings.get(ESTIMATES_KEY),
            )
        )
        summary: dict[str, Any] = {
            f: repo.num(metrics["summary"].get(f)) for f in repo.SUMMARY_FIELDS
        }
        repo.save_activity(s, replace(row, **summary))
        version = compute_metrics_version() or "manual"
        repo.save_metrics(s, row.id, metrics, f"{version}+manual", now=stamp)
    return True
