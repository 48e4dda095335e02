"""Reading a Strava ``activities.csv`` as text: its encoding and its long fields.

Both the file-import path (``io.sources``) and the rows-without-a-file path
(``io.strava_rows``) read the same CSV, so they share these two rules.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager

#: Largest field of ``activities.csv`` read [characters] (the csv module's default is
#: 128 KiB: one long description would otherwise make the whole file unreadable).
CSV_FIELD_LIMIT = 256 << 20


def decode_csv(data: bytes) -> str:
    """The text of an ``activities.csv``: UTF-8 (with or without BOM), else Windows-1252.

    Strava writes UTF-8, but a file re-saved by a spreadsheet on Windows is
    Windows-1252 / Latin-1 ("Morgenlauf am Müggelsee" as one byte per letter).
    Strict UTF-8 almost never decodes non-UTF-8 text by accident, so trying it
    first and falling back is reliable for these two, without a detection package.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the 5 bytes cp1252 leaves undefined
        return data.decode("latin-1")


@contextmanager
def wide_csv_fields() -> Iterator[None]:
    """Let the csv module read fields up to ``CSV_FIELD_LIMIT`` inside the block."""
    old = csv.field_size_limit()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)
