"""Regenerate the pictures under docs/: the real main window on demo data, and a printed slip.

.venv/bin/python tools/screenshots.py

- docs/screenshot-main.png: the main window, offscreen, on the demo database, a ticket selected;
- docs/slip-demo.png: the 交办单 of a demo ticket exactly as it prints (the program's own PDF,
  rendered at 100 dpi with PDFium), with a name holding CJK Extension A and B characters;
- docs/urge-notice.png: the 催办通知书 of the most overdue demo ticket;
- docs/dashboard.png: the 工作台 on the demo data;
- docs/report-page.png: the first page of the 整改情况报告 of the demo data's last 30 days;
- docs/report-dialog.png: the report dialog, 情况概述 drafted from the demo data;
- docs/import-preview.png: the 导入旧台账 wizard's preview of tests/fixtures/legacy-ledger-2025.xlsx;
- docs/database-dialog.png: 管理 → 数据库连接, a server address tested where no server answers.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BBC_OPERATOR", "王芳")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from bbc_desktop.gui.app import make_app, start
from bbc_desktop.gui.main_window import MainWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"


def wait(app: QApplication, condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get ready in time")
        app.processEvents()
        time.sleep(0.02)
    for _ in range(30):  # let layouts settle around the new contents before grabbing
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    app = make_app()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never reuse the user's remembered layout
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "/tmp/bbc-screenshot-settings")
    window = MainWindow()
    window.resize(1600, 960)
    window.show()
    start(window, None, demo=True)
    wait(app, lambda: window.queue is not None and window.queue.model.rowCount() > 0)
    window.queue.view.selectRow(0)
    wait(app, lambda: window.detail is not None and window.detail.ticket_id is not None)
    target = DOCS / "screenshot-main.png"
    window.grab().save(str(target))
    print(target)
    print(slip_picture(window))
    print(urge_picture(window))
    window.open_dashboard()
    wait(app, lambda: window.dashboard is not None and window.dashboard.board is not None)
    target = DOCS / "dashboard.png"
    window.dashboard.grab().save(str(target))
    print(target)
    print(report_picture(window))
    print(report_dialog_picture(app, window))
    print(import_picture(app, window))
    print(database_picture(app, window))
    return 0


def database_picture(app: QApplication, window: MainWindow) -> Path:
    import socket

    from bbc_desktop.gui.database import TESTING, DatabaseDialog

    with socket.socket() as probe:  # a port where nothing listens: the real answer of a server that is off
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = DatabaseDialog(f"postgresql+psycopg://bbc:password@127.0.0.1:{port}/bbc", window)
    dialog.show()
    dialog.test_connection()
    wait(app, lambda: dialog.result_label.text() not in ("", TESTING))
    target = DOCS / "database-dialog.png"
    dialog.grab().save(str(target))
    dialog.reject()
    return target


def report_dialog_picture(app: QApplication, window: MainWindow) -> Path:
    from bbc_desktop.gui.report import ReportDialog

    assert window.state is not None
    dialog = ReportDialog(window.state, window)
    dialog.resize(900, 760)
    dialog.show()
    dialog.texts["情况概述"].setPlainText("")
    dialog.draft_overview()
    wait(app, lambda: not dialog.busy and bool(dialog.texts["情况概述"].toPlainText()))
    dialog.texts["存在问题"].setPlainText(
        "个别承办单位签收交办单后未及时反馈办理进度，超期件集中在涉及多部门协调的黄牌事项。"
    )
    target = DOCS / "report-dialog.png"
    dialog.grab().save(str(target))
    dialog.texts["情况概述"].setPlainText("")
    dialog.texts["存在问题"].setPlainText("")
    dialog.save_draft()
    dialog.hide()
    return target


def import_picture(app: QApplication, window: MainWindow) -> Path:
    from bbc_desktop.gui.legacy_import import ImportLedgerWizard

    assert window.state is not None
    fixture = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "legacy-ledger-2025.xlsx"
    wizard = ImportLedgerWizard(window.state, window)
    wizard.show()
    wizard.file_page.path_edit.setText(str(fixture))
    wizard.next()  # read and previewed in the background: nothing is written
    wait(app, lambda: wizard.currentPage() is wizard.preview_page)
    target = DOCS / "import-preview.png"
    wizard.grab().save(str(target))
    wizard.reject()
    return target


def report_picture(window: MainWindow) -> Path:
    """The first page of the 整改情况报告 of the demo data's last 30 days."""
    from datetime import timedelta

    import pypdfium2 as pdfium

    from bbc_desktop.core.report import report_figures
    from bbc_desktop.core.tickets import load_calendar
    from bbc_desktop.printing.report import render_report

    state = window.state
    assert state is not None
    today = state.ctx.clock.today()
    with state.session() as session:
        figures = report_figures(session, today - timedelta(days=30), today, today, load_calendar(session))
    pdf = render_report(figures, "北关区", "北关区“办不成事”反映窗口", {}, today)
    target = DOCS / "report-page.png"
    _save_png(pdfium.PdfDocument(pdf)[0], target)
    return target


def slip_picture(window: MainWindow) -> Path:
    """The slip of a yellow ticket with a co-unit and a rare name, dispatched today, as a PNG."""
    import pypdfium2 as pdfium

    from bbc_desktop.core import tickets as t
    from bbc_desktop.printing.documents import slips_pdf

    state = window.state
    assert state is not None
    with state.session() as session:
        ticket = t.register(
            session,
            state.ctx,
            t.Intake(
                content="本公司在办理食品经营许可证变更时，窗口以“系统升级”为由三次拒收材料，"
                "也未出具一次性告知单，已影响新店开业。请求尽快办理并说明原因。",
                grade="yellow",
                kind="company",
                company="北关区䶮𪚥餐饮管理有限公司",
                name="王䶮",
                phone="13838001234",
                lead_unit="区市场监督管理局",
                co_units=("区政务服务和大数据管理局",),
                dispatch_note="请区市场监督管理局牵头，区政务服务和大数据管理局配合核查拒收原因，按期书面反馈。",
            ),
        )
        pdf = slips_pdf(session, [ticket.id], state.ctx.clock.today()).pdf
    page = pdfium.PdfDocument(pdf)[0]
    target = DOCS / "slip-demo.png"
    _save_png(page, target)
    return target


def urge_picture(window: MainWindow) -> Path:
    """The 催办通知书 of the most overdue demo ticket a unit holds (urged in the demo database)."""
    import pypdfium2 as pdfium
    from sqlalchemy import select

    from bbc_desktop.db.models import Ticket
    from bbc_desktop.printing.documents import urge_pdf

    state = window.state
    assert state is not None
    with state.session() as session:
        number = session.scalar(
            select(Ticket.number)
            .where(Ticket.status == "dispatched", Ticket.due_date < state.ctx.clock.today())
            .order_by(Ticket.due_date)
            .limit(1)
        )
        pdf = urge_pdf(session, state.ctx, [number], "overdue")
    target = DOCS / "urge-notice.png"
    _save_png(pdfium.PdfDocument(pdf)[0], target)
    return target


def _save_png(page, target: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    bitmap = page.render(scale=100 / 72, rev_byteorder=True)
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
    image.copy().save(str(target))


if __name__ == "__main__":
    sys.exit(main())
