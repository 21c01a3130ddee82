"""Importing a hand-kept Excel 台账 as historical tickets (``bbc import-ledger``, the import wizard).

Each row that :func:`bbc_desktop.io.legacy_ledger.read_legacy_ledger` found becomes one ticket, or
is skipped with its reason; the result lists every row's fate, so nothing disappears silently.

An imported ticket:

- keeps the ledger's 工单编号 when it is free (else the number gets a suffix, and a flag says so);
  a row without a number gets ``导入-{year}-{n}``. It takes no sequence number of its year.
- has grade ``unknown`` (未定级) and no due date: the old ledger did not record a grade, and a
  deadline is counted only once someone grades it (调整牌色, from the original acceptance time);
- is closed (已结案) when the row has a result, with the 办结时间 as its result and closing time;
  otherwise it is awaiting a result (已受理) and appears in the queue;
- remembers the row's fingerprint (``import_key``): importing the same ledger again adds nothing,
  and a later, longer version of the ledger adds only its new rows;
- has an ``imported`` event holding what the row said that has no column of its own (序号, 备注,
  the flags), with the file and line it came from.

Everything happens in the caller's transaction: :func:`preview` runs the same import and rolls it
back, so the preview shows exactly the numbers and fates the import will have.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import ComplaintForm, Grade, ReporterKind, Source, Status
from bbc_desktop.core.numbering import claim, parse_number
from bbc_desktop.core.permissions import Permission, require
from bbc_desktop.core.settings import get_setting
from bbc_desktop.core.tickets import add_event
from bbc_desktop.core.validation import MAX_COMPANY, MAX_CONTENT, MAX_NAME
from bbc_desktop.db.models import Event, Reporter, Ticket
from bbc_desktop.db.search import deferred_search_index
from bbc_desktop.io.legacy_ledger import LegacyLedger, LegacyRow

__all__ = ["ImportResult", "RowFate", "import_ledger", "preview"]

# A 办理对象 ending like this is a company or an organisation, not a person.
_ORGANISATION = re.compile(
    r"(公司|经营部|商行|超市|商店|门市部|厂|店|合作社|事务所|中心|医院|学校|协会|工作室|部)$"
)
_NUMBER_LIMIT = 40  # Ticket.number
_PHONE_LIMIT = 32  # Reporter.phone


@dataclass(frozen=True)
class RowFate:
    """What became of one row; ``ImportResult.fates`` has one per row of the ledger, in its order."""

    line: int
    imported: bool
    number: str = ""  # the ticket's number, when imported (or the earlier ticket's, when already imported)
    reason: str = ""  # why skipped
    flags: tuple[str, ...] = ()
    where: str = ""  # 第N行, or 工作表“…”第N行 in a workbook of several ledger sheets

    @property
    def text(self) -> str:
        where = self.where or f"第{self.line}行"
        if not self.imported:
            return f"{where}：跳过（{self.reason}）"
        note = f"（{'；'.join(self.flags)}）" if self.flags else ""
        return f"{where}：导入为 {self.number}{note}"


@dataclass
class ImportResult:
    source: str
    fates: list[RowFate] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(1 for f in self.fates if f.imported)

    @property
    def skipped(self) -> int:
        return sum(1 for f in self.fates if not f.imported)

    @property
    def flagged(self) -> int:
        return sum(1 for f in self.fates if f.imported and f.flags)

    @property
    def summary(self) -> str:
        text = f"“{self.source}”共 {len(self.fates)} 行：导入 {self.imported} 件"
        if self.flagged:
            text += f"（其中 {self.flagged} 件有待核实的情况）"
        return text + f"，跳过 {self.skipped} 行"


def _identity(row: LegacyRow, occurrence: int) -> str:
    """Which case a row is: its number and day of acceptance (or, without a number, who, what, when).

    Not the columns that a later version of the ledger fills in (处理结果, 办结时间, a phone number),
    so that importing the updated ledger does not import the same case a second time.
    """
    day = row.accepted_at.date().isoformat() if row.accepted_at else ""
    basis = ["number", row.number, day] if row.number else ["row", row.reporter, row.matter, day]
    return hashlib.sha256(orjson.dumps([*basis, occurrence])).hexdigest()


def _content(row: LegacyRow) -> str:
    """Everything the row says: to tell a re-imported row that changed since."""
    values = [
        row.number,
        row.reporter,
        row.phone,
        row.matter,
        row.received_by,
        row.accepted_at.isoformat() if row.accepted_at else "",
        row.result,
        row.finished_at.isoformat() if row.finished_at else "",
    ]
    return hashlib.sha256(orjson.dumps(values)).hexdigest()


class _Lookups:
    """What the import asks of the database once per ledger, not once per row (2 000 rows: 9 s before)."""

    def __init__(self, session: Session, ledger: LegacyLedger) -> None:
        self.session = session
        earlier = select(Ticket.import_key, Ticket.number, Ticket.id).where(Ticket.import_key.is_not(None))
        self.earlier: dict[str, tuple[str, int]] = {key: (n, i) for key, n, i in session.execute(earlier)}
        self.pattern = get_setting(session, "number_pattern")
        wanted = sorted({row.number[: _NUMBER_LIMIT - 8] for row in ledger.rows if row.number})
        self.taken: set[str] = set()
        self.own: set[str] = set()  # numbers of tickets this program registered (not imported)
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            query = select(Ticket.number, Ticket.import_key).where(Ticket.number.in_(part))
            for number, key in session.execute(query):
                self.taken.add(number)
                if key is None:
                    self.own.add(number)
        self.taken.update(session.scalars(select(Ticket.number).where(Ticket.number.like("导入-%"))))
        self.reporters: dict[tuple[str, str, str, str], Reporter] = {}
        self.next_plain: dict[int, int] = {}

    def content_of(self, ticket_id: int) -> str:
        """The content fingerprint the row had when it was imported (kept in the 'imported' event)."""
        after = self.session.scalar(
            select(Event.after).where(Event.ticket_id == ticket_id, Event.kind == "imported").limit(1)
        )
        return str((after or {}).get("content", ""))

    def reporter(self, text: str, phone: str) -> Reporter:
        """The same name and phone is the same reporter; without a phone, a name (李先生) says too
        little to join two rows: each gets its own."""
        if text and _ORGANISATION.search(text):
            key = (ReporterKind.COMPANY.value, "", text, phone)
        else:
            key = (ReporterKind.PERSON.value, text, "", phone)
        if not phone:
            kind, name, company, _ = key
            reporter = Reporter(kind=kind, name=name, company=company, phone="")
            self.session.add(reporter)
            return reporter
        reporter = self.reporters.get(key)
        if reporter is None:
            kind, name, company, _ = key
            reporter = self.session.scalar(
                select(Reporter)
                .where(Reporter.kind == kind, Reporter.name == name)
                .where(Reporter.company == company, Reporter.phone == phone)
                .limit(1)
            )
            if reporter is None:
                reporter = Reporter(kind=kind, name=name, company=company, phone=phone)
                self.session.add(reporter)
            self.reporters[key] = reporter
        return reporter

    def number(self, wanted: str, year: int) -> str:
        """The ledger's number when free, else with a suffix; without one, 导入-{year}-{n}."""
        if wanted:
            wanted = wanted[: _NUMBER_LIMIT - 8]
            if wanted not in self.taken:
                self.taken.add(wanted)
                return wanted
            like = Ticket.number.like(f"{wanted}-导入%")
            self.taken.update(self.session.scalars(select(Ticket.number).where(like)))
            for n in range(1, 1000):
                candidate = f"{wanted}-导入{n}"
                if candidate not in self.taken:
                    self.taken.add(candidate)
                    return candidate
        n = self.next_plain.get(year, 1)
        while f"导入-{year}-{n:03d}" in self.taken:
            n += 1
        self.next_plain[year] = n + 1
        candidate = f"导入-{year}-{n:03d}"
        self.taken.add(candidate)
        return candidate


