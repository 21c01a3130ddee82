"""The SQLite full-text index of tickets (migration 0003): deferring it during bulk writes.

A trigger indexes each new ticket as it is inserted. For a bulk writer (the demo generator) that
per-row work costs more than indexing all new tickets in one statement at the end, so the trigger
is set aside for the duration of the bulk write, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, func, select

from bbc_desktop.db.models import SEARCH_TABLE, Ticket

_COLUMNS = "rowid, number, name, company, phone, content"
_INSERT_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS ticket_search_insert AFTER INSERT ON tickets BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({_COLUMNS}) "
    "SELECT NEW.id, NEW.number, r.name, r.company, r.phone, NEW.content FROM reporters r WHERE r.id = NEW.reporter_id; "
    "END"
)
_FILL_AFTER = (
    f"INSERT INTO {SEARCH_TABLE}({_COLUMNS}) "
    "SELECT t.id, t.number, r.name, r.company, r.phone, t.content "
    "FROM tickets t JOIN reporters r ON r.id = t.reporter_id WHERE t.id > ?"
)


def _has_index(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'ticket_search_insert'"
    ).first()
    return found is not None


@contextmanager
def deferred_search_index(conn: Connection) -> Iterator[None]:
    """Within one transaction on ``conn``: insert many tickets, then index the new ones at once."""
    if not _has_index(conn):
        yield
        return
    mark = conn.scalar(select(func.coalesce(func.max(Ticket.id), 0)))
    conn.exec_driver_sql("DROP TRIGGER ticket_search_insert")
    try:
        yield
        conn.exec_driver_sql(_FILL_AFTER, (mark,))
    finally:
        # Also on failure: the rollback that follows undoes the drop and this together.
        conn.exec_driver_sql(_INSERT_TRIGGER)
