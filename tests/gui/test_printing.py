"""Printing from the window: save-and-print at intake, the preview, the printer, save as PDF, batches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gui_input import type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton, QWidget
from sqlalchemy import func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.db.models import Event, Ticket
from bbc_desktop.gui.detail import DetailPane
from bbc_desktop.gui.intake import IntakeForm
from bbc_desktop.gui.printing import PreviewDialog, make_document
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import wait_for_workers

sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
from pdf_tools import pdf_text

TIMEOUT = 20_000


@pytest.fixture(autouse=True)
def _closing(messages):  # type: ignore[no-untyped-def]
    """Message boxes recorded (conftest); previews left open by a test are closed after it."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PreviewDialog):
            widget.close()
    wait_for_workers()


def preview(qtbot) -> PreviewDialog:  # type: ignore[no-untyped-def]
    """The preview dialog the last action opened (it is made in the background, then shown)."""
    found: list[PreviewDialog] = []

    def shown() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=TIMEOUT)
    dialog = found[-1]
    qtbot.waitUntil(lambda: dialog.drawn_pages() > 0, timeout=TIMEOUT)
    return dialog


def register(db, ctx, **values) -> Ticket:  # type: ignore[no-untyped-def]
    base = {"content": "社保转移窗口推诿", "name": "陈静", "phone": "13700001111", "lead_unit": "区人社局"}
    base.update(values)
    with db.session() as s:
        ticket = t.register(s, ctx, t.Intake(**base))
        return ticket.id


def printed_events(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.scalars(select(Event.note).where(Event.kind == "printed").order_by(Event.id)))


def test_save_and_print_saves_first_then_previews_the_slip(qtbot, db, ctx):
    form = IntakeForm(AppState(db, ctx))
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()  # a shortcut answers only in the active window
    qtbot.waitUntil(form.isActiveWindow, timeout=TIMEOUT)
    type_text(qtbot, form.findChild(QWidget, "nameEdit"), "孙悦")
    type_text(qtbot, form.findChild(QWidget, "phoneEdit"), "13600002222")
    type_text(qtbot, form.findChild(QPlainTextEdit, "contentEdit"), "公积金提取窗口要求重复提交材料")
    form.findChild(QWidget, "contentEdit").setFocus()
    QTest.keyClick(form.findChild(QWidget, "contentEdit"), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = preview(qtbot)
    with db.session() as s:
        ticket = s.scalar(select(Ticket))
        assert ticket is not None and ticket.content == "公积金提取窗口要求重复提交材料"
    assert dialog.document.ticket_ids == (ticket.id,) and dialog.document.paper == "slip"
    assert dialog.pages_label.text() == "共 1 页"
    assert "孙悦" in pdf_text(dialog.document.pdf)


def test_save_and_print_with_bad_input_saves_and_prints_nothing(qtbot, db, ctx):
    form = IntakeForm(AppState(db, ctx))
    qtbot.addWidget(form)
    form.show()
    type_text(qtbot, form.findChild(QWidget, "nameEdit"), "孙悦")
    qtbot.mouseClick(form.findChild(QPushButton, "printButton"), Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewDialog)]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
    assert form.findChild(QWidget, "nameEdit").text() == "孙悦"  # kept for correcting


def test_preview_prints_on_a_printer_and_records_it(qtbot, db, ctx, tmp_path):
    ticket_id = register(db, ctx, grade="red")
    state = AppState(db, ctx)
    dialog = PreviewDialog(state, make_document(state, [ticket_id], "slip"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.drawn_pages() == 1, timeout=TIMEOUT)
    printer = dialog.make_printer()
    assert printer.pageLayout().pageSize().id() == printer.pageLayout().pageSize().PageSizeId.A4
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a file stands in for the paper
    printer.setOutputFileName(str(tmp_path / "paper.pdf"))
    assert dialog.print_to(printer) and dialog.printed_pages == 1
    qtbot.waitUntil(lambda: len(printed_events(db)) == 1, timeout=TIMEOUT)
    assert printed_events(db)[0].startswith("交办单（打印 1 页")
    # What reached the "paper": one A4 page carrying the slip's black lines and the red frame.
    out = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "paper.pdf"), str(out)], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    image = QImage(str(pages[0])).convertToFormat(QImage.Format.Format_RGB888)
    assert abs(image.width() / image.height() - 210 / 297) < 0.01
    pixels = bytes(image.constBits())
    triples = {pixels[i : i + 3] for i in range(0, len(pixels) - 2, 3)}
    assert any(r > 160 and g < 90 and b < 90 for r, g, b in triples)  # the red grade frame
    assert any(r < 60 and g < 60 and b < 60 for r, g, b in triples)  # black text and lines


