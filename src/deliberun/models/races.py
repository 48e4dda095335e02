"""Which runs were races: evidence from the effort, the distance and the words, in any language.

A race is recognised from what the runner did, relative to the runner, and only
helped by what the run is called:

- **effort**: the average heart rate as a share of the runner's max HR, against the
  share a race of that duration is run at (about 92 % for under 20 min, 90 % for
  20-60 min, 87 % up to 2.5 h, 83 % beyond; Daniels' Running Formula, ch. 2, and
  Friel's zones: races are run at or above threshold HR up to about an hour);
- **fastest of the season**: the whole run's VDOT against the best whole-run VDOT at
  a similar distance (2/3 to 3/2 of it) in the 365 days before (a race is the day the
  runner goes fastest);
- **even pacing**: the coefficient of variation of the km splits (races are run
  evenly; interval sessions are not);
- **distance** within 2.5 % of a standard race distance or one of the runner's goal
  races; **perceived exertion** when the runner logged one; a **warm-up** recorded
  apart (a shorter, slower run that ended less than 2 h before the start, the same
  day: the routine of a race morning); the date of one of the runner's **goal races**
  (+2); against: **stops** (elapsed time more than 10 %
  over the moving time: a race clock does not stop), detected **structure** (three
  or more work reps with recoveries: a workout, whose moving time flatters it) and a
  **planned workout** other than a race on that day in the runner's plan (a
  progression run or a tempo is run hard on purpose, and may be the fastest of the
  season at its distance);
- **words** in the name and description, in the main running languages (strong:
  "race", "verseny", "maraton", "Wettkampf", "carrera", "gara", "wedstrijd", ...;
  weak: "night run", "futás", "Lauf", "course", "loop", a personal best, ...), and
  words of the runs around a race ("warm up", "going to", "levezetés", "Einlaufen",
  ...), which count against.

Each item adds points; a run with :data:`RACE_RULES` ``min_score`` points or more is a
race. No single item is enough: words alone give at most ``max_word_points``, so a
1.9 km jog named "Going to the race" is not a race, and a run with no name at all can
be one on its effort. The runner's own mark (``mark``) always wins. Every verdict
lists its evidence, so the runner can see why.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from deliberun.models import vdot as _vdot

#: Points and limits of the classifier (see the module docstring for sources).
RACE_RULES: dict[str, Any] = {
    "min_score": 4.0,
    "max_word_points": 3.0,
    "min_word_points": -3.0,
    # (longest duration [s], race share of max HR) - expected effort by duration
    "race_hr_share": ((1200.0, 0.92), (3600.0, 0.90), (9000.0, 0.87), (math.inf, 0.83)),
    "hr_near": 0.03,  # within this share under the race share: +1
    "hr_far": 0.10,  # more than this under: -2
    "season_days": 365,
    "similar_distance": (2.0 / 3.0, 1.5),
    "season_min_runs": 3,
    "fastest_share": 0.98,  # whole-run VDOT at least this share of the season best: +2
    "fast_share": 0.95,  # +1
    "slow_share": 0.85,  # under: -1
    "even_cv_pct": 4.0,  # km-split CV at most this: +1
    "uneven_cv_pct": 12.0,  # over: -1
    "distance_tolerance": 0.025,
    "min_duration_s": 180.0,  # VDOT needs 3 min or more
}

#: Standard race distances [m].
STANDARD_DISTANCES_M: dict[str, float] = {
    "1500 m": 1500.0,
    "mile": 1609.344,
    "3k": 3000.0,
    "5k": 5000.0,
    "8k": 8000.0,
    "10k": 10000.0,
    "15k": 15000.0,
    "10 miles": 16093.44,
    "half marathon": 21097.5,
    "30k": 30000.0,
    "marathon": 42195.0,
    "50k": 50000.0,
}

# Words (regular expressions, case-insensitive, whole words). Strong cues name an event;
# weak ones are often used for events and for training alike; "around" words name the
# runs around a race (warm-ups, the way there) or training.
_STRONG = [
    # English
    r"race[ds]?",
    r"racing",
    r"parkrun",
    r"marathon",
    r"half[- ]?marathon",
    r"relay",
    r"ultra",
    r"time ?trial",
    r"championships?",
    # Hungarian
    r"versenye?",
    r"versenyen",
    r"maraton",
    r"félmaraton",
    r"váltó",
    r"futógála",
    r"futóverseny",
    r"ultramaraton",
    r"kupa",
    # German
    r"wettkampf",
    r"wettbewerb",
    r"halbmarathon",
    r"staffel",
    r"volkslauf",
    r"stadtlauf",
    r"meisterschaft(?:en)?",
    # French
    r"semi[- ]?marathon",
    r"corrida",
    r"relais",
    r"compétition",
    # Spanish / Portuguese
    r"carrera",
    r"media marat[oó]n",
    r"marat[oó]n",
    r"maratona",
    r"meia maratona",
    r"competici[oó]n",
    # Italian
    r"gara",
    r"mezza maratona",
    r"staffetta",
    # Dutch
    r"wedstrijd",
    r"halve marathon",
    r"estafette",
    # Polish / Czech / Slovak
    r"zawody",
    r"półmaraton",
    r"závod",
    r"polmaraton",
    r"půlmaraton",
]
_WEAK = [
    r"night run",
    r"fun run",
    r"city run",
    r"charity run",
    r"color run",
    r"[\w'’-]+ run \d{4}",
    r"futás",
    r"futam",
    r"lauf",
    r"course",
    r"semi",
    r"loop",
    r"corsa",
    r"bieg",
    r"běh",
    r"pb",
    r"pr",
    r"personal best",
    r"personal record",
    r"new best",
    r"egyéni csúcs",
    r"bestzeit",
    r"record personnel",
    r"mejor marca",
    r"record personale",
    r"persoonlijk record",
    r"chip time",
    r"official time",
    r"nettó idő",
    r"rajtszám",
    r"startnummer",
    r"bib",
    r"finisher",
    r"medal",
    r"érem",
    r"podium",
    r"dobogó",
]
_AROUND = [
    r"warm[- ]?up",
    r"cool[- ]?down",
    r"going to",
    r"on the way",
    r"to the (?:race|start)",
    r"after the race",
    r"before the race",
    r"jog",
    r"shake[- ]?out",
    r"recovery",
    r"regen",
    r"easy",
    r"bemelegítés",
    r"levezetés",
    r"levezető",
    r"laza",
    r"átmozgatás",
    r"edzés",
    r"résztáv",
    r"einlaufen",
    r"auslaufen",
    r"training",
    r"échauffement",
    r"récup",
    r"calentamiento",
    r"riscaldamento",
    r"defaticamento",
    r"inlopen",
    r"uitlopen",
    r"intervals?",
    r"tempo",
    r"fartlek",
    r"workout",
    r"strides",
    r"drills",
]


def _words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


_STRONG_RE, _WEAK_RE, _AROUND_RE = _words(_STRONG), _words(_WEAK), _words(_AROUND)


def runner_mark(value: Any) -> bool | None:
    """The runner's own mark from its stored value: True (a race), False (not a race),
    or None (no mark: anything but a bool, e.g. NULL)."""
    return value if isinstance(value, bool) else None


def source_says_race(
    *, race_flag: Any = None, workout_type: Any = None, sub_sport: str | None = None
) -> bool:
    """The source said so: an ``is_race`` flag, Strava's workout type "race" or a FIT
    sub-sport "race" (any case). A numeric Strava workout type is not read as one."""
    if race_flag or str(workout_type if workout_type is not None else "").lower() == "race":
        return True
    return (sub_sport or "").lower() == "race"


def is_race(
    *,
    mark: Any = None,
    race_flag: Any = None,
    workout_type: Any = None,
    sub_sport: str | None = None,
) -> bool:
    """A race on the run's own fields (no history): the runner's mark
    (:func:`runner_mark`), else the source's flag (:func:`source_says_race`).

    :func:`classify` judges a run against the runner's history too (effort, season,
    the words of its name in any language); this is the verdict of a run alone.
    """
    own = runner_mark(mark)
    if own is not None:
        return own
    return source_says_race(race_flag=race_flag, workout_type=workout_type, sub_sport=sub_sport)


@dataclass
class RaceFacts:
    """What the classifier reads of one run (SI units)."""

    activity_id: int | None
    day: date
    distance_m: float | None
    duration_s: float | None
    avg_hr_bpm: float | None = None
    name: str | None = None
    description: str | None = None
    split_cv_pct: float | None = None
    rpe: float | None = None
    warmup_before: bool = False  # a shorter, slower run ended < 2 h before the start
    elapsed_s: float | None = None
    n_reps: int = 0  # detected work reps
    goal_race_day: bool = False  # the date of one of the runner's goal races
    planned: str | None = None  # workout type the runner's plan had that day (None: none)
    mark: bool | None = None  # the runner's own mark: True race, False not a race

    @cached_property
    def vdot(self) -> float | None:
        d, t = self.distance_m, self.duration_s
        if not (d and t and d >= 1000 and t >= RACE_RULES["min_duration_s"]):
            return None
        v = _vdot.oxygen_cost(d / t) / _vdot.fraction_of_vo2max(t)
        return v if math.isfinite(v) else None


@dataclass
class RaceVerdict:
    """A run's verdict: race or not, the score, a confidence 0-1 and its evidence."""

    is_race: bool
    score: float
    confidence: float
    evidence: list[str] = field(default_factory=list)
    source: str = "classifier"  # "classifier" | "runner"

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_race": self.is_race,
            "score": round(self.score, 2),
            "confidence": round(self.confidence, 2),
            "source": self.source,
            "evidence": list(self.evidence),
        }


