"""The administrator's screens: accounts, and the audit trail with its check."""

from __future__ import annotations

from datetime import datetime

import pytest
from gui_input import when_modal
from sqlalchemy import select, update

from bbc_desktop.core import tickets as t
from bbc_desktop.core.auth import create_account
from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.db.models import Account, Event
from bbc_desktop.gui.admin import AccountForm, AccountsDialog, AuditDialog
from bbc_desktop.gui.state import AppState

NOW = datetime(2026, 11, 23, 9, 30)
PASSWORD = "counter2026"


def state_as(db, name: str) -> AppState:  # type: ignore[no-untyped-def]
    state = AppState(db, Context(clock=FixedClock(NOW), operator=name))
    state.sign_in(name)
    return state


@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    ctx = Context(clock=FixedClock(NOW), operator="admin")
    with db.session() as s:
        create_account(s, ctx, "admin", PASSWORD, "admin", "张管理")
        create_account(s, ctx, "front", PASSWORD, "front_desk", "王芳")
        t.register(
            s,
            Context(clock=FixedClock(NOW), operator="front"),
            t.Intake(content="甲", name="张三", phone="13800000000"),
        )
    return db


def test_accounts_are_created_changed_reset_and_disabled(qtbot, office, messages):
    dialog = AccountsDialog(state_as(office, "admin"))
    qtbot.addWidget(dialog)
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["admin", "front"]

    def new(form: AccountForm) -> None:
        form.username_edit.setText("leader")
        form.display_edit.setText("李领导")
        form.role_combo.setCurrentIndex(form.role_combo.findText("领导/督查"))
        form.password_edit.setText("start2026")
        form.repeat_edit.setText("start2026x")
        form.buttons.accepted.emit()
        assert form.error_label.text() == "两次输入的密码不一致"
        form.repeat_edit.setText("start2026")
        form.buttons.accepted.emit()

    problems: list[str] = []
    when_modal(AccountForm, new, problems)
    dialog.new_button.click()
    assert not problems and dialog.message.text() == "已创建账号 leader"
    row = [dialog.table.item(dialog.table.currentRow(), c).text() for c in range(4)]
    assert row == ["leader", "李领导", "领导/督查", "启用（须修改密码）"]
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("后台办理专员"))
    dialog.role_button.click()
    assert dialog.message.text() == "已将 leader 的角色改为后台办理专员"
    dialog.toggle_button.click()  # the question is answered 是
    assert dialog.table.item(dialog.table.currentRow(), 3).text() == "已停用"
    assert dialog.toggle_button.text() == "启用(&E)"
    with office.session() as s:
        account = s.scalar(select(Account).where(Account.username == "leader"))
        assert (account.role, account.active) == ("back_office", False)
    # The last administrator cannot be disabled: the core's message is shown.
    dialog.table.selectRow(0)
    dialog.toggle_button.click()
    assert dialog.message.text() == "不能停用最后一个管理员账号"


def test_a_front_desk_account_is_refused_by_the_core(qtbot, office):
    dialog = AccountsDialog(state_as(office, "front"))
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    dialog.role_button.click()
    assert "无权系统管理" in dialog.message.text()


def test_the_audit_view_filters_and_checks_the_chain(qtbot, office):
    dialog = AuditDialog(state_as(office, "admin"))
    qtbot.addWidget(dialog)
    kinds = {dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())}
    assert {"创建账号", "受理登记"} <= kinds
    dialog.account_combo.setCurrentIndex(dialog.account_combo.findData("front"))
    dialog.refresh()
    assert [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())] == ["受理登记"]
    assert dialog.table.item(0, 2).text() == "BBC-2026-0001"
    dialog.check_button.click()
    assert dialog.check_label.text().startswith("审计链完整：共")
    with office.session() as s:
        victim = s.scalar(select(Event.id).where(Event.kind == "registered"))
        s.execute(update(Event).where(Event.id == victim).values(note="改过"))
    dialog.check_button.click()
    assert f"事件 {victim}" in dialog.check_label.text() and "可能被改动" in dialog.check_label.text()


