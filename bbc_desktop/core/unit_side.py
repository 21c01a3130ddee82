"""The unit's side of the loop, after the slip leaves the window (issue: 签收, 退单, 延期, 催办).

What China's 12345 hotlines learnt a dispatch needs, inside the lifecycle DESIGN.md gives: the unit
acknowledges the slip (签收); before its deadline it may send the ticket back with its grounds (退单),
and the window rules on it (审定): another unit takes it, with a new slip and a deadline counted
afresh, or the send-back is rejected and the clock never stopped; before its deadline it may ask for
more working days (延期申请), which the back office or a leader approves — the due date moves by N
working days from the old one, and the reporter is told, on record — or refuses. The window urges
(催办) a unit by hand or once it is overdue. None of these changes the ticket's status; each is an
event, and send-backs and extensions are kept as ``UnitRequest`` rows counted per unit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core import lifecycle
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import (
    AckMethod,
    ComplaintForm,
    Grade,
    Pending,
    ReplyMethod,
    SendBackGrounds,
    Status,
    parse_enum,
)
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.core.permissions import Permission, acting_account, require
from bbc_desktop.core.tickets import (
    _move,
    _resolve,
    _when,
    is_overdue,
    lead_assignment,
    load_calendar,
    reassign,
)
from bbc_desktop.core.validation import MAX_NAME, MAX_NOTE, clean_text
from bbc_desktop.db.models import Ticket, UnitRequest, Urge

__all__ = [
    "MAX_EXTENSION_DAYS",
    "acknowledge",
    "decide_extension",
    "escalate_overdue",
    "escalation_due",
    "pending_request",
    "request_extension",
    "rule_send_back",
    "send_back",
    "unit_conditions",
    "urge",
    "urge_due",
    "urge_letter",
]

MAX_EXTENSION_DAYS = 30  # working days in one request: more is surely a typing error
_HELD = (Status.DISPATCHED.value, Status.ESCALATED.value)  # a unit holds the ticket


def unit_conditions(ticket: Ticket, today: date) -> dict[str, Any]:
    """The keyword arguments ``lifecycle.require`` needs for the unit's side of ``ticket``."""
    return {
        "grade": Grade(ticket.grade),
        "anonymous": ticket.anonymous,
        "form": ComplaintForm(ticket.form),
        "reply_method": ReplyMethod(ticket.reply_method) if ticket.reply_method else None,
        "overdue": is_overdue(ticket, today),
        "pending": Pending(ticket.pending) if ticket.pending else None,
        "acknowledged": ticket.acknowledged_at is not None,
        "due": ticket.due_date,
        "today": today,
    }


def _check(ticket: Ticket, action: Action, ctx: Context) -> None:
    lifecycle.require(action, Status(ticket.status), **unit_conditions(ticket, ctx.clock.today()))


def _lead(ticket: Ticket):  # type: ignore[no-untyped-def]
    lead = lead_assignment(ticket)
    if lead is None:  # dispatched tickets always have one; a damaged record is said, not guessed
        raise ValidationError(f"工单 {ticket.number} 没有承办单位记录")
    return lead


def pending_request(session: Session, ticket: Ticket) -> UnitRequest | None:
    """The unit's request on ``ticket`` that awaits the window's ruling."""
    if not ticket.pending:
        return None
    return session.scalar(
        select(UnitRequest)
        .where(UnitRequest.ticket_id == ticket.id, UnitRequest.kind == ticket.pending)
        .where(UnitRequest.decision.is_(None))
        .order_by(UnitRequest.id.desc())
        .limit(1)
    )


def _who(text: str, what: str) -> str:
    return clean_text(text, what, limit=MAX_NAME)


