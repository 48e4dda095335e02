"""Read and write the athlete's settings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from deliberun.athlete import AthleteSettings
from deliberun.store.tables_athlete import AthleteSettingsRow


def get_settings(session: Session) -> AthleteSettings:
    row = session.get(AthleteSettingsRow, 1)
    return AthleteSettings.from_dict(row.data if row else None)


def set_settings(session: Session, settings: AthleteSettings) -> None:
    row = session.get(AthleteSettingsRow, 1)
    if row is None:
        session.add(AthleteSettingsRow(id=1, data=settings.to_dict()))
    else:
        row.data = settings.to_dict()
