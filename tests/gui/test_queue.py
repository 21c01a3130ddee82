"""The queue pane on a real demo database: what it lists, in which order, how it looks, how it filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QInputMethodEvent, QPixmap
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.demo import generate
from bbc_desktop.core.domain import AWAITING_RESULT, GRADES, Grade, Status
from bbc_desktop.core.privacy import mask_name, mask_phone
from bbc_desktop.core.queries import TicketFilter, filtered_ids
from bbc_desktop.db.models import Ticket, Unit
from bbc_desktop.gui import queue
from bbc_desktop.gui.queue import CACHE_ROWS, Column, QueuePane
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import wait_for_workers

TIMEOUT = 10_000
DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture(autouse=True)
def _drain_workers(db):  # type: ignore[no-untyped-def]
    """Depends on ``db`` so it finishes background queries before the database is closed."""
    yield
    wait_for_workers()


@dataclass(frozen=True)
class Fact:
    """A ticket as the database holds it, read independently of the queue's own SQL."""

    id: int
    number: str
    grade: str
    status: str
    due: date
    accepted: datetime
    confidential: bool
    unit: str | None
    haystack: tuple[str, ...]
    co_units: tuple[str, ...] = ()


def facts(db) -> dict[int, Fact]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        found = {}
        for ticket in s.scalars(select(Ticket)):
            lead = t.lead_assignment(ticket)
            reporter = ticket.reporter
            found[ticket.id] = Fact(
                id=ticket.id,
                number=ticket.number,
                grade=ticket.grade,
                status=ticket.status,
                due=ticket.due_date,
                accepted=ticket.accepted_at,
                confidential=ticket.confidential,
                unit=lead.unit.name if lead else None,
                haystack=(ticket.number, ticket.content, reporter.name, reporter.company, reporter.phone),
                co_units=tuple(a.unit.name for a in t.co_assignments(ticket)),
            )
        return found


def overdue(fact: Fact, today: date) -> bool:
    return Status(fact.status) in AWAITING_RESULT and today > fact.due


def make_pane(qtbot, db, ctx) -> QueuePane:  # type: ignore[no-untyped-def]
    pane = QueuePane(AppState(db, ctx))
    qtbot.addWidget(pane)
    pane.resize(1400, 700)
    pane.show()
    qtbot.waitUntil(lambda: not pane.model.is_busy, timeout=TIMEOUT)
    return pane


def cell(pane: QueuePane, row: int, column: int, role: int = DISPLAY):  # type: ignore[no-untyped-def]
    return pane.model.data(pane.model.index(row, column), role)


def shown_ids(pane: QueuePane) -> list[int]:
    return [pane.model.ticket_id(row) for row in range(pane.model.rowCount())]


