"""Alembic environment: runs on the connection handed in by ``deliberun.store.db.upgrade``."""

from __future__ import annotations

from alembic import context

from deliberun.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via deliberun.store.db.upgrade
    raise RuntimeError("run migrations through deliberun.store.db.upgrade(engine)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
