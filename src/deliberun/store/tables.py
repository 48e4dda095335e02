"""All tables, gathered from the per-area modules so Alembic sees one metadata.

Each area owns one module and one migration (the chain is fixed):

| module              | migration                       | area |
|---------------------|---------------------------------|------|
| tables_core.py      | 0001_core (files, activities, streams, metrics), 0006_manual_activities | import, metrics |
| tables_core.py      | 0009_race_mark (the runner's race mark, a column)  | races |
| tables_core.py      | 0010_activity_summary (load and best 30 s HR as metrics columns) | pages |
| tables_athlete.py   | 0002_athlete (settings, threshold history)      | athlete models |
| tables_plan.py      | 0003_plan (plans, planned workouts)              | plans |
| tables_practice.py  | 0004_practice (journal, cycles, targets, experiments) | practice loop |
| tables_practice.py  | 0007_experiment_plan (experiments' plan and arms)     | practice loop |
| tables_practice.py  | 0014_experiment_after (before/after: sessions planned after the change) | practice loop |
| tables_courses.py   | 0008_courses (courses, run track profiles, segments) | courses |
| tables_verdicts.py  | 0012_stored_verdicts (each run's race verdict and session type, with the key of their inputs) | pages |
| tables_verdicts.py  | 0016_stored_sessions (each run's practice session as built, with the key of its inputs) | pages |
| tables_verdicts.py  | 0017_stored_zones (the VDOT and pace bands of the session days, with the data version they rest on) | pages |
| tables_athletes.py  | 0011_athletes (athletes; ``athlete_id`` on every runner's table, ``base.Owned``) | whose data |
| tables_group.py     | 0015_data_versions (each athlete's data version; stored group lines with their key) | coach mode |
| tables_accounts.py  | 0013_accounts (logins of ``serve --multi``, coach → athletes, coach notes) | coach mode |
"""

from __future__ import annotations

from deliberun.store import (  # noqa: F401
    tables_accounts,
    tables_athlete,
    tables_athletes,
    tables_core,
    tables_courses,
    tables_group,
    tables_plan,
    tables_practice,
    tables_verdicts,
)
from deliberun.store.base import Base

metadata = Base.metadata
