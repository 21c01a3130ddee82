"""The main window as the operator uses it: intake → queue → detail → every step to closing, on a real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from gui_input import type_text, when_modal
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QSplitter, QWidget

from bbc_desktop.core import tickets as t
from bbc_desktop.core.domain import Grade, Status
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.gui.actions import ActionDialog
from bbc_desktop.gui.app import start
from bbc_desktop.gui.login import FirstRunDialog, LoginDialog
from bbc_desktop.gui.main_window import MainWindow
from bbc_desktop.gui.worker import wait_for_workers

TIMEOUT = 20_000


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(messages):  # type: ignore[no-untyped-def]
    """A message box would wait for a click forever: recorded instead (conftest)."""
    return messages


ADMIN_PASSWORD = "counter2026"


def sign_in_as_admin(dialog: FirstRunDialog | LoginDialog) -> None:
    """A new installation sets its administrator; after that, the administrator logs in."""
    if isinstance(dialog, FirstRunDialog):
        dialog.display_edit.setText("张管理")
        dialog.repeat_edit.setText(ADMIN_PASSWORD)
    else:
        dialog.username_edit.setText("admin")
    dialog.password_edit.setText(ADMIN_PASSWORD)
    dialog.ok_button.click()
    if dialog.isVisible():  # refused: say why rather than wait forever
        message = dialog.error_label.text()
        dialog.reject()
        raise AssertionError(message)


def attach(qtbot, win: MainWindow, db) -> MainWindow:  # type: ignore[no-untyped-def]
    """Open ``db`` in the window and sign in as its administrator (created at the first run)."""
    problems: list[str] = []
    when_modal((FirstRunDialog, LoginDialog), sign_in_as_admin, problems)
    start(win, db.target, demo=False)
    qtbot.waitUntil(lambda: win.queue is not None or bool(problems), timeout=TIMEOUT)
    assert not problems
    qtbot.waitUntil(lambda: not win.queue.model.is_busy, timeout=TIMEOUT)
    win.activateWindow()  # as the window manager does when the sign-in dialog closes
    qtbot.waitUntil(win.isActiveWindow, timeout=TIMEOUT)
    return win


def in_modal(qtbot, fill: Callable[[ActionDialog], None], problems: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Fill the next modal action dialog like an operator, then press 确定."""

    def fill_and_confirm(dialog: ActionDialog) -> None:
        fill(dialog)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    when_modal(ActionDialog, fill_and_confirm, problems)


def step(qtbot, win: MainWindow, action: Action, fill: Callable[[ActionDialog], None]) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    button = win.detail.actions.buttons[action]
    assert button.isEnabled(), button.toolTip()
    in_modal(qtbot, fill, problems)
    with qtbot.waitSignal(win.detail.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not problems


def status_of(db, number: str) -> str:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return t.get_ticket(s, number).status


def test_window_paints_first_then_shows_the_database(qtbot, window, db, ctx):
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="甲", name="张三", phone="13800000000", lead_unit="区教育局"))
        t.register(
            s,
            ctx,
            t.Intake(content="乙", name="李四", phone="13800000001", accepted_at=datetime(2026, 11, 2)),
        )
    assert window.centralWidget() is window.loading and not window.refresh_action.isEnabled()
    attach(qtbot, window, db)
    assert window.windowTitle() == "北关区“办不成事”反映窗口"
    assert window.queue.model.rowCount() == 2
    qtbot.waitUntil(lambda: "共 2 件" in window.status_label.text(), timeout=TIMEOUT)
    assert window.refresh_action.isEnabled()
    # the overdue ticket raises the reminder banner; clicking it filters the queue to the overdue
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=TIMEOUT)
    assert "超期未办结 1 件" in window.reminder_label.text()
    overdue_button = window.banner.findChild(QWidget, "overdueButton")
    with qtbot.waitSignal(window.queue.model.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(overdue_button, Qt.MouseButton.LeftButton)
    assert window.queue.model.rowCount() == 1
    assert window.queue.filter_bar.overdue_check.isChecked()


def test_full_counter_workflow_through_the_window(qtbot, window, db, clock):
    attach(qtbot, window, db)
    form = window.intake
    type_text(qtbot, form.name_edit, "张𠮷")
    type_text(qtbot, form.phone_edit, "13912345678")
    type_text(qtbot, form.content_edit, "办理营业执照变更时窗口多次要求补交同一份材料。")
    from bbc_desktop.core.domain import Grade

    form.grade_buttons[Grade.YELLOW].click()
    unit = form.unit_combo
    unit.setCurrentIndex(unit.findText("区市场监督管理局"))
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as saved:
        qtbot.keyClick(form.content_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    ticket_id, number = saved.args
    assert number == "BBC-2026-0001" and status_of(db, number) == Status.DISPATCHED
    # the new ticket is selected in the queue and shown in the detail pane
    qtbot.waitUntil(lambda: window.detail.ticket_id == ticket_id, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.detail.label("numberLabel").text() == number, timeout=TIMEOUT)
    assert window.queue.current_ticket_id() == ticket_id

    clock.set(datetime(2026, 11, 25, 10, 0))
    step(
        qtbot,
        window,
        Action.RECORD_RESULT,
        lambda d: type_text(qtbot, d.fields["result"], "已当场为其办理变更"),
    )
    assert status_of(db, number) == Status.RESULT_RECEIVED

    def reply(d: ActionDialog) -> None:
        method: QComboBox = d.fields["reply_method"]
        method.setCurrentIndex(method.findText("电话"))
        type_text(qtbot, d.fields["reply"], "已电话告知办理结果")

    step(qtbot, window, Action.REPLY, reply)

    def visit(d: ActionDialog) -> None:
        level: QComboBox = d.fields["satisfaction"]
        level.setCurrentIndex(level.findText("满意"))

    step(qtbot, window, Action.VISIT, visit)
    step(qtbot, window, Action.CLOSE, lambda d: None)
    assert status_of(db, number) == Status.CLOSED
    qtbot.waitUntil(lambda: window.detail.label("statusLabel").text() == "已结案", timeout=TIMEOUT)
    with db.session() as s:
        kinds = [e.kind for e in t.get_ticket(s, number).events]
    assert kinds == ["registered", "dispatched", "result_recorded", "replied", "visited", "closed"]


def test_confidential_reporter_is_masked_in_queue_and_detail(qtbot, window, db, ctx):
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="x", name="王小芳", phone="13812345678", confidential=True))
    attach(qtbot, window, db)
    model = window.queue.model
    cells = [model.index(0, column).data() for column in range(model.columnCount())]
    assert "王小芳" not in " ".join(map(str, cells)) and "13812345678" not in " ".join(map(str, cells))
    window.queue.select_ticket(1)
    qtbot.waitUntil(lambda: window.detail.ticket_id == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.detail.label("numberLabel").text() == "BBC-2026-0001", timeout=TIMEOUT)
    assert "王小芳" not in window.detail.label("nameLabel").text()


