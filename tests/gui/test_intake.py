"""The intake form (受理登记) on a real database, typed into and clicked like an operator at the counter."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from gui_input import type_text
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from sqlalchemy import func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.domain import Category, Grade, ReporterKind
from bbc_desktop.core.queries import linked_tickets
from bbc_desktop.db.models import Event, Ticket
from bbc_desktop.gui.intake import CoUnitsDialog, IntakeForm, OnSpotDialog
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import wait_for_workers

TIMEOUT = 10_000


@pytest.fixture
def form(qtbot, db, ctx):  # type: ignore[no-untyped-def]
    widget = IntakeForm(AppState(db, ctx))
    qtbot.addWidget(widget)
    widget.resize(460, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=TIMEOUT)
    yield widget
    wait_for_workers()


def child(form: IntakeForm, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = form.findChild(kind, name)
    assert widget is not None, name
    return widget


def type_into(qtbot, form: IntakeForm, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = child(form, QWidget, name)
    type_text(qtbot, widget.lineEdit() if isinstance(widget, QComboBox) else widget, text)


def click(qtbot, form: IntakeForm, name: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(child(form, QWidget, name), Qt.MouseButton.LeftButton)


def ticket_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def message(form: IntakeForm) -> str:
    label = child(form, QLabel, "messageLabel")
    return label.text() if label.isVisible() else ""


def test_full_intake_with_units_is_saved_with_every_field_and_the_form_cleared(qtbot, form, db):
    click(qtbot, form, "personRadio")
    type_into(qtbot, form, "nameEdit", "田𠮷祥")
    type_into(qtbot, form, "phoneEdit", "138 1234-5678")
    click(qtbot, form, "confidentialCheck")
    child(form, QComboBox, "sourceCombo").setCurrentIndex(2)  # 来信
    category = child(form, QComboBox, "categoryCombo")
    category.setCurrentIndex(category.findData(Category.DELAY.value))
    click(qtbot, form, "writtenRadio")
    type_into(qtbot, form, "contentEdit", "申请人才公寓，材料交齐两周仍未受理，窗口说要等通知。")
    assert child(form, QLabel, "contentCount").text() == "26 / 20000 字"
    click(qtbot, form, "yellowButton")
    type_into(qtbot, form, "unitCombo", "教育")  # the completer offers the unit containing the words
    popup = child(form, QComboBox, "unitCombo").completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    assert popup.model().index(0, 0).data() == "区教育局"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert child(form, QComboBox, "unitCombo").currentText() == "区教育局"
    click(qtbot, form, "coUnitsButton")
    dialog = form.findChild(CoUnitsDialog, "coUnitsDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    type_text(qtbot, dialog.filter_edit, "区")
    units = dialog.findChild(QListWidget, "coUnitsList")
    for name in ("区民政局", "区人社局"):
        units.findItems(name, Qt.MatchFlag.MatchExactly)[0].setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )
    assert child(form, QLabel, "coUnitsLabel").text() == "区民政局、区人社局"
    type_into(qtbot, form, "dispatchNoteEdit", "请于期限内办结并书面答复。")

    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as blocker:
        click(qtbot, form, "saveButton")

    ticket_id, number = blocker.args
    assert number == "BBC-2026-0001"
    with db.session() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket.number == number
        assert (ticket.grade, ticket.source, ticket.category, ticket.form) == (
            "yellow",
            "letter",
            "2",
            "written",
        )
        assert ticket.confidential and not ticket.anonymous
        assert ticket.reporter.kind == ReporterKind.PERSON.value
        assert ticket.reporter.name == "田𠮷祥"
        assert ticket.reporter.phone == "13812345678"
        assert ticket.content == "申请人才公寓，材料交齐两周仍未受理，窗口说要等通知。"
        assert ticket.status == "dispatched"
        assert t.lead_assignment(ticket).unit.name == "区教育局"
        assert sorted(a.unit.name for a in t.co_assignments(ticket)) == ["区人社局", "区民政局"]
        assert ticket.dispatch_note == "请于期限内办结并书面答复。"
        assert ticket.accepted_at == datetime(2026, 11, 23, 9, 30)
        assert ticket.due_date == date(2026, 11, 30)
        assert ticket.received_by.username == "王芳"
    assert message(form).startswith("已受理：BBC-2026-0001")
    assert child(form, QLineEdit, "nameEdit").text() == ""
    assert child(form, QLineEdit, "phoneEdit").text() == ""
    assert child(form, QPlainTextEdit, "contentEdit").toPlainText() == ""
    assert child(form, QComboBox, "unitCombo").currentText() == ""
    assert child(form, QLabel, "coUnitsLabel").text() == "未选择"
    assert child(form, QComboBox, "sourceCombo").currentText() == "窗口来访"
    assert child(form, QPushButton, "blueButton").isChecked()
    assert not child(form, QCheckBox, "confidentialCheck").isChecked()
    assert not form.is_dirty()


def test_due_preview_follows_the_grade_and_the_acceptance_time(qtbot, form):
    due = child(form, QLabel, "dueLabel")
    rule = child(form, QLabel, "gradeRule")
    assert due.text() == "2026年11月26日（3个工作日）"
    assert "3个工作日内答复" in rule.text()
    click(qtbot, form, "redButton")
    assert due.text() == "2026年12月7日（10个工作日）"
    assert rule.text().startswith("红牌：涉及相关政策需研究的")
    click(qtbot, form, "yellowButton")
    assert due.text() == "2026年11月30日（5个工作日）"
    # A letter received on Friday and entered on Monday counts from Friday.
    click(qtbot, form, "blueButton")
    child(form, QDateTimeEdit, "acceptedEdit").setDateTime(QDateTime(datetime(2026, 11, 20, 16, 0)))
    assert due.text() == "2026年11月25日（3个工作日）"


def test_due_preview_says_provisional_for_a_year_without_a_schedule(qtbot, db, ctx, clock):
    clock.set(datetime(2027, 3, 1, 9, 0))
    form = IntakeForm(AppState(db, ctx))
    qtbot.addWidget(form)
    assert (
        child(form, QLabel, "dueLabel").text()
        == "2027年3月4日（3个工作日）（暂定：该年度节假日安排尚未公布）"
    )


def test_bad_phone_is_shown_inline_and_on_save_and_nothing_is_saved(qtbot, form, db):
    type_into(qtbot, form, "nameEdit", "张三")
    type_into(qtbot, form, "phoneEdit", "12345")
    type_into(qtbot, form, "contentEdit", "营业执照变更跑了三趟")
    phone = child(form, QLineEdit, "phoneEdit")
    inline = child(form, QLabel, "phoneMessage")
    assert inline.isVisible() and "电话号码“12345”格式不正确" in inline.text()
    assert phone.property("invalid") is True

    click(qtbot, form, "saveButton")

    assert "电话号码“12345”格式不正确" in message(form)
    assert child(form, QLabel, "messageLabel").property("kind") == "error"
    assert phone.property("invalid") is True
    assert QApplication.focusWidget() is phone
    assert phone.text() == "12345"
    assert child(form, QLineEdit, "nameEdit").text() == "张三"
    assert child(form, QPlainTextEdit, "contentEdit").toPlainText() == "营业执照变更跑了三趟"
    assert ticket_count(db) == 0

    # Corrected: the inline check shows the normalised form.
    phone.clear()
    type_into(qtbot, form, "phoneEdit", "0372 1234567")
    qtbot.keyClick(phone, Qt.Key.Key_Tab)
    assert phone.text() == "0372-1234567"
    assert not inline.isVisible()
    assert not phone.property("invalid")


def test_empty_content_is_refused_and_marked(qtbot, form, db):
    type_into(qtbot, form, "nameEdit", "李四")
    type_into(qtbot, form, "phoneEdit", "13900001111")
    click(qtbot, form, "saveButton")
    content = child(form, QPlainTextEdit, "contentEdit")
    assert message(form) == "请填写反映内容"
    assert content.property("invalid") is True
    assert QApplication.focusWidget() is content
    assert child(form, QLineEdit, "nameEdit").text() == "李四"
    assert ticket_count(db) == 0
    type_text(qtbot, content, "补")
    assert not content.property("invalid")


def test_content_counter_turns_red_over_the_limit_and_back(qtbot, form):
    from PySide6.QtWidgets import QLabel

    from bbc_desktop.core.validation import MAX_CONTENT

    content = child(form, QPlainTextEdit, "contentEdit")
    counter = child(form, QLabel, "contentCount")
    normal = counter.palette().color(counter.foregroundRole()).name()
    content.setPlainText("𠮷" * (MAX_CONTENT + 1))  # one character each, though two UTF-16 units
    assert counter.text() == f"{MAX_CONTENT + 1} / {MAX_CONTENT} 字" and counter.property("over") is True
    assert counter.palette().color(counter.foregroundRole()).name() != normal  # the style took effect
    content.setPlainText("𠮷" * MAX_CONTENT)
    assert counter.property("over") is False
    assert counter.palette().color(counter.foregroundRole()).name() == normal


def test_unknown_unit_marks_the_unit_field(qtbot, form, db):
    type_into(qtbot, form, "nameEdit", "李四")
    type_into(qtbot, form, "phoneEdit", "13900001111")
    type_into(qtbot, form, "contentEdit", "事项")
    type_into(qtbot, form, "unitCombo", "区外星局")
    click(qtbot, form, "saveButton")
    assert "区外星局" in message(form) and "不在单位名录中" in message(form)
    assert child(form, QComboBox, "unitCombo").property("invalid") is True
    assert ticket_count(db) == 0


def test_future_acceptance_time_is_refused_and_a_back_dated_one_kept(qtbot, form, db):
    type_into(qtbot, form, "nameEdit", "李四")
    type_into(qtbot, form, "phoneEdit", "13900001111")
    type_into(qtbot, form, "contentEdit", "来信反映窗口推诿")
    accepted = child(form, QDateTimeEdit, "acceptedEdit")
    accepted.setDateTime(QDateTime(datetime(2026, 11, 24, 8, 0)))
    click(qtbot, form, "saveButton")
    assert message(form).startswith("受理时间不能晚于当前时间")
    assert accepted.property("invalid") is True
    assert ticket_count(db) == 0
    accepted.setDateTime(QDateTime(datetime(2026, 11, 20, 16, 45)))
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as blocker:
        click(qtbot, form, "saveButton")
    with db.session() as s:
        ticket = s.get(Ticket, blocker.args[0])
        assert ticket.accepted_at == datetime(2026, 11, 20, 16, 45)
        assert ticket.due_date == date(2026, 11, 25)


def test_resolve_on_the_spot_registers_and_replies_in_one_go(qtbot, form, db):
    type_into(qtbot, form, "nameEdit", "王五")
    type_into(qtbot, form, "phoneEdit", "13700002222")
    type_into(qtbot, form, "contentEdit", "社保卡补办窗口说系统故障，让明天再来")
    button = child(form, QPushButton, "onSpotButton")
    assert button.isEnabled()
    click(qtbot, form, "onSpotButton")
    dialog = form.findChild(OnSpotDialog, "onSpotDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)

    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # no result typed: refused inside the dialog
    assert dialog.isVisible()
    assert dialog.findChild(QLabel, "resultMessage").text() == "请填写办理结果"
    assert ticket_count(db) == 0

    type_text(qtbot, dialog.findChild(QPlainTextEdit, "resultEdit"), "已电话协调区人社局，当场补办社保卡")
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    with db.session() as s:
        ticket = s.get(Ticket, blocker.args[0])
        assert ticket.status == "replied"
        assert ticket.on_the_spot is True
        assert ticket.result_text == "已电话协调区人社局，当场补办社保卡"
        assert ticket.reply_text == ticket.result_text
    assert "已当场解决" in message(form)
    assert child(form, QPlainTextEdit, "contentEdit").toPlainText() == ""


def test_on_the_spot_is_unavailable_for_red_and_yellow(qtbot, form):
    button = child(form, QPushButton, "onSpotButton")
    click(qtbot, form, "redButton")
    assert not button.isEnabled()
    assert "只有蓝牌工单可以当场解决" in button.toolTip()
    click(qtbot, form, "yellowButton")
    assert not button.isEnabled()
    click(qtbot, form, "blueButton")
    assert button.isEnabled()


def test_anonymous_report_saves_without_name_or_phone(qtbot, form, db):
    type_into(qtbot, form, "nameEdit", "不愿透露")
    click(qtbot, form, "anonymousCheck")
    assert not child(form, QLineEdit, "nameEdit").isEnabled()
    assert not child(form, QLineEdit, "phoneEdit").isEnabled()
    assert not child(form, QLineEdit, "companyEdit").isEnabled()
    type_into(qtbot, form, "contentEdit", "不动产登记窗口工作人员态度生硬")

    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    with db.session() as s:
        ticket = s.get(Ticket, blocker.args[0])
        assert ticket.anonymous
        assert (ticket.reporter.name, ticket.reporter.phone) == ("", "")
    assert child(form, QLineEdit, "nameEdit").isEnabled()


def test_company_report_needs_the_company_name(qtbot, form, db):
    click(qtbot, form, "companyRadio")
    assert child(form, QLabel, "nameLabel").text() == "联系人"
    type_into(qtbot, form, "nameEdit", "赵经理")
    type_into(qtbot, form, "phoneEdit", "0372-5556666")
    type_into(qtbot, form, "contentEdit", "施工许可审批超时")
    click(qtbot, form, "saveButton")
    assert message(form) == "企业反映须填写企业名称"
    assert child(form, QLineEdit, "companyEdit").property("invalid") is True
    assert ticket_count(db) == 0
    type_into(qtbot, form, "companyEdit", "安阳市宏达建设有限公司")
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as blocker:
        click(qtbot, form, "saveButton")
    with db.session() as s:
        reporter = s.get(Ticket, blocker.args[0]).reporter
        assert (reporter.kind, reporter.company, reporter.name) == (
            "company",
            "安阳市宏达建设有限公司",
            "赵经理",
        )


def test_repeat_report_is_noticed_and_linked(qtbot, form, db, ctx):
    with db.session() as s:
        t.register(
            s, ctx, t.Intake(content="学位申请无回复", name="陈六", phone="13812345678", lead_unit="区教育局")
        )
    notice = child(form, QWidget, "repeatNotice")
    assert not notice.isVisible()

    type_into(qtbot, form, "phoneEdit", "13812345678")
    qtbot.waitUntil(notice.isVisible, timeout=TIMEOUT)

    assert (
        child(form, QLabel, "repeatLabel").text()
        == "该反映人有未办结的工单：BBC-2026-0001（已转办，区教育局）"
    )
    link_check = child(form, QCheckBox, "repeatLinkCheck")
    assert link_check.text() == "关联为重复反映"
    click(qtbot, form, "repeatLinkCheck")
    assert link_check.text() == "保存后将关联 BBC-2026-0001"
    type_into(qtbot, form, "nameEdit", "陈六")
    type_into(qtbot, form, "contentEdit", "学位申请仍无回复，第二次来反映")

    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as blocker:
        click(qtbot, form, "saveButton")

    ticket_id, number = blocker.args
    assert number == "BBC-2026-0002"
    with db.session() as s:
        assert [x.number for x in linked_tickets(s, ticket_id)] == ["BBC-2026-0001"]
        linked = s.scalars(select(Event).where(Event.kind == "linked").order_by(Event.id)).all()
        assert [(e.ticket.number, e.after) for e in linked] == [
            ("BBC-2026-0002", {"linked": "BBC-2026-0001"}),
            ("BBC-2026-0001", {"linked": "BBC-2026-0002"}),
        ]
    assert not notice.isVisible()


def test_repeat_notice_goes_away_for_another_reporter(qtbot, form, db, ctx):
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="x", name="陈六", phone="13812345678"))
    type_into(qtbot, form, "phoneEdit", "13812345678")
    notice = child(form, QWidget, "repeatNotice")
    qtbot.waitUntil(notice.isVisible, timeout=TIMEOUT)
    click(qtbot, form, "repeatLinkCheck")
    phone = child(form, QLineEdit, "phoneEdit")
    phone.selectAll()
    qtbot.keyClicks(phone, "13812345679")
    qtbot.waitUntil(lambda: not notice.isVisible(), timeout=TIMEOUT)
    assert form.link_target() is None


def test_escape_on_a_dirty_form_asks_then_clears(qtbot, form, monkeypatch):
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # nothing typed: no question
    assert asked == []
    type_into(qtbot, form, "nameEdit", "张三")
    assert form.is_dirty()
    qtbot.keyClick(child(form, QLineEdit, "nameEdit"), Qt.Key.Key_Escape)
    assert len(asked) == 1
    assert child(form, QLineEdit, "nameEdit").text() == "张三"  # answered No
    qtbot.keyClick(child(form, QLineEdit, "nameEdit"), Qt.Key.Key_Escape)
    assert len(asked) == 2
    assert child(form, QLineEdit, "nameEdit").text() == ""
    assert not form.is_dirty()


def test_tab_walks_the_fields_in_order(qtbot, form):
    child(form, QRadioButton, "personRadio").setFocus()
    walked = [QApplication.focusWidget().objectName()]
    for _ in range(14):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget().objectName())
    assert walked == [
        "personRadio",
        "nameEdit",
        "phoneEdit",  # 企业名称 is disabled for a person
        "anonymousCheck",
        "confidentialCheck",
        "sourceCombo",
        "categoryCombo",
        "oralRadio",
        "contentEdit",
        "blueButton",  # the chosen grade; the arrow keys choose another, as in a radio group
        "unitCombo",
        "coUnitsButton",
        "dispatchNoteEdit",
        "acceptedEdit",
        "saveButton",
    ]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget().objectName() == "acceptedEdit"
    blue = child(form, QPushButton, "blueButton")
    blue.setFocus()
    qtbot.keyClick(blue, Qt.Key.Key_Left)
    assert QApplication.focusWidget().objectName() == "yellowButton"
    assert form.grade() is Grade.YELLOW
    assert child(form, QLabel, "dueLabel").text() == "2026年11月30日（5个工作日）"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget().objectName() == "unitCombo"
    click(qtbot, form, "companyRadio")
    child(form, QLineEdit, "nameEdit").setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget().objectName() == "companyEdit"
