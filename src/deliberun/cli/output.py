"""Output conventions shared by every command.

stdout carries data only (a Rich table, or one JSON document with ``--json``);
progress and messages go to stderr. A library error becomes ``Error: ...`` and
exit 1; usage errors exit 2 (Typer's own).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from deliberun.jsonable import strict


class SafeConsole(Console):
    """A Console that never lets data break it or the terminal.

    Data printed through :func:`safe` (tables, errors, the import report) shows
    exactly as written. As a net for every other message: control characters in a
    string argument (ESC starting a terminal escape sequence) are shown as ``\\x1b``
    (our own styling is Rich markup, never raw escapes), and text whose brackets are
    not valid markup is printed escaped instead of raising ``MarkupError``.
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        from rich.errors import MarkupError

        objects = tuple(_visible(o) if isinstance(o, str) else o for o in objects)
        try:
            super().print(*objects, **kwargs)
        except MarkupError:
            super().print(*(safe(o) if isinstance(o, str) else o for o in objects), **kwargs)


stdout = SafeConsole(soft_wrap=True)
stderr = SafeConsole(stderr=True, soft_wrap=True)


def to_json(data: Any) -> str:
    """``data`` as strict JSON (``deliberun.jsonable.strict``), indented for a terminal."""
    return json.dumps(strict(data), indent=2)


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")
    sys.stdout.flush()


#: C0 and C1 control characters (ESC, BEL, CR...) and DEL; tab and newline are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def safe(value: Any) -> str:
    """``value`` as text fit to print: Rich markup escaped, control characters shown as ``\\x1b``.

    Everything printed that came from data (names, notes, file names, error
    messages quoting input) goes through here: an activity named ``Easy [/i] run``
    prints as written, and an escape sequence in a file name never reaches the
    terminal raw. Non-UTF-8 bytes of a file name (surrogates) are shown as ``\\xff``.
    """
    from rich.markup import escape

    return escape(_visible("" if value is None else str(value)))


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A terminal table; in a narrow terminal long values wrap (fold) instead of being
    cut with an ellipsis, so no date, id or note is lost. Every cell is ``safe``."""
    t = Table(title=None if title is None else safe(title), show_lines=False)
    for c in columns:
        t.add_column(safe(c), overflow="fold")
    for r in rows:
        t.add_row(*["" if v is None else safe(v) for v in r])
    return t


def number(v: Any, digits: int = 2) -> str:
    """A table cell: a float with ``digits`` decimals, anything else as text, None empty."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def fail(message: str, code: int = 1) -> NoReturn:
    stderr.print(f"[red]Error:[/red] {safe(message)}", highlight=False)
    raise typer.Exit(code)
