"""metrics gain the scalar values the dashboard pages read as real columns.

Every page that shows the athlete's load (Today, Fitness, Targets, Experiments) read
the load of every activity out of its metrics document by JSON path (~80 ms of JSON
parsing for 3,111 runs on SQLite), and the race verdicts read the best 30 s heart rate
the same way. The values are now columns of the ``metrics`` row, written with the
document by its one write path (``repository.save_metrics``), so they cannot disagree
with it. Existing rows are filled from their documents here (a loop in Python: portable
to PostgreSQL; ~1 s for 3,111 documents of 11 kB).

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
COLUMNS = (*(f"load_{m}" for m in LOAD_MODELS), "hr_best_30s_bpm")
BATCH = 500


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def columns_of(data: Any) -> dict[str, float | None]:
    """The column values of one metrics document (as ``repository.metric_columns``)."""
    data = data if isinstance(data, dict) else {}
    load = data.get("load")
    load = load if isinstance(load, dict) else {}
    out = {f"load_{m}": _float(load.get(m)) for m in LOAD_MODELS}
    out["hr_best_30s_bpm"] = _float(data.get("hr_best_30s_bpm"))
    return out


def upgrade() -> None:
    with op.batch_alter_table("metrics") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Float(), nullable=True))
    metrics = sa.table(
        "metrics",
        sa.column("activity_id", sa.Integer()),
        sa.column("data", sa.JSON()),
        *(sa.column(name, sa.Float()) for name in COLUMNS),
    )
    conn = op.get_bind()
    ids = list(conn.execute(sa.select(metrics.c.activity_id)).scalars())
    update = (
        sa.update(metrics)
        .where(metrics.c.activity_id == sa.bindparam("id_"))
        .values({name: sa.bindparam(f"v_{name}") for name in COLUMNS})
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
        for name in COLUMNS:
            batch.drop_column(name)