def test_layout_is_remembered_between_runs(qtbot, db, monkeypatch, clock):
    monkeypatch.setenv("BBC_NOW", clock.now().isoformat())
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.resize(1000, 700)  # fits the offscreen screen (800×800; the window's minimum width wins)
    attach(qtbot, first, db)
    first.splitter.setSizes([300, 900, 400])
    sizes = first.splitter.sizes()
    first.close()
    assert QSettings().value("main/splitter") is not None
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    attach(qtbot, second, db)
    splitter = second.findChild(QSplitter, "mainSplitter")
    assert second.size() == first.size()
    qtbot.waitUntil(lambda: splitter.sizes() == sizes, timeout=TIMEOUT)
    second.close()
    wait_for_workers()


def test_export_all_from_the_menu_writes_the_json_file(qtbot, window, db, ctx, tmp_path, monkeypatch):
    import json

    from PySide6.QtWidgets import QFileDialog

    with db.session() as s:
        t.register(s, ctx, t.Intake(content="甲", name="张三", phone="13800000000"))
    attach(qtbot, window, db)
    target = tmp_path / "导出.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "JSON 文件 (*.json)"))
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "已导出工单 1 件" in window.statusBar().currentMessage(), timeout=TIMEOUT)
    data = json.loads(target.read_text("utf-8"))
    assert [ticket["number"] for ticket in data["tickets"]] == ["BBC-2026-0001"]


def test_several_selected_tickets_print_as_one_batch(qtbot, window, db, ctx):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    from bbc_desktop.gui.printing import PreviewDialog

    with db.session() as s:
        for name in ("甲一", "乙二", "丙三", "丁四"):
            t.register(
                s, ctx, t.Intake(content=f"{name}反映", name=name, phone="13800000000", lead_unit="区教育局")
            )
    attach(qtbot, window, db)
    assert (
        window.print_slips_action.isEnabled()
        and window.print_slips_action.shortcut().toString() == "Ctrl+Shift+P"
    )
    view, model = window.queue.view, window.queue.model
    chosen = QItemSelection(model.index(0, 0), model.index(2, 0))  # the first three rows, as Shift+click does
    view.selectionModel().select(
        chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    ids = window.queue.selected_ids()
    assert ids == [model.ticket_id(row) for row in range(3)]
    window.print_slips_action.trigger()
    qtbot.waitUntil(
        lambda: any(isinstance(w, PreviewDialog) and w.isVisible() for w in QApplication.topLevelWidgets()),
        timeout=TIMEOUT,
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewDialog) and w.isVisible())
    assert dialog.document.ticket_ids == tuple(ids) and dialog.document.pages == 3
    assert dialog.pages_label.text() == "共 3 页"
    dialog.close()


