"""Reviews: the weekly review, today's advice and the cycle retrospective.

Every sentence carries its evidence (activity ids, the numbers, the uncertainty) so
the runner can check it. Renderers to Markdown and JSON live here; Rich belongs to
the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from deliberun.models.vdot import vdot
from deliberun.practice import comfort
from deliberun.practice.cycles import Cycle
from deliberun.practice.experiments import (
    ExperimentResult,
    ExperimentSpec,
    analyze_experiment,
    more_sessions_words,
    session_key,
)
from deliberun.practice.journal import rpe_disagreement
from deliberun.practice.nemesis import Nemesis, find_nemeses
from deliberun.practice.session import Session
from deliberun.practice.stats import robust_trend
from deliberun.practice.targets import TargetProgress, progress
from deliberun.units import clock, plain, target_change, target_value, workout_words

#: Push / hold / back off thresholds. ACWR: Gabbett (2016) Br J Sports Med 50:273-280
#: (sweet spot 0.8-1.3, danger above 1.5). Form (TSB) bands: the TrainingPeaks
#: Performance Manager convention (-10..-30 "optimal training", below -30 high risk).
#: RPE drift and decoupling rise are coaching conventions. After a race: one easy day
#: per mile raced (the coaching rule of thumb usually credited to Jack Foster).
#: A break is 14+ days without a run; the graded return lasts until the 28-day chronic
#: window holds training again (the ACWR's own chronic window, Gabbett 2016). The HR
#: drift rule compares the last 14 days with days 14-56 back: at least 4 runs each side
#: and a one-sided Mann-Whitney p < 0.05 besides the 3-point rise.
LOAD_ADVICE_RULES: dict[str, float] = {
    "race_recovery_days_per_km": 1 / 1.609344,
    "acwr_back_off": 1.5,
    "acwr_push_max": 1.3,
    #: days before a planned race in which no stretch session is suggested (the taper)
    "race_week_days": 7,
    #: below it the last week held too little running to call for a stretch session
    "acwr_low": 0.8,
    "form_back_off": -30.0,
    "form_push_min": -10.0,
    "rpe_slope_per_week_back_off": 0.5,
    "decoupling_rise_back_off": 3.0,
    "drift_min_runs": 4,
    "drift_alpha": 0.05,
    "break_days": 14,
    "rebuild_days": 28,
}


@dataclass
class Evidence:
    activity_ids: list[int | str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    interval: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "activity_ids": list(self.activity_ids),
            "values": dict(self.values),
            "interval": list(self.interval) if self.interval else None,
        }


@dataclass
class Sentence:
    text: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass
class Section:
    title: str
    sentences: list[Sentence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "sentences": [s.to_dict() for s in self.sentences]}


@dataclass
class Review:
    kind: str  # week | today | cycle
    title: str
    start: date
    end: date
    sections: list[Section] = field(default_factory=list)
    advice: str | None = None  # push | hold | back_off | return | rest (week, today)
    notice: str | None = None  # said first: e.g. the data stop long before today

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "advice": self.advice,
            "notice": self.notice,
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass
class PlannedDay:
    """One planned workout (the service adapts the plan area's rows)."""

    date: date
    workout_type: str
    text: str = ""


@dataclass(frozen=True)
class LoadState:
    """The athlete's load state on one day, as the athlete area's model gives it.

    The services pass the same numbers the Today page and ``deliberun fitness`` show
    (``services.athlete.daily_state``), so advice and charts never disagree.
    ``form`` follows the athlete's form convention (default: the form you start the
    day with); ``acwr`` is the rolling coupled acute:chronic ratio.
    """

    day: date
    form: float | None = None
    fitness: float | None = None
    fatigue: float | None = None
    acwr: float | None = None


def _ids(sessions: list[Session]) -> list[int | str]:
    return [session_key(s) for s in sessions]


def _fmt(v: float | None, nd: int = 1) -> str:
    return "n/a" if v is None else f"{v:.{nd}f}"


#: The newest run more than this many days before today makes every page say so first.
STALE_DAYS = 14


def stale_notice(last_run: date | None, today: date) -> str | None:
    """The sentence said first when the data stop long before ``today`` (else None)."""
    if last_run is None:
        return f"No run recorded up to {today.isoformat()}: import your runs first."
    days = (today - last_run).days
    if days <= STALE_DAYS:
        return None
    return (
        f"Your newest run is from {last_run.isoformat()}, {days} days before "
        f"{today.isoformat()}: import any newer runs, or read what follows as of then."
    )


def _break_before(
    past: list[Session],
    today: date,
    last_run: date | None = None,
    run_days: list[date] | None = None,
) -> tuple[date, date | None, int] | None:
    """The latest break of at least ``BREAK_DAYS`` days without a run that still asks for a
    graded return on ``today``: (last run before it, first run after it or None while it
    lasts, its length in days). None when the chronic window has refilled since."""
    gap = LOAD_ADVICE_RULES["break_days"]
    rebuild = LOAD_ADVICE_RULES["rebuild_days"]
    days = sorted({s.local_date for s in past} | ({last_run} if last_run else set())
                  | {d for d in run_days or [] if d <= today})  # fmt: skip
    if not days:
        return None
    if (today - days[-1]).days >= gap:
        return days[-1], None, (today - days[-1]).days
    for before, after in zip(reversed(days[:-1]), reversed(days[1:]), strict=True):
        if (today - after).days >= rebuild:
            return None
        if (after - before).days >= gap:
            return before, after, (after - before).days
    return None


def _drift_rise(past: list[Session], today: date) -> tuple[float, float, float, float] | None:
    """HR drift now (last 14 days) vs the baseline (14-56 days back): (rise of the median
    [points], one-sided Mann-Whitney p, IQR now, IQR baseline); None with fewer than
    ``drift_min_runs`` runs on either side."""
    from scipy.stats import mannwhitneyu

    n_min = int(LOAD_ADVICE_RULES["drift_min_runs"])

    def vals(lo: int, hi: int) -> list[float]:
        return [
            float(s.metrics["decoupling_pct"] or 0.0)
            for s in past
            if lo <= (today - s.local_date).days < hi
            and s.metrics.get("decoupling_pct") is not None
        ]

    now, base = vals(0, 14), vals(14, 56)
    if len(now) < n_min or len(base) < n_min:
        return None
    rise = float(np.median(now) - np.median(base))
    p = float(mannwhitneyu(now, base, alternative="greater").pvalue)
    iqr = lambda v: float(np.subtract(*np.percentile(v, [75, 25])))  # noqa: E731
    return rise, p, iqr(now), iqr(base)


def load_advice(
    sessions: list[Session],
    today: date,
    state: LoadState | None = None,
    last_run: date | None = None,
    run_days: list[date] | None = None,
) -> tuple[str, Sentence]:
    """Push / hold / back off / return for the coming days, from form, ACWR, RPE and HR drift.

    ``state`` is the athlete's load state on ``today`` (the athlete area's model); without
    it, the form and ACWR of the last session up to ``today`` are used. After a break of
    ``break_days`` or more without a run the advice is ``return`` (a graded return, never
    push) until the chronic window has refilled (``rebuild_days`` after the first run
    back), and no ACWR is used then. ``last_run``: the newest run up to ``today`` when
    ``sessions`` are only a recent window; ``run_days``: every run day up to ``today``
    (so a break longer than that window is still seen). The athlete model also leaves the ratio out
    in the first 28 days of the history (``models.load_ratios.chronic_history_mask``).
    """
    r = LOAD_ADVICE_RULES
    past = sorted((s for s in sessions if s.local_date <= today), key=lambda s: s.local_date)
    last = past[-1] if past else None
    if state is not None:
        form, acwr = state.form, state.acwr
    else:
        form = last.form if last else None
        acwr = last.acwr if last else None
    race = _recovering_from(past, today)
    # the days of rest a race calls for are no break to return from
    brk = _break_before(past, today, last_run, run_days) if race is None else None
    if brk is not None:
        acwr = None  # no chronic load to divide by (the athlete model masks it too)
    recent = [s for s in past if (today - s.local_date).days < 21 and s.rpe is not None]
    rpe_slope = rpe_iv = None
    if len(recent) >= 4 and len({s.local_date for s in recent}) >= 2:
        tr = robust_trend(
            np.array([(s.local_date - today).days for s in recent], float),
            np.array([s.rpe for s in recent], float),
        )
        rpe_slope, rpe_iv = 7 * tr.slope_per_day, (7 * tr.interval_90[0], 7 * tr.interval_90[1])
    drift = _drift_rise(past, today)
    dec_rise = drift[0] if drift else None
    reasons: list[str] = []
    advice = "hold"
    if race is not None:
        race_day, days = race
        left = days - (today - race_day.local_date).days
        km = (race_day.distance_m or 0) / 1000
        reasons.append(
            f"the {km:.1f} km race on {race_day.local_date.isoformat()} calls for {days} easy "
            f"days (one per mile raced), {left} still to go"
        )
    if acwr is not None and acwr > r["acwr_back_off"]:
        reasons.append(f"ACWR {acwr:.2f} is above 1.5")
    if form is not None and form < r["form_back_off"] and brk is None:
        reasons.append(f"form {form:.0f} is below -30")
    if rpe_slope is not None and rpe_iv is not None and rpe_iv[0] > 0:
        if rpe_slope > r["rpe_slope_per_week_back_off"]:
            reasons.append(f"RPE is rising {rpe_slope:+.1f} a week")
    if (
        drift is not None
        and drift[0] > r["decoupling_rise_back_off"]
        and drift[1] < r["drift_alpha"]
    ):
        reasons.append(
            f"HR drift is {drift[0]:+.1f} points above your baseline (IQR {drift[2]:.1f} now, "
            f"{drift[3]:.1f} before; one-sided p={drift[1]:.3f})"
        )
    if brk is not None:
        before, after, length = brk
        advice = "return"
        if after is None:
            text = (
                f"Return: no run for {length} days (last on {before.isoformat()}); start "
                "back with short easy runs, about half your former volume, no hard sessions."
            )
        else:
            left = int(r["rebuild_days"]) - (today - after).days
            text = (
                f"Return: back from a {length}-day break on {after.isoformat()}; build "
                f"the volume gradually, easy running only, for about {left} more days "
                "(until 4 weeks of training fill the chronic load again)."
            )
        if reasons:
            text += " Also: " + "; ".join(reasons) + "."
    elif reasons:
        advice = "back_off"
        text = "Back off: " + "; ".join(reasons) + "."
    elif acwr is not None and acwr < r["acwr_low"]:
        # little running in the last week: a fresh form is rest, not room for a stretch
        advice = "hold"
        text = (
            f"Hold: you ran little in the last 7 days (ACWR {acwr:.2f}, below "
            f"{r['acwr_low']:g}; form {_fmt(form, 0)}); get back to your usual week "
            "before a stretch session."
        )
    elif (
        (acwr is None or acwr <= r["acwr_push_max"])
        and (form is None or form >= r["form_push_min"])
        and acwr is not None
    ):
        advice = "push"
        text = (
            f"Push: form {_fmt(form, 0)} and ACWR {_fmt(acwr, 2)} leave room for a stretch "
            "session this week."
        )
    else:
        text = (
            f"Hold: form {_fmt(form, 0)}, ACWR {_fmt(acwr, 2)}; keep the load steady and "
            "absorb the recent work."
        )
    cited = past[-7:] + ([race[0]] if race and race[0] not in past[-7:] else [])
    ev = Evidence(
        _ids(cited),
        {
            "form": form,
            "acwr": acwr,
            "rpe_slope_per_week": rpe_slope,
            "decoupling_rise_pct": dec_rise,
            "decoupling_p": drift[1] if drift else None,
            "decoupling_iqr": [drift[2], drift[3]] if drift else None,
            "break_days": brk[2] if brk else None,
            "back_since": brk[1].isoformat() if brk and brk[1] else None,
            "race_recovery_days_left": (
                race[1] - (today - race[0].local_date).days if race else None
            ),
        },
        rpe_iv,
    )
    return advice, Sentence(text, [ev])


def _recovering_from(past: list[Session], today: date) -> tuple[Session, int] | None:
    """The latest race whose recovery days (one per mile raced) reach past ``today``."""
    per_km = LOAD_ADVICE_RULES["race_recovery_days_per_km"]
    best: tuple[Session, int] | None = None
    for s in past:
        if s.workout_type != "race" or not s.distance_m:
            continue
        days = int(np.ceil(s.distance_m / 1000.0 * per_km))
        ends = s.local_date + timedelta(days=days)
        if ends > today and (best is None or ends > best[0].local_date + timedelta(days=best[1])):
            best = (s, days)
    return best


def _week_sessions(sessions: list[Session], start: date, end: date) -> list[Session]:
    return sorted(
        (s for s in sessions if start <= s.local_date <= end),
        key=lambda s: (s.local_date, s.local_hour or 0.0),
    )


def planned_words(p: PlannedDay, joint: str = " (") -> str:
    """A planned workout as said: ``easy (8km E)`` / ``easy: 8km E`` (``units.workout_words``)."""
    return workout_words(p.workout_type, p.text, joint)


def _planned_section(planned: list[PlannedDay], done: list[Session]) -> Section:
    sec = Section("Planned vs done")
    for p in sorted(planned, key=lambda p: p.date):
        match = [s for s in done if s.local_date == p.date]
        if not match:
            sec.sentences.append(
                Sentence(f"{p.date} {p.workout_type}: missed ({p.text}).", [Evidence([])])
            )
            continue
        s = match[0]
        status = (
            "done as planned" if s.workout_type == p.workout_type else (f"done as {s.workout_type}")
        )
        if s.failed:
            status += " but " + ", ".join(s.failure_reasons())
        sec.sentences.append(
            Sentence(f"{p.date} {p.workout_type}: {status}.", [Evidence([session_key(s)])])
        )
    planned_days = {p.date for p in planned}
    extra = [s for s in done if s.local_date not in planned_days]
    if planned and extra:
        sec.sentences.append(Sentence(f"{len(extra)} unplanned run(s).", [Evidence(_ids(extra))]))
    return sec


def weekly_review(
    sessions: list[Session],
    week_start: date,
    *,
    planned: list[PlannedDay] | None = None,
    cycle: Cycle | None = None,
    experiments: list[ExperimentSpec] | None = None,
    experiment_sessions: list[Session] | None = None,
    hr_rest_bpm: float | None = None,
    hr_max_bpm: float | None = None,
    threshold_pace_s_per_km: float | None = None,
    seed: int = 0,
    state: LoadState | None = None,
    last_run: date | None = None,
    today: date | None = None,
    run_days: list[date] | None = None,
) -> Review:
    """The review of the 7 days from ``week_start``, with advice for the next week.

    ``experiment_sessions``: the runs the experiments are judged on when ``sessions``
    do not reach back to their start (see ``services.practice.experiment_since``);
    ``state``: the athlete's load state at the end of the week (see :func:`load_advice`);
    ``last_run``: the newest run up to ``today`` (the as-of day), which says first when
    the data stop more than two weeks before it.
    """
    end = week_start + timedelta(days=6)
    done = _week_sessions(sessions, week_start, end)
    upto = [s for s in sessions if s.local_date <= end]
    rev = Review("week", f"Week of {week_start.isoformat()}", week_start, end)
    if today is not None:
        rev.notice = stale_notice(last_run, today)
    dist = sum(s.distance_m or 0 for s in done) / 1000
    load = sum(s.load or 0 for s in done)
    summ = Section("Load and form")
    summ.sentences.append(
        Sentence(
            f"{len(done)} run{'' if len(done) == 1 else 's'}, {dist:.1f} km, load {load:.0f}.",
            [Evidence(_ids(done), {"distance_km": dist, "load": load, "runs": len(done)})],
        )
    )
    advice, sent = load_advice(upto, min(end, today) if today else end, state, last_run,
                               run_days)  # fmt: skip
    summ.sentences.append(sent)
    rev.advice = advice
    rev.sections.append(summ)
    if planned:
        rev.sections.append(_planned_section(planned, done))
    if cycle is not None and cycle.targets:
        sec = Section(f"Targets ({cycle.name}, week {cycle.week_of(end)})")
        for t in cycle.targets:
            pr = progress(t, upto, cycle.start, end)
            iv = pr.slope_interval_90
            proj = (
                f", reaches the goal about {pr.projected_date}"
                if pr.projected_date and pr.projected_date > end and not pr.reached
                else ""
            )
            trend = (
                f", trend {target_change(pr.slope_per_week, pr.unit)} a week (90% "
                f"{target_change(iv[0], pr.unit)} to {target_change(iv[1], pr.unit)})"
                if pr.slope_per_week is not None and iv
                else ""
            )
            sec.sentences.append(
                Sentence(
                    f"{t.name or plain(t.kind)}: baseline {target_value(pr.baseline, pr.unit)}, now "
                    f"{target_value(pr.current, pr.unit)}, goal "
                    f"{target_value(t.goal, pr.unit)}{trend}{proj}.",
                    [
                        Evidence(
                            pr.session_ids[-10:],
                            {"baseline": pr.baseline, "current": pr.current, "goal": t.goal},
                            iv,
                        )
                    ],
                )
            )
        rev.sections.append(sec)
    pts = comfort.classify(upto)
    week_pts = [p for p in pts if week_start <= p.local_date <= end]
    csec = Section("Comfort zone")
    for p in week_pts:
        if p.zone in ("stretch", "over_reach"):
            csec.sentences.append(
                Sentence(
                    f"{p.local_date}: {p.zone.replace('_', '-')} ({'; '.join(p.reasons)}).",
                    [
                        Evidence(
                            [p.activity_id], {"percentile": p.percentile, "ratio": p.ratio_to_best}
                        )
                    ],
                )
            )
    if not week_pts:
        csec.sentences.append(Sentence("No run this week to place against the comfort zone.", []))
    elif not csec.sentences:
        raced = any(p.zone == "race" for p in week_pts)
        csec.sentences.append(
            Sentence(
                "Every training run this week stayed in the comfort zone (a race is not counted)."
                if raced
                else "Every run this week stayed in the comfort zone.",
                [],
            )
        )
    summary = comfort.summarize(pts, cycle.start if cycle else end - timedelta(days=83), end)
    for w in summary.warnings:
        csec.sentences.append(Sentence(w, [Evidence([], {"quiet_weeks": summary.quiet_weeks})]))
    rev.sections.append(csec)
    jsec = Section("Journal")
    for s in done:
        d = rpe_disagreement(
            s,
            hr_rest_bpm=hr_rest_bpm,
            hr_max_bpm=hr_max_bpm,
            threshold_pace_s_per_km=threshold_pace_s_per_km,
        )
        if d is not None:
            jsec.sentences.append(
                Sentence(
                    d.sentence(),
                    [Evidence([session_key(s)], {"rpe": d.rpe, "expected": d.expected})],
                )
            )
        if s.details:
            jsec.sentences.append(
                Sentence(
                    f"{s.local_date}: rehearsed {', '.join(s.details)}.",
                    [Evidence([session_key(s)], {"details": list(s.details)})],
                )
            )
    if jsec.sentences:
        rev.sections.append(jsec)
    nsec = Section("Nemesis workouts")
    for n in find_nemeses(upto, end, seed=seed):
        top = n.standing_out
        why = f"; {n.explanation()}"
        if top and top.confounded_with:
            why += (
                f", which goes together with {top.confounded_with} here (it still matters "
                "with that held fixed, but the two are hard to tell apart)"
            )
        tip = f" Try: {n.suggestions[0].advice}." if n.suggestions else ""
        base = (
            f" (earlier {n.baseline_failures} of {n.baseline_attempts})"
            if n.baseline_attempts
            else ""
        )
        nsec.sentences.append(
            Sentence(
                f"{n.workout_type}: failed {n.failures} of the last {n.attempts}{base}{why}.{tip}",
                [
                    Evidence(
                        n.failed_ids,
                        {
                            "attempts": n.attempts,
                            "p_flag": n.p_flag,
                            "p_adjusted": top.p_adjusted if top else None,
                        },
                        top.interval_90 if top else None,
                    )  # fmt: skip
                ],
            )
        )
    if nsec.sentences:
        rev.sections.append(nsec)
    if experiments:
        esec = Section("Experiments")
        exp_upto = [s for s in experiment_sessions or sessions if s.local_date <= end]
        for spec in experiments:
            res = analyze_experiment(spec, exp_upto, seed=seed)
            esec.sentences.append(
                Sentence(
                    res.sentence(),
                    [
                        Evidence(
                            res.sessions_a + res.sessions_b,
                            {"effect": res.effect, "p_value": res.p_value, "verdict": res.verdict},
                            res.interval_90,
                        )
                    ],
                )
            )
        rev.sections.append(esec)
    return rev


def today_advice(
    sessions: list[Session],
    today: date,
    *,
    planned: list[PlannedDay] | None = None,
    state: LoadState | None = None,
    last_run: date | None = None,
    run_days: list[date] | None = None,
) -> Review:
    """Today's session (the plan, or an adjustment) and why.

    ``state``: the athlete's load state today (see :func:`load_advice`); ``last_run``:
    the newest run up to today when ``sessions`` are a recent window only.
    """
    rev = Review("today", f"Today, {today.isoformat()}", today, today)
    newest = max((s.local_date for s in sessions if s.local_date <= today), default=None)
    rev.notice = stale_notice(last_run or newest, today)
    advice, sent = load_advice([s for s in sessions if s.local_date < today], today, state,
                               last_run, run_days)  # fmt: skip
    rev.advice = advice
    todays = [p for p in planned or [] if p.date == today]
    race = min(
        (p.date for p in planned or [] if p.workout_type == "race" and 0 <= (p.date - today).days
         <= LOAD_ADVICE_RULES["race_week_days"]),
        default=None,
    )  # fmt: skip
    if race is not None and advice == "push":
        # no stretch session in the week of a planned race: the taper is the plan
        rev.advice = "hold"
        vals = sent.evidence[0].values if sent.evidence else {}
        form, acwr = vals.get("form"), vals.get("acwr")
        when = "today" if race == today else f"on {race.isoformat()}"
        sent = Sentence(
            f"Race {'day' if race == today else 'week'}: your race is {when}; keep to the plan, "
            f"no stretch session (form {_fmt(form, 0)}, ACWR {_fmt(acwr, 2)}).",
            sent.evidence,
        )
    sec = Section("Today")
    hard = {"tempo", "cruise_intervals", "intervals", "hills", "mp_long", "long", "progression"}
    # a key session that fell short in the last two days asks for recovery before the next
    missed = [
        s
        for s in sessions
        if s.workout_type in hard and 1 <= (today - s.local_date).days <= 2 and s.failed
    ]
    if missed and advice == "push":
        rev.advice = "hold"
    if not todays:
        sec.sentences.append(Sentence("Nothing planned today: rest or an easy run.", []))
    for p in todays:
        if advice == "back_off" and p.workout_type in hard:
            text = f"Planned {planned_words(p)}: make it an easy run instead."
            sec.sentences.append(Sentence(text, []))
        elif missed and p.workout_type in hard:
            m = missed[-1]
            text = (
                f"Planned {planned_words(p)}: make it an easy run and move it back a "
                f"day or two; the {m.workout_type} on {m.local_date.isoformat()} fell short "
                f"({'; '.join(m.failure_reasons())}), so recover before the next hard session."
            )
            sec.sentences.append(Sentence(text, [Evidence([session_key(m)])]))
        else:
            text = f"Planned {planned_words(p, ': ')}."
            sec.sentences.append(Sentence(text, []))
    sec.sentences.append(sent)
    rev.sections.append(sec)
    return rev


def cycle_retrospective(
    cycle: Cycle,
    sessions: list[Session],
    today: date,
    *,
    experiments: list[ExperimentSpec] | None = None,
    seed: int = 0,
    experiment_sessions: list[Session] | None = None,
) -> Review:
    """What the cycle achieved: targets, comfort-zone exits and experiment verdicts
    (judged on ``experiment_sessions`` when given: runs that reach back to their start)."""
    end = min(today, cycle.end)
    rev = Review("cycle", f"Cycle retrospective: {cycle.name}", cycle.start, end)
    inside = _week_sessions(sessions, cycle.start, end)
    sec = Section("Targets")
    progs = [progress(t, sessions, cycle.start, end) for t in cycle.targets]
    for t, pr in zip(cycle.targets, progs, strict=True):
        state = "reached" if pr.reached else "not reached"
        sec.sentences.append(
            Sentence(
                f"{t.name or plain(t.kind)}: {target_value(pr.baseline, pr.unit)} -> "
                f"{target_value(pr.current, pr.unit)} (goal {target_value(t.goal, pr.unit)}, "
                f"{state}).",
                [
                    Evidence(
                        pr.session_ids,
                        {"baseline": pr.baseline, "current": pr.current},
                        pr.slope_interval_90,
                    )
                ],
            )
        )
    rev.sections.append(sec)
    summ = comfort.summarize(comfort.classify(sessions), cycle.start, end)
    rev.sections.append(
        Section(
            "Comfort zone",
            [
                Sentence(
                    f"Left the comfort zone in {summ.weeks_with_stretch} of {summ.weeks} weeks "
                    f"({summ.stretch_sessions} stretch, {summ.over_reach_sessions} over-reach sessions).",
                    [
                        Evidence(
                            [
                                p.activity_id
                                for p in summ.points
                                if p.zone in ("stretch", "over_reach")
                            ]
                        )
                    ],
                )
            ],
        )
    )
    improved = _improved_section(cycle, inside)
    if improved.sentences:
        rev.sections.insert(0, improved)
    results: list[ExperimentResult] = []
    if experiments:
        esec = Section("Experiments")
        judged = (
            [s for s in experiment_sessions if s.local_date <= end]
            if experiment_sessions is not None
            else inside
        )
        for spec in experiments:
            res = analyze_experiment(spec, judged, seed=seed)
            results.append(res)
            esec.sentences.append(
                Sentence(
                    res.sentence(), [Evidence(res.sessions_a + res.sessions_b, {}, res.interval_90)]
                )
            )
        rev.sections.append(esec)
    nems = find_nemeses(inside, end, seed=seed)
    rev.sections.append(_next_cycle_section(progs, summ, nems, results, today))
    return rev


def _goal_race_run(cycle: Cycle, ordered: list[Session]) -> Session | None:
    """The run that was the cycle's goal race (a race within 3 days and 5% of it)."""
    race = cycle.goal_race
    if race is None:
        return None
    runs = [
        s
        for s in ordered
        if s.workout_type == "race"
        and abs((s.local_date - race.date).days) <= 3
        and s.distance_m
        and abs(s.distance_m / race.distance_m - 1) < 0.05
        and s.duration_s
    ]
    return runs[-1] if runs else None


def _improved_section(cycle: Cycle, inside: list[Session]) -> Section:
    """What changed over the cycle: VDOT, fitness, and the goal race against its goal.

    The VDOT at the end is the goal race's own when the cycle ended with it (the VDOT of
    a day is known before that day's run, so it cannot include the race)."""
    sec = Section("What improved")
    ordered = sorted(inside, key=lambda s: s.local_date)
    race, run = cycle.goal_race, _goal_race_run(cycle, ordered)
    v_race = vdot(float(run.distance_m or 0.0), float(run.duration_s or 0.0)) if run else None
    vd = [(s, s.metrics.get("vdot_of_day")) for s in ordered if s.metrics.get("vdot_of_day")]
    if len(vd) >= 2 or (vd and v_race is not None):
        (s0, v0), (s1, v1) = vd[0], vd[-1]
        assert v0 is not None and v1 is not None
        if run is not None and v_race is not None:
            s1, v1, how = run, v_race, "the goal race"
        else:
            how = f"training and races up to {s1.local_date}"
        sec.sentences.append(
            Sentence(
                f"VDOT {v0:.1f} on {s0.local_date} -> {v1:.1f} from {how} ({v1 - v0:+.1f}).",
                [Evidence([session_key(s0), session_key(s1)], {"vdot_start": v0, "vdot_end": v1})],
            )
        )
    fit = [s for s in ordered if s.fitness is not None]
    if len(fit) >= 2:
        f0, f1 = fit[0].fitness or 0.0, fit[-1].fitness or 0.0
        sec.sentences.append(
            Sentence(
                f"Fitness (chronic load) {f0:.0f} -> {f1:.0f} ({f1 - f0:+.0f}).",
                [Evidence([session_key(fit[0]), session_key(fit[-1])], {"start": f0, "end": f1})],
            )
        )
    if race is not None and run is not None:
        done = float(run.duration_s or 0.0)
        goal = f" against a goal of {clock(race.goal_time_s)}" if race.goal_time_s else ""
        verdict = ""
        if race.goal_time_s:
            verdict = "; goal met" if done <= race.goal_time_s else "; goal missed"
        sec.sentences.append(
            Sentence(
                f"Goal race on {run.local_date}: {clock(done)} (moving time){goal}{verdict}; "
                f"the result is worth VDOT {v_race:.1f}.",
                [
                    Evidence(
                        [session_key(run)],
                        {"time_s": done, "goal_s": race.goal_time_s, "vdot": v_race},
                    )
                ],
            )
        )
    return sec


def _next_cycle_section(
    progs: list[TargetProgress],
    summ: comfort.ComfortSummary,
    nems: list[Nemesis],
    results: list[ExperimentResult],
    today: date | None = None,
) -> Section:
    """What to try next cycle, from the targets, the comfort zone, nemeses and experiments
    (a projected date already past on ``today`` is no forecast: it is not said)."""
    sec = Section("What to try next cycle")
    for pr in progs:
        t = pr.target
        if pr.current is None:
            text = (
                f"{t.name or plain(t.kind)}: nothing measured it this cycle; plan the sessions that do "
                "(deliberun target list --kinds)."
            )
        elif pr.reached:
            text = f"{t.name or plain(t.kind)}: reached; set a harder goal or pick a new target."
        elif (
            pr.slope_per_week is not None
            and pr.projected_date
            and (today is None or pr.projected_date > today)
        ):
            text = (
                f"{t.name or plain(t.kind)}: keep it; on its trend it reaches the goal about "
                f"{pr.projected_date}."
            )
        elif pr.slope_per_week is not None and pr.projected_date:
            text = (
                f"{t.name or plain(t.kind)}: it was moving towards the goal but did not reach "
                "it; keep it, with more of the sessions that work on it."
            )
        else:
            text = (
                f"{t.name or plain(t.kind)}: no progress towards the goal; change the sessions that "
                "work on it (more of them, or a different kind)."
            )
        sec.sentences.append(Sentence(text, [Evidence(pr.session_ids[-10:])]))
    if summ.weeks and summ.weeks_with_stretch < summ.weeks / 2:
        sec.sentences.append(
            Sentence(
                f"Leave the comfort zone more often: only {summ.weeks_with_stretch} of "
                f"{summ.weeks} weeks held a stretch.",
                [
                    Evidence(
                        [p.activity_id for p in summ.points if p.zone in ("stretch", "over_reach")]
                    )
                ],
            )
        )
    if summ.over_reach_sessions > summ.weeks / 3:
        sec.sentences.append(
            Sentence(
                f"Stretch by less: {summ.over_reach_sessions} over-reach sessions in "
                f"{summ.weeks} weeks.",
                [Evidence([p.activity_id for p in summ.points if p.zone == "over_reach"])],
            )
        )
    for n in nems:
        if n.suggestions:
            sg = n.suggestions[0]
            sec.sentences.append(
                Sentence(
                    f"{n.workout_type} kept failing ({n.failures} of {n.attempts}): "
                    f"{sg.advice}, as an experiment (deliberun experiment suggest --save).",
                    [Evidence(n.failed_ids)],
                )
            )
    for res in results:
        if res.verdict == "helps":
            text = f"Keep '{res.spec.change}': it helped ({res.spec.id})."
        elif res.verdict == "hurts":
            text = f"Drop '{res.spec.change}': it hurt ({res.spec.id})."
        elif res.verdict == "not_enough_data":
            text = (
                f"Carry experiment '{res.spec.id}' on: "
                f"{more_sessions_words(res.more_sessions_needed)} for a verdict."
            )
        elif res.verdict == "withheld":
            text = (
                f"Experiment '{res.spec.id}' gave no verdict: "
                f"{res.notes[0] if res.notes else 'the design cannot tell'}"
            )
        elif res.verdict == "no_meaningful_difference":
            text = f"'{res.spec.change}' made no meaningful difference: keep what suits you."
        else:
            text = f"'{res.spec.change}' made no clear difference: try another change."
        sec.sentences.append(
            Sentence(text, [Evidence(res.sessions_a + res.sessions_b, {}, res.interval_90)])
        )
    return sec


def _idkey(i: int | str) -> tuple[int, int | str]:
    """Numbers first, in numeric order, then dates."""
    return (0, i) if isinstance(i, int) else (1, str(i))


def cited_ids(sentence: Sentence) -> list[str]:
    """The activity ids (or dates) a sentence cites, once each, numbers first."""
    return [
        str(i) for i in sorted({i for e in sentence.evidence for i in e.activity_ids}, key=_idkey)
    ]


def to_markdown(review: Review) -> str:
    """Markdown: a heading per section, a bullet per sentence with its activity ids."""
    lines = [f"# {review.title}", ""]
    if review.notice:
        lines += [f"> {review.notice}", ""]
    if review.advice:
        lines += [f"**Advice: {review.advice.replace('_', ' ')}**", ""]
    for sec in review.sections:
        lines += [f"## {sec.title}", ""]
        for s in sec.sentences:
            ids = cited_ids(s)
            ref = (
                f" _(activities {', '.join(ids[:12])}{'…' if len(ids) > 12 else ''})_"
                if ids
                else ""
            )
            lines.append(f"- {s.text}{ref}")
        lines.append("")
    return "\n".join(lines)
