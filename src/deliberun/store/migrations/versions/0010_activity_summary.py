"""metrics gain the values the dashboard pages read as columns of their own.

Every page that shows the athlete's load (Today, Fitness, Targets, Experiments) read
the load of every activity out of its 11 kB metrics document by JSON path (~80 ms of
JSON parsing for 3,111 runs on SQLite, which parses the whole document for each value),
the practice sessions read decoupling, efficiency and cadence the same way, and the race
verdicts, efforts and thresholds read best efforts, mean-maximal speeds, reps and every
km split (most of the document) for the year or two they rest on. These are now
columns of the ``metrics`` row: the load of each model, ``hr_best_30s_bpm``,
``decoupling_pct``, ``efficiency_factor``, ``cadence_avg_spm``, and ``athlete_facts``
(about 1 kB of JSON: best efforts, mean-maximal speeds, intervals, best 30 s HR and the
paces of the whole-km splits instead of the splits). They are written with the document
by its one write path (``repository.save_metrics``), so they cannot disagree with it.
Existing rows are filled from their documents here (a loop in Python, portable to
PostgreSQL: 3,111 documents in about 4 s).

Revision ID: 0010_activity_summary
Revises: 0009_race_mark
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010_activity_summary"
down_revision = "0009_race_mark"
branch_labels = None
depends_on = None

#: the load models of ``deliberun.metrics.load.LOAD_MODELS`` at this revision (frozen
#: here: a migration must not change when the code does)
LOAD_MODELS = ("trimp_banister", "trimp_edwards", "rtss", "session_rpe")
COLUMNS = (
    *(f"load_{m}" for m in LOAD_MODELS),
    "hr_best_30s_bpm",
    "decoupling_pct",
    "efficiency_factor",
    "cadence_avg_spm",
)
#: entries of the document copied into ``athlete_facts``; the whole-km split paces go
#: in as ``km_paces_s_per_km`` (splits of at least 990 m, finite positive paces)
FACT_KEYS = ("best_efforts_s", "mean_max_speed", "intervals", "hr_best_30s_bpm")
BATCH = 500


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def columns_of(data: Any) -> dict[str, Any]:
    """The column values of one metrics document (as ``repository.metric_columns``)."""
    data = data if isinstance(data, dict) else {}
    load = data.get("load")
    load = load if isinstance(load, dict) else {}
    out: dict[str, Any] = {f"load_{m}": _float(load.get(m)) for m in LOAD_MODELS}
    out["hr_best_30s_bpm"] = _float(data.get("hr_best_30s_bpm"))
    out["decoupling_pct"] = _float(data.get("decoupling_pct"))
    out["efficiency_factor"] = _float(data.get("efficiency_factor"))
    cadence = data.get("cadence")
    out["cadence_avg_spm"] = _float(cadence.get("avg_spm") if isinstance(cadence, dict) else None)
    facts = {k: data[k] for k in FACT_KEYS if data.get(k) is not None}
    if data.get("splits_km") is not None:
        facts["km_paces_s_per_km"] = _km_paces(data["splits_km"])
    out["athlete_facts"] = facts
    return out


def _km_paces(splits: Any) -> list[float]:
    out = []
    for s in splits if isinstance(splits, list) else []:
        if not isinstance(s, dict) or (_num(s.get("distance_m")) or 0.0) < 990.0:
            continue
        pace = _num(s.get("pace_s_per_km"))
        if pace is not None and pace > 0:
            out.append(pace)
    return out


def _num(value: Any) -> float | None:
    """A finite float, else None (``bool`` counts as a number here, as ``float()`` does)."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def upgrade() -> None:
    with op.batch_alter_table("metrics") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Float(), nullable=True))
        batch.add_column(sa.Column("athlete_facts", sa.JSON(), nullable=True))
    metrics = sa.table(
        "metrics",
        sa.column("activity_id", sa.Integer()),
        sa.column("data", sa.JSON()),
        *(sa.column(name, sa.Float()) for name in COLUMNS),
        sa.column("athlete_facts", sa.JSON()),
    )
    names = (*COLUMNS, "athlete_facts")
    conn = op.get_bind()
    ids = list(conn.execute(sa.select(metrics.c.activity_id)).scalars())
    update = (
        sa.update(metrics)
        .where(metrics.c.activity_id == sa.bindparam("id_"))
        .values({name: sa.bindparam(f"v_{name}") for name in names})
    )
    for i in range(0, len(ids), BATCH):  # documents of one batch in memory at a time
        chunk = ids[i : i + BATCH]
        rows = conn.execute(
            sa.select(metrics.c.activity_id, metrics.c.data).where(metrics.c.activity_id.in_(chunk))
        )
        values = [
            {"id_": id_, **{f"v_{k}": v for k, v in columns_of(data).items()}} for id_, data in rows
        ]
        if values:
            conn.execute(update, values)


def downgrade() -> None:
    with op.batch_alter_table("metrics") as batch:
        for name in (*COLUMNS, "athlete_facts"):
            batch.drop_column(name)
