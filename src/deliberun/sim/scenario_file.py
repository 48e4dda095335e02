"""Scenario files: a runner, a schedule and planted effects written in YAML by anyone.

``deliberun simulate --scenario-file FILE.yaml`` reads one mapping::

    name: layoff-before-change
    years: 1.0
    start: 2025-11-03            # optional; default: the simulation ends on DEFAULT_END
    profile: {sex: female, age: 38, vdot: 47, hr_max_bpm: 186, hr_rest_bpm: 48, weekly_km: 50}
    days: [tue, thu, sat, sun]   # running weekdays
    key_sessions: {tue: intervals, sat: long}
    breaks: [{from: 2026-03-02, days: 49}]
    effects:
      - {kind: nemesis, workout_type: intervals, cause: none, failure_rate: 0.25}
      - {kind: confounder, cause: weekday, workout_type: intervals, size: 2.0, weekday: fri}
      - {kind: experiment, id: espresso, workout_type: intervals, change: "an espresso",
         design: before_after, from: 2026-04-20, metric: last_rep_fade_pct, size: 0.0}

Every key is checked; an unknown one is an error naming it. Sizes are in points of
last-rep fade [%] (the outcome the simulator plants; a session fails above 5 points).
YAML anchors and aliases are refused before parsing (no alias bombs), then the text is
read with PyYAML's ``safe_load``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TOP_KEYS = ("name", "description", "years", "start", "profile", "days", "key_sessions",
            "breaks", "effects")  # fmt: skip
PROFILE_KEYS = ("sex", "age", "vdot", "hr_max_bpm", "hr_rest_bpm", "weekly_km", "units",
                "timezone")  # fmt: skip
SESSION_TYPES = ("easy", "recovery", "long", "mp_long", "tempo", "cruise_intervals",
                 "intervals", "hills", "strides", "progression")  # fmt: skip
#: Workout types whose reps can fade (the outcome the effects move).
REP_TYPES = ("intervals", "cruise_intervals")
EFFECT_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    # kind: {"required": ..., "optional": ...}
    "nemesis": {
        "required": ("kind", "workout_type", "cause"),
        "optional": ("failure_rate", "size", "seasonal", "start", "end", "metric", "beneficial"),
    },  # fmt: skip
    "confounder": {
        "required": ("kind", "cause", "workout_type", "size"),
        "optional": ("weekday", "start", "end"),
    },
    "experiment": {
        "required": ("kind", "id", "workout_type", "change", "design", "from"),
        "optional": ("metric", "size", "cause", "beneficial", "start", "end"),
    },
}
NEMESIS_CAUSES = ("none", "prior_48h_load", "heat")
CONFOUNDER_CAUSES = ("weekday", "time_of_day", "heat", "sleep")
DESIGNS = ("randomised", "alternating", "before_after")
METRICS = ("last_rep_fade_pct",)


class ScenarioFileError(ValueError):
    """A scenario file that cannot be used; the message names the file and the reason."""


def _refuse_aliases(text: str, where: str) -> None:
    """Anchors and aliases are not needed to describe a runner and allow alias bombs."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                line = token.start_mark.line + 1
                raise ScenarioFileError(
                    f"{where}: line {line}: YAML anchors and aliases are not allowed"
                )
    except yaml.YAMLError as exc:
        raise ScenarioFileError(f"{where}: not valid YAML: {exc}") from None


def _date(v: Any, where: str) -> date:
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        raise ScenarioFileError(f"{where}: {v!r} is not a date (YYYY-MM-DD)") from None


def _weekday(v: Any, where: str) -> int:
    w = str(v).lower()[:3]
    if w not in WEEKDAYS:
        raise ScenarioFileError(f"{where}: {v!r} is not a weekday (mon..sun)")
    return WEEKDAYS.index(w)


def _num(v: Any, where: str, lo: float, hi: float) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ScenarioFileError(f"{where}: {v!r} is not a number") from None
    if not lo <= x <= hi:
        raise ScenarioFileError(f"{where}: {x:g} is out of range {lo:g}..{hi:g}")
    return x


def _keys(d: Any, allowed: tuple[str, ...], where: str, required: tuple[str, ...] = ()) -> None:
    if not isinstance(d, dict):
        raise ScenarioFileError(f"{where}: expected a mapping")
    for k in d:
        if k not in allowed:
            raise ScenarioFileError(f"{where}: unknown key {k!r} (known: {', '.join(allowed)})")
    for k in required:
        if k not in d:
            raise ScenarioFileError(f"{where}: missing key {k!r}")


def _effect(e: Any, i: int, where: str) -> dict[str, Any]:
    here = f"{where}: effects[{i}]"
    if not isinstance(e, dict) or "kind" not in e:
        raise ScenarioFileError(f"{here}: expected a mapping with a 'kind'")
    kind = str(e["kind"])
    if kind not in EFFECT_KEYS:
        raise ScenarioFileError(f"{here}: unknown kind {kind!r} (known: {', '.join(EFFECT_KEYS)})")
    spec = EFFECT_KEYS[kind]
    _keys(e, spec["required"] + spec["optional"], here, spec["required"])
    out = dict(e)
    wt = str(e["workout_type"])
    if wt not in REP_TYPES:
        raise ScenarioFileError(
            f"{here}: workout_type {wt!r}: effects act on rep fade, use one of "
            f"{', '.join(REP_TYPES)}"
        )
    if "metric" in e and e["metric"] not in METRICS:
        raise ScenarioFileError(f"{here}: metric {e['metric']!r}: use one of {', '.join(METRICS)}")
    if kind == "nemesis":
        if e["cause"] not in NEMESIS_CAUSES:
            raise ScenarioFileError(
                f"{here}: cause {e['cause']!r}: use one of {', '.join(NEMESIS_CAUSES)}"
            )
        if e["cause"] == "none":
            out["failure_rate"] = _num(e.get("failure_rate"), f"{here}: failure_rate", 0, 1)
            out["seasonal"] = _num(e.get("seasonal", 0.0), f"{here}: seasonal", 0, 1)
        else:
            out["size"] = _num(e.get("size"), f"{here}: size", -20, 20)
    elif kind == "confounder":
        if e["cause"] not in CONFOUNDER_CAUSES:
            raise ScenarioFileError(
                f"{here}: cause {e['cause']!r}: use one of {', '.join(CONFOUNDER_CAUSES)}"
            )
        out["size"] = _num(e["size"], f"{here}: size", -20, 20)
        if e["cause"] == "weekday":
            out["weekday"] = _weekday(e.get("weekday", "fri"), f"{here}: weekday")
    else:
        if e["design"] not in DESIGNS:
            raise ScenarioFileError(
                f"{here}: design {e['design']!r}: use one of {', '.join(DESIGNS)}"
            )
        out["from"] = _date(e["from"], f"{here}: from")
        out["size"] = _num(e.get("size", 0.0), f"{here}: size", -20, 20)
        out["id"] = str(e["id"])
    return out


def parse_scenario(data: Any, where: str = "scenario") -> dict[str, Any]:
    """Check a scenario mapping; return it normalised (weekdays as 0..6, dates as dates)."""
    _keys(data, TOP_KEYS, where, ("name", "days"))
    out: dict[str, Any] = {
        "name": str(data["name"]),
        "description": str(data.get("description") or f"scenario file {data['name']}"),
        "years": _num(data.get("years", 1.0), f"{where}: years", 0.1, 10),
        "start": _date(data["start"], f"{where}: start") if data.get("start") else None,
    }
    prof = data.get("profile") or {}
    _keys(prof, PROFILE_KEYS, f"{where}: profile")
    out["profile"] = dict(prof)
    days = data["days"]
    if not isinstance(days, list) or not days:
        raise ScenarioFileError(f"{where}: days: give a list of weekdays, e.g. [tue, thu, sun]")
    out["days"] = sorted({_weekday(d, f"{where}: days") for d in days})
    ks = data.get("key_sessions") or {}
    if not isinstance(ks, dict):
        raise ScenarioFileError(f"{where}: key_sessions: expected weekday: workout type")
    key: dict[int, str] = {}
    for d, wt in ks.items():
        wd = _weekday(d, f"{where}: key_sessions")
        if wd not in out["days"]:
            raise ScenarioFileError(f"{where}: key_sessions: {d} is not one of the running days")
        if wt not in SESSION_TYPES:
            raise ScenarioFileError(
                f"{where}: key_sessions: {wt!r} is not a workout type ({', '.join(SESSION_TYPES)})"
            )
        key[wd] = str(wt)
    out["key_sessions"] = key
    breaks = []
    for i, b in enumerate(data.get("breaks") or []):
        _keys(b, ("from", "days"), f"{where}: breaks[{i}]", ("from", "days"))
        breaks.append((_date(b["from"], f"{where}: breaks[{i}]: from"),
                       int(_num(b["days"], f"{where}: breaks[{i}]: days", 1, 3650))))  # fmt: skip
    out["breaks"] = breaks
    effects = data.get("effects") or []
    if not isinstance(effects, list):
        raise ScenarioFileError(f"{where}: effects: expected a list")
    out["effects"] = [_effect(e, i, where) for i, e in enumerate(effects)]
    if sum(e["kind"] == "experiment" for e in out["effects"]) > 1:
        raise ScenarioFileError(f"{where}: effects: at most one experiment per scenario")
    return out


def load_scenario_file(path: Path) -> dict[str, Any]:
    """Read and check a scenario file (:class:`ScenarioFileError` naming file and reason)."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(f"{where}: cannot read: {exc}") from None
    _refuse_aliases(text, where)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioFileError(f"{where}: not valid YAML: {exc}") from None
    return parse_scenario(data, where)
