"""The only layer that knows SQL: SQLAlchemy 2 tables, Alembic migrations, repositories."""
