"""Ticket services: intake and every lifecycle step. The GUI and ``bbc`` call these, nothing else writes tickets.

Each function works inside the caller's session (one unit of work), checks the step with
``lifecycle.require``, changes the ticket and appends one event per change with before/after values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core import lifecycle, numbering
from bbc_desktop.core.accounts import account_for
from bbc_desktop.core.calendar import Clock, WorkCalendar
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import (
    AWAITING_RESULT,
    EVENT_LABELS,
    GRADES,
    AssignmentRole,
    Category,
    ComplaintForm,
    Grade,
    Pending,
    ReplyMethod,
    ReporterKind,
    Satisfaction,
    Source,
    Status,
    parse_enum,
)
from bbc_desktop.core.errors import Conflict, NotFound, TransitionError, ValidationError
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.core.permissions import Permission, require, right_for
from bbc_desktop.core.units import find_unit
from bbc_desktop.core.validation import (
    MAX_COMPANY,
    MAX_CONTENT,
    MAX_NAME,
    MAX_NOTE,
    check_not_future,
    clean_text,
    normalize_phone,
)
from bbc_desktop.db.models import Assignment, Event, HolidayOverride, Reporter, Ticket, TicketLink, Unit

ANONYMOUS_CLOSE_NOTE = "匿名，无法答复"


def load_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with the administrator's overrides from this database."""
    overrides = {row.day: row.workday for row in session.scalars(select(HolidayOverride))}
    return WorkCalendar(overrides)


@dataclass
class Intake:
    """What the operator types at the counter. Text fields are raw; ``register`` validates them."""

    content: str
    grade: Grade | str = Grade.BLUE
    name: str = ""
    phone: str = ""
    kind: ReporterKind | str = ReporterKind.PERSON
    company: str = ""
    source: Source | str = Source.VISIT
    category: Category | str | None = None
    form: ComplaintForm | str = ComplaintForm.ORAL
    confidential: bool = False
    anonymous: bool = False
    accepted_at: datetime | None = None
    lead_unit: str | int | None = None
    co_units: tuple[str | int, ...] = field(default_factory=tuple)
    dispatch_note: str = ""


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _snapshot(ticket: Ticket, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(ticket, name)) for name in names}


def add_event(
    session: Session,
    ctx: Context,
    ticket: Ticket | None,
    kind: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> Event:
    """Append one history event; its time is when the change was recorded, by whom."""
    now = ctx.clock.now()
    event = Event(
        ticket=ticket,
        account=account_for(session, ctx.operator, now),
        at=now,
        kind=kind,
        before={k: _plain(v) for k, v in before.items()} if before else None,
        after={k: _plain(v) for k, v in after.items()} if after else None,
        note=note,
    )
    session.add(event)
    return event


def get_ticket(session: Session, number: str) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.number == (number or "").strip()))
    if ticket is None:
        raise NotFound(f"没有受理编号为“{number}”的工单")
    return ticket


def expect_version(session: Session, number: str, seen: int) -> Ticket:
    """The ticket, when it is still as the operator saw it (``seen``: its ``version`` then).

    Several counters work on one database: a step saved on the strength of an outdated picture
    would overwrite what another counter did meanwhile. Refused with who changed it and when; the
    caller shows the new state and the operator decides again.
    """
    ticket = get_ticket(session, number)
    if ticket.version == seen:
        return ticket
    last = session.scalar(
        select(Event)
        .where(Event.ticket_id == ticket.id, Event.after.is_not(None))
        .order_by(Event.id.desc())
        .limit(1)
    )
    change = ""
    if last is not None:
        who = last.account.username if last.account is not None else "其他窗口"
        change = f"（{who}于{last.at:%m月%d日 %H:%M}{EVENT_LABELS.get(last.kind, '修改')}）"
    raise Conflict(
        f"工单 {ticket.number} 在您打开后已被修改{change}。本次未保存，以免覆盖他人的办理；"
        "请查看最新情况，需要时再办理"
    )


def lead_assignment(ticket: Ticket) -> Assignment | None:
    return next((a for a in ticket.assignments if a.role == AssignmentRole.LEAD and a.ended_at is None), None)


_AWAITING_VALUES = frozenset(s.value for s in AWAITING_RESULT)


