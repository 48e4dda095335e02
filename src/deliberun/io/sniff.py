"""Format sniffing and the single entry point :func:`read_bytes`.

Content decides first (FIT signature, gzip magic, XML root element); the file
name only breaks ties (a ``.fit`` that is not FIT is a corrupt FIT, an unknown
extension with unknown content is an unknown format).
"""

from __future__ import annotations

import gzip
import zlib

from deliberun.io.activity import Activity
from deliberun.io.errors import CorruptFileError, ReadError, UnknownFormatError, UnsafeInputError
from deliberun.io.fit import parse_fit
from deliberun.io.gpx import parse_gpx
from deliberun.io.strava_streams import STRAVA_JSON_SUFFIX, read_strava_document
from deliberun.io.tcx import parse_tcx

#: Refuse to gunzip past this many bytes (a real activity file is < 100 MB).
MAX_GUNZIP_BYTES = 1 << 30
#: ... and refuse a compression ratio over this once past ``GUNZIP_RATIO_MIN_BYTES``
#: (the archive rule of ``sources.LIMITS``; real FIT/GPX/TCX gzip 2-20x).
GUNZIP_MAX_RATIO = 200
GUNZIP_RATIO_MIN_BYTES = 10 << 20
_GUNZIP_CHUNK = 4 << 20
_HEAD = 4096


def sniff(data: bytes, name: str = "") -> str:
    """Guess the format of ``data``: ``fit``, ``gpx``, ``tcx``, ``gz``, ``zip``, ``html``, ``xml`` or ``unknown``."""
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    if data[:2] == b"\x1f\x8b":
        return "gz"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return "zip"
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<"):
        if b"<html" in head or b"<!doctype html" in head:
            return "html"
        if b"<gpx" in head:
            return "gpx"
        if b"<trainingcenterdatabase" in head:
            return "tcx"
        return "xml"
    return "unknown"


def gunzip(data: bytes, name: str, limit: int | None = None) -> bytes:
    """Decompress gzip bytes, refusing more than ``limit`` (default :data:`MAX_GUNZIP_BYTES`) bytes."""
    if limit is None:
        limit = MAX_GUNZIP_BYTES
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size = 0
    tail = data
    try:
        while True:  # in chunks, so a bomb is refused before it is in memory
            before = len(tail)
            chunk = d.decompress(tail, min(_GUNZIP_CHUNK, limit + 1 - size))
            parts.append(chunk)
            size += len(chunk)
            tail = d.unconsumed_tail
            if size > limit:
                raise UnsafeInputError(
                    name, f"gzip expands past {limit >> 20} MiB; refused as a possible gzip bomb"
                )
            used = len(data) - len(tail) - len(d.unused_data)
            if size > GUNZIP_RATIO_MIN_BYTES and size > GUNZIP_MAX_RATIO * max(used, 1):
                raise UnsafeInputError(
                    name,
                    f"gzip compression ratio over {GUNZIP_MAX_RATIO} refused (possible gzip bomb)",
                )
            if d.eof or (not chunk and len(tail) == before):
                break
    except zlib.error as exc:
        raise CorruptFileError(name, f"damaged gzip data ({exc})") from None
    out = b"".join(parts)
    if not d.eof:
        raise CorruptFileError(name, "gzip data is truncated")
    return out


def _strip_gz(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def read_bytes(data: bytes, name: str) -> Activity:
    """Read one activity from bytes, sniffing the format (FIT, GPX, TCX, gzipped).

    Parameters
    ----------
    data : bytes
        The file content as given (may be gzipped).
    name : str
        Path or display name, used for messages and as a tie-breaker.

    Returns
    -------
    Activity

    Raises
    ------
    ReadError
        Only its subclasses: ``UnknownFormatError``, ``CorruptFileError``,
        ``NotAnActivityError``, ``UnsafeInputError``; one line naming ``name``.
    """
    try:
        return _read(data, name, depth=0)
    except ReadError:
        raise
    except (
        ValueError,
        IndexError,
        KeyError,
        TypeError,
        OverflowError,
        EOFError,
        gzip.BadGzipFile,
    ) as exc:
        raise CorruptFileError(
            name, f"cannot read ({type(exc).__name__}: {str(exc)[:120]})"
        ) from None


def _read(data: bytes, name: str, depth: int) -> Activity:
    lower = name.lower()
    if not data:
        raise CorruptFileError(name, "empty file (0 bytes)")
    kind = sniff(data, name)
    if kind == "gz":
        if depth > 0:
            raise UnsafeInputError(name, "gzip inside gzip refused")
        return _read(gunzip(data, name), name, depth + 1)
    inner = _strip_gz(lower)
    if kind == "fit":
        return parse_fit(data, name)
    if kind == "gpx":
        return parse_gpx(data, name)
    if kind == "tcx":
        return parse_tcx(data, name)
    if kind in ("xml", "html") and b"<!entity" in data[:65536].lower():
        raise UnsafeInputError(
            name, "XML with entity declarations refused (possible entity-expansion attack)"
        )
    if kind == "html":
        raise UnknownFormatError(
            name, "an HTML page, not a GPX/TCX/FIT file (a failed download or a login page?)"
        )
    if kind == "xml":
        if inner.endswith(".gpx"):
            return parse_gpx(data, name)
        if inner.endswith(".tcx"):
            return parse_tcx(data, name)
        raise UnknownFormatError(name, "XML but neither GPX nor TCX")
    if kind == "zip":
        raise UnknownFormatError(
            name,
            "a zip archive holds several files; import it as a path (folders and .zip are expanded)",
        )
    if inner.endswith(STRAVA_JSON_SUFFIX) and data.lstrip()[:1] == b"{":
        return read_strava_document(data, name)
    if inner.endswith(".fit"):
        if len(data) < 12:
            raise CorruptFileError(name, f"too short for a FIT file ({len(data)} bytes): truncated")
        raise CorruptFileError(
            name, "not a FIT file: the '.FIT' signature is missing (damaged or not FIT)"
        )
    if inner.endswith((".gpx", ".tcx")):
        raise CorruptFileError(name, "not XML: the file does not start with '<' (damaged?)")
    raise UnknownFormatError(name, "unknown format: expected FIT, GPX or TCX (optionally .gz)")
