"""Tests for bbc_desktop.core.demo: the demo data is complete, consistent with the lifecycle and its
deadlines, numbered like real tickets, and usable by the real services afterwards."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from databases import create_test_db, drop_test_db
from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from bbc_desktop.core import demo, lifecycle, tickets
from bbc_desktop.core.calendar import FixedClock, WorkCalendar
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import (
    AWAITING_RESULT,
    GRADES,
    AssignmentRole,
    ComplaintForm,
    Grade,
    ReplyMethod,
    ReporterKind,
    Source,
    Status,
)
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.queries import overdue_clause
from bbc_desktop.core.validation import normalize_phone
from bbc_desktop.db.models import Account, Assignment, Event, NumberSequence, Reporter, Ticket, Unit
from bbc_desktop.db.session import Database, open_database

NOW = datetime(2026, 11, 25, 10, 0)  # a Wednesday
TODAY = NOW.date()
COUNT = 400
CAL = WorkCalendar()


def make_ctx() -> Context:
    return Context(clock=FixedClock(NOW), operator="测试员")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[str]]]:
    """One database with 400 demo tickets, shared by the read-only tests of this module."""
    url = create_test_db(tmp_path_factory.mktemp("demo"))
    db = open_database(url)
    numbers = demo.generate(db, COUNT, make_ctx(), seed=7)
    yield db, numbers
    db.dispose()
    drop_test_db(url)


@pytest.fixture
def fresh_db(new_db_url) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    db = open_database(new_db_url())
    yield db
    db.dispose()


def load_all(db: Database) -> list[Ticket]:
    with db.session() as session:
        query = select(Ticket).order_by(Ticket.id)
        query = query.options(selectinload(Ticket.events), selectinload(Ticket.assignments))
        return list(session.scalars(query))


@pytest.fixture(scope="module")
def demo_tickets(demo_db: tuple[Database, list[str]]) -> list[Ticket]:
    """The 400 tickets with their events and assignments, loaded once (the tests only read them)."""
    return load_all(demo_db[0])


def plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# -- coverage --------------------------------------------------------------------------------------


def test_returns_the_numbers_created(demo_db: tuple[Database, list[str]]) -> None:
    db, numbers = demo_db
    assert len(numbers) == COUNT == len(set(numbers))
    with db.session() as session:
        stored = set(session.scalars(select(Ticket.number)))
    assert stored == set(numbers)


def test_every_status_grade_source_and_unit_appears(demo_db: tuple[Database, list[str]]) -> None:
    db, _ = demo_db
    with db.session() as session:
        statuses = set(session.scalars(select(Ticket.status).distinct()))
        grades = set(session.scalars(select(Ticket.grade).distinct()))
        sources = set(session.scalars(select(Ticket.source).distinct()))
        forms = set(session.scalars(select(Ticket.form).distinct()))
        used_units = set(session.scalars(select(Assignment.unit_id).distinct()))
        active_units = set(session.scalars(select(Unit.id).where(Unit.active.is_(True))))
        confidential = session.scalar(select(func.count()).where(Ticket.confidential.is_(True)))
        anonymous = session.scalar(select(func.count()).where(Ticket.anonymous.is_(True)))
        kinds = set(session.scalars(select(Reporter.kind).distinct()))
        categories = set(session.scalars(select(Ticket.category).distinct()))
    assert statuses == {s.value for s in Status}
    assert grades == {g.value for g in GRADES}  # 未定级 only comes from importing an old ledger
    assert sources == {s.value for s in Source}
    assert forms == {f.value for f in ComplaintForm}
    assert kinds == {k.value for k in ReporterKind}
    assert {"1", "2", "3", "4", "5"} <= categories
    # Only units of the directory are used, and every active one has some tickets.
    assert used_units == active_units
    assert confidential and anonymous


def test_recent_tickets_open_old_ones_finished(demo_tickets: list[Ticket]) -> None:
    rows = demo_tickets
    old = [t for t in rows if t.accepted_at < NOW - timedelta(days=60)]
    recent = [t for t in rows if t.accepted_at > NOW - timedelta(days=7)]
    finished = {Status.CLOSED.value, Status.ARCHIVED.value, Status.VOIDED.value}
    assert old and recent
    assert sum(t.status in finished for t in old) / len(old) > 0.9
    assert sum(t.status not in finished for t in recent) / len(recent) > 0.5
    assert all(t.accepted_at <= NOW for t in rows)
    assert min(t.accepted_at for t in rows) > NOW - timedelta(days=130)


def test_overdue_and_due_soon_tickets_exist(demo_db: tuple[Database, list[str]]) -> None:
    db, _ = demo_db
    with db.session() as session:
        overdue = list(session.scalars(select(Ticket).where(overdue_clause(TODAY))))
        awaiting = list(
            session.scalars(select(Ticket).where(Ticket.status.in_([s.value for s in AWAITING_RESULT])))
        )
    assert overdue
    assert all(tickets.is_overdue(t, TODAY) for t in overdue)
    assert {t.status for t in overdue} >= {Status.DISPATCHED.value, Status.ESCALATED.value}
    due_soon = [t for t in awaiting if CAL.is_due_soon(t.due_date, TODAY)]
    assert due_soon
    assert len(overdue) + len(due_soon) < len(awaiting) + 1  # disjoint: overdue is never due soon


# -- each ticket is what the services would have written -------------------------------------------


def test_history_starts_with_registration_and_stays_in_time(demo_tickets: list[Ticket]) -> None:
    for ticket in demo_tickets:
        events = ticket.events
        assert events, ticket.number
        first = events[0]
        assert first.kind == "registered"
        assert first.before is None
        assert first.after == {
            "number": ticket.number,
            "grade": first.after["grade"],
            "status": "registered",
            "due_date": first.after["due_date"],
        }
        assert first.at == ticket.accepted_at
        assert first.account_id == ticket.received_by_id
        times = [e.at for e in events]
        assert times == sorted(times), ticket.number
        assert all(ticket.accepted_at <= at <= NOW for at in times), ticket.number
        assert ticket.updated_at == times[-1]
        assert ticket.version == 1


def test_columns_are_the_sum_of_the_events(demo_tickets: list[Ticket]) -> None:
    """Replaying before/after of the history gives exactly the stored columns (tickets._move's shape)."""
    for ticket in demo_tickets:
        state: dict[str, Any] = {}
        for event in ticket.events[1:]:
            assert event.before is not None and event.after is not None
            assert set(event.before) == set(event.after), (ticket.number, event.kind)
            for key, old in event.before.items():
                if key in state:
                    assert state[key] == old, (ticket.number, event.kind, key)
            state.update(event.after)
        for key, value in state.items():
            assert plain(getattr(ticket, key)) == value, (ticket.number, key)
        status_changes = [e.after["status"] for e in ticket.events if e.after and "status" in e.after]
        assert status_changes[-1] == ticket.status


def test_status_specific_columns(demo_tickets: list[Ticket]) -> None:
    for t in demo_tickets:
        kinds = [e.kind for e in t.events]
        status = Status(t.status)
        if status is Status.VOIDED:
            assert t.void_reason and t.voided_at is not None
        else:
            assert not t.void_reason and t.voided_at is None
        assert (t.closed_at is not None) == (status in (Status.CLOSED, Status.ARCHIVED) or "closed" in kinds)
        assert (t.archived_at is not None) == (status is Status.ARCHIVED)
        # result_at is set iff a result stands (a reopening clears it).
        after_reopen = kinds[len(kinds) - kinds[::-1].index("reopened") :] if "reopened" in kinds else kinds
        has_result = "result_recorded" in after_reopen or "resolved_on_spot" in after_reopen
        assert (t.result_at is not None) == has_result, t.number
        if (
            status in (Status.RESULT_RECEIVED, Status.REPLIED, Status.VISITED)
            and "explained" not in after_reopen
        ):
            assert t.result_at is not None
        if status is Status.EXPLAINED:
            assert t.explanation
        if status is Status.ESCALATED:
            assert t.escalated_to and t.escalated_at is not None
        if t.on_the_spot:
            assert t.grade == Grade.BLUE.value and "resolved_on_spot" in kinds
        assert ("resolved_on_spot" in kinds) == t.on_the_spot
        if t.anonymous:
            assert "replied" not in kinds and "visited" not in kinds and t.reply_at is None
        if t.form == ComplaintForm.WRITTEN.value and "closed" in kinds and not t.anonymous:
            assert t.reply_method == ReplyMethod.WRITTEN.value
        if "closed" in kinds and t.anonymous and t.reply_at is None:
            assert t.close_note.startswith(tickets.ANONYMOUS_CLOSE_NOTE)
        # The deadline is counted from the acceptance, or from the last reassignment / reopening.
        restarts = [e.at for e in t.events if e.kind in ("reassigned", "reopened")]
        assert t.clock_start == (restarts[-1] if restarts else t.accepted_at)
        deadline = CAL.due(Grade(t.grade), t.clock_start)
        # … and moved by each extension approved since, by its days from the due date before it.
        for event in t.events:
            if event.kind == "extension_approved" and event.at >= t.clock_start:
                assert event.before["due_date"] == deadline.due.isoformat(), t.number
                days = int(re.search(r"批准延期 (\d+) 个工作日", event.note).group(1))  # type: ignore[union-attr]
                deadline = CAL.add_workdays(deadline.due, days)
        assert (t.due_date, t.due_provisional) == (deadline.due, deadline.provisional)


def test_assignments_follow_dispatch(demo_tickets: list[Ticket]) -> None:
    for t in demo_tickets:
        kinds = [e.kind for e in t.events]
        lead = tickets.lead_assignment(t)
        if "dispatched" not in kinds:
            # Waiting at the window, resolved on the spot, explained at the counter or voided first.
            assert not t.assignments and t.dispatched_at is None, t.number
            continue
        assert lead is not None, t.number
        leads = [a for a in t.assignments if a.role == AssignmentRole.LEAD.value]
        assert len(leads) == 1 + kinds.count("reassigned")
        assert all(a.ended_at is not None for a in leads[:-1])
        dispatched = next(e for e in t.events if e.kind == "dispatched")
        assert dispatched.note.startswith("承办单位：" + leads[0].unit.name)
        assert all(a.assigned_at >= t.accepted_at for a in t.assignments)
        for co in tickets.co_assignments(t):
            assert co.unit_id != lead.unit_id
        if "reassigned" in kinds:
            note = [e.note for e in t.events if e.kind == "reassigned"][-1]
            assert f"改派至“{lead.unit.name}”" in note


def test_escalation_targets_follow_the_grade(demo_tickets: list[Ticket]) -> None:
    """As tickets.escalate: red to the district leaders, yellow (or overdue blue) to supervision."""
    escalations = 0
    for t in demo_tickets:
        state: dict[str, Any] = {}
        for event in t.events:
            if event.kind == "escalated":
                escalations += 1
                grade = Grade(state["grade"])
                overdue = event.at.date() > date.fromisoformat(state["due_date"])
                assert grade is not Grade.BLUE or overdue, t.number
                assert event.after["escalated_to"] == lifecycle.escalation_target(grade, overdue)
            state.update(event.after or {})
    assert escalations


def test_reporters_names_phones_and_operators(
    demo_db: tuple[Database, list[str]], demo_tickets: list[Ticket]
) -> None:
    db, _ = demo_db
    rows = demo_tickets
    per_reporter = Counter(t.reporter_id for t in rows if not t.anonymous)
    assert max(per_reporter.values()) > 1  # some people come back
    anonymous_ids = {t.reporter_id for t in rows if t.anonymous}
    assert len(anonymous_ids) == 1  # as tickets._reporter: one shared empty reporter
    names = []
    for t in rows:
        reporter = t.reporter
        if t.anonymous:
            assert (reporter.name, reporter.phone, reporter.company) == ("", "", "")
            continue
        assert normalize_phone(reporter.phone) == reporter.phone
        if reporter.kind == ReporterKind.COMPANY.value:
            assert reporter.company.endswith("公司")
        else:
            assert 2 <= len(reporter.name) <= 4
        names.append(reporter.name)
    rare = "𠮷䶮堃喆犇淼垚赟"
    assert any(ch in name for name in names for ch in rare)
    with db.session() as session:
        operators = set(session.scalars(select(Account.username).join(Event, Event.account_id == Account.id)))
    assert set(demo.FRONT_DESK) | set(demo.BACK_OFFICE) <= operators


def test_generation_itself_is_recorded(demo_db: tuple[Database, list[str]]) -> None:
    db, numbers = demo_db
    with db.session() as session:
        event = session.scalar(select(Event).where(Event.kind == "demo_generated"))
        assert event is not None and event.ticket_id is None
        assert event.account.username == "测试员"
        assert event.after == {"tickets": COUNT, "seed": 7, "first": numbers[0], "last": numbers[-1]}


# -- numbering -------------------------------------------------------------------------------------


def test_numbers_are_consecutive_per_year_and_continue(fresh_db: Database) -> None:
    ctx = make_ctx()
    with fresh_db.session() as session:  # a real ticket first: the demo must continue after it
        tickets.register(session, ctx, tickets.Intake(content="窗口推诿", name="张三", phone="13800000000"))
    first = demo.generate(fresh_db, 60, ctx, seed=1)
    second = demo.generate(fresh_db, 40, ctx, seed=1)
    assert not set(first) & set(second)
    with fresh_db.session() as session:
        rows = session.execute(select(Ticket.year, Ticket.seq, Ticket.number)).all()
        sequences = dict(session.execute(select(NumberSequence.year, NumberSequence.last_seq)).all())
        reporters = session.execute(select(Reporter.name, Reporter.phone)).all()
    assert len(rows) == 101 == len({r.number for r in rows})
    by_year: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_year[row.year].append(row.seq)
        assert row.number == f"BBC-{row.year}-{row.seq:04d}"
    for year, seqs in by_year.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
        assert sequences[year] == len(seqs)
    # Within one run, numbers follow the acceptance time.
    assert first == sorted(first, key=lambda n: (n[4:8], int(n[9:])))
    # The second run with the same seed does not repeat the first run's people.
    named = [r for r in reporters if r.phone]
    assert len(set(named)) == len(named)
    # A number allocated by the real service afterwards continues too.
    with fresh_db.session() as session:
        ticket = tickets.register(
            session, ctx, tickets.Intake(content="又一件", name="李四", phone="13900000000")
        )
        assert ticket.seq == len(by_year[2026]) + 1


def test_number_sequence_behind_the_tickets_is_not_reused(fresh_db: Database) -> None:
    ctx = make_ctx()
    demo.generate(fresh_db, 30, ctx, seed=2)
    with fresh_db.engine.begin() as conn:  # a damaged counter: numbers must still never repeat
        conn.execute(text("UPDATE number_sequences SET last_seq = 3"))
    numbers = demo.generate(fresh_db, 30, ctx, seed=2)
    with fresh_db.session() as session:
        assert session.scalar(select(func.count(func.distinct(Ticket.number)))) == 60
        assert session.scalar(select(NumberSequence.last_seq).where(NumberSequence.year == 2026)) == 60
    assert numbers


def test_same_seed_same_data(new_db_url) -> None:  # type: ignore[no-untyped-def]
    snapshots = []
    for name in ("a", "b"):
        db = open_database(new_db_url(name))
        demo.generate(db, 40, make_ctx(), seed=11)
        with db.session() as session:
            snapshots.append(
                session.execute(
                    select(Ticket.number, Ticket.status, Ticket.content, Ticket.accepted_at, Reporter.name)
                    .join(Reporter)
                    .order_by(Ticket.number)
                ).all()
            )
        db.dispose()
    assert snapshots[0] == snapshots[1]


def test_count_is_checked(fresh_db: Database) -> None:
    assert demo.generate(fresh_db, 0, make_ctx()) == []
    with pytest.raises(ValidationError):
        demo.generate(fresh_db, -1, make_ctx())


def test_small_demo_still_has_every_status(fresh_db: Database) -> None:
    demo.generate(fresh_db, 25, make_ctx(), seed=3)
    with fresh_db.session() as session:
        assert set(session.scalars(select(Ticket.status).distinct())) == {s.value for s in Status}


def test_uses_only_active_units(fresh_db: Database) -> None:
    with fresh_db.session() as session:
        retired = session.scalar(select(Unit).where(Unit.name == "区医保局"))
        assert retired is not None
        retired.active = False
        retired_id = retired.id
    demo.generate(fresh_db, 100, make_ctx(), seed=4)
    with fresh_db.session() as session:
        assert retired_id not in set(session.scalars(select(Assignment.unit_id)))
        assert not session.scalar(select(func.count()).where(Ticket.content.like("%医保%")))


# -- the real services accept the demo data -------------------------------------------------------


def test_services_continue_demo_tickets(fresh_db: Database) -> None:
    ctx = make_ctx()
    demo.generate(fresh_db, 40, ctx, seed=5)
    with fresh_db.session() as session:
        overdue = session.scalars(select(Ticket).where(overdue_clause(TODAY))).first()
        assert overdue is not None and tickets.is_overdue(overdue, TODAY)
        target = session.scalars(
            select(Ticket).where(Ticket.status == Status.DISPATCHED.value).order_by(Ticket.id)
        ).first()
        assert target is not None
        number = target.number
        tickets.record_result(session, ctx, number, "已办结", "王局长", "0372-2123456")
        method = "written" if target.form == ComplaintForm.WRITTEN.value else "phone"
        if not target.anonymous:
            tickets.reply(session, ctx, number, method, "已答复反映人")
        tickets.close(session, ctx, number)
        tickets.archive(session, ctx, number)
        registered = session.scalars(select(Ticket).where(Ticket.status == Status.REGISTERED.value)).first()
        assert registered is not None
        tickets.dispatch(session, ctx, registered, "区人社局")
        escalated = session.scalars(select(Ticket).where(Ticket.status == Status.ESCALATED.value)).first()
        assert escalated is not None
        tickets.record_result(session, ctx, escalated, "经督办已办结")
    with fresh_db.session() as session:
        done = tickets.get_ticket(session, number)
        assert done.status == Status.ARCHIVED.value
        assert done.version > 1
        kinds = [e.kind for e in done.events]
        assert kinds[0] == "registered" and kinds[-2:] == ["closed", "archived"]
        assert json.dumps(done.events[-1].after)  # the real services' events sit beside the demo's
