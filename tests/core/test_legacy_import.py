"""Importing the hand-kept ledger into the database: every row accounted for, nothing twice."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.domain import Grade, Status
from bbc_desktop.core.errors import TransitionError, ValidationError
from bbc_desktop.core.ledger import ledger_rows
from bbc_desktop.core.legacy_import import import_ledger, preview
from bbc_desktop.core.queries import TicketFilter, queue_ids
from bbc_desktop.core.report import report_figures
from bbc_desktop.core.slips import slip_data
from bbc_desktop.db.models import Event, Ticket
from bbc_desktop.io.legacy_ledger import read_legacy_ledger

FIXTURE = Path(__file__).parents[1] / "fixtures" / "legacy-ledger-2025.xlsx"
TODAY = date(2026, 11, 23)


def _count(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(Ticket))


def test_every_row_of_the_fixture_is_accounted_for(db, ctx):
    ledger = read_legacy_ledger(FIXTURE)
    with db.session() as s:
        result = import_ledger(s, ctx, ledger)
    # One fate per row under the header, in order, none missing.
    assert [f.line for f in result.fates] == [r.line for r in ledger.rows] == list(range(3, 29))
    skipped = {f.line: f.reason for f in result.fates if not f.imported}
    assert skipped == {27: "空行", 28: "表尾签名行"}
    assert result.imported == 24
    assert "共 26 行：导入 24 件" in result.summary and "跳过 2 行" in result.summary
    with db.session() as s:
        imported = {
            x.import_source: x for x in s.scalars(select(Ticket).where(Ticket.import_key.is_not(None)))
        }
        assert len(imported) == 24
        for fate in result.fates:
            if fate.imported:
                ticket = imported[f"legacy-ledger-2025.xlsx 第{fate.line}行"]
                assert ticket.number == fate.number
                assert ticket.grade == Grade.UNKNOWN.value and ticket.due_date is None and ticket.seq is None
        # Line 8 had no number: imported under a made-up one, flagged; line 3 had no phone.
        no_number = imported["legacy-ledger-2025.xlsx 第8行"]
        assert no_number.number == "导入-2025-001"
        fate8 = next(f for f in result.fates if f.line == 8)
        assert "缺工单编号" in fate8.flags and "缺处理结果，按未办结导入" in fate8.flags
        assert "缺联系电话" in next(f for f in result.fates if f.line == 3).flags
        # A row with a result is closed at its 办结时间; one without awaits a result.
        done = imported["legacy-ledger-2025.xlsx 第4行"]
        assert done.number == "2025-002" and done.status == Status.CLOSED.value
        assert done.result_at == datetime(2025, 7, 1, 14, 22) and done.received_by_name == "张敏"
        assert done.reporter.phone == "0372-8219935"
        assert no_number.status == Status.REGISTERED.value and no_number.result_at is None
        company = imported["legacy-ledger-2025.xlsx 第15行"]
        assert company.reporter.kind == "company" and company.reporter.company == "北关区红旗路便民超市"
        # The event keeps where it came from and the flags.
        event = s.scalar(select(Event).where(Event.ticket_id == no_number.id, Event.kind == "imported"))
        assert event.after["line"] == 8 and "缺工单编号" in event.after["flags"]


def test_importing_the_same_file_again_adds_nothing(db, ctx):
    ledger = read_legacy_ledger(FIXTURE)
    with db.session() as s:
        first = import_ledger(s, ctx, ledger)
    with db.session() as s:
        before = _count(s)
        again = import_ledger(s, ctx, read_legacy_ledger(FIXTURE))
    with db.session() as s:
        assert _count(s) == before
    assert again.imported == 0
    numbers = {f.line: f.number for f in first.fates if f.imported}
    for fate in again.fates:
        if fate.line in numbers:
            assert fate.reason == f"此前已导入为工单 {numbers[fate.line]}"


def test_a_longer_ledger_adds_only_its_new_rows(db, ctx, tmp_path):
    from openpyxl import load_workbook

    with db.session() as s:
        import_ledger(s, ctx, read_legacy_ledger(FIXTURE))
    longer = tmp_path / "台账（续）.xlsx"
    shutil.copy(FIXTURE, longer)
    book = load_workbook(longer)
    sheet = book.active
    sheet.insert_rows(27)  # above the blank row and the signature line
    for column, value in enumerate(
        [
            "2025-025",
            "刘先生",
            "139 1234 5678",
            "新增事项：不动产登记窗口排队过长",
            "王强",
            "2025/12/30",
            "",
            "",
        ],
        start=1,
    ):
        sheet.cell(row=27, column=column, value=value)
    book.save(longer)
    with db.session() as s:
        result = import_ledger(s, ctx, read_legacy_ledger(longer))
    assert [(f.line, f.number) for f in result.fates if f.imported] == [(27, "2025-025")]
    with db.session() as s:
        added = s.scalar(select(Ticket).where(Ticket.number == "2025-025"))
        assert added.reporter.phone == "13912345678" and added.accepted_at == datetime(2025, 12, 30)


def test_preview_predicts_the_import_and_writes_nothing(db, ctx):
    ledger = read_legacy_ledger(FIXTURE)
    with db.session() as s:
        before = _count(s)
        shown = preview(s, ctx, ledger)
    with db.session() as s:
        assert _count(s) == before
        assert s.scalar(select(func.count()).select_from(Event).where(Event.kind == "imported")) == 0
        done = import_ledger(s, ctx, ledger)
    assert [f.text for f in shown.fates] == [f.text for f in done.fates]


def _edited_copy(tmp_path, name: str, changes: dict[tuple[int, int], object]) -> Path:
    """The fixture with some cells changed: {(row, column): value}."""
    from openpyxl import load_workbook

    target = tmp_path / name
    shutil.copy(FIXTURE, target)
    book = load_workbook(target)
    for (row, column), value in changes.items():
        book.active.cell(row=row, column=column, value=value)
    book.save(target)
    return target


def test_a_number_of_a_ticket_of_this_program_is_not_imported_again(db, ctx):
    with db.session() as s:
        existing = t.register(s, ctx, t.Intake(content="甲", name="张三", phone="13800000000"))
        existing.number = "2025-002"
    with db.session() as s:
        result = import_ledger(s, ctx, read_legacy_ledger(FIXTURE))
    fate = next(f for f in result.fates if f.line == 4)
    assert not fate.imported and fate.reason.startswith("编号 2025-002 是本程序登记的工单")
    with db.session() as s:
        assert s.scalar(select(Ticket.content).where(Ticket.number == "2025-002")) == "甲"


def test_the_same_number_on_another_day_is_another_case(db, ctx, tmp_path):
    with db.session() as s:
        import_ledger(s, ctx, read_legacy_ledger(FIXTURE))
    next_year = _edited_copy(tmp_path, "2026.xlsx", {(4, 6): "2026-03-02"})  # 2025-002 again, other day
    with db.session() as s:
        result = import_ledger(s, ctx, read_legacy_ledger(next_year))
    fate = next(f for f in result.fates if f.line == 4)
    assert fate.imported and fate.number == "2025-002-导入1"
    assert any("已被占用" in flag for flag in fate.flags)
    assert result.imported == 1


def test_an_updated_row_is_not_imported_twice(db, ctx, tmp_path):
    with db.session() as s:
        import_ledger(s, ctx, read_legacy_ledger(FIXTURE))
    # Later the specialist filled in the result of 2025-005 and the phone of 2025-001.
    updated = _edited_copy(
        tmp_path, "updated.xlsx", {(7, 7): "已协调办结", (7, 8): "2025-11-03", (3, 3): "13812345678"}
    )
    with db.session() as s:
        before = _count(s)
        result = import_ledger(s, ctx, read_legacy_ledger(updated))
        assert _count(s) == before and result.imported == 0
    changed = {f.line: f.reason for f in result.fates if "此后有改动" in f.reason}
    assert sorted(changed) == [3, 7]
    assert changed[7].startswith("此前已导入为工单 2025-005；台账中该行此后有改动")


def test_numbers_of_the_programs_own_form_keep_their_place_in_the_sequence(db, ctx, tmp_path):
    ledger = _edited_copy(tmp_path, "own.xlsx", {(4, 1): "BBC-2026-0301", (4, 6): "2026-03-02"})
    with db.session() as s:
        import_ledger(s, ctx, read_legacy_ledger(ledger))
    with db.session() as s:
        own = t.get_ticket(s, "BBC-2026-0301")
        assert (own.year, own.seq) == (2026, 301)
        new = t.register(s, ctx, t.Intake(content="乙", name="李四", phone="13900000000"))
        assert new.number == "BBC-2026-0302"  # never BBC-2026-0301 a second time


def test_imported_tickets_in_queue_ledger_report_and_slip(db, ctx, clock):
    with db.session() as s:
        late = t.register(
            s, ctx, t.Intake(content="超期件", name="张三", phone="13800000000", lead_unit="区民政局")
        )
        late.due_date = date(2026, 11, 1)  # overdue
        import_ledger(s, ctx, read_legacy_ledger(FIXTURE))
    with db.session() as s:
        calendar = t.load_calendar(s)
        found = queue_ids(s, TicketFilter(), TODAY, calendar)
        # The 7 open imported tickets (no deadline) lead the queue, then the overdue one: still counted.
        assert found.overdue == 1
        undated = set(
            s.scalars(select(Ticket.id).where(Ticket.due_date.is_(None), Ticket.status == "registered"))
        )
        assert len(undated) == 7
        assert set(found.ids[:7]) == undated
        assert list(found.ids[7:8]) == [late.id]
        # Found by the queue's search (the index takes the imported tickets in one go).
        for text, count in (("午休时间", 3), ("推诿", 5), ("孙某某", 2), ("0372-821", 1)):
            assert len(queue_ids(s, TicketFilter(text=text), TODAY, calendar).ids) == count, text
        ungraded = queue_ids(s, TicketFilter(grades=(Grade.UNKNOWN,)), TODAY, calendar)
        assert len(ungraded.ids) == 24 and ungraded.overdue == 0
        rows = ledger_rows(s, TicketFilter(grades=(Grade.UNKNOWN,)), TODAY, calendar)
        row = next(r for r in rows if r.number == "2025-002")
        values = row.values()
        assert values[4] == "张敏" and "未定级" in values and "未定" in values
        assert row.overdue == "否"
        figures = report_figures(s, date(2025, 1, 1), date(2025, 12, 31), TODAY, calendar)
        assert figures.by_grade["未定级"] == 24 and figures.total == 24 and figures.late == []
        # With a result but without a deadline: neither on time nor late.
        assert (figures.with_result, figures.undated_with_result, figures.on_time) == (17, 17, 0)
        assert figures.on_time_rate is None
        ticket = s.scalar(select(Ticket).where(Ticket.number == "2025-005"))
        with pytest.raises(ValidationError, match="尚未确定牌色"):
            slip_data(s, ticket, TODAY)
        with pytest.raises(TransitionError, match="请先调整牌色"):
            t.dispatch(s, ctx, ticket, "区民政局")


def test_grading_an_imported_ticket_counts_its_deadline_from_then(db, ctx):
    with db.session() as s:
        import_ledger(s, ctx, read_legacy_ledger(FIXTURE))
    with db.session() as s:
        t.change_grade(s, ctx, "2025-005", "yellow", "核实后定为黄牌")
    with db.session() as s:
        ticket = t.get_ticket(s, "2025-005")
        calendar = t.load_calendar(s)
        # Accepted 2025-10-25 by the old ledger; the window takes it up when grading it (today).
        assert ticket.accepted_at == datetime(2025, 10, 25)
        assert ticket.clock_start == ctx.clock.now()
        assert ticket.due_date == calendar.due(Grade.YELLOW, ctx.clock.now()).due == date(2026, 11, 30)
        assert not t.is_overdue(ticket, TODAY)
        assert "办理期限自定级之时起算" in ticket.events[-1].note
        t.dispatch(s, ctx, ticket, "区民政局")  # allowed once graded
        with pytest.raises(ValidationError, match="牌色"):
            t.change_grade(s, ctx, ticket, "unknown", "不可")
        t.change_grade(s, ctx, ticket, "red", "涉及政策")  # a second change counts from the same start
        assert ticket.due_date == calendar.due(Grade.RED, ctx.clock.now()).due


def test_a_preview_leaves_the_search_index_working(db, ctx):
    """The preview sets the insert triggers aside inside its transaction; its rollback restores them."""
    with db.session() as s:
        preview(s, ctx, read_legacy_ledger(FIXTURE))
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            triggers = {
                row[0]
                for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
            }
        assert {"ticket_search_insert", "ticket_search_chars_insert"} <= triggers
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="不动产登记窗口拖延", name="赵六", phone="13700000000"))
    with db.session() as s:
        calendar = t.load_calendar(s)
        assert len(queue_ids(s, TicketFilter(text="不动产登记"), TODAY, calendar).ids) == 1
        assert len(queue_ids(s, TicketFilter(text="赵六"), TODAY, calendar).ids) == 1


def test_overlong_cells_are_cut_flagged_and_kept_whole_in_the_history(db, ctx, tmp_path):
    long_phone = "0372-1234567 或 13812345678（白天）、0372-7654321（晚上）"
    long_name = "张" * 60
    ledger = _edited_copy(tmp_path, "long.xlsx", {(4, 3): long_phone, (5, 2): long_name})
    with db.session() as s:
        result = import_ledger(s, ctx, read_legacy_ledger(ledger))
    flags = {f.line: f.flags for f in result.fates}
    assert any("联系电话超过32个字符" in f for f in flags[4]) and any(
        "办理对象超过50个字" in f for f in flags[5]
    )
    with db.session() as s:
        ticket = t.get_ticket(s, "2025-002")
        assert len(ticket.reporter.phone) == 32
        event = s.scalar(select(Event).where(Event.ticket_id == ticket.id, Event.kind == "imported"))
        assert event.after["phone"] == long_phone
        # Rows without a phone are never joined into one reporter by a name (both: 鑫源商贸, no phone).
        no_phone = s.scalars(select(Ticket).where(Ticket.number.in_(["2025-009", "2025-015"]))).all()
        assert len({x.reporter_id for x in no_phone}) == 2
