"""The athlete's settings: thresholds and choices the pure layers take as input.

A plain dataclass, stored by ``deliberun.store`` and passed down to metrics and
models. ``None`` thresholds mean "not known yet": estimates from the data
(``deliberun.models.thresholds``) fill them, a value the runner set wins.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class AthleteSettings:
    sex: str = "male"  # male | female (TRIMP constants)
    birth_year: int | None = None
    hr_max_bpm: float | None = None
    hr_rest_bpm: float | None = None
    threshold_hr_bpm: float | None = None
    threshold_pace_s_per_km: float | None = None
    hr_zone_model: str = "hrmax"  # hrmax | hrr | lthr
    gap_model: str = "strava"  # strava | minetti
    load_model: str = "trimp_banister"  # trimp_banister | trimp_edwards | rtss | session_rpe
    fitness_days: int = 42
    fatigue_days: int = 7
    load_weighting: str = "exp"  # exp | ewma | simple (load.json conventions)
    form_convention: str = "yesterday"  # yesterday | today
    units: str = "metric"  # metric | imperial
    timezone: str | None = None  # IANA name; else the activity's own offset

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> AthleteSettings:
        data = data or {}
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
