"""What every window needs: the open database, the clock and operator, and one place to report errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.context import Context
from bbc_desktop.db.session import Database


@dataclass
class AppState:
    """Passed to every pane and dialog instead of a global, so each can be tested alone."""

    db: Database
    ctx: Context = field(default_factory=Context)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back as a whole on any error."""
        with self.db.session() as session:
            yield session

    def calendar(self) -> WorkCalendar:
        from bbc_desktop.core.tickets import load_calendar

        with self.session() as session:
            return load_calendar(session)