def _ask(session: Session, ctx: Context, ticket: Ticket, kind: Pending, by: str, **details: Any):  # type: ignore[no-untyped-def]
    """Record the lead unit's request (who at the unit asked; the deadline as it stood); its assignment."""
    lead = _lead(ticket)
    session.add(
        UnitRequest(
            ticket=ticket,
            unit=lead.unit,
            kind=kind.value,
            requested_by=_who(by, "经办人"),
            requested_at=ctx.clock.now(),
            due_before=ticket.due_date,
            **details,
        )
    )
    return lead


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def acknowledge(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    by: str = "",
    how: AckMethod | str = AckMethod.PHONE,
    at: datetime | None = None,
) -> Ticket:
    """签收: the lead unit received the slip — who there, how the window knows, when."""
    ticket = _resolve(session, ticket)
    _check(ticket, Action.ACKNOWLEDGE, ctx)
    method = parse_enum(AckMethod, how, "签收方式")
    by = _who(by, "签收人")
    when = _when(ctx, ticket, at, "签收时间")
    lead = _lead(ticket)
    if when < lead.assigned_at.replace(microsecond=0):
        raise ValidationError(f"签收时间不能早于转办时间（{lead.assigned_at:%Y-%m-%d %H:%M}）")
    _move(
        session,
        ctx,
        ticket,
        None,
        "acknowledged",
        acknowledged_at=when,
        acknowledged_by=by,
        acknowledged_how=method.value,
        _note=f"{lead.unit.name}签收（{method.label}{'，' + by if by else ''}）",
    )
    return ticket


def send_back(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    grounds: SendBackGrounds | str,
    reason: str = "",
    by: str = "",
) -> Ticket:
    """退单: the lead unit returns the ticket, before its deadline, with its grounds; the window rules."""
    ticket = _resolve(session, ticket)
    _check(ticket, Action.SEND_BACK, ctx)
    kind = parse_enum(SendBackGrounds, grounds, "退单理由")
    reason = clean_text(
        reason, "退单说明", limit=MAX_NOTE, required=kind is SendBackGrounds.OTHER, multiline=True
    )
    lead = _ask(session, ctx, ticket, Pending.SEND_BACK, by, grounds=kind.value, reason=reason)
    _move(
        session,
        ctx,
        ticket,
        None,
        "sent_back",
        pending=Pending.SEND_BACK.value,
        _note=f"{lead.unit.name}退单：{kind.label}" + (f"，{reason}" if reason else ""),
    )
    return ticket


def rule_send_back(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    *,
    unit: str | int | None = None,
    note: str = "",
) -> Ticket:
    """审定退单: with ``unit``, another unit takes the ticket (a new slip; the deadline counted afresh
    from now; the acceptance time stays); without, the send-back is rejected — the unit keeps the
    ticket and its deadline, which never stopped."""
    ticket = _resolve(session, ticket)
    _check(ticket, Action.RULE_SEND_BACK, ctx)
    request = pending_request(session, ticket)
    if request is None:
        raise ValidationError(f"工单 {ticket.number} 的退单记录缺失，无法审定")
    note = clean_text(note, "审定意见", limit=MAX_NOTE, required=unit is None, multiline=True)
    request.decided_at = ctx.clock.now()
    request.decided_by, request.decision_note = acting_account(session, ctx), note
    grounds = SendBackGrounds(request.grounds).label
    if unit is None:
        request.decision = "rejected"
        _move(
            session,
            ctx,
            ticket,
            None,
            "send_back_rejected",
            pending=None,
            _note=f"退单（{grounds}）不予认可，仍由“{request.unit.name}”办理，办理期限不变：{note}",
        )
        return ticket
    request.decision = "reassigned"
    _move(
        session, ctx, ticket, None, "send_back_ruled", pending=None, _note=f"退单（{grounds}）予以认可，改派"
    )
    reassign(session, ctx, ticket, unit, f"审定退单（{grounds}）" + (f"：{note}" if note else ""))
    request.new_unit = _lead(ticket).unit
    return ticket


