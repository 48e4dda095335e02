"""Designing an n-of-1 experiment before it runs, and checking a design before judging it.

- :func:`draw_assignment`: the randomised design's coin flips within consecutive pairs.
- :func:`plan_experiment`: the minimum detectable effect and the number of sessions
  needed, from the runner's own session-to-session variability in the outcome.
- :func:`before_after_window`: the sessions a before/after comparison may use (never a
  trend across a gap of more than 14 days) and the reasons to withhold its verdict
  (a pre-period too short, a break, an illness or a race next to the change date).
- :func:`confounded_with_arm`: whether the weekday or the time of day changes with the
  arm (an alternating schedule on fixed days).

Pure: no clock, no database; ``today`` and the sessions are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from deliberun.practice.session import Session
from deliberun.practice.stats import design_se, detectable_effect

#: Before/after rules (issue 12; n-of-1 practice, Kravitz & Duan 2014, ch. 3-4): a
#: pre-period of at least 8 sessions over at least 4 weeks; a gap longer than 14 days
#: ends a segment (no trend is carried across it); a break, an illness or a race within
#: ``NEAR_CHANGE_DAYS`` before or ``NEAR_CHANGE_AFTER_DAYS`` after the change date
#: withholds the verdict.
BEFORE_AFTER = {
    "min_pre_sessions": 8,
    "min_pre_days": 28,
    "max_gap_days": 14,
    "near_change_days": 28,
    "near_change_after_days": 14,
}
#: Most sessions a plan asks for: two a week over a 24-week season.
MAX_PLANNED = 48
#: Fewest sessions a plan asks for (three per arm and the trend).
MIN_PLANNED = 8
#: Before/after: the pre-period sessions compared (the last ones before the change; a
#: longer pre-period adds little to a straight trend and much drift), and the fewest and
#: most sessions a plan asks for after the change.
MAX_PRE = MAX_PLANNED // 2
MIN_AFTER = 6
MAX_AFTER = MAX_PLANNED // 2
#: Tags (``deliberun log --tag``) that mark an illness or injury.
ILLNESS_TAGS = ("ill", "illness", "sick", "injury", "injured", "covid", "flu")


def draw_assignment(rng: np.random.Generator, n: int) -> list[int]:
    """``n`` arms (0 = A, 1 = B): a fair coin decides the order within each consecutive
    pair, so each pair has one A and one B (a paired randomised n-of-1 design; Kravitz &
    Duan 2014, ch. 4) and no schedule (weekday, time of day) can line up with the arm."""
    out: list[int] = []
    for _ in range((n + 1) // 2):
        first = int(rng.integers(0, 2))
        out += [first, 1 - first]
    return out[:n]


@dataclass(frozen=True)
class ExperimentPlan:
    """What an experiment can find: ``planned_sessions`` (both arms) and the
    ``min_detectable_effect`` (in the metric's unit) found with 80% power at the last
    look; ``sd`` the runner's session-to-session SD it assumes, ``sd_source`` where that
    came from; ``needed_for_worthwhile`` the sessions needed for the metric's smallest
    worthwhile change (None when more than a season)."""

    planned_sessions: int
    min_detectable_effect: float
    sd: float
    sd_source: str
    needed_for_worthwhile: int | None
    n_pre: int = 0  # before/after: sessions already in the pre-period
    planned_after: int | None = None  # before/after: sessions planned after the change

    def sentence(self, unit: str, worthwhile: float) -> str:
        need = (
            f"{self.needed_for_worthwhile} sessions would find the smallest worthwhile "
            f"change ({worthwhile:g} {unit})"
            if self.needed_for_worthwhile is not None
            else f"no season-long experiment finds the smallest worthwhile change "
            f"({worthwhile:g} {unit})"
        )
        count = (
            f"{self.planned_sessions} sessions"
            if self.planned_after is None
            else f"{self.planned_after} sessions after the change (beside "
            f"{self.planned_sessions - self.planned_after} of the pre-period)"
        )
        return (
            f"Planned {count}: they find an effect of "
            f"{self.min_detectable_effect:.2f} {unit} or more 8 times in 10 "
            f"(session-to-session SD {self.sd:.2f} {unit}, {self.sd_source}); {need}."
        )


def _design_for(design: str, n: int, cadence: float, n_pre: int) -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(n, dtype=float) * cadence
    if design == "before_after":
        arm = (np.arange(n) >= min(max(n_pre, 2), n - 2)).astype(int)
    else:  # randomised pairs / alternating: one of each arm in every pair
        arm = np.arange(n) % 2
    return days, arm


def planning_sd(sd: float, n_values: int) -> float:
    """The SD a plan uses: the one-sided 80% upper confidence limit of the runner's SD
    (chi-square on ``n_values - 2`` degrees of freedom), so a plan made from a few
    sessions still finds its stated effect 8 times in 10 (Browne R.H. (1995) On the use
    of a pilot sample for sample size determination. Stat Med 14:1933-1940)."""
    from scipy import stats as sstats

    k = max(n_values - 2, 1)
    return float(sd * np.sqrt(k / sstats.chi2.ppf(0.20, k)))


def _mde(design: str, n: int, cadence: float, n_pre: int, sd: float) -> float:
    days, arm = _design_for(design, n, cadence, n_pre)
    se = design_se(days, arm, sd)
    return detectable_effect(se, n - 3)


def plan_experiment(
    design: str,
    *,
    sd: float,
    sd_source: str,
    worthwhile: float,
    cadence_days: float = 3.5,
    n_pre: int = 0,
    requested: int | None = None,
) -> ExperimentPlan:
    """The plan: with ``requested`` sessions, else the fewest that find ``worthwhile``
    (capped at :data:`MAX_PLANNED`). The detectable effect is ``(t_{1-alpha/2} +
    t_0.8) * se`` where ``se`` is the arm effect's standard error for the design (a
    linear trend and the arm) at the runner's ``sd`` and one session every
    ``cadence_days``.

    Before/after: the pre-period counts as the ``n_pre`` sessions already in it, at
    least the 8 the analysis needs and at most :data:`MAX_PRE` (the analysis compares
    its last ones); the sessions after the change are planned from the runner's
    variability, :data:`MIN_AFTER` to :data:`MAX_AFTER`, and stored as
    ``planned_after``: a long pre-period never leaves only a few sessions after it."""
    if sd <= 0 or not np.isfinite(sd):
        raise ValueError("the outcome's SD must be positive")
    if design == "before_after":
        return _plan_before_after(sd, sd_source, worthwhile, cadence_days, n_pre, requested)
    needed: int | None = None
    lo = MIN_PLANNED
    for n in range(lo, MAX_PLANNED + 1, 2):
        if _mde(design, n, cadence_days, n_pre, sd) <= worthwhile:
            needed = n
            break
    if requested is not None:
        if requested < lo:
            raise ValueError(f"plan at least {lo} sessions (have {requested})")
        planned = int(requested)
    else:
        planned = needed if needed is not None else MAX_PLANNED
    mde = _mde(design, planned, cadence_days, n_pre, sd)
    return ExperimentPlan(planned, mde, sd, sd_source, needed, n_pre)


def _plan_before_after(
    sd: float, sd_source: str, worthwhile: float, cadence: float, n_pre: int, requested: int | None
) -> ExperimentPlan:
    pre = min(max(n_pre, BEFORE_AFTER["min_pre_sessions"]), MAX_PRE)
    needed: int | None = None
    for after in range(MIN_AFTER, MAX_AFTER + 1):
        if _mde("before_after", pre + after, cadence, pre, sd) <= worthwhile:
            needed = pre + after
            break
    if requested is not None:
        if requested < pre + MIN_AFTER:
            raise ValueError(
                f"plan at least {pre + MIN_AFTER} sessions ({pre} in the pre-period and "
                f"{MIN_AFTER} after the change; have {requested})"
            )
        planned = int(requested)
    else:
        planned = needed if needed is not None else pre + MAX_AFTER
    mde = _mde("before_after", planned, cadence, pre, sd)
    return ExperimentPlan(planned, mde, sd, sd_source, needed, n_pre, planned - pre)


#: Pre-period of a before/after experiment created without ``--start`` [days]: 12 weeks.
PRE_PERIOD_DAYS = 84


def pre_period_words(start: date, change_date: date, n_pre: int) -> list[str]:
    """What a before/after experiment compares, in sentences: its pre-period (arm A),
    and a warning when that is longer than :data:`PRE_PERIOD_DAYS` (one straight trend is
    fitted across all of it; the placebo check says when the history drifts)."""
    weeks = (change_date - start).days / 7
    out = [
        f"Sessions from {start} to {change_date - timedelta(days=1)} are the pre-period (A, "
        f"{n_pre} so far, {weeks:.0f} weeks); from {change_date} on, B (with the change)."
    ]
    if (change_date - start).days > PRE_PERIOD_DAYS:
        out.append(
            f"The pre-period starts {weeks:.0f} weeks before the change (--start {start}): one "
            f"straight fitness trend is fitted across all of it, and over more than "
            f"{PRE_PERIOD_DAYS // 7} weeks fitness rarely follows one line; the placebo check "
            "withholds the verdict when it does not. A later --start keeps it shorter."
        )
    return out


@dataclass(frozen=True)
class Window:
    """The sessions (with arms) a before/after comparison uses, and why to withhold."""

    used: list[tuple[Session, int]]
    warnings: list[str]
    withhold: bool
    pre_ok: bool


def before_after_window(
    pairs: list[tuple[Session, int]],
    change_date: date,
    all_sessions: list[Session],
) -> Window:
    """Apply the before/after rules (:data:`BEFORE_AFTER`) to the experiment's sessions
    ``pairs`` (in date order, arm 1 from ``change_date`` on); ``all_sessions`` are every
    run (any type), used to find breaks."""
    r = BEFORE_AFTER
    warnings: list[str] = []
    withhold = False
    run_days = sorted({s.local_date for s in all_sessions} | {s.local_date for s, _ in pairs})
    gaps = [
        (a, b)
        for a, b in zip(run_days, run_days[1:], strict=False)
        if (b - a).days > r["max_gap_days"]
    ]
    seg_start, seg_end = date.min, date.max
    for a, b in gaps:
        if b <= change_date:
            seg_start = max(seg_start, b)
        elif a >= change_date:
            seg_end = min(seg_end, a)
        else:  # the change falls inside the break
            seg_start = max(seg_start, b)
    near_lo = change_date - timedelta(days=r["near_change_days"])
    near_hi = change_date + timedelta(days=r["near_change_after_days"])
    for a, b in gaps:
        if b >= near_lo and a <= near_hi:
            withhold = True
            warnings.append(
                f"a break of {(b - a).days - 1} days without running ({a + timedelta(days=1)} "
                f"to {b - timedelta(days=1)}) sits next to the change on {change_date}: "
                "fitness lost and regained then would look like an effect of the change, "
                "so no verdict is given."
            )
    for s in sorted(all_sessions, key=lambda s: s.local_date):
        if not near_lo <= s.local_date <= near_hi:
            continue
        tags = {t.lower() for t in s.tags}
        if tags & set(ILLNESS_TAGS):
            withhold = True
            warnings.append(
                f"an illness or injury is logged on {s.local_date}, next to the change on "
                f"{change_date}: no verdict is given."
            )
            break
    races = [s.local_date for s in all_sessions if s.workout_type == "race" or "race" in s.tags]
    near_races = [d for d in races if change_date - timedelta(days=14) <= d <= near_hi]
    if near_races:
        withhold = True
        warnings.append(
            f"a race on {min(near_races)} sits next to the change on {change_date} (taper "
            "and recovery change the outcome by themselves): no verdict is given."
        )
    used = [(s, a) for s, a in pairs if seg_start <= s.local_date <= seg_end]
    if len(used) < len(pairs):
        warnings.append(
            f"{len(pairs) - len(used)} sessions on the far side of a break of more than "
            f"{r['max_gap_days']} days are left out: a trend is never carried across a break."
        )
    pre = [s.local_date for s, a in used if a == 0]
    span = (max(pre) - min(pre)).days if pre else 0
    pre_ok = len(pre) >= r["min_pre_sessions"] and span >= r["min_pre_days"]
    if not pre_ok:
        warnings.append(
            f"the pre-period has {len(pre)} sessions over {span} days; a before/after "
            f"comparison needs at least {r['min_pre_sessions']} over {r['min_pre_days'] // 7} "
            "weeks (or use the randomised design)."
        )
    return Window(used, warnings, withhold, pre_ok)


_TOD = ("morning", "midday", "evening")


def time_of_day(s: Session) -> int:
    """0 morning (before 11:00), 1 midday, 2 evening (16:00 on); midday when unknown."""
    h = 12.0 if s.local_hour is None else s.local_hour
    return 0 if h < 11 else (1 if h < 16 else 2)


def schedule_covariates(used: list[tuple[Session, int]]) -> np.ndarray | None:
    """Indicator columns for weekday and time of day (the levels present but the first),
    or None when every session shares both."""
    cols = []
    for key in (lambda s: s.weekday, time_of_day):
        levels = sorted({key(s) for s, _ in used})
        for lev in levels[1:]:
            cols.append([float(key(s) == lev) for s, _ in used])
    return np.array(cols, dtype=float).T if cols else None


def confounded_with_arm(used: list[tuple[Session, int]]) -> str | None:
    """A sentence when the weekday or the time of day separates the arms (every level
    holds one arm only, so the schedule cannot be told from the change), else None."""
    for what, key, names in (
        ("weekday", lambda s: s.weekday, _WEEKDAYS),
        ("time of day", time_of_day, _TOD),
    ):
        arms_by_level: dict[int, set[int]] = {}
        for s, a in used:
            arms_by_level.setdefault(key(s), set()).add(a)
        if len(arms_by_level) > 1 and all(len(v) == 1 for v in arms_by_level.values()):
            a_lv = sorted(k for k, v in arms_by_level.items() if v == {0})
            b_lv = sorted(k for k, v in arms_by_level.items() if v == {1})
            return (
                f"the {what} changes with the arm (A on {', '.join(names[k] for k in a_lv)}, "
                f"B on {', '.join(names[k] for k in b_lv)}): the difference could be the "
                f"{what}, so no verdict is given. Use the randomised design."
            )
    return None


_WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
