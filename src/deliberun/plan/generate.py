"""Generate a training cycle for a goal race.

Rules (each is checked by ``check_constraints`` and by property tests):

* weeks run Monday-Sunday from the first Monday on or after ``start`` to the race week;
* phases base → build → peak → taper (taper 1 week up to 10 km, 2 up to the half,
  3 for longer races, race week included) [2]_ [3]_;
* a 3:1 rhythm: every 4th week before the taper is a recovery week at 80 % of the week before;
* weekly volume ramps at most ``RULES["ramp"]`` (10 %) above the highest of the previous
  three weeks, never above the maximum volume, and the planned-volume ACWR (this week
  over the mean of the last four) stays ≤ ``RULES["acwr_max"]`` (1.3) [4]_;
* the long run is on the long-run day every week except the race week;
* hard days (``workout.HARD_TYPES``) have at least one non-hard day between them;
* taper weeks reduce volume (``TAPER_FRACTIONS`` of the peak week, 41-60 % cut by
  race week) and keep one quality session [2]_ [3]_.

Volume constraints apply to training volume; the race itself is reported apart.

References
----------
.. [1] Daniels J (2014). Daniels' Running Formula, 3rd ed. Human Kinetics.
.. [2] Mujika I, Padilla S (2003). Scientific bases for precompetition tapering
   strategies. Med Sci Sports Exerc 35(7):1182-1187. doi:10.1249/01.MSS.0000074448.73931.11
.. [3] Bosquet L et al. (2007). Effects of tapering on performance: a meta-analysis.
   Med Sci Sports Exerc 39(8):1358-1365. doi:10.1249/mss.0b013e31806010e0
.. [4] Gabbett TJ (2016). The training-injury prevention paradox. Br J Sports Med
   50:273-280. doi:10.1136/bjsports-2015-095788 (the 0.8-1.3 band is contested:
   Impellizzeri et al. 2020; here it is a planning bound, not a verdict).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from deliberun.plan.library import LIBRARY, workout_types_for
from deliberun.plan.paces import race_time, vdot_from_race
from deliberun.plan.planned import Plan, PlannedDay, Week
from deliberun.plan.text import format_distance, parse_workout
from deliberun.plan.workout import estimate, is_hard
from deliberun.units import clock

#: Project planning bounds (sources in the module docstring).
RULES: dict[str, float] = {
    "ramp": 0.10,  # max weekly increase over the highest of the previous 3 weeks
    "acwr_max": 1.3,  # planned weekly volume / mean of the last 4 weeks (coupled)
    "recovery_fraction": 0.8,  # a recovery week's volume / the week before
    "recovery_every": 4,  # 3:1 rhythm
    "min_run_km": 3.0,
}

#: Taper weeks' volume as a fraction of the highest pre-taper week, race week last.
TAPER_FRACTIONS = {1: (0.6,), 2: (0.75, 0.5), 3: (0.8, 0.65, 0.45)}

#: Longest long run [km] per race distance (upper bound of the usual advice, Daniels [1]_).
LONG_CAP_KM = ((5000.0, 16.0), (10000.0, 20.0), (21097.5, 24.0), (1e9, 32.0))

#: Share of the week's volume in the long run, by runs per week.
LONG_FRACTION = {3: 0.4, 4: 0.35, 5: 0.3, 6: 0.28, 7: 0.25}

#: Quality workouts per phase (first choice first); the cycle's targets go in front.
PHASE_QUALITY: dict[str, dict[str, tuple[str, ...]]] = {
    "base": {"short": ("hills", "progression"), "long": ("hills", "progression")},
    "build": {"short": ("intervals", "tempo"), "long": ("tempo", "intervals")},
    "peak": {"short": ("intervals", "cruise_intervals"), "long": ("cruise_intervals", "tempo")},
    "taper": {"short": ("intervals",), "long": ("tempo",)},
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekday(text: str | int) -> int:
    """0 (Monday) .. 6 (Sunday) from ``sun``, ``Sunday`` or an int."""
    if isinstance(text, int):
        if 0 <= text <= 6:
            return text
        raise ValueError("weekday must be 0 (Monday) .. 6 (Sunday)")
    s = text.strip().lower()[:3]
    if s not in WEEKDAYS:
        raise ValueError(
            f"weekday {text!r} not understood: use mon, tue, wed, thu, fri, sat or sun"
        )
    return WEEKDAYS.index(s)


def _round_km(km: float) -> float:
    return max(0.0, math.floor(km * 2 + 1e-9) / 2)


def _phases(n_pre: int) -> list[str]:
    base = int(n_pre * 0.4)
    build = int(round(n_pre * 0.35))
    peak = n_pre - base - build
    return ["base"] * base + ["build"] * build + ["peak"] * peak


def _hard_offsets(q: int) -> list[int]:
    """Offsets from the long-run day of the quality days (kept ≥ 2 days apart)."""
    return {0: [], 1: [3], 2: [2, 4]}[q]


def _easy_order(n: int, taken: set[int]) -> list[int]:
    return [o for o in (1, 5, 3, 6, 2, 4) if o not in taken][:n]


def _race_text(distance_m: float, goal_time_s: float) -> str:
    pace = goal_time_s / (distance_m / 1000.0)
    return f"race {format_distance(distance_m)} @{clock(pace)}/km"


def _pick(workout_type: str, budget_km: float, progress: float, vdot: float) -> str | None:
    """The library variant for ``progress`` (0..1) that fits ``budget_km``; None if none fits."""
    entries = LIBRARY[workout_type]
    idx = min(len(entries) - 1, int(progress * len(entries)))
    for i in range(idx, -1, -1):
        km = estimate(entries[i].workout(), vdot)[0] / 1000.0
        if km <= budget_km + 1e-9:
            return entries[i].text
    return None


def _km(text: str, vdot: float) -> float:
    return estimate(parse_workout(text), vdot)[0] / 1000.0


#: Longest plan generated (start to race) [days]: a cycle is weeks, not decades.
MAX_HORIZON_DAYS = 2 * 365 + 1


def generate_plan(
    race_distance_m: float,
    race_date: date,
    *,
    start: date,
    days_per_week: int = 5,
    long_run_day: int | str = 6,
    volume_km: float | None = None,
    max_volume_km: float | None = None,
    goal_time_s: float | None = None,
    vdot: float | None = None,
    targets: Sequence[str] = (),
    name: str | None = None,
    volume_caps: Sequence[float | None] | None = None,
    long_run_km: float | None = None,
) -> Plan:
    """A cycle from ``start`` to the race: phases, 3:1 rhythm, ramp, spacing, taper.

    Parameters
    ----------
    race_distance_m : float
        Goal race distance [m].
    race_date : date
        Local date of the race.
    start : date
        Today; the plan starts on the first Monday on or after it.
    days_per_week : int
        Running days per week, 3..7.
    long_run_day : int or str
        0 (Monday) .. 6 (Sunday), or ``"sun"``.
    volume_km, max_volume_km : float, optional
        Current and maximum weekly volume [km] (defaults: by race distance; max 1.4×).
    goal_time_s : float, optional
        Goal finishing time [s]; sets the VDOT when ``vdot`` is not given.
    vdot : float, optional
        Current VDOT (zones and paces).
    targets : sequence of str
        The cycle's targets: workout types or target kinds (``threshold_pace``...);
        their workouts take the first quality slot, in turn.
    volume_caps : sequence of float or None, optional
        Per plan week, the most volume [km] on the way back from a break
        (``deliberun.plan.start.return_caps``); while a week has a cap, the plan
        rebuilds up to it faster than the 10 % ramp (the ACWR bound still holds).
    long_run_km : float, optional
        The runner's recent longest run [km]: the long run grows from it by the
        ramp (10 % a week) instead of starting at its share of the volume.
    """
    if not 3 <= days_per_week <= 7:
        raise ValueError(
            "days per week must be 3..7 (a plan needs a long run, a quality day and an easy day)"
        )
    if race_distance_m < 800:
        raise ValueError("race distance must be at least 800 m")
    if (race_date - start).days > MAX_HORIZON_DAYS:
        raise ValueError(
            f"race date {race_date} is {(race_date - start).days} days after the plan start "
            f"{start}: plan at most {MAX_HORIZON_DAYS // 365} years ahead"
        )
    long_day = parse_weekday(long_run_day)
    if vdot is None:
        if goal_time_s is None:
            raise ValueError("give a goal time or the current VDOT to set the training paces")
        vdot = vdot_from_race(race_distance_m, goal_time_s)
    vdot = float(vdot)
    if goal_time_s is None:
        goal_time_s = race_time(vdot, race_distance_m)
    default_vol = (
        30.0
        if race_distance_m <= 5000
        else 35.0
        if race_distance_m <= 10000
        else 40.0
        if race_distance_m <= 21097.5
        else 50.0
    )
    vol = float(volume_km) if volume_km is not None else default_vol
    vmax = float(max_volume_km) if max_volume_km is not None else round(vol * 1.4, 1)
    if vol < 5:
        raise ValueError("current weekly volume must be at least 5 km (give --volume-km)")
    if vmax < vol:
        raise ValueError(
            f"maximum volume {vmax:g} km is below the current {vol:g} km: raise --max-volume-km"
        )
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    race_monday = race_date - timedelta(days=race_date.weekday())
    n_weeks = (race_monday - first).days // 7 + 1
    if race_date < first or n_weeks < 2:
        raise ValueError(
            f"race on {race_date} is too close to plan for: the plan starts on {first} and needs at least 2 weeks"
        )
    taper_n = min(
        n_weeks - 1, 1 if race_distance_m <= 10000 else 2 if race_distance_m <= 21097.5 else 3
    )
    n_pre = n_weeks - taper_n
    phases = _phases(n_pre) + ["taper"] * taper_n
    target_types: list[str] = []
    for t in targets:
        target_types.extend(x for x in workout_types_for(t) if x not in target_types)
    long_cap = next(cap for lim, cap in LONG_CAP_KM if race_distance_m <= lim)
    key = "short" if race_distance_m <= 10000 else "long"

    history = [vol, vol, vol]
    rebuilding = volume_caps is not None or long_run_km is not None
    weeks: list[Week] = []
    days: list[PlannedDay] = []
    peak_actual = 0.0
    target_cursor = 0
    for w in range(n_weeks):
        phase = phases[w]
        wk_start = first + timedelta(days=7 * w)
        recovery = phase != "taper" and w % RULES["recovery_every"] == RULES["recovery_every"] - 1
        if phase == "taper":
            target = peak_actual * TAPER_FRACTIONS[taper_n][w - n_pre]
        elif recovery:
            target = history[-1] * RULES["recovery_fraction"]
        elif w == 0:
            target = min(vol, vmax)
        else:
            s3 = sum(history[-3:])
            acwr = RULES["acwr_max"]
            ramp = (1 + RULES["ramp"]) * max(history[-3:])
            cap = volume_caps[w] if volume_caps is not None and w < len(volume_caps) else None
            if cap is not None:  # returning from a break: rebuild to the cap, within the ACWR
                ramp = max(ramp, min(cap, vmax))
            target = min(vmax, ramp, acwr * s3 / (4 - acwr))
        week_long_cap = long_cap
        if long_run_km is not None and phase != "taper":
            grown = max(long_run_km, RULES["min_run_km"]) * (1 + RULES["ramp"]) ** (w + 1)
            week_long_cap = min(long_cap, grown)
        hard_dates = [d.date for d in days if is_hard(d.workout_type)]
        blocked = {h + timedelta(days=1) for h in hard_dates} | {race_date - timedelta(days=1)}
        ctx = _Week(
            start=wk_start,
            phase=phase,
            recovery=recovery,
            target_km=target,
            vdot=vdot,
            n_runs=days_per_week,
            long_day=long_day,
            long_cap=week_long_cap,
            key=key,
            progress=w / max(1, n_pre - 1) if phase != "taper" else 0.5,
            blocked=blocked,
            rotation=w,
        )
        if w == n_weeks - 1:
            wk = _race_week(ctx, race_date, race_distance_m, goal_time_s)
        else:
            wk = _plan_week(ctx, target_types, target_cursor, race_distance_m)
        target_cursor += sum(1 for d in wk if d.workout_type in target_types)
        training = sum(_km(d.text, vdot) for d in wk if d.workout_type != "race")
        race_km = sum(_km(d.text, vdot) for d in wk if d.workout_type == "race")
        days.extend(wk)
        weeks.append(
            Week(
                w,
                wk_start,
                phase,
                recovery,
                round(target, 2),
                round(training, 2),
                round(race_km, 2),
            )
        )
        # rebuilding from a low start, whole-km rounding of short runs must not stall the ramp
        history.append(max(training, target) if rebuilding and not recovery else training)
        if phase != "taper":
            peak_actual = max(peak_actual, training)
    params: dict[str, Any] = {
        "race_distance_m": race_distance_m,
        "race_date": race_date.isoformat(),
        "start": start.isoformat(),
        "days_per_week": days_per_week,
        "long_run_day": WEEKDAYS[long_day],
        "volume_km": vol,
        "max_volume_km": vmax,
        "goal_time_s": round(goal_time_s, 1),
        "vdot": round(vdot, 2),
        "targets": list(targets),
    }
    if volume_caps is not None:
        params["volume_caps"] = [None if c is None else round(c, 1) for c in volume_caps]
    if long_run_km is not None:
        params["long_run_km"] = round(long_run_km, 1)
    return Plan(
        days=days,
        name=name or f"{format_distance(race_distance_m)} on {race_date}",
        params=params,
        weeks=weeks,
    )


@dataclass
class _Week:
    start: date
    phase: str
    recovery: bool
    target_km: float
    vdot: float
    n_runs: int
    long_day: int
    long_cap: float
    key: str
    progress: float
    blocked: set[date]
    rotation: int


def _downgrade(wt: str, text: str, vdot: float) -> tuple[str, str]:
    km = _round_km(_km(text, vdot))
    return ("easy", f"{km:g}km E")


def _plan_week(
    wk: _Week, target_types: list[str], cursor: int, race_distance_m: float
) -> list[PlannedDay]:
    """One week's days: long run, quality days, easy days, fitted under ``wk.target_km``."""
    vdot, target_km = wk.vdot, wk.target_km
    q = 1 if (wk.recovery or wk.phase in ("base", "taper") or wk.n_runs < 5) else 2
    quality = PHASE_QUALITY[wk.phase][wk.key]
    ordered: list[str] = []
    for i in range(len(target_types)):
        t = target_types[(cursor + i) % len(target_types)]
        if t not in ("long", "mp_long", "strides", "easy", "recovery", "race") and t not in ordered:
            ordered.append(t)
    if wk.phase == "base" and not ordered:
        ordered.append(quality[wk.rotation % len(quality)])
    ordered += [x for x in quality if x not in ordered]
    q_types = ordered[:q]
    long_km = _round_km(min(wk.long_cap, target_km * LONG_FRACTION[wk.n_runs]))
    long_km = max(long_km, min(RULES["min_run_km"], _round_km(target_km)))
    plan: dict[int, tuple[str, str]] = {0: ("long", f"{long_km:g}km E")}
    wants_mp = "mp_long" in target_types or race_distance_m > 21097.5
    if wants_mp and wk.phase in ("build", "peak") and not wk.recovery and wk.rotation % 2 == 0:
        mp = _round_km(min(long_km * 0.5, 19.0))
        wu = _round_km(long_km - mp - 2.0)
        if wu >= 2 and mp >= 4:
            plan[0] = ("mp_long", f"{wu:g}km E + {mp:g}km @M + 2km E")
    offsets = _hard_offsets(q)
    easy_offsets = _easy_order(wk.n_runs - 1 - q, {0, *offsets})
    budget = target_km * (0.3 if q == 1 else 0.22)
    for off, wt in zip(offsets, q_types, strict=False):
        text = _pick(wt, budget, wk.progress, vdot)
        if text is not None:
            plan[off] = (wt, text)
        else:
            easy_offsets.append(off)
    for off, (wt, text) in list(plan.items()):
        if is_hard(wt) and _date(wk, off) in wk.blocked:
            plan[off] = _downgrade(wt, text, vdot)
    used = sum(_km(t, vdot) for _, t in plan.values())
    remaining = target_km - used
    n_e = len(easy_offsets)
    while n_e > 0 and remaining / n_e < RULES["min_run_km"]:
        n_e -= 1
    each = _round_km(remaining / n_e) if n_e else 0.0
    if each > long_km and plan[0][0] == "long":
        # no easy run longer than the long run: lengthen the long run (to its cap) first
        spread = _round_km(min(wk.long_cap, (remaining + long_km) / (n_e + 1)))
        if spread > long_km:
            remaining -= spread - long_km
            long_km = spread
            plan[0] = ("long", f"{long_km:g}km E")
    each = _round_km(min(remaining / n_e, long_km)) if n_e else 0.0
    easy: dict[int, tuple[str, float]] = {}
    strides_done = wk.recovery or wk.phase == "taper"
    for off in easy_offsets[:n_e]:
        if off == 1:
            easy[off] = ("recovery", each)
        elif not strides_done and each >= 5:
            easy[off] = ("strides", each - 1.5)
            strides_done = True
        else:
            easy[off] = ("easy", each)

    def total() -> float:
        return sum(_km(t, vdot) for _, t in plan.values()) + sum(
            _km(_easy_text(wt, km), vdot) for wt, km in easy.values()
        )

    # never above the week's target: shorten easy days, drop them, then quality, then the long run
    while total() > target_km + 1e-6:
        longer = [o for o, (_, km) in easy.items() if km - 0.5 >= RULES["min_run_km"]]
        if longer:
            o = max(longer, key=lambda o: easy[o][1])
            easy[o] = (easy[o][0], easy[o][1] - 0.5)
        elif easy:
            del easy[max(easy)]
        elif len(plan) > 1:
            del plan[max(o for o in plan if o != 0)]
        else:
            plan[0] = ("long", f"{_round_km(target_km):g}km E")
            break
    for off, (wt, km) in easy.items():
        plan[off] = (wt, _easy_text(wt, km))
    out = [PlannedDay(_date(wk, off), wt, text, phase=wk.phase) for off, (wt, text) in plan.items()]
    return sorted(out, key=lambda d: d.date)