def word_points(name: str | None, description: str | None = None) -> tuple[float, list[str]]:
    """Points from the words of the name and description, with the words found."""
    text = " ".join(t for t in (name, description) if t)
    if not text:
        return 0.0, []
    pts, ev = _words_found(text)
    lo, hi = RACE_RULES["min_word_points"], RACE_RULES["max_word_points"]
    return max(lo, min(hi, pts)), list(ev)


@lru_cache(maxsize=4096)
def _words_found(text: str) -> tuple[float, tuple[str, ...]]:
    """Unclamped points and evidence of a text (most runs share a few names: kept)."""
    pts, ev = 0.0, []
    strong = sorted({m.group(0).lower() for m in _STRONG_RE.finditer(text)})
    weak = sorted({m.group(0).lower() for m in _WEAK_RE.finditer(text)})
    around = sorted({m.group(0).lower() for m in _AROUND_RE.finditer(text)})
    if strong:
        pts += 2.0 + 0.5 * (len(strong) - 1)
        ev.append(f"+{2.0 + 0.5 * (len(strong) - 1):g} race words: {', '.join(strong)}")
    if weak:
        pts += 1.0 * min(len(weak), 2)
        ev.append(f"+{min(len(weak), 2):g} words often used for races: {', '.join(weak)}")
    if around:
        pts -= 2.0
        ev.append(f"-2 words of training or of the runs around a race: {', '.join(around)}")
    return pts, tuple(ev)