def co_assignments(ticket: Ticket) -> list[Assignment]:
    return [a for a in ticket.assignments if a.role == AssignmentRole.CO and a.ended_at is None]


def is_overdue(ticket: Ticket, today: date) -> bool:
    return (
        ticket.due_date is not None and Status(ticket.status) in AWAITING_RESULT and today > ticket.due_date
    )


def lateness(
    status: str, due_date: date | None, result_at: datetime | None, today: date, calendar: WorkCalendar
) -> int | None:
    """Working days a ticket went past its deadline, or None when it did not.

    Late: its result came after the due date (counted to that day), or it still awaits a result
    after the due date (counted to today). 0 means late by less than a whole working day.
    The one rule for the ledger's 是否超期, the 通报 and the report's late list. A ticket without
    a deadline (imported, grade unknown) is never late.
    """
    if due_date is None:
        return None
    if result_at is not None:
        done = result_at.date()
        return calendar.workdays_between(due_date, done) if done > due_date else None
    if status in _AWAITING_VALUES and today > due_date:
        return calendar.workdays_between(due_date, today)
    return None


def _require(ticket: Ticket, action: Action, clock: Clock | None = None) -> Status | None:
    return lifecycle.require(
        action,
        Status(ticket.status),
        grade=Grade(ticket.grade),
        anonymous=ticket.anonymous,
        form=ComplaintForm(ticket.form),
        reply_method=ReplyMethod(ticket.reply_method) if ticket.reply_method else None,
        overdue=is_overdue(ticket, clock.today()) if clock is not None else False,
        pending=Pending(ticket.pending) if ticket.pending else None,
    )


def _when(ctx: Context, ticket: Ticket, at: datetime | None, what: str) -> datetime:
    """A time the operator gave for a step: not in the future, not before the acceptance."""
    now = ctx.clock.now()
    if at is None:
        return now
    check_not_future(at, now, what)
    if at < ticket.accepted_at:
        raise ValidationError(f"{what}不能早于受理时间（{ticket.accepted_at:%Y-%m-%d %H:%M}）")
    return at


def _reporter(session: Session, kind: ReporterKind, name: str, company: str, phone: str) -> Reporter:
    """Reuse the reporter when the same person or company comes again with the same phone."""
    reporter = session.scalar(
        select(Reporter)
        .where(Reporter.kind == kind.value, Reporter.name == name)
        .where(Reporter.company == company, Reporter.phone == phone)
        .limit(1)
    )
    if reporter is None:
        reporter = Reporter(kind=kind.value, name=name, company=company, phone=phone)
        session.add(reporter)
    return reporter


def _active_unit(session: Session, name_or_id: str | int, what: str) -> Unit:
    unit = find_unit(session, name_or_id, what)
    if not unit.active:
        raise ValidationError(f"{what}“{unit.name}”已停用，请选择其他单位")
    return unit


