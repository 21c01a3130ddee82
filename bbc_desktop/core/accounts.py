"""Accounts as far as the ticket history needs them: who made each change."""

from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.db.models import Account

SYSTEM = "system"


def default_operator() -> str:
    """Who acts when nobody is named: ``BBC_AS`` (a login account), else ``BBC_OPERATOR`` (a name for
    the history while there are no login accounts), else the built-in system account."""
    for variable in ("BBC_AS", "BBC_OPERATOR"):
        name = os.environ.get(variable, "").strip()
        if name:
            return name
    return SYSTEM


def account_for(session: Session, username: str, now) -> Account:  # type: ignore[no-untyped-def]
    """The account of ``username``, created as a front-desk account the first time it acts."""
    name = (username or "").strip() or SYSTEM
    if len(name) > 64:
        raise ValidationError("操作员名称过长（最多64个字符）")
    # Remembered for the session: a bulk writer (importing an old ledger) adds an event per ticket.
    known: dict[str, Account] = session.info.setdefault("bbc_accounts", {})
    account = known.get(name)
    if account is not None and account in session:  # not after a rollback that took it away
        return account
    account = session.scalar(select(Account).where(Account.username == name))
    if account is None:
        role = "admin" if name == SYSTEM else "front_desk"
        account = Account(username=name, display_name=name, role=role, active=True, created_at=now)
        session.add(account)
        session.flush()
    known[name] = account
    return account
