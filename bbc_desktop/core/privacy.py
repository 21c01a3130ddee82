"""Confidential tickets (群众要求保密的事项予以保密): how a reporter's identity is masked, and revealing it on record."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.db.models import Ticket


def mask_name(name: str) -> str:
    """王** for a person, the first two characters of a company; a CJK Extension B character counts as one."""
    if not name:
        return ""
    keep = 2 if len(name) > 4 else 1
    return name[:keep] + "*" * max(2, len(name) - keep)


def mask_reporter(label: str) -> str:
    """办理对象 of a confidential ticket wherever it is listed (queue, ledger, command line):
    masked, at most four stars (a company's long name would push the mark out of sight), marked 保密."""
    return re.sub(r"\*{5,}", "****", mask_name(label)) + "（保密）"


def mask_phone(phone: str) -> str:
    """138****5678; a landline keeps its area code and last four digits."""
    if not phone:
        return ""
    digits = phone.split("转")[0]
    if "-" in digits:
        area, local = digits.split("-", 1)
        return f"{area}-{'*' * max(0, len(local) - 4)}{local[-4:]}"
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def reveal_identity(session: Session, ctx: Context, ticket: Ticket) -> tuple[str, str, str]:
    """The real name, company and phone of a confidential ticket; the look is recorded in its history."""
    from bbc_desktop.core.permissions import Permission, require
    from bbc_desktop.core.tickets import add_event

    require(session, ctx, Permission.REVEAL)
    if ticket.confidential:
        add_event(session, ctx, ticket, "identity_revealed", note="查看保密反映人信息")
        session.flush()
    reporter = ticket.reporter
    return reporter.name, reporter.company, reporter.phone
