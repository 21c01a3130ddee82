"""Reading tickets: filters done in SQL, the urgency order of the queue, and plain summaries for output."""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session, aliased, selectinload

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import (
    AWAITING_RESULT,
    FINISHED,
    AssignmentRole,
    Grade,
    Pending,
    ReporterKind,
    Status,
    parse_enum,
)
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.tickets import co_assignments, is_overdue, lead_assignment
from bbc_desktop.core.units import find_unit
from bbc_desktop.core.validation import parse_date
from bbc_desktop.db.models import (
    CHARS_TABLE,
    SEARCH_TABLE,
    Assignment,
    Reporter,
    Setting,
    Ticket,
    TicketLink,
    Unit,
)
from bbc_desktop.db.search import char_phrase

_AWAITING = sorted(s.value for s in AWAITING_RESULT)
# The first key of the queue order, written out literally (no bound parameters) so that SQLite
# recognises it as the expression of the index ix_tickets_queue (migration 0005), which then
# delivers the tickets already in order: no sort of the whole table at every start and search.
QUEUE_FLAG_SQL = "status NOT IN ({})".format(", ".join(f"'{v}'" for v in _AWAITING))
_NOT_AWAITING = literal_column(f"({QUEUE_FLAG_SQL})")
# A text search matching more tickets than this reads the queue index in order and keeps the
# matches, instead of looking up each match and sorting them (cheaper for the rare, not the common).
BROAD_SEARCH = 20_000


@dataclass
class TicketFilter:
    statuses: tuple[Status, ...] = ()
    grades: tuple[Grade, ...] = ()
    unit: str | None = None
    overdue: bool = False
    due_soon: bool = False  # awaiting a result and due today or on the next working day
    due_today: bool = False  # awaiting a result and due today
    awaiting: bool = False  # registered, dispatched or escalated: the unit's result is not in yet
    # The unit's side: "unacknowledged" (held by a unit that has not signed for the slip),
    # "send_back" / "extension" (its request awaits the window's ruling).
    unit_side: str = ""
    accepted_from: date | None = None
    accepted_to: date | None = None
    text: str = ""

    @classmethod
    def parse(
        cls,
        status: str | None = None,
        grade: str | None = None,
        unit: str | None = None,
        overdue: bool = False,
        due_soon: bool = False,
        accepted_from: str | None = None,
        accepted_to: str | None = None,
        text: str | None = None,
    ) -> TicketFilter:
        """From user text; each of status/grade may list several values separated by commas."""
        statuses = tuple(parse_enum(Status, s, "状态") for s in (status or "").split(",") if s.strip())
        grades = tuple(parse_enum(Grade, g, "牌色") for g in (grade or "").split(",") if g.strip())
        start = parse_date(accepted_from, "受理日期（起）") if accepted_from else None
        end = parse_date(accepted_to, "受理日期（止）") if accepted_to else None
        if start and end and start > end:
            raise ValidationError("受理日期的起始日不能晚于截止日")
        return cls(
            statuses=statuses,
            grades=grades,
            unit=unit or None,
            overdue=overdue,
            due_soon=due_soon,
            accepted_from=start,
            accepted_to=end,
            text=(text or "").strip(),
        )


UNACKNOWLEDGED = "unacknowledged"
_WITH_UNIT = (Status.DISPATCHED.value, Status.ESCALATED.value)


ACK_RECORDED_SINCE = "ack_recorded_since"  # a setting: written by migration 0009 where tickets existed


def ack_recorded_since(session: Session) -> datetime | None:
    """Since when acknowledgements are recorded: a database upgraded with tickets already out at
    units knows nothing of their signatures, and does not call them missing."""
    row = session.get(Setting, ACK_RECORDED_SINCE)
    try:
        return datetime.fromisoformat(row.value) if row is not None and row.value else None
    except ValueError:
        return None


def _lead_assigned(*conditions):  # type: ignore[no-untyped-def]
    return exists().where(
        Assignment.ticket_id == Ticket.id,
        Assignment.role == AssignmentRole.LEAD.value,
        Assignment.ended_at.is_(None),
        *conditions,
    )


def unacknowledged_clause(since: datetime | None = None):  # type: ignore[no-untyped-def]
    """Held by a unit (dispatched or escalated) that has not signed for the slip (one given to it
    ``since`` acknowledgements are recorded)."""
    clause = and_(Ticket.status.in_(_WITH_UNIT), Ticket.acknowledged_at.is_(None))
    return clause if since is None else and_(clause, _lead_assigned(Assignment.assigned_at >= since))


