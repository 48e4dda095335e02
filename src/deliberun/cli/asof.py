"""The day every command treats as today (``deliberun --today YYYY-MM-DD``).

Read once by the root callback (``--today``, else ``DELIBERUN_TODAY``, else the local
date) and handed to the services, which see only data up to that day: "what would
deliberun have said on that day".
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date

import typer

_PINNED: ContextVar[date | None] = ContextVar("deliberun_today", default=None)


def parse_today(text: str | None) -> date | None:
    """``--today`` as a date; a usage error (exit 2) when it is not YYYY-MM-DD."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date: use YYYY-MM-DD", param_hint="--today"
        ) from None


def pin(day: date | None) -> None:
    """Set the as-of date of this command (None: the local date)."""
    _PINNED.set(day)


def today() -> date:
    """The as-of date of the running command (the local date when none was given)."""
    return _PINNED.get() or date.today()


def looking_back() -> bool:
    """Whether the command looks back (``--today`` before the local date): it reads as of
    that day and writes nothing (no estimate stored, no metric recomputed)."""
    pinned = _PINNED.get()
    return pinned is not None and pinned < date.today()
