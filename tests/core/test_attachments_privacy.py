"""Attachments stored by content hash; confidential identities masked and revealed on record."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.attachments import add_attachment, attachment_file
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.privacy import mask_name, mask_phone, reveal_identity
from bbc_desktop.db.models import Attachment


def test_attachment_is_copied_once_by_hash(db, ctx, tmp_path):
    scan = tmp_path / "交办单扫描.PDF"
    scan.write_bytes(b"%PDF-1.4 signed slip")
    store = db.attachments_dir
    with db.session() as s:
        ticket = t.register(s, ctx, t.Intake(content="x", name="张三", phone="13800000000"))
        first = add_attachment(s, ctx, ticket, scan, store)
        second = add_attachment(s, ctx, ticket, scan, store)
        digest = hashlib.sha256(b"%PDF-1.4 signed slip").hexdigest()
        assert first.stored_path == second.stored_path == f"{digest}.pdf"
        assert [p.name for p in store.iterdir()] == [f"{digest}.pdf"]
        assert attachment_file(first, store).read_bytes() == b"%PDF-1.4 signed slip"
        assert first.filename == "交办单扫描.PDF" and first.media_type == "application/pdf"
        assert ticket.events[-1].kind == "attachment_added"
        if db.engine.dialect.name == "sqlite":  # a server's copy is fetched again (test below)
            (store / first.stored_path).write_bytes(b"tampered")
            with pytest.raises(ValidationError, match="已被改动"):
                attachment_file(first, store)
        empty = tmp_path / "empty.jpg"
        empty.write_bytes(b"")
        with pytest.raises(ValidationError, match="空的"):
            add_attachment(s, ctx, ticket, empty, store)
        with pytest.raises(ValidationError, match="无法读取"):
            add_attachment(s, ctx, ticket, tmp_path / "missing.jpg", store)


def test_masks():
    assert mask_name("王芳") == "王**"
    assert mask_name("张𠮷明") == "张**"
    assert mask_name("北关区恒通商贸有限公司").startswith("北关") and "恒通" not in mask_name(
        "北关区恒通商贸有限公司"
    )
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0372-1234567转801") == "0372-***4567"
    assert mask_name("") == mask_phone("") == ""


def test_reveal_is_recorded_for_confidential_only(db, ctx):
    with db.session() as s:
        secret = t.register(
            s, ctx, t.Intake(content="x", name="王芳", phone="13800000000", confidential=True)
        )
        plain = t.register(s, ctx, t.Intake(content="y", name="李四", phone="13800000001"))
        assert reveal_identity(s, ctx, secret) == ("王芳", "", "13800000000")
        reveal_identity(s, ctx, plain)
        assert secret.events[-1].kind == "identity_revealed" and secret.events[-1].account.username == "王芳"
        assert plain.events[-1].kind == "registered"


@pytest.mark.server_only
def test_an_attachment_added_at_one_counter_opens_at_another(db, ctx, tmp_path):
    """On a server the bytes are in the database: another PC, with its own folder, gets the same file."""
    scan = tmp_path / "交办单回执.pdf"
    scan.write_bytes(b"%PDF-1.4 signed slip, returned by the unit")
    with db.session() as s:
        ticket = t.register(s, ctx, t.Intake(content="甲", name="张三", phone="13800000000"))
        add_attachment(s, ctx, ticket, scan, tmp_path / "counter1")
    other_pc = tmp_path / "counter2"
    with db.session() as s:
        attachment = s.scalar(select(Attachment))
        assert attachment_file(attachment, other_pc).read_bytes() == scan.read_bytes()
        (other_pc / attachment.stored_path).write_bytes(b"tampered in the cache")
        assert attachment_file(attachment, other_pc).read_bytes() == scan.read_bytes()  # fetched again
