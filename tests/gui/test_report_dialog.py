"""The 整改情况报告 dialog: draft from the data, edit, export, issue, reopen an issued version."""

from __future__ import annotations

from datetime import datetime

import pytest
from gui_input import type_text
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QFileDialog

from bbc_desktop.core import tickets as t
from bbc_desktop.gui.printing import PreviewDialog
from bbc_desktop.gui.report import ReportDialog
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import wait_for_workers

TIMEOUT = 15000


@pytest.fixture
def dialog(qtbot, db, ctx, messages):  # type: ignore[no-untyped-def]
    with db.session() as s:
        t.register(
            s,
            ctx,
            t.Intake(
                content="窗口推诿", name="张三", phone="13800000000", accepted_at=datetime(2026, 11, 2, 9)
            ),
        )
    made = ReportDialog(AppState(db=db, ctx=ctx))
    qtbot.addWidget(made)
    made.show()
    yield made
    wait_for_workers()


def _idle(qtbot, dialog: ReportDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TIMEOUT)


def test_draft_edit_issue_and_reopen(qtbot, dialog, db, ctx, messages):
    assert dialog.from_edit.date() == QDate(2026, 11, 1) and dialog.to_edit.date() == QDate(2026, 11, 23)
    dialog.draft_button.click()
    _idle(qtbot, dialog)
    overview = dialog.texts["情况概述"].toPlainText()
    assert overview.startswith("2026年11月1日至2026年11月23日，窗口共受理企业群众反映“办不成事”事项1件")
    type_text(qtbot, dialog.texts["整改措施"], "建立周通报制度。")
    dialog.issue_button.click()  # the question is answered 是 (conftest)
    _idle(qtbot, dialog)
    assert "已签发并存档：2026-11-01 至 2026-11-23，第1版。" in dialog.message.text()
    assert dialog.archive_table.rowCount() == 1
    assert (
        dialog.archive_table.item(0, 1).text() == "第1版" and dialog.archive_table.item(0, 4).text() == "完好"
    )
    # Reopen the issued version in the preview.
    dialog.open_button.click()
    preview = QApplication.activeModalWidget()
    assert isinstance(preview, PreviewDialog) and "（已签发）" in preview.windowTitle()
    assert preview.document.pdf.startswith(b"%PDF")
    preview.reject()
    # Start again from it: the texts come back into the editor.
    dialog.texts["整改措施"].setPlainText("")
    dialog.reuse_button.click()
    assert dialog.texts["整改措施"].toPlainText() == "建立周通报制度。"
    assert dialog.tabs.currentIndex() == 0


def test_texts_are_kept_when_the_dialog_closes(qtbot, dialog, db, ctx):
    type_text(qtbot, dialog.texts["存在问题"], "个别单位答复迟缓")
    dialog.from_edit.setDate(QDate(2026, 11, 2))
    dialog.close()
    again = ReportDialog(AppState(db=db, ctx=ctx))
    qtbot.addWidget(again)
    assert again.texts["存在问题"].toPlainText() == "个别单位答复迟缓"
    assert again.from_edit.date() == QDate(2026, 11, 2)


def test_export_word_and_pdf(qtbot, dialog, tmp_path, monkeypatch):
    import docx

    target = tmp_path / "报告"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    type_text(qtbot, dialog.texts["存在问题"], "答复迟缓")
    dialog.docx_button.click()
    _idle(qtbot, dialog)
    written = tmp_path / "报告.docx"
    assert f"已导出：{written}" == dialog.message.text()
    text = "\n".join(p.text for p in docx.Document(str(written)).paragraphs)
    assert "答复迟缓" in text
    dialog.pdf_button.click()
    _idle(qtbot, dialog)
    assert (tmp_path / "报告.pdf").read_bytes().startswith(b"%PDF")


def test_a_period_the_wrong_way_round_is_refused_and_nothing_is_lost(qtbot, dialog):
    type_text(qtbot, dialog.texts["整改措施"], "措施")
    dialog.from_edit.setDate(QDate(2026, 11, 20))
    dialog.to_edit.setDate(QDate(2026, 11, 10))
    dialog.issue_button.click()
    assert dialog.message.text() == "报告期的起始日不能晚于截止日"
    assert dialog.texts["整改措施"].toPlainText() == "措施" and dialog.archive_table.rowCount() == 0
