"""The lifecycle buttons and their dialogs, driven like an operator on a real database."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from gui_input import type_text
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QDialogButtonBox, QListWidget
from sqlalchemy import func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.domain import Status
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.core.queries import summary
from bbc_desktop.db.models import Event, Ticket
from bbc_desktop.gui.actions import ActionDialog, ActionsPanel
from bbc_desktop.gui.state import AppState

A = Action


@pytest.fixture
def state(db, ctx) -> AppState:  # type: ignore[no-untyped-def]
    return AppState(db, ctx)


def register(state: AppState, **overrides) -> str:  # type: ignore[no-untyped-def]
    values = {
        "content": "办理营业执照变更，窗口要求补交已提交过的材料。",
        "name": "赵敏",
        "phone": "13912345678",
    }
    values.update(overrides)
    with state.session() as s:
        return t.register(s, state.ctx, t.Intake(**values)).number


def info(state: AppState, number: str) -> dict:  # type: ignore[type-arg]
    with state.session() as s:
        ticket = t.get_ticket(s, number)
        return summary(ticket, state.ctx.clock.today(), t.load_calendar(s)) | {"id": ticket.id}


def ticket_row(state: AppState, number: str) -> Ticket:
    with state.session() as s:
        ticket = t.get_ticket(s, number)
        s.expunge(ticket)
        return ticket


def event_count(state: AppState, number: str) -> int:
    with state.session() as s:
        ticket = t.get_ticket(s, number)
        return s.scalar(select(func.count()).select_from(Event).where(Event.ticket_id == ticket.id)) or 0


def make_panel(qtbot, state: AppState, number: str) -> ActionsPanel:  # type: ignore[no-untyped-def]
    panel = ActionsPanel(state)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_ticket(info(state, number))
    return panel


def open_dialog(qtbot, state: AppState, number: str, action: Action) -> ActionDialog:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(state, number, action)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def ok(qtbot, dialog: ActionDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def check_unit(checklist: QListWidget, name: str) -> None:
    item = checklist.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)


def test_full_lifecycle_through_the_dialogs(qtbot, state, clock):
    number = register(state)
    panel = make_panel(qtbot, state, number)
    assert set(panel.enabled_actions()) == {A.DISPATCH, A.RESOLVE_ON_SPOT, A.EXPLAIN, A.CHANGE_GRADE, A.VOID}
    assert [b.text() for b in panel.buttons.values()][:3] == ["转办", "改派承办单位", "当场解决"]

    # 转办 through the panel's own button: the modal dialog is filled the way an operator would.
    changed: list[int] = []
    panel.ticket_changed.connect(changed.append)
    problems: list[str] = []

    def fill_dispatch() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ActionDialog):
            QTimer.singleShot(20, fill_dispatch)
            return
        try:
            choose(dialog.fields["unit"], "区自然资源局")
            check_unit(dialog.fields["co_units"], "区住建局")
            type_text(qtbot, dialog.fields["note"], "请牵头协调办理")
            ok(qtbot, dialog)
        except Exception as exc:  # never leave a modal dialog open behind a failed test
            problems.append(repr(exc))
            dialog.reject()

    QTimer.singleShot(0, fill_dispatch)
    qtbot.mouseClick(panel.buttons[A.DISPATCH], Qt.MouseButton.LeftButton)
    assert not problems
    ticket = ticket_row(state, number)
    assert ticket.status == Status.DISPATCHED
    assert ticket.dispatch_note == "请牵头协调办理"
    with state.session() as s:
        current = t.get_ticket(s, number)
        assert t.lead_assignment(current).unit.name == "区自然资源局"
        assert [a.unit.name for a in t.co_assignments(current)] == ["区住建局"]
    assert changed == [ticket.id]
    assert set(panel.enabled_actions()) == {
        A.RECORD_RESULT, A.EXPLAIN, A.REASSIGN, A.CHANGE_GRADE, A.VOID,
        A.ACKNOWLEDGE, A.SEND_BACK, A.REQUEST_EXTENSION, A.URGE,  # the unit's side, while it holds it
    }  # fmt: skip
    # A blue ticket within its deadline cannot be escalated: the core's reason is the tooltip.
    assert "蓝牌工单只有在超期未办结时" in panel.buttons[A.ESCALATE].toolTip()

    clock.set(datetime(2026, 11, 25, 16, 0))
    dialog = open_dialog(qtbot, state, number, A.RECORD_RESULT)
    type_text(qtbot, dialog.fields["result"], "已为申请人办理变更登记")
    type_text(qtbot, dialog.fields["signer"], "刘局长")
    type_text(qtbot, dialog.fields["phone"], "0372 1234567")
    assert dialog.value("at") == datetime(2026, 11, 25, 16, 0)  # 办结时间 defaults to now
    ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    ticket = ticket_row(state, number)
    assert ticket.status == Status.RESULT_RECEIVED
    assert (ticket.result_text, ticket.result_signer, ticket.result_phone) == (
        "已为申请人办理变更登记",
        "刘局长",
        "0372-1234567",
    )
    assert ticket.result_at == datetime(2026, 11, 25, 16, 0)
    panel.set_ticket(info(state, number))
    assert set(panel.enabled_actions()) == {A.REPLY, A.EXPLAIN, A.VOID}
    assert panel.buttons[A.CLOSE].toolTip() == "办理结果尚未答复反映人，不能结案"

    dialog = open_dialog(qtbot, state, number, A.REPLY)
    assert dialog.fields["reply_method"].currentText() == "电话"
    type_text(qtbot, dialog.fields["reply"], "已电话告知办理结果")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert (ticket.status, ticket.reply_method, ticket.reply_text) == (
        Status.REPLIED,
        "phone",
        "已电话告知办理结果",
    )
    panel.set_ticket(info(state, number))
    assert set(panel.enabled_actions()) == {A.REPLY, A.VISIT, A.CLOSE, A.VOID}

    dialog = open_dialog(qtbot, state, number, A.VISIT)
    assert dialog.fields["visitor"].text() == "王芳"
    choose(dialog.fields["satisfaction"], "满意")
    assert not dialog.warning.isVisible()
    type_text(qtbot, dialog.fields["notes"], "反映人对办理结果表示满意")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert (ticket.status, ticket.satisfaction, ticket.visit_by) == (Status.VISITED, "satisfied", "王芳")
    panel.set_ticket(info(state, number))
    assert set(panel.enabled_actions()) == {A.CLOSE, A.VOID}

    dialog = open_dialog(qtbot, state, number, A.CLOSE)
    type_text(qtbot, dialog.fields["note"], "办结")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert (ticket.status, ticket.close_note) == (Status.CLOSED, "办结")
    panel.set_ticket(info(state, number))
    assert set(panel.enabled_actions()) == {A.ARCHIVE, A.VOID}

    dialog = open_dialog(qtbot, state, number, A.ARCHIVE)
    assert number in dialog.notice.text() and "不能再做任何修改" in dialog.notice.text()
    ok(qtbot, dialog)
    assert ticket_row(state, number).status == Status.ARCHIVED
    panel.set_ticket(info(state, number))
    assert panel.enabled_actions() == []
    assert panel.buttons[A.VOID].toolTip() == "该工单已归档，不能再做任何修改"


def test_unsatisfied_visit_reopens_the_case(qtbot, state):
    number = register(state, lead_unit="区人社局")
    with state.session() as s:
        t.record_result(s, state.ctx, number, "已办理")
        t.reply(s, state.ctx, number, "phone", "已告知")
    dialog = open_dialog(qtbot, state, number, A.VISIT)
    choose(dialog.fields["satisfaction"], "不满意")
    assert dialog.warning.isVisible() and "重新办理" in dialog.warning.text()
    type_text(qtbot, dialog.fields["notes"], "反映人认为问题没有解决")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert ticket.status == Status.DISPATCHED
    assert ticket.satisfaction == "unsatisfied"
    assert ticket.result_text == ""
    panel = make_panel(qtbot, state, number)
    assert A.RECORD_RESULT in panel.enabled_actions()


def test_disabled_button_tooltip_says_why(qtbot, state):
    panel = make_panel(qtbot, state, register(state))
    visit = panel.buttons[A.VISIT]
    assert not visit.isEnabled()
    assert visit.toolTip().startswith("工单当前状态为“已受理”，不能回访")
    assert panel.buttons[A.DISPATCH].isEnabled()
    panel.set_ticket(None)
    assert panel.enabled_actions() == []
    assert visit.toolTip() == "请先在队列中选择工单"
    yellow = make_panel(qtbot, state, register(state, grade="yellow"))
    assert yellow.buttons[A.RESOLVE_ON_SPOT].toolTip().startswith("只有蓝牌工单可以当场解决")


def test_bad_input_keeps_the_dialog_and_saves_nothing(qtbot, state):
    number = register(state, lead_unit="区教育局")
    before = event_count(state, number)
    dialog = open_dialog(qtbot, state, number, A.RECORD_RESULT)
    ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible() and dialog.error_label.text() == "请填写办理结果"

    type_text(qtbot, dialog.fields["result"], "已协调学校办理转学手续")
    type_text(qtbot, dialog.fields["signer"], "周校长")
    type_text(qtbot, dialog.fields["phone"], "12345")
    ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "电话号码“12345”格式不正确" in dialog.error_label.text()
    # Everything typed is still there.
    assert dialog.fields["result"].toPlainText() == "已协调学校办理转学手续"
    assert dialog.fields["signer"].text() == "周校长"
    assert dialog.fields["phone"].text() == "12345"
    ticket = ticket_row(state, number)
    assert (ticket.status, ticket.result_text, ticket.result_signer) == (Status.DISPATCHED, "", "")
    assert event_count(state, number) == before

    dialog.fields["phone"].setText("13700001234")
    ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert ticket_row(state, number).result_phone == "13700001234"


def test_dispatch_needs_a_unit(qtbot, state):
    number = register(state)
    dialog = open_dialog(qtbot, state, number, A.DISPATCH)
    ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error_label.text() == "请选择承办单位"
    assert ticket_row(state, number).status == Status.REGISTERED


def test_change_grade_previews_the_new_deadline(qtbot, state):
    number = register(state)  # blue, Monday 2026-11-23: due Thursday 11-26
    dialog = open_dialog(qtbot, state, number, A.CHANGE_GRADE)
    preview = dialog.fields["preview"]
    assert preview.text() == "与当前牌色相同，办理期限不变"
    choose(dialog.fields["grade"], "红牌")
    assert preview.text().startswith("2026年12月7日（红牌10个工作日")
    assert "提交区政府相关领导" in dialog.fields["rule"].text()
    choose(dialog.fields["grade"], "黄牌")
    assert preview.text().startswith("2026年11月30日")
    ok(qtbot, dialog)
    assert dialog.error_label.text() == "请填写调整理由"
    assert ticket_row(state, number).grade == "blue"
    type_text(qtbot, dialog.fields["reason"], "涉及住建、税务两个部门")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert (ticket.grade, ticket.due_date) == ("yellow", date(2026, 11, 30))


def test_void_requires_a_reason_and_warns(qtbot, state):
    number = register(state)
    dialog = open_dialog(qtbot, state, number, A.VOID)
    assert "不能撤销" in dialog.notice.text()
    ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error_label.text() == "请填写作废理由"
    assert ticket_row(state, number).status == Status.REGISTERED
    type_text(qtbot, dialog.fields["reason"], "重复录入")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert (ticket.status, ticket.void_reason) == (Status.VOIDED, "重复录入")


def test_written_complaint_defaults_to_written_reply(qtbot, state):
    number = register(state, form="written")
    dialog = open_dialog(qtbot, state, number, A.RESOLVE_ON_SPOT)
    assert dialog.fields["reply_method"].currentText() == "书面"
    choose(dialog.fields["reply_method"], "电话")
    type_text(qtbot, dialog.fields["result"], "当场协调办结")
    ok(qtbot, dialog)
    assert "书面投诉必须书面答复" in dialog.error_label.text()
    assert ticket_row(state, number).status == Status.REGISTERED
    choose(dialog.fields["reply_method"], "书面")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert (ticket.status, ticket.reply_method, ticket.on_the_spot) == (Status.REPLIED, "written", True)


def test_escalation_shows_its_target(qtbot, state):
    number = register(state, grade="red", lead_unit="区发改委")
    panel = make_panel(qtbot, state, number)
    assert panel.buttons[A.ESCALATE].isEnabled()
    dialog = open_dialog(qtbot, state, number, A.ESCALATE)
    assert dialog.fields["target"].text() == "区委、区政府主要领导或分管区领导"
    type_text(qtbot, dialog.fields["note"], "涉及规划政策调整")
    ok(qtbot, dialog)
    ticket = ticket_row(state, number)
    assert (ticket.status, ticket.escalated_to) == (Status.ESCALATED, "区委、区政府主要领导或分管区领导")


def test_reassign_to_another_unit(qtbot, state):
    number = register(state, lead_unit="区教育局")
    dialog = open_dialog(qtbot, state, number, A.REASSIGN)
    assert dialog.fields["current"].text() == "区教育局"
    choose(dialog.fields["unit"], "区教育局")
    type_text(qtbot, dialog.fields["reason"], "不属本单位职责")
    ok(qtbot, dialog)
    assert "请选择其他单位" in dialog.error_label.text()
    choose(dialog.fields["unit"], "区人社局")
    ok(qtbot, dialog)
    with state.session() as s:
        assert t.lead_assignment(t.get_ticket(s, number)).unit.name == "区人社局"


def test_an_imported_ticket_is_graded_through_the_dialog(qtbot, state):
    from pathlib import Path

    from bbc_desktop.core.legacy_import import import_ledger
    from bbc_desktop.io.legacy_ledger import read_legacy_ledger

    fixture = Path(__file__).parents[1] / "fixtures" / "legacy-ledger-2025.xlsx"
    with state.session() as s:
        import_ledger(s, state.ctx, read_legacy_ledger(fixture))
    panel = make_panel(qtbot, state, "2025-005")
    assert A.CHANGE_GRADE in panel.enabled_actions() and A.DISPATCH not in panel.enabled_actions()
    dialog = open_dialog(qtbot, state, "2025-005", A.CHANGE_GRADE)
    preview = dialog.fields["preview"]
    assert preview.text() == "请选择新牌色"
    ok(qtbot, dialog)
    assert dialog.error_label.text() == "请选择牌色" and ticket_row(state, "2025-005").grade == "unknown"
    choose(dialog.fields["grade"], "黄牌")
    assert preview.text().startswith("2026年11月30日（黄牌5个工作日，自2026年11月23日起算")
    type_text(qtbot, dialog.fields["reason"], "核实后定为黄牌")
    ok(qtbot, dialog)
    ticket = ticket_row(state, "2025-005")
    assert (ticket.grade, ticket.due_date) == ("yellow", date(2026, 11, 30))
    panel.set_ticket(info(state, "2025-005"))
    assert A.DISPATCH in panel.enabled_actions()


def test_a_save_after_another_counter_changed_the_ticket_is_refused(qtbot, state, clock):
    """Two counters on one database: the second save is told, shown the new state, overwrites nothing."""
    from gui_input import when_modal

    from bbc_desktop.core.context import Context

    number = register(state, lead_unit="区教育局")
    panel = make_panel(qtbot, state, number)  # the operator sees the ticket, dispatched
    with state.session() as s:
        panel.info["version"] = t.get_ticket(s, number).version
    # Meanwhile another counter records the unit's result.
    with state.session() as s:
        t.record_result(
            s, Context(clock=clock, operator="李四"), number, "已办理转学手续", "周校长", "13700001234"
        )
    before = event_count(state, number)
    changed: list[int] = []
    panel.ticket_changed.connect(changed.append)
    seen: dict[str, str] = {}
    problems: list[str] = []

    def fill(dialog: ActionDialog) -> None:
        type_text(qtbot, dialog.fields["result"], "已协调学校办理")
        type_text(qtbot, dialog.fields["signer"], "王校长")
        dialog.fields["phone"].setText("0372-7654321")
        ok(qtbot, dialog)
        seen["error"] = dialog.error_label.text()
        seen["typed"] = dialog.fields["result"].toPlainText()
        dialog.reject()  # the operator reads the new state and leaves it

    when_modal(ActionDialog, fill, problems)
    qtbot.mouseClick(panel.buttons[A.RECORD_RESULT], Qt.MouseButton.LeftButton)
    assert not problems
    assert "在您打开后已被修改" in seen["error"] and "李四" in seen["error"]
    assert seen["typed"] == "已协调学校办理"  # nothing typed is thrown away
    assert changed == [info(state, number)["id"]]  # the window is asked to show the new state
    ticket = ticket_row(state, number)
    assert (ticket.result_text, ticket.result_signer) == ("已办理转学手续", "周校长")
    assert event_count(state, number) == before