def late_acknowledgement_clause(today: date, calendar: WorkCalendar, since: datetime | None = None):  # type: ignore[no-untyped-def]
    """Not acknowledged within one working day of the (re)assignment: the working day after the
    assignment's day has passed. Its day is before the last working day before today."""
    cutoff = datetime.combine(calendar.previous_workday(today), datetime.min.time())
    late = [Assignment.assigned_at < cutoff] + ([Assignment.assigned_at >= since] if since else [])
    return and_(Ticket.status.in_(_WITH_UNIT), Ticket.acknowledged_at.is_(None), _lead_assigned(*late))


def overdue_clause(today: date):  # type: ignore[no-untyped-def]
    return and_(Ticket.status.in_(_AWAITING), Ticket.due_date < today)


def filtered_ids(
    session: Session, flt: TicketFilter, today: date, calendar: WorkCalendar | None = None
) -> Select[tuple[int]]:
    """The ids matching ``flt`` in queue order: overdue first, then awaiting a result by due date, then the rest."""
    # Awaiting a result first, by due date: the overdue, whose due date has passed, lead. The same
    # order as "overdue, then due date" without a per-row CASE on today, so no extra sort is needed.
    # Undated (imported, not yet graded) tickets first among their kind: SQLite sorts NULL first by
    # itself (and reads that order from the queue index); PostgreSQL must be told.
    due = Ticket.due_date if session.get_bind().dialect.name == "sqlite" else Ticket.due_date.nulls_first()
    query = select(Ticket.id).order_by(_NOT_AWAITING, due, Ticket.id)
    soon_until = (calendar or WorkCalendar()).next_workday(today)
    if flt.statuses:
        query = query.where(Ticket.status.in_([s.value for s in flt.statuses]))
    if flt.grades:
        query = query.where(Ticket.grade.in_([g.value for g in flt.grades]))
    if flt.overdue:
        query = query.where(overdue_clause(today))
    if flt.awaiting:
        query = query.where(Ticket.status.in_(_AWAITING))
    if flt.due_today:
        query = query.where(Ticket.status.in_(_AWAITING), Ticket.due_date == today)
    if flt.unit_side == UNACKNOWLEDGED:
        query = query.where(unacknowledged_clause(ack_recorded_since(session)))
    elif flt.unit_side:
        query = query.where(Ticket.pending == Pending(flt.unit_side).value)
    if flt.due_soon:
        query = query.where(
            Ticket.status.in_(_AWAITING), Ticket.due_date >= today, Ticket.due_date <= soon_until
        )
    if flt.unit:
        unit = find_unit(session, flt.unit)
        query = query.where(
            exists().where(
                Assignment.ticket_id == Ticket.id,
                Assignment.unit_id == unit.id,
                Assignment.ended_at.is_(None),
            )
        )
    if flt.accepted_from:
        query = query.where(Ticket.accepted_at >= datetime.combine(flt.accepted_from, datetime.min.time()))
    if flt.accepted_to:
        query = query.where(Ticket.accepted_at < datetime.combine(flt.accepted_to, datetime.max.time()))
    if flt.text.strip():
        query = query.where(_text_match(session, flt.text.strip()))
    return query


@dataclass(frozen=True)
class QueueIds:
    """The ids of a filter in queue order and how many of them are overdue (the status bar's figures)."""

    ids: array[int]
    overdue: int


def queue_ids(
    session: Session, flt: TicketFilter, today: date, calendar: WorkCalendar | None = None
) -> QueueIds:
    """The ids of :func:`filtered_ids` in queue order, and how many of them are overdue."""
    ids = _plain_ids(session, filtered_ids(session, flt, today, calendar))
    if flt.overdue:
        return QueueIds(ids=ids, overdue=len(ids))
    # The overdue tickets lead the queue order (awaiting a result, due date passed), so they are the
    # leading run of ids found among all overdue tickets: a look at the queue index, whatever the
    # filter, instead of running a text search a second time.
    # Imported tickets not yet graded have no due date and sort before them (NULL first): skipped.
    late = set(_plain_ids(session, select(Ticket.id).where(overdue_clause(today))))
    undated = set(
        _plain_ids(session, select(Ticket.id).where(Ticket.status.in_(_AWAITING), Ticket.due_date.is_(None)))
    )
    overdue = 0
    for ticket_id in ids:
        if ticket_id in late:
            overdue += 1
        elif ticket_id not in undated or overdue:
            break
    return QueueIds(ids=ids, overdue=overdue)


