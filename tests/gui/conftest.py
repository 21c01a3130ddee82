"""GUI tests: remembered window layout goes to a per-test folder, never the user's real settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path, qapp):  # type: ignore[no-untyped-def]
    qapp.setOrganizationName("bbc-desktop-tests")
    qapp.setApplicationName("bbc-desktop-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield
