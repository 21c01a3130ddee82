"""Tickets imported from a hand-kept ledger, and the archive of issued reports.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

An imported ticket may have no grade (``grade = 'unknown'``), hence no due date, and takes no
sequence number of its year: ``due_date`` and ``seq`` become nullable. ``import_key`` (unique) is
the fingerprint of the ledger row it came from, so that importing the same ledger twice adds
nothing. ``issued_reports`` keeps every issued 整改情况报告 unchanged.

On SQLite a column cannot lose NOT NULL in place: the tickets table is rebuilt (batch mode). The
rebuild drops the search triggers and the queue index, which are made again afterwards; foreign
keys are switched off around the rebuild by ``db.session.migrate``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bbc_desktop.db.models import CHARS_TABLE, SEARCH_TABLE
from bbc_desktop.db.search import insert_trigger, update_trigger

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_INDEX = (
    "CREATE INDEX ix_tickets_queue ON tickets "
    "((status NOT IN ('dispatched', 'escalated', 'registered')), due_date, id, status)"
)


def _search_tables() -> list[str]:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return []
    names = {row[0] for row in bind.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [table for table in (SEARCH_TABLE, CHARS_TABLE) if table in names]


def _rebuild_tickets(alter) -> None:  # type: ignore[no-untyped-def]
    tables = _search_tables()
    for table in tables:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_insert")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_update")
    op.execute("DROP INDEX IF EXISTS ix_tickets_queue")
    with op.batch_alter_table("tickets", recreate="auto") as batch:
        alter(batch)
    op.execute(QUEUE_INDEX)
    for table in tables:
        op.execute(insert_trigger(table))
        op.execute(update_trigger(table))


def upgrade() -> None:
    def alter(batch) -> None:  # type: ignore[no-untyped-def]
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("due_date", existing_type=sa.Date(), nullable=True)
        batch.add_column(sa.Column("import_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("import_source", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("received_by_name", sa.String(length=64), nullable=False, server_default=""))
        batch.create_unique_constraint("uq_tickets_import_key", ["import_key"])

    _rebuild_tickets(alter)
    op.create_table(
        "issued_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["accounts.id"], name=op.f("fk_issued_reports_issued_by_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_reports")),
        sa.UniqueConstraint("start", "end", "version", name="uq_issued_reports_version"),
    )


def downgrade() -> None:
    op.drop_table("issued_reports")

    def alter(batch) -> None:  # type: ignore[no-untyped-def]
        batch.drop_constraint("uq_tickets_import_key", type_="unique")
        batch.drop_column("received_by_name")
        batch.drop_column("import_source")
        batch.drop_column("import_key")
        batch.alter_column("due_date", existing_type=sa.Date(), nullable=False)
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)

    _rebuild_tickets(alter)
