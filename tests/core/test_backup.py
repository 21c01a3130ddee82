"""Backups: a consistent copy made while the database is open, rotated by day and month."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from bbc_desktop.core import tickets as t
from bbc_desktop.core.backup import backup_folder, daily_backup, make_backup, rotate
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.settings import set_setting

pytestmark = pytest.mark.sqlite_only  # a server database is backed up with the server's own tools


def test_a_backup_is_a_whole_copy_made_while_open(db, ctx, tmp_path):
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="甲", name="张三", phone="13800000000"))
    target = make_backup(db, tmp_path / "b" / "copy.sqlite3")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT number FROM tickets").fetchall() == [("BBC-2026-0001",)]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert not list((tmp_path / "b").glob("*.part"))
    with pytest.raises(ValidationError, match="是一个文件夹"):
        make_backup(db, tmp_path)


def test_once_a_day_at_start_and_always_on_closing(db, tmp_path):
    folder = backup_folder(db, "")
    assert folder == tmp_path / "backups"  # beside the database file
    morning = datetime(2026, 11, 23, 8, 0)
    assert daily_backup(db, folder, morning) is not None
    assert daily_backup(db, folder, morning + timedelta(hours=2)) is None  # already one today
    assert daily_backup(db, folder, morning + timedelta(hours=9), force=True) is not None  # closing
    # One a day is kept: the newest (the rotation keeps 14 days and 12 months).
    assert [p.name for p in folder.glob("bbc-20261123-*.sqlite3")] == ["bbc-20261123-170000.sqlite3"]


def test_rotation_keeps_14_days_and_12_months_and_only_touches_its_own(tmp_path):
    start = datetime(2025, 1, 1, 9, 0)
    for offset in range(0, 700, 1):  # a backup every day for almost two years
        (tmp_path / f"bbc-{start + timedelta(days=offset):%Y%m%d-%H%M%S}.sqlite3").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("the administrator's own file")
    rotate(tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("bbc-*.sqlite3"))
    newest = start + timedelta(days=699)
    days = {(newest - timedelta(days=n)).strftime("%Y%m%d") for n in range(14)}
    assert days <= {name[4:12] for name in kept}
    assert len({name[4:10] for name in kept}) == 12  # one per month, the last twelve months
    assert len(kept) <= 14 + 12
    assert (tmp_path / "notes.txt").exists()


def test_the_backup_folder_setting_is_checked(db, tmp_path):
    with db.session() as s:
        set_setting(s, "backup_folder", str(tmp_path / "新建" / "备份"))
        assert (tmp_path / "新建" / "备份").is_dir()
        blocker = tmp_path / "文件"
        blocker.write_text("x")
        with pytest.raises(ValidationError, match="无法使用"):
            set_setting(s, "backup_folder", str(blocker / "子目录"))
