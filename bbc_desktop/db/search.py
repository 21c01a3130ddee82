"""The SQLite full-text indexes of tickets (migrations 0003 and 0004).

Two FTS5 tables cover number, reporter name, company, phone and content:

- ``ticket_search`` (trigram tokenizer) answers queries of three or more characters;
- ``ticket_search_chars`` holds every character as a token of its own, so that one or two
  characters — a surname, 执照, 13 — are found through the index as a phrase instead of a scan of
  every ticket. Its text is made by :func:`char_tokens`, registered on every SQLite connection as
  the SQL function ``bbc_chars`` that the triggers call; a program other than bbc that inserts
  tickets into the file must register it too.

Triggers index each new ticket as it is inserted. For a bulk writer (the demo generator) that
per-row work costs more than indexing all new tickets in one statement at the end, so the triggers
are set aside for the duration of the bulk write, inside the same transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, func, select

from bbc_desktop.db.models import CHARS_TABLE, SEARCH_TABLE, Ticket
from bbc_desktop.db.transactions import ensure_begun

# Stands for any character that is not a letter or digit (punctuation, spaces), so that two
# characters either side of one are not adjacent. A token of two letters never comes from splitting
# text into single characters, so it matches nothing a query asks for.
_GAP = "qq"
_TOKEN_CATEGORIES = ("L", "N")

_COLUMNS = "rowid, number, name, company, phone, content"
_ROW_OF_NEW = {
    SEARCH_TABLE: "NEW.id, NEW.number, r.name, r.company, r.phone, NEW.content",
    CHARS_TABLE: "NEW.id, bbc_chars(NEW.number), bbc_chars(r.name), bbc_chars(r.company), "
    "bbc_chars(r.phone), bbc_chars(NEW.content)",
}
_ROW_OF_TICKET = {
    SEARCH_TABLE: "t.id, t.number, r.name, r.company, r.phone, t.content",
    CHARS_TABLE: "t.id, bbc_chars(t.number), bbc_chars(r.name), bbc_chars(r.company), "
    "bbc_chars(r.phone), bbc_chars(t.content)",
}


def char_tokens(text: str | None) -> str | None:
    """``text`` as single-character tokens separated by spaces (the SQL function ``bbc_chars``)."""
    if text is None:
        return None
    return " ".join(_token(c) for c in text)


def _token(char: str) -> str:
    category = unicodedata.category(char)
    if category[0] in _TOKEN_CATEGORIES or category == "Co":
        return char
    return _GAP


def char_phrase(needle: str) -> str | None:
    """An FTS5 phrase query for ``needle`` against ``ticket_search_chars``.

    None when ``needle`` holds a character that is not a letter or digit: the index stores all of
    those as one token, so it could not tell "-" from "%".
    """
    if any(_token(c) == _GAP for c in needle):
        return None
    return '"' + " ".join(needle) + '"'


def insert_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_insert AFTER INSERT ON tickets BEGIN "
        f"INSERT INTO {table}({_COLUMNS}) SELECT {_ROW_OF_NEW[table]} "
        "FROM reporters r WHERE r.id = NEW.reporter_id; "
        "END"
    )


def update_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_update AFTER UPDATE OF number, content, reporter_id ON tickets "
        f"BEGIN DELETE FROM {table} WHERE rowid = OLD.id; "
        f"INSERT INTO {table}({_COLUMNS}) SELECT {_ROW_OF_NEW[table]} "
        "FROM reporters r WHERE r.id = NEW.reporter_id; "
        "END"
    )


def fill(table: str, after_id: int = 0) -> str:
    """SQL that indexes every ticket with an id above ``after_id`` (a bound parameter)."""
    return (
        f"INSERT INTO {table}({_COLUMNS}) SELECT {_ROW_OF_TICKET[table]} "
        f"FROM tickets t JOIN reporters r ON r.id = t.reporter_id WHERE t.id > {int(after_id)}"
    )


ANALYZE = "ANALYZE tickets, reporters, assignments, events"


def _indexed_tables(conn: Connection) -> list[str]:
    if conn.dialect.name != "sqlite":
        return []
    rows = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_insert'"
    )
    names = {row[0] for row in rows}
    return [table for table in (SEARCH_TABLE, CHARS_TABLE) if f"{table}_insert" in names]


@contextmanager
def deferred_search_index(conn: Connection) -> Iterator[None]:
    """Within one transaction on ``conn``: insert many tickets, then index the new ones at once."""
    tables = _indexed_tables(conn)
    if not tables:
        yield
        if conn.dialect.name == "postgresql":
            # The server plans queries from table statistics; right after thousands of rows arrived
            # they are stale until autovacuum comes by (the queue's id query took 0.5 s instead of
            # 25 ms on 100 000 fresh demo tickets). ANALYZE runs inside the transaction.
            conn.exec_driver_sql(ANALYZE)
        return
    # Without a transaction already open, the DROP TRIGGER below would be committed at once and a
    # rollback (the import's preview, a failed bulk write) would leave the index without its
    # insert triggers for good.
    ensure_begun(conn)
    mark = conn.scalar(select(func.coalesce(func.max(Ticket.id), 0)))
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER {table}_insert")
    try:
        yield
        for table in tables:
            conn.exec_driver_sql(fill(table, mark))
    finally:
        # Also on failure: the rollback that follows undoes the drop and this together.
        for table in tables:
            conn.exec_driver_sql(insert_trigger(table))
