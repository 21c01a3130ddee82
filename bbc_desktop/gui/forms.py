"""Loading the Qt Designer forms of ``forms/`` at run time.

Forms are loaded at run time (QUiLoader), not compiled: a layout edited in Designer shows at the
next start with no build step, and a test loads every form and checks the widgets the code uses.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

# A refusal or a fault, in red, wherever the window says one (dialogs, the status bar).
ERROR_STYLE = "color: #b91c1c; font-weight: bold;"


def forms_dir() -> Path:
    """``forms/`` beside the package (source tree, editable install) or where the installer put it."""
    override = os.environ.get("BBC_FORMS")
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "forms", here.parents[1] / "forms"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("找不到界面文件目录 forms/，程序安装不完整")


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """Build the widget tree of ``forms/<name>.ui``; children are found with ``findChild``."""
    path = forms_dir() / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"找不到界面文件 {path}")
    try:
        loader = QUiLoader()
        widget = loader.load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"界面文件 {path} 无法加载：{loader.errorString()}")
    return widget
