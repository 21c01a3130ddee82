"""The 通报: for a period, per unit, every ticket that went past its deadline, and by how many working days.

Which tickets: those whose due date falls in the period and whose result came after it, or has
not come yet (counted to today). Lateness is in working days on the same calendar as the
deadlines (core/calendar.py). For the supervision bureau and the discipline commission, so the
unit is the lead unit the ticket was with when it went late — the current one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import AWAITING_RESULT, Grade, Status
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.queries import NO_UNIT, outerjoin_lead_unit
from bbc_desktop.core.tickets import lateness
from bbc_desktop.db.models import Ticket, Unit

__all__ = ["LateTicket", "UnitLateness", "late_by_unit"]

_AWAITING = [s.value for s in AWAITING_RESULT]


@dataclass(frozen=True)
class LateTicket:
    number: str
    grade: str
    matter: str
    accepted_at: datetime
    due_date: date
    finished_at: datetime | None  # None: still without a result
    status: str
    late_workdays: int


@dataclass(frozen=True)
class UnitLateness:
    unit: str
    tickets: list[LateTicket]

    @property
    def still_open(self) -> int:
        return sum(1 for t in self.tickets if t.finished_at is None)


def late_by_unit(
    session: Session, start: date, end: date, today: date, calendar: WorkCalendar
) -> list[UnitLateness]:
    """Units with late tickets in the period, the most late tickets first; each list by lateness."""
    if start > end:
        raise ValidationError("通报的起始日不能晚于截止日")
    query = (
        select(
            Ticket.number,
            Ticket.grade,
            Ticket.content,
            Ticket.accepted_at,
            Ticket.due_date,
            Ticket.result_at,
            Ticket.status,
            Unit.name.label("unit_name"),
        )
        .where(Ticket.due_date >= start, Ticket.due_date <= end)
        .where(
            or_(
                Ticket.result_at.is_not(None),
                and_(Ticket.status.in_(_AWAITING), Ticket.due_date < today),
            )
        )
    )
    units: dict[str, list[LateTicket]] = defaultdict(list)
    for r in session.execute(outerjoin_lead_unit(query)):
        late = lateness(r.status, r.due_date, r.result_at, today, calendar)
        if late is None:
            continue  # answered in time
        units[r.unit_name or NO_UNIT].append(
            LateTicket(
                number=r.number,
                grade=Grade(r.grade).label,
                matter=r.content,
                accepted_at=r.accepted_at,
                due_date=r.due_date,
                finished_at=r.result_at,
                status=Status(r.status).label,
                late_workdays=late,  # 0: after the due date but not yet by a whole working day
            )
        )
    result = [
        UnitLateness(unit, sorted(items, key=lambda t: (-t.late_workdays, t.number)))
        for unit, items in units.items()
    ]
    return sorted(result, key=lambda u: (-len(u.tickets), -sum(t.late_workdays for t in u.tickets), u.unit))
