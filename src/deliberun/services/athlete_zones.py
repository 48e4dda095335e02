"""The training zones of each day: the day's VDOT, and a T band that agrees with the
runner's own threshold evidence.

The E, M, I and R bands come from the VDOT of the day (``athlete.vdot_days``).
The T band comes from the runner's threshold pace when it is credible and recent
(``plan.paces.t_band_source``): a threshold pace the runner set, else the estimate from
the sustained 20-60 min efforts of the ``prediction_window_days`` before the day
(``models.thresholds.threshold_pace_as_of``, the method of ``models.thresholds``).
Every day says which it used.

Stored zones (migration 0017_stored_zones): on a 10-year archive computing the zones of
the 400 days of practice sessions was ~40 % of a cold /targets or /experiments (the
efforts and race verdicts of each day's window, the last race before it, the threshold
evidence), and each stored practice session's key holds its day's VDOT and T band. So the
zones of a span of session days are kept, with the workout types the session classifier
judged for their runs (``practice_sessions._session_types``: the keys of the stored types
need the threshold estimate and the race verdicts of the window as soon as one run is not
named by the plan: a runner without a plan, or the day after an import). They are stored
by :func:`store` (called by ``practice_sessions.store_sessions``:
``stored_verdicts.refresh`` after an import, a Strava sync, ``recompute``, the
dashboard's warm-up) with a key (:func:`zones_key`) of: the
athlete's data version (``store.data_version``, moved in the same transaction as any write
to the runner's data: runs, metrics, race marks, settings, plans, cycles), the as-of date,
the first day (the VDOT of each day rests on the window before the first: see
``athlete.vdot_days``), the model settings and threshold pace read, a digest of the
code (:data:`CODE`) and the Python and numpy versions (:data:`RUNTIME`). :func:`stored` returns them only when the key is the key now and
every day and run asked for is among them; otherwise the caller computes them. The data version
is read before anything the stored zones are computed from, so a key is never newer than
its zones. Any write moves it (a journal entry too): the next page computes the zones
until the next refresh stores them again, as before this table.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import numpy as np

from deliberun.models.thresholds import threshold_pace_as_of
from deliberun.services import history
from deliberun.source_digest import PACKAGE, source_digest
from deliberun.store import data_version, settings_repo, verdicts_repo
from deliberun.store.db import Database
from deliberun.store.retry import retry_write


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
    from deliberun.services.athlete import threshold_facts, vdot_days

    if not days:
        return {}
    window = int(history.of(db).model_settings()["prediction_window_days"])
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


# --------------------------------------------------------------------------- stored


def _code() -> str:
    """A digest of the code the stored values are computed by: the models, the plan's pace
    tables, the athlete services (efforts, race verdicts, thresholds, the history they
    read), the session types (and the practice package they read) and the store (its
    reads, and the data version that keys them)."""
    services = ("athlete.py", "athlete_paces.py", "athlete_settings.py", "athlete_state.py",
                "athlete_zones.py", "history.py", "practice_sessions.py", "races.py",
                "session_types.py", "verdict_keys.py")  # fmt: skip
    return source_digest([*sorted((PACKAGE / "models").glob("*.py")),
                          *sorted((PACKAGE / "plan").glob("*.py")),
                          *sorted((PACKAGE / "practice").glob("*.py")),
                          *(PACKAGE / "services" / f for f in services),
                          *sorted((PACKAGE / "store").glob("*.py")),
                          *sorted((PACKAGE / "store" / "migrations" / "versions").glob("*.py")),
                          PACKAGE / "io" / "activity.py", PACKAGE / "athlete.py",
                          PACKAGE / "units.py"])  # fmt: skip


#: The digest of the code that computes the stored values (in every stored row's key).
CODE = _code()
#: The Python and numpy versions the values were computed with (their floats' last bits).
RUNTIME = (sys.version_info[:3], np.__version__)


def data_version_now(db: Database) -> int:
    """The athlete's data version now (read it before the data a stored value rests on)."""
    with db.session() as s:
        return data_version.version(s, db.athlete_id)


