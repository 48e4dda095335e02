"""What the file import (``services.importer``) and the export rows without a file
(``services.manual_import``) share: the report, the export fields that win over a
file's, the local offset from the athlete's time zone, the metrics version and the
one-line reason of a failed write.

It sits below both (the importer calls the manual import after the files; the manual
import fills the same report and takes an export's text the same way), so neither
imports the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from deliberun.athlete import AthleteSettings
from deliberun.io.activity import Activity
from deliberun.io.merge_policy import (
    EXPORT_EXTRA_FIELDS,
    EXPORT_NAME_SOURCES,
    EXPORT_TEXT_FIELDS,
    Text,
    name_source,
    with_export_meta,
)
from deliberun.metrics import METRICS_VERSION
from deliberun.records import ActivityRecord
from deliberun.store import repository as repo
from deliberun.store.errors import describe

__all__ = [
    "ESTIMATES_KEY",
    "EXPORT_EXTRA_FIELDS",
    "EXPORT_NAME_SOURCES",
    "EXPORT_TEXT_FIELDS",
    "ImportReport",
    "compute_metrics_version",
    "fill_offset",
    "name_source",
    "store_error",
    "take_meta",
]

#: Key of the settings dict handed to workers that carries the estimated thresholds.
ESTIMATES_KEY = "threshold_estimates"


@dataclass
class ImportReport:
    """What an import did, file by file."""

    imported: list[int] = field(default_factory=list)
    #: activity id -> the path it was imported from (for display)
    imported_from: dict[int, str] = field(default_factory=dict)
    #: {path, activity_id, reason: "same file" | "same run"}
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    #: {path, error}
    failed: list[dict[str, str]] = field(default_factory=list)
    #: {path, reason}: valid files that hold no activity (settings, monitoring, courses)
    skipped: list[dict[str, str]] = field(default_factory=list)
    #: export rows without a file: {export, strava_id, date, name, sport, reason:
    #: "manual" | "file missing", status: "imported" | "known" | "has a file", activity_id}
    manual: list[dict[str, Any]] = field(default_factory=list)
    #: the runner's own files read: deliberun-journal.yaml {path, settings, journal, cycles,
    #: experiments}; plan.yaml {path, plan_id, planned, plan: new | unchanged | updated}
    runner_files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": list(self.imported),
            "duplicates": list(self.duplicates),
            "failed": list(self.failed),
            "skipped": list(self.skipped),
            "manual": list(self.manual),
            "runner_files": list(self.runner_files),
        }


def fill_offset(activity: Activity, settings: AthleteSettings) -> None:
    """Use the athlete's IANA time zone when the file gives no local offset."""
    if activity.utc_offset_s is not None or not settings.timezone:
        return
    try:
        from zoneinfo import ZoneInfo

        off = activity.start_time.astimezone(ZoneInfo(settings.timezone)).utcoffset()
    except Exception:  # unknown zone name: keep UTC
        return
    if off is not None:
        activity.utc_offset_s = int(off.total_seconds())


def compute_metrics_version() -> str | None:
    """The metrics code version (``deliberun.metrics.METRICS_VERSION``)."""
    return str(METRICS_VERSION)


def store_error(exc: BaseException) -> str:
    """A one-line reason for a failure while storing a file."""
    return "could not store it: " + describe(exc)


def take_meta(row: ActivityRecord, meta: dict[str, Any]) -> ActivityRecord:
    """The export's name, description and perceived exertion win over the file's
    (``deliberun.io.merge_policy.with_export_meta``): the stored activity with them (to
    give to ``repository.save_activity``)."""
    text = with_export_meta(Text(row.name, row.description, dict(row.extra)), meta)
    return replace(
        row, name=text.name, description=text.description, extra=repo.jsonable(text.extra)
    )
