"""What the printed papers say: the 交办单 (slip) and the reporter's 受理回执 (receipt), as plain data.

The rules of what may be printed live here, not in the PDF code: a confidential ticket prints 保密
for the reporter's name and phone, an anonymous one 匿名; the due date is written into the reply
requirement's sentence; the footer comes from the units directory. ``bbc_desktop.printing`` only
lays these values out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import Grade, ReporterKind, Source
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.permissions import Permission, require
from bbc_desktop.core.settings import all_settings
from bbc_desktop.core.tickets import add_event, co_assignments, lead_assignment
from bbc_desktop.db.models import Ticket

CONFIDENTIAL = "保密"
ANONYMOUS = "匿名"


def chinese_date(day: date | datetime) -> str:
    """2026年11月27日: the way dates are written on the paper."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_numeral(n: int) -> str:
    """一 … 十, 十一 … 九十九 (section numbers of official papers); beyond that, digits."""
    digits = "零一二三四五六七八九"
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else digits[tens]) + "十" if tens else ""
    return text + (digits[ones] if ones else "")


def chinese_time(moment: datetime) -> str:
    return f"{chinese_date(moment)} {moment:%H:%M}"


@dataclass(frozen=True)
class SlipData:
    """Every value of one 交办单, already masked and formatted for paper."""

    title: str  # 北关区“办不成事”反映窗口交办单
    grade: Grade
    number: str
    unit: str  # 承办单位: the lead unit, co-units after it
    source: str
    accepted: str  # 反映时间
    reporter: str
    phone: str
    content: str
    due: str  # the date in the reply requirement, e.g. 2026年11月27日
    due_provisional: bool
    dispatch_note: str
    dispatch_date: str  # 批转 日期
    result: str = ""
    result_signer: str = ""
    result_phone: str = ""
    visit_time: str = ""
    visit_notes: str = ""
    visit_by: str = ""
    footer_unit: str = ""
    footer_address: str = ""
    footer_phone: str = ""
    window: str = ""  # 北关区“办不成事”反映窗口: who issues it
    printed_on: str = ""

    @property
    def reply_requirement(self) -> str:
        """Attachment 2's 回复要求 with the due date written in."""
        due = self.due + ("（暂定）" if self.due_provisional else "")
        return (
            f"请于{due}前将办理结果报“办不成事”反映窗口。要求：主管领导签字，并加盖公章。"
            "若超期、无故不回复或敷衍应付引起群众反复反映，造成不良影响的，区委区政府督查局、区纪委监委将严厉问责。"
        )


NOTE = (
    "注：“蓝色交办单”3个工作日内给予答复；“黄色交办单”5个工作日内答复；“红色交办单”10个工作日内答复。"
    "对于因政策、法规等客观原因，不能解决的诉求，要及时向反映人说明情况。"
)


@dataclass(frozen=True)
class ReceiptData:
    """The reporter's 受理回执: enough to follow the matter up, nothing confidential."""

    title: str  # 北关区“办不成事”反映窗口受理回执
    number: str
    reporter: str
    accepted: str
    grade: Grade
    due: str
    due_provisional: bool
    unit: str
    window_phone: str
    window_address: str
    printed_on: str
    follow_up: list[str] = field(default_factory=list)


def _reporter(ticket: Ticket) -> tuple[str, str]:
    if ticket.anonymous:
        return ANONYMOUS, ANONYMOUS
    if ticket.confidential:
        return CONFIDENTIAL, CONFIDENTIAL
    reporter = ticket.reporter
    name = reporter.name
    if reporter.kind == ReporterKind.COMPANY.value and reporter.company:
        name = reporter.company + (f"（{reporter.name}）" if reporter.name else "")
    return name, reporter.phone


def _require_deadline(ticket: Ticket, paper: str) -> date:
    if ticket.due_date is None:
        raise ValidationError(
            f"工单 {ticket.number} 从旧台账导入，尚未确定牌色，没有办理期限，不能打印{paper}：请先调整牌色"
        )
    return ticket.due_date


def slip_data(session: Session, ticket: Ticket, today: date) -> SlipData:
    due = _require_deadline(ticket, "交办单")
    settings = all_settings(session)
    lead = lead_assignment(ticket)
    co = [a.unit.name for a in co_assignments(ticket)]
    unit = lead.unit.name if lead else ""
    if co:
        unit += f"（协办：{'、'.join(co)}）"
    name, phone = _reporter(ticket)
    dispatched = ticket.dispatched_at
    return SlipData(
        title=f"{settings['district']}{settings['window_name']}交办单",
        grade=Grade(ticket.grade),
        number=ticket.number,
        unit=unit,
        source=Source(ticket.source).label,
        accepted=chinese_time(ticket.accepted_at),
        reporter=name,
        phone=phone,
        content=ticket.content,
        due=chinese_date(due),
        due_provisional=ticket.due_provisional,
        dispatch_note=ticket.dispatch_note,
        dispatch_date=chinese_date(dispatched) if dispatched else "",
        result=ticket.result_text,
        result_signer=ticket.result_signer,
        result_phone=ticket.result_phone,
        visit_time=chinese_time(ticket.visit_at) if ticket.visit_at else "",
        visit_notes=ticket.visit_notes,
        visit_by=ticket.visit_by,
        footer_unit=lead.unit.name if lead else "",
        footer_address=lead.unit.address if lead else "",
        footer_phone=lead.unit.phone if lead else "",
        window=f"{settings['district']}{settings['window_name']}",
        printed_on=chinese_date(today),
    )


def receipt_data(session: Session, ticket: Ticket, today: date) -> ReceiptData:
    due = _require_deadline(ticket, "受理回执")
    settings = all_settings(session)
    lead = lead_assignment(ticket)
    name, _phone = _reporter(ticket)
    window = f"{settings['district']}{settings['window_name']}"
    phone = settings["window_phone"]
    follow_up = [
        f"请妥善保存本回执。凭受理编号 {ticket.number} 可向窗口查询办理进度"
        + (f"（电话 {phone}）。" if phone else "。"),
        f"承办单位应于{chinese_date(due)}前办结并答复；逾期未获答复的，可凭本回执向窗口反映。",
        "您反映的情况将依规办理，涉及个人信息的，窗口予以保密。",
    ]
    return ReceiptData(
        title=f"{window}受理回执",
        number=ticket.number,
        reporter=name,
        accepted=chinese_time(ticket.accepted_at),
        grade=Grade(ticket.grade),
        due=chinese_date(due),
        due_provisional=ticket.due_provisional,
        unit=lead.unit.name if lead else "尚未转办",
        window_phone=phone,
        window_address=settings["window_address"],
        printed_on=chinese_date(today),
        follow_up=follow_up,
    )


def record_printed(session: Session, ctx: Context, tickets: list[Ticket], paper: str, how: str) -> None:
    """History: ``paper`` (交办单 / 受理回执) of each ticket was printed or saved, and how."""
    require(session, ctx, Permission.PRINT)
    for ticket in tickets:
        add_event(session, ctx, ticket, "printed", note=f"{paper}（{how}）")
