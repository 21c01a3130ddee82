"""Backups of the SQLite file: SQLite's online backup API, into the backup folder, rotated.

The window makes one at its first start of a day and one when it closes; ``bbc backup -o FILE``
makes one by hand. Files are named ``bbc-YYYYMMDD-HHMMSS.sqlite3``; rotation keeps the newest of
each of the last 14 days and the newest of each of the last 12 months, and never touches a file it
did not name. Backups are not recorded in the ticket data (an export before and after a backup is
the same). A server database (PostgreSQL) is backed up with the server's own tools (README).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.db.session import Database

__all__ = [
    "DAILY",
    "MONTHLY",
    "backup_folder",
    "check_backup",
    "check_folder",
    "daily_backup",
    "make_backup",
    "restore",
    "rotate",
]

DAILY = 14
MONTHLY = 12
_NAME = re.compile(r"^bbc-(\d{8})-(\d{6})\.sqlite3$")


def _sqlite_path(db: Database) -> Path:
    if db.url.get_backend_name() != "sqlite" or not db.url.database:
        raise ValidationError("服务器数据库（PostgreSQL）请用服务器自带的工具备份，见使用说明")
    return Path(db.url.database)


def check_folder(value: str) -> str:
    """A backup folder the program can write to (created if missing); empty: beside the database."""
    text = value.strip()
    if not text:
        return ""
    folder = Path(text).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".bbc-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ValidationError(f"备份文件夹“{text}”无法使用：{exc.strerror or exc}") from None
    return str(folder)


def backup_folder(db: Database, setting: str) -> Path:
    """The ``backup_folder`` setting, else ``backups`` beside the database file."""
    return Path(setting).expanduser() if setting.strip() else _sqlite_path(db).parent / "backups"


def make_backup(db: Database, target: Path) -> Path:
    """A consistent copy of the live database, made while others keep working (online backup API)."""
    source_path = _sqlite_path(db)
    target = Path(target)
    if target.exists() and target.is_dir():
        raise ValidationError(f"“{target}”是一个文件夹，请给出备份文件名")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)
        check = sqlite3.connect(partial)
        try:
            ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            check.close()
        if not ok:
            partial.unlink(missing_ok=True)
            raise ValidationError("备份文件校验未通过，未保存；请检查磁盘后重试")
        partial.replace(target)  # a backup is either whole or absent
    except OSError as exc:
        raise ValidationError(f"无法写入备份“{target}”：{exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise ValidationError(f"备份未完成：{exc}") from None
    return target


def daily_backup(db: Database, folder: Path, now: datetime, *, force: bool = False) -> Path | None:
    """At the first start of a day (or ``force``: on closing), a backup named by the time; then rotate."""
    today = now.strftime("%Y%m%d")
    folder.mkdir(parents=True, exist_ok=True)
    if not force and any(m and m.group(1) == today for m in (_NAME.match(p.name) for p in folder.iterdir())):
        return None
    made = make_backup(db, folder / f"bbc-{now:%Y%m%d-%H%M%S}.sqlite3")
    rotate(folder)
    return made


def rotate(folder: Path, daily: int = DAILY, monthly: int = MONTHLY) -> list[Path]:
    """Keep the newest backup of each of the last ``daily`` days and ``monthly`` months; returns the removed."""
    ours = sorted(
        ((m.group(1) + m.group(2), p) for p in folder.iterdir() if (m := _NAME.match(p.name))), reverse=True
    )
    keep: set[Path] = set()
    days: list[str] = []
    months: list[str] = []
    for stamp, path in ours:  # newest first: the first seen of a day or month is its newest
        day, month = stamp[:8], stamp[:6]
        if day not in days and len(days) < daily:
            days.append(day)
            keep.add(path)
        if month not in months and len(months) < monthly:
            months.append(month)
            keep.add(path)
    removed = []
    for _stamp, path in ours:
        if path not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def check_backup(path: Path) -> int:
    """A file that can stand in for the database: SQLite, whole (quick_check), with tickets; their count."""
    if not path.is_file():
        raise ValidationError(f"找不到备份文件“{path}”")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise ValidationError(f"备份文件“{path.name}”已损坏（完整性检查未通过），未恢复")
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not {"tickets", "events", "alembic_version"} <= tables:
                raise ValidationError(f"“{path.name}”不是本程序的数据库备份，未恢复")
            return int(connection.execute("SELECT count(*) FROM tickets").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise ValidationError(f"“{path.name}”不是有效的数据库文件，未恢复") from None


def restore(db: Database, source: Path, folder: Path, now: datetime) -> tuple[Path, int]:
    """Replace the database's contents with ``source``, after checking it and backing up what is there.

    Returns the backup of the replaced database and the tickets restored. The copy goes through the
    backup API into the live file, so its journal stays consistent; the caller opens it again after
    (an older backup is upgraded by the migrations then).
    """
    count = check_backup(source)
    # Named apart from the daily ones, so the rotation never removes it, and never the source itself.
    kept = folder / f"恢复前-{now:%Y%m%d-%H%M%S}.sqlite3"
    n = 1
    while kept.exists() or kept.resolve() == source.resolve():
        n += 1
        kept = folder / f"恢复前-{now:%Y%m%d-%H%M%S}-{n}.sqlite3"
    make_backup(db, kept)
    target = _sqlite_path(db)
    db.dispose()
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as live:
            src.backup(live)
    except sqlite3.Error as exc:
        raise ValidationError(f"恢复未完成：{exc}；原数据库已备份为“{kept}”") from None
    return kept, count


def integrity_problem(path: Path) -> str | None:
    """None when the SQLite file at ``path`` is whole (PRAGMA quick_check), else what is wrong.

    A file that does not exist yet is whole: it is about to be created.
    """
    if not path.exists():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)
        try:
            found = [row[0] for row in connection.execute("PRAGMA quick_check")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if found == ["ok"] else "；".join(found[:3])


def backup_folder_of_file(path: Path) -> Path:
    """The backup folder of a database file that may not open: its setting if it can be read, else beside it."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM settings WHERE key = 'backup_folder'").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        row = None
    setting = row[0] if row and isinstance(row[0], str) else ""
    return Path(setting).expanduser() if setting.strip() else path.parent / "backups"


def latest_good_backup(folder: Path) -> tuple[Path, int] | None:
    """The newest backup in ``folder`` that passes :func:`check_backup`, with its ticket count."""
    if not folder.is_dir():
        return None
    candidates = sorted(
        (p for p in folder.glob("*.sqlite3") if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for candidate in candidates:
        try:
            return candidate, check_backup(candidate)
        except ValidationError:
            continue
    return None


def restore_damaged(path: Path, source: Path, folder: Path, now: datetime) -> tuple[Path, int]:
    """Put the backup ``source`` in place of a database file that no longer opens.

    The damaged file (with its WAL) is kept, as it is, as ``损坏-….sqlite3`` in ``folder`` — someone may
    still recover something from it — then the backup is copied into a new file that replaces it.
    """
    count = check_backup(source)
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"损坏-{now:%Y%m%d-%H%M%S}.sqlite3"
    try:
        shutil.copy2(path, kept)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                if suffix == "-wal":
                    shutil.copy2(side, kept.with_name(kept.name + suffix))
                side.unlink()
        partial = path.with_name(path.name + ".restoring")
        src, copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(partial)
        try:
            src.backup(copy)
        finally:
            copy.close()
            src.close()
        partial.replace(path)
    except (OSError, sqlite3.Error) as exc:
        raise ValidationError(f"恢复未完成：{exc}；损坏的数据库已另存为“{kept}”") from None
    return kept, count
