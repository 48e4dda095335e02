"""The simulated athlete's profile: the few numbers a scenario starts from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class Profile:
    """Who is running.

    ``vdot`` is the starting VDOT [ml/kg/min]; ``weekly_km`` the usual weekly volume
    [km]; ``years`` how much history to simulate (a scenario may have its own
    default); ``home`` the (lat, lon) [deg] the routes start from.
    """

    sex: str = "female"
    age: int = 38
    vdot: float = 47.0
    hr_max_bpm: float = 186.0
    hr_rest_bpm: float = 48.0
    weekly_km: float = 55.0
    years: float | None = None
    units: str = "metric"
    timezone: str = "Europe/Zurich"
    home: tuple[float, float] = (46.2044, 6.1432)
    cadence_at_3_m_per_s: float = 166.0

    def __post_init__(self) -> None:
        if self.sex not in ("male", "female"):
            raise ValueError("profile sex must be 'male' or 'female'")
        if not 20.0 <= self.vdot <= 85.0:
            raise ValueError(f"profile vdot {self.vdot} is out of range; use 20..85")
        if not self.hr_rest_bpm < self.hr_max_bpm:
            raise ValueError("profile hr_rest_bpm must be below hr_max_bpm")
        if not 5.0 <= self.weekly_km <= 250.0:
            raise ValueError(f"profile weekly_km {self.weekly_km} is out of range; use 5..250")
        if self.years is not None and not 0.05 <= self.years <= 30.0:
            raise ValueError(f"years {self.years} is out of range; use 0.05..30")
        if self.units not in ("metric", "imperial"):
            raise ValueError("profile units must be 'metric' or 'imperial'")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["home"] = list(self.home)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Profile:
        data = dict(data or {})
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown profile keys: {', '.join(sorted(unknown))}")
        if "home" in data:
            data["home"] = tuple(data["home"])
        return cls(**data)

    def athlete_settings(self, end_year: int) -> dict[str, Any]:
        """The ``athlete:`` block of deliberun-journal.yaml (AthleteSettings keys)."""
        return {
            "sex": self.sex,
            "birth_year": end_year - self.age,
            "hr_max_bpm": self.hr_max_bpm,
            "hr_rest_bpm": self.hr_rest_bpm,
            "units": self.units,
            "timezone": self.timezone,
        }