def register(session: Session, ctx: Context, intake: Intake) -> Ticket:
    """受理: validate the intake, issue the number, and dispatch at once when a lead unit is given."""
    require(session, ctx, Permission.INTAKE)
    now = ctx.clock.now()
    grade = parse_enum(Grade, intake.grade, "牌色", GRADES)
    kind = parse_enum(ReporterKind, intake.kind, "反映人类型")
    source = parse_enum(Source, intake.source, "案件来源")
    form = parse_enum(ComplaintForm, intake.form, "反映形式")
    category = None
    if intake.category not in (None, ""):
        category = parse_enum(Category, str(intake.category), "受理事项范围")
    content = clean_text(intake.content, "反映内容", limit=MAX_CONTENT, required=True, multiline=True)
    name = clean_text(intake.name, "反映人姓名", limit=MAX_NAME)
    company = clean_text(intake.company, "企业名称", limit=MAX_COMPANY)
    phone = normalize_phone(intake.phone, required=not intake.anonymous)
    if not intake.anonymous:
        if kind is ReporterKind.COMPANY and not company:
            raise ValidationError("企业反映须填写企业名称")
        if kind is ReporterKind.PERSON and not name:
            raise ValidationError("请填写反映人姓名；不愿留名的请勾选“匿名”")
    accepted_at = check_not_future(intake.accepted_at or now, now).replace(microsecond=0)
    # Validate the units before anything is written, so a refusal leaves nothing behind.
    if intake.lead_unit not in (None, ""):
        _active_unit(session, intake.lead_unit, "承办单位")  # type: ignore[arg-type]
        for co in intake.co_units:
            _active_unit(session, co, "协办单位")
    elif intake.co_units:
        raise ValidationError("指定协办单位前须先指定承办单位")
    elif intake.dispatch_note.strip():
        raise ValidationError("填写批转意见前须先指定承办单位")

    calendar = load_calendar(session)
    deadline = calendar.due(grade, accepted_at)
    seq, number = numbering.allocate(session, accepted_at.year)
    ticket = Ticket(
        number=number,
        year=accepted_at.year,
        seq=seq,
        status=Status.REGISTERED.value,
        grade=grade.value,
        source=source.value,
        category=category.value if category else None,
        form=form.value,
        confidential=intake.confidential,
        anonymous=intake.anonymous,
        reporter=_reporter(session, kind, name, company, phone),
        content=content,
        accepted_at=accepted_at,
        received_by=account_for(session, ctx.operator, now),
        due_date=deadline.due,
        due_provisional=deadline.provisional,
        clock_start=accepted_at,
        updated_at=now,
    )
    session.add(ticket)
    add_event(
        session,
        ctx,
        ticket,
        "registered",
        after={"number": number, "grade": grade, "status": Status.REGISTERED, "due_date": deadline.due},
    )
    if intake.lead_unit not in (None, ""):
        dispatch(session, ctx, ticket, intake.lead_unit, intake.co_units, intake.dispatch_note)  # type: ignore[arg-type]
    session.flush()
    return ticket


def _resolve(session: Session, ticket: Ticket | str) -> Ticket:
    return ticket if isinstance(ticket, Ticket) else get_ticket(session, ticket)


# The steps that need another right than HANDLE (the event kind names the step).
_PERMISSION_OF = {
    "voided": right_for(Action.VOID),
    "extension_approved": right_for(Action.DECIDE_EXTENSION),
    "extension_refused": right_for(Action.DECIDE_EXTENSION),
}


def _move(
    session: Session, ctx: Context, ticket: Ticket, target: Status | None, kind: str, **changes: Any
) -> None:
    """Apply ``changes`` (and the new status) to the ticket and record them as one event."""
    require(session, ctx, _PERMISSION_OF.get(kind, Permission.HANDLE))
    note = changes.pop("_note", "")
    if target is not None and target.value != ticket.status:
        changes["status"] = target.value
    before = _snapshot(ticket, tuple(changes))
    for key, value in changes.items():
        setattr(ticket, key, _plain(value) if isinstance(value, Enum) else value)
    ticket.updated_at = ctx.clock.now()
    add_event(session, ctx, ticket, kind, before=before, after=changes, note=note)
    session.flush()


def dispatch(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    lead_unit: str | int,
    co_units: tuple[str | int, ...] | list[str | int] = (),
    note: str = "",
) -> Ticket:
    """转办: to one lead unit, optionally co-units, with the window's dispatch note."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.DISPATCH)
    lead = _active_unit(session, lead_unit, "承办单位")
    co: list[Unit] = []
    for item in co_units:
        unit = _active_unit(session, item, "协办单位")
        if unit.id != lead.id and unit not in co:
            co.append(unit)
    note = clean_text(note, "批转意见", limit=MAX_NOTE, multiline=True)
    now = ctx.clock.now()
    session.add(Assignment(ticket=ticket, unit=lead, role=AssignmentRole.LEAD.value, assigned_at=now))
    for unit in co:
        session.add(Assignment(ticket=ticket, unit=unit, role=AssignmentRole.CO.value, assigned_at=now))
    _move(
        session,
        ctx,
        ticket,
        target,
        "dispatched",
        dispatched_at=now,
        dispatch_note=note,
        _note="承办单位：" + lead.name + ("；协办单位：" + "、".join(u.name for u in co) if co else ""),
    )
    return ticket


def _reply_method(ticket: Ticket, method: ReplyMethod | str | None) -> ReplyMethod:
    """The way the reporter is told; a written complaint is answered in writing (section 三(六))."""
    written = ticket.form == ComplaintForm.WRITTEN.value
    if method in (None, ""):
        return ReplyMethod.WRITTEN if written else ReplyMethod.ORAL
    chosen = parse_enum(ReplyMethod, method, "答复方式")  # type: ignore[arg-type]
    if written and chosen is not ReplyMethod.WRITTEN:
        raise ValidationError("书面投诉必须书面答复，请选择“书面”答复方式")
    return chosen


def resolve_on_spot(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    result: str,
    reply_method: ReplyMethod | str | None = None,
) -> Ticket:
    """当场解决: blue only; the result and the reply to the reporter are recorded at once."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.RESOLVE_ON_SPOT)
    text = clean_text(result, "办理结果", limit=MAX_NOTE, required=True, multiline=True)
    now = ctx.clock.now()
    changes: dict[str, Any] = {"on_the_spot": True, "result_text": text, "result_at": now}
    if not ticket.anonymous:  # nobody to tell
        changes.update(reply_method=_reply_method(ticket, reply_method), reply_text=text, reply_at=now)
    _move(session, ctx, ticket, target, "resolved_on_spot", **changes)
    return ticket


