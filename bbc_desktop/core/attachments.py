"""Files attached to a ticket (the scan of the signed slip, a written letter): stored once, by content hash.

On a SQLite file the file is copied into the attachment folder beside it as ``<sha256><suffix>``; on
a server database, which several counters share, its bytes go into the database
(``attachment_files``) and the folder is only this PC's cache of them. The database keeps the
metadata and the event history says who added it when. A file is never changed or removed afterwards.
"""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
from pathlib import Path

from sqlalchemy.orm import Session, object_session

from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import Status
from bbc_desktop.core.errors import NotFound, TransitionError, ValidationError
from bbc_desktop.db.models import Attachment, AttachmentFile, Ticket

MAX_BYTES = 50 * 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def add_attachment(
    session: Session, ctx: Context, ticket: Ticket, source: str | Path, store: Path
) -> Attachment:
    """Copy ``source`` into ``store`` and record it on the ticket."""
    from bbc_desktop.core.accounts import account_for
    from bbc_desktop.core.permissions import Permission, require
    from bbc_desktop.core.tickets import add_event

    require(session, ctx, Permission.HANDLE)
    if Status(ticket.status) is Status.VOIDED:
        raise TransitionError("该工单已作废，不能再添加附件")
    path = Path(source)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(f"无法读取文件“{path.name}”：{exc.strerror}") from exc
    if not path.is_file():
        raise ValidationError(f"“{path.name}”不是文件")
    if size == 0:
        raise ValidationError(f"文件“{path.name}”是空的")
    if size > MAX_BYTES:
        raise ValidationError(
            f"文件“{path.name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩或分页扫描后再添加"
        )
    if len(path.name) > 255:
        raise ValidationError("文件名过长（最多255个字符）")
    sha = _sha256(path)
    stored = f"{sha}{path.suffix.lower()[:10]}"
    target = store / stored
    try:
        store.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(path, partial)
            partial.replace(target)
    except OSError as exc:
        raise ValidationError(f"无法保存附件到“{store}”：{exc.strerror}") from exc
    if _on_server(session) and session.get(AttachmentFile, sha) is None:
        session.add(AttachmentFile(sha256=sha, data=target.read_bytes()))
    now = ctx.clock.now()
    attachment = Attachment(
        ticket=ticket,
        filename=path.name,
        media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        size=size,
        sha256=sha,
        stored_path=stored,
        added_at=now,
        added_by_id=account_for(session, ctx.operator, now).id,
    )
    session.add(attachment)
    add_event(
        session, ctx, ticket, "attachment_added", after={"filename": path.name, "sha256": sha}, note=path.name
    )
    session.flush()
    return attachment


def _on_server(session: Session) -> bool:
    return session.get_bind().dialect.name != "sqlite"


def attachment_file(attachment: Attachment, store: Path) -> Path:
    """Where the stored copy is; refuses a file that is missing or no longer matches its hash.

    From a server database the bytes are fetched into ``store`` (this PC's cache) when missing there.
    """
    path = store / attachment.stored_path
    session = object_session(attachment)
    if (
        session is not None
        and _on_server(session)
        and (not path.is_file() or _sha256(path) != attachment.sha256)
    ):
        blob = session.get(AttachmentFile, attachment.sha256)
        if blob is None:
            raise NotFound(f"附件“{attachment.filename}”的内容不在数据库中")
        try:
            store.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".part")
            partial.write_bytes(blob.data)
            partial.replace(path)
        except OSError as exc:
            raise ValidationError(f"无法把附件取到本机“{store}”：{exc.strerror}") from exc
    if not path.is_file():
        raise NotFound(f"附件“{attachment.filename}”的文件不在附件目录“{store}”中")
    if _sha256(path) != attachment.sha256:
        raise ValidationError(f"附件“{attachment.filename}”的文件已被改动，与登记时不一致")
    return path
