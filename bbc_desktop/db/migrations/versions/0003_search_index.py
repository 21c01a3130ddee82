"""Search index: an SQLite FTS5 trigram table over number, reporter and content, kept by triggers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Only on SQLite; other backends search with LIKE (pg_trgm comes with the PostgreSQL issue).
Tickets' number, content and reporter never change after intake, but the update trigger keeps the
index right should they ever be corrected.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FILL = (
    "INSERT INTO ticket_search(rowid, number, name, company, phone, content) "
    "SELECT t.id, t.number, r.name, r.company, r.phone, t.content FROM tickets t JOIN reporters r ON r.id = t.reporter_id"
)

_ROW_OF_NEW = (
    "INSERT INTO ticket_search(rowid, number, name, company, phone, content) "
    "SELECT NEW.id, NEW.number, r.name, r.company, r.phone, NEW.content FROM reporters r WHERE r.id = NEW.reporter_id"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE ticket_search USING fts5(number, name, company, phone, content, tokenize='trigram')"
    )
    op.execute(_FILL)
    op.execute(
        "CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets BEGIN "
        f"{_ROW_OF_NEW}; "
        "END"
    )
    op.execute(
        "CREATE TRIGGER ticket_search_update AFTER UPDATE OF number, content, reporter_id ON tickets BEGIN "
        "DELETE FROM ticket_search WHERE rowid = OLD.id; "
        f"{_ROW_OF_NEW}; "
        "END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS ticket_search_update")
    op.execute("DROP TRIGGER IF EXISTS ticket_search_insert")
    op.execute("DROP TABLE IF EXISTS ticket_search")
