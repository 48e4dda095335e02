"""The athlete's state day by day: the daily load and the one load model every page
reads (re-exported by ``deliberun.services.athlete``), each computed once per use case
(``services.history``).

Light reads: only the values needed are taken out of the stored metrics by JSON path,
never whole metrics documents (see docs/models.md, "One load model for every page").
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.models import load as ld
from deliberun.models import load_ratios as lr
from deliberun.services import history
from deliberun.store import athlete_repo
from deliberun.store.db import Database


def _num(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _activity_loads(
    db: Database, *, until: date, load_model: str
) -> list[tuple[date, float | None]]:
    """``(local date, load)`` of every activity up to ``until``: one light query that
    reads only the load value out of the metrics (not the whole metrics document)."""
    with db.session() as s:
        return athlete_repo.activity_loads(s, until=until, load_model=load_model)


def daily_load(db: Database, *, today: date) -> tuple[date | None, np.ndarray, list[str]]:
    """Daily load from the first activity to ``today`` (inclusive) and notes on gaps,
    computed once per use case (the load model, the fitness page and Banister read it).

    Returns ``(first_day, load, notes)``; ``first_day`` is None when there is nothing.
    """
    first, load, notes = history.of(db).memo(
        ("daily_load", today), lambda: _daily_load(db, today=today)
    )
    return first, load, list(notes)


def _daily_load(db: Database, *, today: date) -> tuple[date | None, np.ndarray, list[str]]:
    settings = history.of(db).settings()
    pairs = _activity_loads(db, until=today, load_model=settings.load_model)
    if not pairs:
        return None, np.zeros(0), []
    first = min(d for d, _ in pairs)
    days, values = [], []
    missing = 0
    for d, v in pairs:
        if v is None or not math.isfinite(v) or v < 0:
            missing += 1
            continue
        days.append(d)
        values.append(v)
    notes = []
    if missing:
        notes.append(
            f"{missing} of {len(pairs)} activities have no {settings.load_model} load "
            "(no heart rate or settings missing) and count as 0; "
            "see `deliberun athlete` or choose another load_model"
        )
    return first, ld.daily_series(days, values, first, today), notes


def load_state(db: Database, *, today: date) -> dict[str, Any]:
    """The daily load model up to ``today``: the one the Today page, the plan and the
    practice loop all read (same settings, same conventions).

    Returns ``{"first": date | None, "load", "fitness", "fatigue", "form", "acwr":
    numpy arrays (one value per day from ``first`` to ``today``), "notes",
    "settings": AthleteSettings, "model": FitnessFatigue | None}``. ACWR is the
    rolling coupled ratio (the one :func:`fitness` reports as ``acwr``).
    """
    return dict(history.of(db).memo(("load_state", today), lambda: _load_state(db, today=today)))


def _load_state(db: Database, *, today: date) -> dict[str, Any]:
    st = history.of(db).settings()
    first, load, notes = daily_load(db, today=today)
    empty = np.zeros(0)
    if first is None:
        return {"first": None, "load": empty, "fitness": empty, "fatigue": empty,
                "form": empty, "acwr": empty, "notes": notes, "settings": st,
                "model": None}  # fmt: skip
    ff = ld.fitness_fatigue(
        load, st.fitness_days, st.fatigue_days, st.load_weighting, st.form_convention
    )
    return {
        "first": first,
        "load": load,
        "fitness": ff.fitness,
        "fatigue": ff.fatigue,
        "form": ff.form,
        "acwr": lr.acwr_with_history(load, "rolling_coupled"),
        "notes": notes,
        "settings": st,
        "model": ff,
    }


def daily_state(
    db: Database, *, today: date, since: date | None = None
) -> dict[date, dict[str, float | None]]:
    """``{day: {"load", "fitness", "fatigue", "form", "acwr"}}`` from ``since`` to ``today``
    (every day from the first activity when ``since`` is None), from :func:`load_state`."""
    return state_by_day(load_state(db, today=today), since)


def state_by_day(
    state: dict[str, Any], since: date | None = None
) -> dict[date, dict[str, float | None]]:
    """A :func:`load_state` result as ``{day: {"load", "fitness", "fatigue", "form",
    "acwr"}}`` from ``since`` (from the first activity when None)."""
    first = state["first"]
    if first is None:
        return {}
    start = max(0, (since - first).days) if since is not None else 0
    out: dict[date, dict[str, float | None]] = {}
    for i in range(start, state["load"].size):
        out[first + timedelta(days=i)] = {
            k: _num(float(state[k][i])) for k in ("load", "fitness", "fatigue", "form", "acwr")
        }
    return out
