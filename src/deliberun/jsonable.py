"""The JSON boundary: what every document becomes before it leaves the process.

One rule for the metrics document (``metrics.compute``), the database's JSON
columns (``store.repository``), ``--json`` on the command line (``cli.output``)
and the dashboard's JSON twins (``web.responses``):

- NaN and ±inf become ``null`` (strict JSON: ``JSON.parse`` refuses ``NaN``);
- numpy scalars and arrays become Python numbers and lists; tuples and sets lists;
- dates and datetimes become ISO 8601 (with their offset when aware);
- an object with ``to_dict()`` becomes its dict; dict keys become strings.

``strict`` leaves any other object as it is (``json.dumps`` then refuses it, which
is a bug to fix where the object was made); ``storable`` writes it as ``str(obj)``
instead, because a row must always be written (an import never fails on an odd
value a device put in a file).

Pure: numpy only, no deliberun import (every layer may use it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import numpy as np

__all__ = ["finite_rounded", "storable", "strict"]


def strict(obj: Any, default: Callable[[Any], Any] | None = None) -> Any:
    """A strict-JSON copy of ``obj`` (the rules in the module docstring).

    Parameters
    ----------
    obj : Any
        A document: dicts, lists, numbers, strings, dates, numpy values.
    default : callable, optional
        What an object of no known kind becomes (default: left as it is).
    """
    kind = type(obj)  # exact types first: most values of a document are these
    if kind is float:
        return obj if math.isfinite(obj) else None
    if obj is None or kind is str or kind is int or kind is bool:
        return obj
    if kind is dict:
        return {str(k): strict(v, default) for k, v in obj.items()}
    if kind is list or kind is tuple:
        return [strict(v, default) for v in obj]
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return {str(k): strict(v, default) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [strict(v, default) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, np.ndarray):
        return [strict(v, default) for v in obj.tolist()]
    if hasattr(obj, "tolist"):
        return strict(obj.tolist(), default)
    if hasattr(obj, "to_dict"):
        return strict(obj.to_dict(), default)
    return obj if default is None else default(obj)


def storable(obj: Any) -> Any:
    """``strict``, with any object of no known kind written as ``str(obj)`` (a JSON column
    must always be written)."""
    return strict(obj, default=str)


def finite_rounded(values: Any, digits: int = 3) -> list[float | None]:
    """A chart series: each value rounded to ``digits``, NaN and ±inf as ``None``."""
    return [None if not math.isfinite(v) else round(float(v), digits) for v in values]


def finite_number(value: Any) -> float | None:
    """A JSON value read back as a number: a finite float, else ``None`` (missing, words,
    NaN, ±inf; ``True``/``False`` are not numbers here)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None