def import_ledger(session: Session, ctx: Context, ledger: LegacyLedger) -> ImportResult:
    """Import every row of ``ledger`` that is not yet in the database; the caller commits."""
    require(session, ctx, Permission.IMPORT_LEDGER)
    now = ctx.clock.now().replace(microsecond=0)
    result = ImportResult(source=ledger.path.name)
    seen: Counter[str] = Counter()
    # The search index takes all new tickets in one statement at the end, not row by row.
    with deferred_search_index(session.connection()), session.no_autoflush:
        lookups = _Lookups(session, ledger)
        for row in ledger.rows:
            if row.skipped:
                result.fates.append(RowFate(row.line, False, reason=row.skipped, where=row.where))
                continue
            first = _identity(row, 0)
            key = _identity(row, seen[first])
            seen[first] += 1
            earlier = lookups.earlier.get(key)
            if earlier is not None:
                number, ticket_id = earlier
                reason = f"此前已导入为工单 {number}"
                if _content(row) != lookups.content_of(ticket_id):
                    reason += "；台账中该行此后有改动，未覆盖程序中的记录，请在程序中办理"
                result.fates.append(RowFate(row.line, False, number=number, reason=reason, where=row.where))
                continue
            if row.number and row.number in lookups.own:
                reason = f"编号 {row.number} 是本程序登记的工单（该台账可能由本程序导出）"
                result.fates.append(
                    RowFate(row.line, False, number=row.number, reason=reason, where=row.where)
                )
                continue
            result.fates.append(_import_row(session, ctx, ledger, row, key, now, lookups))
        session.flush()
    return result