def request_extension(
    session: Session, ctx: Context, ticket: Ticket | str, days: int, reason: str, by: str = ""
) -> Ticket:
    """延期申请: the lead unit asks, before its due date, for ``days`` more working days, with a reason."""
    ticket = _resolve(session, ticket)
    _check(ticket, Action.REQUEST_EXTENSION, ctx)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(f"延期天数应为 1–{MAX_EXTENSION_DAYS} 个工作日")
    reason = clean_text(reason, "延期理由", limit=MAX_NOTE, required=True, multiline=True)
    lead = _ask(session, ctx, ticket, Pending.EXTENSION, by, reason=reason, days=days)
    _move(
        session,
        ctx,
        ticket,
        None,
        "extension_requested",
        pending=Pending.EXTENSION.value,
        _note=f"{lead.unit.name}申请延期 {days} 个工作日：{reason}",
    )
    return ticket


def decide_extension(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    approve: bool,
    note: str = "",
    notified: ReplyMethod | str | None = None,
) -> Ticket:
    """审批延期 (back office or a leader). Approved: the due date moves by the days asked, counted
    from the old due date on the same calendar (provisional where a year is unknown), and how the
    reporter was told is recorded — required unless the report was anonymous. Refused: with a reason;
    the deadline stands."""
    ticket = _resolve(session, ticket)
    _check(ticket, Action.DECIDE_EXTENSION, ctx)
    require(session, ctx, Permission.APPROVE_EXTENSION)
    request = pending_request(session, ticket)
    if request is None:
        raise ValidationError(f"工单 {ticket.number} 的延期申请记录缺失，无法审批")
    note = clean_text(note, "审批意见", limit=MAX_NOTE, required=not approve, multiline=True)
    now = ctx.clock.now()
    changes: dict[str, Any] = {"pending": None}
    if approve:
        if ticket.anonymous:
            how = "none"
        elif notified in (None, ""):
            raise ValidationError("批准延期须告知反映人：请选择告知方式（当面口头、书面或电话）")
        else:
            how = parse_enum(ReplyMethod, notified, "告知方式").value
        old = ticket.due_date
        if old is None:
            raise ValidationError("该工单没有办理期限，无需延期")
        deadline = load_calendar(session).add_workdays(old, request.days)
        changes.update(due_date=deadline.due, due_provisional=deadline.provisional)
        request.decision, request.due_after = "approved", deadline.due
        request.notified_how, request.notified_at = how, now
        told = "匿名反映，无法告知反映人" if how == "none" else f"已{ReplyMethod(how).label}告知反映人"
        text = (
            f"批准延期 {request.days} 个工作日：办理期限由 {_day(old)} 延至 {_day(deadline.due)}"
            f"{'（暂定）' if deadline.provisional else ''}；{told}" + (f"。{note}" if note else "")
        )
        kind = "extension_approved"
    else:
        request.decision = "refused"
        text, kind = f"不批准延期，办理期限仍为 {_day(ticket.due_date)}：{note}", "extension_refused"  # type: ignore[arg-type]
    request.decided_at, request.decided_by, request.decision_note = now, acting_account(session, ctx), note
    _move(session, ctx, ticket, None, kind, **changes, _note=text)
    return ticket


def urge(session: Session, ctx: Context, ticket: Ticket | str, kind: str = "manual") -> Urge:
    """催办: the window urges the lead unit (a 催办通知书, copied to its deputy in charge)."""
    ticket = _resolve(session, ticket)
    _check(ticket, Action.URGE, ctx)
    if kind not in ("manual", "overdue"):
        raise ValidationError("催办类型应为 manual 或 overdue")
    lead = _lead(ticket)
    account = acting_account(session, ctx)
    record = Urge(
        ticket_id=ticket.id,
        unit=lead.unit,
        at=ctx.clock.now(),
        kind=kind,
        due_date=ticket.due_date,
        copied_to=lead.unit.deputy,
        account_id=account.id if account is not None else None,
    )
    session.add(record)
    copied = f"，抄送分管领导{lead.unit.deputy}" if lead.unit.deputy else ""
    _move(session, ctx, ticket, None, "urged", _note=f"催办“{lead.unit.name}”{copied}")
    return record