def zones_key(db: Database, *, today: date, first: date, version: int) -> str:
    """The key of the values of the session days from ``first`` as of ``today`` on the
    athlete's data ``version``: that, the settings :func:`zones_by_day` reads and
    :data:`CODE`."""
    h = history.of(db)
    settings = sorted(h.model_settings().items())
    parts = (CODE, RUNTIME, version, today, first, settings,
             h.settings().threshold_pace_s_per_km)  # fmt: skip
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def encode(zones: dict[date, DayZones], types: dict[int, str | None]) -> str:
    """The values as stored: ``{"zones": {ISO day: [vdot, [[zone, low, high], ...] or None,
    t_source, t_words, threshold pace]}, "types": {activity id: judged workout type or
    None}}`` (floats exact, the bands and the runs in their order)."""
    return json.dumps({
        "zones": {d.isoformat(): [z.vdot, None if z.paces is None else [[k, a, b] for k, (a, b) in z.paces.items()],
                                  z.t_source, z.t_words, z.threshold_pace_s_per_km]
                  for d, z in zones.items()},
        "types": {str(a): v for a, v in types.items()},
    })  # fmt: skip


def decode(text: str) -> dict[str, Any]:
    """``{"zones": {day: DayZones}, "types": {activity id: type or None}}`` as
    :func:`encode` stored them."""
    data = json.loads(text)
    zones: dict[date, DayZones] = {}
    for day, (vdot, paces, source, words, pace) in data["zones"].items():
        bands = None if paces is None else {str(k): (float(a), float(b)) for k, a, b in paces}
        zones[date.fromisoformat(day)] = DayZones(
            None if vdot is None else float(vdot), bands, str(source), str(words),
            None if pace is None else float(pace),
        )  # fmt: skip
    types = {int(a): None if v is None else str(v) for a, v in data["types"].items()}
    return {"zones": zones, "types": types}


def stored(
    db: Database, *, today: date, days: list[date], version: int, ids: Iterable[int] = ()
) -> dict[str, Any] | None:
    """The stored values of the session days ``days`` (sorted) and of the runs ``ids`` as
    of ``today`` on data ``version`` (``{"zones": {day: DayZones}, "types": {activity id:
    judged workout type or None}}``), or None when none are stored for their first day
    under the key of now, or a day or a run is missing."""
    if not days:
        return None
    key = zones_key(db, today=today, first=days[0], version=version)
    with db.session() as s:
        found = verdicts_repo.stored_zones(s, db.athlete_id, days[0])
    if found is None or found[0] != key:
        return None
    kept = decode(found[1])
    zones, types = kept["zones"], kept["types"]
    wanted = [int(i) for i in ids]
    if any(d not in zones for d in days) or any(i not in types for i in wanted):
        return None
    return {"zones": {d: zones[d] for d in days}, "types": {i: types[i] for i in wanted}}


def store(db: Database, *, today: date, values: dict[str, Any], version: int) -> int:
    """Keep ``values`` (``{"zones", "types"}`` as :func:`stored` gives them: of the days
    from the first, as of ``today``, computed on data ``version``) unless the data
    version moved since; returns how many rows were stored."""
    zones = values.get("zones") or {}
    if not zones:
        return 0
    first = min(zones)
    key = zones_key(db, today=today, first=first, version=version)
    value = encode(dict(sorted(zones.items())), values.get("types") or {})
    stored_: int = retry_write(
        partial(_save, db, first, today, version, key, value), retry_integrity=True
    )
    return stored_


def _save(db: Database, first: date, today: date, version: int, key: str, value: str) -> int:
    with db.session() as s, s.begin():
        if data_version.version(s, db.athlete_id) != version:  # a write since: stale
            return 0
        verdicts_repo.save_zones(s, db.athlete_id, first, today, version, key, value)
    return 1
