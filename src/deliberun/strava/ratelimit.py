"""Strava's rate-limit headers and how long to wait before the next request.

Strava reports, on every response, ``X-RateLimit-Limit`` / ``X-RateLimit-Usage`` (all
requests) and ``X-ReadRateLimit-Limit`` / ``X-ReadRateLimit-Usage`` (the "non-upload"
requests a sync makes), each "15-minute value,daily value". The 15-minute window resets
at natural quarter hours (0, 15, 30, 45 minutes past the hour), the daily one at
midnight UTC (https://developers.strava.com/docs/rate-limits/). Both window lengths are
parameters so the tests can run the same rules with short windows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


def _pair(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        a, b = (int(x.strip()) for x in value.split(","))
    except ValueError:
        return None
    return a, b


@dataclass
class RateLimit:
    """The tightest limits and usage seen in the last response."""

    window_s: float = 900.0
    day_s: float = 86400.0
    limit_short: int | None = None
    limit_day: int | None = None
    usage_short: int = 0
    usage_day: int = 0

    def update(self, headers: Mapping[str, str]) -> None:
        """Read the limit headers (the read limits when present: they are the tighter)."""
        headers = {k.lower(): v for k, v in headers.items()}
        for lim_key, use_key in (
            ("x-readratelimit-limit", "x-readratelimit-usage"),
            ("x-ratelimit-limit", "x-ratelimit-usage"),
        ):
            lim, use = _pair(headers.get(lim_key)), _pair(headers.get(use_key))
            if lim is not None and use is not None:
                self.limit_short, self.limit_day = lim
                self.usage_short, self.usage_day = use
                return

    def next_boundary(self, now: float, length: float) -> float:
        """Seconds from ``now`` (epoch) to the next natural boundary of a window."""
        nxt = math.floor(now / length + 1e-9) * length + length
        return max(nxt - now, 0.0)

    def wait_s(self, now: float) -> float:
        """Seconds to wait before the next request (0 when there is room)."""
        if self.limit_day is not None and self.usage_day >= self.limit_day:
            return self.next_boundary(now, self.day_s)
        if self.limit_short is not None and self.usage_short >= self.limit_short:
            return self.next_boundary(now, self.window_s)
        return 0.0

    def after_429(self, now: float) -> float:
        """The wait after a 429: to the reset of the window that is full (short if unsure)."""
        w = self.wait_s(now)
        return w if w > 0 else self.next_boundary(now, self.window_s)

    def describe(self) -> str:
        return (
            f"{self.usage_short}/{self.limit_short} in 15 min, "
            f"{self.usage_day}/{self.limit_day} today"
        )
