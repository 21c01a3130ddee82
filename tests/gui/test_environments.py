"""Broken environments as the counter meets them in the window: a clear Chinese sentence, nothing
typed thrown away, nothing half-saved. (The core side: tests/core/test_broken_environments.py; a
locked file and a lost server: tests/gui/test_database.py; no printer: tests/gui/test_printing.py.)"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from environments import read_only
from gui_input import type_text, when_modal
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select
from test_main_window import TIMEOUT, attach, sign_in_as_admin

from bbc_desktop.db.models import Ticket
from bbc_desktop.db.session import data_folder
from bbc_desktop.gui.app import start
from bbc_desktop.gui.login import LoginDialog
from bbc_desktop.gui.main_window import MainWindow
from bbc_desktop.gui.worker import wait_for_workers
from bbc_desktop.printing.fonts import FALLBACK_FACES, TEXT_FACE, TITLE_FACE, fonts_dir

CONTENT = "公积金提取窗口要求开具无法开具的证明。"


def _tickets(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def _fill(qtbot, form) -> None:  # type: ignore[no-untyped-def]
    type_text(qtbot, form.name_edit, "孙八")
    type_text(qtbot, form.phone_edit, "13512345678")
    type_text(qtbot, form.content_edit, CONTENT)


@pytest.mark.sqlite_only
def test_a_read_only_database_is_refused_before_signing_in_and_retried(qtbot, window, db, clock, messages):
    attach(qtbot, window, db)  # the administrator exists: the next start asks for a login
    window.close()
    db.dispose()
    wait_for_workers()
    path = Path(db.target)
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    problems: list[str] = []
    seen: list[str] = []
    with ExitStack() as stack:
        stack.enter_context(read_only(path))

        def mended_then_retry(box: QMessageBox) -> None:
            seen.append(box.text())
            stack.close()  # the administrator gives the write permission back …
            when_modal(LoginDialog, sign_in_as_admin, problems)
            [again] = [b for b in box.buttons() if b.text() == "重试"]
            again.click()  # … and the operator presses 重试

        when_modal(QMessageBox, mended_then_retry, problems)
        start(second, db.target, demo=False)
        qtbot.waitUntil(lambda: second.queue is not None or bool(problems), timeout=3 * TIMEOUT)
    assert not problems
    [message] = seen
    assert "不允许写入" in message and str(path) in message and "无法在其上工作" in message
    qtbot.waitUntil(lambda: not second.queue.model.is_busy, timeout=TIMEOUT)
    _fill(qtbot, second.intake)
    assert second.intake.save() is True
    assert _tickets(db) == 1
    second.stop_background()


def test_a_data_folder_that_cannot_be_written_is_said_once_and_saving_goes_on(qtbot, window, db, messages):
    """The user's data folder (drafts, log) read-only: the operator is told the draft is not kept;
    the database elsewhere still takes the intake."""
    attach(qtbot, window, db)
    form = window.intake
    folder = data_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with read_only(folder):
        _fill(qtbot, form)
        form.keep_draft()  # what the 2-second timer does
        text = form.message_label.text()
        assert "无法保存录入草稿" in text and "请尽快保存" in text
        assert not form.draft_path.exists()
        form.keep_draft()
        assert form.message_label.text() == text  # said once, not repeated every two seconds
        assert form.save() is True
    assert _tickets(db) == 1


def _damaged_fonts(tmp_path: Path) -> Path:
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in (TITLE_FACE, *FALLBACK_FACES):
        (folder / name).symlink_to(fonts_dir() / name)
    (folder / TEXT_FACE).write_bytes((fonts_dir() / TEXT_FACE).read_bytes()[:100_000])  # cut off
    return folder


def test_a_damaged_font_file_keeps_the_saved_intake_and_says_what_to_do(
    qtbot, window, db, tmp_path, monkeypatch, messages
):
    monkeypatch.setenv("BBC_FONTS", str(_damaged_fonts(tmp_path)))
    attach(qtbot, window, db)
    form = window.intake
    _fill(qtbot, form)
    form.print_button.click()  # 保存并打印
    qtbot.waitUntil(lambda: bool(messages), timeout=TIMEOUT)
    assert f"程序自带的字体文件“{TEXT_FACE}”已损坏" in messages[-1] and "重新安装" in messages[-1]
    assert "Error" not in messages[-1]  # no Python class name shown to the counter
    assert _tickets(db) == 1  # the intake itself was saved first: the slip can be printed later
