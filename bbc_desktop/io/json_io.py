"""The full-fidelity JSON export and its all-or-nothing import (format described in docs/json-format.md).

An export holds every ticket with its whole history, the units, accounts, holiday overrides,
number sequences and settings. Database ids never appear: records refer to each other by
ticket number, unit name and account username, so an export loads into any database.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, insert, select
from sqlalchemy.orm import Session, selectinload

from bbc_desktop.core.audit import highest_event_id, seal
from bbc_desktop.core.domain import (
    AssignmentRole,
    Category,
    ComplaintForm,
    Grade,
    ReplyMethod,
    ReporterKind,
    Role,
    Satisfaction,
    Source,
    Status,
)
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.db.models import (
    Account,
    Assignment,
    Attachment,
    Event,
    Explanation,
    HolidayOverride,
    NumberSequence,
    Reporter,
    Setting,
    Ticket,
    Unit,
    UnitRequest,
    Urge,
)

FORMAT = "bbc-desktop-export"
VERSION = 1

# Ticket columns that are references or internal; everything else is exported as is.
_TICKET_SKIP = {"id", "reporter_id", "received_by_id", "explanation_id"}  # the last by its title
_TICKET_COLUMNS = [c for c in Ticket.__table__.columns if c.name not in _TICKET_SKIP]
_UNIT_COLUMNS = [c for c in Unit.__table__.columns if c.name != "id"]
_EXPLANATION_COLUMNS = [c for c in Explanation.__table__.columns if c.name != "id"]
# A unit's request: its references (units, the deciding account) go by name.
_REQUEST_COLUMNS = [
    c
    for c in UnitRequest.__table__.columns
    if c.name not in {"id", "ticket_id", "unit_id", "new_unit_id", "decided_by_id"}
]
_ACCOUNT_COLUMNS = [c for c in Account.__table__.columns if c.name != "id"]
_ENUMS: dict[str, type] = {
    "status": Status,
    "grade": Grade,
    "source": Source,
    "category": Category,
    "form": ComplaintForm,
    "reply_method": ReplyMethod,
    "satisfaction": Satisfaction,
}


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(obj: Any, columns: list[Any]) -> dict[str, Any]:
    return {c.name: _out(getattr(obj, c.key)) for c in columns}


def export_data(session: Session) -> dict[str, Any]:
    """Everything in the database as plain JSON-ready data, in a stable order."""
    tickets = session.scalars(
        select(Ticket)
        .order_by(Ticket.year, Ticket.seq, Ticket.id)
        .options(
            selectinload(Ticket.assignments),
            selectinload(Ticket.events),
            selectinload(Ticket.attachments),
        )
    )
    accounts = {a.id: a.username for a in session.scalars(select(Account))}
    library = list(session.scalars(select(Explanation).order_by(Explanation.title)))
    titles = {e.id: e.title for e in library}
    requests: dict[int, list[dict[str, Any]]] = {}
    for r in session.scalars(select(UnitRequest).order_by(UnitRequest.id)):
        requests.setdefault(r.ticket_id, []).append(
            {
                **{c.name: _out(getattr(r, c.key)) for c in _REQUEST_COLUMNS},
                "unit": r.unit.name,
                "new_unit": r.new_unit.name if r.new_unit else None,
                "decided_by": accounts.get(r.decided_by_id) if r.decided_by_id else None,
            }
        )
    urges: dict[int, list[dict[str, Any]]] = {}
    for u in session.scalars(select(Urge).order_by(Urge.id)):
        urges.setdefault(u.ticket_id, []).append(
            {
                "unit": u.unit.name,
                "at": _out(u.at),
                "kind": u.kind,
                "due_date": _out(u.due_date),
                "copied_to": u.copied_to,
                "account": accounts.get(u.account_id) if u.account_id else None,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "settings": {s.key: s.value for s in session.scalars(select(Setting).order_by(Setting.key))},
        "units": [
            _row(u, _UNIT_COLUMNS) for u in session.scalars(select(Unit).order_by(Unit.sort_order, Unit.name))
        ],
        "accounts": [
            _row(a, _ACCOUNT_COLUMNS) for a in session.scalars(select(Account).order_by(Account.username))
        ],
        "holidays": [
            {"date": h.day.isoformat(), "workday": h.workday, "name": h.name}
            for h in session.scalars(select(HolidayOverride).order_by(HolidayOverride.day))
        ],
        "sequences": [
            {"year": s.year, "last_seq": s.last_seq}
            for s in session.scalars(select(NumberSequence).order_by(NumberSequence.year))
        ],
        "explanations": [_row(e, _EXPLANATION_COLUMNS) for e in library],
        "tickets": [
            _ticket_out(t, accounts)
            | {
                "explanation_title": titles.get(t.explanation_id) if t.explanation_id else None,
                "unit_requests": requests.get(t.id, []),
                "urges": urges.get(t.id, []),
            }
            for t in tickets
        ],
    }


def _ticket_out(ticket: Ticket, accounts: dict[int, str]) -> dict[str, Any]:
    data = _row(ticket, _TICKET_COLUMNS)
    reporter = ticket.reporter
    data["reporter"] = {
        "kind": reporter.kind,
        "name": reporter.name,
        "company": reporter.company,
        "phone": reporter.phone,
    }
    data["received_by"] = accounts.get(ticket.received_by_id) if ticket.received_by_id else None
    data["assignments"] = [
        {
            "unit": a.unit.name,
            "role": a.role,
            "assigned_at": _out(a.assigned_at),
            "ended_at": _out(a.ended_at),
        }
        for a in ticket.assignments
    ]
    data["events"] = [
        {
            "at": _out(e.at),
            "kind": e.kind,
            "account": accounts.get(e.account_id) if e.account_id else None,
            "before": e.before,
            "after": e.after,
            "note": e.note,
        }
        for e in ticket.events
    ]
    data["attachments"] = [
        {
            "filename": a.filename,
            "media_type": a.media_type,
            "size": a.size,
            "sha256": a.sha256,
            "stored_path": a.stored_path,
            "added_at": _out(a.added_at),
            "added_by": accounts.get(a.added_by_id) if a.added_by_id else None,
        }
        for a in ticket.attachments
    ]
    return data


class _Problems:
    """Collects every bad record so that one import run names them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}：{message}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = self.items[:30]
            more = f"\n……另有{len(self.items) - 30}处问题" if len(self.items) > 30 else ""
            raise ValidationError(
                f"导入文件有{len(self.items)}处问题，未导入任何数据：\n" + "\n".join(shown) + more
            )


