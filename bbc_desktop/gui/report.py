"""整改情况报告: the back-office specialist's report, drafted from the data, edited, exported, issued.

The dialog has two tabs:

- 编写 — the period, the three texts that are the specialist's own (情况概述 — drafted from the
  figures with one click —, 存在问题, 整改措施), then 预览, 导出 PDF…, 导出 Word…, and 签发…,
  which archives the PDF unchanged (``core.report_archive``). The texts are saved as a draft in
  the database as they are typed, so nothing is lost when the dialog or the program closes.
- 已签发 — every issued version, newest first, with its hash checked: open it as issued, save its
  PDF, or start a new draft from its texts.

PDFs and .docx files are made off the GUI thread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.report import SECTIONS
from bbc_desktop.core.report_archive import IssuedSummary
from bbc_desktop.gui.exports import period_edits, qdate, read_period
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async

__all__ = ["ReportDialog"]

SAVE_DRAFT_MS = 800
PLACEHOLDERS = {
    "情况概述": "点击“按数据起草”生成初稿，再据实修改；留空则按统计数据自动起草。",
    "存在问题": "本期工作中存在的主要问题（留空则报告中注明“待填写”）。",
    "整改措施": "针对问题的整改措施、责任单位和时限。",
}


class ReportDialog(QDialog):
    """``issued(version)`` after a report has been archived."""

    issued = Signal(int)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("reportDialog")
        self.setWindowTitle("整改情况报告")
        self.resize(900, 760)
        self.busy = False
        today = state.ctx.clock.today()

        self.from_edit, self.to_edit, period = period_edits(today)
        period.addStretch(1)

        self.texts: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.addRow("报告期（受理日期）", period)
        for name in SECTIONS:
            edit = QPlainTextEdit()
            edit.setObjectName(f"text_{name}")
            edit.setPlaceholderText(PLACEHOLDERS[name])
            edit.setTabChangesFocus(True)
            edit.textChanged.connect(self._schedule_save)
            self.texts[name] = edit
            label = name
            if name == "情况概述":
                self.draft_button = QPushButton("按数据起草(&D)")
                self.draft_button.setToolTip("按报告期的统计数据起草情况概述（会替换现有文字）")
                self.draft_button.clicked.connect(self.draft_overview)
                box = QVBoxLayout()
                box.addWidget(edit)
                box.addWidget(self.draft_button, 0, Qt.AlignmentFlag.AlignRight)
                form.addRow(label, box)
            else:
                form.addRow(label, edit)

        self.preview_button = QPushButton("预览(&V)…")
        self.pdf_button = QPushButton("导出 PDF(&P)…")
        self.docx_button = QPushButton("导出 Word(&W)…")
        self.issue_button = QPushButton("签发(&I)…")
        self.issue_button.setToolTip(
            "签发后报告原样存档（PDF、校验值和所用统计数据），不可修改；再次签发为新版本"
        )
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.docx_button.clicked.connect(lambda: self.export("docx"))
        self.issue_button.clicked.connect(self.issue)
        from bbc_desktop.core.permissions import Permission

        if not state.can(Permission.ISSUE_REPORT):
            self.issue_button.setEnabled(False)
            self.issue_button.setToolTip("签发报告须由后台办理专员或管理员进行")
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.pdf_button, self.docx_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.issue_button)
        self.message = QLabel()
        self.message.setObjectName("reportMessage")
        self.message.setWordWrap(True)

        write = QWidget()
        write_layout = QVBoxLayout(write)
        write_layout.addLayout(form, 1)
        write_layout.addWidget(self.message)
        write_layout.addLayout(buttons)

        self.archive_table = QTableWidget(0, 5)
        self.archive_table.setObjectName("issuedTable")
        self.archive_table.setHorizontalHeaderLabels(("报告期", "版本", "签发时间", "签发人", "校验"))
        self.archive_table.verticalHeader().hide()
        self.archive_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.archive_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.archive_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.archive_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.archive_table.horizontalHeader().setStretchLastSection(True)
        self.archive_table.doubleClicked.connect(lambda _index: self.open_issued())
        self.open_button = QPushButton("打开(&O)")
        self.save_issued_button = QPushButton("另存 PDF…")
        self.reuse_button = QPushButton("以此为底稿")
        self.reuse_button.setToolTip(
            "把该版本的情况概述、存在问题、整改措施和报告期复制到“编写”页，修改后可签发新版本"
        )
        self.open_button.clicked.connect(self.open_issued)
        self.save_issued_button.clicked.connect(self.save_issued)
        self.reuse_button.clicked.connect(self.reuse_issued)
        archive_buttons = QHBoxLayout()
        for button in (self.open_button, self.save_issued_button, self.reuse_button):
            archive_buttons.addWidget(button)
        archive_buttons.addStretch(1)
        archive = QWidget()
        archive_layout = QVBoxLayout(archive)
        archive_layout.addWidget(QLabel("已签发的报告原样存档，按签发时间倒序；打开时重新核对校验值。"))
        archive_layout.addWidget(self.archive_table, 1)
        archive_layout.addLayout(archive_buttons)

        self.tabs = QTabWidget()
        self.tabs.addTab(write, "编写")
        self.tabs.addTab(archive, "已签发")
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DRAFT_MS)
        self._save_timer.timeout.connect(self.save_draft)
        self.issued_list: list[IssuedSummary] = []
        self._load_draft()
        self.from_edit.dateChanged.connect(self._schedule_save)
        self.to_edit.dateChanged.connect(self._schedule_save)
        self.refresh_archive()

    # -- the draft ---------------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return read_period(self.from_edit, self.to_edit, "报告期的")

    def current_texts(self) -> dict[str, str]:
        return {name: edit.toPlainText() for name, edit in self.texts.items()}

    def _load_draft(self) -> None:
        from bbc_desktop.core.report_archive import load_draft

        with self.state.session() as session:
            draft = load_draft(session)
        self._apply(draft)

    def _apply(self, draft: dict[str, str]) -> None:
        for name, edit in self.texts.items():
            edit.blockSignals(True)
            edit.setPlainText(draft.get(name, ""))
            edit.blockSignals(False)
        for key, edit in (("start", self.from_edit), ("end", self.to_edit)):
            try:
                day = date.fromisoformat(draft.get(key, ""))
            except ValueError:
                continue
            edit.blockSignals(True)
            edit.setDate(qdate(day))
            edit.blockSignals(False)

    def _schedule_save(self) -> None:
        self._save_timer.start()

    def save_draft(self) -> None:
        from bbc_desktop.core.report_archive import save_draft

        self._save_timer.stop()
        draft = self.current_texts()
        draft["start"] = self.from_edit.date().toPython().isoformat()  # type: ignore[union-attr]
        draft["end"] = self.to_edit.date().toPython().isoformat()  # type: ignore[union-attr]
        try:
            with self.state.session() as session:
                save_draft(session, self.state.ctx, draft)
        except Exception as exc:
            self._say(f"草稿未能保存（{exc}），文字仍在窗口中，请稍后再试或导出 Word 保存", error=True)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.save_draft()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.save_draft()
        super().done(result)

    # -- making the papers -------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b91c1c;" if error else "color: #1e5b2e;")
        self.message.setText(text)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        from bbc_desktop.core.permissions import Permission

        self.busy = busy
        for button in (self.preview_button, self.pdf_button, self.docx_button):
            button.setEnabled(not busy)
        self.issue_button.setEnabled(not busy and self.state.can(Permission.ISSUE_REPORT))
        if text:
            self._say(text)

    def _run(self, work, done, what: str) -> None:  # type: ignore[no-untyped-def]
        try:
            start, end = self.period()
        except ValidationError as exc:
            self._say(exc.message, error=True)
            return
        texts = self.current_texts()
        self.save_draft()
        self._set_busy(True, f"正在{what}……")

        def finished(result: object) -> None:
            self._set_busy(False)
            done(result)

        def failed(message: str) -> None:
            self._set_busy(False)
            self._say(f"未能{what}：{message}", error=True)

        run_async(lambda: work(start, end, texts), finished, failed)

    def draft_overview(self) -> None:
        from bbc_desktop.core.report import report_figures
        from bbc_desktop.core.tickets import load_calendar
        from bbc_desktop.printing.report import draft_overview

        state = self.state
        edit = self.texts["情况概述"]
        if edit.toPlainText().strip():
            answer = QMessageBox.question(
                self, "按数据起草", "情况概述中已有文字，用按数据起草的初稿替换吗？"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return

        def work(start: date, end: date, _texts: dict[str, str]) -> str:
            with state.session() as session:
                figures = report_figures(session, start, end, state.ctx.clock.today(), load_calendar(session))
            return draft_overview(figures)

        def done(text: object) -> None:
            edit.setPlainText(str(text))
            self._say("已按数据起草情况概述，请核对修改。")

        self._run(work, done, "起草")

    def preview(self) -> None:
        from bbc_desktop.printing.documents import report_pdf

        state = self.state

        def work(start: date, end: date, texts: dict[str, str]) -> bytes:
            with state.session() as session:
                return report_pdf(session, start, end, state.ctx.clock.today(), texts)[0]

        self._run(work, lambda pdf: self._show_pdf(pdf, "整改情况报告（未签发）"), "生成报告")

    def _show_pdf(self, pdf: object, title: str) -> None:
        from bbc_desktop.gui.printing import show_pdf

        self._say("")
        show_pdf(self.state, bytes(pdf), title, self)  # type: ignore[arg-type]

    def export(self, kind: str) -> None:
        from bbc_desktop.printing.documents import report_docx, report_pdf, write_file

        state = self.state
        suffix, label = (".pdf", "PDF 文件 (*.pdf)") if kind == "pdf" else (".docx", "Word 文档 (*.docx)")
        try:
            start, end = self.period()
        except ValidationError as exc:
            self._say(exc.message, error=True)
            return
        suggested = str(Path.home() / f"整改情况报告（{start.isoformat()}至{end.isoformat()}）{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, "导出整改情况报告", suggested, label)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        make = report_pdf if kind == "pdf" else report_docx

        def work(start: date, end: date, texts: dict[str, str]) -> Path:
            with state.session() as session:
                data, _total = make(session, start, end, state.ctx.clock.today(), texts)
            write_file(target, data)
            return target

        self._run(work, lambda written: self._say(f"已导出：{written}"), "导出报告")

    def issue(self) -> None:
        from bbc_desktop.printing.documents import issue_report

        state = self.state
        try:
            start, end = self.period()
        except ValidationError as exc:
            self._say(exc.message, error=True)
            return
        missing = [name for name in SECTIONS[1:] if not self.texts[name].toPlainText().strip()]
        question = f"签发 {start.isoformat()} 至 {end.isoformat()} 的整改情况报告？签发后原样存档，不能修改。"
        if missing:
            question += f"\n\n注意：{'、'.join(missing)}尚未填写，报告中将印为“（待填写）”。"
        if QMessageBox.question(self, "签发报告", question) != QMessageBox.StandardButton.Yes:
            return

        def work(start: date, end: date, texts: dict[str, str]) -> int:
            with state.session() as session:
                return issue_report(session, state.ctx, start, end, texts).version

        def done(version: object) -> None:
            self._say(f"已签发并存档：{start.isoformat()} 至 {end.isoformat()}，第{version}版。")
            self.refresh_archive()
            self.issued.emit(int(version))  # type: ignore[call-overload]

        self._run(work, done, "签发")

    # -- the archive -------------------------------------------------------------------------------

    def refresh_archive(self) -> None:
        from bbc_desktop.core.report_archive import issued_reports

        with self.state.session() as session:
            self.issued_list = issued_reports(session)
        table = self.archive_table
        table.setRowCount(len(self.issued_list))
        for row, report in enumerate(self.issued_list):
            values = (
                f"{report.start.isoformat()} 至 {report.end.isoformat()}",
                f"第{report.version}版",
                report.issued_at.isoformat(sep=" ", timespec="minutes"),
                report.issued_by,
                "完好" if report.intact else "校验不符！",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 4:
                    item.setToolTip(f"SHA-256：{report.sha256}")
                    if not report.intact:
                        item.setForeground(Qt.GlobalColor.red)
                table.setItem(row, column, item)
        for button in (self.open_button, self.save_issued_button, self.reuse_button):
            button.setEnabled(bool(self.issued_list))
        if self.issued_list:
            table.selectRow(0)

    def selected_issued(self) -> IssuedSummary | None:
        rows = self.archive_table.selectionModel().selectedRows()
        return self.issued_list[rows[0].row()] if rows else None

    def _issued_pdf(self) -> tuple[IssuedSummary, bytes] | None:
        from bbc_desktop.core.report_archive import check_intact, get_issued

        chosen = self.selected_issued()
        if chosen is None:
            return None
        with self.state.session() as session:
            report = get_issued(session, chosen.id)
            pdf, intact = bytes(report.pdf), check_intact(report)
        if not intact:
            QMessageBox.warning(
                self,
                "校验不符",
                "该报告存档后的内容与签发时的校验值不一致，可能已被改动。请报告管理员核查，勿作为正式文本使用。",
            )
        return chosen, pdf

    def open_issued(self) -> None:
        found = self._issued_pdf()
        if found is not None:
            chosen, pdf = found
            self._show_pdf(pdf, f"整改情况报告 {chosen.label}（已签发）")

    def save_issued(self, path: str | None = None) -> Path | None:
        found = self._issued_pdf()
        if found is None:
            return None
        chosen, pdf = found
        if not path:
            suggested = str(
                Path.home() / f"整改情况报告（{chosen.start}至{chosen.end}）第{chosen.version}版.pdf"
            )
            path, _ = QFileDialog.getSaveFileName(self, "另存已签发报告", suggested, "PDF 文件 (*.pdf)")
            if not path:
                return None
        target = Path(path)
        try:
            target.write_bytes(pdf)
        except OSError as exc:
            QMessageBox.warning(self, "未能保存", f"无法写入“{target}”：{exc.strerror}。请换一个文件夹再试")
            return None
        return target

    def reuse_issued(self) -> None:
        from bbc_desktop.core.report_archive import get_issued

        chosen = self.selected_issued()
        if chosen is None:
            return
        with self.state.session() as session:
            report = get_issued(session, chosen.id)
            draft = {**report.texts, "start": report.start.isoformat(), "end": report.end.isoformat()}
        self._apply(draft)
        self.save_draft()
        self.tabs.setCurrentIndex(0)
        self._say(f"已将 {chosen.label} 的文字和报告期复制为底稿，修改后可签发新版本。")
