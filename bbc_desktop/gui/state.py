"""What every window needs: the open database, the clock and operator, and one place to report errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import Role
from bbc_desktop.core.permissions import Permission
from bbc_desktop.db.session import Database


@dataclass
class AppState:
    """Passed to every pane and dialog instead of a global, so each can be tested alone."""

    db: Database
    ctx: Context = field(default_factory=Context)
    # What the account at the counter may do; None: everything (no login accounts yet, the demo).
    # The window uses it to hide or disable; the core checks again whatever the window shows.
    permissions: frozenset[Permission] | None = None
    role: Role | None = None

    def can(self, permission: Permission) -> bool:
        return self.permissions is None or permission in self.permissions

    def sign_in(self, username: str) -> None:
        """From now on the window acts as ``username`` and shows what its role may do."""
        from sqlalchemy import select

        from bbc_desktop.core.permissions import ROLE_PERMISSIONS
        from bbc_desktop.db.models import Account

        self.ctx.operator = username
        with self.session() as session:
            role = session.scalar(select(Account.role).where(Account.username == username))
        self.role = Role(role) if role else None
        self.permissions = ROLE_PERMISSIONS[self.role] if self.role else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back as a whole on any error."""
        with self.db.session() as session:
            yield session

    def calendar(self) -> WorkCalendar:
        from bbc_desktop.core.tickets import load_calendar

        with self.session() as session:
            return load_calendar(session)
