"""Previewing, printing and saving the printed papers (交办单, 受理回执) from the window.

``open_preview`` makes the PDF off the GUI thread (``printing.documents``) and shows it in a
:class:`PreviewDialog`: the pages as the printer will put them on paper, 打印… through the system's
print dialog, 另存为 PDF…. Pages are rasterised with PDFium (pypdfium2, the engine QtPdf wraps) for
the screen and, at the printer's resolution, for paper. Every failure is a message: no printer,
a printer that cannot start, a file that cannot be written. Printing and saving are recorded in
the tickets' history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core.errors import BbcError
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async
from bbc_desktop.printing.raster import PDFIUM_LOCK  # one lock for every use of PDFium in the process

__all__ = [
    "PAPERS",
    "Document",
    "PreviewDialog",
    "PrintError",
    "make_document",
    "open_preview",
    "print_pdf",
    "show_pdf",
]

PAPERS = {"slip": "交办单", "receipt": "受理回执"}
MAX_BATCH = 500  # slips in one preview; more at once is surely a mis-selection
PRINT_DPI = 300  # enough for text and the barcode; a 600 dpi A4 page would be 140 MB of pixels


class PrintError(BbcError):
    """The printer could not be used; the message says what to do."""


@dataclass(frozen=True)
class Document:
    """A made PDF and what the window needs to show it."""

    paper: str  # "slip" / "receipt", or "" for a paper about no ticket in particular (a report)
    ticket_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    pdf: bytes
    pages: int
    missing: frozenset[str]
    name: str = ""  # the title of a paper about no ticket in particular

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        what = PAPERS[self.paper]
        if len(self.numbers) == 1:
            return f"{what} {self.numbers[0]}"
        return f"{what}（{len(self.numbers)} 份）"

    @property
    def file_name(self) -> str:
        if self.name:
            return self.name
        return f"{self.numbers[0]}-{PAPERS[self.paper]}" + (
            f"等{len(self.numbers)}份" if len(self.numbers) > 1 else ""
        )


def make_document(state: AppState, ticket_ids: Sequence[int], paper: str) -> Document:
    """Read the tickets and render their PDF. Runs off the GUI thread."""
    from bbc_desktop.db.models import Ticket
    from bbc_desktop.printing.documents import receipts_pdf, slips_pdf

    if len(ticket_ids) > MAX_BATCH:
        raise PrintError(f"一次最多打印 {MAX_BATCH} 份，已选 {len(ticket_ids)} 份；请缩小选择范围")
    make = slips_pdf if paper == "slip" else receipts_pdf
    with state.session() as session:
        rendered = make(session, list(ticket_ids), state.ctx.clock.today())
        numbers = tuple(session.get(Ticket, i).number for i in ticket_ids)  # type: ignore[union-attr]
    return Document(
        paper, tuple(ticket_ids), numbers, rendered.pdf, rendered.pages, frozenset(rendered.missing)
    )


def _record(state: AppState, document: Document, how: str) -> None:
    from bbc_desktop.printing.documents import mark_printed

    with state.session() as session:
        mark_printed(session, state.ctx, list(document.ticket_ids), document.paper, how)


def page_size(pdf_document, index: int = 0) -> QPageSize:  # type: ignore[no-untyped-def]
    width, height = pdf_document[index].get_size()  # points
    return QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)


def _render(pdf_document, index: int, dpi: float) -> QImage:  # type: ignore[no-untyped-def]
    """One page as an RGB image at ``dpi``."""
    with PDFIUM_LOCK:
        bitmap = pdf_document[index].render(scale=dpi / 72, rev_byteorder=True)
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
        return image.copy()  # own the pixels: the bitmap's buffer is freed with it


def print_pdf(pdf: bytes, printer: QPrinter, progress: Callable[[int, int], None] | None = None) -> int:
    """Put the pages of ``pdf`` (all, or the range chosen in the print dialog) on ``printer``.

    Returns the number of pages printed. Raises :class:`PrintError` when the printer cannot start.
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        count = len(document)
        first = max(1, printer.fromPage() or 1)
        last = min(count, printer.toPage() or count)
        printer.setFullPage(True)  # the PDF has its own margins
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError("无法开始打印：打印机未就绪或已脱机。请检查打印机，或先另存为 PDF")
        try:
            dpi = min(printer.resolution(), PRINT_DPI)
            for number in range(first, last + 1):
                if number > first and not printer.newPage():
                    raise PrintError("打印中断：打印机没有接受下一页")
                image = _render(document, number - 1, dpi)
                target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
                target.moveTo(0, 0)
                painter.drawImage(target, image)
                if progress is not None:
                    progress(number - first + 1, last - first + 1)
        finally:
            painter.end()
        return last - first + 1
    finally:
        document.close()


