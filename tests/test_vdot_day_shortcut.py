"""The VDOT of a day computed the short way (``every=False``: an effort that cannot beat
the best so far, or a race that cannot beat the best race so far, is not detrained) is
the VDOT computed with every effort detrained, on random histories with many races,
breaks and cross-training (issue 14: the cold pages compute it for every session day).
Most training efforts stay under the cap (``training_max_rise`` above a race): capped
efforts tie to the last bits, and the two ways may then name different ones of them
(as before the shortcut; the 10-year archive's 341 session days are identical); a few
beat the races, so a race below the best training effort is still judged.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from deliberun.models import vdot as vd
from deliberun.models.detraining import ordinals
from deliberun.models.predict import Effort
from deliberun.models.vdot_day import vdot_of_day

WINDOW = 180


def _history(seed: int) -> tuple[list[Effort], np.ndarray, np.ndarray]:
    """Three years of runs with breaks, races of 5 km-marathon and sustained efforts."""
    rng = random.Random(seed)
    start, day = date(2021, 1, 4), date(2021, 1, 4)
    runs: list[date] = []
    efforts: list[Effort] = []
    while day < start + timedelta(days=3 * 365):
        day += timedelta(days=rng.choice([1, 1, 2, 2, 3, 4, 8, 12, 30, 50]))
        runs.append(day)
        fitness = 45.0 + 5.0 * np.sin(day.toordinal() / 200.0) + rng.uniform(-2.0, 2.0)
        if rng.random() < 0.12:
            dist = rng.choice([5000.0, 10000.0, 21097.5, 42195.0])
            efforts.append(Effort(dist, vd.race_time(fitness, dist), day, len(efforts), True))
        else:
            dist = rng.choice([1609.34, 3000.0, 5000.0])
            t = vd.race_time(fitness * (0.9 if rng.random() < 0.03 else 0.75), dist)
            efforts.append(Effort(dist, t, day, len(efforts), False, 1 / 0.925))
    others = [start + timedelta(days=rng.randrange(3 * 365)) for _ in range(60)]
    return efforts, ordinals(runs), ordinals(others)


def test_the_short_way_gives_the_same_day_vdot() -> None:
    skipped_races = 0
    for seed in range(6):
        efforts, runs, others = _history(seed)
        races = [e for e in efforts if e.is_race]
        for k in range(0, 3 * 365, 5):
            day = date(2021, 2, 1) + timedelta(days=k)
            window = [e for e in efforts if day - timedelta(days=WINDOW) <= e.day < day]
            before = [r for r in races if r.day < day - timedelta(days=WINDOW)]
            last = before[-1] if before else None
            kw = {"last_race": last, "run_days": runs, "other_days": others}
            full, all_efforts = vdot_of_day(window, day, WINDOW, every=True, **kw)
            short, some = vdot_of_day(window, day, WINDOW, every=False, **kw)
            assert short == full, (seed, day)
            in_window = sum(e.is_race for e in all_efforts)
            skipped_races += in_window - sum(e.is_race for e in some)
    assert skipped_races > 100  # the shortcut was taken, not only agreed with
