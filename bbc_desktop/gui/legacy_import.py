"""导入旧台账: a wizard that reads a hand-kept Excel ledger, shows every row's fate, then imports it.

1. 选择文件 — the .xlsx; read at once (``io.legacy_ledger``) with a clear message if it is not a ledger.
2. 预览 — every row under the header: 导入 (with what needs checking) or 跳过 (with why); the numbers
   shown are the ones the import will give (``core.legacy_import.preview`` runs it and rolls back).
3. 完成 — the same table from the real import, in one transaction: all rows or none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from bbc_desktop.core.legacy_import import ImportResult, import_ledger, preview
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async
from bbc_desktop.io.legacy_ledger import LegacyLedger, read_legacy_ledger

__all__ = ["ImportLedgerWizard"]

COLUMNS = ("位置", "结果", "工单编号", "办理对象", "反映事项", "说明")
_SKIPPED = QColor("#eef0f3")
_FLAGGED = QColor("#fff4d6")
_ERROR = "color: #b91c1c;"
_WORKING = "color: #475569;"


def fill_table(table: QTableWidget, ledger: LegacyLedger, result: ImportResult) -> None:
    table.setRowCount(len(result.fates))
    for index, (row, fate) in enumerate(zip(ledger.rows, result.fates, strict=True)):
        values = (
            fate.where or str(fate.line),
            "导入" if fate.imported else "跳过",
            fate.number,
            row.reporter,
            row.matter,
            "；".join(fate.flags) if fate.imported else fate.reason,
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if column == 4:
                item.setToolTip(value)
            if not fate.imported:
                item.setBackground(_SKIPPED)
            elif fate.flags:
                item.setBackground(_FLAGGED)
            table.setItem(index, column, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
    table.setColumnWidth(4, min(table.columnWidth(4), 320))


def _table() -> QTableWidget:
    table = QTableWidget(0, len(COLUMNS))
    table.setHorizontalHeaderLabels(COLUMNS)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


class _FilePage(QWizardPage):
    def __init__(self, wizard: ImportLedgerWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("选择旧台账文件")
        self.setSubTitle(
            "选择手工登记的“办不成事”台账（Excel .xlsx）。程序按列名识别表头（工单编号、办理对象、联系电话、"
            "反映事项……），每一行导入为一件历史工单，牌色记为“未定级”。下一步先预览，不会写入数据。"
        )
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("ledgerPathEdit")
        self.path_edit.setPlaceholderText("台账文件路径")
        browse = QPushButton("浏览(&B)…")
        browse.clicked.connect(self.browse)
        self.error_label = QLabel()
        self.error_label.setObjectName("importErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR)
        line = QHBoxLayout()
        line.addWidget(self.path_edit, 1)
        line.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(line)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.path_edit.textChanged.connect(lambda: self.completeChanged.emit())

    def isComplete(self) -> bool:
        return bool(self.path_edit.text().strip()) and not self.owner.busy

    def initializePage(self) -> None:
        self.owner.planned = None  # back from the preview: read the file again

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择旧台账", "", "Excel 工作簿 (*.xlsx)")
        if path:
            self.path_edit.setText(path)

    def validatePage(self) -> bool:
        """Read and preview off the GUI thread (a ledger of 2 000 rows takes seconds), then go on."""
        path = Path(self.path_edit.text().strip())
        if (
            self.owner.planned is not None
            and self.owner.ledger is not None
            and self.owner.ledger.path == path
        ):
            return True
        self.error_label.clear()
        if not path.is_file():
            self.error_label.setText(f"找不到文件“{path}”")
            return False
        if self.owner.busy:
            return False
        state = self.owner.state

        def read() -> tuple[LegacyLedger, ImportResult]:
            ledger = read_legacy_ledger(path)
            with state.session() as session:
                return ledger, preview(session, state.ctx, ledger)

        def done(found: tuple[LegacyLedger, ImportResult]) -> None:
            self.owner.set_busy(False)
            self.owner.ledger, self.owner.planned = found
            self.owner.next()

        def failed(message: str) -> None:
            self.owner.set_busy(False)
            self.error_label.setText(message)

        self.owner.set_busy(True, "正在读取台账……")
        run_async(read, done, failed)
        return False


class _PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportLedgerWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("预览")
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.table = _table()
        self.table.setObjectName("previewTable")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        self.setCommitPage(True)  # no way back once imported

    def initializePage(self) -> None:
        ledger, result = self.owner.ledger, self.owner.planned
        assert ledger is not None and result is not None
        self.setSubTitle(
            f"{ledger.header_text}。黄色行导入后需核实，灰色行不导入。"
            + "".join(f"{n}。" for n in ledger.notes)
        )
        if result.imported:
            self.summary.setText(result.summary + "。确认无误后点击“导入”。")
        else:
            self.summary.setText(result.summary + "。没有需要导入的行（多为此前已导入），无需再次导入。")
        fill_table(self.table, ledger, result)
        self.setButtonText(QWizard.WizardButton.CommitButton, f"导入 {result.imported} 件(&I)")
        self.error_label.clear()

    def isComplete(self) -> bool:
        planned = self.owner.planned
        return planned is not None and planned.imported > 0 and not self.owner.busy

    def validatePage(self) -> bool:
        """Import off the GUI thread, in one transaction, then show the result."""
        if self.owner.done_result is not None:
            return True
        ledger = self.owner.ledger
        assert ledger is not None
        if self.owner.busy:
            return False
        state = self.owner.state

        def write() -> ImportResult:
            with state.session() as session:
                return import_ledger(session, state.ctx, ledger)

        def done(result: ImportResult) -> None:
            self.owner.set_busy(False)
            self.owner.done_result = result
            self.owner.imported.emit(result.imported)
            self.owner.next()

        def failed(message: str) -> None:
            self.owner.set_busy(False)
            self.error_label.setText(message + "（未导入任何一行）")

        self.owner.set_busy(True, "正在导入……")
        run_async(write, done, failed)
        return False


class _DonePage(QWizardPage):
    def __init__(self, wizard: ImportLedgerWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("导入完成")
        self.summary = QLabel()
        self.summary.setObjectName("doneSummary")
        self.summary.setWordWrap(True)
        self.table = _table()
        self.table.setObjectName("doneTable")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:
        ledger, result = self.owner.ledger, self.owner.done_result
        assert ledger is not None and result is not None
        self.summary.setText(
            result.summary
            + "。导入的工单牌色为“未定级”，未办结的在队列最前；确定牌色后按受理时间计算办理期限。"
        )
        fill_table(self.table, ledger, result)


class ImportLedgerWizard(QWizard):
    """The three steps; ``imported(count)`` once the tickets are in the database."""

    imported = Signal(int)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.ledger: LegacyLedger | None = None
        self.planned: ImportResult | None = None
        self.done_result: ImportResult | None = None
        self.busy = False
        self.setWindowTitle("导入旧台账")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        for button, text in (
            (QWizard.WizardButton.BackButton, "< 上一步(&B)"),
            (QWizard.WizardButton.NextButton, "下一步(&N) >"),
            (QWizard.WizardButton.FinishButton, "完成"),
            (QWizard.WizardButton.CancelButton, "取消"),
        ):
            self.setButtonText(button, text)
        self.file_page = _FilePage(self)
        self.preview_page = _PreviewPage(self)
        self.done_page = _DonePage(self)
        for page in (self.file_page, self.preview_page, self.done_page):
            self.addPage(page)
        self.resize(960, 620)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy)
        self.button(QWizard.WizardButton.CancelButton).setEnabled(not busy)
        page = self.currentPage()
        page.completeChanged.emit()
        label: QLabel = page.error_label  # type: ignore[attr-defined]
        label.setStyleSheet(_WORKING if busy else _ERROR)
        label.setText(text)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QApplication.restoreOverrideCursor()