def _parse_value(column: Any, value: Any, where: str, problems: _Problems) -> Any:
    if value is None:
        if not column.nullable:
            problems.add(where, f"缺少“{column.name}”")
        return None
    try:
        if isinstance(column.type, DateTime):
            return datetime.fromisoformat(value)
        if isinstance(column.type, Date):
            return date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.add(where, f"“{column.name}”的日期时间“{value}”格式不正确")
        return None
    enum = _ENUMS.get(column.name)
    if enum is not None:
        try:
            enum(value)
        except ValueError:
            problems.add(where, f"“{column.name}”的取值“{value}”无效")
    return value


def _parse_time(
    value: Any, what: str, where: str, problems: _Problems, *, optional: bool = False
) -> datetime | None:
    if value is None and optional:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        problems.add(where, f"{what}“{value}”格式不正确")
        return None


def _parse_date(value: Any, where: str, problems: _Problems) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.add(where, f"日期“{value}”格式不正确")
        return None


def import_data(session: Session, data: Any) -> int:
    """Load an export into this database, all or nothing; returns the number of tickets added.

    Units, accounts and settings merge with what is there (the file's values win); a ticket
    whose number already exists is refused, as is any malformed record, each named.
    """
    problems = _Problems()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError("这不是本程序导出的数据文件（缺少格式标记 bbc-desktop-export）")
    if data.get("version") != VERSION:
        raise ValidationError(f"数据文件版本为“{data.get('version')}”，本程序只能导入版本 {VERSION}")
    for key in ("settings", "units", "accounts", "holidays", "sequences", "tickets", "explanations"):
        expected = dict if key == "settings" else list
        if not isinstance(data.get(key, expected()), expected):
            problems.add(key, "格式不正确")
    problems.raise_if_any()

    _merge_settings(session, data.get("settings", {}), problems)
    units = _merge_by_key(session, Unit, "name", _UNIT_COLUMNS, data.get("units", []), "单位", problems)
    accounts = _merge_by_key(
        session, Account, "username", _ACCOUNT_COLUMNS, data.get("accounts", []), "账号", problems
    )
    library = _merge_by_key(
        session,
        Explanation,
        "title",
        _EXPLANATION_COLUMNS,
        data.get("explanations", []),
        "知识库条目",
        problems,
    )
    _merge_holidays(session, data.get("holidays", []), problems)
    _merge_sequences(session, data.get("sequences", []), problems)
    problems.raise_if_any()
    mark = highest_event_id(session.connection())
    added = _insert_tickets(session, data.get("tickets", []), units, accounts, problems, mark, library)
    problems.raise_if_any()
    session.flush()
    return added