def test_ledger_export_for_a_period_from_the_menu(qtbot, window, db, ctx, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QFileDialog

    from bbc_desktop.gui.exports import LedgerDialog

    with db.session() as s:
        t.register(
            s,
            ctx,
            t.Intake(
                content="十一月的事", name="张三", phone="13800000000", accepted_at=datetime(2026, 11, 3)
            ),
        )
        t.register(
            s,
            ctx,
            t.Intake(content="十月的事", name="李四", phone="13800000001", accepted_at=datetime(2026, 10, 9)),
        )
    attach(qtbot, window, db)
    target = tmp_path / "十一月台账"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel 工作簿 (*.xlsx)")
    )

    def choose(dialog: LedgerDialog) -> int:
        assert dialog.from_edit.date() == QDate(2026, 11, 1) and dialog.to_edit.date() == QDate(2026, 11, 23)
        dialog.to_edit.setDate(QDate(2026, 11, 10))
        dialog.from_edit.setDate(QDate(2026, 11, 20))  # after the end: refused in the dialog, kept open
        dialog.accept()
        assert not dialog.message.isHidden() and "起始日不能晚于截止日" in dialog.message.text()
        assert dialog.result() != LedgerDialog.DialogCode.Accepted
        dialog.from_edit.setDate(QDate(2026, 11, 1))
        dialog.to_edit.setDate(QDate(2026, 11, 23))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(LedgerDialog, "exec", choose)
    window.ledger_action.trigger()
    qtbot.waitUntil(lambda: "已导出台账 1 件" in window.statusBar().currentMessage(), timeout=TIMEOUT)
    sheet = load_workbook(tmp_path / "十一月台账.xlsx").active
    assert [c.value for c in sheet[3]][3] == "十一月的事" and sheet.max_row == 3


def test_overdue_notice_from_the_menu(qtbot, window, db, ctx, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from bbc_desktop.gui.exports import PeriodDialog

    with db.session() as s:
        t.register(
            s,
            ctx,
            t.Intake(
                content="甲",
                name="张三",
                phone="13800000000",
                lead_unit="区教育局",
                accepted_at=datetime(2026, 11, 2),
            ),
        )
    attach(qtbot, window, db)
    target = tmp_path / "通报"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF 文件 (*.pdf)"))

    def choose(dialog: PeriodDialog) -> int:
        assert dialog.windowTitle() == "超期通报" and dialog.use_queue_check.isHidden()
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PeriodDialog, "exec", choose)
    window.notice_action.trigger()
    qtbot.waitUntil(
        lambda: "已生成超期通报（超期 1 件）" in window.statusBar().currentMessage(), timeout=TIMEOUT
    )
    assert (tmp_path / "通报.pdf").read_bytes().startswith(b"%PDF")


def test_dashboard_numbers_filter_the_queue(qtbot, window, db, ctx):
    from bbc_desktop.core.demo import generate
    from bbc_desktop.core.queries import filtered_ids

    generate(db, 120, ctx, seed=4)
    attach(qtbot, window, db)
    window.dashboard_action.trigger()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.board is not None and bool(dashboard.buttons), timeout=TIMEOUT)
    board = dashboard.board
    assert dashboard.isVisible() and not dashboard.isModal()
    for key, figure in (
        ("今日/已超期", board.today[3]),
        ("今日/今天到期", board.today[2]),
        ("待办结工单（按牌色）/红牌", board.by_grade[0]),
    ):
        button = dashboard.buttons[key]
        assert button.text() == str(figure.count)
        with qtbot.waitSignal(window.queue.model.loaded, timeout=TIMEOUT):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.queue.model.rowCount() == figure.count, key
        assert window.queue.model.current_filter == figure.filter
    assert window.queue.filter_bar.grade_combo.currentText() == "红牌"  # the bar shows what is listed
    assert window.queue.filter_bar.status_combo.currentData() == "awaiting"
    if board.most_overdue:
        top = board.most_overdue[0]
        with qtbot.waitSignal(window.queue.model.loaded, timeout=TIMEOUT):
            qtbot.mouseClick(dashboard.buttons[f"超期最多的承办单位/{top.label}"], Qt.MouseButton.LeftButton)
        with db.session() as s:
            listed = list(s.scalars(filtered_ids(s, top.filter, ctx.clock.today())))
        assert window.queue.model.rowCount() == top.count == len(listed)
    dashboard.close()


