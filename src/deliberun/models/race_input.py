"""Parse the race distances and times a runner types (``5k``, ``half``, ``1:45:30``)."""

from __future__ import annotations

import math
import re

#: Names accepted for race distances [m] (metres are also accepted as plain numbers).
DISTANCE_NAMES: dict[str, float] = {
    "1500": 1500.0,
    "1500m": 1500.0,
    "mile": 1609.344,
    "1mile": 1609.344,
    "3k": 3000.0,
    "5k": 5000.0,
    "8k": 8000.0,
    "10k": 10000.0,
    "15k": 15000.0,
    "10mile": 16093.44,
    "10miles": 16093.44,
    "half": 21097.5,
    "halfmarathon": 21097.5,
    "half-marathon": 21097.5,
    "hm": 21097.5,
    "marathon": 42195.0,
    "full": 42195.0,
    "m": 42195.0,
}

_KM = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|km)$")
_METRES = re.compile(r"^(\d+(?:\.\d+)?)\s*m?$")
_MILES = re.compile(r"^(\d+(?:\.\d+)?)\s*(mi|mile|miles)$")


def parse_distance(text: str) -> float:
    """A race distance in metres from ``5k``, ``10 km``, ``half``, ``marathon``, ``3mi`` or ``5000``.

    Raises
    ------
    ValueError
        With the accepted forms when ``text`` is not one of them.
    """
    s = str(text).strip().lower().replace("_", "").replace(" ", "")
    value: float | None = DISTANCE_NAMES.get(s)
    if value is None and (m := _KM.match(s)):
        value = float(m.group(1)) * 1000.0
    if value is None and (m := _MILES.match(s)):
        value = float(m.group(1)) * 1609.344
    if value is None and (m := _METRES.match(s)):
        value = float(m.group(1))
    if value is None or not math.isfinite(value) or value < 100 or value > 500_000:
        raise ValueError(
            f"cannot read race distance {text!r}; use 5k, 10k, half, marathon, 3mi, "
            "or metres such as 5000"
        )
    return value


def parse_duration(text: str) -> float:
    """A time in seconds from ``mm:ss``, ``h:mm:ss`` (decimals allowed) or plain seconds.

    Raises
    ------
    ValueError
        When ``text`` is not a positive time in one of those forms.
    """
    s = str(text).strip()
    parts = s.split(":")
    try:
        if len(parts) == 1:
            value = float(parts[0])
        elif len(parts) in (2, 3):
            nums = [float(p) for p in parts]
            if any(n < 0 for n in nums) or any(n >= 60 for n in nums[1:]):
                raise ValueError
            value = 0.0
            for n in nums:
                value = value * 60 + n
        else:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"cannot read time {text!r}; use mm:ss or h:mm:ss (e.g. 21:50 or 1:45:30)"
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"time {text!r} must be positive; use mm:ss or h:mm:ss")
    return value