def _merge_settings(session: Session, settings: dict[str, Any], problems: _Problems) -> None:
    for key, value in settings.items():
        if not isinstance(value, str) or len(key) > 64:
            problems.add(f"设置“{key}”", "取值必须是文字")
            continue
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value


def _merge_by_key(
    session: Session,
    model: type[Unit] | type[Account] | type[Explanation],
    key: str,
    columns: list[Any],
    rows: list[Any],
    what: str,
    problems: _Problems,
) -> dict[str, int]:
    """Merge records identified by ``key`` (unit name, username): the file's values win."""
    existing = {getattr(obj, key): obj for obj in session.scalars(select(model))}
    for index, row in enumerate(rows, start=1):
        where = f"{what}第{index}条"
        if not isinstance(row, dict) or not isinstance(row.get(key), str) or not row[key].strip():
            problems.add(where, f"缺少{what}标识“{key}”")
            continue
        if model is Account and row.get("role") not in {r.value for r in Role}:
            problems.add(where, f"角色“{row.get('role')}”无效")
        values = {c.key: _parse_value(c, row.get(c.name), where, problems) for c in columns if c.name in row}
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**values)
            session.add(obj)
            existing[row[key]] = obj
        else:
            for name, value in values.items():
                setattr(obj, name, value)
    if problems.items:
        return {}
    session.flush()
    return {name: obj.id for name, obj in existing.items()}


def _merge_holidays(session: Session, rows: list[Any], problems: _Problems) -> None:
    for index, row in enumerate(rows, start=1):
        where = f"节假日第{index}条"
        try:
            day = date.fromisoformat(row["date"])
            workday = row["workday"]
            if not isinstance(workday, bool):
                raise TypeError
        except (TypeError, KeyError, ValueError):
            problems.add(where, "日期或类型格式不正确")
            continue
        override = session.get(HolidayOverride, day)
        if override is None:
            session.add(HolidayOverride(day=day, workday=workday, name=str(row.get("name", ""))))
        else:
            override.workday, override.name = workday, str(row.get("name", ""))


def _merge_sequences(session: Session, rows: list[Any], problems: _Problems) -> None:
    for index, row in enumerate(rows, start=1):
        try:
            year, last = int(row["year"]), int(row["last_seq"])
        except (TypeError, KeyError, ValueError):
            problems.add(f"编号序列第{index}条", "年份或序号格式不正确")
            continue
        sequence = session.get(NumberSequence, year)
        if sequence is None:
            session.add(NumberSequence(year=year, last_seq=last))
        else:
            sequence.last_seq = max(sequence.last_seq, last)


