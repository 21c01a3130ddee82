"""Several counters: attachments kept in a server database; PostgreSQL tells the other counters of
every change, and lists undated tickets first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25

Several counters share a server database. Every change the program makes writes an event (a
ticket's step, a login, a setting, a unit, holidays), so a statement trigger on ``events`` — and
one on ``tickets`` for writers other than this program — sends ``NOTIFY bbc_changes`` at commit
(one per transaction: identical notices of a transaction are delivered once);
each window LISTENs and refreshes its queue (db/changes.py). A SQLite file needs nothing: its
``PRAGMA data_version`` already says when another connection committed.

``attachment_files`` holds the bytes of attached files by content hash where the database is a
server (a folder of one PC cannot be shared by the counters); on a SQLite file it stays empty.

Text search on the server goes through trigram indexes (pg_trgm, a "trusted" extension that the
database's owner may create since PostgreSQL 13): a search of three or more characters reads the
index instead of every ticket (6 ms instead of 63 ms on 100 000). Where the extension cannot be
created the search still works, by scanning.

The queue index of 0005 is rebuilt on PostgreSQL with the due date NULLS FIRST, the order the queue
asks for there (SQLite sorts NULL first by itself).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAG = "status NOT IN ('dispatched', 'escalated', 'registered')"
CHANNEL = "bbc_changes"
TRIGRAM_COLUMNS = (
    ("tickets", "number"),
    ("tickets", "content"),
    ("reporters", "name"),
    ("reporters", "company"),
    ("reporters", "phone"),
)


def upgrade() -> None:
    op.create_table(
        "attachment_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_files")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION bbc_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    for table in ("events", "tickets"):
        op.execute(
            f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bbc_notify_change()"
        )
    op.execute("DROP INDEX IF EXISTS ix_tickets_queue")
    op.execute(f"CREATE INDEX ix_tickets_queue ON tickets (({FLAG}), due_date NULLS FIRST, id, status)")
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return  # not installed on the server, or not permitted: searches scan instead
    for table, column in TRIGRAM_COLUMNS:
        op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    op.drop_table("attachment_files")
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in TRIGRAM_COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
    for table in ("events", "tickets"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute("DROP FUNCTION IF EXISTS bbc_notify_change()")
    op.execute("DROP INDEX IF EXISTS ix_tickets_queue")
    op.execute(f"CREATE INDEX ix_tickets_queue ON tickets (({FLAG}), due_date, id, status)")
