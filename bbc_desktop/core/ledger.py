"""The 台账 (attachment 3): one row per ticket, its columns first and in its order, then ours.

Which tickets: a ``TicketFilter`` (the queue's filters, a date range of acceptance) — the same SQL
as the queue; the ledger is in the order of acceptance. Read with one Core query, no ORM objects,
so 20 000 rows take well under a second. Confidential reporters are masked here (王** /
138****5678): the ledger travels; the JSON export is the full-fidelity copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import AWAITING_RESULT, Grade, ReporterKind, Status
from bbc_desktop.core.privacy import mask_phone, mask_reporter
from bbc_desktop.core.queries import TicketFilter, filtered_ids, outerjoin_lead_unit
from bbc_desktop.core.tickets import lateness
from bbc_desktop.db.models import Account, Reporter, Ticket, Unit

__all__ = ["ATTACHMENT_3", "COLUMNS", "LedgerRow", "ledger_rows", "ledger_title"]

# Attachment 3's columns, in its order and wording.
ATTACHMENT_3 = ("工单编号", "办理对象", "联系电话", "反映事项", "受理人", "受理时间", "处理结果", "办结时间")
COLUMNS = (*ATTACHMENT_3, "牌色", "承办单位", "办理期限", "状态", "是否超期")
_AWAITING = {s.value for s in AWAITING_RESULT}


@dataclass(frozen=True, slots=True)
class LedgerRow:
    number: str
    reporter: str
    phone: str
    matter: str
    received_by: str
    accepted_at: datetime
    result: str
    finished_at: datetime | None
    grade: str  # 红牌 / 黄牌 / 蓝牌 / 未定级
    unit: str
    due_date: date | None  # None: imported, grade unknown
    due_provisional: bool
    status: str
    overdue: str  # 是 / 否: past the due date without a result, or the result came after it

    def values(self) -> tuple[object, ...]:
        """In the order of ``COLUMNS``."""
        if self.due_date is None:
            due = "未定"
        else:
            due = self.due_date.isoformat() + ("（暂定）" if self.due_provisional else "")
        return (
            self.number,
            self.reporter,
            self.phone,
            self.matter,
            self.received_by,
            self.accepted_at,
            self.result,
            self.finished_at,
            self.grade,
            self.unit,
            due,
            self.status,
            self.overdue,
        )


def ledger_title(district: str, start: date | None, end: date | None) -> str:
    """北关区“办不成事”事项处理进度跟踪台账（2026年11月1日至2026年11月30日）."""
    title = f"{district}“办不成事”事项处理进度跟踪台账"
    if start and end:
        return f"{title}（{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日）"
    if start:
        return f"{title}（{start.year}年{start.month}月{start.day}日起）"
    if end:
        return f"{title}（截至{end.year}年{end.month}月{end.day}日）"
    return title


def ledger_rows(
    session: Session, flt: TicketFilter, today: date, calendar: WorkCalendar | None = None
) -> list[LedgerRow]:
    """The tickets of ``flt`` as ledger rows, in the order of acceptance."""
    calendar = calendar or WorkCalendar()
    chosen = filtered_ids(session, flt, today, calendar).order_by(None).subquery()
    query = (
        select(
            Ticket.number,
            Ticket.anonymous,
            Ticket.confidential,
            Reporter.kind,
            Reporter.name,
            Reporter.company,
            Reporter.phone,
            Ticket.content,
            Account.display_name,
            Account.username,
            Ticket.received_by_name,
            Ticket.accepted_at,
            Ticket.result_text,
            Ticket.explanation,
            Ticket.result_at,
            Ticket.closed_at,
            Ticket.grade,
            Unit.name.label("unit_name"),
            Ticket.due_date,
            Ticket.due_provisional,
            Ticket.status,
        )
        .join(Reporter, Reporter.id == Ticket.reporter_id)
        .outerjoin(Account, Account.id == Ticket.received_by_id)
        .where(Ticket.id.in_(select(chosen.c.id)))
        .order_by(Ticket.accepted_at, Ticket.id)
    )
    rows = []
    for r in session.execute(outerjoin_lead_unit(query)):
        if r.anonymous:
            reporter, phone = "匿名", ""
        else:
            reporter = r.name
            if r.kind == ReporterKind.COMPANY.value and r.company:
                reporter = r.company + (f"（{r.name}）" if r.name else "")
            phone = r.phone
            if r.confidential:
                reporter, phone = mask_reporter(reporter), mask_phone(phone)
        finished = r.result_at or r.closed_at
        late = lateness(r.status, r.due_date, r.result_at, today, calendar) is not None
        rows.append(
            LedgerRow(
                number=r.number,
                reporter=reporter,
                phone=phone,
                matter=r.content,
                received_by=r.display_name or r.username or r.received_by_name,
                accepted_at=r.accepted_at,
                result=r.result_text or r.explanation,
                finished_at=finished,
                grade=Grade(r.grade).label,
                unit=r.unit_name or "",
                due_date=r.due_date,
                due_provisional=r.due_provisional,
                status=Status(r.status).label,
                overdue="是" if late else "否",
            )
        )
    return rows
