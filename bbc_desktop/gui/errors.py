"""The program's log, and what the operator sees when something unexpected fails.

Everything the program logs goes to ``bbc-desktop.log`` in the user's data folder, rotated (5 files of
2 MB), so an administrator can send it with a question. An unhandled error in the window — a bug —
is written there with its traceback and shown as a dialog that says what happened and where the log
is, instead of the window vanishing; the operator can go on working (what was saved is saved, what was
typed is still in the window).
"""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("bbc_desktop")
_state: dict[str, object] = {}


def log_file() -> Path:
    from bbc_desktop.db.session import data_folder

    return data_folder() / "bbc-desktop.log"


def setup_logging() -> Path | None:
    """Log INFO and above of the program to the rotating file; None when the folder is not writable."""
    if "handler" in _state:
        return log_file()
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2 * 1024 * 1024, backupCount=4, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    _state["handler"] = handler
    return path


def report_unhandled(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook of the window: log the traceback, tell the operator, keep the program running."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    log.error("unhandled error\n%s", "".join(traceback.format_exception(kind, error, tb)))
    where = log_file()
    message = (
        f"程序遇到一个未预料的错误（{kind.__name__}：{error}）。\n\n"
        "已保存的内容不受影响；尚未保存的录入内容仍在窗口中，请检查后再保存。"
        "如果再次出现，请把日志文件交给管理员：\n"
        f"{where}"
    )
    if QApplication.instance() is None or _state.get("showing"):
        print(message, file=sys.stderr)
        return
    _state["showing"] = True  # one box at a time, even if the box's own event loop hits the error again
    try:
        QMessageBox.critical(QApplication.activeWindow(), "程序错误", message)
    finally:
        _state["showing"] = False


def install() -> None:
    setup_logging()
    sys.excepthook = report_unhandled
