"""Several counters on one database: no lost update, and writers that take turns without deadlock.

Run on SQLite files and, with ``BBC_TEST_PG``, on PostgreSQL (tests/databases.py).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bbc_desktop.core import numbering
from bbc_desktop.core import tickets as t
from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import Conflict
from bbc_desktop.db.models import Event, Ticket

INTAKE = t.Intake(content="营业执照变更窗口要求重复提交材料", name="赵敏", phone="13912345678")


def _dispatched(db, ctx) -> str:  # type: ignore[no-untyped-def]
    with db.session() as s:
        number = t.register(s, ctx, INTAKE).number
        t.dispatch(s, ctx, number, "区市场监督管理局")
    return number


def test_a_save_on_an_outdated_picture_is_refused_and_overwrites_nothing(db, ctx, clock):
    number = _dispatched(db, ctx)
    with db.session() as s:
        seen = t.get_ticket(s, number).version  # counter 1 shows the ticket
    other = Context(clock=clock, operator="李四")  # counter 2 records the unit's result meanwhile
    with db.session() as s:
        t.record_result(s, other, number, "已为企业办结变更登记", "张局长", "0372-1234567")
    with db.session() as s:
        events_before = s.scalar(select(func.count()).select_from(Event))
    with pytest.raises(Conflict) as refused, db.session() as s:
        t.expect_version(s, number, seen)
        t.record_result(s, ctx, number, "另一份结果", "王局长", "0372-7654321")
    assert "在您打开后已被修改" in refused.value.message
    assert "李四" in refused.value.message and "登记办理结果" in refused.value.message
    with db.session() as s:
        ticket = t.get_ticket(s, number)
        assert (ticket.result_text, ticket.result_signer) == ("已为企业办结变更登记", "张局长")
        assert s.scalar(select(func.count()).select_from(Event)) == events_before
        # On the new picture the step is decided afresh: here the core refuses it by state.
        assert t.expect_version(s, number, ticket.version) is ticket


def test_a_change_between_read_and_write_of_one_unit_is_a_conflict(db, ctx, clock):
    """The version column catches what slips between a unit's read and its write."""
    number = _dispatched(db, ctx)
    first = db.sessions()
    try:
        mine = first.scalar(select(Ticket).where(Ticket.number == number))
        assert mine is not None
        with db.session() as s:  # another counter commits in between
            t.record_result(
                s, Context(clock=clock, operator="李四"), number, "已办结", "张局长", "0372-1234567"
            )
        mine.dispatch_note = "改写"
        with pytest.raises(Conflict, match="刚被其他窗口修改过"), db.session() as s:
            s.merge(mine)
    finally:
        first.close()
    with db.session() as s:
        assert t.get_ticket(s, number).dispatch_note != "改写"


def test_writers_wait_for_each_other_instead_of_deadlocking(db, ctx, clock):
    """One writer holds the audit chain's end (it wrote an event) and then wants the year's number
    row; another took the number row first. Writers queue before their first write, so the second
    waits for the first to commit instead of both waiting for each other."""
    _dispatched(db, ctx)
    first_wrote = threading.Event()
    results: list[object] = []

    def counter() -> None:
        first_wrote.wait(10)
        try:
            with db.session() as s:
                results.append(
                    t.register(s, Context(clock=FixedClock(clock.now()), operator="李四"), INTAKE).number
                )
        except Exception as exc:
            results.append(exc)

    thread = threading.Thread(target=counter)
    thread.start()
    with db.session() as s:
        t.change_grade(s, ctx, "BBC-2026-0001", "red", "涉及多个部门")
        s.flush()  # this writer's event is sealed: it holds the chain's end until it commits
        first_wrote.set()
        thread.join(0.5)  # the other counter is now waiting for us
        numbering.claim(s, 2026, 7)  # and we want the number row (an imported ledger's own number)
    thread.join(30)
    assert results == ["BBC-2026-0008"]
    with db.session() as s:
        assert s.scalar(select(func.max(Ticket.seq)).where(Ticket.year == 2026)) == 8
