"""Shared fixtures: every test gets a fresh real database and a clock it controls.

The database is a SQLite file, or — when ``BBC_TEST_PG`` names a PostgreSQL server (the maintenance
database's URL; ``tools/dev.sh test`` starts a throwaway cluster and sets it) — a new database on
that server, copied from a template migrated once per run and dropped after the test. Tests of what
only a SQLite file has (its backups, upgrading an old file) are marked ``sqlite_only``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

import pytest
from databases import PG_SERVER, create_test_db, drop_test_db
from sqlalchemy.engine import make_url

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
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))  # this PC's database choice


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def ctx(clock: FixedClock) -> Context:
    return Context(clock=clock, operator="王芳")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about what only a SQLite file has; skipped on PostgreSQL"
    )
    config.addinivalue_line("markers", "server_only: about a shared server database; skipped on SQLite")


def pytest_report_header() -> str:
    if PG_SERVER:
        return f"database: PostgreSQL ({make_url(PG_SERVER).render_as_string(hide_password=True)})"
    return "database: SQLite files"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    marker, reason = (
        ("sqlite_only", "只适用于 SQLite 数据库文件")
        if PG_SERVER
        else ("server_only", "只适用于数据库服务器")
    )
    for item in items:
        if marker in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def new_db_url(tmp_path) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """A factory of fresh, empty databases: a SQLite path in ``tmp_path``, or a server database.

    ``new_db_url("name")`` returns what ``open_database`` / ``--db`` / ``BBC_DB`` take. On PostgreSQL
    the database already has the schema (``empty=True``: not even that).
    """
    made: list[str] = []

    def make(name: str = "test", *, empty: bool = False) -> str:
        made.append(create_test_db(tmp_path, name, empty=empty))
        return made[-1]

    yield make
    for url in made:
        drop_test_db(url)


@pytest.fixture
def db(new_db_url) -> Database:  # type: ignore[no-untyped-def]
    database = open_database(new_db_url())
    yield database
    database.dispose()
