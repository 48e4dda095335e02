"""The simulated athlete day by day: plan, run, record, and keep the truth.

``Simulation(scenario, seed).sessions()`` yields one :class:`SimSession` per run
(streams ready to write) and fills ``truth``, ``journal``, ``plan`` and
``cycles``/``experiments`` as it goes. Everything is drawn from
``numpy.random.default_rng(seed)``, so the same arguments give the same runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from deliberun.sim import physiology as phys
from deliberun.sim import scenarios as sc
from deliberun.sim.daniels import race_time, training_speeds
from deliberun.sim.profile import Profile
from deliberun.sim.routes import default_routes
from deliberun.sim.session import SessionState, generate_session
from deliberun.sim.workouts import ROUTE_OF, build_workout
from deliberun.sim.writers.track import Track

#: The default last simulated day (fixed so a seed always gives the same files).
DEFAULT_END = date(2026, 10, 25)

#: A prior-48-hour load above this many "easy hours" of TRIMP counts as a hard 48 h.
HARD_48H_EASY_HOURS = 1.3

_RPE = {"easy": 3, "recovery": 2, "long": 5, "mp_long": 6, "tempo": 7, "cruise_intervals": 7,
        "intervals": 8, "hills": 7, "strides": 4, "progression": 6, "race": 9}  # fmt: skip
_NAMES = {"easy": "Easy run", "recovery": "Recovery jog", "long": "Long run",
          "mp_long": "Long run with MP", "tempo": "Tempo", "cruise_intervals": "Cruise intervals",
          "intervals": "Intervals", "hills": "Hill repeats", "strides": "Easy + strides",
          "progression": "Progression run", "race": "Race"}  # fmt: skip


@dataclass
class SimSession:
    """One simulated run: what the watch recorded plus what only the simulator knows."""

    index: int
    local_date: date
    workout_type: str
    text: str
    track: Track
    file_format: str  # fit | gpx | tcx
    rpe: int
    truth: dict[str, Any] = field(default_factory=dict)


def _zone(name: str) -> tzinfo:
    """The IANA zone, or a fixed UTC+1 where the system has no time-zone data."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=1))


def _round(x: float, nd: int = 3) -> float:
    return float(round(x, nd))