class PreviewDialog(QDialog):
    """The pages as they will be printed, with 打印… and 另存为 PDF….

    ``on_recorded`` is called once a print or a save is in the tickets' history (also after the
    dialog has closed, so whoever shows the history can refresh it).
    """

    ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)

    def __init__(
        self,
        state: AppState,
        document: Document,
        parent: QWidget | None = None,
        on_recorded: Callable[[], None] | None = None,
    ) -> None:
        import pypdfium2 as pdfium

        super().__init__(parent)
        self.on_recorded = on_recorded
        self.setObjectName("previewDialog")
        self.state = state
        self.document = document
        self._pdf: pdfium.PdfDocument | None = pdfium.PdfDocument(document.pdf)
        self._zoom = 1.0
        self.printed_pages = 0
        self.setWindowTitle(f"打印预览 — {document.title}")
        self.resize(860, 980)

        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("printButton")
        self.print_button.setDefault(True)
        self.save_button = QPushButton("另存为 PDF…")
        self.save_button.setObjectName("savePdfButton")
        self.zoom_out_button = QPushButton("缩小")
        self.zoom_in_button = QPushButton("放大")
        self.close_button = QPushButton("关闭")
        self.pages_label = QLabel(f"共 {document.pages} 页")
        self.pages_label.setObjectName("pagesLabel")
        bar = QHBoxLayout()
        for widget in (self.print_button, self.save_button, self.zoom_out_button, self.zoom_in_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.pages_label)
        bar.addWidget(self.close_button)

        self.warning = QLabel()
        self.warning.setObjectName("missingWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9b1c1c;")
        if document.missing:
            chars = "".join(sorted(document.missing))
            self.warning.setText(f"注意：以下字符没有可用字体，纸面上印为“〓”，请手工补写：{chars}")
        else:
            self.warning.hide()

        self.pages = QWidget()
        self.pages.setStyleSheet("background: #6b7280;")
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setSpacing(14)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[QLabel] = []
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages)
        self.scroll.verticalScrollBar().valueChanged.connect(self._draw_visible)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.warning)
        layout.addWidget(self.scroll, 1)

        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(self.save_pdf)
        self.zoom_in_button.clicked.connect(lambda: self._step_zoom(1))
        self.zoom_out_button.clicked.connect(lambda: self._step_zoom(-1))
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_pdf)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, lambda: self._step_zoom(1))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, lambda: self._step_zoom(-1))
        self.finished.connect(self._close_pdf)
        self._show_pages()

    # -- showing ----------------------------------------------------------------------------------

    def _screen_dpi(self) -> float:
        return 80 * self._zoom  # an A4 page ~660 px wide at 100 %: the whole width in the dialog

    def _show_pages(self) -> None:
        """Size a white sheet per page; draw the pages in sight (a long batch is drawn as scrolled)."""
        if self._pdf is None:
            return
        dpi = self._screen_dpi()
        for index in range(self.document.pages):
            if index >= len(self.page_labels):
                label = QLabel()
                label.setObjectName(f"page{index + 1}")
                label.setStyleSheet("background: white;")
                self.pages_layout.addWidget(label)
                self.page_labels.append(label)
            width, height = self._pdf[index].get_size()
            label = self.page_labels[index]
            label.clear()
            label.setProperty("drawn", False)
            label.setFixedSize(round(width * dpi / 72), round(height * dpi / 72))
        QTimer.singleShot(0, self._draw_visible)

    def _draw_visible(self) -> None:
        if self._pdf is None:
            return  # closed: a late resize or timer finds nothing to draw
        ratio = self.devicePixelRatioF()
        dpi = self._screen_dpi()
        viewport = self.scroll.viewport()
        top = self.scroll.verticalScrollBar().value() - viewport.height()
        bottom = self.scroll.verticalScrollBar().value() + 2 * viewport.height()
        for index, label in enumerate(self.page_labels):
            if label.property("drawn") or label.y() + label.height() < top or label.y() > bottom:
                continue
            pixmap = QPixmap.fromImage(_render(self._pdf, index, dpi * ratio))  # ~20 ms a page
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setProperty("drawn", True)

    def drawn_pages(self) -> int:
        return sum(1 for label in self.page_labels if label.property("drawn"))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        QTimer.singleShot(0, self._draw_visible)

    def _step_zoom(self, step: int) -> None:
        position = min(range(len(self.ZOOMS)), key=lambda i: abs(self.ZOOMS[i] - self._zoom))
        position = max(0, min(len(self.ZOOMS) - 1, position + step))
        if self.ZOOMS[position] != self._zoom:
            self._zoom = self.ZOOMS[position]
            self._show_pages()

    def _close_pdf(self) -> None:
        if self._pdf is not None:
            with PDFIUM_LOCK:
                self._pdf.close()
            self._pdf = None

    # -- printing and saving ----------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.document.title)
        layout = QPageLayout(page_size(self._pdf), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        printer.setPageLayout(layout)
        printer.setFromTo(1, self.document.pages)
        return printer

    def print_(self) -> bool:
        """The system's print dialog, then the pages; False when cancelled or impossible (said why)."""
        if not QPrinterInfo.availablePrinters():
            QMessageBox.information(
                self,
                "没有打印机",
                "本机没有可用的打印机。\n可以先“另存为 PDF”，在连接了打印机的电脑上打印。",
            )
            return False
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印{self.document.title}")
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, self.document.pages > 1)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print on an already chosen ``printer``; record it in the tickets' history."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.printed_pages = print_pdf(self.document.pdf, printer)
        except PrintError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "打印未完成", exc.message)
            return False
        except Exception as exc:  # a driver's failure must not take the window down
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "打印未完成", f"打印时出错（{type(exc).__name__}）：{exc}")
            return False
        QApplication.restoreOverrideCursor()
        name = printer.printerName() or printer.outputFileName() or "打印机"
        self._record(f"打印 {self.printed_pages} 页，{name}")
        return True

    def save_pdf(self, path: str | None = None) -> Path | None:
        """另存为 PDF…: ask where (unless ``path`` is given), write, record."""
        if not path:
            start = str(Path.home() / f"{self.document.file_name}.pdf")
            path, _filter = QFileDialog.getSaveFileName(self, "另存为 PDF", start, "PDF 文件 (*.pdf)")
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            target.write_bytes(self.document.pdf)
        except OSError as exc:
            QMessageBox.warning(self, "未能保存", f"无法写入“{target}”：{exc.strerror}。请换一个文件夹再试")
            return None
        self._record(f"另存为PDF {target.name}")
        return target

    def _record(self, how: str) -> None:
        document, state, on_recorded = self.document, self.state, self.on_recorded
        if not document.ticket_ids:
            return  # a report: nothing goes into any ticket's history
        parent = self.parentWidget()

        def done(_result: object) -> None:
            if on_recorded is not None:
                on_recorded()

        def failed(message: str) -> None:
            QMessageBox.warning(parent, "记录未保存", f"已{how}，但未能记入办理记录：{message}")

        run_async(lambda: _record(state, document, how), done, failed)


