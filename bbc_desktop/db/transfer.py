"""Moving a whole database to another one: this PC's SQLite file onto the hall's server.

Every table is copied row for row with its ids, so the history, the audit chain (its hashes cover
the ids), login accounts, issued reports and number sequences arrive exactly as they were; attached
files move from the folder beside the SQLite file into the server's ``attachment_files``. The target
must not hold work yet (no tickets, no login accounts); what a first start seeded there (units,
settings) is replaced by the source's. One transaction: a failure leaves the target as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, text

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.db.models import Account, Attachment, AttachmentFile, Base, Ticket
from bbc_desktop.db.search import ANALYZE
from bbc_desktop.db.session import Database, open_database

BATCH = 2000


@dataclass(frozen=True)
class Transfer:
    target: str  # as shown, without a password
    rows: dict[str, int]
    attachments: int

    @property
    def tickets(self) -> int:
        return self.rows.get("tickets", 0)


def _refuse_unless_fresh(connection: Connection, where: str) -> None:
    tickets = connection.scalar(select(func.count()).select_from(Ticket))
    logins = connection.scalar(
        select(func.count()).select_from(Account).where(Account.password_hash.is_not(None))
    )
    if tickets or logins:
        raise ValidationError(
            f"目标数据库“{where}”中已有工单 {tickets} 件、登录账号 {logins} 个，不能覆盖；"
            "请使用新建的空数据库"
        )


def copy_database(
    source: Database, target: str, progress: Callable[[str, int], None] | None = None
) -> Transfer:
    """Copy everything in ``source`` into the database ``target`` (created/upgraded to this version)."""
    destination = open_database(target, seed=False)
    where = destination.describe()
    if destination.url == source.url:
        destination.dispose()
        raise ValidationError("目标数据库就是当前数据库")
    rows: dict[str, int] = {}
    moved = 0
    try:
        with source.engine.connect() as src, destination.engine.begin() as dst:
            _refuse_unless_fresh(dst, where)
            tables = Base.metadata.sorted_tables
            for table in reversed(tables):  # whatever a first start seeded there
                dst.execute(delete(table))
            for table in tables:
                count = 0
                result = src.execution_options(yield_per=BATCH).execute(select(table))
                for chunk in result.mappings().partitions(BATCH):
                    dst.execute(insert(table), [dict(row) for row in chunk])
                    count += len(chunk)
                rows[table.name] = count
                if progress is not None:
                    progress(table.name, count)
            if destination.url.get_backend_name() != "sqlite":
                moved = _move_attachment_files(source, src, dst)
                _advance_sequences(dst)
                dst.exec_driver_sql(ANALYZE)  # fresh statistics for the planner
            elif source.url.get_backend_name() == "sqlite":
                moved = _copy_attachment_folder(source, destination, src)
    finally:
        destination.dispose()
    return Transfer(where, rows, moved)


def _move_attachment_files(source: Database, src: Connection, dst: Connection) -> int:
    """The files beside the SQLite file, into the server (what the source kept in its own table came
    with the table copy)."""
    present = set(dst.scalars(select(AttachmentFile.sha256)))
    moved = 0
    folder = source.attachments_dir
    for sha, stored, name in src.execute(
        select(Attachment.sha256, Attachment.stored_path, Attachment.filename).distinct()
    ):
        if sha in present:
            continue
        path = folder / stored
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(f"附件“{name}”的文件“{path}”无法读取（{exc.strerror}），未迁移") from exc
        dst.execute(insert(AttachmentFile).values(sha256=sha, data=data))
        present.add(sha)
        moved += 1
    return moved


def _copy_attachment_folder(source: Database, destination: Database, src: Connection) -> int:
    """File to file: the attached files into the folder beside the new file."""
    import shutil

    folder, target = source.attachments_dir, destination.attachments_dir
    copied = 0
    for (stored,) in src.execute(select(Attachment.stored_path).distinct()):
        if (target / stored).exists():
            continue
        try:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / stored, target / stored)
        except OSError as exc:
            raise ValidationError(f"附件文件“{folder / stored}”无法复制（{exc.strerror}），未迁移") from exc
        copied += 1
    return copied


def _advance_sequences(dst: Connection) -> None:
    """PostgreSQL's id sequences continue after the copied ids (they were inserted explicitly)."""
    for table in Base.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not column.primary_key or not column.autoincrement:
            continue
        sequence = dst.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if sequence is None:
            continue
        top = dst.scalar(select(func.max(column)))
        if top is not None:
            dst.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": top})