def test_no_printer_and_a_printer_that_cannot_start_are_messages(
    qtbot, db, ctx, tmp_path, messages, monkeypatch
):
    state = AppState(db, ctx)
    dialog = PreviewDialog(state, make_document(state, [register(db, ctx)], "slip"))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: []))
    assert dialog.print_() is False
    assert "没有可用的打印机" in messages[-1] and "另存为 PDF" in messages[-1]
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "no-such-folder" / "x.pdf"))  # the device will not open
    assert dialog.print_to(printer) is False
    assert "无法开始打印" in messages[-1]
    assert printed_events(db) == []  # nothing printed, nothing recorded


def test_save_as_pdf_writes_the_file_and_records_it(qtbot, db, ctx, tmp_path, messages):
    state = AppState(db, ctx)
    document = make_document(state, [register(db, ctx)], "receipt")
    dialog = PreviewDialog(state, document)
    qtbot.addWidget(dialog)
    saved = dialog.save_pdf(str(tmp_path / "回执"))
    assert saved == tmp_path / "回执.pdf" and saved.read_bytes() == document.pdf
    qtbot.waitUntil(lambda: printed_events(db) == ["受理回执（另存为PDF 回执.pdf）"], timeout=TIMEOUT)
    assert dialog.save_pdf(str(tmp_path / "missing" / "x.pdf")) is None
    assert "无法写入" in messages[-1]
    dialog.close()  # a resize or zoom arriving after closing finds the document gone: no error
    dialog._draw_visible()
    dialog._step_zoom(1)


def test_detail_pane_prints_the_ticket_shown_and_shows_the_record(qtbot, db, ctx, tmp_path):
    ticket_id = register(db, ctx)
    pane = DetailPane(AppState(db, ctx))
    qtbot.addWidget(pane)
    pane.show()
    buttons = pane.actions.print_buttons
    assert not buttons["slip"].isEnabled()  # nothing shown yet
    pane.show_ticket(ticket_id)
    qtbot.waitUntil(lambda: pane.ticket_id == ticket_id and buttons["slip"].isEnabled(), timeout=TIMEOUT)
    qtbot.mouseClick(buttons["receipt"], Qt.MouseButton.LeftButton)
    dialog = preview(qtbot)
    assert dialog.document.paper == "receipt" and dialog.document.ticket_ids == (ticket_id,)
    dialog.save_pdf(str(tmp_path / "r.pdf"))
    history = pane.history_table
    qtbot.waitUntil(
        lambda: any(
            history.item(row, column) and "受理回执" in history.item(row, column).text()
            for row in range(history.rowCount())
            for column in range(history.columnCount())
        ),
        timeout=TIMEOUT,
    )


def test_a_character_without_a_face_is_pointed_out_in_the_preview(qtbot, db, ctx):
    state = AppState(db, ctx)
    dialog = PreviewDialog(state, make_document(state, [register(db, ctx, name="王\U00031350")], "slip"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert (
        dialog.warning.isVisible() and "\U00031350" in dialog.warning.text() and "〓" in dialog.warning.text()
    )


def test_too_large_a_batch_is_refused_with_a_message(db, ctx):
    from bbc_desktop.gui.printing import MAX_BATCH, PrintError

    with pytest.raises(PrintError, match="一次最多打印"):
        make_document(AppState(db, ctx), list(range(1, MAX_BATCH + 2)), "slip")


def test_print_goes_through_the_system_print_dialog(qtbot, db, ctx, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QDialog

    state = AppState(db, ctx)
    dialog = PreviewDialog(state, make_document(state, [register(db, ctx)], "slip"))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    chosen = dialog.make_printer()
    chosen.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    chosen.setOutputFileName(str(tmp_path / "chosen.pdf"))
    monkeypatch.setattr(dialog, "make_printer", lambda: chosen)
    answers = iter([QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted])
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: next(answers))
    assert dialog.print_() is False and not (tmp_path / "chosen.pdf").exists()  # cancelled: nothing
    assert dialog.print_() is True and (tmp_path / "chosen.pdf").stat().st_size > 10_000
    qtbot.waitUntil(lambda: len(printed_events(db)) == 1, timeout=TIMEOUT)