def test_settings_are_checked_then_saved_as_one_change(qtbot, office):
    from bbc_desktop.core.settings import get_setting
    from bbc_desktop.gui.admin import SettingsDialog

    dialog = SettingsDialog(state_as(office, "admin"))
    qtbot.addWidget(dialog)
    dialog.edits["district"].setText("南关区")
    dialog.edits["idle_lock_minutes"].setText("五分钟")
    dialog.accept()
    assert "0 到 240 之间的整数" in dialog.error_label.text()
    assert dialog.edits["district"].text() == "南关区"  # what was typed stays
    with office.session() as s:
        assert get_setting(s, "district") == "北关区"  # nothing half-saved
    dialog.edits["idle_lock_minutes"].setText("5")
    dialog.accept()
    assert dialog.changed == {"district": "南关区", "idle_lock_minutes": "5"}
    with office.session() as s:
        assert get_setting(s, "district") == "南关区"
        note = s.scalar(select(Event.note).where(Event.kind == "settings_changed"))
        assert note == "修改设置：区（县）名称、无操作自动锁定（分钟，0 为不锁定）"
    refused = SettingsDialog(state_as(office, "front"))
    qtbot.addWidget(refused)
    refused.edits["district"].setText("西关区")
    refused.accept()
    assert "无权系统管理" in refused.error_label.text()


def test_units_are_added_edited_and_retired_never_deleted(qtbot, office):
    from bbc_desktop.core.units import list_units
    from bbc_desktop.gui.admin import UnitsDialog

    dialog = UnitsDialog(state_as(office, "admin"))
    qtbot.addWidget(dialog)
    count = dialog.table.rowCount()
    dialog.new_button.click()
    dialog.edits["name"].setText("区教育局")  # exists already
    dialog.save_button.click()
    assert dialog.message.text() == "单位名录中已有“区教育局”" and dialog.table.rowCount() == count
    dialog.edits["name"].setText("东风街道办事处")
    dialog.edits["deputy"].setText("刘副主任")
    dialog.edits["phone"].setText("0372-1234567")
    dialog.save_button.click()
    assert dialog.message.text() == "已保存“东风街道办事处”" and dialog.table.rowCount() == count + 1
    assert dialog.selected().name == "东风街道办事处"
    dialog.toggle_button.click()
    assert dialog.message.text() == "已停用“东风街道办事处”"
    with office.session() as s:
        names = [u.name for u in list_units(s)]
        everything = [u.name for u in list_units(s, include_retired=True)]
    assert "东风街道办事处" not in names and "东风街道办事处" in everything


def test_holidays_of_an_unpublished_year_are_entered_and_imported(qtbot, office, tmp_path):
    from PySide6.QtCore import QDate

    from bbc_desktop.gui.admin import HolidaysDialog

    dialog = HolidaysDialog(state_as(office, "admin"))
    qtbot.addWidget(dialog)
    assert "2004–2026 年" in dialog.coverage.text()
    dialog.year_spin.setValue(2027)
    assert dialog.year_state.text() == "2027年：尚未录入：该年期限为暂定"
    dialog.day_edit.setDate(QDate(2027, 10, 1))
    dialog.name_edit.setText("国庆节")
    dialog.add_button.click()
    assert dialog.message.text() == "已录入 2027-10-01" and dialog.table.rowCount() == 1
    csv_file = tmp_path / "2027.csv"
    csv_file.write_text(
        "date,kind,name\n2027-02-06,holiday,春节\n2027-02-14,workday,春节调休\n", encoding="utf-8"
    )
    dialog.import_csv(str(csv_file))
    assert dialog.message.text() == "已导入 2 天" and dialog.year_state.text() == "2027年：已录入 3 天"
    assert dialog.table.item(1, 1).text() == "调休上班"
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型\n明天,放假\n", encoding="utf-8")
    dialog.import_csv(str(bad))
    # Refused with its reason (the core's message), nothing added.
    assert dialog.table.rowCount() == 3 and not dialog.message.text().startswith("已")
    assert dialog.message.styleSheet() == "color: #b91c1c;"
