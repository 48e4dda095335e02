"""Display helpers for ``activities`` and ``show``: SI values in the athlete's units.

Values stay SI everywhere else; only these tables convert (km or mi, min/km or
min/mi) by the athlete's ``units`` setting (``metric`` | ``imperial``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType

from deliberun.cli.output import table
from deliberun.units import ELEVATION, METRES_PER_UNIT, UNIT_LABEL, clock, pace_value

# Bare numbers (the unit is in the column header); "" for a missing value. The
# conversions are deliberun.units'.


def _ok(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def unit_labels(units: str) -> dict[str, str]:
    return {
        "distance": UNIT_LABEL[units],
        "pace": f"min/{UNIT_LABEL[units]}",
        "elevation": ELEVATION[units][1],
    }


def fmt_num(v: Any, digits: int = 0) -> str:
    return f"{v:.{digits}f}" if _ok(v) else ""


def fmt_duration(seconds: Any) -> str:
    """``h:mm:ss`` or ``m:ss``."""
    return clock(seconds) if _ok(seconds) else ""


def fmt_distance(metres: Any, units: str, digits: int = 2) -> str:
    if not _ok(metres):
        return ""
    return f"{metres / METRES_PER_UNIT[units]:.{digits}f}"


def fmt_elevation(metres: Any, units: str) -> str:
    if not _ok(metres):
        return ""
    return f"{metres * ELEVATION[units][0]:.0f}"


def fmt_pace_s_per_km(pace: Any, units: str) -> str:
    """A pace given in s/km, shown as min/km or min/mi."""
    if not _ok(pace) or pace <= 0:
        return ""
    return clock(pace_value(pace, units))


def fmt_speed_as_pace(speed: Any, units: str) -> str:
    """A speed in m/s shown as a pace."""
    if not _ok(speed) or speed <= 0:
        return ""
    return fmt_pace_s_per_km(1000.0 / speed, units)


def fmt_pace(distance_m: Any, duration_s: Any, units: str) -> str:
    if not (_ok(distance_m) and _ok(duration_s)) or distance_m <= 0:
        return ""
    return fmt_pace_s_per_km(duration_s / distance_m * 1000.0, units)


def fmt_value(key: str, value: Any, units: str) -> str:
    """Format one SI value by the unit its name carries."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return ", ".join(fmt_value("", v, units) for v in value) if isinstance(value, list) else ""
    if not _ok(value):
        return ""
    if "pace_s_per_km" in key:
        return fmt_pace_s_per_km(value, units)
    if key.endswith("speed_m_per_s"):
        return fmt_speed_as_pace(value, units)
    if key in ("ascent_m", "descent_m", "altitude_m"):
        return fmt_elevation(value, units)
    if key.endswith("distance_m"):
        return fmt_distance(value, units)
    if key.endswith("_s"):
        return fmt_duration(value)
    if key.endswith(("_bpm", "_spm")) or key == "index":
        return fmt_num(value)
    return fmt_num(value, 2)


_SHORT = {
    "index": "#",
    "duration_s": "time",
    "moving_time_s": "moving",
    "elapsed_time_s": "elapsed",
    "timer_time_s": "timer",
    "start_s": "start",
    "end_s": "end",
    "recovery_s": "recovery",
    "avg_hr_bpm": "HR",
    "max_hr_bpm": "max HR",
    "avg_cadence_spm": "cadence",
    "avg_power_w": "power",
}


def _header(key: str, units: str) -> str:
    lab = unit_labels(units)
    if key in _SHORT:
        return _SHORT[key]
    if key == "gap_pace_s_per_km":
        return f"GAP ({lab['pace']})"
    if key == "gap_speed_m_per_s":
        return f"GAP ({lab['pace']})"
    if "pace_s_per_km" in key:
        return key.replace("pace_s_per_km", f"pace ({lab['pace']})")
    if key.endswith("speed_m_per_s"):
        return key.replace("speed_m_per_s", f"pace ({lab['pace']})")
    if key in ("ascent_m", "descent_m"):
        return f"{key[:-2]} ({lab['elevation']})"
    if key == "distance_m":
        return lab["distance"]
    if key.endswith("distance_m"):
        return f"{key[:-11]} {lab['distance']}"
    return key


def rows_table(title: str, rows: Sequence[dict[str, Any]], units: str) -> RenderableType:
    """A table of dicts (splits, laps, reps), columns from the keys in order."""
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys and not isinstance(r[k], dict | list)]
    # drop columns with nothing to show (no heart rate on this run, ...)
    keys = [k for k in keys if any(fmt_value(k, r.get(k), units) for r in rows)]
    return table(
        title,
        [_header(k, units) for k in keys],
        [[fmt_value(k, r.get(k), units) for k in keys] for r in rows],
    )


