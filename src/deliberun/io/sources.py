"""Expand import paths into activity sources: files, folders, .gz, .zip, exports.

Nothing is ever written to disk: zip members are read in memory. Safety limits
(:data:`LIMITS`) refuse path traversal, zip bombs and deep nesting; a refused or
unreadable item comes out as a :class:`Source` whose ``error`` is set, so a
batch reports it and goes on.

Recognised layouts:

* **Strava bulk export** (a folder or a zip holding ``activities.csv`` and
  ``activities/``): rows are joined to files by the CSV's filename column; name,
  type, description, gear, perceived exertion, Strava id and Strava's own moving
  time, distance and elevation gain go into ``Source.meta``. The CSV columns are
  found by their English header, else by position (Strava keeps the column order
  in every language, e.g. the Italian export).
* **Garmin Connect export** (a zip or its unzipped folder): the
  ``DI_CONNECT/.../UploadedFiles*.zip`` archives inside are opened (nested zip) and
  their FIT files read; the ``*_summarizedActivities.json`` files beside them give
  each FIT file its name, Garmin's activity type and the device's summary
  (``deliberun.io.garmin_export``), joined by the activity id in the FIT file's name,
  else (``Source.match``, once the file is read) by its start time.

Inside folders and archives only activity-looking files (``.fit``, ``.gpx``,
``.tcx``, each optionally ``.gz``, and ``.zip``) are sources; others (.csv, .json,
.jpg ...) are skipped silently. A file named directly is always a source (an
unknown one then fails in ``read_bytes`` with ``UnknownFormatError``).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from deliberun.io.csv_text import decode_csv, wide_csv_fields
from deliberun.io.errors import (
    CorruptFileError,
    NotAnActivityError,
    ReadError,
    UnsafeInputError,
)
from deliberun.io.garmin_export import GarminIndex, is_summary_name

#: Safety limits for archives.
LIMITS: dict[str, int] = {
    "max_member_bytes": 1 << 30,  # a member expanding past 1 GiB is refused
    "max_ratio": 200,  # compression ratio refused above this ...
    "ratio_min_bytes": 10 << 20,  # ... for members larger than 10 MiB
    "max_zip_depth": 3,  # export.zip -> UploadedFiles.zip -> ... (depth counted from 1)
    "max_total_bytes": 16 << 30,  # sum of expanded members of one archive
    "max_file_bytes": 1 << 30,  # a plain file (or archive on disk) larger than 1 GiB is refused
}
ACTIVITY_EXTS = (".fit", ".gpx", ".tcx")


@dataclass
class Source:
    """One importable item: a file, an archive member, or an error while expanding."""

    display_path: str
    name: str
    meta: dict[str, Any] = field(default_factory=dict)
    error: ReadError | None = None
    _loader: Callable[[], bytes] | None = field(default=None, repr=False)
    #: metadata by the parsed start time (Garmin export entries the file name did not give)
    match: Callable[[datetime], dict[str, Any] | None] | None = field(default=None, repr=False)

    def read_bytes(self) -> bytes:
        """The original bytes (before gunzip). Raises the expansion error if any."""
        if self.error is not None:
            raise self.error
        if self._loader is None:  # pragma: no cover - constructed without loader
            raise ReadError(self.display_path, "nothing to read")
        try:
            return self._loader()
        except OSError as exc:
            raise ReadError(self.display_path, f"cannot read ({exc.strerror or exc})") from None
        except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
            raise CorruptFileError(self.display_path, f"damaged archive member ({exc})") from None
        except NotImplementedError as exc:  # zipfile: unsupported compression method
            raise CorruptFileError(
                self.display_path, f"cannot unpack archive member ({exc}); re-zip it with deflate"
            ) from None
        except RuntimeError as exc:  # zipfile: encrypted member
            raise CorruptFileError(
                self.display_path, f"cannot unpack archive member ({exc}); unzip it first"
            ) from None


def is_activity_name(name: str) -> bool:
    """True for ``.fit``, ``.gpx``, ``.tcx`` names, optionally ``.gz`` (case-insensitive)."""
    low = name.lower()
    if low.endswith(".gz"):
        low = low[:-3]
    return low.endswith(ACTIVITY_EXTS)


def _error(display: str, err: ReadError) -> Source:
    return Source(
        display_path=display, name=PurePosixPath(display.rsplit("!", 1)[-1]).name, error=err
    )


# ---------------------------------------------------------------- Strava CSV

#: Strava activities.csv: meta key -> (English header, 0-based position).
STRAVA_COLUMNS: dict[str, tuple[str, int]] = {
    "strava_id": ("Activity ID", 0),
    "date": ("Activity Date", 1),
    "name": ("Activity Name", 2),
    "type": ("Activity Type", 3),
    "description": ("Activity Description", 4),
    "gear": ("Activity Gear", 11),
    "filename": ("Filename", 12),
    "strava_elapsed_time_s": ("Elapsed Time", 15),
    "strava_moving_time_s": ("Moving Time", 16),
    "strava_distance_m": ("Distance", 17),
    "strava_elevation_gain_m": ("Elevation Gain", 20),
    "perceived_exertion": ("Perceived Exertion", 43),
}
_NUMERIC = {
    "strava_elapsed_time_s",
    "strava_moving_time_s",
    "strava_distance_m",
    "strava_elevation_gain_m",
    "perceived_exertion",
}


def parse_strava_csv(text: str) -> dict[str, dict[str, Any]]:
    """Map ``activities/<file>`` -> meta dict (see ``_parse_strava_csv``); long fields allowed."""
    with wide_csv_fields():
        return _parse_strava_csv(text)


def _parse_strava_csv(text: str) -> dict[str, dict[str, Any]]:
    """Map ``activities/<file>`` -> meta dict from a Strava ``activities.csv``.

    Columns are located by English header; a localized export falls back to the
    fixed position. Numeric fields are floats (``None`` when empty).
    """
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, None)
    if not header:
        return {}
    english = header[0].strip() == "Activity ID"
    index: dict[str, int] = {}
    for key, (title, pos) in STRAVA_COLUMNS.items():
        if english:
            # second occurrence for the duplicated "Elapsed Time"/"Distance" (seconds / metres)
            hits = [i for i, h in enumerate(header) if h.strip() == title]
            if hits:
                index[key] = (
                    hits[-1] if key in ("strava_elapsed_time_s", "strava_distance_m") else hits[0]
                )
                continue
        if pos < len(header):
            index[key] = pos
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        meta: dict[str, Any] = {}
        for key, i in index.items():
            value = row[i].strip() if i < len(row) else ""
            if key in _NUMERIC:
                try:
                    meta[key] = float(value) if value else None
                except ValueError:
                    meta[key] = None
            else:
                meta[key] = value or None
        filename = meta.pop("filename", None)
        if filename:
            out[filename.replace("\\", "/")] = meta
    return out


# ---------------------------------------------------------------- zip


#: What zipfile raises on damaged archives (found by fuzzing, bench/fuzz_readers.py):
#: bad deflate data (zlib.error), an unknown compression method (NotImplementedError),
#: an encrypted member (RuntimeError), a non-UTF-8 name (UnicodeDecodeError, a ValueError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


def _unsafe_member(name: str) -> str | None:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path in archive refused"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "'..' path in archive refused (path traversal)"
    return None


def _check_size(info: zipfile.ZipInfo) -> str | None:
    if info.file_size > LIMITS["max_member_bytes"]:
        return f"member expands to {info.file_size >> 20} MiB, over the {LIMITS['max_member_bytes'] >> 20} MiB limit (zip bomb?)"
    if info.file_size > LIMITS["ratio_min_bytes"] and info.file_size > LIMITS["max_ratio"] * max(
        info.compress_size, 1
    ):
        return f"compression ratio over {LIMITS['max_ratio']} refused (zip bomb?)"
    return None


def _member_loader(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str) -> Callable[[], bytes]:
    def load() -> bytes:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
        if len(data) > info.file_size:
            raise UnsafeInputError(display, "member is larger than its header says (zip bomb?)")
        return data

    return load


def _garmin_meta(
    garmin: GarminIndex | None, name: str
) -> tuple[dict[str, Any], Callable[[datetime], dict[str, Any] | None] | None]:
    """A Garmin export file's metadata by the id in its name, else a matcher by start time."""
    if not garmin:
        return {}, None
    hit = garmin.for_name(name)
    return (hit, None) if hit is not None else ({}, garmin.for_start)


