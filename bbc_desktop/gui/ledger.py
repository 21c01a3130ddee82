"""导出台账: the back office's ledger for a period, as .xlsx or PDF, from the window.

A small dialog asks for the period of acceptance and whether the queue's current filters apply
too; the file is chosen next, its kind by its extension. The rows are read and written off the
GUI thread (``core.ledger``, ``io.ledger_xlsx``, ``printing.ledger``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.queries import TicketFilter
from bbc_desktop.gui.state import AppState

__all__ = ["LedgerDialog", "export_ledger"]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class LedgerDialog(QDialog):
    """The period of the ledger (default: this month so far) and whether to apply the queue's filters."""

    def __init__(self, today: date, queue_filter: TicketFilter | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledgerDialog")
        self.setWindowTitle("导出台账")
        self.queue_filter = queue_filter
        self.from_edit = QDateEdit(_qdate(today.replace(day=1)))
        self.to_edit = QDateEdit(_qdate(today))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMaximumDate(_qdate(today))
        dates = QHBoxLayout()
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.to_edit)
        self.use_queue_check = QCheckBox("同时按工单列表当前的筛选条件（状态、牌色、承办单位、查找文字等）")
        self.use_queue_check.setEnabled(queue_filter is not None)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.hide()
        form = QFormLayout()
        form.addRow("受理日期", dates)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("选择保存位置…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "台账按附件3的列导出（工单编号、办理对象……办结时间），其后为牌色、承办单位、办理期限、状态、是否超期。"
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.use_queue_check)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def ticket_filter(self) -> TicketFilter:
        start = self.from_edit.date().toPython()
        end = self.to_edit.date().toPython()
        if start > end:  # type: ignore[operator]
            raise ValidationError("受理日期的起始日不能晚于截止日")
        base = self.queue_filter if self.use_queue_check.isChecked() and self.queue_filter else TicketFilter()
        return replace(base, accepted_from=start, accepted_to=end)  # type: ignore[arg-type]

    def accept(self) -> None:
        try:
            self.ticket_filter()
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return
        super().accept()


def write_ledger(state: AppState, flt: TicketFilter, path: Path) -> int:
    """Read the rows and write the file; returns how many tickets. Runs off the GUI thread."""
    from bbc_desktop.core.ledger import ledger_rows, ledger_title
    from bbc_desktop.core.settings import get_setting
    from bbc_desktop.core.tickets import load_calendar

    with state.session() as session:
        rows = ledger_rows(session, flt, state.ctx.clock.today(), load_calendar(session))
        title = ledger_title(get_setting(session, "district"), flt.accepted_from, flt.accepted_to)
    if path.suffix.lower() == ".pdf":
        from bbc_desktop.printing.ledger import write_ledger_pdf

        write_ledger_pdf(rows, path, title)
    else:
        from bbc_desktop.io.ledger_xlsx import write_ledger_xlsx

        write_ledger_xlsx(rows, path, title)
    return len(rows)


def choose_target(parent: QWidget, flt: TicketFilter) -> Path | None:
    """Where to write: .xlsx or .pdf, by the filter chosen in the file dialog or the name typed."""
    start, end = flt.accepted_from, flt.accepted_to
    name = f"台账-{start:%Y%m%d}-{end:%Y%m%d}.xlsx" if start and end else "台账.xlsx"
    path, chosen = QFileDialog.getSaveFileName(
        parent, "导出台账", str(Path.home() / name), "Excel 工作簿 (*.xlsx);;PDF 文件 (*.pdf)"
    )
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() not in (".xlsx", ".pdf"):
        target = target.with_name(target.name + (".pdf" if "pdf" in chosen.lower() else ".xlsx"))
    return target


def export_ledger(
    parent: QWidget, state: AppState, queue_filter: TicketFilter | None
) -> tuple[TicketFilter, Path] | None:
    """Ask for the period and the file; None when cancelled."""
    dialog = LedgerDialog(state.ctx.clock.today(), queue_filter, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    flt = dialog.ticket_filter()
    target = choose_target(parent, flt)
    return None if target is None else (flt, target)