def record_result(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    text: str,
    signer: str = "",
    phone: str = "",
    at: datetime | None = None,
) -> Ticket:
    """办结: the unit's written result, the signing leader and the unit's contact phone."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.RECORD_RESULT)
    result = clean_text(text, "办理结果", limit=MAX_NOTE, required=True, multiline=True)
    signer = clean_text(signer, "主管领导签字", limit=MAX_NAME)
    phone = normalize_phone(phone, required=False)
    when = _when(ctx, ticket, at, "办结时间")
    _move(
        session,
        ctx,
        ticket,
        target,
        "result_recorded",
        result_text=result,
        result_signer=signer,
        result_phone=phone,
        result_at=when,
    )
    return ticket


def reply(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    method: ReplyMethod | str,
    text: str,
    at: datetime | None = None,
) -> Ticket:
    """反馈: what the reporter was told, how and when. Replying again (e.g. in writing after a call) is allowed."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.REPLY)
    method = parse_enum(ReplyMethod, method, "答复方式")
    body = clean_text(text, "答复内容", limit=MAX_NOTE, required=True, multiline=True)
    when = _when(ctx, ticket, at, "答复时间")
    _move(session, ctx, ticket, target, "replied", reply_method=method, reply_text=body, reply_at=when)
    return ticket


def visit(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    satisfaction: Satisfaction | str,
    notes: str = "",
    visited_by: str = "",
    at: datetime | None = None,
) -> Ticket:
    """回访: 不满意 reopens the case with a fresh deadline; otherwise the ticket is visited."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.VISIT)
    level = parse_enum(Satisfaction, satisfaction, "满意度")
    notes = clean_text(notes, "回访情况", limit=MAX_NOTE, multiline=True)
    visited_by = clean_text(visited_by, "回访人", limit=MAX_NAME) or ctx.operator
    when = _when(ctx, ticket, at, "回访时间")
    _move(
        session,
        ctx,
        ticket,
        target,
        "visited",
        visit_at=when,
        visit_notes=notes,
        visit_by=visited_by,
        satisfaction=level,
    )
    if level is Satisfaction.UNSATISFIED:
        _reopen(session, ctx, ticket)
    return ticket


def _reopen(session: Session, ctx: Context, ticket: Ticket) -> None:
    """An unsatisfied reporter reopens the case: back to the lead unit, the deadline counted afresh."""
    now = ctx.clock.now()
    deadline = load_calendar(session).due(Grade(ticket.grade), now)
    target = Status.DISPATCHED if lead_assignment(ticket) else Status.REGISTERED
    _move(
        session,
        ctx,
        ticket,
        target,
        "reopened",
        clock_start=now,
        due_date=deadline.due,
        due_provisional=deadline.provisional,
        on_the_spot=False,
        result_text="",
        result_signer="",
        result_phone="",
        result_at=None,
        reply_method=None,
        reply_text="",
        reply_at=None,
        explanation="",
        _note="回访不满意，重新办理",
    )


def close(session: Session, ctx: Context, ticket: Ticket | str, note: str = "") -> Ticket:
    """结案. A written complaint needs a written reply first; an anonymous one needs no reply at all."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.CLOSE)
    note = clean_text(note, "结案说明", limit=MAX_NOTE, multiline=True)
    if ticket.anonymous and not ticket.reply_at:
        note = ANONYMOUS_CLOSE_NOTE + ("；" + note if note else "")
    _move(session, ctx, ticket, target, "closed", closed_at=ctx.clock.now(), close_note=note)
    return ticket


