"""The 导入旧台账 wizard, driven like the back-office specialist: file, preview, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from bbc_desktop.core.context import Context
from bbc_desktop.db.models import Ticket
from bbc_desktop.gui.legacy_import import ImportLedgerWizard
from bbc_desktop.gui.state import AppState

FIXTURE = Path(__file__).parents[1] / "fixtures" / "legacy-ledger-2025.xlsx"


def _count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def _wizard(qtbot, db, ctx: Context) -> ImportLedgerWizard:  # type: ignore[no-untyped-def]
    wizard = ImportLedgerWizard(AppState(db=db, ctx=ctx))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _click(qtbot, wizard: ImportLedgerWizard, which: QWizard.WizardButton) -> None:  # type: ignore[no-untyped-def]
    """Press the button and wait for the work it starts in the background to end."""
    button = wizard.button(which)
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=15000)


def test_preview_shows_every_row_then_import_writes_them(qtbot, db, ctx):
    wizard = _wizard(qtbot, db, ctx)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # no file yet
    wizard.file_page.path_edit.setText(str(FIXTURE))
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.preview_page
    table = wizard.preview_page.table
    assert table.rowCount() == 26  # every row under the header, including the two skipped
    rows = {table.item(i, 0).text(): [table.item(i, c).text() for c in range(6)] for i in range(26)}
    assert rows["第8行"][1:3] == ["导入", "导入-2025-001"] and "缺工单编号" in rows["第8行"][5]
    assert rows["第28行"][1] == "跳过" and rows["第28行"][5] == "表尾签名行"
    assert "导入 24 件" in wizard.preview_page.summary.text()
    assert _count(db) == 0  # the preview wrote nothing
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.text().startswith("导入 24 件")
    imported: list[int] = []
    wizard.imported.connect(imported.append)
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentPage() is wizard.done_page and imported == [24]
    assert _count(db) == 24
    assert wizard.done_page.table.rowCount() == 26


def test_second_import_of_the_same_file_has_nothing_to_import(qtbot, db, ctx):
    first = _wizard(qtbot, db, ctx)
    first.file_page.path_edit.setText(str(FIXTURE))
    _click(qtbot, first, QWizard.WizardButton.NextButton)
    _click(qtbot, first, QWizard.WizardButton.CommitButton)
    again = _wizard(qtbot, db, ctx)
    again.file_page.path_edit.setText(str(FIXTURE))
    _click(qtbot, again, QWizard.WizardButton.NextButton)
    reasons = [again.preview_page.table.item(i, 5).text() for i in range(26)]
    assert sum(r.startswith("此前已导入为工单") for r in reasons) == 24
    assert not again.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert _count(db) == 24


@pytest.mark.parametrize(
    "content",
    [
        b"not a workbook",
        FIXTURE.read_bytes()[: FIXTURE.stat().st_size // 2],  # a copy cut off half-way (a pulled stick)
    ],
    ids=["not-a-workbook", "cut-off"],
)
def test_a_file_that_is_not_a_ledger_is_refused_on_the_first_page(qtbot, db, ctx, tmp_path, content):
    bad = tmp_path / "照片.xlsx"
    bad.write_bytes(content)
    wizard = _wizard(qtbot, db, ctx)
    wizard.file_page.path_edit.setText(str(bad))
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.file_page
    assert "无法读取 Excel 文件“照片.xlsx”" in wizard.file_page.error_label.text()
    assert wizard.file_page.path_edit.text() == str(bad)  # what was typed stays
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # try again after fixing it
    assert _count(db) == 0