def race_hr_share(duration_s: float) -> float:
    """The share of max HR a race of ``duration_s`` is run at (see the module docstring)."""
    for longest, share in RACE_RULES["race_hr_share"]:
        if duration_s <= longest:
            return float(share)
    return float(RACE_RULES["race_hr_share"][-1][1])


def standard_distance(distance_m: float, goals_m: tuple[float, ...] = ()) -> str | None:
    """The name of the standard (or goal) distance ``distance_m`` is within 2.5 % of."""
    tol = RACE_RULES["distance_tolerance"]
    named = dict(STANDARD_DISTANCES_M)
    named.update({f"goal race {g / 1000:.1f} km": g for g in goals_m})
    for label, d in named.items():
        if abs(distance_m - d) <= tol * d:
            return label
    return None


def classify(
    run: RaceFacts,
    *,
    hr_max_bpm: float | None,
    season: Sequence[RaceFacts] = (),
    goals_m: tuple[float, ...] = (),
    similar_vdots: Sequence[float] | None = None,
) -> RaceVerdict:
    """The verdict on one run; ``season`` holds the runner's other runs (any dates:
    only those of the 365 days up to the run count). ``similar_vdots``, when given, are
    the whole-run VDOTs of the season's runs of a similar distance (what ``season`` is
    searched for; :func:`classify_history` finds them for every run at once)."""
    if run.mark is not None:
        return RaceVerdict(
            bool(run.mark),
            math.inf if run.mark else -math.inf,
            1.0,
            ["marked by you as a race" if run.mark else "marked by you as not a race"],
            "runner",
        )
    score, ev = word_points(run.name, run.description)
    t, d = run.duration_s or 0.0, run.distance_m or 0.0
    if hr_max_bpm and run.avg_hr_bpm and t > 0:
        share = run.avg_hr_bpm / hr_max_bpm
        want = race_hr_share(t)
        pct = f"average HR {share * 100:.0f}% of max ({want * 100:.0f}% is race effort for {t / 60:.0f} min)"
        if share >= want:
            score += 2
            ev.append(f"+2 {pct}")
        elif share >= want - RACE_RULES["hr_near"]:
            score += 1
            ev.append(f"+1 {pct}")
        elif share < want - RACE_RULES["hr_far"]:
            score -= 2
            ev.append(f"-2 {pct}")
    v = run.vdot
    if v is not None:
        lo, hi = RACE_RULES["similar_distance"]
        others = list(similar_vdots) if similar_vdots is not None else _similar(run, season)
        if len(others) >= RACE_RULES["season_min_runs"]:
            ratio = v / max(max(others), v)
            what = (
                f"whole-run VDOT {v:.1f}, {ratio * 100:.0f}% of the best of {len(others) + 1} "
                f"runs of {d / 1000 * lo:.1f}-{d / 1000 * hi:.1f} km in the year before"
            )
            if ratio >= RACE_RULES["fastest_share"]:
                score += 2
                ev.append(f"+2 {what}")
            elif ratio >= RACE_RULES["fast_share"]:
                score += 1
                ev.append(f"+1 {what}")
            elif ratio < RACE_RULES["slow_share"]:
                score -= 1
                ev.append(f"-1 {what}")
    if run.split_cv_pct is not None and math.isfinite(run.split_cv_pct):
        if run.split_cv_pct <= RACE_RULES["even_cv_pct"]:
            score += 1
            ev.append(f"+1 even pacing (km splits vary {run.split_cv_pct:.1f}%)")
        elif run.split_cv_pct > RACE_RULES["uneven_cv_pct"]:
            score -= 1
            ev.append(f"-1 uneven pacing (km splits vary {run.split_cv_pct:.1f}%)")
    if d > 0 and (label := standard_distance(d, goals_m)):
        score += 1
        ev.append(f"+1 distance {d / 1000:.2f} km is about {label}")
    if run.elapsed_s and t > 0 and run.elapsed_s > 1.10 * t:
        stopped = run.elapsed_s - t
        pts = 2 if run.elapsed_s > 1.25 * t else 1
        score -= pts
        ev.append(f"-{pts} stopped for {stopped / 60:.0f} min (a race clock does not stop)")
    if run.n_reps >= 3:
        score -= 2
        ev.append(f"-2 a structured session: {run.n_reps} work reps with recoveries")
    if run.planned and run.planned not in ("race", "rest") and not run.goal_race_day:
        score -= 2
        ev.append(f"-2 your plan had a {run.planned.replace('_', ' ')} session that day")
    if run.goal_race_day:
        score += 2
        ev.append("+2 on the date of one of your goal races (`deliberun cycle`)")
    if run.warmup_before:
        score += 1
        ev.append("+1 a shorter, slower run ended less than 2 h before it (a warm-up)")
    if run.rpe is not None and math.isfinite(run.rpe):
        if run.rpe >= 9:
            score += 2
            ev.append(f"+2 perceived exertion {run.rpe:g}/10")
        elif run.rpe >= 8:
            score += 1
            ev.append(f"+1 perceived exertion {run.rpe:g}/10")
        elif run.rpe <= 5:
            score -= 2
            ev.append(f"-2 perceived exertion {run.rpe:g}/10")
    need = RACE_RULES["min_score"]
    conf = 1.0 / (1.0 + math.exp(-(score - need + 0.5)))
    is_race = score >= need
    ev.append(f"score {score:g} ({'≥' if is_race else '<'} {need:g} for a race)")
    return RaceVerdict(is_race, score, conf if is_race else 1.0 - conf, ev)


