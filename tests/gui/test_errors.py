"""An unexpected error in the window: logged with its traceback, shown as a dialog naming the log."""

from __future__ import annotations

import logging
import sys

from bbc_desktop.gui import errors


def test_an_unhandled_error_is_logged_and_shown_and_the_program_goes_on(
    qtbot, messages, monkeypatch, tmp_path
):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(errors, "_state", {})  # a log of this test's own
    path = errors.setup_logging()
    assert path is not None and path.parent == tmp_path / "xdg-data" / "bbc-desktop"
    errors.install()
    try:
        raise ZeroDivisionError("除数为零")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    assert len(messages) == 1
    assert "ZeroDivisionError：除数为零" in messages[0] and str(path) in messages[0]
    assert "尚未保存的录入内容仍在窗口中" in messages[0]
    for handler in logging.getLogger("bbc_desktop").handlers:
        handler.flush()
    logged = path.read_text("utf-8")
    assert "unhandled error" in logged and "Traceback" in logged and "test_errors.py" in logged
    handler = errors._state["handler"]
    logging.getLogger("bbc_desktop").removeHandler(handler)  # type: ignore[arg-type]
    handler.close()  # type: ignore[attr-defined]


def test_a_qt_slot_that_raises_reaches_the_dialog(qtbot, messages, monkeypatch):
    """Qt calls sys.excepthook for an exception escaping a slot: the same dialog, no abort."""
    from PySide6.QtCore import QTimer

    monkeypatch.setattr(sys, "excepthook", errors.report_unhandled)

    def broken() -> None:
        raise RuntimeError("按钮背后的错误")

    QTimer.singleShot(0, broken)
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert "RuntimeError：按钮背后的错误" in messages[0]
