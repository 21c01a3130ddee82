"""GUI tests: remembered window layout goes to a per-test folder, never the user's real settings;
a message box is recorded instead of waiting for a click that never comes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path, qapp):  # type: ignore[no-untyped-def]
    qapp.setOrganizationName("bbc-desktop-tests")
    qapp.setApplicationName("bbc-desktop-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield


@pytest.fixture
def messages(monkeypatch):  # type: ignore[no-untyped-def]
    """The texts of the message boxes shown; questions are answered with Yes."""
    shown: list[str] = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda _parent, _title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    return shown


@pytest.fixture
def window(qtbot, clock, monkeypatch):  # type: ignore[no-untyped-def]
    """A main window on nothing yet (``test_main_window.attach`` opens ``db`` in it), on the tests' clock."""
    from bbc_desktop.gui.main_window import MainWindow
    from bbc_desktop.gui.worker import wait_for_workers

    monkeypatch.setenv("BBC_NOW", clock.now().isoformat())  # the window's own clock, as the fixtures'
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.stop_background()
    wait_for_workers()