def archive(session: Session, ctx: Context, ticket: Ticket | str) -> Ticket:
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.ARCHIVE)
    _move(session, ctx, ticket, target, "archived", archived_at=ctx.clock.now())
    return ticket


def explain(
    session: Session,
    ctx: Context,
    ticket: Ticket | str,
    text: str,
    method: ReplyMethod | str | None = None,
    library: int | str | None = None,
) -> Ticket:
    """解释说明: outside the scope, or not solvable for policy or legal reasons; the reporter is told why.

    ``library``: the 知识库 entry (id or title) the explanation was taken from; an empty ``text``
    takes the entry's words and citation as they are."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.EXPLAIN)
    entry = None
    if library not in (None, ""):
        from bbc_desktop.core.knowledge import find_entry, told_text

        entry = find_entry(session, library)  # type: ignore[arg-type]
        if not entry.active:
            raise ValidationError(f"知识库条目“{entry.title}”已停用，请选择其他条目")
        if not (text or "").strip():
            text = told_text(entry.text, entry.citation)
    body = clean_text(text, "解释说明内容", limit=MAX_NOTE, required=True, multiline=True)
    now = ctx.clock.now()
    changes: dict[str, Any] = {"explanation": body}
    if entry is not None:
        changes["explanation_id"] = entry.id
    if not ticket.anonymous:
        changes.update(reply_method=_reply_method(ticket, method), reply_text=body, reply_at=now)
    _move(session, ctx, ticket, target, "explained", **changes)
    return ticket


def escalate(session: Session, ctx: Context, ticket: Ticket | str, note: str = "") -> Ticket:
    """督办/移交: the target follows from the grade (and, for blue, from being overdue)."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.ESCALATE, ctx.clock)
    to = lifecycle.escalation_target(Grade(ticket.grade), is_overdue(ticket, ctx.clock.today()))
    note = clean_text(note, "移交说明", limit=MAX_NOTE, multiline=True)
    _move(
        session, ctx, ticket, target, "escalated", escalated_to=to, escalated_at=ctx.clock.now(), _note=note
    )
    return ticket


def reassign(session: Session, ctx: Context, ticket: Ticket | str, unit: str | int, reason: str) -> Ticket:
    """改派: the lead unit returns the case and another takes it; the deadline is counted afresh."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.REASSIGN)
    reason = clean_text(reason, "改派理由", limit=MAX_NOTE, required=True, multiline=True)
    new_unit = _active_unit(session, unit, "承办单位")
    now = ctx.clock.now()
    current = lead_assignment(ticket)
    if current is not None and current.unit_id == new_unit.id:
        raise ValidationError(f"工单已由“{new_unit.name}”承办，请选择其他单位")
    for assignment in [current, *[a for a in co_assignments(ticket) if a.unit_id == new_unit.id]]:
        if assignment is not None:
            assignment.ended_at = now
    session.add(Assignment(ticket=ticket, unit=new_unit, role=AssignmentRole.LEAD.value, assigned_at=now))
    deadline = load_calendar(session).due(Grade(ticket.grade), now)
    _move(
        session,
        ctx,
        ticket,
        target,
        "reassigned",
        clock_start=now,
        due_date=deadline.due,
        due_provisional=deadline.provisional,
        acknowledged_at=None,  # the new unit signs for its own slip
        acknowledged_by="",
        acknowledged_how=None,
        _note=f"由“{current.unit.name if current else '无'}”改派至“{new_unit.name}”：{reason}",
    )
    return ticket


def change_grade(
    session: Session, ctx: Context, ticket: Ticket | str, grade: Grade | str, reason: str
) -> Ticket:
    """调整牌色, with a reason; the deadline is recomputed from where the clock started."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.CHANGE_GRADE)
    new = parse_enum(Grade, grade, "牌色", GRADES)
    reason = clean_text(reason, "调整理由", limit=MAX_NOTE, required=True, multiline=True)
    if new.value == ticket.grade:
        raise ValidationError(f"工单已是{new.label}")
    changes: dict[str, Any] = {}
    if ticket.grade == Grade.UNKNOWN.value:
        # Imported from an old ledger and graded now: the window takes the case up today, so its
        # deadline counts from now, not from an acceptance months ago (that stays on record).
        changes["clock_start"] = ctx.clock.now().replace(microsecond=0)
        reason += "（旧台账导入件，办理期限自定级之时起算）"
    deadline = load_calendar(session).due(new, changes.get("clock_start", ticket.clock_start))
    _move(
        session,
        ctx,
        ticket,
        target,
        "grade_changed",
        grade=new,
        due_date=deadline.due,
        due_provisional=deadline.provisional,
        **changes,
        _note=reason,
    )
    return ticket


