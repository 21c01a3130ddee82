"""The audit chain: every write is sealed; a changed, removed or smuggled-in event is found."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select, text, update

from bbc_desktop.core import tickets as t
from bbc_desktop.core.audit import GENESIS, verify
from bbc_desktop.core.context import Context
from bbc_desktop.db.models import AuditHead, Event


def _work(db, ctx) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        first = t.register(s, ctx, t.Intake(content="甲", name="张三", phone="13800000000"))
        t.dispatch(s, ctx, first, "区教育局")
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="乙", name="李四", phone="13900000000", lead_unit="区民政局"))
        t.record_result(s, ctx, "BBC-2026-0001", "已办结")


def _report(db):  # type: ignore[no-untyped-def]
    with db.engine.connect() as connection:
        return verify(connection)


def test_every_event_is_sealed_in_order(db, ctx):
    _work(db, ctx)
    with db.session() as s:
        rows = s.execute(select(Event.id, Event.chain_no, Event.hash).order_by(Event.chain_no)).all()
        assert [r.chain_no for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 5
        assert all(len(r.hash) == 64 for r in rows)
        head = s.get(AuditHead, 1)
        assert (head.chain_no, head.hash) == (len(rows), rows[-1].hash) and head.hash != GENESIS
        # An ORM event object learns its place without reloading the session.
        event = s.scalar(select(Event).order_by(Event.id.desc()).limit(1))
        assert event.chain_no == len(rows)
    report = _report(db)
    assert report.ok and report.events == len(rows)


def test_an_edited_event_is_named(db, ctx):
    _work(db, ctx)
    with db.session() as s:
        victim = s.scalar(select(Event.id).where(Event.kind == "dispatched"))
        s.execute(update(Event).where(Event.id == victim).values(note="改过的记录"))
    report = _report(db)
    assert not report.ok and report.event_id == victim
    assert f"事件 {victim}" in report.problem and "可能被改动" in report.problem


def test_a_changed_time_or_account_breaks_it_too(db, ctx):
    _work(db, ctx)
    with db.session() as s:
        victim = s.scalar(select(Event.id).where(Event.kind == "result_recorded"))
        s.execute(update(Event).where(Event.id == victim).values(at=datetime(2026, 1, 1)))
    assert _report(db).event_id == victim


def test_a_removed_event_is_found(db, ctx):
    _work(db, ctx)
    with db.session() as s:
        # As another program would, without the foreign keys' say.
        if db.engine.dialect.name == "sqlite":
            s.execute(text("PRAGMA foreign_keys=OFF"))
        else:
            s.execute(text("SET LOCAL session_replication_role = replica"))
        victim = s.scalar(select(Event.id).where(Event.kind == "dispatched"))
        s.execute(delete(Event).where(Event.id == victim))
    report = _report(db)
    assert not report.ok and "缺少记录" in report.problem


def test_the_last_event_removed_is_found_by_the_head(db, ctx):
    _work(db, ctx)
    with db.session() as s:
        last = s.scalar(select(func.max(Event.id)))
        s.execute(delete(Event).where(Event.id == last))
    report = _report(db)
    assert not report.ok and "末端" in report.problem


def test_an_event_written_around_the_program_is_found(db, ctx):
    _work(db, ctx)
    with db.engine.begin() as connection:  # plain SQL, no seal
        connection.execute(insert(Event).values(at=datetime(2026, 11, 23, 10), kind="closed", note="伪造"))
        smuggled = connection.scalar(select(func.max(Event.id)))
    report = _report(db)
    assert not report.ok and report.event_id == smuggled and "不在审计链中" in report.problem


def test_a_smuggled_event_is_not_adopted_by_the_next_ordinary_write(db, ctx):
    _work(db, ctx)
    with db.engine.begin() as connection:
        connection.execute(insert(Event).values(at=datetime(2026, 11, 23, 10), kind="closed", note="伪造"))
        smuggled = connection.scalar(select(func.max(Event.id)))
    with db.session() as s:  # an ordinary write afterwards seals only its own events
        t.register(s, ctx, t.Intake(content="丙", name="王五", phone="13600000000"))
    report = _report(db)
    assert not report.ok and report.event_id == smuggled


def test_an_emptied_history_is_found(db, ctx):
    _work(db, ctx)
    with db.session() as s:
        s.execute(delete(Event))
    report = _report(db)
    assert not report.ok and report.events == 0 and "末端" in report.problem


def test_state_changed_around_the_program_disagrees_with_the_history(db, ctx):
    from bbc_desktop.core.audit import verify_state
    from bbc_desktop.core.auth import create_account
    from bbc_desktop.db.models import Account, Ticket

    _work(db, ctx)
    with db.session() as s:
        create_account(s, ctx, "admin", "counter2026", "admin")
        create_account(s, Context(clock=ctx.clock, operator="admin"), "front", "counter2026", "front_desk")
    with db.engine.connect() as connection:
        assert verify_state(connection) == ""
    with db.session() as s:
        s.execute(update(Ticket).where(Ticket.number == "BBC-2026-0002").values(status="closed"))
    with db.engine.connect() as connection:
        assert verify_state(connection).startswith("工单 BBC-2026-0002 的状态与办理记录不符")
    with db.session() as s:
        s.execute(update(Ticket).where(Ticket.number == "BBC-2026-0002").values(status="dispatched"))
        s.execute(update(Account).where(Account.username == "front").values(role="admin"))
    with db.engine.connect() as connection:
        assert verify_state(connection).startswith("账号 front 的角色与记录不符")