def _insert_tickets(
    session: Session,
    rows: list[Any],
    units: dict[str, int],
    accounts: dict[str, int],
    problems: _Problems,
    mark: int,
    library: dict[str, int] | None = None,
) -> int:
    """Insert the tickets with their history; ``mark``: the highest event id before (for the seal)."""
    library = library or {}
    taken = set(session.scalars(select(Ticket.number)))
    reporters = {
        (r.kind, r.name, r.company, r.phone): r.id
        for r in session.scalars(select(Reporter).order_by(Reporter.id))
    }
    ticket_rows: list[dict[str, Any]] = []
    children: list[tuple[list[dict[str, Any]], ...]] = []
    seen: set[str] = set()

    def account_id(name: Any, where: str) -> int | None:
        if name is None:
            return None
        if name not in accounts:
            problems.add(where, f"账号“{name}”不在文件的账号列表中")
            return None
        return accounts[name]

    for index, row in enumerate(rows, start=1):
        number = row.get("number") if isinstance(row, dict) else None
        where = f"工单 {number}（第{index}条）" if number else f"工单第{index}条"
        if not isinstance(row, dict) or not isinstance(number, str) or not number:
            problems.add(where, "缺少受理编号")
            continue
        if number in taken or number in seen:
            problems.add(where, "受理编号已存在")
            continue
        seen.add(number)
        values = {c.key: _parse_value(c, row.get(c.name), where, problems) for c in _TICKET_COLUMNS}
        rep = row.get("reporter")
        if not isinstance(rep, dict) or rep.get("kind") not in {k.value for k in ReporterKind}:
            problems.add(where, "反映人信息不完整")
            continue
        key = (rep["kind"], str(rep.get("name", "")), str(rep.get("company", "")), str(rep.get("phone", "")))
        if key not in reporters:
            reporters[key] = session.execute(
                insert(Reporter)
                .values(kind=key[0], name=key[1], company=key[2], phone=key[3])
                .returning(Reporter.id)
            ).scalar_one()
        values["reporter_id"] = reporters[key]
        values["received_by_id"] = account_id(row.get("received_by"), where)
        assignments = []
        for item in row.get("assignments") or []:
            if not isinstance(item, dict) or item.get("unit") not in units:
                problems.add(where, f"承办单位“{item.get('unit') if isinstance(item, dict) else item}”不存在")
                continue
            if item.get("role") not in {r.value for r in AssignmentRole}:
                problems.add(where, f"承办角色“{item.get('role')}”无效")
            assignments.append(
                {
                    "unit_id": units[item["unit"]],
                    "role": item.get("role"),
                    "assigned_at": _parse_time(item.get("assigned_at"), "转办时间", where, problems),
                    "ended_at": _parse_time(item.get("ended_at"), "结束时间", where, problems, optional=True),
                }
            )
        events = []
        for item in row.get("events") or []:
            if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
                problems.add(where, "历史记录格式不正确")
                continue
            events.append(
                {
                    "at": _parse_time(item.get("at"), "历史记录时间", where, problems),
                    "kind": item["kind"],
                    "account_id": account_id(item.get("account"), where),
                    "before": item.get("before"),
                    "after": item.get("after"),
                    "note": str(item.get("note") or ""),
                }
            )
        attachments = []
        for item in row.get("attachments") or []:
            if not isinstance(item, dict) or not item.get("filename") or not item.get("sha256"):
                problems.add(where, "附件信息不完整")
                continue
            attachments.append(
                {
                    "filename": item["filename"],
                    "media_type": item.get("media_type") or "application/octet-stream",
                    "size": int(item.get("size") or 0),
                    "sha256": item["sha256"],
                    "stored_path": item.get("stored_path") or "",
                    "added_at": _parse_time(item.get("added_at"), "附件时间", where, problems),
                    "added_by_id": account_id(item.get("added_by"), where),
                }
            )
        title = row.get("explanation_title")
        if title is not None and title not in library:
            problems.add(where, f"知识库条目“{title}”不在文件的知识库中")
        values["explanation_id"] = library.get(title) if title is not None else None
        requests = []
        for item in row.get("unit_requests") or []:
            if not isinstance(item, dict) or item.get("unit") not in units:
                problems.add(where, "承办单位的退单或延期申请记录不完整")
                continue
            if item.get("new_unit") is not None and item["new_unit"] not in units:
                problems.add(where, f"改派单位“{item['new_unit']}”不存在")
                continue
            request = {c.key: _parse_value(c, item.get(c.name), where, problems) for c in _REQUEST_COLUMNS}
            request.update(
                unit_id=units[item["unit"]],
                new_unit_id=units.get(item.get("new_unit")) if item.get("new_unit") else None,
                decided_by_id=account_id(item.get("decided_by"), where),
            )
            requests.append(request)
        urges = []
        for item in row.get("urges") or []:
            if not isinstance(item, dict) or item.get("unit") not in units:
                problems.add(where, "催办记录不完整")
                continue
            urges.append(
                {
                    "unit_id": units[item["unit"]],
                    "at": _parse_time(item.get("at"), "催办时间", where, problems),
                    "kind": str(item.get("kind") or "manual"),
                    "due_date": _parse_date(item.get("due_date"), where, problems),
                    "copied_to": str(item.get("copied_to") or ""),
                    "account_id": account_id(item.get("account"), where),
                }
            )
        ticket_rows.append(values)
        children.append((assignments, events, attachments, requests, urges))
    if problems.items or not ticket_rows:
        return 0
    # The plain table, not the ORM entity: the ORM would reset the version counter to 1.
    table = Ticket.__table__
    ticket_ids = list(
        session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), ticket_rows)
    )
    for table, position in ((Assignment, 0), (Event, 1), (Attachment, 2), (UnitRequest, 3), (Urge, 4)):
        batch = [
            dict(item, ticket_id=tid)
            for tid, kids in zip(ticket_ids, children, strict=True)
            for item in kids[position]
        ]
        if batch:
            session.execute(insert(table), batch)
    seal(session.connection(), after_id=mark)  # the imported history joins the audit chain, in its order
    return len(ticket_ids)


def write_export(session: Session, target: str | Path) -> int:
    """Export everything to ``target`` (written beside it first, then moved into place); returns the ticket count."""
    data = export_data(session)
    path = Path(target)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        partial.replace(path)
    except OSError as exc:
        raise ValidationError(f"无法写入文件“{path}”：{exc.strerror}") from exc
    return len(data["tickets"])
