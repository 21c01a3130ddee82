"""Shared fixtures: every test gets a fresh real SQLite file and a clock it controls."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.db.session import Database, open_database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Monday 2026-11-23, 09:30: a plain working week (the 2026 calendar is covered by chinese-calendar).
NOW = datetime(2026, 11, 23, 9, 30)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No test may touch the user's real database or depend on who runs it."""
    monkeypatch.delenv("BBC_DB", raising=False)
    monkeypatch.delenv("BBC_NOW", raising=False)
    monkeypatch.setenv("BBC_OPERATOR", "测试员")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def ctx(clock: FixedClock) -> Context:
    return Context(clock=clock, operator="王芳")


@pytest.fixture
def db(tmp_path) -> Database:  # type: ignore[no-untyped-def]
    database = open_database(tmp_path / "test.sqlite3")
    yield database
    database.dispose()
