"""The athlete's settings: model choices and their defaults, validation, ``athlete set``.

Reads and writes the stored settings (``deliberun.store.settings_repo``);
re-exported by ``deliberun.services.athlete``.
"""

from __future__ import annotations

import math
import zoneinfo
from dataclasses import fields
from typing import Any

from deliberun.athlete import AthleteSettings
from deliberun.metrics.grade import GAP_MODELS
from deliberun.metrics.heart import HR_ZONE_MODELS
from deliberun.metrics.load import LOAD_MODELS
from deliberun.models import load as ld
from deliberun.models import race_input
from deliberun.store import settings_repo
from deliberun.store.db import Database
from deliberun.units import METRES_PER_UNIT

#: The athlete area's own model choices (stored beside the settings), with defaults.
MODEL_DEFAULTS: dict[str, Any] = {
    "banister_fit_taus": False,  # False: tau1/tau2 fixed at the values below
    "banister_tau1_days": 42.0,
    "banister_tau2_days": 7.0,
    "prediction_window_days": 180,  # efforts older than this do not feed predictions
    "threshold_window_days": 365,
    "form_floor": -10.0,  # "the most load today that keeps form above X"
}

CHOICES: dict[str, tuple[str, ...]] = {
    "sex": ("male", "female"),
    # the registries of the areas that implement each choice
    "hr_zone_model": tuple(HR_ZONE_MODELS),
    "gap_model": tuple(GAP_MODELS),
    "load_model": tuple(LOAD_MODELS),
    "load_weighting": tuple(ld.LOAD_WEIGHTINGS),
    "form_convention": tuple(ld.FORM_CONVENTIONS),
    "units": tuple(METRES_PER_UNIT),
}

RANGES: dict[str, tuple[float, float]] = {
    "birth_year": (1900, 2100),
    "hr_max_bpm": (100, 240),
    "hr_rest_bpm": (25, 120),
    "threshold_hr_bpm": (80, 230),
    "threshold_pace_s_per_km": (120, 900),
    "fitness_days": (2, 400),
    "fatigue_days": (1, 100),
    "banister_tau1_days": (5, 200),
    "banister_tau2_days": (1, 60),
    "prediction_window_days": (14, 3650),
    "threshold_window_days": (14, 3650),
    "form_floor": (-300, 300),
}

THRESHOLD_KEYS = ("hr_max_bpm", "hr_rest_bpm", "threshold_hr_bpm", "threshold_pace_s_per_km")


def model_settings(db: Database) -> dict[str, Any]:
    with db.session() as s:
        stored = settings_repo.get_model_settings(s)
    return {**MODEL_DEFAULTS, **{k: v for k, v in stored.items() if k in MODEL_DEFAULTS}}


def settable_keys() -> list[str]:
    names = [f.name for f in fields(AthleteSettings)]
    return names + list(MODEL_DEFAULTS)


def _coerce(key: str, text: str) -> Any:
    raw = text.strip()
    if raw.lower() in ("none", "auto", "unset", "null", ""):
        if key in MODEL_DEFAULTS:
            return MODEL_DEFAULTS[key]
        default = getattr(AthleteSettings(), key)
        if default is not None and key not in THRESHOLD_KEYS and key != "birth_year":
            raise ValueError(f"{key} cannot be unset; give one of its values")
        return None
    if key in CHOICES:
        if raw.lower() not in CHOICES[key]:
            raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}, got {raw!r}")
        return raw.lower()
    if key == "timezone":
        try:
            zoneinfo.ZoneInfo(raw)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {raw!r}; use an IANA name such as Europe/Berlin"
            ) from None
        return raw
    if key == "banister_fit_taus":
        if raw.lower() in ("true", "yes", "1", "on", "fit"):
            return True
        if raw.lower() in ("false", "no", "0", "off", "fixed"):
            return False
        raise ValueError(f"{key} must be true or false, got {raw!r}")
    if key == "threshold_pace_s_per_km" and ":" in raw:
        value = race_input.parse_duration(raw)
    else:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{key} must be a number, got {raw!r}") from None
    lo, hi = RANGES.get(key, (-math.inf, math.inf))
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{key} must be between {lo:g} and {hi:g}, got {raw}")
    if key in (
        "birth_year",
        "fitness_days",
        "fatigue_days",
        "prediction_window_days",
        "threshold_window_days",
    ):
        if not float(value).is_integer():
            raise ValueError(f"{key} must be a whole number, got {raw}")
        return int(value)
    return value


def set_value(db: Database, key: str, text: str) -> dict[str, Any]:
    """Set one setting (``athlete set KEY VALUE``); ``none``/``auto`` clears an override.

    Returns ``{"key", "value", "previous"}``. Raises ``ValueError`` naming the problem.
    """
    if key not in settable_keys():
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(settable_keys())}")
    value = _coerce(key, text)
    with db.session() as s, s.begin():
        if key in MODEL_DEFAULTS:
            models = settings_repo.get_model_settings(s)
            previous = models.get(key, MODEL_DEFAULTS[key])
            models[key] = value
            settings_repo.set_model_settings(s, models)
        else:
            st = settings_repo.get_settings(s)
            previous = getattr(st, key)
            setattr(st, key, value)
            ld.validate_load_settings(
                st.fitness_days, st.fatigue_days, st.load_weighting, st.form_convention
            )
            settings_repo.set_settings(s, st)
    return {"key": key, "value": value, "previous": previous}