def void(session: Session, ctx: Context, ticket: Ticket | str, reason: str) -> Ticket:
    """作废: entered by mistake. The ticket and its number stay; it is frozen from now on."""
    ticket = _resolve(session, ticket)
    target = _require(ticket, Action.VOID)
    reason = clean_text(reason, "作废理由", limit=MAX_NOTE, required=True, multiline=True)
    changes: dict[str, Any] = {"voided_at": ctx.clock.now(), "void_reason": reason}
    if ticket.pending:  # a unit's request on a ticket that never was: closed with it
        from bbc_desktop.core.unit_side import pending_request

        request = pending_request(session, ticket)
        if request is not None:
            request.decision, request.decided_at, request.decision_note = "voided", ctx.clock.now(), reason
        changes["pending"] = None
    _move(session, ctx, ticket, target, "voided", **changes)
    return ticket


def recompute_deadlines(session: Session, ctx: Context, years: set[int]) -> int:
    """After the schedule of ``years`` changed: new due dates for tickets still awaiting a result."""
    calendar = load_calendar(session)
    changed = 0
    awaiting = [s.value for s in AWAITING_RESULT]
    for ticket in session.scalars(select(Ticket).where(Ticket.status.in_(awaiting))):
        if ticket.due_date is None:  # imported and not graded yet: no deadline to move
            continue
        if (
            ticket.clock_start.year not in years
            and ticket.due_date.year not in years
            and not ticket.due_provisional
        ):
            continue
        deadline = calendar.due(Grade(ticket.grade), ticket.clock_start)
        if (deadline.due, deadline.provisional) != (ticket.due_date, ticket.due_provisional):
            _move(
                session,
                ctx,
                ticket,
                None,
                "deadline_recomputed",
                due_date=deadline.due,
                due_provisional=deadline.provisional,
                _note="节假日安排变更，重新计算办理期限",
            )
            changed += 1
    return changed


def link(session: Session, ctx: Context, ticket: Ticket | str, other: Ticket | str) -> Ticket:
    """Record that ``ticket`` repeats ``other`` (the same reporter, the same matter). Both keep their own lifecycle."""
    require(session, ctx, Permission.HANDLE)
    ticket, other = _resolve(session, ticket), _resolve(session, other)
    if ticket.id == other.id:
        raise ValidationError("不能将工单与其自身关联")
    for frozen in (ticket, other):
        if Status(frozen.status) is Status.VOIDED:
            raise TransitionError(f"工单 {frozen.number} 已作废，不能关联")
    exists = session.scalar(
        select(TicketLink.id).where(
            ((TicketLink.ticket_id == ticket.id) & (TicketLink.linked_id == other.id))
            | ((TicketLink.ticket_id == other.id) & (TicketLink.linked_id == ticket.id))
        )
    )
    if exists:
        raise ValidationError(f"工单 {ticket.number} 与 {other.number} 已经关联")
    session.add(
        TicketLink(ticket_id=ticket.id, linked_id=other.id, kind="repeat", created_at=ctx.clock.now())
    )
    add_event(
        session,
        ctx,
        ticket,
        "linked",
        after={"linked": other.number},
        note=f"与 {other.number} 为同一事项的重复反映",
    )
    add_event(
        session,
        ctx,
        other,
        "linked",
        after={"linked": ticket.number},
        note=f"{ticket.number} 为同一事项的重复反映",
    )
    session.flush()
    return ticket
