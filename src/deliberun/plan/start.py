"""Where a plan starts: the runner's actual recent volume and long run, and breaks.

A plan that starts from a default volume (30-50 km/week by race distance) asks a
runner just back from seven weeks off at ~7 km/week for 38 km in week one. So
unless told otherwise (``--volume-km``), ``plan generate`` starts from what the
runner actually ran (:func:`starting_point`):

* **Volume**: the running distance of the last :data:`RECENT_DAYS` days per week;
  when running resumed inside that window after a break, per week since it
  resumed (whole weeks, at least one), so the break's empty weeks do not count
  twice.
* **Long run**: the longest run in the same window.
* **Break**: a gap of at least :data:`BREAK_MIN_DAYS` days without running in
  the last :data:`BREAK_LOOKBACK_DAYS` days. The volume before it is the mean
  weekly volume of the :data:`PRE_BREAK_WEEKS` weeks before the gap.
* **Return ramp** (:func:`return_caps`): the weekly volume rebuilds towards the
  pre-break volume in steps of 33 %, 50 % and 75 % of it, each a third of the
  break's length (at most three weeks each), then the full volume: the
  return-from-break schedule of Daniels, *Daniels' Running Formula* (3rd ed.,
  2014, "Taking a break"; breaks of 6-28 days: halves at 50 % and 75 %). Within
  those caps the plan's own rules (10 % ramp, coupled ACWR at most 1.3) still
  hold, from the actual volume.

Pure: the caller passes the runs (local date, distance [m]) and ``today``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

#: Days whose running sets the current volume and long run.
RECENT_DAYS = 28
#: A gap at least this long [days] without running is a break.
BREAK_MIN_DAYS = 14
#: How far back a break still shapes the start [days].
BREAK_LOOKBACK_DAYS = 84
#: Weeks before the break whose mean is the volume to return to.
PRE_BREAK_WEEKS = 8
#: The least weekly volume a plan starts from [km] (``generate_plan`` refuses less).
MIN_VOLUME_KM = 5.0


@dataclass
class StartingPoint:
    """The runner's actual state for a plan, with its evidence."""

    volume_km: float  # per week, recent
    long_run_km: float  # the longest run, recent
    weeks_counted: int
    break_days: int | None = None  # the break's length, if there was one
    break_end: date | None = None  # the first run after it
    pre_break_km: float | None = None  # weekly volume before it
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "volume_km": round(self.volume_km, 1),
            "long_run_km": round(self.long_run_km, 1),
            "weeks_counted": self.weeks_counted,
            "break_days": self.break_days,
            "break_end": self.break_end.isoformat() if self.break_end else None,
            "pre_break_km": round(self.pre_break_km, 1) if self.pre_break_km else None,
            "notes": list(self.notes),
        }


def starting_point(runs: Iterable[tuple[date, float]], today: date) -> StartingPoint:
    """The volume, long run and latest break of the runs up to ``today`` (inclusive).

    Parameters
    ----------
    runs : iterable of (date, metres)
        Running activities (manual ones included) by local date.
    today : date
        The as-of date.
    """
    days = sorted((d, m / 1000.0) for d, m in runs if d <= today and m and m > 0)
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    recent = [(d, km) for d, km in days if d >= recent_from]
    out = StartingPoint(0.0, 0.0, RECENT_DAYS // 7)
    # the latest break: the longest gap between runs (or before today) in the lookback
    look_from = today - timedelta(days=BREAK_LOOKBACK_DAYS)
    dates = sorted({d for d, _ in days})
    gap_start: date | None = None
    gap_end: date | None = None
    for a, b in zip(dates, [*dates[1:], today + timedelta(days=1)][: len(dates)], strict=True):
        if b < look_from:
            continue
        if (b - a).days - 1 >= BREAK_MIN_DAYS:
            gap_start, gap_end = a, b  # keep the latest
    if gap_start is not None and gap_end is not None:
        out.break_days = (gap_end - gap_start).days - 1
        out.break_end = gap_end if gap_end <= today else None
        pre_from = gap_start - timedelta(days=7 * PRE_BREAK_WEEKS - 1)
        pre = sum(km for d, km in days if pre_from <= d <= gap_start)
        out.pre_break_km = pre / PRE_BREAK_WEEKS
        out.notes.append(
            f"break of {out.break_days} days without running after {gap_start}"
            f" (before it: {out.pre_break_km:.1f} km/week)"
        )
    weeks = RECENT_DAYS // 7
    if out.break_end is not None and out.break_end > recent_from:
        weeks = max(1, math.ceil(((today - out.break_end).days + 1) / 7))
    out.weeks_counted = weeks
    out.volume_km = sum(km for _, km in recent) / weeks
    out.long_run_km = max((km for _, km in recent), default=0.0)
    out.notes.append(
        f"last {weeks} week(s): {out.volume_km:.1f} km/week, longest run {out.long_run_km:.1f} km"
    )
    return out


def return_caps(point: StartingPoint, plan_start: date, n_weeks: int) -> list[float | None]:
    """Each plan week's volume cap [km] on the way back from a break (None: no cap).

    Steps of 33 %, 50 %, 75 % of the pre-break volume, each a third of the break
    (1-3 weeks), counted from the first run after the break; then no cap.
    """
    if point.break_days is None or point.pre_break_km is None or point.break_days < 7:
        return [None] * n_weeks
    resumed = point.break_end or plan_start
    step_weeks = min(3.0, max(1.0, point.break_days / 7 / 3))
    caps: list[float | None] = []
    for w in range(n_weeks):
        back = ((plan_start + timedelta(days=7 * w)) - resumed).days / 7.0
        k = int(back // step_weeks) if back >= 0 else 0
        frac = (0.33, 0.5, 0.75)[k] if k < 3 else None
        caps.append(None if frac is None else frac * point.pre_break_km)
    return caps
