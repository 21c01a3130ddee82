"""The unit's side of the loop: acknowledgement, send-backs and extensions, urges, the explanation
library.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

Tickets gain when and how the lead unit acknowledged the slip (签收), the request still awaiting
the window's ruling (``pending``: send_back / extension) and the 知识库 entry an explanation came
from. ``unit_requests`` keeps every 退单 and 延期申请 with its ruling, ``urges`` every 催办,
``explanations`` the library. Columns are only added to ``tickets`` (no table rebuild: its search
triggers and queue index stay as they are).

Slips handed out before this version were signed for without a record: where tickets exist, the
setting ``ack_recorded_since`` (now) keeps the queue from calling all of them "not acknowledged".
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("acknowledged_at", sa.DateTime(), nullable=True))
    op.add_column(
        "tickets", sa.Column("acknowledged_by", sa.String(length=64), nullable=False, server_default="")
    )
    op.add_column("tickets", sa.Column("acknowledged_how", sa.String(length=10), nullable=True))
    op.add_column("tickets", sa.Column("pending", sa.String(length=12), nullable=True))
    op.add_column("tickets", sa.Column("explanation_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_tickets_pending"), "tickets", ["pending"])
    op.create_index(op.f("ix_tickets_explanation_id"), "tickets", ["explanation_id"])

    op.create_table(
        "unit_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("grounds", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("due_before", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=12), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("due_after", sa.Date(), nullable=True),
        sa.Column("new_unit_id", sa.Integer(), nullable=True),
        sa.Column("notified_how", sa.String(length=10), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["accounts.id"], name=op.f("fk_unit_requests_decided_by_id_accounts")
        ),
        sa.ForeignKeyConstraint(["new_unit_id"], ["units.id"], name=op.f("fk_unit_requests_new_unit_id_units")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_unit_requests_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_requests_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_requests")),
    )
    op.create_index(op.f("ix_unit_requests_ticket_id"), "unit_requests", ["ticket_id"])
    op.create_index(op.f("ix_unit_requests_unit_id"), "unit_requests", ["unit_id"])

    op.create_table(
        "urges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("copied_to", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_urges_account_id_accounts")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_urges_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_urges_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urges")),
    )
    op.create_index(op.f("ix_urges_ticket_id"), "urges", ["ticket_id"])
    op.create_index(op.f("ix_urges_unit_id"), "urges", ["unit_id"])

    op.create_table(
        "explanations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("citation", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanations")),
        sa.UniqueConstraint("title", name=op.f("uq_explanations_title")),
    )
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM tickets")).scalar():
        bind.execute(
            sa.text("INSERT INTO settings (key, value) VALUES ('ack_recorded_since', :now)"),
            {"now": datetime.now().replace(microsecond=0).isoformat()},
        )


def downgrade() -> None:
    op.execute("DELETE FROM settings WHERE key = 'ack_recorded_since'")
    op.drop_table("explanations")
    op.drop_table("urges")
    op.drop_table("unit_requests")
    op.drop_index(op.f("ix_tickets_explanation_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_pending"), table_name="tickets")
    for column in ("explanation_id", "pending", "acknowledged_how", "acknowledged_by", "acknowledged_at"):
        op.drop_column("tickets", column)
