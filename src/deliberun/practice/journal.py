"""The training journal: how the run felt, and whether the feeling agrees with the data.

A :class:`JournalEntry` holds RPE (CR-10), feel, sleep, soreness, notes, tags and
race-detail checks. :func:`expected_rpe` predicts a CR-10 rating from the session's
intensity (%HRR, or speed as a fraction of threshold speed) and duration;
:func:`rpe_disagreement` flags ratings that differ from it by 3 points or more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from deliberun.practice.session import Session

#: Race details a runner can rehearse (CONTRACTS.md journal file).
RACE_DETAILS = ("fuelling", "breakfast", "gear", "course")

#: Intensity -> expected CR-10 RPE anchors. %HRR bands from ACSM's Guidelines for Exercise
#: Testing and Prescription, 10th ed. (2018), Table 6.1 (moderate 40-59% HRR ~ RPE 12-13
#: on Borg 6-20, vigorous 60-89% ~ 14-17, near-maximal >= 90% ~ 18+), mapped to CR-10
#: (Borg G. (1982) Med Sci Sports Exerc 14(5):377-381). The threshold-speed anchors put
#: threshold (about 1 h race effort) at "hard" (CR-10 about 6-7), Daniels' T pace.
EXPECTED_RPE_ANCHORS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "hrr_frac": ((0.30, 0.40, 0.60, 0.75, 0.90, 1.00), (1.0, 2.0, 4.0, 5.5, 8.0, 10.0)),
    "threshold_speed_frac": ((0.70, 0.80, 0.90, 1.00, 1.08, 1.15), (1.5, 2.5, 4.0, 6.5, 8.5, 10.0)),
}
#: Extra RPE per hour beyond the first (fatigue of long runs), capped at +2.
DURATION_RPE_PER_HOUR = 0.75
DISAGREEMENT_POINTS = 3.0


@dataclass
class JournalEntry:
    """One journal entry, tied to a local date and optionally to an activity."""

    date: date
    activity_start: datetime | None = None
    activity_id: int | None = None
    rpe: float | None = None
    feel: float | None = None
    sleep_h: float | None = None
    soreness: float | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Raise ``ValueError`` for values outside their scales."""
        checks = (
            ("rpe", self.rpe, 0, 10, "CR-10 scale 0..10"),
            ("feel", self.feel, 1, 5, "1 (awful) .. 5 (great)"),
            ("sleep_h", self.sleep_h, 0, 24, "hours 0..24"),
            ("soreness", self.soreness, 0, 10, "0..10"),
        )
        for name, v, lo, hi, scale in checks:
            if v is not None and not (lo <= float(v) <= hi):
                raise ValueError(f"{name}={v} is outside its scale ({scale}); fix the value")
        for d in self.details:
            if d not in RACE_DETAILS:
                raise ValueError(
                    f"unknown race detail {d!r}; use one of: {', '.join(RACE_DETAILS)}"
                )

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "activity_start": self.activity_start.isoformat() if self.activity_start else None,
            "activity_id": self.activity_id,
            "rpe": self.rpe,
            "feel": self.feel,
            "sleep_h": self.sleep_h,
            "soreness": self.soreness,
            "notes": self.notes,
            "tags": list(self.tags),
            "details": list(self.details),
        }


def apply_entry(session: Session, entry: JournalEntry) -> None:
    """Copy the journal's ratings onto the session (the session's own values win)."""
    for name in ("rpe", "feel", "sleep_h", "soreness"):
        if getattr(session, name) is None and getattr(entry, name) is not None:
            setattr(session, name, getattr(entry, name))
    session.tags = sorted(set(session.tags) | set(entry.tags))
    session.details = sorted(set(session.details) | set(entry.details))


def expected_rpe(
    *,
    duration_s: float,
    avg_hr_bpm: float | None = None,
    hr_rest_bpm: float | None = None,
    hr_max_bpm: float | None = None,
    speed_m_per_s: float | None = None,
    threshold_speed_m_per_s: float | None = None,
) -> float | None:
    """Expected CR-10 RPE from intensity and duration (None without an intensity).

    Intensity is %HRR (Karvonen) when heart rates are known, else speed as a fraction
    of threshold speed; when both are known the two estimates are averaged. The anchor
    table :data:`EXPECTED_RPE_ANCHORS` is interpolated linearly, then
    :data:`DURATION_RPE_PER_HOUR` is added per hour beyond the first (capped at +2).

    Parameters
    ----------
    duration_s : moving time [s].
    avg_hr_bpm, hr_rest_bpm, hr_max_bpm : mean, resting and maximal heart rate [bpm].
    speed_m_per_s, threshold_speed_m_per_s : mean and threshold speed [m/s].
    """
    estimates = []
    if avg_hr_bpm and hr_rest_bpm and hr_max_bpm and hr_max_bpm > hr_rest_bpm:
        frac = (avg_hr_bpm - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm)
        xs, ys = EXPECTED_RPE_ANCHORS["hrr_frac"]
        estimates.append(float(np.interp(frac, xs, ys)))
    if speed_m_per_s and threshold_speed_m_per_s:
        xs, ys = EXPECTED_RPE_ANCHORS["threshold_speed_frac"]
        estimates.append(float(np.interp(speed_m_per_s / threshold_speed_m_per_s, xs, ys)))
    if not estimates:
        return None
    extra = min(2.0, max(0.0, (duration_s / 3600.0 - 1.0) * DURATION_RPE_PER_HOUR))
    return float(min(10.0, float(np.mean(estimates)) + extra))


@dataclass
class RpeDisagreement:
    activity_id: int | str | None
    local_date: date
    rpe: float
    expected: float
    direction: str  # "harder_than_data" | "easier_than_data"

    def sentence(self) -> str:
        if self.direction == "harder_than_data":
            return (
                f"{self.local_date}: rated RPE {self.rpe:g} but heart rate and pace say about "
                f"{self.expected:.0f} (moderate for the data): tired, ill, or hot?"
            )
        return (
            f"{self.local_date}: rated RPE {self.rpe:g} but heart rate and pace say about "
            f"{self.expected:.0f}: harder than it felt, check the effort."
        )


def rpe_disagreement(
    session: Session,
    *,
    hr_rest_bpm: float | None,
    hr_max_bpm: float | None,
    threshold_pace_s_per_km: float | None,
) -> RpeDisagreement | None:
    """The session's RPE vs :func:`expected_rpe`, when they differ by 3 points or more.

    Only continuous runs are judged: the mean heart rate and pace of an interval
    session (warm-up, jogs) say little about how hard its reps were.
    """
    if session.rpe is None or not session.duration_s or session.rep_paces_s_per_km:
        return None
    speed = 1000.0 / session.avg_pace_s_per_km if session.avg_pace_s_per_km else None
    thr = 1000.0 / threshold_pace_s_per_km if threshold_pace_s_per_km else None
    exp = expected_rpe(
        duration_s=session.duration_s,
        avg_hr_bpm=session.avg_hr_bpm,
        hr_rest_bpm=hr_rest_bpm,
        hr_max_bpm=hr_max_bpm,
        speed_m_per_s=speed,
        threshold_speed_m_per_s=thr,
    )
    if exp is None or abs(session.rpe - exp) < DISAGREEMENT_POINTS:
        return None
    direction = "harder_than_data" if session.rpe > exp else "easier_than_data"
    key = session.activity_id
    return RpeDisagreement(key, session.local_date, float(session.rpe), exp, direction)