def _iter_zip(
    zf: zipfile.ZipFile, display: str, depth: int, garmin: GarminIndex | None = None
) -> Iterator[Source]:
    if depth > LIMITS["max_zip_depth"]:
        yield _error(
            display,
            UnsafeInputError(
                display, f"zip nested more than {LIMITS['max_zip_depth']} deep refused"
            ),
        )
        return
    # not i.is_dir(): it raises IndexError on an empty member name (fuzzing)
    infos = [i for i in zf.infolist() if i.filename and not i.filename.endswith("/")]
    total = sum(i.file_size for i in infos)
    if total > LIMITS["max_total_bytes"]:
        yield _error(
            display,
            UnsafeInputError(
                display, f"archive expands to {total >> 30} GiB, over the limit (zip bomb?)"
            ),
        )
        return
    strava: dict[str, dict[str, Any]] = {}
    csv_prefix = ""
    for info in infos:
        base = PurePosixPath(info.filename)
        if (
            base.name == "activities.csv"
            and _unsafe_member(info.filename) is None
            and _check_size(info) is None
        ):
            try:
                strava = parse_strava_csv(decode_csv(zf.read(info)))
                csv_prefix = str(base.parent) + "/" if str(base.parent) != "." else ""
            except (*_ZIP_ERRORS, csv.Error):
                strava = {}
            break
    for info in infos:
        if (
            is_summary_name(info.filename)
            and _unsafe_member(info.filename) is None
            and _check_size(info) is None
        ):
            try:
                data = zf.read(info)
            except _ZIP_ERRORS:
                continue
            garmin = garmin if garmin is not None else GarminIndex()
            garmin.add_json(data)
    for info in sorted(infos, key=lambda i: i.filename):
        member = info.filename
        mdisplay = f"{display}!{member}"
        low = member.lower()
        if not (is_activity_name(low) or low.endswith(".zip")):
            continue
        bad = _unsafe_member(member) or _check_size(info)
        if bad:
            yield _error(mdisplay, UnsafeInputError(mdisplay, bad))
            continue
        if low.endswith(".zip"):
            try:
                inner = zf.read(info)
                inner_zf = zipfile.ZipFile(io.BytesIO(inner))
            except _ZIP_ERRORS as exc:
                yield _error(mdisplay, CorruptFileError(mdisplay, f"damaged zip ({exc})"))
                continue
            yield from _iter_zip(inner_zf, mdisplay, depth + 1, garmin)
            continue
        rel = member[len(csv_prefix) :] if csv_prefix and member.startswith(csv_prefix) else member
        meta = dict(strava.get(rel, {}))
        match = None
        if meta:
            meta["source"] = "strava_export"
        else:
            meta, match = _garmin_meta(garmin, member)
        yield Source(
            display_path=mdisplay,
            name=PurePosixPath(member).name,
            meta=meta,
            _loader=_member_loader(zf, info, mdisplay),
            match=match,
        )


