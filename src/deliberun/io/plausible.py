"""Bounds on what a file may claim: dates a runner can have run on, durations a run can last.

A device with an unset clock writes year 0001 or 1989; a 32-bit timestamp read
with the wrong sign lands in 2106; a corrupt record claims an 8,000-year run.
Such a file is refused with a plain reason instead of being stored (it would
sit first or last in every chart and break date arithmetic later). Pure: the
latest allowed date is passed in (the importer gives tomorrow + 1 day).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from deliberun.io.activity import Activity
from deliberun.io.errors import CorruptFileError

#: No GPS running watch recorded before this year.
EARLIEST = date(1990, 1, 1)
#: Longest plausible activity (multi-day ultras included) [s].
MAX_ELAPSED_S = 10 * 86400.0


def check_activity(activity: Activity, path: str, latest: date | None) -> None:
    """Raise ``CorruptFileError`` when the start date or duration is impossible."""
    start = activity.start_time.date()
    if start < EARLIEST:
        raise CorruptFileError(
            path,
            f"start time {start.isoformat()} is before {EARLIEST.year}: "
            "the device clock was not set; nothing imported",
        )
    if latest is not None and start > latest:
        raise CorruptFileError(
            path,
            f"start time {start.isoformat()} is in the future (after {latest}): "
            "the device clock or the file is wrong; nothing imported",
        )
    t = activity.streams.get("time")
    if t is not None and len(t):
        span = float(np.nanmax(t)) if np.isfinite(t).any() else 0.0
        if span > MAX_ELAPSED_S:
            raise CorruptFileError(
                path,
                f"elapsed time of {span / 86400:.0f} days is implausible (over "
                f"{MAX_ELAPSED_S / 86400:.0f}); the file's timestamps are damaged",
            )