def _similar(run: RaceFacts, season: Sequence[RaceFacts]) -> list[float]:
    """Whole-run VDOTs of the other runs of ``season`` in the 365 days up to ``run`` whose
    distance is within ``similar_distance`` of its own (``run`` has a distance)."""
    lo, hi = RACE_RULES["similar_distance"]
    start = run.day - timedelta(days=RACE_RULES["season_days"])
    d = run.distance_m or 0.0
    return [
        x
        for x in (
            o.vdot
            for o in season
            if o is not run
            and o.activity_id != run.activity_id
            and start <= o.day <= run.day
            and o.distance_m
            and lo <= o.distance_m / d <= hi
        )
        if x is not None
    ]


def classify_history(
    runs: list[RaceFacts], *, hr_max_bpm: float | None, goals_m: tuple[float, ...] = ()
) -> dict[int | None, RaceVerdict]:
    """Verdicts for every run, each judged against the runs before it (by activity id).

    The runs of a similar distance in each run's year are found with arrays
    (:func:`similar_vdots_each`: the same selection as :func:`classify` makes from
    ``season``, without a Python loop over the year for every run).
    """
    return {
        r.activity_id: classify(
            r, hr_max_bpm=hr_max_bpm, season=season, goals_m=goals_m, similar_vdots=similar
        )
        for r, season, similar in similar_vdots_each(runs)
    }


