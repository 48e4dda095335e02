"""Use cases of a single workout: its steps at the athlete's paces, and the VDOT those
paces rest on, said in words (``deliberun workout parse/export``, ``plan generate``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from deliberun.plan.formats.fit_workout import write_fit_workout
from deliberun.plan.paces import zone_paces
from deliberun.plan.text import format_workout, parse_workout
from deliberun.services.dashboard_base import units_of
from deliberun.services.plan import current_vdot
from deliberun.store.db import Database


@dataclass(frozen=True)
class ZoneVdot:
    """The VDOT a workout's zones use, where it came from, and that said in words.

    ``source``: ``given`` (typed by the runner), ``best recent effort``, ``threshold pace
    setting`` (the athlete's estimate) or ``default`` (nothing known: a middle value).
    """

    value: float
    source: str

    @property
    def words(self) -> str | None:
        """A note for the runner; ``None`` when the runner typed the VDOT."""
        if self.source == "given":
            return None
        if self.source == "default":
            return (
                "no VDOT known yet (no recent race or hard effort, no threshold pace set): "
                f"zones use VDOT {self.value:g}, a middle value (give --vdot V)"
            )
        return f"zones use your VDOT {self.value:.1f}, from your {self.source} (or give --vdot V)"


def zone_vdot(db: Database, given: float | None, *, today: date) -> ZoneVdot:
    """The VDOT as given, else the athlete's estimate as of ``today``, else the default."""
    if given is not None:
        return ZoneVdot(float(given), "given")
    value, source = current_vdot(db, today=today)
    return ZoneVdot(value, source)


@dataclass(frozen=True)
class ParsedWorkout:
    """``deliberun workout parse``: the workout's document, its VDOT and the display units.

    ``document`` (``--json``): ``text`` (canonical), ``vdot``, ``workout_type``, ``steps``
    (each with its target pace band in s/km).
    """

    document: dict[str, Any]
    vdot: ZoneVdot
    units: str

    def to_dict(self) -> dict[str, Any]:
        return self.document


def parsed_workout(db: Database, text: str, *, vdot: float | None, today: date) -> ParsedWorkout:
    """Parse workout text (``WorkoutSyntaxError``, an ``InvalidInput``, names the place)
    and resolve its zones at the VDOT of :func:`zone_vdot`."""
    w = parse_workout(text)
    v = zone_vdot(db, vdot, today=today)
    doc = {"text": format_workout(w), "vdot": v.value, **w.to_dict(zone_paces(v.value))}
    return ParsedWorkout(doc, v, units_of(db))


def export_workout_fit(
    db: Database, text: str, path: Path, *, name: str | None, vdot: float | None, today: date
) -> ZoneVdot:
    """Write workout text as a FIT workout file a Garmin watch loads; returns the VDOT
    its paces used."""
    w = parse_workout(text)
    v = zone_vdot(db, vdot, today=today)
    path.write_bytes(write_fit_workout(w, zone_paces(v.value), name=name or format_workout(w)[:40]))
    return v