def show_pdf(state: AppState, pdf: bytes, title: str, parent: QWidget) -> PreviewDialog:
    """The preview of a ready PDF that concerns no ticket in particular (the report), with print and save."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            pages = len(document)
        finally:
            document.close()
    dialog = PreviewDialog(state, Document("", (), (), pdf, pages, frozenset(), name=title), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def open_preview(
    state: AppState,
    ticket_ids: Sequence[int],
    paper: str,
    parent: QWidget,
    on_shown: Callable[[PreviewDialog], None] | None = None,
    on_recorded: Callable[[], None] | None = None,
) -> None:
    """Make the PDF in the background, then open its preview (or say why it could not be made)."""
    ids = list(dict.fromkeys(ticket_ids))  # each ticket once, in the order given
    if not ids:
        QMessageBox.information(parent, "打印", "请先在工单列表中选择要打印的工单")
        return
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

    def done(document: Document) -> None:
        QApplication.restoreOverrideCursor()
        dialog = PreviewDialog(state, document, parent, on_recorded)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if on_shown is not None:
            QTimer.singleShot(0, lambda: on_shown(dialog))

    def failed(message: str) -> None:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, f"无法生成{PAPERS[paper]}", message)

    run_async(lambda: make_document(state, ids, paper), done, failed)
