"""Search index for one and two characters: every character a token (FTS5 ``ticket_search_chars``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Only on SQLite. The trigram index of 0003 cannot answer queries shorter than three characters,
which then scanned every ticket (a quarter of a second at 100 000 tickets). The triggers call the
SQL function ``bbc_chars`` that every connection of the program registers (db/session.py).
"""

from collections.abc import Sequence

from alembic import op

from bbc_desktop.db.models import CHARS_TABLE
from bbc_desktop.db.search import fill, insert_trigger, update_trigger

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"CREATE VIRTUAL TABLE {CHARS_TABLE} USING fts5(number, name, company, phone, content, "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(fill(CHARS_TABLE))
    op.execute(insert_trigger(CHARS_TABLE))
    op.execute(update_trigger(CHARS_TABLE))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {CHARS_TABLE}_update")
    op.execute(f"DROP TRIGGER IF EXISTS {CHARS_TABLE}_insert")
    op.execute(f"DROP TABLE IF EXISTS {CHARS_TABLE}")
