"""Broken environments: each gives a clear Chinese message, and nothing is half-saved or lost.

(A server that goes away: tests/gui/test_database.py; a damaged file: the same file; a calendar year
chinese-calendar does not know: tests/core/test_calendar.py, deadlines marked provisional.)
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.errors import DatabaseUnavailable
from bbc_desktop.db import session as session_module
from bbc_desktop.db.models import Event, Ticket
from bbc_desktop.db.session import open_database

INTAKE = t.Intake(content="企业开办窗口要求重复提交材料", name="孙八", phone="13512345678")


def _counts(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Ticket)), s.scalar(
            select(func.count()).select_from(Event)
        )


@pytest.mark.sqlite_only
def test_a_file_locked_by_another_program(tmp_path, ctx, monkeypatch):
    monkeypatch.setattr(session_module, "SQLITE_BUSY_SECONDS", 0.5)  # instead of waiting 15 s
    db = open_database(tmp_path / "counter.sqlite3")
    other = sqlite3.connect(tmp_path / "counter.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # e.g. a copy tool or a second program holding the file
    try:
        with pytest.raises(DatabaseUnavailable) as refused, db.session() as s:
            t.register(s, ctx, INTAKE)
        assert "正被其他程序占用" in refused.value.message and "本次操作未保存" in refused.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _counts(db) == (0, 0)
    with db.session() as s:
        assert t.register(s, ctx, INTAKE).number == "BBC-2026-0001"  # no number was used up
    db.dispose()


@pytest.mark.sqlite_only
def test_a_full_disk(tmp_path, ctx):
    db = open_database(tmp_path / "counter.sqlite3")
    with db.session() as s:
        t.register(s, ctx, INTAKE)
    before = _counts(db)

    @event.listens_for(db.engine, "connect")
    def _no_more_room(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # SQLite's own limit stands in for the disk: the file may not grow by a single page.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    db.engine.dispose()  # new connections, with the limit
    with pytest.raises(DatabaseUnavailable) as refused, db.session() as s:
        t.register(s, ctx, t.Intake(content="很长的反映内容" * 2500, name="孙八", phone="13512345678"))
    assert "磁盘空间已满" in refused.value.message and "本次操作未保存" in refused.value.message
    event.remove(db.engine, "connect", _no_more_room)
    db.engine.dispose()
    assert _counts(db) == before  # nothing half-saved
    with db.session() as s:
        assert t.register(s, ctx, INTAKE).number == "BBC-2026-0002"
    db.dispose()
