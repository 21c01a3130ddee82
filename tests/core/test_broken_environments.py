"""Broken environments: each gives a clear Chinese message, and nothing is half-saved or lost.

(A server that goes away: tests/gui/test_database.py; a damaged file: the same file; the same
environments in the window: tests/gui/test_environments.py; no printer: tests/gui/test_printing.py;
a corrupt import file: tests/gui/test_import_wizard.py, tests/gui/test_admin.py and the fuzzing.)
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from environments import read_only
from sqlalchemy import event, func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.errors import DatabaseUnavailable, ValidationError
from bbc_desktop.db import session as session_module
from bbc_desktop.db.models import Event, Ticket
from bbc_desktop.db.session import open_database
from bbc_desktop.printing.documents import slips_pdf
from bbc_desktop.printing.fonts import FALLBACK_FACES, TEXT_FACE, TITLE_FACE, fonts_dir

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


def _folded(db) -> None:  # type: ignore[no-untyped-def]
    """Close the connections, so that the file alone is the database (no WAL beside it)."""
    db.dispose()
    path = Path(str(db.url.database))
    assert not path.with_name(path.name + "-wal").exists()


@pytest.mark.sqlite_only
def test_a_read_only_database_file(tmp_path, ctx):
    path = tmp_path / "counter.sqlite3"
    db = open_database(path)
    with db.session() as s:
        t.register(s, ctx, INTAKE)
    before = _counts(db)
    _folded(db)
    with read_only(path):
        db = open_database(path)  # it can still be read, e.g. to copy its data elsewhere
        assert db.read_only()
        assert _counts(db) == before
        with pytest.raises(DatabaseUnavailable) as refused, db.session() as s:
            t.register(s, ctx, INTAKE)
        message = refused.value.message
        assert "不允许写入" in message and str(path) in message and message.endswith("本次操作未保存")
        assert "稍后重试" not in message  # waiting does not help: someone has to give the right back
        assert _counts(db) == before
        db.dispose()
    db = open_database(path)
    assert not db.read_only()
    with db.session() as s:
        assert t.register(s, ctx, INTAKE).number == "BBC-2026-0002"  # no number was used up
    db.dispose()


@pytest.mark.sqlite_only
def test_a_read_only_folder(tmp_path, ctx):
    folder = tmp_path / "共享"
    folder.mkdir()
    db = open_database(folder / "counter.sqlite3")
    with db.session() as s:
        t.register(s, ctx, INTAKE)
    _folded(db)
    with read_only(folder):
        # SQLite writes its WAL beside the file: in a folder it may not write, the file cannot be used.
        with pytest.raises(DatabaseUnavailable) as refused:
            open_database(folder / "counter.sqlite3")
        assert "不允许写入" in refused.value.message or "无法打开或写入" in refused.value.message
        assert str(folder) in refused.value.message
    assert sorted(p.name for p in folder.iterdir()) == ["counter.sqlite3"]


@pytest.mark.sqlite_only
def test_the_command_line_leaves_the_file_whole(tmp_path):
    """After ``bbc`` the .sqlite3 file alone holds everything (copied to a stick, it is complete)."""
    path = tmp_path / "counter.sqlite3"
    intake = [
        "intake",
        "--name",
        "孙八",
        "--phone",
        "13512345678",
        "--content",
        "企业开办窗口要求重复提交材料",
        "--grade",
        "blue",
    ]
    command = [sys.executable, "-m", "bbc_desktop.cli", "--db", str(path), *intake]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("counter")) == ["counter.sqlite3"]
    alone = tmp_path / "copy.sqlite3"
    shutil.copyfile(path, alone)  # the file without anything beside it
    with sqlite3.connect(alone) as copy:
        [(number,)] = copy.execute("SELECT number FROM tickets").fetchall()
    assert number in done.stdout


def _fonts(tmp_path: Path, broken: str | None, how: str) -> Path:
    """A copy of the bundled fonts folder (links) in which ``broken`` is missing or cut off."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in (TEXT_FACE, TITLE_FACE, *FALLBACK_FACES):
        if name != broken:
            (folder / name).symlink_to(fonts_dir() / name)
        elif how == "damaged":  # an interrupted copy: the first 100 kB of the file
            (folder / name).write_bytes((fonts_dir() / name).read_bytes()[:100_000])
    return folder


@pytest.mark.parametrize(
    ("broken", "how", "said"),
    [
        (TEXT_FACE, "missing", "不存在"),
        (TEXT_FACE, "damaged", "已损坏"),
        (TITLE_FACE, "damaged", "已损坏"),
        ("HanaMinA.ttf", "missing", "无法读取或已损坏"),  # a fallback, read only for a rare character
    ],
)
def test_a_missing_or_damaged_font_file(tmp_path, db, ctx, monkeypatch, broken, how, said):
    with db.session() as s:
        number = t.register(
            s, ctx, t.Intake(content="名字里有生僻字", name="王䶮", phone="13512345678")
        ).number
    before = _counts(db)
    monkeypatch.setenv("BBC_FONTS", str(_fonts(tmp_path, broken, how)))
    with db.session() as s, pytest.raises(ValidationError) as refused:
        slips_pdf(s, [number], ctx.clock.today())
    message = refused.value.message
    assert f"程序自带的字体文件“{broken}”{said}" in message and "重新安装" in message
    assert _counts(db) == before  # the ticket is untouched; the slip can be printed once it is mended
    monkeypatch.delenv("BBC_FONTS")
    with db.session() as s:
        assert slips_pdf(s, [number], ctx.clock.today()).pdf.startswith(b"%PDF")


def test_a_year_the_calendar_does_not_know_on_a_wrong_pc_clock(db, ctx, clock):
    """The PC's clock set years back (a dead CMOS battery): intake goes on, the deadline is marked
    provisional (weekends and fixed holidays only) rather than refused or wrong without a word."""
    clock.set(datetime(2003, 6, 2, 9, 30))
    with db.session() as s:
        ticket = t.register(
            s,
            ctx,
            t.Intake(
                content="企业开办窗口要求重复提交材料", name="孙八", phone="13512345678", grade="yellow"
            ),
        )
    assert ticket.number == "BBC-2003-0001"
    assert ticket.due_provisional is True and ticket.due_date == datetime(2003, 6, 9).date()
