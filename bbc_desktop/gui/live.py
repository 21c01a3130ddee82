"""Live queues: the window hears of other counters' changes and refreshes by itself.

A thread waits on the database's change feed (db/changes.py: LISTEN/NOTIFY on PostgreSQL, SQLite's
data_version) and emits ``changed``; the window gathers a burst of them into one refresh. When the
server cannot be reached the thread says so once (``connection_changed``), tries again every few
seconds, and on success reports a change, since notices may have been missed meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from PySide6.QtCore import QObject, Signal

from bbc_desktop.db.session import Database

log = logging.getLogger(__name__)

WAIT_SECONDS = 1.0  # how long one wait blocks: the longest a stop() waits for the thread
RETRY_SECONDS = 5.0
LOST = "与数据库的连接中断，正在重新连接……（未保存的录入内容仍在窗口中）"


class LiveUpdates(QObject):
    changed = Signal()
    connection_changed = Signal(bool, str)  # (connected, message for the status bar)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._url = db.url
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bbc-live-updates", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(WAIT_SECONDS + 1)

    def _emit(self, signal_name: str, *args: object) -> bool:
        if self._stop.is_set():
            return False
        try:
            getattr(self, signal_name).emit(*args)
        except RuntimeError:  # the window is gone
            self._stop.set()
            return False
        return True

    def _run(self) -> None:
        from bbc_desktop.db.changes import open_feed

        feed = None
        lost = False
        while not self._stop.is_set():
            try:
                if feed is None:
                    feed = open_feed(self._url)
                    if lost:
                        lost = False
                        self._emit("connection_changed", True, "已重新连接数据库")
                        self._emit("changed")
                if feed.wait(WAIT_SECONDS):
                    self._emit("changed")
            except Exception as exc:  # the server went away, the network dropped, the file vanished
                log.warning("change feed: %s", exc)
                if feed is not None:
                    with contextlib.suppress(Exception):
                        feed.close()
                    feed = None
                if not lost:
                    lost = True
                    self._emit("connection_changed", False, LOST)
                self._stop.wait(RETRY_SECONDS)
        if feed is not None:
            with contextlib.suppress(Exception):
                feed.close()
