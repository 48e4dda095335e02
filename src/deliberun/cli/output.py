"""Output conventions shared by every command.

stdout carries data only (a Rich table, or one JSON document with ``--json``);
progress and messages go to stderr. A library error becomes ``Error: ...`` and
exit 1; usage errors exit 2 (Typer's own).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _clean(obj: Any) -> Any:
    """NaN/inf become null so the output is strict JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def to_json(data: Any) -> str:
    return json.dumps(_clean(json.loads(json.dumps(data, default=_default))), indent=2)


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")
    sys.stdout.flush()


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A terminal table; in a narrow terminal long values wrap (fold) instead of being
    cut with an ellipsis, so no date, id or note is lost."""
    t = Table(title=title, show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    return t


def fail(message: str, code: int = 1) -> NoReturn:
    stderr.print(f"[red]Error:[/red] {message}", highlight=False)
    raise typer.Exit(code)
