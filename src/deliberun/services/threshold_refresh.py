"""Keep the metrics on the thresholds in use: after a change, recompute what it affects.

The thresholds every metric uses are the runner's settings, else the latest estimate
from their runs (``settings_repo.estimates_in_use``, see ``metrics.thresholds``). When
either changes (``deliberun athlete set hr_max_bpm 193``, a new estimate after an
import, a Strava sync (CLI or dashboard) or ``deliberun athlete``), the activities whose stored metrics were computed with
other values are recomputed at once (with a progress bar on the CLI), and the caller
says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from deliberun.services.athlete_settings import THRESHOLD_KEYS
from deliberun.store import athlete_repo, settings_repo
from deliberun.store.db import Database
from deliberun.units import pace, plain

#: Stored values closer than this to the value in use are the same (bpm, s/km).
TOLERANCE = 0.05


def in_use(db: Database) -> dict[str, float]:
    """``{key: value}`` of every threshold the metrics should use (set, else estimated)."""
    with db.session() as s:
        st = settings_repo.get_settings(s)
        out = settings_repo.estimates_in_use(s)
    for key in THRESHOLD_KEYS:
        v = getattr(st, key, None)
        if v is not None:
            out[key] = float(v)
    return {k: v for k, v in out.items() if k in THRESHOLD_KEYS}


def affected(db: Database, values: dict[str, float] | None = None) -> list[int]:
    """Ids of the activities whose stored metrics used other thresholds than ``values``."""
    values = in_use(db) if values is None else values
    if not values:
        return []
    out = []
    with db.session() as s:
        pairs = athlete_repo.activities_with_metrics(s, keys=("thresholds_used",))
    for row, m in pairs:
        used = m.get("thresholds_used")
        if not isinstance(used, dict):
            continue
        for key, value in values.items():
            stored = (used.get(key) or {}).get("value")
            if stored is None or abs(float(stored) - value) > TOLERANCE:
                out.append(int(row.id))
                break
    return out


def refresh(
    db: Database,
    *,
    today: date,
    estimate: bool = True,
    progress: Callable[[int, int | None, str], None] | None = None,
    workers: int | None = None,
    before: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Re-estimate the thresholds (when ``estimate``), then recompute the activities whose
    metrics used other values. Returns ``{"in_use", "changed", "recomputed", "failed"}``;
    ``changed`` maps each threshold in use that moved to ``[before, after]`` (``before``:
    the values in use before a change the caller made, e.g. ``athlete set``)."""
    from deliberun.services.activities import recompute
    from deliberun.services.athlete import threshold_estimates

    before = in_use(db) if before is None else before
    if estimate:
        threshold_estimates(db, today=today, save=True)
    after = in_use(db)
    changed = {
        k: [before.get(k), v]
        for k, v in after.items()
        if before.get(k) is None or abs(before[k] - v) > TOLERANCE
    }
    ids = affected(db, after)
    failed = 0
    if ids:
        report = recompute(db, only=ids, progress=progress, workers=workers)
        failed = len(report.failed)
    return {"in_use": after, "changed": changed, "recomputed": len(ids), "failed": failed}


def describe(result: dict[str, Any]) -> str | None:
    """One line for the runner, or None when nothing was recomputed."""
    if not result["recomputed"]:
        return None
    moved = ", ".join(
        f"{plain(k)} {_value(k, a)} → {_value(k, b)}"
        for k, (a, b) in sorted(result["changed"].items())
    )
    what = f"thresholds changed ({moved}): " if moved else "thresholds in use: "
    tail = f", {result['failed']} failed" if result["failed"] else ""
    return f"{what}recomputed the metrics of {result['recomputed']} activities{tail}"


def _value(key: str, value: float | None) -> str:
    """A threshold as a runner reads it: a pace per km, heart rate in bpm."""
    if value is None:
        return "none"
    return pace(value) if key.endswith("_s_per_km") else f"{value:.0f} bpm"
