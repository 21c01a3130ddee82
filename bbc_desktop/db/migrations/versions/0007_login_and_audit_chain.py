"""Login accounts (lockout, forced password change) and the audit hash chain of the events.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25

Every event gets its place in the chain and its hash (core/audit.py); the history written before
this revision is sealed here, in id order, so that ``bbc check`` can verify all of it from now on.
Columns are only added (no table is rebuilt).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("accounts", sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.add_column(
        "accounts",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("events", sa.Column("chain_no", sa.Integer(), nullable=True))
    op.add_column("events", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_index("ix_events_chain_no", "events", ["chain_no"], unique=True)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain_no", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    from bbc_desktop.core.audit import seal

    seal(op.get_bind())


def downgrade() -> None:
    op.drop_table("audit_head")
    op.drop_index("ix_events_chain_no", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("hash")
        batch.drop_column("chain_no")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
