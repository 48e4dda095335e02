"""The training zones of each day: the day's VDOT, and a T band that agrees with the
runner's own threshold evidence.

The E, M, I and R bands come from the VDOT of the day (``athlete.vdot_days``).
The T band comes from the runner's threshold pace when it is credible and recent
(``plan.paces.t_band_source``): a threshold pace the runner set, else the estimate from
the sustained 20-60 min efforts of the ``prediction_window_days`` before the day
(``models.thresholds.threshold_pace_as_of``, the method of ``models.thresholds``).
Every day says which it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from deliberun.models.thresholds import threshold_pace_as_of
from deliberun.store import settings_repo
from deliberun.store.db import Database


@dataclass
class DayZones:
    """The VDOT of a day, its pace bands [s/km] and where the T band came from."""

    vdot: float | None
    paces: dict[str, tuple[float, float]] | None
    t_source: str  # "threshold" or "vdot"
    t_words: str
    threshold_pace_s_per_km: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "vdot": round(self.vdot, 2) if self.vdot is not None else None,
            "paces_s_per_km": {k: [a, b] for k, (a, b) in (self.paces or {}).items()},
            "t_pace_source": self.t_source,
            "t_pace_words": self.t_words,
            "threshold_pace_s_per_km": self.threshold_pace_s_per_km,
        }


def zones_by_day(db: Database, *, today: date, days: list[date]) -> dict[date, DayZones]:
    """:class:`DayZones` of each day, from the data up to ``today``."""
    from deliberun.plan.paces import t_band_source, threshold_band, zone_paces
    from deliberun.services.athlete import model_settings, threshold_facts, vdot_days

    if not days:
        return {}
    window = int(model_settings(db)["prediction_window_days"])
    with db.session() as s:
        set_pace = settings_repo.get_settings(s).threshold_pace_s_per_km
    vdots = vdot_days(db, today=today, days=days)
    if set_pace is None:
        since = min(days) - timedelta(days=window)
        estimates = threshold_pace_as_of(
            threshold_facts(db, today=today, since=since), days, window
        )
    out: dict[date, DayZones] = {}
    for d in days:
        v = vdots.get(d)
        if v is None:
            out[d] = DayZones(None, None, "vdot", "no VDOT yet")
            continue
        try:
            paces = zone_paces(v.vdot)
        except ValueError:  # a VDOT outside the equations' range
            out[d] = DayZones(v.vdot, None, "vdot", "VDOT outside the equations' range")
            continue
        pace: float | None
        age: int | None
        if set_pace is not None:
            pace, age = float(set_pace), 0
        else:
            est = estimates.get(d)
            pace = est.value if est is not None else None
            age = (d - est.day).days if est is not None else None
        source, words = t_band_source(
            (v.low, v.high), pace, age, set_by_runner=set_pace is not None
        )
        if source == "threshold" and pace is not None:
            paces = {**paces, "T": threshold_band(pace)}
        out[d] = DayZones(v.vdot, paces, source, words, pace)
    return out
