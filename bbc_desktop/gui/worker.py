"""Running database work off the GUI thread and getting the answer back on it.

``run_async(fn, on_done, on_error)`` runs ``fn()`` in Qt's thread pool; ``on_done(result)`` or
``on_error(message)`` is then called on the GUI thread. Errors the core raises arrive as their
Chinese message; anything unexpected as a short Chinese line, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from bbc_desktop.core.errors import BbcError

log = logging.getLogger(__name__)
_running: set[_Job] = set()  # keeps each job's signals alive until they have been delivered


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except BbcError as exc:
            self.signals.failed.emit(exc.message)
        except Exception as exc:
            log.exception("background work failed")
            self.signals.failed.emit(f"程序内部错误（{type(exc).__name__}）：{exc}")
        else:
            self.signals.done.emit(result)


def run_async(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None],
) -> None:
    job = _Job(fn)

    def finish() -> None:
        _running.discard(job)

    job.signals.done.connect(on_done)
    job.signals.failed.connect(on_error)
    job.signals.done.connect(finish)
    job.signals.failed.connect(finish)
    _running.add(job)
    QThreadPool.globalInstance().start(job)


def wait_for_workers(timeout_ms: int = 10_000) -> bool:
    """For tests and shutdown: wait until background work has finished."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
