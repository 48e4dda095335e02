"""The athlete's state day by day: the one load model every page reads, and the VDOT of
each day (re-exported by ``deliberun.services.athlete``).

Light reads: only the values needed are taken out of the stored metrics by JSON path,
never whole metrics documents (see docs/models.md, "One load model for every page").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.models import load as ld
from deliberun.models import load_ratios as lr
from deliberun.store import athlete_repo, settings_repo
from deliberun.store.db import Database


def _activity_loads(
    db: Database, *, until: date, load_model: str
) -> list[tuple[date, float | None]]:
    """``(local date, load)`` of every activity up to ``until``: one light query that
    reads only the load value out of the metrics (not the whole metrics document)."""
    with db.session() as s:
        return athlete_repo.activity_loads(s, until=until, load_model=load_model)


def load_state(db: Database, *, today: date) -> dict[str, Any]:
    """The daily load model up to ``today``: the one the Today page, the plan and the
    practice loop all read (same settings, same conventions).

    Returns ``{"first": date | None, "load", "fitness", "fatigue", "form", "acwr":
    numpy arrays (one value per day from ``first`` to ``today``), "notes",
    "settings": AthleteSettings, "model": FitnessFatigue | None}``. ACWR is the
    rolling coupled ratio (the one :func:`fitness` reports as ``acwr``).
    """
    from deliberun.services.athlete import _HISTORY

    cache = _HISTORY.get()  # one model per use case (``athlete.shared_history``)
    key = ("load_state", id(db), today)
    if cache is not None:
        if key not in cache:
            cache[key] = _load_state(db, today=today)
        return dict(cache[key])
    return _load_state(db, today=today)


def _load_state(db: Database, *, today: date) -> dict[str, Any]:
    from deliberun.services.athlete import daily_load

    with db.session() as s:
        st = settings_repo.get_settings(s)
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
    from deliberun.services.athlete import _num

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


def vdot_by_day(db: Database, *, today: date, days: list[date]) -> dict[date, float | None]:
    """The VDOT as of each day (:func:`vdot_days`), as a number."""
    return {
        d: (v.vdot if v is not None else None)
        for d, v in vdot_days(db, today=today, days=days).items()
    }


def vdot_days(db: Database, *, today: date, days: list[date]) -> dict[date, Any]:
    """The VDOT as of each day, with its range and what it rests on (``DayVdot``).

    See :func:`deliberun.models.vdot_history.vdot_days_as_of`: the evidence of the
    ``prediction_window_days`` before each day, the last race of any age when none is in
    it, each reduced for the breaks since (``models.detraining``); so on any day it is
    the VDOT the race predictions would have shown that morning (races judged as of
    ``today``).
    """
    from deliberun.models.vdot_history import vdot_days_as_of
    from deliberun.services.athlete import _last_race, detraining_days, efforts, model_settings

    if not days:
        return {}
    window = int(model_settings(db)["prediction_window_days"])
    span = (today - min(days)).days + window
    start = today - timedelta(days=span)
    runs, others = detraining_days(db, today=today)
    before = _last_race(db, start - timedelta(days=1), near=start - timedelta(days=window))
    return vdot_days_as_of(
        efforts(db, today=today, window_days=span),
        days,
        window,
        run_days=runs,
        other_days=others,
        last_race=before,
    )
