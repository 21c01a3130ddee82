"""Regenerate the screenshots under docs/: the real main window on demo data, rendered offscreen.

.venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BBC_OPERATOR", "王芳")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from bbc_desktop.gui.app import make_app, start
from bbc_desktop.gui.main_window import MainWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"


def wait(app: QApplication, condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get ready in time")
        app.processEvents()
        time.sleep(0.02)
    for _ in range(30):  # let layouts settle around the new contents before grabbing
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    app = make_app()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never reuse the user's remembered layout
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "/tmp/bbc-screenshot-settings")
    window = MainWindow()
    window.resize(1600, 960)
    window.show()
    start(window, None, demo=True)
    wait(app, lambda: window.queue is not None and window.queue.model.rowCount() > 0)
    window.queue.view.selectRow(0)
    wait(app, lambda: window.detail is not None and window.detail.ticket_id is not None)
    target = DOCS / "screenshot-main.png"
    window.grab().save(str(target))
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
