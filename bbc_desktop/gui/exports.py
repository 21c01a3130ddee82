"""The back office's papers for a period, from the window: 导出台账 (.xlsx or PDF) and 超期通报 (PDF).

A small dialog asks for the period (and, for the ledger, whether the queue's current filters apply
too); the file is chosen next. Rows are read and files written off the GUI thread
(``core.ledger`` / ``io.ledger_xlsx`` / ``printing.ledger``; ``core.notice`` / ``printing.notice``).
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

__all__ = ["LedgerDialog", "PeriodDialog", "ask_notice", "export_ledger", "write_ledger", "write_notice"]


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def period_edits(today: date) -> tuple[QDateEdit, QDateEdit, QHBoxLayout]:
    """起 … 至 …: this month so far by default, never after today (the ledger, the 通报, the report)."""
    start, end = QDateEdit(qdate(today.replace(day=1))), QDateEdit(qdate(today))
    for edit in (start, end):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMaximumDate(qdate(today))
    row = QHBoxLayout()
    row.addWidget(start)
    row.addWidget(QLabel("至"))
    row.addWidget(end)
    return start, end, row


def read_period(start_edit: QDateEdit, end_edit: QDateEdit, what: str = "") -> tuple[date, date]:
    start, end = start_edit.date().toPython(), end_edit.date().toPython()
    if start > end:  # type: ignore[operator]
        raise ValidationError(f"{what}起始日不能晚于截止日")
    return start, end  # type: ignore[return-value]


class PeriodDialog(QDialog):
    """A period of days (default: this month so far); for the ledger, also the queue's filters."""

    def __init__(
        self,
        today: date,
        queue_filter: TicketFilter | None,
        parent: QWidget | None = None,
        title: str = "导出台账",
        intro: str = "台账按附件3的列导出（工单编号、办理对象……办结时间），其后为牌色、承办单位、办理期限、状态、是否超期。",
        what: str = "受理日期",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("periodDialog")
        self.setWindowTitle(title)
        self.queue_filter = queue_filter
        self.from_edit, self.to_edit, dates = period_edits(today)
        self.use_queue_check = QCheckBox("同时按工单列表当前的筛选条件（状态、牌色、承办单位、查找文字等）")
        self.use_queue_check.setVisible(queue_filter is not None)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.hide()
        form = QFormLayout()
        form.addRow(what, dates)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("选择保存位置…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro_label = QLabel(intro)
        intro_label.setObjectName("periodIntro")
        intro_label.setWordWrap(True)
        layout.addWidget(intro_label)
        layout.addLayout(form)
        layout.addWidget(self.use_queue_check)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def period(self) -> tuple[date, date]:
        return read_period(self.from_edit, self.to_edit)

    def ticket_filter(self) -> TicketFilter:
        start, end = self.period()
        base = self.queue_filter if self.use_queue_check.isChecked() and self.queue_filter else TicketFilter()
        return replace(base, accepted_from=start, accepted_to=end)  # type: ignore[arg-type]

    def accept(self) -> None:
        try:
            self.period()
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return
        super().accept()


LedgerDialog = PeriodDialog  # the ledger's is the plain one


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


def ask_notice(parent: QWidget, state: AppState) -> tuple[date, date, Path] | None:
    """The period of due dates for the 通报, and where to write it; None when cancelled."""
    dialog = PeriodDialog(
        state.ctx.clock.today(),
        None,
        parent,
        title="超期通报",
        intro="列出办理期限在此期间、超期办结或至今未办结的工单，按承办单位分列，报区委区政府督查局、区纪委监委。",
        what="办理期限",
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    start, end = dialog.period()
    name = f"超期通报-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    path, _chosen = QFileDialog.getSaveFileName(
        parent, "保存超期通报", str(Path.home() / name), "PDF 文件 (*.pdf)"
    )
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    return start, end, target


def write_notice(state: AppState, start: date, end: date, path: Path) -> int:
    """Make the 通报 and write it; returns how many late tickets. Runs off the GUI thread."""
    from bbc_desktop.printing.documents import notice_pdf, write_file

    with state.session() as session:
        pdf, count, _units = notice_pdf(session, start, end, state.ctx.clock.today())
    write_file(path, pdf)
    return count