def _plain_ids(session: Session, query: Select[tuple[int]]) -> array[int]:
    """The first column of ``query`` as 8-byte integers, straight from the driver's cursor.

    SQLAlchemy's row objects cost twice the query itself for 100 000 plain integers.
    """
    result = session.connection().execute(query)
    try:
        return array("q", [row[0] for row in result.cursor])
    finally:
        result.close()


# Where a paper lists tickets by unit, those the window has not dispatched (yet) stand under this.
NO_UNIT = "窗口尚未转办"


def outerjoin_lead_unit(query: Select) -> Select:  # type: ignore[type-arg]
    """``query`` over tickets, outer-joined to each ticket's current lead unit: select ``Unit.name``."""
    lead = aliased(Assignment)
    current = and_(
        lead.ticket_id == Ticket.id, lead.role == AssignmentRole.LEAD.value, lead.ended_at.is_(None)
    )
    return query.outerjoin(lead, current).outerjoin(Unit, Unit.id == lead.unit_id)


def _text_match(session: Session, needle: str):  # type: ignore[no-untyped-def]
    """Substring search over number, name, company, phone and content.

    On SQLite through the full-text indexes (db/search.py), milliseconds instead of a scan: a query
    of 3+ characters in the trigram index, a shorter one as a phrase of single-character tokens
    (unless it holds punctuation: then LIKE). Other backends use LIKE.
    """
    if session.get_bind().dialect.name == "sqlite":
        index, phrase = SEARCH_TABLE, '"' + needle.replace('"', '""') + '"'
        if len(needle) < 3:
            index, phrase = CHARS_TABLE, char_phrase(needle)
        if phrase is not None:
            hits = (
                select(literal_column("rowid"))
                .select_from(table(index))
                .where(text(f"{index} MATCH :phrase").bindparams(phrase=phrase))
            )
            probe = select(func.count()).select_from(hits.limit(BROAD_SEARCH).subquery())
            if session.scalar(probe) >= BROAD_SEARCH:
                # "+ 0" keeps SQLite from looking the matches up by id: it scans the queue index.
                return (Ticket.id + 0).in_(hits)
            return Ticket.id.in_(hits)
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    reporter = select(Reporter.id).where(
        or_(
            Reporter.name.like(like, escape="\\"),
            Reporter.company.like(like, escape="\\"),
            Reporter.phone.like(like, escape="\\"),
        )
    )
    return or_(
        Ticket.number.like(like, escape="\\"),
        Ticket.content.like(like, escape="\\"),
        Ticket.reporter_id.in_(reporter),
    )


def load_tickets(session: Session, ids: list[int]) -> list[Ticket]:
    """The tickets of ``ids`` with their units, in the order of ``ids``."""
    found: dict[int, Ticket] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.scalars(
            select(Ticket).where(Ticket.id.in_(chunk)).options(selectinload(Ticket.assignments))
        )
        found.update({t.id: t for t in rows})
    return [found[i] for i in ids if i in found]


def reporter_label(ticket: Ticket) -> str:
    """办理对象 as the ledger names it: the company, or the person; 匿名 when anonymous."""
    if ticket.anonymous:
        return "匿名"
    reporter = ticket.reporter
    if reporter.kind == ReporterKind.COMPANY.value:
        return reporter.company + (f"（{reporter.name}）" if reporter.name else "")
    return reporter.name


