"""Knowing, cheaply, that another counter (or program) changed the database.

Every window keeps its queue and reminders current by itself: it waits on a :class:`ChangeFeed` in
a background thread and re-reads when told (gui/live.py). Two ways, one interface:

- **PostgreSQL**: the server's LISTEN/NOTIFY. Migration 0008's triggers send ``bbc_changes`` when a
  transaction that wrote events or tickets commits; a connection of the feed's own listens. Nothing
  is polled; a change shows within the debounce of the window.
- **SQLite**: ``PRAGMA data_version`` on a connection of the feed's own, which changes whenever
  another connection commits to the file. Reading it costs microseconds and touches no table, so
  it is polled a few times a second.

A feed is used from one thread. It also reports the window's own commits (they come through other
connections): the window's refresh is idempotent, so that costs only an extra read.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Protocol

from sqlalchemy.engine import URL

CHANNEL = "bbc_changes"
SQLITE_POLL_SECONDS = 0.25


class ChangeFeed(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True as soon as a change committed since the last call."""

    def close(self) -> None: ...


class SqliteFeed:
    def __init__(self, path: str) -> None:
        # check_same_thread=False: made by the window, then used only by the feed's thread.
        self._connection = sqlite3.connect(path, timeout=5, check_same_thread=False)
        self._seen = self._version()

    def _version(self) -> int:
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            current = self._version()
            if current != self._seen:
                self._seen = current
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(SQLITE_POLL_SECONDS, left))

    def close(self) -> None:
        self._connection.close()


class PostgresFeed:
    def __init__(self, url: URL) -> None:
        import psycopg

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
        self._connection.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> bool:
        # One notice at a time: a burst (one per committed transaction) wakes the window a few
        # times in a row, and its debounce timer makes them one refresh.
        return any(True for _notice in self._connection.notifies(timeout=timeout, stop_after=1))

    def close(self) -> None:
        self._connection.close()


def open_feed(url: URL) -> ChangeFeed:
    """A feed on the database of ``url`` (a SQLAlchemy URL); raises the driver's error when unreachable."""
    if url.get_backend_name() == "sqlite":
        return SqliteFeed(str(url.database))
    return PostgresFeed(url)
