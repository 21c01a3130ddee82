"""管理 → 数据库连接 and a database that cannot be reached: tested before switching, clear words,
nothing typed lost. Runs on SQLite and, with BBC_TEST_PG, on the PostgreSQL test server."""

from __future__ import annotations

import socket

import pytest
from databases import PG_SERVER
from gui_input import type_text, when_modal
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from test_main_window import TIMEOUT, attach, sign_in_as_admin

from bbc_desktop.db.location import saved_target
from bbc_desktop.gui.app import start
from bbc_desktop.gui.database import TESTING, DatabaseDialog
from bbc_desktop.gui.login import FirstRunDialog, LoginDialog
from bbc_desktop.gui.worker import wait_for_workers


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answered(qtbot, dialog: DatabaseDialog) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.result_label.text() not in ("", TESTING), timeout=TIMEOUT)
    return dialog.result_label.text()


def _fill_server(dialog: DatabaseDialog, url: str) -> None:
    parts = make_url(url)
    dialog.server_radio.setChecked(True)
    dialog.host_edit.setText(parts.host or "")
    dialog.port_spin.setValue(parts.port or 5432)
    dialog.database_edit.setText(parts.database or "")
    dialog.user_edit.setText(parts.username or "")
    dialog.password_edit.setText(parts.password or "")


def test_a_connection_is_tested_before_anything_is_switched(qtbot, db, new_db_url, tmp_path):
    dialog = DatabaseDialog(db.target)
    qtbot.addWidget(dialog)
    dialog.show()
    assert (dialog.server_radio if PG_SERVER else dialog.file_radio).isChecked()  # what is in use now

    dialog.server_radio.setChecked(True)
    dialog.host_edit.setText("")
    dialog.test_button.click()
    assert "请填写服务器地址" in dialog.result_label.text()

    _fill_server(dialog, f"postgresql+psycopg://bbc:secret@127.0.0.1:{_closed_port()}/bbc")
    dialog.accept()  # 切换: refused, nothing saved, the fields kept
    assert "无法连接数据库服务器" in _answered(qtbot, dialog)
    assert dialog.isVisible() and dialog.chosen is None and saved_target() is None
    assert dialog.password_edit.text() == "secret"

    if PG_SERVER:
        fresh = new_db_url("other", empty=True)
        _fill_server(dialog, fresh)
        dialog.test_button.click()
        assert "空数据库，切换后将自动建立表结构" in _answered(qtbot, dialog)
        _fill_server(dialog, db.target)
        dialog.accept()
        qtbot.waitUntil(lambda: dialog.chosen is not None, timeout=TIMEOUT)
        assert make_url(saved_target()).database == make_url(db.target).database
    else:
        dialog.file_radio.setChecked(True)
        dialog.path_edit.setText(str(tmp_path / "新数据库.sqlite3"))
        dialog.test_button.click()
        assert "空数据库" in _answered(qtbot, dialog)
        dialog.path_edit.setText(db.target)
        dialog.accept()
        qtbot.waitUntil(lambda: dialog.chosen is not None, timeout=TIMEOUT)
        assert saved_target() == db.target
        assert "工单 0 件" in dialog.result_label.text()


def test_a_database_that_does_not_open_offers_to_choose_another(qtbot, db, window):
    problems: list[str] = []
    seen: dict[str, str] = {}

    def change(box: QMessageBox) -> None:
        seen["message"] = box.text()
        [button] = [b for b in box.buttons() if b.text() == "更改数据库连接…"]
        when_modal(DatabaseDialog, choose, problems)
        button.click()

    def choose(dialog: DatabaseDialog) -> None:
        if PG_SERVER:
            _fill_server(dialog, db.target)
        else:
            dialog.file_radio.setChecked(True)
            dialog.path_edit.setText(db.target)
        when_modal((FirstRunDialog, LoginDialog), sign_in_as_admin, problems)
        dialog.accept()

    when_modal(QMessageBox, change, problems)
    start(window, f"postgresql+psycopg://bbc:secret@127.0.0.1:{_closed_port()}/bbc", demo=False)
    qtbot.waitUntil(lambda: window.queue is not None or bool(problems), timeout=3 * TIMEOUT)
    assert not problems
    assert "无法连接数据库服务器" in seen["message"] and "secret" not in seen["message"]
    assert window.database_label.text().startswith("数据库：")