def _iter_zip_path(path: Path, garmin: GarminIndex | None = None) -> Iterator[Source]:
    display = str(path)
    try:
        zf = zipfile.ZipFile(path)  # kept open by the loaders; closed when collected
    except _ZIP_ERRORS as exc:  # e.g. a member name that is not UTF-8 despite its flag
        yield _error(display, CorruptFileError(display, f"not a readable zip archive ({exc})"))
        return
    yield from _iter_zip(zf, display, 1, garmin)


# ---------------------------------------------------------------- files and folders


def not_regular(path: Path) -> str | None:
    """Why ``path`` must not be read (a FIFO, a device, a link to one, too large), else None.

    A FIFO named ``pipe.fit`` would block the import forever and a link to
    ``/dev/zero`` would be read until memory runs out: only regular files are read.
    """
    import stat

    try:
        st = path.stat()  # follows a symlink: the target is what would be read
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "not a file"
        )
        return f"not a regular file ({kind}{', via a link' if path.is_symlink() else ''}); skipped"
    if st.st_size > LIMITS["max_file_bytes"]:
        return f"file of {st.st_size} bytes is over the {LIMITS['max_file_bytes']} byte limit"
    return None


def _file_source(
    path: Path,
    meta: dict[str, Any] | None = None,
    match: Callable[[datetime], dict[str, Any] | None] | None = None,
) -> Source:
    why = not_regular(path)
    if why is not None:
        return _error(str(path), NotAnActivityError(str(path), why))
    return Source(
        display_path=str(path),
        name=path.name,
        meta=meta or {},
        _loader=path.read_bytes,
        match=match,
    )


