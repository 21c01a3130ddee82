"""The Qt binding the project installs must survive a long session at the counter."""

from __future__ import annotations

import os
import subprocess
import sys


def test_many_void_qt_calls_do_not_crash_the_interpreter():
    # PySide6 6.12.0 on Python 3.11 released a reference to None on every void call and aborted the
    # program (none_dealloc) after a few thousand: pyproject.toml pins below it. This guards the pin.
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication, QLabel\n"
        "app = QApplication([])\n"
        "label = QLabel('x')\n"
        "before = sys.getrefcount(None)\n"
        "for _ in range(30000):\n"
        "    app.processEvents(); label.update()\n"
        "sys.exit(0 if sys.getrefcount(None) >= before - 100 else 3)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-500:]
