"""Hardened, streaming XML for the GPX and TCX readers.

The readers drive a bare ``pyexpat`` parser (:func:`make_parser`, :func:`feed`)
with their own start / end / character-data handlers: no element tree is
built, and each distinct tag's namespace is stripped once (cached). This is
~3x faster than ``defusedxml``'s ``iterparse`` (which runs the pure-Python
``XMLParser`` and builds every element) on 1 Hz track files.

Safety is the same as ``defusedxml`` with ``forbid_entities`` and
``forbid_external``: any entity declaration (the "billion laughs" expansion,
external and unparsed entities) or external entity reference raises from its
handler and becomes :class:`~deliberun.io.errors.UnsafeInputError`; a DTD
without entities is read (its external subset is never fetched). Malformed XML
becomes :class:`~deliberun.io.errors.CorruptFileError`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.parsers import expat

from deliberun.io.errors import CorruptFileError, UnsafeInputError

#: Bytes handed to expat per feed. Expat rescans an unfinished token on every
#: feed: with 16 KiB feeds one 8 MiB attribute took 2.7 s (quadratic); with
#: 1 MiB feeds 0.2 s, same speed on normal files (fuzzing).
XML_FEED_BYTES = 1 << 20


class _Refused(Exception):
    """Raised from an expat handler when the document declares or references entities."""


def _refuse_entity(*_args: object) -> None:
    raise _Refused("EntitiesForbidden")


def _refuse_external(*_args: object) -> int:
    raise _Refused("ExternalReferenceForbidden")


def local(tag: str) -> str:
    """The tag name without its namespace (``{ns}tag`` or expat's ``ns}tag``)."""
    return tag.rsplit("}", 1)[-1]


def make_parser() -> expat.XMLParserType:
    """A namespace-aware expat parser that refuses entity tricks.

    Tags arrive as ``namespace}local`` (or ``local``). Entity declarations
    (internal: "billion laughs"; unparsed) and external entity references raise
    from their handlers, which :func:`feed` turns into :class:`UnsafeInputError`
    -- the same refusals as ``defusedxml`` with ``forbid_entities`` and
    ``forbid_external``. Character data is buffered (one call per text run).
    """
    parser = expat.ParserCreate(None, "}")
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.buffer_text = True
    return parser


def feed(parser: expat.XMLParserType, data: bytes, name: str) -> None:
    """Parse all of ``data`` with ``parser``, :data:`XML_FEED_BYTES` per call.

    Raises
    ------
    UnsafeInputError
        Entity declarations, external entities or external DTDs.
    CorruptFileError
        Malformed XML.
    """
    view = memoryview(strip_prolog(data))
    try:
        for pos in range(0, len(data), XML_FEED_BYTES):
            parser.Parse(bytes(view[pos : pos + XML_FEED_BYTES]), False)
        parser.Parse(b"", True)
    except _Refused as exc:
        raise UnsafeInputError(
            name, f"XML with entity declarations or external references refused ({exc})"
        ) from None
    except expat.ExpatError as exc:
        raise CorruptFileError(name, f"malformed XML ({str(exc)[:120]})") from None
    except (LookupError, UnicodeError) as exc:  # encoding="klingon" in the XML declaration
        raise CorruptFileError(
            name, f"XML in an unknown or wrong text encoding ({str(exc)[:120]})"
        ) from None


#: A UTF-8 byte-order mark; UTF-16 files start with one of these two.
_BOM_UTF8 = b"\xef\xbb\xbf"
_BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def strip_prolog(data: bytes) -> bytes:
    """``data`` without a UTF-8 BOM and whitespace before the first ``<``.

    XML 1.0 (section 2.8) allows nothing before the ``<?xml`` declaration, so
    expat refuses such files ("XML or text declaration not at start of entity"),
    but real exports have them: a TCX from a real watch sync starts with a newline
    and blanks, some tools write a BOM then a newline. What precedes the first
    ``<`` carries no content, so it is dropped. UTF-16 files (their own BOM) are
    left to expat, which decodes them.
    """
    if data.startswith(_BOM_UTF16):
        return data
    head = data[:4096]
    body = head.removeprefix(_BOM_UTF8).lstrip(b" \t\r\n")
    if len(body) == len(head):
        return data
    return body + data[4096:]


def parse_time(text: str | None) -> float | None:
    """ISO 8601 text -> Unix seconds (UTC assumed when no offset); None when unparsable."""
    if not text:
        return None
    t = text.strip()
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        return None
    if dt.tzinfo is None:
        from datetime import UTC

        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def to_float(text: Any) -> float:
    """Float from element text, NaN when missing or not a number."""
    if text is None:
        return float("nan")
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")
