"""Alembic environment: always run from ``bbc_desktop.db.session.migrate`` with a live connection."""

from alembic import context

from bbc_desktop.db.models import Base, include_object

connection = context.config.attributes["connection"]


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
