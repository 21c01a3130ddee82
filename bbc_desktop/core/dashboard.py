"""The dashboard's figures: today at the window, open tickets per grade, the units holding most, a weekly trend.

Every figure comes with the ``TicketFilter`` that lists exactly its tickets, so a click on a number
in the window shows them in the queue (tests check that the count and the filter agree). A few
aggregate queries over indexes: fast enough to refresh every few minutes at 20 000 tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import AWAITING_RESULT, GRADES, Grade, Pending
from bbc_desktop.core.queries import (
    UNACKNOWLEDGED,
    TicketFilter,
    ack_recorded_since,
    overdue_clause,
    unacknowledged_clause,
)
from bbc_desktop.core.scores import UnitScore, unit_scores
from bbc_desktop.db.models import Assignment, Ticket, Unit

__all__ = ["Dashboard", "Figure", "dashboard"]

_AWAITING = [s.value for s in AWAITING_RESULT]
TOP_UNITS = 5
WEEKS = 8


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    filter: TicketFilter  # the queue's filter that lists exactly these tickets


@dataclass(frozen=True)
class Dashboard:
    today: list[Figure]  # 今日受理, 待办结, 今天到期, 已超期
    by_grade: list[Figure]  # open tickets per grade
    most_open: list[Figure]  # units with most open tickets
    most_overdue: list[Figure]  # units with most overdue tickets
    weekly: list[Figure]  # tickets accepted per week, oldest first
    unit_side: list[Figure] = field(default_factory=list)  # 未签收, 退单待审, 延期待批
    scores: list[UnitScore] = field(default_factory=list)  # this month's per-unit scores, best first
    scores_from: date | None = None


def dashboard(session: Session, today: date, calendar: WorkCalendar) -> Dashboard:
    awaiting = Ticket.status.in_(_AWAITING)
    count = select(func.count()).select_from(Ticket)
    start_of_day = datetime.combine(today, datetime.min.time())
    registered_today = session.scalar(count.where(Ticket.accepted_at >= start_of_day)) or 0
    open_count = session.scalar(count.where(awaiting)) or 0
    due_today = session.scalar(count.where(awaiting, Ticket.due_date == today)) or 0
    overdue = session.scalar(count.where(overdue_clause(today))) or 0
    today_figures = [
        Figure("今日受理", registered_today, TicketFilter(accepted_from=today, accepted_to=today)),
        Figure("待办结", open_count, TicketFilter(awaiting=True)),
        Figure("今天到期", due_today, TicketFilter(due_today=True)),
        Figure("已超期", overdue, TicketFilter(overdue=True)),
    ]
    grouped = select(Ticket.grade, func.count()).where(awaiting).group_by(Ticket.grade)
    grade_counts = {grade: n for grade, n in session.execute(grouped)}
    by_grade = [
        Figure(g.label, grade_counts.get(g.value, 0), TicketFilter(grades=(g,), awaiting=True))
        for g in (*GRADES, Grade.UNKNOWN)
        if g in GRADES or grade_counts.get(g.value)  # 未定级: open imported tickets, when there are any
    ]

    def per_unit(condition) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
        # Lead and co-units alike, as the queue's unit filter lists them: a co-unit holds the ticket too.
        tickets = func.count(func.distinct(Assignment.ticket_id))
        query = (
            select(Unit.name, tickets)
            .select_from(Assignment)
            .join(Unit, Unit.id == Assignment.unit_id)
            .join(Ticket, Ticket.id == Assignment.ticket_id)
            .where(Assignment.ended_at.is_(None), condition)
            .group_by(Unit.name)
            .order_by(tickets.desc(), Unit.name)
            .limit(TOP_UNITS)
        )
        return [(name, n) for name, n in session.execute(query)]

    most_open = [Figure(name, n, TicketFilter(unit=name, awaiting=True)) for name, n in per_unit(awaiting)]
    most_overdue = [
        Figure(name, n, TicketFilter(unit=name, overdue=True)) for name, n in per_unit(overdue_clause(today))
    ]
    monday = today - timedelta(days=today.weekday())
    weekly = []
    for weeks_back in range(WEEKS - 1, -1, -1):
        start = monday - timedelta(weeks=weeks_back)
        end = start + timedelta(days=6)
        accepted = session.scalar(
            count.where(
                Ticket.accepted_at >= datetime.combine(start, datetime.min.time()),
                Ticket.accepted_at < datetime.combine(end + timedelta(days=1), datetime.min.time()),
            )
        )
        weekly.append(
            Figure(
                f"{start.month}/{start.day}",
                accepted or 0,
                TicketFilter(accepted_from=start, accepted_to=end),
            )
        )
    unit_side = [
        Figure(
            "未签收",
            session.scalar(count.where(unacknowledged_clause(ack_recorded_since(session)))) or 0,
            TicketFilter(unit_side=UNACKNOWLEDGED),
        ),
        *(
            Figure(
                p.label,
                session.scalar(count.where(Ticket.pending == p.value)) or 0,
                TicketFilter(unit_side=p.value),
            )
            for p in Pending
        ),
    ]
    month = today.replace(day=1)
    scores = unit_scores(session, month, today, today, calendar)
    return Dashboard(today_figures, by_grade, most_open, most_overdue, weekly, unit_side, scores, month)
