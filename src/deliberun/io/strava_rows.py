"""Every row of a Strava export's ``activities.csv``, with or without a file.

``deliberun.io.sources`` joins rows to files; this module reads the rows
themselves, so that an activity whose file is absent (a manual entry, whose
Filename is empty, or a partial export, whose file is not in the folder) can be
imported from the CSV's own values (``deliberun.services.manual_import``).

Columns are found by their English header, else by position (Strava keeps the
column order in every language). Values are SI: metres, seconds, bpm. The
Activity Date column is UTC (checked on the real export: each row's date equals
its FIT file's start time to the second).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from deliberun.io.csv_text import wide_csv_fields

#: meta key -> (English header, 0-based position, occurrence of the header: 0 first, -1 last)
ROW_COLUMNS: dict[str, tuple[str, int, int]] = {
    "strava_id": ("Activity ID", 0, 0),
    "date": ("Activity Date", 1, 0),
    "name": ("Activity Name", 2, 0),
    "type": ("Activity Type", 3, 0),
    "description": ("Activity Description", 4, 0),
    "gear": ("Activity Gear", 11, 0),
    "filename": ("Filename", 12, 0),
    "elapsed_time_s": ("Elapsed Time", 15, -1),
    "moving_time_s": ("Moving Time", 16, 0),
    "distance_m": ("Distance", 17, -1),
    "ascent_m": ("Elevation Gain", 20, 0),
    "descent_m": ("Elevation Loss", 21, 0),
    "max_hr_bpm": ("Max Heart Rate", 30, -1),
    "avg_hr_bpm": ("Average Heart Rate", 31, 0),
    "perceived_exertion": ("Perceived Exertion", 43, 0),
}
_NUMERIC = frozenset(
    {
        "elapsed_time_s",
        "moving_time_s",
        "distance_m",
        "ascent_m",
        "descent_m",
        "max_hr_bpm",
        "avg_hr_bpm",
        "perceived_exertion",
    }
)

#: Strava activity type -> our sport names (``deliberun.io`` readers' vocabulary).
STRAVA_SPORTS: dict[str, str] = {
    "run": "running",
    "trail run": "trail_running",
    "virtual run": "treadmill",
    "walk": "walking",
    "hike": "hiking",
    "ride": "cycling",
    "virtual ride": "cycling",
    "e-bike ride": "cycling",
    "swim": "swimming",
    # localized exports (it, es, fr, de)
    "corsa": "running",
    "carrera": "running",
    "course à pied": "running",
    "lauf": "running",
    "camminata": "walking",
    "caminata": "walking",
    "marche": "walking",
    "spaziergang": "walking",
    "escursione": "hiking",
    "excursionismo": "hiking",
    "randonnée": "hiking",
    "wanderung": "hiking",
    "giro in bici": "cycling",
    "bicicleta": "cycling",
    "vélo": "cycling",
    "radfahrt": "cycling",
    "nuoto": "swimming",
    "nuotata": "swimming",
    "ciclismo": "cycling",
    "natación": "swimming",
    "natation": "swimming",
    "schwimmen": "swimming",
}

#: Localized month abbreviations (it, es, fr, de) -> English, for the Activity Date.
_MONTHS = {
    "gen": "Jan", "ene": "Jan", "janv.": "Jan", "jan": "Jan",
    "févr.": "Feb", "feb": "Feb",
    "mar": "Mar", "mars": "Mar", "mär": "Mar",
    "apr": "Apr", "abr": "Apr", "avr.": "Apr",
    "mag": "May", "may": "May", "mai": "May",
    "giu": "Jun", "jun": "Jun", "juin": "Jun",
    "lug": "Jul", "jul": "Jul", "juil.": "Jul",
    "ago": "Aug", "août": "Aug", "aug": "Aug",
    "set": "Sep", "sept": "Sep", "sept.": "Sep", "sep": "Sep",
    "ott": "Oct", "oct": "Oct", "oct.": "Oct", "okt": "Oct",
    "nov": "Nov", "nov.": "Nov",
    "dic": "Dec", "déc.": "Dec", "dez": "Dec", "dec": "Dec",
}  # fmt: skip

#: Activity Date formats seen in exports (English; the Italian export writes "4 mar 2020, 15:29:01").
_DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%d %b %Y, %H:%M:%S", "%Y-%m-%d %H:%M:%S")


@dataclass
class StravaRow:
    """One activity listed in ``activities.csv``."""

    strava_id: str | None
    start_time: datetime | None  # UTC; None when the date cannot be read
    sport: str
    filename: str | None  # "activities/123.fit.gz" or None (manual entry)
    values: dict[str, Any] = field(default_factory=dict)  # name, description, SI numbers ...
    #: the header and this row as CSV text: the row's original, kept like a file's bytes
    original: bytes = b""


def parse_date(text: str | None) -> datetime | None:
    """Strava's Activity Date (UTC) as an aware datetime, or None."""
    if not text:
        return None
    words = text.strip().split(" ")
    words = [_MONTHS.get(w.lower(), w) if w.isalpha() or w.endswith(".") else w for w in words]
    text = " ".join(words)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _index(header: list[str]) -> dict[str, int]:
    english = bool(header) and header[0].strip().lstrip("\ufeff") == "Activity ID"
    index: dict[str, int] = {}
    for key, (title, pos, occurrence) in ROW_COLUMNS.items():
        if english:
            hits = [i for i, h in enumerate(header) if h.strip() == title]
            if hits:
                index[key] = hits[occurrence]
                continue
        if pos < len(header):
            index[key] = pos
    return index


def _row_bytes(header: list[str], row: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, row])
    return buf.getvalue().encode("utf-8")


def parse_strava_rows(text: str) -> list[StravaRow]:
    """Every row of ``activities.csv`` (with or without a file), in file order."""
    with wide_csv_fields():
        return _parse_rows(text)


def _parse_rows(text: str) -> list[StravaRow]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        return []
    index = _index(header)
    out = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, Any] = {}
        for key, i in index.items():
            raw = row[i].strip() if i < len(row) else ""
            if key in _NUMERIC:
                try:
                    values[key] = float(raw) if raw else None
                except ValueError:
                    values[key] = None
            else:
                values[key] = raw or None
        kind = (values.get("type") or "").strip().lower()
        filename = values.pop("filename", None)
        out.append(
            StravaRow(
                strava_id=values.get("strava_id"),
                start_time=parse_date(values.get("date")),
                sport=STRAVA_SPORTS.get(kind, "other"),
                filename=filename.replace("\\", "/") if filename else None,
                values=values,
                original=_row_bytes(header, row),
            )
        )
    return out
