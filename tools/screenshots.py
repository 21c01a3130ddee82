"""Regenerate the screenshots under docs/: the real window on demo data, rendered offscreen.

QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BBC_OPERATOR", "演示管理员")

from PySide6.QtWidgets import QApplication

from bbc_desktop.gui.app import StatusWindow, load_translations, open_into

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> int:
    app = QApplication(sys.argv[:1])
    load_translations(app)
    window = StatusWindow()
    window.show()
    open_into(window, None, demo=True)
    deadline = time.monotonic() + 60
    while "工单共" not in window.summary.text() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(20):  # let the layout settle around the new texts before grabbing
        app.processEvents()
    target = DOCS / "screenshot-main.png"
    window.grab().save(str(target))
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