class Simulation:
    """A deterministic simulated athlete following one scenario.

    Parameters
    ----------
    scenario : str
        A name from :data:`deliberun.sim.scenarios.SCENARIOS`.
    seed : int
        Seed of ``numpy.random.default_rng``.
    years : float, optional
        Length of the simulated history [years]; default the scenario's.
    profile : Profile, optional
        The athlete; default :class:`Profile()`.
    end : date, optional
        Last simulated day (default :data:`DEFAULT_END`).
    """

    def __init__(
        self,
        scenario: str | sc.Scenario,
        seed: int = 0,
        years: float | None = None,
        profile: Profile | None = None,
        end: date | None = None,
    ) -> None:
        self.scenario = scenario if isinstance(scenario, sc.Scenario) else sc.get_scenario(scenario)
        self.spec: dict[str, Any] = self.scenario.extra.get("spec") or {}
        self.seed = int(seed)
        self.profile = profile or Profile.from_dict(self.spec.get("profile"))
        years = years or self.profile.years or self.spec.get("years") or self.scenario.default_years
        if end is None and self.spec.get("start"):
            end = self.spec["start"] + timedelta(days=int(round(float(years) * 365.25)))
        if not 0.05 <= years <= 30:
            raise ValueError(f"years {years} is out of range; use 0.05..30")
        self.years = float(years)
        end = end or DEFAULT_END
        self.end = end + timedelta(days=(6 - end.weekday()))  # a Sunday
        self.n_weeks = max(int(round(self.years * 365.25 / 7)), 4)
        if self.n_weeks < self.scenario.min_weeks:
            raise ValueError(
                f"scenario {scenario!r} needs at least {self.scenario.min_weeks} weeks; "
                f"use --years {self.scenario.min_weeks * 7 / 365.25 + 0.005:.2f} or more"
            )
        self.start = self.end - timedelta(days=7 * self.n_weeks - 1)  # a Monday
        self.n_days = 7 * self.n_weeks
        self.rng = np.random.default_rng(self.seed)
        self.routes = default_routes(np.random.default_rng([self.seed, 1]))
        self.tz = _zone(self.profile.timezone)
        p = self.profile
        e_speed = training_speeds(p.vdot)["E"]
        hrr_e = float(phys.heart_rate_reserve_fraction(np.array([e_speed]), p.vdot)[0])
        self.easy_hour_trimp = phys.trimp_banister(
            np.full(3600, p.hr_rest_bpm + hrr_e * (p.hr_max_bpm - p.hr_rest_bpm)),
            p.hr_rest_bpm, p.hr_max_bpm, p.sex,
        )  # fmt: skip
        load0 = self.easy_hour_trimp * p.weekly_km * 1000.0 / 7.0 / e_speed / 3600.0 * 1.1
        self.body = phys.FitnessFatigue(p.vdot, load0)
        self.journal: list[dict[str, Any]] = []
        self.plan: list[dict[str, Any]] = []
        self.cycles: list[dict[str, Any]] = []
        self.experiments: list[dict[str, Any]] = []
        self.effects: list[dict[str, Any]] = []
        self.fitness: dict[str, float] = {}
        self.loads: dict[str, float] = {}
        self.session_truths: list[dict[str, Any]] = []
        self._pending: tuple[bool, bool] | None = None
        self._arm_queue: list[str] = []

    # ---- the schedule -------------------------------------------------------------
    def _week_plan(
        self, week: int, rng: np.random.Generator
    ) -> tuple[dict[int, sc.DayPlan], float]:
        s = self.scenario
        if s.template == "marathon":
            cycle_week = week - (self.n_weeks - 16)
            # earlier years: repeat 26-week periods (10 base weeks, 16 cycle weeks)
            cw = cycle_week if cycle_week >= 0 else (cycle_week + 26 * 1000) % 26 - 10
            if cycle_week < 0 and self.n_weeks <= 30:
                cw = -1
            # this week's interval day and the next week's, drawn a week ahead
            swap, hard = self._pending or (bool(rng.random() < 0.5), bool(rng.random() < 0.5))
            self._pending = (bool(rng.random() < 0.5), bool(rng.random() < 0.5))
            if cw < 0:
                return sc.base_week(week), 0.9 + 0.1 * min(1.0, week / 8)
            nxt_swap, nxt_hard = self._pending
            plan = sc.marathon_week(
                cw, swap=swap, hard_tuesday=hard, long_on_saturday=nxt_swap and not nxt_hard
            )
            return plan, sc.MARATHON_VOLUME[cw]
        if s.template == "fatigue":
            return sc.fatigue_week(hard_tuesday=bool(rng.random() < 0.5)), 1.0
        if s.template == "experiment":
            return sc.experiment_week(), 1.0
        if s.template == "cadence":
            return sc.cadence_week(week, drills_from=2), 1.0
        if s.template == "custom":
            return sc.custom_week(self.spec["days"], self.spec["key_sessions"]), 1.0
        if s.template == "illness":
            w = sc.base_week(week)
            if week == 5:
                w = {
                    4: sc.DayPlan("easy", 0.06),
                    5: sc.DayPlan("easy", 0.06),
                    6: sc.DayPlan("easy", 0.08),
                }
            return w, 1.0
        raise ValueError(f"unknown template {s.template!r}")

    def _temperature(self, d: date, hour: float, rng: np.random.Generator) -> float:
        doy = d.timetuple().tm_yday
        seasonal = 11.0 - 9.0 * math.cos(2 * math.pi * (doy - 20) / 365.25)
        diurnal = -4.0 * math.cos(2 * math.pi * (hour - 4.0) / 24.0)
        return float(seasonal + diurnal + rng.normal(0, 2.5))

    def _vdot_offset(self, day: int) -> float:
        s = self.scenario
        if s.template != "illness":
            return 0.0
        sick = 7 * 5  # Monday of week 6
        if day < sick:
            return 0.0
        if day < sick + 7:
            return s.illness_vdot * (day - sick + 1) / 7.0
        return s.illness_vdot * math.exp(-(day - sick - 6) / 10.0)

    def _cadence_base(self, week: int) -> float:
        base = self.profile.cadence_at_3_m_per_s
        gain = self.scenario.cadence_gain_spm
        if not gain:
            return base
        return base + gain * min(1.0, max(0.0, (week - 2) / 10.0))

    # ---- the loop -----------------------------------------------------------------
    def sessions(self) -> Iterator[SimSession]:
        """Run the simulation, yielding each session as it is generated."""
        p, s, rng = self.profile, self.scenario, self.rng
        index = 0
        daily_load = [0.0] * self.n_days
        week_plan: dict[int, sc.DayPlan] = {}
        volume = 1.0
        for day in range(self.n_days):
            d = self.start + timedelta(days=day)
            week = day // 7
            if d.weekday() == 0:
                week_plan, volume = self._week_plan(week, rng)
            vdot = self.body.vdot() + self._vdot_offset(day)
            self.fitness[d.isoformat()] = _round(vdot)
            dp = week_plan.get(d.weekday())
            if self._on_break(d):
                dp = None
            sick = s.template == "illness" and 35 <= day < 39
            if sick:
                self.journal.append({"date": d, "notes": "sick: fever, stayed in bed",
                                     "tags": ["illness"], "sleep_h": 9.0})  # fmt: skip
            if dp is None or sick:
                self.body.step(0.0)
                self.loads[d.isoformat()] = 0.0
                continue
            prior48 = daily_load[day - 1] + daily_load[day - 2] if day >= 2 else 0.0
            hard_before = prior48 > HARD_48H_EASY_HOURS * self.easy_hour_trimp
            speeds = training_speeds(vdot)
            week_m = p.weekly_km * 1000.0 * volume
            dist = float(np.clip(dp.fraction * week_m, 3000.0, 34000.0))
            if dp.workout_type == "long":
                dist = float(min(dist, 32000.0))
            dist = round(dist / 100.0) * 100.0
            if dp.race_distance:
                dist = dp.race_distance
                speeds["race"] = dist / race_time(vdot, dist) * (1 + rng.normal(0, 0.008))
            arm = self._experiment_arm(dp.workout_type, week, d)
            rest = (s.experiment or {}).get("rest_s", {}).get(arm, dp.rest_duration)
            segs, text = build_workout(
                dp.workout_type, speeds, rng, distance=dist, reps=dp.reps,
                rep_distance=dp.rep_distance, rest_duration=rest,
            )  # fmt: skip
            fade = self._planted_fade(dp.workout_type, hard_before, arm)
            hour = 18.5 if d.weekday() in (1, 3) and rng.random() < 0.3 else (
                8.5 if d.weekday() >= 5 else 6.75)  # fmt: skip
            if dp.workout_type == "race":
                hour = 9.0
            hour += float(rng.uniform(-0.3, 0.4))
            temp = self._temperature(d, hour, rng)
            sleep_h = float(np.clip(rng.normal(7.4, 0.6), 4.5, 9.5))
            if s.template == "custom":
                fade += self._custom_fade(dp.workout_type, d, hour, temp, sleep_h, hard_before,
                                          arm)  # fmt: skip
            hr_extra = 7.0 if s.template == "illness" and 39 <= day < 46 else 0.0
            state = SessionState(
                vdot=vdot, hr_rest=p.hr_rest_bpm, hr_max=p.hr_max_bpm, temperature_c=temp,
                cadence_at_3=self._cadence_base(week), fade_pct=fade, hr_extra_bpm=hr_extra,
                stops=dp.workout_type not in ("race", "intervals"),
            )  # fmt: skip
            route = self.routes[ROUTE_OF[dp.workout_type]]
            streams = generate_session(segs, route, state, rng, p.home)
            trimp = phys.trimp_banister(streams.heart_rate, p.hr_rest_bpm, p.hr_max_bpm, p.sex)
            daily_load[day] = trimp
            self.body.step(trimp)
            self.loads[d.isoformat()] = _round(trimp, 1)
            local_start = datetime(d.year, d.month, d.day, int(hour), int((hour % 1) * 60),
                                   int(rng.integers(0, 60)), tzinfo=self.tz)  # fmt: skip
            offset = int(local_start.utcoffset().total_seconds())  # type: ignore[union-attr]
            start_utc = local_start.astimezone(UTC)
            device = "odd" if day < 21 else "garmin"
            fmt = "fit" if day < 21 else str(rng.choice(["fit", "gpx", "tcx"], p=[0.8, 0.1, 0.1]))
            name = _NAMES[dp.workout_type] if dp.workout_type != "race" else (
                "Marathon race" if dist > 40000 else "Half marathon race" if dist > 20000 else "Race")  # fmt: skip
            track = Track(
                start_time=start_utc, time=streams.time, distance=streams.distance,
                speed=streams.speed, heart_rate=streams.heart_rate, cadence=streams.cadence,
                altitude=streams.altitude, latitude=streams.latitude,
                longitude=streams.longitude, temperature=streams.temperature,
                utc_offset_s=offset, name=name, device=device, laps=streams.laps,
                cadence_strides=device == "odd",
            )  # fmt: skip
            rpe = int(np.clip(round(_RPE[dp.workout_type] + (fade > 4) + rng.normal(0, 0.6)
                                    + max(0.0, (self.body.fatigue - self.body.fitness) / 40)), 1, 10))  # fmt: skip
            entry = self._journal_entry(d, local_start, rpe, sleep_h, prior48, dp, fade, arm)
            if hr_extra:
                entry["notes"] = "still coughing, HR high"
            if dp.workout_type == "race" and dist > 40000:
                entry["details"] = ["fuelling", "breakfast", "gear", "course"]
            self.journal.append(entry)
            self.plan.append({"date": d, "workout_type": dp.workout_type, "text": text})
            truth = {
                "index": index, "date": d.isoformat(), "start_time": start_utc.isoformat(),
                "workout_type": dp.workout_type, "text": text, "format": fmt, "device": device,
                "distance_m": _round(float(streams.distance[-1]), 1),
                "duration_s": float(streams.time[-1]),
                "avg_hr_bpm": _round(float(np.mean(streams.heart_rate)), 1),
                "trimp": _round(trimp, 1), "vdot": _round(vdot), "temperature_c": _round(temp, 1),
                "prior_48h_load": _round(prior48, 1), "hard_before": bool(hard_before),
                "fade_pct": _round(fade, 2) if fade or dp.workout_type == "intervals" else None,
                "arm": arm, "rpe": rpe, "sleep_h": _round(sleep_h, 1),
                "cadence_at_3_m_per_s": _round(state.cadence_at_3, 2),
                "n_reps": len(streams.rep_speed_targets), "n_laps": len(streams.laps),
                "rep_laps": streams.rep_laps,
            }  # fmt: skip
            self.session_truths.append(truth)
            yield SimSession(index, d, dp.workout_type, text, track, fmt, rpe, truth)
            index += 1
        self._finish()

    def _experiment_arm(self, workout_type: str, week: int, d: date) -> str | None:
        """The experiment arm of an interval session (None outside an experiment).

        Before/after: the second half of the weeks is the change (a scenario file: from
        its ``from`` date). Alternating: each consecutive pair of sessions holds one
        session of each arm, in random order (a coin flip per pair, so the arms do not
        follow the weekday); the journal tags it. A scenario file's ``alternating``
        design alternates strictly in date order (as a runner would), ``randomised``
        flips a coin per pair; both count from the ``from`` date.
        """
        exp = self.scenario.experiment
        if not exp or workout_type != exp.get("workout_type", "intervals"):
            return None
        if "from" in exp:  # a scenario file's experiment
            if exp["assignment"] == "before_after":
                return "change" if d >= exp["from"] else "baseline"
            if d < exp["from"]:
                return None
            if exp["design"] == "alternating":
                self._alternate = not getattr(self, "_alternate", True)
                return "baseline" if self._alternate else "change"
        if exp["assignment"] == "before_after":
            return "change" if week >= self.n_weeks // 2 else "baseline"
        if not self._arm_queue:
            first = "change" if self.rng.random() < 0.5 else "baseline"
            self._arm_queue = [first, "baseline" if first == "change" else "change"]
        return self._arm_queue.pop(0)

    def _on_break(self, d: date) -> bool:
        """A day inside one of the scenario file's breaks (no running)."""
        return any(b <= d < b + timedelta(days=n) for b, n in self.spec.get("breaks") or [])

    def _custom_fade(self, workout_type: str, d: date, hour: float, temp: float,
                     sleep_h: float, hard_before: bool, arm: str | None) -> float:  # fmt: skip
        """Fade [% points] a scenario file's effects add to this session."""
        extra = 0.0
        for e in self.spec.get("effects") or []:
            if e["workout_type"] != workout_type:
                continue
            if e["kind"] == "nemesis" and e["cause"] == "none":
                doy = d.timetuple().tm_yday
                rate = e["failure_rate"] * (
                    1 + e.get("seasonal", 0.0) * math.sin(2 * math.pi * (doy - 110) / 365.25)
                )
                extra += 6.0 if self.rng.random() < min(rate, 1.0) else 0.0
            elif e["kind"] == "nemesis" and e["cause"] == "prior_48h_load":
                extra += e["size"] if hard_before else 0.0
            elif e["kind"] == "nemesis" and e["cause"] == "heat":
                extra += e["size"] * (temp - 16.0) / 8.0
            elif e["kind"] == "confounder":
                c = e["cause"]
                if c == "weekday" and d.weekday() == e["weekday"]:
                    extra += e["size"]
                elif c == "time_of_day" and hour >= 16.0:
                    extra += e["size"]
                elif c == "heat":
                    extra += e["size"] * (temp - 16.0) / 8.0
                elif c == "sleep":
                    extra += e["size"] * (7.4 - sleep_h) / 0.6
            elif e["kind"] == "experiment" and arm == "change":
                extra += e["size"]
        return extra

    def _planted_fade(self, workout_type: str, hard_before: bool, arm: str | None) -> float:
        """True last-rep fade [%] of a quality session."""
        s = self.scenario
        if workout_type not in ("intervals", "cruise_intervals"):
            return 0.0
        fade = s.base_fade_pct + self.rng.normal(0, s.fade_sd_pct)
        if workout_type != "intervals":
            return max(fade, -1.0)
        if s.nemesis_fade_pct and hard_before:
            fade += s.nemesis_fade_pct
        if s.experiment and arm == "change" and s.template != "custom":
            fade += s.experiment["size"]
        return max(fade, -1.0)

    def _journal_entry(
        self, d: date, local_start: datetime, rpe: int, sleep_h: float, prior48: float,
        dp: sc.DayPlan, fade: float, arm: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        """What the runner logged after the run (CR-10 RPE, feel, sleep, soreness, notes)."""
        rng = self.rng
        entry: dict[str, Any] = {
            "date": d,
            "activity_start": local_start.isoformat(),
            "rpe": rpe,
            "feel": int(np.clip(round(3.5 - (rpe - 5) * 0.3 + rng.normal(0, 0.7)), 1, 5)),
            "sleep_h": _round(sleep_h, 1),
            "soreness": int(
                np.clip(round(2 + prior48 / self.easy_hour_trimp + rng.normal(0, 1)), 0, 10)
            ),
            "tags": [dp.workout_type],
        }
        if fade > 4.5:
            entry["notes"] = "legs heavy on the last reps"
        if dp.drills:
            entry["notes"] = "A-skips, B-skips, quick feet drills after the strides"
            entry["tags"].append("drills")
        if arm is not None:  # the runner logs which arm each session was
            exp_id = (self.scenario.experiment or {})["id"]
            entry["tags"].append(f"{exp_id}:{'b' if arm == 'change' else 'a'}")
        return entry

    # ---- what the runner wrote and what only we know --------------------------------
    def _finish(self) -> None:
        s, p = self.scenario, self.profile
        first, last = self.start, self.end
        t_pace = lambda v: _round(1000.0 / training_speeds(v)["T"], 1)  # noqa: E731
        if s.template == "marathon":
            cstart = max(first, last - timedelta(days=16 * 7 - 1))
            v0 = self.fitness[cstart.isoformat()]
            self.cycles.append({
                "name": f"Autumn marathon {last.year}", "start": cstart, "end": last,
                "goal_race": {"distance_m": 42195, "date": last,
                              "goal_time_s": int(round(race_time(v0 + 1.5, 42195.0) / 60) * 60)},
                "targets": [{"kind": "threshold_pace", "goal": _round(t_pace(v0) - 6.0, 1)},
                            {"kind": "interval_execution", "goal": 0.8}],
            })  # fmt: skip
            v1 = self.fitness[last.isoformat()]
            self.effects.append(
                self._effect(
                    "target",
                    "tempo",
                    "none",
                    t_pace(v1) - t_pace(v0),
                    "threshold_pace_s_per_km",
                    cstart,
                    last,
                )
            )
        elif s.template == "cadence":
            goal = _round(p.cadence_at_3_m_per_s + s.cadence_gain_spm, 1)
            self.cycles.append({"name": "Quick feet", "start": first, "end": last,
                                "targets": [{"kind": "cadence", "goal": goal}]})  # fmt: skip
            self.effects.append(self._effect("target", "easy", "none", s.cadence_gain_spm,
                                             "cadence_spm_at_3_m_per_s", first + timedelta(days=14),
                                             first + timedelta(days=84)))  # fmt: skip
        else:
            self.cycles.append({"name": "Base block", "start": first, "end": last,
                                "targets": [{"kind": "interval_execution", "goal": 0.8}]})  # fmt: skip
        if s.template == "custom":
            self._finish_custom(first, last)
        if s.nemesis_fade_pct:
            self.effects.append(self._effect("nemesis", "intervals", "prior_48h_load",
                                             s.nemesis_fade_pct, "last_rep_fade_pct", first, last))  # fmt: skip
        if s.experiment and s.template != "custom":
            e = s.experiment
            change = first + timedelta(days=7 * (self.n_weeks // 2))
            self.experiments.append({
                "id": e["id"], "workout_type": "intervals", "change": e["change"],
                "metric": "last_rep_fade_pct", "assignment": e["assignment"], "start": first,
                **({"change_date": change} if e["assignment"] == "before_after" else {}),
                "planned_sessions": self._arm_sessions(),
            })  # fmt: skip
            eff = self._effect("experiment", "intervals", e["cause"], e["size"],
                               "last_rep_fade_pct", first, last)  # fmt: skip
            eff["id"] = e["id"]
            self.effects.append(eff)
        if s.illness_vdot:
            sick = first + timedelta(days=35)
            self.effects.append(self._effect("illness", "easy", "none", s.illness_vdot, "vdot",
                                             sick, sick + timedelta(days=6)))  # fmt: skip

    def _arm_sessions(self) -> int:
        """The experiment's sessions, as its runner planned them (every one in an arm)."""
        return sum(1 for t in self.session_truths if t.get("arm"))

    def _finish_custom(self, first: date, last: date) -> None:
        """A scenario file's experiment in the journal, and its effects in the truth."""
        for e in self.spec.get("effects") or []:
            start = e.get("start") or first
            end = e.get("end") or last
            start = date.fromisoformat(str(start)) if not isinstance(start, date) else start
            end = date.fromisoformat(str(end)) if not isinstance(end, date) else end
            size = e.get("size") if e.get("size") is not None else 0.0
            if e["kind"] == "nemesis" and e["cause"] == "none":
                size = 6.0 * e["failure_rate"]
            eff = self._effect(e["kind"], e["workout_type"], e.get("cause", "none"), size,
                               "last_rep_fade_pct", start, end)  # fmt: skip
            for k in ("failure_rate", "seasonal", "design", "id"):
                if k in e:
                    eff[k] = e[k]
            if e["kind"] == "confounder":
                eff["beneficial"] = False
                if "weekday" in e:
                    eff["weekday"] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[e["weekday"]]
            if e["kind"] == "experiment":
                eff["from"] = e["from"].isoformat()
                before_after = e["design"] == "before_after"
                self.experiments.append({
                    "id": e["id"], "workout_type": e["workout_type"], "change": e["change"],
                    "metric": e.get("metric", "last_rep_fade_pct"),
                    "assignment": "before_after" if before_after else "alternating",
                    "start": first if before_after else e["from"],
                    **({"change_date": e["from"]} if before_after else {}),
                    "planned_sessions": self._arm_sessions(),
                })  # fmt: skip
            self.effects.append(eff)

    def _effect(self, kind: str, wt: str, cause: str, size: float, metric: str,
                start: date, end: date) -> dict[str, Any]:  # fmt: skip
        beneficial = size > 0 if metric in ("cadence_spm_at_3_m_per_s", "vdot") else size < 0
        if kind == "nemesis":
            beneficial = False
        return {"kind": kind, "workout_type": wt, "cause": cause, "size": _round(size, 3),
                "metric": metric, "beneficial": bool(beneficial),
                "start": start.isoformat(), "end": end.isoformat()}  # fmt: skip

    def truth(self) -> dict[str, Any]:
        """The planted truth (complete once :meth:`sessions` is exhausted)."""
        return {
            "generator": "deliberun simulate",
            "scenario": self.scenario.name,
            "description": self.scenario.description,
            "seed": self.seed,
            "years": self.years,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "profile": self.profile.to_dict(),
            "hard_48h_threshold_trimp": _round(HARD_48H_EASY_HOURS * self.easy_hour_trimp, 1),
            "fitness": self.fitness,
            "load_trimp": self.loads,
            "effects": self.effects,
            "sessions": self.session_truths,
        }
