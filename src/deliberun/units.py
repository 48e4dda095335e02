"""Display formatting at the edge: SI values in, text in the athlete's units out.

Everything inside deliberun is SI (metres, seconds, m/s); the dashboard converts
only here, following ``AthleteSettings.units`` (``metric`` → km and min/km,
``imperial`` → mi and min/mi). These are registered as Jinja filters by
``deliberun.web.app`` and used by the CLI tables and the practice reviews' sentences.
Pure: no database, no terminal.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

METRES_PER_UNIT = {"metric": 1000.0, "imperial": 1609.344}
UNIT_LABEL = {"metric": "km", "imperial": "mi"}
ELEVATION = {"metric": (1.0, "m"), "imperial": (1 / 0.3048, "ft")}


def check_units(units: str) -> str:
    """Return ``units`` or raise ``ValueError`` naming the accepted values."""
    if units not in METRES_PER_UNIT:
        raise ValueError(f"unknown units {units!r}: use 'metric' or 'imperial'")
    return units


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def distance(value_m: Any, units: str = "metric", digits: int = 2) -> str:
    """``12.34 km`` / ``7.67 mi`` from metres; an em dash when unknown."""
    x = _num(value_m)
    if x is None:
        return "—"
    return f"{x / METRES_PER_UNIT[check_units(units)]:.{digits}f} {UNIT_LABEL[units]}"


def clock(seconds: Any) -> str:
    """``1:02:03`` or ``4:05`` from seconds; an em dash when unknown."""
    x = _num(seconds)
    if x is None or x < 0:
        return "—"
    total = int(round(x))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def pace(pace_s_per_km: Any, units: str = "metric") -> str:
    """``4:35 /km`` or ``7:22 /mi`` from seconds per kilometre."""
    x = _num(pace_s_per_km)
    if x is None or x <= 0:
        return "—"
    per_unit = x * METRES_PER_UNIT[check_units(units)] / 1000.0
    return f"{clock(per_unit)} /{UNIT_LABEL[units]}"


def pace_from_speed(speed_m_per_s: Any, units: str = "metric") -> str:
    """Pace text from a speed in m/s."""
    x = _num(speed_m_per_s)
    if x is None or x <= 0:
        return "—"
    return pace(1000.0 / x, units)


def pace_value(pace_s_per_km: Any, units: str = "metric") -> float | None:
    """Seconds per km → seconds per display unit (for charts)."""
    x = _num(pace_s_per_km)
    if x is None or x <= 0:
        return None
    return x * METRES_PER_UNIT[check_units(units)] / 1000.0


def elevation(value_m: Any, units: str = "metric") -> str:
    """``123 m`` / ``404 ft``."""
    x = _num(value_m)
    if x is None:
        return "—"
    factor, label = ELEVATION[check_units(units)]
    return f"{x * factor:.0f} {label}"


def number(value: Any, digits: int = 0, suffix: str = "") -> str:
    """A rounded number with an optional unit suffix; an em dash when unknown."""
    x = _num(value)
    if x is None:
        return "—"
    return f"{x:.{digits}f}{suffix}"


def day(value: Any) -> str:
    """``Mon 2 Mar 2026`` from a date, datetime or ISO string."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%a} {value.day} {value:%b %Y}"
    return "—"


def target_value(value: Any, unit: str | None, units: str = "metric") -> str:
    """A target's value in its own unit (the practice area's catalogue: s/km, s, %, share, m...)."""
    x = _num(value)
    if x is None:
        return "—"
    if unit == "s/km":
        return pace(x, units)
    if unit == "s":
        return clock(x)
    if unit == "m":
        return distance(x, units, 1)
    if unit == "share":
        return f"{x * 100:.0f} %"
    if unit == "%":
        return f"{x:.1f} %"
    return f"{x:.1f} {unit}".strip() if unit else f"{x:.2f}"


def target_change(value: Any, unit: str | None, units: str = "metric") -> str:
    """A signed change of a target's value (a trend per week): ``-1.2 s/km``, ``+3 pts``."""
    x = _num(value)
    if x is None:
        return "—"
    if unit == "s/km":
        per = METRES_PER_UNIT[check_units(units)] / 1000.0
        return f"{x * per:+.1f} s/{UNIT_LABEL[units]}"
    if unit == "m":
        return f"{x / METRES_PER_UNIT[check_units(units)]:+.1f} {UNIT_LABEL[units]}"
    if unit == "share":
        return f"{x * 100:+.1f} pts"
    if unit == "%":
        return f"{x:+.2f} pts"
    return f"{x:+.3g} {unit}".strip() if unit else f"{x:+.3g}"


#: Internal names a page may hold, in a runner's words (``--json`` keeps the names).
PLAIN = {
    "vdot": "VDOT (Daniels)",
    "vdot_shape": "VDOT with your speed–endurance shape",
    "riegel": "Riegel, from your effort nearest the distance",
    "riegel_own": "Riegel with your own fatigue exponent",
    "critical_speed": "critical speed (Monod)",
    "trimp_banister": "TRIMP (Banister)",
    "trimp_edwards": "TRIMP (Edwards)",
    "rtss": "running stress score",
    "session_rpe": "session RPE load",
    "hr_tss": "heart-rate stress score",
    "prior_48h_load": "load in the 48 h before",
    "target_pace": "target pace faster than your VDOT pace",
    "rest_interval": "rest between reps",
    "time_of_day": "time of day",
    "heat": "heat",
    "threshold_pace": "threshold pace",
    "threshold_pace_s_per_km": "threshold pace",
    "hr_max_bpm": "max heart rate",
    "hr_rest_bpm": "resting heart rate",
    "threshold_hr_bpm": "threshold heart rate",
    "interval_execution": "interval execution",
    "pace_error_pct": "rep pace off target (%)",
    "decoupling_pct": "pace:HR decoupling (%)",
    "avg_pace_s_per_km": "average pace",
    "avg_hr_bpm": "average heart rate",
    "reps_done_frac": "share of reps done",
    "rpe_slope_per_week": "effort (RPE) trend per week",
    "mp_stretch_s": "marathon-pace stretch",
    "last_rep_fade_pct": "last-rep fade (%)",
}


def plain(name: Any) -> str:
    """An internal name in a runner's words (underscores to spaces when not listed)."""
    text = str(name or "")
    return PLAIN.get(text, text.replace("_", " "))


def workout_words(workout_type: Any, text: Any, joint: str = ": ") -> str:
    """A workout as said: ``easy: 8km E`` (or ``easy (8km E)`` with ``joint=" ("``), and a
    text that starts with its type once (``race 42.195km``, not ``race: race 42.195km``)."""
    kind = plain(workout_type)
    words = str(text or "").strip()
    if not words:
        return kind
    if words.lower().startswith(kind.lower()):
        return words
    return f"{kind}{joint}{words}" + (")" if joint == " (" else "")


FILTERS = {
    "plain": plain,
    "target_value": target_value,
    "target_change": target_change,
    "distance": distance,
    "clock": clock,
    "pace": pace,
    "pace_from_speed": pace_from_speed,
    "elevation": elevation,
    "number": number,
    "day": day,
}
