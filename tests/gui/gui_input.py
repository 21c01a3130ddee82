"""Typing into real widgets the way an operator's keyboard and input method do (shared by the GUI tests)."""

from __future__ import annotations

import re

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """ASCII on the keyboard, Chinese committed by the input method.

    QTest's key clicks cover Latin-1 only (and abort the process on CJK in this Qt); an input
    method hands over whole words, 𠮷 included, exactly as below.
    """
    widget.setFocus()
    for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def when_modal(kinds: type | tuple[type, ...], fill, problems: list[str]) -> None:  # type: ignore[no-untyped-def]
    """When the next modal dialog of ``kinds`` shows, ``fill`` it like a person would.

    A dialog's ``exec()`` runs its own event loop, so the test cannot act after the call that opens
    it: this waits for it in the event loop. A failure inside ``fill`` is put in ``problems`` and
    the dialog rejected, never left open behind a failed test.
    """
    from PySide6.QtCore import QTimer

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kinds):
            QTimer.singleShot(20, attempt)
            return
        try:
            fill(dialog)
        except Exception as exc:
            problems.append(repr(exc))
            dialog.reject()

    QTimer.singleShot(0, attempt)
