"""Signing in at the window: first run, login and lockout, forced change, roles, the idle lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from gui_input import when_modal

from bbc_desktop.core import tickets as t
from bbc_desktop.core.auth import change_password, create_account, reset_password
from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.gui.app import start
from bbc_desktop.gui.login import ChangePasswordDialog, FirstRunDialog, LoginDialog
from bbc_desktop.gui.main_window import MainWindow
from bbc_desktop.gui.state import AppState

TIMEOUT = 20_000
PASSWORD = "counter2026"
NOW = datetime(2026, 11, 23, 9, 30)


def as_(name: str) -> Context:
    return Context(clock=FixedClock(NOW), operator=name)


@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    with db.session() as s:
        create_account(s, as_("x"), "admin", PASSWORD, "admin")
        for name, role in (("leader", "leader"), ("front", "front_desk")):
            create_account(s, as_("admin"), name, "first2026", role)
            change_password(s, name, "first2026", PASSWORD, NOW)  # done at their first login
        t.register(s, as_("admin"), t.Intake(content="窗口推诿", name="张三", phone="13800000000"))
    return db


@pytest.fixture
def window(window, messages):  # type: ignore[no-untyped-def]
    """The shared window (gui/conftest.py), with its message boxes recorded."""
    return window


def test_first_run_refuses_a_weak_or_mistyped_password_then_creates_the_administrator(qtbot, db, ctx):
    dialog = FirstRunDialog(AppState(db, ctx))
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("abc")
    dialog.repeat_edit.setText("abd")
    dialog.ok_button.click()
    assert dialog.error_label.text() == "两次输入的密码不一致"
    dialog.repeat_edit.setText("abc")
    dialog.ok_button.click()
    assert dialog.error_label.text() == "密码至少 8 位"
    dialog.password_edit.setText(PASSWORD)
    dialog.repeat_edit.setText(PASSWORD)
    dialog.ok_button.click()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted and dialog.username == "admin"
    state = AppState(db, ctx)
    state.sign_in("admin")
    assert state.role is not None and state.role.value == "admin"


def test_wrong_passwords_count_down_and_lock(qtbot, office, ctx):
    dialog = LoginDialog(AppState(office, ctx))
    qtbot.addWidget(dialog)
    dialog.username_edit.setText("front")
    for left in (4, 3, 2, 1):
        dialog.password_edit.setText("wrong-password1")
        dialog.ok_button.click()
        assert f"再错 {left} 次将锁定账号" in dialog.error_label.text()
    dialog.password_edit.setText("wrong-password1")
    dialog.ok_button.click()
    assert "账号已锁定 10 分钟" in dialog.error_label.text()
    dialog.password_edit.setText(PASSWORD)  # right, but locked
    dialog.ok_button.click()
    assert "请于 09:40 后再试" in dialog.error_label.text() and dialog.username == ""


def _start(qtbot, window: MainWindow, db, fill: Callable[[Any], None], kind: type = LoginDialog) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    when_modal(kind, fill, problems)
    start(window, db.target, demo=False)
    return problems


def test_a_leader_sees_but_cannot_change(qtbot, window, office):
    def login(dialog: LoginDialog) -> None:
        dialog.username_edit.setText("leader")
        dialog.password_edit.setText(PASSWORD)
        dialog.ok_button.click()

    problems = _start(qtbot, window, office, login)
    qtbot.waitUntil(lambda: window.queue is not None, timeout=TIMEOUT)
    assert not problems
    assert window.account_label.text() == "当前账号：leader（领导/督查）"
    assert window.intake.isHidden()  # leaders do not register visitors
    assert not window.new_action.isEnabled() and not window.print_slips_action.isVisible()
    assert window.report_action.isEnabled() and window.ledger_action.isEnabled()  # reports: read
    assert window.admin_menu.menuAction().isVisible() and window.audit_action.isVisible()  # audit: read
    assert not window.accounts_action.isVisible()
    assert not window.export_action.isVisible()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=TIMEOUT)
    window.queue.view.selectRow(0)
    qtbot.waitUntil(lambda: window.detail.ticket_id is not None, timeout=TIMEOUT)
    buttons = window.detail.actions.buttons
    assert not any(b.isEnabled() for b in buttons.values())
    assert buttons[Action.DISPATCH].toolTip() == "“领导/督查”角色无权办理工单"


def test_a_reset_password_must_be_changed_before_the_window_opens(qtbot, window, office):
    with office.session() as s:
        reset_password(s, as_("admin"), "front", "temp2026x")
    problems: list[str] = []

    def login(dialog: LoginDialog) -> None:
        dialog.username_edit.setText("front")
        dialog.password_edit.setText("temp2026x")
        when_modal(ChangePasswordDialog, change, problems)
        dialog.ok_button.click()

    def change(dialog: ChangePasswordDialog) -> None:
        dialog.old_edit.setText("temp2026x")
        dialog.new_edit.setText("mine2026ok")
        dialog.repeat_edit.setText("mine2026ok")
        dialog.ok_button.click()

    problems += _start(qtbot, window, office, login)
    qtbot.waitUntil(lambda: window.queue is not None or bool(problems), timeout=TIMEOUT)
    assert not problems and not window.intake.isHidden()
    assert not window.admin_menu.menuAction().isVisible()  # nothing in it for the front desk
    assert window.account_label.text() == "当前账号：front（前台办理专员）"


def test_declining_to_sign_in_closes_the_window(qtbot, window, office):
    problems = _start(qtbot, window, office, lambda dialog: dialog.reject())
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    assert window.queue is None and not problems


def test_the_idle_lock_keeps_what_was_typed(qtbot, window, office):
    def login(dialog: LoginDialog) -> None:
        dialog.username_edit.setText("front")
        dialog.password_edit.setText(PASSWORD)
        dialog.ok_button.click()

    _start(qtbot, window, office, login)
    qtbot.waitUntil(lambda: window.queue is not None, timeout=TIMEOUT)
    assert window.idle_timer.isActive() and window.idle_timer.interval() == 10 * 60_000
    window.intake.content_edit.setPlainText("正在记录的反映内容")
    problems: list[str] = []
    seen: list[str] = []

    def unlock(dialog: LoginDialog) -> None:
        seen.append(dialog.windowTitle())
        assert dialog.username_edit.text() == "front" and dialog.username_edit.isReadOnly()
        dialog.password_edit.setText("wrong-password1")
        dialog.ok_button.click()
        seen.append(dialog.error_label.text())
        dialog.password_edit.setText(PASSWORD)
        dialog.ok_button.click()

    when_modal(LoginDialog, unlock, problems)
    window.idle_timer.timeout.emit()  # the minutes have passed
    assert not problems and seen[0] == "已锁定" and "账号或密码不正确" in seen[1]
    assert not window.locked and window.centralWidget().isEnabled()
    assert window.intake.content_edit.toPlainText() == "正在记录的反映内容"