def ime_type(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a Chinese input method does: each character arrives as a committed string.

    (QTest key clicks only know Latin-1 keys; a real IME commits text through QInputMethodEvent.)
    """
    for char in text:
        event = QInputMethodEvent()
        event.setCommitString(char)
        QApplication.sendEvent(widget, event)


def change_and_wait(qtbot, pane: QueuePane, action) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(pane.model.loaded, timeout=TIMEOUT):
        action()


@pytest.fixture
def demo(db, ctx):  # type: ignore[no-untyped-def]
    generate(db, 300, ctx, seed=1)
    return facts(db)


def test_lists_every_ticket_of_the_filter_overdue_first(qtbot, db, ctx, demo):
    messages: list[str] = []
    pane = QueuePane(AppState(db, ctx))
    qtbot.addWidget(pane)
    pane.status_message.connect(messages.append)
    qtbot.waitUntil(lambda: not pane.model.is_busy, timeout=TIMEOUT)
    today = ctx.clock.today()
    with db.session() as s:
        expected = list(s.scalars(filtered_ids(s, TicketFilter(), today, t.load_calendar(s))))
    assert pane.model.rowCount() == len(expected) == 300
    assert shown_ids(pane) == expected
    late = [i for i in expected if overdue(demo[i], today)]
    assert late, "the demo data has overdue tickets"
    assert shown_ids(pane)[: len(late)] == late  # all overdue tickets come first
    with db.session() as s:
        calendar = t.load_calendar(s)
    for row in range(len(late)):
        fact = demo[pane.model.ticket_id(row)]
        days = calendar.workdays_between(fact.due, today)
        # (a slip nobody signed for adds "，超时未签收")
        assert cell(pane, row, Column.HINT).split("，")[0] == (f"超期{days}个工作日" if days else "已超期")
        assert cell(pane, row, Column.NUMBER, Qt.ItemDataRole.FontRole).bold()
    assert not cell(pane, len(late), Column.HINT).startswith("超期")
    assert messages[-1] == f"共 300 件（超期 {len(late)} 件）"


def test_each_cell_reads_like_the_ledger(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    for row in range(pane.model.rowCount()):
        fact = demo[cell(pane, row, Column.CONTENT, Qt.ItemDataRole.UserRole)]
        assert cell(pane, row, Column.NUMBER) == fact.number
        assert cell(pane, row, Column.STATUS) == Status(fact.status).label
        assert cell(pane, row, Column.ACCEPTED) == fact.accepted.strftime("%Y-%m-%d %H:%M")
        assert cell(pane, row, Column.DUE) == fact.due.isoformat()  # 2026 is covered: never provisional
        assert cell(pane, row, Column.UNIT) == (fact.unit or "")
        assert "\n" not in cell(pane, row, Column.CONTENT)


def test_grade_shows_as_text_marker_and_tint(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    tints: dict[str, str] = {}
    for row in range(pane.model.rowCount()):
        grade = Grade(demo[pane.model.ticket_id(row)].grade)
        assert cell(pane, row, Column.GRADE) == grade.label
        marker = cell(pane, row, Column.GRADE, Qt.ItemDataRole.DecorationRole)
        assert isinstance(marker, QPixmap) and not marker.isNull()
        image = marker.toImage()
        centre = image.pixelColor(image.width() // 2, image.height() // 2).name()
        assert centre == QColor(queue.GRADE_COLOURS[grade]).name()  # the card is the grade's colour
        assert cell(pane, row, Column.NUMBER, Qt.ItemDataRole.DecorationRole) is None
        tint = cell(pane, row, Column.CONTENT, Qt.ItemDataRole.BackgroundRole)
        assert isinstance(tint, QColor)
        assert tints.setdefault(grade.value, QColor(tint).name()) == QColor(tint).name()
    assert len(set(tints.values())) == 3  # one tint per grade, all three present in the demo


def test_typing_a_name_fragment_filters(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    fragment = next(
        f.haystack[2][:2] for f in demo.values() if len(f.haystack[2]) >= 3 and not f.confidential
    )
    change_and_wait(qtbot, pane, lambda: ime_type(pane.filter_bar.search_edit, fragment))
    expected = {i for i, f in demo.items() if any(fragment in text for text in f.haystack)}
    assert set(shown_ids(pane)) == expected
    assert 0 < len(expected) < 300
    for row in range(pane.model.rowCount()):
        fact = demo[pane.model.ticket_id(row)]
        if fragment in fact.haystack[2] and not fact.confidential:
            assert fragment in cell(pane, row, Column.REPORTER)
    assert pane.filter_bar.current_filter().text == fragment


def test_fast_typing_runs_the_first_and_the_newest_query_only(qtbot, db, ctx, demo, monkeypatch):
    pane = make_pane(qtbot, db, ctx)
    asked: list[str] = []
    real = queue._load_ids
    monkeypatch.setattr(queue, "_load_ids", lambda state, flt: (asked.append(flt.text), real(state, flt))[1])
    loads: list[int] = []
    pane.model.loaded.connect(loads.append)
    # Four keystrokes while the first one's query runs: no answer to "窗" is shown, "窗口工作" runs once.
    change_and_wait(qtbot, pane, lambda: ime_type(pane.filter_bar.search_edit, "窗口工作"))
    qtbot.wait(200)
    assert asked == ["窗", "窗口工作"]
    assert loads == [len([f for f in demo.values() if any("窗口工作" in x for x in f.haystack)])]
    assert pane.model.rowCount() == loads[0] and not pane.model.is_busy


@pytest.mark.parametrize("typed", ["exact", "lower"])
def test_scanning_a_number_and_enter_jumps_to_the_ticket(qtbot, db, ctx, demo, typed):
    pane = make_pane(qtbot, db, ctx)
    change_and_wait(qtbot, pane, lambda: pane.filter_bar.grade_combo.setCurrentText("红牌"))
    target = next(f for f in demo.values() if f.grade != "red")  # not listed: the filter must give way
    text = target.number if typed == "exact" else target.number.lower()
    with qtbot.waitSignal(pane.ticket_selected, timeout=TIMEOUT) as selected:
        qtbot.keyClicks(pane.filter_bar.search_edit, text)
        qtbot.keyClick(pane.filter_bar.search_edit, Qt.Key.Key_Return)
    assert selected.args == [target.id]
    assert pane.current_ticket_id() == target.id
    assert cell(pane, pane.view.currentIndex().row(), Column.NUMBER) == target.number
    assert pane.filter_bar.grade_combo.currentText() == "全部"
    assert pane.view.visualRect(pane.view.currentIndex()).intersects(pane.view.viewport().rect())


def test_enter_on_text_that_is_no_number_filters_at_once(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    jumps: list[int] = []
    pane.filter_bar.jump_to.connect(jumps.append)
    pane.filter_bar.search_edit.setText("BBC-2026-99999")
    with qtbot.waitSignal(pane.model.loaded, timeout=TIMEOUT):
        qtbot.keyClick(pane.filter_bar.search_edit, Qt.Key.Key_Return)
        assert pane.model.is_busy  # queried at once, without waiting for the typing pause
    assert jumps == []
    assert pane.model.rowCount() == 0
    assert pane.notice.isVisible() and pane.notice.text() == "没有符合条件的工单"


def test_grade_filter(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    change_and_wait(qtbot, pane, lambda: pane.filter_bar.grade_combo.setCurrentText("黄牌"))
    expected = {i for i, f in demo.items() if f.grade == "yellow"}
    assert set(shown_ids(pane)) == expected and expected
    assert {cell(pane, row, Column.GRADE) for row in range(pane.model.rowCount())} == {"黄牌"}


def test_overdue_filter_and_the_reminder_banner_shortcuts(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    messages: list[str] = []
    pane.status_message.connect(messages.append)
    today = ctx.clock.today()
    late = {i for i, f in demo.items() if overdue(f, today)}
    change_and_wait(
        qtbot, pane, lambda: qtbot.mouseClick(pane.filter_bar.overdue_check, Qt.MouseButton.LeftButton)
    )
    assert pane.filter_bar.overdue_check.isChecked()
    assert set(shown_ids(pane)) == late
    assert all(
        cell(pane, r, Column.HINT).startswith(("超期", "已超期")) for r in range(pane.model.rowCount())
    )
    assert messages[-1] == f"共 {len(late)} 件（超期 {len(late)} 件）"

    # Due soon and overdue exclude each other: ticking one unticks the other.
    change_and_wait(
        qtbot, pane, lambda: qtbot.mouseClick(pane.filter_bar.due_soon_check, Qt.MouseButton.LeftButton)
    )
    assert not pane.filter_bar.overdue_check.isChecked()
    with db.session() as s:
        calendar = t.load_calendar(s)
    soon = {
        i
        for i, f in demo.items()
        if Status(f.status) in AWAITING_RESULT and calendar.is_due_soon(f.due, today)
    }
    assert set(shown_ids(pane)) == soon and soon
    assert {cell(pane, r, Column.HINT).split("，")[0] for r in range(pane.model.rowCount())} == {"即将到期"}
    row_colour = QColor(cell(pane, 0, Column.NUMBER, Qt.ItemDataRole.ForegroundRole)).name()
    assert row_colour == queue._DUE_SOON_TEXT

    # The banner's buttons: other conditions are cleared, only the one box stays.
    change_and_wait(qtbot, pane, lambda: pane.filter_bar.grade_combo.setCurrentText("红牌"))
    change_and_wait(qtbot, pane, pane.filter_bar.show_overdue)
    assert pane.filter_bar.grade_combo.currentText() == "全部"
    assert pane.filter_bar.overdue_check.isChecked() and not pane.filter_bar.due_soon_check.isChecked()
    assert set(shown_ids(pane)) == late
    change_and_wait(qtbot, pane, pane.filter_bar.show_due_soon)
    assert set(shown_ids(pane)) == soon
    change_and_wait(qtbot, pane, pane.filter_bar.reset)
    assert pane.model.rowCount() == 300 and not pane.filter_bar.due_soon_check.isChecked()


def test_status_unit_and_date_filters(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    bar = pane.filter_bar
    change_and_wait(qtbot, pane, lambda: bar.status_combo.setCurrentText("待办结"))
    assert set(shown_ids(pane)) == {i for i, f in demo.items() if Status(f.status) in AWAITING_RESULT}
    change_and_wait(qtbot, pane, lambda: bar.status_combo.setCurrentText("已结案"))
    assert set(shown_ids(pane)) == {i for i, f in demo.items() if f.status == "closed"}
    change_and_wait(qtbot, pane, lambda: bar.status_combo.setCurrentIndex(0))

    unit = next(f.unit for f in demo.values() if f.unit)
    change_and_wait(qtbot, pane, lambda: bar.unit_combo.setCurrentText(unit))
    # A unit's tickets: those it leads and those it helps with (a co-unit holds the ticket too).
    held = {i for i, f in demo.items() if f.unit == unit or unit in f.co_units}
    assert set(shown_ids(pane)) == held
    assert {cell(pane, r, Column.UNIT) for r in range(pane.model.rowCount())} == {demo[i].unit for i in held}
    change_and_wait(qtbot, pane, lambda: bar.unit_combo.setCurrentIndex(0))

    assert not bar.accepted_from_edit.isEnabled()
    change_and_wait(qtbot, pane, lambda: qtbot.mouseClick(bar.accepted_check, Qt.MouseButton.LeftButton))
    assert bar.accepted_from_edit.isEnabled()
    first, last = date(2026, 11, 2), date(2026, 11, 13)
    change_and_wait(qtbot, pane, lambda: bar.accepted_to_edit.setDate(last))
    change_and_wait(qtbot, pane, lambda: bar.accepted_from_edit.setDate(first))
    expected = {i for i, f in demo.items() if first <= f.accepted.date() <= last}
    assert set(shown_ids(pane)) == expected and expected


def test_confidential_reporter_is_masked(qtbot, db, ctx, demo):
    with db.session() as s:
        secret = t.register(
            s, ctx, t.Intake(content="窗口推诿", name="王小明", phone="13812345678", confidential=True)
        ).id
    pane = make_pane(qtbot, db, ctx)
    row = pane.model.row_of(secret)
    assert row is not None
    assert cell(pane, row, Column.REPORTER) == "王**（保密）"
    assert cell(pane, row, Column.PHONE) == "138****5678"
    texts = [cell(pane, row, c) for c in Column]
    assert not any("小明" in x or "12345678" in x for x in texts)
    # The demo's own confidential tickets, companies included, never show a name either.
    checked = 0
    for row in range(pane.model.rowCount()):
        fact = demo.get(pane.model.ticket_id(row))
        if fact and fact.confidential:
            _, _, name, company, phone = fact.haystack
            shown = cell(pane, row, Column.REPORTER)
            assert shown.endswith("（保密）") and shown.startswith(mask_name(company or name)[:1])
            assert not name[1:] or name[1:] not in shown
            assert not company or company not in shown
            assert cell(pane, row, Column.PHONE) == mask_phone(phone) != phone
            checked += 1
    assert checked >= 3


def test_provisional_deadline_and_overdue_days(qtbot, db, ctx, clock):
    clock.set(datetime(2031, 3, 3, 10, 0))  # a year chinese-calendar does not cover
    with db.session() as s:
        ticket = t.register(
            s, ctx, t.Intake(content="政策研究", name="李四", phone="13800000001", grade="red")
        )
        number = ticket.number
    clock.set(datetime(2031, 3, 20, 10, 0))
    pane = make_pane(qtbot, db, ctx)
    assert cell(pane, 0, Column.NUMBER) == number
    assert cell(pane, 0, Column.DUE) == "2031-03-17（暂定）"
    assert cell(pane, 0, Column.HINT) == "超期3个工作日，期限暂定"
    assert "暂算" in cell(pane, 0, Column.HINT, Qt.ItemDataRole.ToolTipRole)


def test_content_column_stays_in_sight_on_a_narrow_screen(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    header, viewport = pane.view.horizontalHeader(), pane.view.viewport()
    fifteen_characters = pane.view.fontMetrics().horizontalAdvance("反映内容" * 4) * 15 // 16
    metrics = pane.view.fontMetrics()
    for width in (1600, 1100, 900):
        pane.resize(width, 500)
        qtbot.waitUntil(lambda w=width: pane.width() == w, timeout=TIMEOUT)
        if width > 850:  # below that, the narrowest columns plus the content need a scroll bar
            assert viewport.width() - header.sectionViewportPosition(Column.CONTENT) >= fifteen_characters
        # Numbers, due dates and the overdue hint never shrink: they must be read whole.
        assert header.sectionSize(Column.NUMBER) > metrics.horizontalAdvance("BBC-2026-0000")
        assert header.sectionSize(Column.DUE) > metrics.horizontalAdvance("2026-11-23")
        assert header.sectionSize(Column.HINT) > metrics.horizontalAdvance("超期12个工作日")
    pane.set_column_shown(Column.ACCEPTED, True)  # shown on request, at a width that reads whole
    assert header.sectionSize(Column.ACCEPTED) > metrics.horizontalAdvance("2026-11-23 09:30")
    # A column the operator widened stays as they left it.
    header.resizeSection(Column.UNIT, 300)
    pane.resize(1300, 500)
    qtbot.waitUntil(lambda: pane.width() == 1300, timeout=TIMEOUT)
    assert header.sectionSize(Column.UNIT) == 300


def test_user_role_and_content_tooltip(qtbot, db, ctx):
    long_text = "办理营业执照<b>被要求</b>反复提交材料。" * 20
    with db.session() as s:
        ticket_id = t.register(s, ctx, t.Intake(content=long_text, name="赵六", phone="13800000002")).id
    pane = make_pane(qtbot, db, ctx)
    for column in Column:
        assert cell(pane, 0, column, Qt.ItemDataRole.UserRole) == ticket_id
    tip = cell(pane, 0, Column.CONTENT, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;被要求&lt;/b&gt;" in tip  # data, never markup
    assert "被要求" in tip and len(long_text) > 200
    first_200 = long_text[:200].replace("<", "&lt;").replace(">", "&gt;")
    assert first_200 in tip and long_text[:201].replace("<", "&lt;").replace(">", "&gt;") not in tip


def test_selection_follows_the_ticket_across_filters(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    selected: list[int] = []
    pane.ticket_selected.connect(selected.append)
    target = pane.model.ticket_id(10)
    qtbot.mouseClick(
        pane.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=pane.view.visualRect(pane.model.index(10, 1)).center(),
    )
    assert selected == [target]
    grade = demo[target].grade
    change_and_wait(qtbot, pane, lambda: pane.filter_bar.grade_combo.setCurrentText(Grade(grade).label))
    assert pane.current_ticket_id() == target
    change_and_wait(qtbot, pane, pane.refresh)
    assert pane.current_ticket_id() == target
    assert selected == [target]  # kept, not announced again
    other = next(g for g in GRADES if g.value != grade)
    change_and_wait(qtbot, pane, lambda: pane.filter_bar.grade_combo.setCurrentText(other.label))
    assert pane.current_ticket_id() is None
    change_and_wait(qtbot, pane, lambda: pane.filter_bar.grade_combo.setCurrentIndex(0))
    pane.select_ticket(target)
    assert selected == [target, target]


def test_enter_on_a_row_and_ctrl_f(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow, timeout=TIMEOUT)
    pane.view.setFocus()
    pane.view.setCurrentIndex(pane.model.index(5, 0))
    with qtbot.waitSignal(pane.ticket_selected, timeout=TIMEOUT) as selected:
        qtbot.keyClick(pane.view, Qt.Key.Key_Return)
    assert selected.args == [pane.model.ticket_id(5)]
    assert not pane.filter_bar.search_edit.hasFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert pane.filter_bar.search_edit.hasFocus()


def test_a_failing_query_reports_in_chinese(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    unit = next(f.unit for f in demo.values() if f.unit)
    with db.session() as s:  # another counter renames the unit while this list is open
        s.scalar(select(Unit).where(Unit.name == unit)).name = unit + "（已更名）"
    with qtbot.waitSignal(pane.failed, timeout=TIMEOUT) as failure:
        pane.filter_bar.unit_combo.setCurrentText(unit)
    assert "不在单位名录中" in failure.args[0]
    assert pane.notice.isVisible()
    assert pane.model.rowCount() == 300  # the previous list stays


def test_cache_stays_bounded_while_scrolling_all_rows(qtbot, db, ctx, demo, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 20)
    monkeypatch.setattr(queue, "MAX_PAGES", 3)
    pane = make_pane(qtbot, db, ctx)
    most = 0
    for row in range(pane.model.rowCount()):
        fact = demo[pane.model.ticket_id(row)]
        assert cell(pane, row, Column.NUMBER) == fact.number
        most = max(most, pane.model.cached_rows())
    assert most == 60  # filled to its bound, never beyond
    assert pane.model.cached_rows() <= 60


def test_five_thousand_tickets_scroll_to_the_end_and_back(qtbot, db, ctx):
    generate(db, 5000, ctx, seed=2)
    with db.session() as s:
        numbers = {i: n for i, n in s.execute(select(Ticket.id, Ticket.number))}
    pane = make_pane(qtbot, db, ctx)
    assert pane.model.rowCount() == 5000
    most = 0
    bar = pane.view.verticalScrollBar()
    # Half a cache page per step: every page is painted once, fetched, and later evicted.
    step = queue.PAGE_SIZE // 2
    assert bar.maximum() > 20 * step
    for value in range(0, bar.maximum() + 1, step):
        bar.setValue(value)
        pane.view.viewport().repaint()  # paints the rows, which fetches their pages
        most = max(most, pane.model.cached_rows())
    pane.view.scrollToBottom()
    pane.view.viewport().repaint()
    last = pane.model.rowCount() - 1
    assert pane.view.rowAt(pane.view.viewport().height() - 2) in (last, -1)
    assert cell(pane, last, Column.NUMBER) == numbers[pane.model.ticket_id(last)]
    pane.view.scrollToTop()
    pane.view.viewport().repaint()
    assert pane.view.rowAt(1) == 0
    assert cell(pane, 0, Column.NUMBER) == numbers[pane.model.ticket_id(0)]
    most = max(most, pane.model.cached_rows())
    assert CACHE_ROWS < 5000 and most <= CACHE_ROWS
    assert most >= 2 * queue.PAGE_SIZE  # pages really were read and evicted along the way


def test_columns_can_be_hidden_and_shown_and_are_remembered(qtbot, db, ctx, demo):
    pane = make_pane(qtbot, db, ctx)
    view = pane.view
    # By default the phone and acceptance time are left to the detail pane, so 反映内容 fits.
    assert view.isColumnHidden(Column.PHONE) and view.isColumnHidden(Column.ACCEPTED)
    assert not view.isColumnHidden(Column.HINT) and not view.isColumnHidden(Column.CONTENT)
    header = view.horizontalHeader()
    assert header.sectionViewportPosition(Column.CONTENT) < view.viewport().width()

    menu = pane.column_menu()
    entries = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert "受理编号" not in entries and "反映内容" not in entries  # always shown
    assert not entries["联系电话"].isChecked() and entries["提示"].isChecked()
    entries["联系电话"].trigger()
    entries["提示"].trigger()
    assert not view.isColumnHidden(Column.PHONE) and view.isColumnHidden(Column.HINT)

    again = make_pane(qtbot, db, ctx)  # the next start shows what the operator chose
    assert not again.view.isColumnHidden(Column.PHONE) and again.view.isColumnHidden(Column.HINT)
    assert again.view.isColumnHidden(Column.ACCEPTED)
    reset = next(a for a in again.column_menu().actions() if a.text() == "恢复默认的列")
    reset.trigger()
    assert again.view.isColumnHidden(Column.PHONE) and not again.view.isColumnHidden(Column.HINT)
    assert make_pane(qtbot, db, ctx).view.isColumnHidden(Column.PHONE)
    for column in (Column.PHONE, Column.ACCEPTED):  # every column shown is remembered too
        again.set_column_shown(column, True)
    last = make_pane(qtbot, db, ctx)
    assert not any(last.view.isColumnHidden(c) for c in Column)