def summary(ticket: Ticket, today: date, calendar: WorkCalendar) -> dict[str, Any]:
    """A ticket as plain data (the JSON of ``bbc list`` / ``bbc show``)."""
    lead = lead_assignment(ticket)
    overdue = is_overdue(ticket, today)
    awaiting = Status(ticket.status) in AWAITING_RESULT
    return {
        "number": ticket.number,
        "status": ticket.status,
        "status_label": Status(ticket.status).label,
        "grade": ticket.grade,
        "grade_label": Grade(ticket.grade).label,
        "source": ticket.source,
        "category": ticket.category,
        "form": ticket.form,
        "confidential": ticket.confidential,
        "anonymous": ticket.anonymous,
        "reporter_kind": ticket.reporter.kind,
        "reporter": reporter_label(ticket),
        "name": ticket.reporter.name,
        "company": ticket.reporter.company,
        "phone": ticket.reporter.phone,
        "content": ticket.content,
        "accepted_at": ticket.accepted_at.isoformat(timespec="minutes"),
        "received_by": ticket.received_by.display_name if ticket.received_by else ticket.received_by_name,
        "unit": lead.unit.name if lead else None,
        "co_units": [a.unit.name for a in co_assignments(ticket)],
        "due": ticket.due_date.isoformat() if ticket.due_date else None,
        "provisional": ticket.due_provisional,
        "overdue": overdue,
        "overdue_workdays": calendar.workdays_between(ticket.due_date, today) if overdue else 0,
        "due_soon": awaiting and ticket.due_date is not None and calendar.is_due_soon(ticket.due_date, today),
        "dispatch_note": ticket.dispatch_note,
        "result": ticket.result_text,
        "result_at": ticket.result_at.isoformat(timespec="minutes") if ticket.result_at else None,
        "reply_method": ticket.reply_method,
        "reply": ticket.reply_text,
        "satisfaction": ticket.satisfaction,
        "escalated_to": ticket.escalated_to,
        "closed_at": ticket.closed_at.isoformat(timespec="minutes") if ticket.closed_at else None,
        "imported_from": ticket.import_source or None,
        "void_reason": ticket.void_reason,
        "pending": ticket.pending,
        "pending_label": Pending(ticket.pending).label if ticket.pending else None,
        "acknowledged_at": ticket.acknowledged_at.isoformat(timespec="minutes")
        if ticket.acknowledged_at
        else None,
        "acknowledged_by": ticket.acknowledged_by,
        "as_of": today.isoformat(),  # the day the flags above were worked out for
    }


def history(ticket: Ticket) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at.isoformat(timespec="seconds"),
            "kind": e.kind,
            "account": e.account.username if e.account else None,
            "before": e.before,
            "after": e.after,
            "note": e.note,
        }
        for e in ticket.events
    ]


def count_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all())  # type: ignore[arg-type]


