"""SQLite transactions as the program needs them, whatever the driver does by itself."""

from __future__ import annotations

from sqlalchemy import Connection

__all__ = ["ensure_begun"]


def ensure_begun(conn: Connection) -> None:
    """Open the SQLite transaction now if the driver has not yet.

    pysqlite opens one only before INSERT, UPDATE or DELETE. DDL before that is committed on the
    spot, and a SAVEPOINT before that *is* the transaction, so releasing it commits — a nested
    transaction (``Session.begin_nested``) would then commit the caller's work early.
    """
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:  # type: ignore[attr-defined]
        conn.exec_driver_sql("BEGIN")
