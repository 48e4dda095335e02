"""The VDOT of every day of a history computed once for the history
(``vdot_history.vdot_days_as_of``: the usable evidence selected once, each day's window
kept ordered by VDOT as the days advance) is the VDOT ``vdot_day.vdot_of_day`` gives for
the window of each day alone, on random histories (issue 14: the cold pages compute it for
every session day of ten years). The histories hold what the order depends on: races of
5 km to the marathon, training efforts above the cap (``training_max_rise`` over the
window's best race), efforts of the same VDOT to the last bit (the same run twice), runs
on a race's day, breaks, cross-training, and gaps longer than the window.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from deliberun.models import vdot as vd
from deliberun.models.detraining import ordinals
from deliberun.models.predict import Effort, is_usable
from deliberun.models.vdot_day import DayVdot, vdot_of_day
from deliberun.models.vdot_history import vdot_days_as_of

WINDOW = 120


def _history(seed: int) -> tuple[list[Effort], list[date], list[date]]:
    rng = random.Random(seed)
    start = day = date(2020, 1, 6)
    runs: list[date] = []
    efforts: list[Effort] = []
    while day < start + timedelta(days=3 * 365):
        day += timedelta(days=rng.choice([0, 1, 1, 2, 2, 3, 4, 8, 12, 30, 50, 200]))
        runs.append(day)
        fitness = 45.0 + 5.0 * np.sin(day.toordinal() / 150.0) + rng.uniform(-2.0, 2.0)
        n = len(efforts)
        if rng.random() < 0.1:
            dist = rng.choice([5000.0, 10000.0, 21097.5, 42195.0])
            efforts.append(Effort(dist, vd.race_time(fitness, dist), day, n, True))
            if rng.random() < 0.5:  # a hard run on the race's day: it does not count
                t = vd.race_time(fitness * 1.02, 5000.0)
                efforts.append(Effort(5000.0, t, day, n + 1, False, 1 / 0.925))
        elif rng.random() < 0.3 and efforts:  # the same run again: the same VDOT
            e = rng.choice(efforts)
            race = e.is_race if rng.random() < 0.7 else not e.is_race  # discount kept
            efforts.append(Effort(e.distance_m, e.duration_s, day, n, race, e.discount))
        else:
            dist = rng.choice([1609.34, 3000.0, 5000.0, 800.0])  # 800 m: never usable
            share = rng.choice([0.75, 0.8, 0.85, 0.93, 1.0])  # some above the cap
            t = vd.race_time(fitness * share, dist)
            efforts.append(Effort(dist, t, day, n, False, 1 / 0.925))
    others = [start + timedelta(days=rng.randrange(3 * 365)) for _ in range(50)]
    rng.shuffle(efforts)  # the order of the input does not matter but for ties
    return efforts, runs, others


def _one_day_at_a_time(
    efforts: list[Effort], days: list[date], runs: list[date], others: list[date]
) -> dict[date, DayVdot | None]:
    """The VDOT of each day from its own window (the code before, less the next race)."""
    usable = sorted((e for e in efforts if is_usable(e)), key=lambda e: e.day)
    races = [e for e in usable if e.is_race]
    settled = usable[0].day + timedelta(days=28)
    out: dict[date, DayVdot | None] = {}
    for d in days:
        judged = max(d, settled)
        lo = judged - timedelta(days=WINDOW)
        window = [e for e in usable if lo <= e.day < judged]
        before = [r for r in races if r.day < lo]
        v, _ = vdot_of_day(
            window,
            judged,
            WINDOW,
            last_race=before[-1] if before else None,
            run_days=ordinals(runs),
            other_days=ordinals(others),
            every=False,
        )
        out[d] = v
    return out


def test_the_history_gives_each_days_own_vdot() -> None:
    capped = tied = 0
    for seed in range(8):
        efforts, runs, others = _history(seed)
        days = [date(2020, 1, 1) + timedelta(days=k) for k in range(0, 3 * 365 + 60, 3)]
        fast = vdot_days_as_of(efforts, days, WINDOW, run_days=runs, other_days=others)
        slow = _one_day_at_a_time(efforts, days, runs, others)
        for d in days:
            if not any(r.is_race and r.day < max(d, slow_first(efforts)) for r in efforts):
                continue  # no race before: the next race may be borrowed (not compared)
            f, s = fast[d], slow[d]
            assert f == s, (seed, d)
            assert (f.to_dict() if f else None) == (s.to_dict() if s else None), (seed, d)
            if f is not None and not f.effort.is_race:  # a training effort above the cap
                hi = max(d, slow_first(efforts))
                lo = hi - timedelta(days=WINDOW)
                window_races = [r.vdot for r in efforts if r.is_race and lo <= r.day < hi]
                as_run = f.effort.vdot / f.effort.discount
                capped += bool(window_races) and as_run / 0.925 > max(window_races) + 1.0
        vdots = [e.vdot for e in efforts if is_usable(e)]
        tied += len(vdots) - len(set(vdots))
    assert capped > 20  # the cap decided days, not only agreed with
    assert tied > 50


def slow_first(efforts: list[Effort]) -> date:
    return min(e.day for e in efforts if is_usable(e)) + timedelta(days=28)


def test_a_training_effort_as_good_as_the_last_race_comes_first() -> None:
    """No race in the window; a training effort of the last race's VDOT to the last bit
    (the same run, counted whole) is the day's best, as ``vdot_of_day`` sorts them."""
    start = date(2021, 1, 4)
    runs = [start + timedelta(days=k) for k in range(-60, 260)]  # every day: no break
    race = Effort(10000.0, vd.race_time(50.0, 10000.0), start, 0, True)
    same = Effort(race.distance_m, race.duration_s, start + timedelta(days=150), 1, False, 1.0)
    efforts = [race, same] + [
        Effort(5000.0, vd.race_time(40.0, 5000.0), d, 2 + k, False, 1 / 0.925)
        for k, d in enumerate(runs[61:])
    ]
    days = [start + timedelta(days=k) for k in range(160, 260, 7)]
    fast = vdot_days_as_of(efforts, days, WINDOW, run_days=runs)
    slow = _one_day_at_a_time(efforts, days, runs, [])
    assert same.vdot == race.vdot
    assert all(getattr(fast[d], "effort", None) == same for d in days[:5])
    assert fast == slow