def similar_vdots_each(
    runs: list[RaceFacts],
) -> list[tuple[RaceFacts, list[RaceFacts], list[float] | None]]:
    """Each run (by day) with its season (the runs of the 365 days up to it) and the
    whole-run VDOTs of the season's runs of a similar distance (None: the run has no
    VDOT), found with arrays over the runs sorted by day."""
    ordered = sorted(runs, key=lambda r: r.day)
    days = [r.day.toordinal() for r in ordered]
    span = RACE_RULES["season_days"]
    lo_share, hi_share = RACE_RULES["similar_distance"]
    dist = np.array([_nan_if_none(r.distance_m) for r in ordered], dtype=float)
    vdots = np.array([_nan_if_none(r.vdot) for r in ordered], dtype=float)
    ids = np.empty(len(ordered), dtype=object)
    ids[:] = [r.activity_id for r in ordered]
    out = []
    for i, r in enumerate(ordered):  # each against the year before it only (a window)
        lo = bisect_left(days, r.day.toordinal() - span)
        hi = bisect_right(days, r.day.toordinal())
        similar = None
        if r.vdot is not None:
            with np.errstate(invalid="ignore"):
                share = dist[lo:hi] / (r.distance_m or 0.0)
                keep = (share >= lo_share) & (share <= hi_share) & ~np.isnan(vdots[lo:hi])
            keep &= (ids[lo:hi] != r.activity_id).astype(bool)  # not the run (nor its id)
            if lo <= i < hi:
                keep[i - lo] = False
            similar = vdots[lo:hi][keep].tolist()
        out.append((r, ordered[lo:hi], similar))
    return out


def _nan_if_none(x: float | None) -> float:
    return math.nan if x is None else float(x)


def split_cv_pct(paces_s_per_km: list[float]) -> float | None:
    """Coefficient of variation [%] of whole-km split paces (None under 3 splits)."""
    p = [x for x in paces_s_per_km if x and math.isfinite(x) and x > 0]
    if len(p) < 3:
        return None
    mean = sum(p) / len(p)
    sd = math.sqrt(sum((x - mean) ** 2 for x in p) / (len(p) - 1))
    return 100.0 * sd / mean
