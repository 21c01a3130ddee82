"""Storage: SQLAlchemy models, opening a database (SQLite file or server URL), Alembic migrations."""