#: Where an unzipped Garmin export keeps its activity summaries, from the folder named.
GARMIN_SUMMARY_DIRS = ("DI_CONNECT/DI-Connect-Fitness", "DI-Connect-Fitness", ".")


def _garmin_dir_index(root: Path) -> GarminIndex | None:
    """The summaries of an unzipped Garmin export named by its top folder (or DI_CONNECT)."""
    index = GarminIndex()
    for sub in GARMIN_SUMMARY_DIRS:
        folder = root / sub
        if not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            if is_summary_name(p.name) and not_regular(p) is None:
                try:
                    index.add_json(p.read_bytes())
                except OSError:
                    continue
    return index if len(index) else None


def _iter_dir(root: Path) -> Iterator[Source]:
    strava: dict[str, dict[str, Any]] = {}
    csv_path = root / "activities.csv"
    if csv_path.is_file() and (root / "activities").is_dir():
        try:
            strava = parse_strava_csv(decode_csv(csv_path.read_bytes()))
        except (OSError, csv.Error):
            strava = {}
    garmin = None if strava else _garmin_dir_index(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            low = fn.lower()
            if low.endswith(".zip"):
                why = not_regular(p)
                if why is None:
                    yield from _iter_zip_path(p, garmin)
                else:
                    yield _error(str(p), NotAnActivityError(str(p), why))
            elif is_activity_name(low):
                meta = None
                match = None
                if strava:
                    rel = p.relative_to(root).as_posix()
                    if rel in strava:
                        meta = dict(strava[rel], source="strava_export")
                else:
                    meta, match = _garmin_meta(garmin, fn)
                yield _file_source(p, meta, match)


def iter_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Source]:
    """Expand files, folders (recursive), .zip/.gz and Strava/Garmin exports.

    Parameters
    ----------
    paths : iterable of str or path
        What the user named on the command line.

    Yields
    ------
    Source
        One per activity-looking file or archive member, in a stable order;
        problems come out as sources with ``error`` set (never raised).
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _iter_dir(path)
        elif path.exists() and not path.is_file():
            yield _error(
                str(path), NotAnActivityError(str(path), not_regular(path) or "not a file")
            )
        elif path.is_file():
            if path.name.lower().endswith(".zip"):
                yield from _iter_zip_path(path)
            else:
                yield _file_source(path)
        else:
            yield _error(str(path), ReadError(str(path), "no such file or folder"))