def urge_letter(session: Session, ctx: Context, ticket: Ticket, kind: str = "manual"):  # type: ignore[no-untyped-def]
    """催办 ``ticket`` and say what its 催办通知书 says (printing/urge.py)."""
    from sqlalchemy import func

    from bbc_desktop.core.tickets import lateness
    from bbc_desktop.printing.urge import UrgeLetter

    record = urge(session, ctx, ticket, kind)
    lead = _lead(ticket)
    calendar = load_calendar(session)
    today = ctx.clock.today()
    due = ticket.due_date
    if due is None:
        raise ValidationError(f"工单 {ticket.number} 没有办理期限，无法催办")
    late = lateness(ticket.status, due, ticket.result_at, today, calendar)
    # Not yet due: by its deadline. Overdue: within two working days (the window's practice).
    reply_by = due if late is None else calendar.add_workdays(today, 2).due
    times = session.scalar(select(func.count()).select_from(Urge).where(Urge.ticket_id == ticket.id))
    return UrgeLetter(
        number=ticket.number,
        grade=Grade(ticket.grade).label,
        unit=lead.unit.name,
        deputy=record.copied_to,
        matter=ticket.content,
        accepted_at=ticket.accepted_at,
        dispatched_at=lead.assigned_at,
        due=due,
        provisional=ticket.due_provisional,
        late_workdays=late,
        days_left=0 if late is not None else calendar.workdays_between(today, due),
        reply_by=reply_by,
        times=int(times or 0),
    )


# -- staged reminders ----------------------------------------------------------------------------

ESCALATE_AFTER = 5  # working days after the first 催办通知书, still without a result: to supervision


def _overdue_urges(session: Session):  # type: ignore[no-untyped-def]
    """ticket id → the first overdue urge since its current due date."""
    from sqlalchemy import func

    return (
        select(Urge.ticket_id, func.min(Urge.at).label("first"))
        .join(Ticket, Ticket.id == Urge.ticket_id)
        .where(Urge.kind == "overdue", Urge.due_date == Ticket.due_date)
        .group_by(Urge.ticket_id)
        .subquery()
    )


def urge_due(session: Session, today: date) -> list[str]:
    """The working day after the deadline has come: overdue tickets a unit holds whose 催办通知书 for
    this deadline has not gone out yet (oldest deadline first)."""
    urged = _overdue_urges(session)
    query = (
        select(Ticket.number)
        .outerjoin(urged, urged.c.ticket_id == Ticket.id)
        .where(Ticket.status.in_(_HELD), Ticket.due_date < today, urged.c.first.is_(None))
        .order_by(Ticket.due_date, Ticket.id)
    )
    return list(session.scalars(query))


def escalation_due(session: Session, today: date, calendar) -> list[str]:  # type: ignore[no-untyped-def]
    """Urged as overdue ``ESCALATE_AFTER`` working days ago and still without a result, not yet
    escalated: to the discipline commission and the supervision bureau (DESIGN.md)."""
    urged = _overdue_urges(session)
    rows = session.execute(
        select(Ticket.number, urged.c.first)
        .join(urged, urged.c.ticket_id == Ticket.id)
        .where(Ticket.status == Status.DISPATCHED.value, Ticket.due_date < today)
        .where(Ticket.pending.is_(None))  # a request awaiting a ruling is ruled on first
        .order_by(Ticket.due_date, Ticket.id)
    )
    return [
        number for number, first in rows if calendar.add_workdays(first.date(), ESCALATE_AFTER).due <= today
    ]


def escalate_overdue(session: Session, ctx: Context, numbers: list[str]) -> list[str]:
    """移交督办 the tickets ``escalation_due`` named (each checked again); returns those escalated."""
    from bbc_desktop.core.tickets import escalate

    done = []
    due = set(escalation_due(session, ctx.clock.today(), load_calendar(session)))
    for number in numbers:
        if number not in due:
            raise ValidationError(
                f"工单 {number} 不在应移交督办之列（催办后满 {ESCALATE_AFTER} 个工作日仍未办结的已转办工单）"
            )
        escalate(session, ctx, number, f"催办后 {ESCALATE_AFTER} 个工作日仍未办结，移交督办")
        done.append(number)
    return done