def kv_table(title: str, data: dict[str, Any], units: str) -> RenderableType:
    return table(
        title, ["", "value"], [[_header(k, units), fmt_value(k, v, units)] for k, v in data.items()]
    )


_BEST_NAMES = {
    "400": "400 m",
    "1000": "1 km",
    "1609.344": "1 mile",
    "5000": "5 km",
    "10000": "10 km",
    "21097.5": "half marathon",
    "42195": "marathon",
}


def render_activity(item: dict[str, Any], units: str) -> list[RenderableType]:
    """Tables for ``deliberun show``: the activity, then each metric group present."""
    lab = unit_labels(units)
    head = [
        ["id", item["id"]],
        ["start", item["start_time"]],
        ["sport", " / ".join(x for x in (item["sport"], item.get("sub_sport")) if x)],
        ["name", item.get("name") or ""],
        [f"distance ({lab['distance']})", fmt_distance(item["distance_m"], units)],
        ["moving time", fmt_duration(item["moving_time_s"])],
        ["elapsed time", fmt_duration(item["elapsed_time_s"])],
        ["timer time", fmt_duration(item["timer_time_s"])],
        [f"pace ({lab['pace']})", fmt_pace(item["distance_m"], item["moving_time_s"], units)],
        ["avg / max HR (bpm)", f"{fmt_num(item['avg_hr_bpm'])} / {fmt_num(item['max_hr_bpm'])}"],
        # steps/min: the metrics' value, corrected when the device recorded strides
        [
            "avg cadence (spm)",
            fmt_num(((item.get("metrics") or {}).get("cadence") or {}).get("avg_spm"))
            or fmt_num(item["avg_cadence_spm"]),
        ],
        [
            f"ascent / descent ({lab['elevation']})",
            f"{fmt_elevation(item['ascent_m'], units)} / {fmt_elevation(item['descent_m'], units)}",
        ],
        ["device", item.get("device") or ""],
        ["source", item["source_path"]],
        ["sha256", item["sha256"]],
    ]
    if item.get("description"):
        head.insert(4, ["description", item["description"]])
    deleted = (item.get("extra") or {}).get("strava_deleted")
    if deleted:
        head.insert(4, ["strava", f"deleted on Strava (seen {deleted[:10]}); kept here"])
    session, race = item.get("session"), item.get("race")
    if session:
        head.append(
            ["session type", f"{session['type']} (confidence {session['confidence']:.2f}): "
             + "; ".join(session["evidence"])]
        )  # fmt: skip
    if race:
        who = "your mark" if race["source"] == "runner" else "judged from the data"
        head.append(
            ["race", f"{'yes' if race['is_race'] else 'no'} ({who}): "
             + "; ".join(race["evidence"]) + " (`deliberun race ID [--not]`)"]
        )  # fmt: skip
    out: list[RenderableType] = [table(f"Activity {item['id']}", ["", ""], head)]
    m = item.get("metrics") or {}
    if not m:
        out.append("No metrics stored; run `deliberun recompute`.")
        return out
    splits = m.get("splits_mile" if units == "imperial" else "splits_km") or []
    if splits:
        out.append(rows_table(f"Splits ({lab['distance']})", splits, units))
    if m.get("laps"):
        out.append(rows_table("Laps", m["laps"], units))
    intervals = m.get("intervals") or {}
    if intervals.get("reps"):
        out.append(
            rows_table(f"Intervals: {intervals.get('summary') or ''}", intervals["reps"], units)
        )
    best = m.get("best_efforts_s") or {}
    if best:
        out.append(
            table(
                "Best efforts",
                ["distance", "time", f"pace ({lab['pace']})"],
                [
                    [
                        _BEST_NAMES.get(k, f"{k} m"),
                        fmt_duration(v),
                        fmt_pace(float(k), v, units) if _ok(v) else "",
                    ]
                    for k, v in best.items()
                ],
            )
        )
    zones = m.get("hr_zones_s") or []
    if zones:
        out.append(
            table(
                "Heart-rate zones",
                ["zone", "time"],
                [[i + 1, fmt_duration(z)] for i, z in enumerate(zones)],
            )
        )
    if m.get("load"):
        out.append(kv_table("Load", m["load"], units))
    scalars = {
        k: v for k, v in m.items() if not isinstance(v, dict | list) and k not in ("summary",)
    }
    if isinstance(m.get("cadence"), dict):
        scalars.update({f"cadence_{k}": v for k, v in m["cadence"].items()})
    if scalars:
        out.append(kv_table("Other", scalars, units))
    out.append(f"metrics version {item.get('metrics_version')}")
    return out