@pytest.mark.server_only
def test_a_lost_server_keeps_the_intake_and_saving_works_when_it_is_back(qtbot, window, db, messages):
    attach(qtbot, window, db)
    form = window.intake
    type_text(qtbot, form.name_edit, "孙八")
    type_text(qtbot, form.phone_edit, "13512345678")
    type_text(qtbot, form.content_edit, "公积金提取窗口要求开具无法开具的证明。")
    server = create_engine(make_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    name = db.url.database
    with server.connect() as admin:  # the server goes away for this database
        admin.exec_driver_sql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        admin.exec_driver_sql(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
    try:
        assert form.save() is False
        text = form.message_label.text()
        assert "数据库服务器" in text and "未保存" in text, text
        assert form.content_edit.toPlainText() == "公积金提取窗口要求开具无法开具的证明。"  # nothing lost
        assert form.name_edit.text() == "孙八"
        qtbot.waitUntil(window.connection_label.isVisible, timeout=15_000)  # the status bar says so too
    finally:
        with server.connect() as admin:
            admin.exec_driver_sql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        server.dispose()
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as saved:
        assert form.save() is True
    assert saved.args[1] == "BBC-2026-0001"
    qtbot.waitUntil(lambda: not window.connection_label.isVisible(), timeout=15_000)


@pytest.mark.server_only
def test_switching_to_the_server_can_bring_this_pcs_data(
    qtbot, window, clock, messages, tmp_path, new_db_url
):
    """A counter that worked on its own file moves onto the hall's server from the window."""
    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.session import open_database
    from bbc_desktop.gui.main_window import OPEN_WINDOWS

    own_file = open_database(tmp_path / "counter.sqlite3")
    attach(qtbot, window, own_file)
    with own_file.session() as s:
        t.register(
            s,
            Context(clock=clock, operator="admin"),
            t.Intake(content="医保窗口推诿", name="周九", phone="13300000000"),
        )
    server = new_db_url("hall", empty=True)
    problems: list[str] = []

    def choose(dialog: DatabaseDialog) -> None:
        _fill_server(dialog, server)
        assert dialog.copy_check.isVisible()
        dialog.copy_check.setChecked(True)
        when_modal(LoginDialog, sign_in_as_admin, problems)  # the accounts came along
        dialog.accept()

    when_modal(DatabaseDialog, choose, problems)
    window.database_action.trigger()
    qtbot.waitUntil(
        lambda: (bool(OPEN_WINDOWS) and OPEN_WINDOWS[-1].queue is not None) or bool(problems),
        timeout=3 * TIMEOUT,
    )
    assert not problems
    moved = OPEN_WINDOWS.pop()
    qtbot.addWidget(moved)
    qtbot.waitUntil(lambda: moved.queue.model.rowCount() == 1, timeout=TIMEOUT)
    assert any("已将全部数据复制到" in text and "工单 1 件" in text for text in messages)
    assert "服务器" in moved.database_label.text()
    assert make_url(saved_target()).database == make_url(server).database
    moved.stop_background()
    wait_for_workers()
    own_file.dispose()


@pytest.mark.sqlite_only
def test_a_damaged_file_at_start_is_restored_from_the_latest_good_backup(qtbot, window, db, ctx, messages):
    """Integrity check at start: a file that fails quick_check is not used; the newest backup is offered."""
    from pathlib import Path

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.backup import integrity_problem, make_backup

    intake = t.Intake(content="不动产登记窗口让群众多次往返", name="赵敏", phone="13912345678")
    with db.session() as s:
        t.register(s, ctx, intake)
    path = Path(db.target)
    folder = path.parent / "backups"
    make_backup(db, folder / "bbc-20261123-093000.sqlite3")
    (folder / "bbc-20261124-093000.sqlite3").write_bytes(b"a newer backup that is itself broken" * 200)
    with db.session() as s:
        t.register(s, ctx, intake)  # after the backup: lost with the damage
    db.dispose()
    import sqlite3

    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the file itself
    connection.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    page = 4096
    data[page : len(data) - page] = bytes(len(data) - 2 * page)  # a disk that lost the middle of the file
    path.write_bytes(bytes(data))
    assert integrity_problem(path) is not None

    problems: list[str] = []
    seen: dict[str, str] = {}

    def restore(box: QMessageBox) -> None:
        seen["message"], seen["hint"] = box.text(), box.informativeText()
        [button] = [b for b in box.buttons() if b.text() == "从备份恢复…"]
        when_modal((FirstRunDialog, LoginDialog), sign_in_as_admin, problems)
        button.click()

    when_modal(QMessageBox, restore, problems)
    start(window, str(path), demo=False)
    qtbot.waitUntil(lambda: window.queue is not None or bool(problems), timeout=3 * TIMEOUT)
    assert not problems
    assert "已损坏" in seen["message"] and "bbc-20261123-093000.sqlite3" in seen["hint"]
    assert "工单 1 件" in seen["hint"]  # the broken newer file was passed over
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=TIMEOUT)
    assert any("已用备份“bbc-20261123-093000.sqlite3”恢复数据库" in m for m in messages)
    assert len(list(folder.glob("损坏-*.sqlite3"))) == 1  # the damaged file kept as it was
    assert integrity_problem(path) is None


@pytest.mark.sqlite_only
def test_the_administrator_restores_a_backup_from_the_menu(
    qtbot, window, db, ctx, monkeypatch, messages, tmp_path
):
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.backup import make_backup
    from bbc_desktop.gui.main_window import OPEN_WINDOWS

    attach(qtbot, window, db)
    ctx.operator = "admin"
    intake = t.Intake(content="公积金窗口要求重复提交证明", name="钱七", phone="13600000000")
    with db.session() as s:
        t.register(s, ctx, intake)
    backup = make_backup(db, tmp_path / "备份" / "上周.sqlite3")
    with db.session() as s:
        t.register(s, ctx, intake)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    problems: list[str] = []
    when_modal(LoginDialog, sign_in_as_admin, problems)
    window.restore_action.trigger()
    qtbot.waitUntil(
        lambda: (bool(OPEN_WINDOWS) and OPEN_WINDOWS[-1].queue is not None) or bool(problems),
        timeout=3 * TIMEOUT,
    )
    assert not problems
    restored = OPEN_WINDOWS.pop()
    qtbot.addWidget(restored)
    qtbot.waitUntil(lambda: restored.queue.model.rowCount() == 1, timeout=TIMEOUT)
    assert any("已从“上周.sqlite3”恢复数据库（工单 1 件）" in m for m in messages)
    kept = list((Path(db.target).parent / "backups").glob("恢复前-*.sqlite3"))
    assert len(kept) == 1  # the database from before, with its 2 tickets, kept
    restored.stop_background()
    wait_for_workers()


@pytest.mark.sqlite_only
def test_a_file_locked_by_another_program_keeps_the_intake(qtbot, window, db, clock, monkeypatch, messages):
    import sqlite3

    from bbc_desktop.db import session as session_module

    monkeypatch.setattr(session_module, "SQLITE_BUSY_SECONDS", 0.5)
    attach(qtbot, window, db)
    form = window.intake
    type_text(qtbot, form.name_edit, "孙八")
    type_text(qtbot, form.phone_edit, "13512345678")
    type_text(qtbot, form.content_edit, "公积金提取窗口要求开具无法开具的证明。")
    other = sqlite3.connect(db.target, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert form.save() is False
        assert "正被其他程序占用" in form.message_label.text() and "未保存" in form.message_label.text()
        assert form.content_edit.toPlainText() == "公积金提取窗口要求开具无法开具的证明。"
    finally:
        other.execute("ROLLBACK")
        other.close()
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as saved:
        assert form.save() is True
    assert saved.args[1] == "BBC-2026-0001"