def _import_row(
    session: Session,
    ctx: Context,
    ledger: LegacyLedger,
    row: LegacyRow,
    key: str,
    now: datetime,
    lookups: _Lookups,
) -> RowFate:
    flags = list(row.flags)
    accepted = row.accepted_at
    if accepted is None:
        accepted = row.finished_at or now
        flags.append("受理时间按办结时间记" if row.finished_at else "受理时间按导入时间记")
    if accepted > now:
        flags.append("受理时间晚于今天，按原样导入")
    finished = row.finished_at
    if finished is not None and finished.date() < accepted.date():
        flags.append("办结时间早于受理时间，按原样导入")
    number = lookups.number(row.number, accepted.year)
    if row.number and number != row.number[:_NUMBER_LIMIT]:
        flags.append(f"工单编号“{row.number}”已被占用，改为 {number}")
    # A number of the program's own form (the hall numbered by hand as the program does) keeps its
    # place in the year's sequence: the program's next number continues after it, never repeats it.
    year, seq = accepted.year, None
    own_form = parse_number(lookups.pattern, number)
    if own_form is not None:
        year, seq = own_form
        claim(session, year, seq)
    # Longer than the columns hold: cut, flagged, and the whole text kept in the import event.
    reporter_text, phone = row.reporter, row.phone
    limit = MAX_COMPANY if _ORGANISATION.search(reporter_text) else MAX_NAME
    if len(reporter_text) > limit:
        reporter_text = reporter_text[:limit]
        flags.append(f"办理对象超过{limit}个字，工单中为节选，全文见导入记录")
    if len(phone) > _PHONE_LIMIT:
        phone = phone[:_PHONE_LIMIT]
        flags.append(f"联系电话超过{_PHONE_LIMIT}个字符，工单中为节选，全文见导入记录")
    content = row.matter
    if len(content) > MAX_CONTENT:  # never silently cut: the whole text stays in the event
        content = content[:MAX_CONTENT]
        flags.append("反映事项过长，工单中为节选，全文见导入记录")
    closed = bool(row.result)
    ticket = Ticket(
        number=number,
        year=year,
        seq=seq,
        status=(Status.CLOSED if closed else Status.REGISTERED).value,
        grade=Grade.UNKNOWN.value,
        source=Source.OTHER.value,
        category=None,
        form=ComplaintForm.ORAL.value,
        reporter=lookups.reporter(reporter_text, phone),
        content=content,
        accepted_at=accepted,
        received_by_name=row.received_by[:64],
        due_date=None,
        due_provisional=False,
        clock_start=accepted,
        result_text=row.result,
        result_at=finished if closed else None,
        closed_at=(finished or accepted) if closed else None,
        close_note="从旧台账导入的已办结事项" if closed else "",
        import_key=key,
        import_source=f"{ledger.path.name[:200]} {row.where}"[:300],
        updated_at=now,
    )
    session.add(ticket)
    after: dict[str, object] = {
        "number": number,
        "grade": Grade.UNKNOWN,
        "status": ticket.status,
        "file": ledger.path.name,
        "sheet": row.sheet or ledger.sheet,
        "line": row.line,
        "content": _content(row),
    }
    if row.number:
        after["ledger_number"] = row.number
    if row.extra:
        after["extra"] = row.extra
    if flags:
        after["flags"] = flags
    if content != row.matter:
        after["matter"] = row.matter
    if reporter_text != row.reporter:
        after["reporter"] = row.reporter
    if phone != row.phone:
        after["phone"] = row.phone
    note = f"导入自“{ledger.path.name}”{row.where}"
    if flags:
        note += "；" + "；".join(flags)
    add_event(session, ctx, ticket, "imported", after=after, note=note)
    return RowFate(row.line, True, number=number, flags=tuple(flags), where=row.where)


def preview(session: Session, ctx: Context, ledger: LegacyLedger) -> ImportResult:
    """What :func:`import_ledger` would do, row by row, leaving the database as it was."""
    try:
        return import_ledger(session, ctx, ledger)
    finally:
        session.rollback()
