"""Typed errors the readers raise. Every one names the file and a plain reason."""

from __future__ import annotations

from deliberun.errors import DeliberunError


class ReadError(DeliberunError):
    """An input that cannot be read as an activity.

    ``str(err)`` is one line: ``"<path>: <reason>"``. The CLI exits 1; the
    dashboard answers 422 (the file arrived but is not a readable activity).
    """

    http_status = 422

    def __init__(self, path: str, reason: str, *, offset: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.offset = offset
        where = f" (at byte {offset})" if offset is not None else ""
        super().__init__(f"{self.path}: {reason}{where}")


class UnknownFormatError(ReadError):
    """Not a FIT, GPX, TCX or a known export/archive."""


class CorruptFileError(ReadError):
    """The format is known but the content is broken (bad CRC, truncated, bad XML)."""


class NotAnActivityError(ReadError):
    """A valid file that holds no activity (settings, monitoring, workout, course only)."""


class UnsafeInputError(ReadError):
    """Refused for safety: zip bomb, path traversal, XML entities."""
