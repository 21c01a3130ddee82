"""A tamper-evident audit trail: the history events form a hash chain.

Each event, once written, is *sealed* in the same transaction: it gets the next place in the chain
(``chain_no``) and ``hash = SHA-256(previous hash + its content)``, where the content is the
event's id, ticket, account, time, kind, before, after and note. Changing, removing or inserting
an event anywhere breaks the chain from there on, and :func:`verify` names the first event where
it breaks (``bbc check``).

The end of the chain is one row (``audit_head``): sealing updates it, so two counters writing at
the same moment on a shared server take turns and the chain never forks. The chain's order is
the order of sealing, not of ids (a transaction may take its ids before another that seals first).

Who seals: the ORM writes of every session (a flush listener, see :func:`install`), the bulk
writers (demo data, JSON import) by calling :func:`seal`, and migration 0007 for the history
written before the chain existed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from bbc_desktop.db.models import AuditHead, Event

__all__ = ["GENESIS", "ChainReport", "install", "seal", "verify", "verify_state"]

GENESIS = "0" * 64
_events = Event.__table__
_head = AuditHead.__table__
_CONTENT = (
    _events.c.id,
    _events.c.ticket_id,
    _events.c.account_id,
    _events.c.at,
    _events.c.kind,
    _events.c.before,
    _events.c.after,
    _events.c.note,
)


def _digest(previous: str, chain_no: int, row: Any) -> str:
    at = row.at.isoformat() if isinstance(row.at, datetime) else str(row.at)
    content = orjson.dumps(
        [chain_no, row.id, row.ticket_id, row.account_id, at, row.kind, row.before, row.after, row.note],
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(previous.encode() + content).hexdigest()


def _lock_head(connection: Connection) -> tuple[int, str]:
    """The chain's end, locked until the transaction ends (FOR UPDATE; SQLite locks the whole file)."""
    query = select(_head.c.chain_no, _head.c.hash).where(_head.c.id == 1).with_for_update()
    row = connection.execute(query).first()
    if row is None:
        dialect = connection.dialect.name
        if dialect in ("postgresql", "sqlite"):
            module = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["insert"])
            connection.execute(
                module.insert(_head).values(id=1, chain_no=0, hash=GENESIS).on_conflict_do_nothing()
            )
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            connection.execute(insert(_head).values(id=1, chain_no=0, hash=GENESIS))
        row = connection.execute(query).first()
    assert row is not None
    return row.chain_no, row.hash


_BATCH = 5000