def _easy_text(workout_type: str, km: float) -> str:
    if workout_type == "strides":
        return f"{km:g}km E + 6x100m strides w/ 100m jog"
    return f"{km:g}km E"


def _date(wk: _Week, offset: int) -> date:
    return wk.start + timedelta(days=(wk.long_day + offset) % 7)


def _race_week(
    wk: _Week, race_date: date, race_distance_m: float, goal_time_s: float
) -> list[PlannedDay]:
    """Race week: short easy runs, one sharpening session ≥ 3 days out, the race."""
    out = [PlannedDay(race_date, "race", _race_text(race_distance_m, goal_time_s), phase="taper")]
    r = (race_date - wk.start).days
    free = list(range(r))
    budget = wk.target_km
    runs = wk.n_runs - 1
    sharpen = [
        d
        for d in free
        if r - d >= 3
        and wk.start + timedelta(days=d) not in wk.blocked
        and wk.start + timedelta(days=d - 1) not in wk.blocked
    ]
    if sharpen and runs > 0:
        d = sharpen[len(sharpen) // 2]
        text = "1km E + 4x400m @I w/ 400m jog + 1km E"
        km = _km(text, wk.vdot)
        if km <= budget:
            out.append(PlannedDay(wk.start + timedelta(days=d), "intervals", text, phase="taper"))
            budget -= km
            runs -= 1
            free.remove(d)
    easy_days = list(reversed(free))[:runs]
    if easy_days:
        each = _round_km(min(budget / len(easy_days), 6.0))
        if each >= RULES["min_run_km"]:
            for d in easy_days:
                day = wk.start + timedelta(days=d)
                out.append(PlannedDay(day, "easy", f"{each:g}km E", phase="taper"))
    return sorted(out, key=lambda d: d.date)


def check_constraints(plan: Plan) -> list[str]:
    """Every broken generator rule, as sentences (empty when the plan keeps them all)."""
    p = plan.params
    problems: list[str] = []
    vol = float(p.get("volume_km", 0))
    vmax = float(p.get("max_volume_km", math.inf))
    long_day = parse_weekday(p.get("long_run_day", "sun"))
    race_date = date.fromisoformat(p["race_date"]) if "race_date" in p else None
    hist = [vol, vol, vol]
    peak = 0.0
    caps = p.get("volume_caps") or []
    for wk in plan.weeks:
        v = wk.planned_km
        returning = wk.index < len(caps) and caps[wk.index] is not None
        if v > vmax + 1e-6:
            problems.append(f"week {wk.index}: {v:.1f} km is above the maximum {vmax:g} km")
        if returning and v > float(caps[wk.index]) + 1e-6 and v > vol + 1e-6:
            problems.append(
                f"week {wk.index}: {v:.1f} km is above the return-from-break cap {caps[wk.index]:g} km"
            )
        if not returning and v > (1 + RULES["ramp"]) * max(hist[-3:]) + 1e-6:
            problems.append(
                f"week {wk.index}: {v:.1f} km ramps more than 10% over {max(hist[-3:]):.1f} km"
            )
        acwr = v / (sum(hist[-3:]) + v) * 4 if v > 0 else 0.0
        if acwr > RULES["acwr_max"] + 1e-6:
            problems.append(f"week {wk.index}: planned ACWR {acwr:.2f} above {RULES['acwr_max']}")
        if wk.phase == "taper" and v > peak + 1e-6:
            problems.append(
                f"week {wk.index}: taper week {v:.1f} km is not below the peak {peak:.1f} km"
            )
        if wk.phase != "taper":
            peak = max(peak, v)
        rebuilding = "volume_caps" in p or "long_run_km" in p
        hist.append(max(v, wk.target_km) if rebuilding and not wk.recovery else v)
    hard = sorted(d.date for d in plan.days if is_hard(d.workout_type))
    for a, b in zip(hard, hard[1:], strict=False):
        if (b - a).days < 2:
            problems.append(f"hard days {a} and {b} have no easy day between them")
    for d in plan.days:
        if d.workout_type in ("long", "mp_long") and d.date.weekday() != long_day:
            problems.append(f"long run on {d.date} is not on {WEEKDAYS[long_day]}")
        if race_date and d.date > race_date:
            problems.append(f"{d.date} is after the race")
    for wk in plan.weeks:
        long_date = wk.start + timedelta(days=long_day)
        if race_date and (
            wk.start <= race_date < wk.start + timedelta(days=7)
            or long_date == race_date - timedelta(days=1)
        ):
            continue
        if not any(
            d.workout_type in ("long", "mp_long")
            and wk.start <= d.date < wk.start + timedelta(days=7)
            for d in plan.days
        ):
            problems.append(f"week {wk.index} has no long run")
    return problems
