"""Reading tickets for the queue: page rows, urgency order, filters, repeats, links, the overview."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bbc_desktop.core import tickets as t
from bbc_desktop.core.domain import Grade
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.queries import (
    TicketFilter,
    filtered_ids,
    find_by_number,
    linked_tickets,
    load_tickets,
    overview,
    possible_repeats,
    queue_rows,
)


def _make(s, ctx, **values):  # type: ignore[no-untyped-def]
    base = {"content": "材料被滞留", "name": "张三", "phone": "13800000000", "lead_unit": "区教育局"}
    base.update(values)
    return t.register(s, ctx, t.Intake(**base))


def test_queue_rows_follow_the_ids_and_mark_urgency(db, ctx):
    with db.session() as s:
        late = _make(s, ctx, accepted_at=datetime(2026, 11, 2, 9, 0))  # blue due 11-05: overdue
        soon = _make(s, ctx, accepted_at=datetime(2026, 11, 19, 9, 0))  # blue due 11-24: next working day
        company = _make(s, ctx, kind="company", company="恒通商贸有限公司", name="李四", grade="red")
        registered = _make(s, ctx, lead_unit=None, confidential=True)
        calendar = t.load_calendar(s)
        today = ctx.clock.today()
        ids = list(s.scalars(filtered_ids(s, TicketFilter(), today, calendar)))
        assert ids[:2] == [late.id, soon.id]
        rows = queue_rows(s, ids, today, calendar)
        assert [r.id for r in rows] == ids
        by_id = {r.id: r for r in rows}
        assert by_id[late.id].overdue and not by_id[late.id].due_soon
        assert by_id[soon.id].due_soon and not by_id[soon.id].overdue
        assert (
            by_id[company.id].reporter == "恒通商贸有限公司（李四）" and by_id[company.id].unit == "区教育局"
        )
        assert by_id[registered.id].unit == "" and by_id[registered.id].confidential
        assert queue_rows(s, [], today, calendar) == []


def test_filters_awaiting_due_soon_text_and_dates(db, ctx):
    with db.session() as s:
        _make(s, ctx, accepted_at=datetime(2026, 11, 2, 9, 0), content="不动产登记被推诿")
        soon = _make(s, ctx, accepted_at=datetime(2026, 11, 19, 9, 0), name="王𠮷")
        done = _make(s, ctx)
        t.record_result(s, ctx, done, "已办")
        calendar, today = t.load_calendar(s), ctx.clock.today()

        def ids(**kw):  # type: ignore[no-untyped-def]
            return list(s.scalars(filtered_ids(s, TicketFilter(**kw), today, calendar)))

        assert len(ids(awaiting=True)) == 2
        assert ids(due_soon=True) == [soon.id]
        assert len(ids(text="不动产")) == 1
        assert ids(text="王𠮷") == [soon.id]
        assert len(ids(accepted_from=date(2026, 11, 19), accepted_to=date(2026, 11, 19))) == 1


def test_find_by_number_is_exact_and_case_insensitive(db, ctx):
    with db.session() as s:
        ticket = _make(s, ctx)
        assert find_by_number(s, " bbc-2026-0001 ") == ticket.id
        assert find_by_number(s, "BBC-2026-000") is None
        assert find_by_number(s, "") is None


def test_possible_repeats_and_links(db, ctx):
    with db.session() as s:
        first = _make(s, ctx, phone="13912345678")
        company = _make(s, ctx, kind="company", company="恒通商贸有限公司", phone="0372-1234567")
        closed = _make(s, ctx, phone="13912345678", lead_unit=None)
        t.resolve_on_spot(s, ctx, closed, "当场办结")
        t.close(s, ctx, closed)
        assert [x.id for x in possible_repeats(s, phone="13912345678")] == [first.id]
        assert [x.id for x in possible_repeats(s, company="恒通商贸有限公司")] == [company.id]
        assert possible_repeats(s, phone="13912345678", exclude_id=first.id) == []
        assert possible_repeats(s) == []
        new = _make(s, ctx, phone="13912345678")
        t.link(s, ctx, new, first)
        assert [x.id for x in linked_tickets(s, first.id)] == [new.id]
        assert [x.id for x in linked_tickets(s, new.id)] == [first.id]
        assert [e.kind for e in first.events][-1] == "linked"
        with pytest.raises(ValidationError, match="已经关联"):
            t.link(s, ctx, first, new)
        with pytest.raises(ValidationError, match="自身"):
            t.link(s, ctx, first, first)


def test_overview_counts(db, ctx):
    with db.session() as s:
        _make(s, ctx, accepted_at=datetime(2026, 11, 2, 9, 0))
        _make(s, ctx, accepted_at=datetime(2026, 11, 18, 9, 0))  # blue due 11-23: today
        _make(s, ctx, accepted_at=datetime(2026, 11, 19, 9, 0))  # due 11-24
        figures = overview(s, ctx.clock.today(), t.load_calendar(s))
    assert (figures.total, figures.awaiting_result, figures.overdue) == (3, 3, 1)
    assert (figures.due_today, figures.due_soon) == (1, 2)


@pytest.mark.parametrize("broad", [False, True], ids=["look-up", "scan-in-order"])
def test_text_search_finds_exactly_the_substring_matches(db, ctx, monkeypatch, broad):
    from sqlalchemy import select

    from bbc_desktop.core import queries

    if broad:  # every search counts as matching many tickets: the queue index is scanned instead
        monkeypatch.setattr(queries, "BROAD_SEARCH", 1)

    from bbc_desktop.core.demo import generate
    from bbc_desktop.db.models import Reporter, Ticket

    generate(db, 300, ctx, seed=7)
    with db.session() as s:
        t.register(s, ctx, t.Intake(content='收费单写着"加急费"50%_另计', name="𠮷祥", phone="13800000000"))
        rows = s.execute(
            select(
                Ticket.id, Ticket.number, Reporter.name, Reporter.company, Reporter.phone, Ticket.content
            ).join(Reporter, Reporter.id == Ticket.reporter_id)
        ).all()
        phone = rows[5].phone
        calendar, today = t.load_calendar(s), ctx.clock.today()
        everything = list(s.scalars(filtered_ids(s, TicketFilter(), today, calendar)))
        # 3+ characters use the trigram index on SQLite, 1-2 letters or digits the character index,
        # 1-2 characters with punctuation LIKE
        for needle in (
            "不动产",
            "有限公司",
            "BBC-2026-01",
            phone[2:7],
            "窗口",
            "张",
            "𠮷祥",
            "𠮷",
            "祥",
            "13",
            "0",
            "-0",
            '费"',
            '"加急费"',
            "50%_",
            "%",
            "_",
        ):
            expected = {r.id for r in rows if any(needle in (field or "") for field in r[1:])}
            found = list(s.scalars(filtered_ids(s, TicketFilter(text=needle), today, calendar)))
            assert set(found) == expected, needle
            assert found == [i for i in everything if i in expected], needle  # in queue order
        assert set(s.scalars(filtered_ids(s, TicketFilter(text="不动产"), today, calendar)))  # not vacuous


@pytest.mark.parametrize(
    ("needle", "index"),
    [
        ("张", "ticket_search_chars MATCH"),
        ("执照", "ticket_search_chars MATCH"),
        ("不动产", "ticket_search MATCH"),
        ("-0", "LIKE"),
    ],
)
@pytest.mark.sqlite_only  # FTS5; PostgreSQL searches through pg_trgm indexes (test_postgresql.py)
def test_text_search_uses_the_index_for_its_length(db, ctx, needle, index):
    with db.session() as s:
        query = filtered_ids(s, TicketFilter(text=needle), ctx.clock.today(), t.load_calendar(s))
        assert index in str(query.compile(s.get_bind()))


@pytest.mark.sqlite_only  # SQLite's query plan
@pytest.mark.parametrize("needle", ["", "张", "不动产"])
def test_queue_order_is_read_from_the_queue_index_not_sorted(db, ctx, monkeypatch, needle):
    from bbc_desktop.core import queries
    from bbc_desktop.core.demo import generate

    monkeypatch.setattr(queries, "BROAD_SEARCH", 1)  # searches scan the index too
    generate(db, 50, ctx, seed=3)
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="张先生反映不动产登记排队过久", name="张三", phone="13800000000"))
    with db.session() as s:
        select_ = filtered_ids(s, TicketFilter(text=needle), ctx.clock.today(), t.load_calendar(s))
        sql = str(select_.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[3] for row in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "ix_tickets_queue" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(
    "flt",
    [
        TicketFilter(),
        TicketFilter(grades=(Grade.RED,)),
        TicketFilter(text="窗口"),
        TicketFilter(overdue=True),
    ],
    ids=["all", "red", "text", "overdue"],
)
def test_queue_ids_are_the_filter_in_order_with_the_overdue_count(db, ctx, flt):
    from bbc_desktop.core.demo import generate
    from bbc_desktop.core.queries import queue_ids

    generate(db, 200, ctx, seed=5)
    with db.session() as s:
        calendar, today = t.load_calendar(s), ctx.clock.today()
        expected = list(s.scalars(filtered_ids(s, flt, today, calendar)))
        found = queue_ids(s, flt, today, calendar)
        late = sum(t.is_overdue(ticket, today) for ticket in load_tickets(s, expected))
    assert list(found.ids) == expected and expected
    assert found.overdue == late and (late or flt.text)