def seal(connection: Connection, ids: Sequence[int] | None = None, after_id: int | None = None) -> int:
    """Seal events into the chain, in id order; returns how many were sealed.

    Only the writer's own: ``ids`` (an ORM flush), or every event above ``after_id`` (a bulk write
    that noted the highest id before it began). An event written around the program stays outside
    the chain, where ``verify`` finds it — the next ordinary write must not adopt it. With neither
    (migration 0007): the whole history, in batches, without holding it in memory.
    """
    unsealed = select(*_CONTENT).where(_events.c.chain_no.is_(None)).order_by(_events.c.id)
    if ids is not None:
        if not ids:
            return 0
        unsealed = unsealed.where(_events.c.id.in_(sorted(ids)))
    elif after_id is not None:
        unsealed = unsealed.where(_events.c.id > after_id)
    if connection.execute(unsealed.limit(1)).first() is None:
        return 0
    chain_no, previous = _lock_head(connection)
    statement = (
        update(_events)
        .where(_events.c.id == bindparam("event_id"))
        .values(chain_no=bindparam("n"), hash=bindparam("h"))
    )
    sealed, after = 0, 0
    while True:
        rows = connection.execute(unsealed.where(_events.c.id > after).limit(_BATCH)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            chain_no += 1
            previous = _digest(previous, chain_no, row)
            updates.append({"event_id": row.id, "n": chain_no, "h": previous})
        connection.execute(statement, updates)
        sealed += len(rows)
        after = rows[-1].id
    connection.execute(update(_head).where(_head.c.id == 1).values(chain_no=chain_no, hash=previous))
    return sealed


_PENDING = "bbc_audit_new_events"


def _after_flush(session: Session, _context: object) -> None:
    new = [obj for obj in session.new if isinstance(obj, Event)]
    if new:
        session.info.setdefault(_PENDING, []).extend(new)


def _after_flush_postexec(session: Session, _context: object) -> None:
    new = session.info.pop(_PENDING, None)
    if not new:
        return
    seal(session.connection(), ids=[obj.id for obj in new])
    for obj in new:  # the ORM objects learn their place in the chain on next access
        session.expire(obj, ["chain_no", "hash"])


def install() -> None:
    """Seal the events of every ORM flush (called once, when the database layer is imported)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)


@dataclass(frozen=True)
class ChainReport:
    events: int
    problem: str = ""  # the first thing wrong, in Chinese; empty when the chain is whole
    event_id: int | None = None  # the event where it breaks
    # The chain's last hash. Written down outside the database (a printout, a backup's name), it
    # shows later whether the whole history was rewritten, which no check inside the file can.
    head: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _describe(row: Any) -> str:
    at = row.at.isoformat(sep=" ", timespec="minutes") if isinstance(row.at, datetime) else str(row.at)
    return f"事件 {row.id}（{at}，{row.kind}）"


def _stream(connection: Connection) -> Iterator[Any]:
    query = (
        select(_events.c.chain_no, _events.c.hash, *_CONTENT)
        .where(_events.c.chain_no.is_not(None))
        .order_by(_events.c.chain_no)
        .execution_options(yield_per=5000)
    )
    yield from connection.execute(query)


def verify(connection: Connection) -> ChainReport:
    """Walk the whole chain; report the first event whose place or content does not fit."""
    previous, expected, count = GENESIS, 1, 0
    for row in _stream(connection):
        if row.chain_no != expected:
            missing = f"第 {expected} 条" if row.chain_no > expected else f"第 {row.chain_no} 条重复"
            return ChainReport(
                count, f"审计链在{_describe(row)}之前缺少记录（{missing}），历史记录可能被删除", row.id
            )
        if _digest(previous, row.chain_no, row) != row.hash:
            return ChainReport(
                count, f"审计链在{_describe(row)}处断开：内容与校验值不符，该记录可能被改动", row.id
            )
        previous, expected, count = row.hash, expected + 1, count + 1
    head = connection.execute(select(_head.c.chain_no, _head.c.hash).where(_head.c.id == 1)).first()
    ends = (head.chain_no, head.hash) if head is not None else (0, GENESIS)
    if ends != (count, previous):
        return ChainReport(
            count, f"审计链末端（第 {ends[0]} 条）与现存记录（{count} 条）不符，最后的记录可能被删除"
        )
    loose = connection.execute(
        select(*_CONTENT).where(_events.c.chain_no.is_(None)).order_by(_events.c.id).limit(1)
    ).first()
    if loose is not None:
        return ChainReport(count, f"{_describe(loose)}不在审计链中，可能是绕过本程序写入的", loose.id)
    return ChainReport(count, head=previous)


def highest_event_id(connection: Connection) -> int:
    """Noted by a bulk writer before it begins: it seals what it wrote above this."""
    from sqlalchemy import func

    return connection.scalar(select(func.coalesce(func.max(_events.c.id), 0))) or 0


def verify_state(connection: Connection) -> str:
    """Whether the current state agrees with the history: each ticket's status and each login
    account's role are what their last recorded change made them. A change made to the tables
    around the program (``UPDATE tickets SET status = …``) leaves the chain whole but shows here.
    Empty when they agree; else the first disagreement, in Chinese.
    """
    from bbc_desktop.db.models import Account, Ticket

    tickets = Ticket.__table__
    accounts = Account.__table__
    last_status: dict[int, str] = {}
    last_role: dict[str, str] = {}
    query = (
        select(_events.c.ticket_id, _events.c.kind, _events.c.after)
        .where(_events.c.after.is_not(None))
        .order_by(_events.c.id)
        .execution_options(yield_per=10000)
    )
    for ticket_id, kind, after in connection.execute(query):
        if ticket_id is not None and "status" in after:
            last_status[ticket_id] = after["status"]
        elif ticket_id is None and kind in ("account_created", "role_changed") and "role" in after:
            last_role[after.get("username", "")] = after["role"]
    for ticket_id, number, status in connection.execute(
        select(tickets.c.id, tickets.c.number, tickets.c.status).order_by(tickets.c.id)
    ):
        recorded = last_status.get(ticket_id)
        if recorded is not None and recorded != status:
            return f"工单 {number} 的状态与办理记录不符（记录为 {recorded}，现为 {status}），可能被绕过本程序改动"
    for username, role in connection.execute(
        select(accounts.c.username, accounts.c.role).where(accounts.c.password_hash.is_not(None))
    ):
        recorded = last_role.get(username)
        if recorded is not None and recorded != role:
            return f"账号 {username} 的角色与记录不符（记录为 {recorded}，现为 {role}），可能被绕过本程序改动"
    return ""
