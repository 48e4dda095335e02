"""Read and write the athlete's settings and the history of threshold estimates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberun.athlete import AthleteSettings
from deliberun.records import EstimateRecord
from deliberun.store.tables_athlete import AthleteSettingsRow, ThresholdEstimateRow

#: Key of the athlete area's model choices inside the settings JSON.
MODELS_KEY = "_models"


def settings_row(session: Session) -> AthleteSettingsRow | None:
    """The current athlete's settings row (the session's scope picks it), or None."""
    return session.scalars(select(AthleteSettingsRow)).first()


def get_settings(session: Session) -> AthleteSettings:
    row = settings_row(session)
    return AthleteSettings.from_dict(row.data if row else None)


def set_settings(session: Session, settings: AthleteSettings) -> None:
    """Store the settings; keeps the model choices stored beside them."""
    row = settings_row(session)
    data = settings.to_dict()
    if row is None:
        session.add(AthleteSettingsRow(data=data))
    else:
        for key, value in (row.data or {}).items():  # _models, _strava ... stay
            if key.startswith("_"):
                data[key] = value
        row.data = data


def get_model_settings(session: Session) -> dict[str, Any]:
    """The athlete area's model choices ({} when none were set)."""
    row = settings_row(session)
    return dict((row.data or {}).get(MODELS_KEY) or {}) if row else {}


def set_model_settings(session: Session, models: dict[str, Any]) -> None:
    """Replace the athlete area's model choices."""
    row = settings_row(session)
    if row is None:
        data = AthleteSettings().to_dict()
        data[MODELS_KEY] = dict(models)
        session.add(AthleteSettingsRow(data=data))
    else:
        data = dict(row.data or {})
        data[MODELS_KEY] = dict(models)
        row.data = data


def _estimate(r: ThresholdEstimateRow) -> EstimateRecord:
    return EstimateRecord(
        int(r.id), r.key, r.value, r.evidence_date, r.computed_on, list(r.activity_ids or []),
        r.method,
    )  # fmt: skip


def latest_estimates(session: Session) -> dict[str, EstimateRecord]:
    """The most recent stored estimate of each threshold key."""
    rows = session.scalars(
        select(ThresholdEstimateRow).order_by(
            ThresholdEstimateRow.computed_on, ThresholdEstimateRow.id
        )
    )
    out: dict[str, ThresholdEstimateRow] = {}
    for r in rows:
        out[r.key] = r
    return {k: _estimate(r) for k, r in out.items()}


def estimates_in_use(session: Session) -> dict[str, float]:
    """``{key: value}`` of the latest stored estimate of each threshold (the values the
    metrics use for every threshold the runner did not set)."""
    return {k: float(r.value) for k, r in latest_estimates(session).items()}


def estimate_history(session: Session, key: str | None = None) -> list[EstimateRecord]:
    """Every stored estimate (of one key, or all), oldest first."""
    q = select(ThresholdEstimateRow)
    if key is not None:
        q = q.where(ThresholdEstimateRow.key == key)
    rows = session.scalars(q.order_by(ThresholdEstimateRow.computed_on, ThresholdEstimateRow.id))
    return [_estimate(r) for r in rows]


def add_estimate(
    session: Session,
    key: str,
    value: float,
    evidence_date: date,
    computed_on: date,
    activity_ids: list[Any],
    method: str,
) -> None:
    """Append one estimate to the history."""
    row = ThresholdEstimateRow(
        key=key,
        value=float(value),
        evidence_date=evidence_date,
        computed_on=computed_on,
        activity_ids=list(activity_ids),
        method=method,
    )
    session.add(row)
