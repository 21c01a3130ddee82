"""The unit's side in the window: each step's own small form in the detail pane's action panel,
enabled only where the state allows, and the queue's 未签收 / 退单待审 / 延期待批."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from gui_input import type_text, when_modal
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox
from test_actions import info, make_panel, ok, open_dialog, register, ticket_row

from bbc_desktop.core import tickets as t
from bbc_desktop.core import unit_side as u
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.core.queries import TicketFilter, filtered_ids, overview, queue_rows
from bbc_desktop.core.tickets import load_calendar
from bbc_desktop.gui.actions import ActionDialog, Decision, Ruling
from bbc_desktop.gui.printing import PreviewDialog
from bbc_desktop.gui.state import AppState

A = Action


@pytest.fixture
def state(db, ctx) -> AppState:  # type: ignore[no-untyped-def]
    return AppState(db, ctx)


def _choose(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_the_extension_form_previews_the_new_deadline_and_the_decision_records_the_notice(
    qtbot, state, clock
):
    clock.set(datetime(2026, 9, 25, 10, 0))
    number = register(state, grade="blue", lead_unit="区住建局")  # due Wed 2026-09-30
    clock.set(datetime(2026, 9, 29, 10, 0))
    panel = make_panel(qtbot, state, number)
    assert panel.buttons[A.REQUEST_EXTENSION].isEnabled()
    assert not panel.buttons[A.DECIDE_EXTENSION].isEnabled()
    assert panel.buttons[A.DECIDE_EXTENSION].toolTip() == "该工单没有待审批的延期申请"

    dialog = open_dialog(qtbot, state, number, A.REQUEST_EXTENSION)
    assert dialog.fields["current_due"].text() == "2026年9月30日"
    days = dialog.fields["days"]
    assert isinstance(days, QSpinBox)
    days.setValue(3)
    # Over the National Day week: Thu 10-8, Fri 10-9, Sat 10-10 (a make-up working day).
    assert dialog.fields["preview"].text().startswith("2026年10月10日")
    ok(qtbot, dialog)
    assert dialog.error_label.text() == "请填写延期理由" or "延期理由" in dialog.error_label.text()
    assert dialog.isVisible()  # refused: nothing saved, what was chosen stays
    type_text(qtbot, dialog.fields["reason"], "涉及多部门会商")
    ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert ticket_row(state, number).pending == "extension"

    panel.set_ticket(info(state, number))
    assert panel.buttons[A.DECIDE_EXTENSION].isEnabled()
    assert "延期申请尚待审批" in panel.buttons[A.RECORD_RESULT].toolTip()
    decide = open_dialog(qtbot, state, number, A.DECIDE_EXTENSION)
    assert "区住建局申请延期 3 个工作日：涉及多部门会商" in decide.fields["request"].text()
    assert "延至 2026年10月10日" in decide.fields["request"].text()
    _choose(decide.fields["decision"], Decision.REFUSE.value)
    assert not decide.fields["notified"].isEnabled()  # only an approval is told to the reporter
    _choose(decide.fields["decision"], Decision.APPROVE.value)
    assert decide.fields["notified"].isEnabled()
    ok(qtbot, decide)
    assert "告知反映人" in decide.error_label.text() and decide.isVisible()
    _choose(decide.fields["notified"], "phone")
    ok(qtbot, decide)
    assert not decide.isVisible()
    ticket = ticket_row(state, number)
    assert (ticket.due_date, ticket.pending) == (date(2026, 10, 10), None)


def test_a_send_back_is_entered_and_ruled_by_reassigning(qtbot, state, clock):
    number = register(state, grade="yellow", lead_unit="区自然资源局")
    panel = make_panel(qtbot, state, number)
    assert not panel.buttons[A.RULE_SEND_BACK].isEnabled()
    dialog = open_dialog(qtbot, state, number, A.SEND_BACK)
    assert dialog.fields["current"].text() == "区自然资源局"
    ok(qtbot, dialog)
    assert dialog.error_label.text() == "请选择退单理由"
    _choose(dialog.fields["grounds"], "territory")
    type_text(qtbot, dialog.fields["reason"], "该地块属柏庄镇")
    ok(qtbot, dialog)
    assert ticket_row(state, number).pending == "send_back"

    clock.set(datetime(2026, 11, 24, 9, 0))
    rule = open_dialog(qtbot, state, number, A.RULE_SEND_BACK)
    assert rule.fields["request"].text() == "区自然资源局退单：属地不符，该地块属柏庄镇"
    _choose(rule.fields["ruling"], Ruling.KEEP.value)
    assert not rule.fields["unit"].isEnabled()
    _choose(rule.fields["ruling"], Ruling.REASSIGN.value)
    assert rule.fields["unit"].isEnabled()
    ok(qtbot, rule)
    assert rule.error_label.text() == "认可退单须选择改派的承办单位"
    rule.fields["unit"].setCurrentIndex(rule.fields["unit"].findText("柏庄镇"))
    ok(qtbot, rule)
    assert not rule.isVisible()
    ticket = ticket_row(state, number)
    assert ticket.pending is None and ticket.due_date == date(2026, 12, 1)  # Tue 11-24 + 5


def test_acknowledging_and_urging_from_the_panel(qtbot, state, clock, db):
    number = register(state, grade="blue", lead_unit="区税务局")
    panel = make_panel(qtbot, state, number)
    dialog = open_dialog(qtbot, state, number, A.ACKNOWLEDGE)
    type_text(qtbot, dialog.fields["by"], "钱联络")
    _choose(dialog.fields["how"], "in_person")
    ok(qtbot, dialog)
    assert ticket_row(state, number).acknowledged_by == "钱联络"
    panel.set_ticket(info(state, number))
    assert panel.buttons[A.ACKNOWLEDGE].toolTip() == "承办单位已签收该工单"

    clock.set(datetime(2026, 11, 27, 9, 0))  # overdue
    problems: list[str] = []
    when_modal(ActionDialog, lambda d: d.buttons.accepted.emit(), problems)  # 确定
    panel.set_ticket(info(state, number))
    assert panel.run(A.URGE)
    assert not problems
    previews = [w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewDialog) and w.isVisible()]
    assert previews and previews[-1].windowTitle() == f"打印预览 — 催办通知书 {number}"
    assert previews[-1].document.pdf.startswith(b"%PDF")
    for preview in previews:
        preview.close()
    with state.session() as s:
        assert [e.kind for e in t.get_ticket(s, number).events][-1] == "urged"


def test_the_queue_filters_and_flags_the_units_side(qtbot, state, clock):
    first = register(state, grade="blue", lead_unit="区税务局")  # dispatched Mon 11-23
    second = register(state, grade="yellow", lead_unit="区医保局")
    third = register(state, grade="yellow", lead_unit="区商务局")
    with state.session() as s:
        u.send_back(s, state.ctx, second, "ownership")
        u.request_extension(s, state.ctx, third, 2, "待鉴定")
    clock.set(datetime(2026, 11, 25, 9, 0))  # Wed: Tue has passed without a signature
    today = clock.today()
    with state.session() as s:
        calendar = load_calendar(s)

        def ids(kind: str) -> list[int]:
            return list(s.scalars(filtered_ids(s, TicketFilter(unit_side=kind), today, calendar)))

        number_of = {i: n for n, i in ((n, info(state, n)["id"]) for n in (first, second, third))}
        assert sorted(number_of[i] for i in ids("unacknowledged")) == sorted([first, second, third])
        assert [number_of[i] for i in ids("send_back")] == [second]
        assert [number_of[i] for i in ids("extension")] == [third]
        figures = overview(s, today, calendar)
        assert (figures.late_acknowledgement, figures.send_backs, figures.extensions) == (3, 1, 1)
        rows = queue_rows(s, list(number_of), today, calendar)
        assert all(r.late_acknowledgement for r in rows)
        u.acknowledge(s, state.ctx, first)
    with state.session() as s:
        assert overview(s, today, calendar).late_acknowledgement == 2
    clock.set(datetime(2026, 11, 24, 17, 0))  # the first working day after the dispatch: not yet late
    with state.session() as s:
        assert overview(s, clock.today(), calendar).late_acknowledgement == 0


def test_the_reminder_banner_names_the_units_side(qtbot, window, db):
    from test_main_window import attach

    from bbc_desktop.core.queries import Overview

    attach(qtbot, window, db)
    figures = Overview(
        by_status={}, awaiting_result=3, overdue=0, due_soon=0, due_today=0,
        late_acknowledgement=2, send_backs=1, extensions=0,
    )  # fmt: skip
    window.show_reminders(figures)
    assert window.banner.isVisible()
    assert window.reminder_label.text() == "提醒：超时未签收 2 件，退单待审 1 件。"


def test_the_dashboard_shows_this_months_scores_and_exports_them(qtbot, state, tmp_path):
    from openpyxl import load_workbook

    from bbc_desktop.gui.dashboard import DashboardDialog

    number = register(state, grade="blue", lead_unit="区税务局")
    with state.session() as s:
        u.acknowledge(s, state.ctx, number)
    dialog = DashboardDialog(state)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.scores_table is not None, timeout=10000)
    table = dialog.scores_table
    assert [table.horizontalHeaderItem(c).text() for c in (0, 1, 2, 7)] == [
        "承办单位",
        "收件",
        "及时签收率",
        "得分",
    ]
    assert (table.item(0, 0).text(), table.item(0, 1).text(), table.item(0, 2).text()) == (
        "区税务局",
        "1",
        "100.0%",
    )
    assert dialog.buttons["承办单位待处理事项/未签收"].text() == "0"
    target = tmp_path / "考核.xlsx"
    dialog.export_scores(str(target))
    qtbot.waitUntil(lambda: dialog.status.text().startswith("已导出"), timeout=10000)
    assert load_workbook(target).active.cell(row=4, column=1).value == "区税务局"


def test_the_banner_urges_and_escalates_in_batch(qtbot, window, db, clock, messages, monkeypatch):
    from test_main_window import attach

    from bbc_desktop.core.queries import overview

    attach(qtbot, window, db)
    state = window.state
    numbers = [register(state, grade="blue", lead_unit="区税务局") for _ in range(2)]  # due 11-26
    state.ctx.clock.set(datetime(2026, 11, 27, 9, 0))  # the window's own clock
    window.refresh_reminders()
    qtbot.waitUntil(
        lambda: window.last_overview is not None and window.last_overview.urge_due == 2, timeout=10000
    )
    assert window.urge_due_button.isVisible() and "应发催办通知书 2 件" in window.reminder_label.text()
    window.urge_due_button.click()  # the question is answered Yes
    qtbot.waitUntil(
        lambda: any(isinstance(w, PreviewDialog) and w.isVisible() for w in QApplication.topLevelWidgets()),
        timeout=10000,
    )
    preview = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewDialog) and w.isVisible()
    )
    assert preview.document.pages == 2
    preview.close()
    state.ctx.clock.set(datetime(2026, 12, 4, 9, 0))
    window.escalate_due()  # the question is answered Yes; the work runs in the background
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "已移交督办 2 件", timeout=10000)
    with state.session() as s:
        assert [t.get_ticket(s, n).status for n in numbers] == ["escalated", "escalated"]
        assert overview(s, state.ctx.clock.today(), load_calendar(s)).escalation_due == 0


def test_the_explanation_dialog_takes_words_from_the_library_kept_in_its_dialog(qtbot, state):
    from bbc_desktop.gui.admin import KnowledgeDialog

    library = KnowledgeDialog(state)
    qtbot.addWidget(library)
    type_text(qtbot, library.title_edit, "超出受理范围")
    library.save_button.click()
    assert "解释说明内容" in library.message.text()  # refused: nothing saved, the title stays
    assert library.title_edit.text() == "超出受理范围"
    library.text_edit.setPlainText("该事项属司法程序，不属于本窗口受理范围。")
    library.citation_edit.setText("《信访工作条例》第三十一条")
    library.save_button.click()
    assert library.message.text() == "已保存“超出受理范围”" and library.table.rowCount() == 1

    number = register(state)
    dialog = open_dialog(qtbot, state, number, A.EXPLAIN)
    combo = dialog.fields["library"]
    assert combo.isEnabled() and combo.itemText(1) == "超出受理范围"
    combo.setCurrentIndex(1)
    told = "该事项属司法程序，不属于本窗口受理范围。（依据：《信访工作条例》第三十一条）"
    assert dialog.fields["explanation"].toPlainText() == told
    ok(qtbot, dialog)
    assert not dialog.isVisible()
    ticket = ticket_row(state, number)
    assert ticket.explanation == told and ticket.explanation_id is not None
    library.refresh()
    assert library.table.item(0, 2).text() == "1"  # used once


def test_the_detail_pane_shows_the_signature_and_the_request_awaiting_a_ruling(qtbot, state, clock):
    from bbc_desktop.gui.detail import DetailPane

    number = register(state, grade="yellow", lead_unit="区住建局")
    pane = DetailPane(state)
    qtbot.addWidget(pane)
    pane.show()
    ticket_id = info(state, number)["id"]
    with qtbot.waitSignal(pane.loaded, timeout=10000):
        pane.show_ticket(ticket_id)
    assert pane.label("ackLabel").text() == "承办单位尚未签收"
    clock.set(datetime(2026, 11, 23, 14, 5))
    with state.session() as s:
        u.acknowledge(s, state.ctx, number, "钱联络", "scan")
        u.request_extension(s, state.ctx, number, 3, "需现场核查")
    with qtbot.waitSignal(pane.loaded, timeout=10000):
        pane.show_ticket(ticket_id)
    assert pane.label("ackLabel").text() == "2026-11-23 14:05（签收回执扫描件，钱联络）"
    assert (
        pane.label("requestLabel").text()
        == "区住建局于11月23日 14:05申请延期 3 个工作日（需现场核查），待审批"
    )
