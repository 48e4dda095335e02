"""Migration 0013_accounts and the accounts store on SQLite and PostgreSQL (issue 16)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from deliberun.services import accounts
from deliberun.services.athletes import add_athlete, remove_athlete
from deliberun.store import accounts_repo as repo
from deliberun.store.db import Database, migrate
from deliberun.store.tables import metadata

NOW = datetime(2026, 3, 2, 6, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
MINE = {"users", "coach_athletes", "coach_notes"}


def test_the_migration_matches_the_tables_and_goes_down_and_up(store_url: str) -> None:
    db = Database(store_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in diff if any(t in repr(d) for t in MINE)] == []
    migrate(db.engine, "downgrade", "0011_athletes")
    assert not MINE & set(inspect(db.engine).get_table_names())
    migrate(db.engine, "upgrade", "head")
    assert MINE <= set(inspect(db.engine).get_table_names())


def test_roles_are_enforced_by_the_database_and_go_with_the_athlete(store_url: str) -> None:
    db = Database(store_url)
    add_athlete(db, "ann", now=NOW)
    accounts.add_user(db, "annu", PASSWORD, role="athlete", athlete="ann", now=NOW)
    accounts.add_user(db, "carla", PASSWORD, role="coach", coaches=["ann", "me"], now=NOW)
    with db.for_athlete("ann").session() as s, s.begin():
        repo.add_note(s, day=date(2026, 3, 1), activity_id=None, author_id=None,
                      author="carla", text="rest", now=NOW)  # fmt: skip
    for bad in (  # a coach with an athlete, an athlete without one, an unknown role
        "INSERT INTO users (name, password_hash, role, athlete_id, created_at) "
        "VALUES ('c2', 'x', 'coach', 1, '2026-01-01')",
        "INSERT INTO users (name, password_hash, role, athlete_id, created_at) "
        "VALUES ('a2', 'x', 'athlete', NULL, '2026-01-01')",
        "INSERT INTO users (name, password_hash, role, athlete_id, created_at) "
        "VALUES ('r2', 'x', 'admin', NULL, '2026-01-01')",
    ):
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(bad))
    # the notes are ann's rows: another athlete's session does not see them
    with db.for_athlete("me").session() as s:
        assert repo.notes(s) == []
    with db.for_athlete("ann").session() as s:
        assert [n.text for n in repo.notes(s)] == ["rest"]
    remove_athlete(db, "ann", backup_to=None)
    rows = {r["name"]: r for r in accounts.list_users(db)}
    assert "annu" not in rows and rows["carla"]["coaches"] == ["me"]
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM coach_notes")).scalar() == 0
