"""Use cases of the athlete over time: fitness, paces, predictions, thresholds, settings.

Reads activities and their stored metrics (``deliberun.store.repository``),
turns them into daily series and effort lists, and calls the pure models in
``deliberun.models``. Days are the athlete's local dates (``ActivityRow.local_date``);
``today`` is always passed in (the CLI passes the real date).

The settings (``athlete_settings``) and the race calculator (``athlete_paces``)
live in their own modules and are re-exported here; so are the daily load and the load
model (``athlete_state``). What the models of one use case share — the activities, the
race verdicts, the daily load, the last race — is read once by the use case's history
(``services.history``: ``history.of(db)`` inside ``history.use_case()``, which
:func:`shared_history` is). The thin readers below (``planned_in_force``, ``light_rows``,
``run_sizes``, ``read_history``) are that history's, under the names the practice
sessions and the session types call.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

import numpy as np

from deliberun.io.activity import is_running as is_running  # re-exported
from deliberun.models import banister as ban
from deliberun.models import load as ld
from deliberun.models import load_ratios as lr
from deliberun.models import predict as pr
from deliberun.models import races as rc
from deliberun.models import thresholds
from deliberun.models import vdot as vd
from deliberun.models import vdot_evidence as vev
from deliberun.models.vdot_evidence import run_efforts
from deliberun.plan.paces import t_band_source, threshold_band
from deliberun.services import history
from deliberun.services.athlete_paces import paces as paces  # re-exported
from deliberun.services.athlete_paces import race_calculator as race_calculator
from deliberun.services.athlete_settings import CHOICES as CHOICES  # re-exported
from deliberun.services.athlete_settings import MODEL_DEFAULTS as MODEL_DEFAULTS
from deliberun.services.athlete_settings import RANGES as RANGES
from deliberun.services.athlete_settings import THRESHOLD_KEYS as THRESHOLD_KEYS
from deliberun.services.athlete_settings import model_settings as model_settings
from deliberun.services.athlete_settings import set_value as set_value
from deliberun.services.athlete_settings import settable_keys as settable_keys
from deliberun.services.athlete_state import _num
from deliberun.services.athlete_state import daily_load as daily_load  # re-exported
from deliberun.services.athlete_state import daily_state as daily_state
from deliberun.services.athlete_state import load_state as load_state
from deliberun.services.athlete_state import state_by_day as state_by_day
from deliberun.services.races import race_ids
from deliberun.store import athlete_repo, settings_repo
from deliberun.store.db import Database

# --------------------------------------------------------------------------- helpers


def is_race(row: Any) -> bool:
    """A race on the row alone (no history): the runner's mark, else the source's flag
    (:func:`deliberun.models.races.is_race` on the row's fields).

    The athlete models use :func:`deliberun.services.races.race_ids`, which also judges
    the effort against the runner's history (``models.races``).
    """
    extra = getattr(row, "extra", None) or {}
    return rc.is_race(
        mark=getattr(row, "race_mark", None),
        race_flag=extra.get("is_race"),
        workout_type=extra.get("workout_type"),
        sub_sport=getattr(row, "sub_sport", None),
    )


def _float_keys(d: dict[str, Any] | None) -> dict[float, float]:
    out: dict[float, float] = {}
    for k, v in (d or {}).items():
        try:
            key, val = float(k), float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(key) and math.isfinite(val):
            out[key] = val
    return out


def _rows_and_metrics(
    db: Database, until: date, since: date | None = None
) -> list[tuple[Any, dict[str, Any]]]:
    """Activities up to ``until`` (from ``since``) with their stored metrics, by start
    time: :meth:`AthleteHistory.rows_and_metrics` of the use case's history."""
    return history.of(db).rows_and_metrics(until, since)


def planned_in_force(db: Database, since: date, until: date) -> list[tuple[date, str, str]]:
    """``(date, workout type, text)`` of the planned workouts in ``[since, until]``, each
    date's from the plan in force then: what the practice sessions and the race verdicts
    read of the plan (:meth:`AthleteHistory.planned_in_force`)."""
    return history.of(db).planned_in_force(since, until)


def light_rows(db: Database, *, until: date, since: date | None) -> list[Any]:
    """The activity columns the race keys and the session types' keys are made of
    (:meth:`AthleteHistory.light_rows`)."""
    return history.of(db).light_rows(until=until, since=since)


def run_sizes(db: Database, *, until: date, since: date | None) -> list[Any]:
    """What a race key reads of the runs of the year before a run
    (:meth:`AthleteHistory.run_sizes`)."""
    return history.of(db).run_sizes(until=until, since=since)


def read_history(db: Database, *, today: date, since: date) -> None:
    """Inside :func:`shared_history`: read the activities from ``since`` to ``today`` now,
    so the models that ask for shorter windows later take them from this one read."""
    history.of(db).rows_and_metrics(today, since)


def run_days_and_sports(db: Database, *, today: date) -> list[tuple[date, str, float | None]]:
    """``(local date, sport, distance m)`` of every activity up to ``today`` by start time
    (one light read per use case: :meth:`AthleteHistory.days_and_sports`)."""
    return history.of(db).days_and_sports(today)


#: One use case's block (``history.use_case``): the history is read once inside it.
shared_history = history.use_case


F = TypeVar("F", bound=Callable[..., Any])


def _reads_history_once(fn: F) -> F:
    """Read the activities once for the whole use case, however many models use them."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with history.use_case():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def run_days(db: Database, *, today: date) -> list[date]:
    """Local dates of every run up to ``today``, oldest first (breaks are read from them)."""
    return sorted({d for d, sport, _ in run_days_and_sports(db, today=today) if is_running(sport)})


def last_run_day(db: Database, *, today: date) -> date | None:
    """Local date of the latest run up to ``today`` (None when there is none)."""
    days = [d for d, sport, _ in run_days_and_sports(db, today=today) if is_running(sport)]
    return max(days) if days else None


def detraining_days(db: Database, *, today: date) -> tuple[list[date], list[date]]:
    """Local dates of every run, and of every aerobic cross-training activity, up to
    ``today`` (what ``models.detraining`` reads the breaks from)."""
    from deliberun.models.detraining import is_cross_training

    rows = run_days_and_sports(db, today=today)
    runs = sorted({d for d, sport, _ in rows if is_running(sport)})
    others = sorted(
        {d for d, sport, _ in rows if not is_running(sport) and is_cross_training(sport)}
    )
    return runs, others


# --------------------------------------------------------------------------- fitness


def fitness(db: Database, *, today: date, days: int = 90) -> dict[str, Any]:
    """Daily load, fitness, fatigue, form, ACWR, monotony and strain for the last ``days`` days.

    The models run over the whole history (so fitness is warmed up); the last
    ``days`` days are returned, plus ``current`` (today's state with the rest days
    until form ≥ 0 and the most load today that keeps form above the floor) and
    ``weekly`` (distance and load per ISO week with the change from the week before).
    """
    if days < 1:
        raise ValueError("--days must be at least 1")
    state = load_state(db, today=today)
    st = state["settings"]
    models = history.of(db).model_settings()
    first, load, notes = state["first"], state["load"], state["notes"]
    settings_out = {
        "load_model": st.load_model,
        "load_weighting": st.load_weighting,
        "fitness_days": st.fitness_days,
        "fatigue_days": st.fatigue_days,
        "form_convention": st.form_convention,
        "weighting_source": ld.LOAD_WEIGHTINGS.get(st.load_weighting, {}).get("source"),
    }
    if first is None:
        return {"settings": settings_out, "days": [], "current": None, "weekly": [], "notes": notes}
    ff = state["model"]
    acwr_rolling = state["acwr"]
    acwr_uncoupled = lr.acwr_with_history(load, "rolling_uncoupled")
    acwr_ewma = lr.acwr_with_history(load, "ewma")
    mono, strain = lr.monotony_strain(load)
    ramp = lr.ramp_rate(ff.fitness)
    n = load.size
    start_i = max(0, n - days)
    rows = []
    for i in range(start_i, n):
        rows.append(
            {
                "date": (first + timedelta(days=i)).isoformat(),
                "load": float(load[i]),
                "fitness": float(ff.fitness[i]),
                "fatigue": float(ff.fatigue[i]),
                "form": float(ff.form[i]),
                "acwr": _num(acwr_rolling[i]),
                "acwr_uncoupled": _num(acwr_uncoupled[i]),
                "acwr_ewma": _num(acwr_ewma[i]),
                "monotony": _num(mono[i]),
                "strain": _num(strain[i]),
                "ramp_rate": _num(ramp[i]),
            }
        )
    ctl, atl = float(ff.fitness[-1]), float(ff.fatigue[-1])
    floor = float(models["form_floor"])
    yesterday_ctl = float(ff.fitness[-2]) if n > 1 else 0.0
    yesterday_atl = float(ff.fatigue[-2]) if n > 1 else 0.0
    current = dict(rows[-1])
    current.update(
        {
            "form_after_today": ctl - atl,
            "rest_days_to_form_0": _num(
                ld.rest_days_to_form(ctl, atl, st.fitness_days, st.fatigue_days, st.load_weighting)
            ),
            "form_floor": floor,
            "max_load_today_for_form_floor": ld.max_load_for_form(
                yesterday_ctl,
                yesterday_atl,
                floor,
                st.fitness_days,
                st.fatigue_days,
                st.load_weighting,
            ),
        }
    )
    # whole ISO weeks: from the Monday of the first day shown
    shown = first + timedelta(days=start_i)
    week_start = max(first, shown - timedelta(days=shown.weekday()))
    w0 = (week_start - first).days
    runs = [(d, dist) for d, sport, dist in run_days_and_sports(db, today=today)
            if d >= week_start and is_running(sport)]  # fmt: skip
    weeks, dist = lr.weekly_totals(
        [d for d, _ in runs],
        [x for _, x in runs],
        week_start,
        today,
    )
    _, wload = lr.weekly_totals(
        [first + timedelta(days=i) for i in range(w0, n)],
        list(load[w0:]),
        week_start,
        today,
    )
    change = lr.relative_change(dist)
    weekly = [
        {
            "week_start": w.isoformat(),
            "distance_m": float(d),
            "load": float(wl),
            "distance_change_pct": _num(c),
        }
        for w, d, wl, c in zip(weeks, dist, wload, change, strict=True)
    ]
    return {
        "settings": settings_out,
        "days": rows,
        "current": current,
        "weekly": weekly,
        "notes": notes,
    }


# --------------------------------------------------------------------------- efforts


@_reads_history_once
def efforts(db: Database, *, today: date, window_days: int) -> list[pr.Effort]:
    """Races (whole runs) and sustained training efforts of running activities in the
    window (``models.vdot_evidence.run_efforts``; races from ``services.races``)."""
    since = today - timedelta(days=window_days)
    races = race_ids(db, today=today, since=since)
    out: list[pr.Effort] = []
    for r, m in _rows_and_metrics(db, until=today, since=since):
        if not is_running(r.sport):
            continue
        out += efforts_of(r, m, race=r.id in races)
    return out


def is_structured(metrics: dict[str, Any]) -> bool:
    """A structured session: at least two work reps were detected (or laps marked them)."""
    iv = metrics.get("intervals") or {}
    reps = iv.get("reps") if isinstance(iv, dict) else None
    return reps is not None and len(reps) >= 2


def efforts_of(row: Any, metrics: dict[str, Any], *, race: bool) -> list[pr.Effort]:
    """A running activity's efforts: the whole run when it was a race, else its sustained
    best efforts (none from a structured session), calibrated (``vdot_evidence``)."""
    return run_efforts(
        row.id,
        row.local_date,
        row.distance_m,
        row.moving_time_s or row.timer_time_s,
        _float_keys(metrics.get("best_efforts_s")),
        race=race,
        structured=is_structured(metrics),
        elapsed_s=row.elapsed_time_s,
    )


@_reads_history_once
def prediction_day(
    db: Database, *, today: date
) -> tuple[Any, list[pr.Effort], pr.Effort | None, date]:
    """The VDOT the race predictions rest on (``models.vdot_day.DayVdot`` or None), the
    usable efforts, the last race and the day it is of: ``today``, or the last run when
    nothing of the window before ``today`` carries a VDOT (the VDOT alone, without the
    predictions, their history and the marathon shape: see :func:`prediction_vdot`)."""
    window = int(history.of(db).model_settings()["prediction_window_days"])
    # one read for the efforts, the VDOT history (12 weeks and two windows) and the
    # race verdicts of their runs (each against the year before it)
    from deliberun.models.races import RACE_RULES

    season = int(RACE_RULES["season_days"])
    span = 7 * VDOT_HISTORY_WEEKS + 7 + 2 * window + season
    read_history(db, today=today, since=today - timedelta(days=span))
    runs_, others = detraining_days(db, today=today)

    def day_vdot(as_of: date) -> tuple[Any, list[pr.Effort], pr.Effort | None]:
        from deliberun.models.vdot_day import vdot_of_day

        lr = _last_race(db, as_of, near=today - timedelta(days=span - season))
        dv, chosen = vdot_of_day(
            efforts(db, today=as_of, window_days=window),
            as_of + timedelta(days=1),  # the day's own runs count: the VDOT of its evening
            window,
            last_race=lr,
            run_days=runs_,
            other_days=others,
        )
        return dv, chosen, lr

    dv, usable, last_race = day_vdot(today)
    last = last_run_day(db, today=today)
    if dv is None and last is not None and last < today - timedelta(days=window):
        dv, usable, last_race = day_vdot(last)
        if dv is not None:
            return dv, usable, last_race, last
    return dv, usable, last_race, today


def prediction_vdot(db: Database, *, today: date) -> float | None:
    """The VDOT :func:`predictions` shows (``"vdot"``), without the predictions."""
    dv = prediction_day(db, today=today)[0]
    return round(dv.effort.vdot, 2) if dv is not None else None


@_reads_history_once
def predictions(db: Database, *, today: date) -> dict[str, Any]:
    """Race predictions by every applicable model, each with what it rests on."""
    window = int(history.of(db).model_settings()["prediction_window_days"])
    notes: list[str] = []
    dv, usable, last_race, as_of = prediction_day(db, today=today)
    if as_of != today:
        notes.append(
            f"no races or best efforts in the last {window} days: these predictions rest "
            f"on the {window} days up to your last run ({as_of.isoformat()}); "
            "your fitness has likely changed since"
        )
    if dv is None:
        notes.append(
            f"no races or sustained best efforts (6 min or more) in the last {window} days; "
            "import runs with distance, or use `deliberun paces --race DIST TIME`"
        )
        return {
            "as_of": today.isoformat(),
            "window_days": window,
            "vdot": None,
            "predictions": {},
            "efforts": [],
            "notes": notes,
        }
    best = dv.effort
    window_races = [e for e in usable if e.is_race and e.day >= as_of - timedelta(days=window)]
    vdot_range = (dv.low, dv.high)
    if best.is_race and best.day >= as_of - timedelta(days=window):
        basis = "race" if best.discount == 1.0 else "race, less detraining"
    elif best.is_race:
        basis = f"your last race ({best.day.isoformat()}), less detraining"
    elif window_races and last_race is not None:
        basis = f"a training effort since your race of {last_race.day.isoformat()}"
    else:
        basis = f"no race in the last {window} days"
    if not (best.is_race and best.discount == 1.0):
        notes.append(_day_note(basis, dv))
    shape = None
    runs = [
        (r.local_date, float(r.distance_m))
        for r, _ in _rows_and_metrics(db, until=as_of, since=as_of - timedelta(days=182))
        if is_running(r.sport) and r.distance_m
    ]
    with db.session() as s:
        first_day = athlete_repo.first_activity_day(s, until=today)
    if runs:
        shape = pr.marathon_shape(best.vdot, runs, as_of, first_day)
    preds = pr.predict_races(usable, shape_pct=shape["shape_pct"] if shape else None)
    out_preds = {}
    for name, plist in preds.items():
        out_preds[name] = [p.to_dict() for p in plist]
    bests = sorted(
        {round(e.distance_m): e for e in sorted(usable, key=lambda e: -e.duration_s)}.values(),
        key=lambda e: e.distance_m,
    )
    return {
        "as_of": as_of.isoformat(),
        "window_days": window,
        "vdot": round(best.vdot, 2),
        "vdot_rests_on": {**vev.rests_on(best), "words": dv.words},
        "vdot_range": {
            "low": round(vdot_range[0], 2),
            "high": round(vdot_range[1], 2),
            "basis": basis,
        },
        "detraining_factor": round(dv.detraining.factor, 4) if dv.detraining else None,
        "last_race": last_race.to_dict() if last_race is not None else None,
        "vdot_history": vdot_history(db, today=as_of, window_days=window),
        "marathon_shape": shape,
        "predictions": out_preds,
        "efforts": [e.to_dict() for e in bests],
        "notes": notes,
    }


def _last_race(db: Database, as_of: date, *, near: date | None = None) -> pr.Effort | None:
    """The runner's last race up to ``as_of`` (any age), as an effort, or None; found once
    per use case (the VDOT of the day and the VDOT history ask for the same ones).

    The runs from ``near`` are searched first (the window already read): a race among
    them is the last one; the whole history is read only when none of them was a race.
    """
    return history.of(db).memo(("last_race", as_of, near), lambda: _find_last_race(db, as_of, near))


def _find_last_race(db: Database, as_of: date, near: date | None) -> pr.Effort | None:
    for since in (near, None) if near is not None else (None,):
        races = race_ids(db, today=as_of, since=since)
        last = [
            e
            for r, m in _rows_and_metrics(db, until=as_of, since=since)
            if r.id in races
            for e in efforts_of(r, m, race=True)
            if pr.is_usable(e)
        ]
        if last:
            return max(last, key=lambda x: (x.day, x.vdot))
    return None


def _day_note(basis: str, dv: Any) -> str:
    """What a VDOT not resting on a fresh race stands for: its range and its evidence."""
    text = f"{basis}: VDOT {dv.vdot:.1f} ({dv.low:.1f}–{dv.high:.1f}) from the {dv.words}"
    if not dv.effort.is_race:
        text += (
            f" (a best sustained training effort reads about "
            f"{vev.EVIDENCE_RULES['training_ratio'] * 100:.1f}% of race fitness)"
        )
    if dv.race is not None and dv.race.vdot > dv.vdot:
        text += (
            f"; your last race ({dv.race.day.isoformat()}) gave VDOT {dv.race.vdot:.1f}, "
            "reduced for the breaks since by Daniels' adjustment after time off"
        )
    return text + "; mark a race with `deliberun race ID`"


#: Weeks of VDOT history the predictions show (one value per Monday).
VDOT_HISTORY_WEEKS = 12


@_reads_history_once
def vdot_history(
    db: Database, *, today: date, window_days: int, weeks: int = VDOT_HISTORY_WEEKS
) -> list[dict[str, Any]]:
    """The VDOT on each Monday of the last ``weeks`` weeks and on ``today``, each with
    what it rests on (``models.vdot_history.vdot_evidence_as_of``)."""
    monday = today - timedelta(days=today.weekday())
    days = [monday - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)] + [today]
    chosen = vdot_days(db, today=today, days=days)
    return [
        {"date": d.isoformat(), "vdot": round(v.vdot, 2) if v else None,
         "low": round(v.low, 2) if v else None, "high": round(v.high, 2) if v else None,
         "rests_on": {**vev.rests_on(v.effort), "words": v.words} if v else None}
        for d, v in sorted(chosen.items())
    ]  # fmt: skip


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

    if not days:
        return {}
    window = int(history.of(db).model_settings()["prediction_window_days"])
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


# --------------------------------------------------------------------------- Banister


@_reads_history_once
def performances(db: Database, *, today: date) -> list[tuple[date, float, int | None]]:
    """Near-maximal performances as VDOT: races, and each unstructured run's sustained
    best-effort VDOT (calibrated) when it is at least 92 % of the best within 60 days
    around it."""
    races = race_ids(db, today=today)
    per_activity: list[tuple[date, float, int | None, bool]] = []
    for r, m in _rows_and_metrics(db, until=today):
        if not is_running(r.sport):
            continue
        race = r.id in races
        best = None
        for e in efforts_of(r, m, race=race):
            if pr.is_usable(e):
                best = e.vdot if best is None else max(best, e.vdot)
        if best is not None:
            per_activity.append((r.local_date, best, r.id, race))
    if not per_activity:
        return []
    per_activity.sort(key=lambda a: a[0])
    ordinals = np.array([d.toordinal() for d, _, _, _ in per_activity])
    values = np.array([v for _, v, _, _ in per_activity])
    lo = np.searchsorted(ordinals, ordinals - 60, side="left")
    hi = np.searchsorted(ordinals, ordinals + 60, side="right")
    out = []
    for i, (day, v, aid, race) in enumerate(per_activity):
        if race or v >= pr.NEAR_MAXIMAL_FRACTION * values[lo[i] : hi[i]].max():
            out.append((day, v, aid))
    return out


@_reads_history_once
def banister(db: Database, *, today: date) -> dict[str, Any]:
    """Fit the Banister model to performances (VDOT) and the daily load."""
    models = history.of(db).model_settings()
    first, load, notes = daily_load(db, today=today)
    perf = performances(db, today=today)
    if first is None or len(perf) < 4:
        return {
            "available": False,
            "reason": f"{len(perf)} near-maximal performances; the model needs at least 4 "
            "(8 or more for a trustworthy fit)",
        }
    idx = [(d - first).days for d, _, _ in perf]
    y = [v for _, v, _ in perf]
    fit_taus = bool(models["banister_fit_taus"])
    t1 = None if fit_taus else float(models["banister_tau1_days"])
    t2 = None if fit_taus else float(models["banister_tau2_days"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = ban.fit_banister(load, idx, y, t1, t2)
    except ValueError as exc:
        return {"available": False, "reason": str(exc)}
    return {
        "available": True,
        **fit.to_dict(),
        "performance_unit": "VDOT",
        "activity_ids": [a for _, _, a in perf],
        "notes": notes,
    }


@_reads_history_once
def project_race(
    db: Database,
    *,
    today: date,
    race_date: date,
    planned_daily_load: list[float] | None = None,
) -> dict[str, Any]:
    """Project performance (VDOT) and form to ``race_date`` for a planned daily load.

    ``planned_daily_load`` covers the days after today up to race day (missing days
    repeat the last value; an empty list means rest; ``None`` keeps the mean daily
    load of the last 28 days).
    """
    if race_date <= today:
        raise ValueError(f"the race date {race_date} must be after today ({today})")
    st = history.of(db).settings()
    first, load, _ = daily_load(db, today=today)
    n = (race_date - today).days
    if planned_daily_load is None:
        planned_daily_load = [float(load[-28:].mean()) if load.size else 0.0]
    if any(not math.isfinite(v) or v < 0 for v in planned_daily_load):
        raise ValueError("planned daily load must be zero or positive numbers")
    plan = list(planned_daily_load)[:n] or [0.0]
    plan += [plan[-1]] * (n - len(plan))
    wc = ld.load_weight(st.fitness_days, st.load_weighting)
    wa = ld.load_weight(st.fatigue_days, st.load_weighting)
    result: dict[str, Any] = {
        "race_date": race_date.isoformat(),
        "planned_mean_daily_load": float(np.mean(plan)),
    }
    full = np.concatenate([load, np.asarray(plan, dtype=float)])
    ff = ld.fitness_fatigue(full, st.fitness_days, st.fatigue_days, st.load_weighting, "yesterday")
    result["form_on_race_day"] = float(ff.form[-1])
    result["fitness_on_race_day"] = float(ff.fitness[-2]) if full.size > 1 else 0.0
    fit = banister(db, today=today)
    if fit.get("available"):
        model = ban.BanisterFit(
            fit["p0"], fit["k1"], fit["k2"], fit["tau1_days"], fit["tau2_days"], 0, 0, 0, False
        )
        proj = ban.project(model, load, plan, (wc, wa))
        result["vdot_on_race_day"] = proj["performance"]
    else:
        result["vdot_on_race_day"] = None
        result["reason"] = fit.get("reason")
    return result


# --------------------------------------------------------------------------- thresholds


def threshold_facts(db: Database, *, today: date, since: date) -> list[thresholds.ActivityFacts]:
    """What the threshold estimates read from each run from ``since`` to ``today``."""
    races = race_ids(db, today=today, since=since)
    facts = []
    for r, m in _rows_and_metrics(db, until=today, since=since):
        if not is_running(r.sport):
            continue
        extra = r.extra or {}
        rest = (
            extra.get("resting_hr_bpm")
            or extra.get("hr_rest_bpm")
            or extra.get("resting_heart_rate")
        )
        facts.append(
            thresholds.ActivityFacts(
                activity_id=r.id,
                day=r.local_date,
                distance_m=r.distance_m,
                moving_time_s=r.moving_time_s or r.timer_time_s,
                avg_hr_bpm=r.avg_hr_bpm,
                max_hr_bpm=r.max_hr_bpm,
                resting_hr_bpm=float(rest) if isinstance(rest, int | float) else None,
                is_race=r.id in races,
                hr_best_30s_bpm=_num(m.get("hr_best_30s_bpm")),
                structured=is_structured(m),
                mean_max_speed=_float_keys(m.get("mean_max_speed")),
                best_efforts_s=_float_keys(m.get("best_efforts_s")),
            )
        )
    return facts


@_reads_history_once
def threshold_estimates(db: Database, *, today: date, save: bool = True) -> dict[str, Any]:
    """Estimate thresholds from the data; store a new history row when a value changed."""
    window = int(history.of(db).model_settings()["threshold_window_days"])
    # the window ends at the last run: a break from running does not erase the thresholds
    # (each estimate carries the date of its evidence, so its age is visible)
    end = last_run_day(db, today=today) or today
    facts = threshold_facts(db, today=today, since=end - timedelta(days=window))
    est = thresholds.estimate_thresholds(facts)
    if save and est:
        with db.session() as s, s.begin():
            latest = settings_repo.latest_estimates(s)
            for key, e in est.items():
                prev = latest.get(key)
                if (
                    prev is None
                    or abs(prev.value - e.value) > 1e-6
                    or list(prev.activity_ids) != e.evidence
                ):
                    settings_repo.add_estimate(s, key, e.value, e.day, today, e.evidence, e.method)
    return {k: e.to_dict() for k, e in est.items()}


def _training_paces(pred: dict[str, Any], thr: dict[str, Any], today: date) -> dict[str, Any]:
    """Training paces of the VDOT, the T band from the threshold pace when it is credible
    and recent (``plan.paces.t_band_source``), and which it used."""
    paces = {k: [a, b] for k, (a, b) in vd.training_paces(float(pred["vdot"])).items()}
    rng = pred.get("vdot_range") or {}
    est = thr.get("estimate")
    age = (today - date.fromisoformat(est["date"])).days if est else None
    source, words = t_band_source(
        (float(rng.get("low", pred["vdot"])), float(rng.get("high", pred["vdot"]))),
        thr.get("value"),
        age,
        set_by_runner=thr.get("source") == "set",
    )
    if source == "threshold":
        paces["T"] = list(threshold_band(float(thr["value"])))
    return {"paces_s_per_km": paces, "t_pace_source": source, "t_pace_words": words}


@_reads_history_once
def summary(db: Database, *, today: date, save: bool = False) -> dict[str, Any]:
    """Settings, thresholds (set or estimated, with evidence), VDOT, paces, predictions.

    Read-only by default (views call it on every page); ``save=True`` (the
    ``deliberun athlete`` command) also stores changed threshold estimates in their history.
    """
    st = history.of(db).settings()
    est = threshold_estimates(db, today=today, save=save)
    with db.session() as s:
        estimates = [
            {
                "key": r.key,
                "value": r.value,
                "date": r.evidence_date.isoformat(),
                "computed_on": r.computed_on.isoformat(),
                "activity_ids": r.activity_ids,
                "method": r.method,
            }
            for r in settings_repo.estimate_history(s)
        ]
    thr = {}
    for key in THRESHOLD_KEYS:
        set_value = getattr(st, key)
        e = est.get(key)
        thr[key] = {
            "value": set_value if set_value is not None else (e["value"] if e else None),
            "source": "set" if set_value is not None else ("estimate" if e else None),
            "set_value": set_value,
            "estimate": e,
        }
    pred = predictions(db, today=today)
    out: dict[str, Any] = {
        "settings": st.to_dict(),
        "model_settings": history.of(db).model_settings(),
        "thresholds": thr,
        "threshold_history": estimates,
        "vdot": pred.get("vdot"),
        "vdot_rests_on": pred.get("vdot_rests_on"),
        "vdot_range": pred.get("vdot_range"),
        "predictions": pred.get("predictions", {}),
        "marathon_shape": pred.get("marathon_shape"),
        "notes": pred.get("notes", []),
    }
    if pred.get("vdot"):
        out.update(_training_paces(pred, thr["threshold_pace_s_per_km"], today))
    out["banister"] = banister(db, today=today)
    return out