@dataclass(frozen=True)
class Overview:
    """The few numbers a person wants first: how many, how many still open, late, due soon."""

    by_status: dict[str, int]
    awaiting_result: int
    overdue: int
    due_soon: int
    due_today: int
    late_acknowledgement: int = 0  # dispatched, not signed for within one working day
    send_backs: int = 0  # awaiting the window's ruling
    extensions: int = 0  # awaiting approval
    urge_due: int = 0  # overdue, no 催办通知书 for this deadline yet
    escalation_due: int = 0  # urged 5 working days ago, still without a result

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def overview(session: Session, today: date, calendar: WorkCalendar) -> Overview:
    from bbc_desktop.core.unit_side import escalation_due, urge_due  # it imports this module

    awaiting = Ticket.status.in_(_AWAITING)
    count = select(func.count()).select_from(Ticket)
    soon_until = calendar.next_workday(today)
    return Overview(
        by_status=count_by_status(session),
        awaiting_result=session.scalar(count.where(awaiting)) or 0,
        overdue=session.scalar(count.where(overdue_clause(today))) or 0,
        due_soon=session.scalar(
            count.where(awaiting, Ticket.due_date >= today, Ticket.due_date <= soon_until)
        )
        or 0,
        due_today=session.scalar(count.where(awaiting, Ticket.due_date == today)) or 0,
        late_acknowledgement=session.scalar(
            count.where(late_acknowledgement_clause(today, calendar, ack_recorded_since(session)))
        )
        or 0,
        send_backs=session.scalar(count.where(Ticket.pending == Pending.SEND_BACK.value)) or 0,
        extensions=session.scalar(count.where(Ticket.pending == Pending.EXTENSION.value)) or 0,
        urge_due=len(urge_due(session, today)),
        escalation_due=len(escalation_due(session, today, calendar)),
    )


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: only what the table shows, read in one query per page of ids."""

    id: int
    number: str
    grade: str
    status: str
    reporter: str
    phone: str
    confidential: bool
    unit: str
    accepted_at: datetime
    due_date: date | None  # None: imported, grade unknown
    provisional: bool
    content: str
    overdue: bool
    due_soon: bool
    pending: str | None = None  # a unit's request awaiting a ruling
    unacknowledged: bool = False  # held by a unit that has not signed for the slip
    late_acknowledgement: bool = False  # … for more than one working day


def queue_rows(session: Session, ids: list[int], today: date, calendar: WorkCalendar) -> list[QueueRow]:
    """The rows of ``ids`` in that order, without building ORM objects (the queue asks page by page)."""
    if not ids:
        return []
    lead = (
        select(Assignment.ticket_id, Unit.name.label("unit"), Assignment.assigned_at)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.role == AssignmentRole.LEAD.value, Assignment.ended_at.is_(None))
        .where(Assignment.ticket_id.in_(ids))
        .subquery()
    )
    query = (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.grade,
            Ticket.status,
            Ticket.anonymous,
            Ticket.confidential,
            Reporter.kind,
            Reporter.name,
            Reporter.company,
            Reporter.phone,
            lead.c.unit,
            Ticket.accepted_at,
            Ticket.due_date,
            Ticket.due_provisional,
            Ticket.pending,
            Ticket.acknowledged_at,
            lead.c.assigned_at,
            func.substr(Ticket.content, 1, 200),
        )
        .join(Reporter, Reporter.id == Ticket.reporter_id)
        .outerjoin(lead, lead.c.ticket_id == Ticket.id)
        .where(Ticket.id.in_(ids))
    )
    soon_until = calendar.next_workday(today)
    ack_cutoff = calendar.previous_workday(today)
    since = ack_recorded_since(session)
    rows: dict[int, QueueRow] = {}
    for r in session.execute(query):
        unacknowledged = (
            r.status in _WITH_UNIT
            and r.acknowledged_at is None
            and (since is None or (r.assigned_at is not None and r.assigned_at >= since))
        )
        awaiting = r.status in _AWAITING
        if r.anonymous:
            label = "匿名"
        elif r.kind == ReporterKind.COMPANY.value:
            label = r.company + (f"（{r.name}）" if r.name else "")
        else:
            label = r.name
        rows[r.id] = QueueRow(
            id=r.id,
            number=r.number,
            grade=r.grade,
            status=r.status,
            reporter=label,
            phone=r.phone,
            confidential=r.confidential,
            unit=r.unit or "",
            accepted_at=r.accepted_at,
            due_date=r.due_date,
            provisional=r.due_provisional,
            content=r[-1] or "",
            overdue=awaiting and r.due_date is not None and today > r.due_date,
            due_soon=awaiting and r.due_date is not None and today <= r.due_date <= soon_until,
            pending=r.pending,
            unacknowledged=unacknowledged,
            late_acknowledgement=unacknowledged
            and r.assigned_at is not None
            and r.assigned_at.date() < ack_cutoff,
        )
    return [rows[i] for i in ids if i in rows]


def find_by_number(session: Session, text: str) -> int | None:
    """The id of the ticket whose number is exactly ``text`` (a scanned or typed number), else None."""
    number = (text or "").strip().upper()
    if not number:
        return None
    return session.scalar(select(Ticket.id).where(func.upper(Ticket.number) == number))


def possible_repeats(
    session: Session, phone: str = "", company: str = "", exclude_id: int | None = None, limit: int = 5
) -> list[Ticket]:
    """Open tickets from the same reporter (same phone, or same company name): a possible repeat report."""
    conditions = []
    if phone:
        conditions.append(Reporter.phone == phone)
    if company and len(company.strip()) >= 4:
        conditions.append(Reporter.company == company.strip())
    if not conditions:
        return []
    query = (
        select(Ticket)
        .join(Reporter, Reporter.id == Ticket.reporter_id)
        .where(or_(*conditions), Ticket.status.notin_([s.value for s in FINISHED]))
        .order_by(Ticket.accepted_at.desc())
        .limit(limit)
    )
    if exclude_id is not None:
        query = query.where(Ticket.id != exclude_id)
    return list(session.scalars(query))


def linked_tickets(session: Session, ticket_id: int) -> list[Ticket]:
    """Tickets linked to this one, in either direction."""
    other = case((TicketLink.ticket_id == ticket_id, TicketLink.linked_id), else_=TicketLink.ticket_id)
    ids = select(other).where(or_(TicketLink.ticket_id == ticket_id, TicketLink.linked_id == ticket_id))
    return list(session.scalars(select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.accepted_at)))