def test_import_ledger_from_the_menu_refreshes_the_queue(qtbot, window, db, monkeypatch):
    from pathlib import Path

    from PySide6.QtWidgets import QWizard

    from bbc_desktop.gui.legacy_import import ImportLedgerWizard

    fixture = Path(__file__).parents[1] / "fixtures" / "legacy-ledger-2025.xlsx"
    attach(qtbot, window, db)
    assert window.queue.model.rowCount() == 0

    def run(wizard: ImportLedgerWizard) -> int:
        wizard.show()
        wizard.file_page.path_edit.setText(str(fixture))
        wizard.button(QWizard.WizardButton.NextButton).click()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=TIMEOUT)
        wizard.button(QWizard.WizardButton.CommitButton).click()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=TIMEOUT)
        wizard.accept()
        return 1

    monkeypatch.setattr(ImportLedgerWizard, "exec", run)
    window.import_ledger_action.trigger()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 24, timeout=TIMEOUT)
    # The open imported tickets (no deadline yet) lead the queue, marked 未定级.
    first = window.queue.model.index(0, 0).data()
    assert first == "未定级"


@pytest.mark.sqlite_only
def test_a_backup_at_the_days_first_start_and_on_closing(qtbot, window, db, clock):
    from pathlib import Path

    folder = Path(db.url.database).parent / "backups"
    attach(qtbot, window, db)
    qtbot.waitUntil(lambda: folder.is_dir() and len(list(folder.glob("bbc-*.sqlite3"))) == 1, timeout=TIMEOUT)
    first = next(folder.glob("bbc-*.sqlite3"))
    window.close()
    backups = sorted(folder.glob("bbc-*.sqlite3"))
    assert len(backups) == 1 and backups[0].stat().st_mtime >= first.stat().st_mtime  # the day's newest


def test_the_queue_shows_another_counters_intake_by_itself(qtbot, window, db, ctx):
    """Live queues: a ticket registered at another counter appears without anyone pressing 刷新."""
    from bbc_desktop.db.session import open_database

    attach(qtbot, window, db)
    ctx.operator = "admin"  # the accounts exist now: the other counter works as one of them
    before = window.queue.model.rowCount()
    other = open_database(db.target)  # the counter next door: its own program, its own connections
    try:
        with other.session() as s:
            number = t.register(
                s,
                ctx,
                t.Intake(content="社保窗口要求重复提交证明", name="钱七", phone="13600000000", grade="red"),
            ).number
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == before + 1, timeout=10_000)
    shown = {window.queue.model.index(row, 1).data() for row in range(window.queue.model.rowCount())}
    assert number in shown


@pytest.mark.sqlite_only
def test_a_file_that_opens_but_fails_its_check_is_reported_at_once(qtbot, window, db, messages, monkeypatch):
    """The whole-file check runs after the start, off the GUI thread; its failure is said plainly.
    (The check itself, on a really damaged file: tests/gui/test_database.py.)"""
    from bbc_desktop.core import backup

    monkeypatch.setattr(
        backup,
        "integrity_problem",
        lambda path: "*** in database main *** Page 7: btreeInitPage() returns error code 11",
    )
    attach(qtbot, window, db)
    qtbot.waitUntil(lambda: window.integrity_problem is not None, timeout=TIMEOUT)
    assert any("完整性检查未通过" in m and "从备份恢复" in m for m in messages)


def test_an_intake_being_typed_survives_a_crash_as_a_draft(qtbot, window, db, clock, messages, monkeypatch):
    """The form is kept on disk while typed; the next start offers it back; saving removes it."""
    from bbc_desktop.gui.drafts import load_draft

    attach(qtbot, window, db)
    form = window.intake
    type_text(qtbot, form.name_edit, "吴十")
    type_text(qtbot, form.phone_edit, "13812345678")
    type_text(qtbot, form.content_edit, "不动产登记窗口要求提供已经提交过的材料。")
    form.grade_buttons[Grade.YELLOW].click()
    qtbot.waitUntil(lambda: form.draft_path.exists(), timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: (load_draft(form.draft_path) or {}).get("values", {}).get("grade") == "yellow",
        timeout=TIMEOUT,
    )
    # The program dies here (power cut): nothing saved, the window never closed properly.
    form.draft_timer.stop()

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    attach(qtbot, again, db)  # the same database: the draft is offered (answered 是 here)
    restored = again.intake
    assert restored.name_edit.text() == "吴十" and restored.phone_edit.text() == "13812345678"
    assert restored.content_edit.toPlainText() == "不动产登记窗口要求提供已经提交过的材料。"
    assert restored.grade() is Grade.YELLOW
    with qtbot.waitSignal(restored.saved, timeout=TIMEOUT) as saved:
        assert restored.save()
    assert saved.args[1] == "BBC-2026-0001"
    assert not restored.draft_path.exists()  # saved: no draft left to offer
    again.stop_background()
    form.clear(confirm=False)  # the first window closes without asking
