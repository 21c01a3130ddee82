"""The 台账: its rows (core.ledger), the workbook read back with openpyxl, the PDF read back with poppler."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bbc_desktop.core import tickets as t
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.ledger import ATTACHMENT_3, COLUMNS, ledger_rows, ledger_title
from bbc_desktop.core.queries import TicketFilter
from bbc_desktop.io.ledger_xlsx import write_ledger_xlsx
from bbc_desktop.printing.ledger import render_ledger

sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
from pdf_tools import pdf_fonts, pdf_text, squeeze, stream_text

FORMULA = '=HYPERLINK("http://x","点我")'


@pytest.fixture
def tickets(db, ctx):  # type: ignore[no-untyped-def]
    """Five tickets of every kind the ledger must show right (clock: Monday 2026-11-23 09:30)."""
    with db.session() as s:
        a = t.register(
            s,
            ctx,
            t.Intake(
                content="营业执照变更被推诿",
                name="张三",
                phone="13800000001",
                lead_unit="区市场监督管理局",
                accepted_at=datetime(2026, 11, 2, 9, 0),
            ),
        )  # blue, due 11-05: overdue now
        t.register(
            s,
            ctx,
            t.Intake(
                content=FORMULA,
                name="李四",
                phone="13800000002",
                confidential=True,
                grade="yellow",
                lead_unit="区人社局",
                accepted_at=datetime(2026, 11, 10, 10, 0),
            ),
        )
        t.register(
            s,
            ctx,
            t.Intake(content="-5 分钟就关窗", anonymous=True, accepted_at=datetime(2026, 11, 12, 8, 30)),
        )
        d = t.register(
            s,
            ctx,
            t.Intake(
                content="公积金提取材料被退回",
                name="王五",
                phone="0372-1234567",
                lead_unit="区住建局",
                accepted_at=datetime(2026, 10, 8, 9, 0),
            ),
        )  # blue, due 10-13
        t.register(
            s,
            ctx,
            t.Intake(
                content="十月之前的事",
                name="赵六",
                phone="13800000006",
                accepted_at=datetime(2026, 9, 1, 9, 0),
            ),
        )
        s.flush()
        t.record_result(s, ctx, d, "已办结并答复", signer="局长", phone="0372-7654321")
        return a.number, d.number


def _rows(db, ctx, **filter_values):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return ledger_rows(s, TicketFilter(**filter_values), ctx.clock.today(), t.load_calendar(s))


def test_rows_in_acceptance_order_masked_with_overdue_and_finish(db, ctx, tickets):
    overdue_number, finished_number = tickets
    rows = _rows(db, ctx)
    assert [r.accepted_at for r in rows] == sorted(r.accepted_at for r in rows) and len(rows) == 5
    by_number = {r.number: r for r in rows}
    first = by_number[overdue_number]
    assert (first.reporter, first.phone, first.unit, first.grade, first.overdue) == (
        "张三",
        "13800000001",
        "区市场监督管理局",
        "蓝牌",
        "是",
    )
    assert first.received_by == "王芳" and first.finished_at is None and first.status == "已转办"
    secret = next(r for r in rows if r.matter == FORMULA)
    assert secret.reporter == "李**（保密）" and secret.phone == "138****0002"
    anonymous = next(r for r in rows if r.matter.startswith("-5"))
    assert (anonymous.reporter, anonymous.phone) == ("匿名", "")
    finished = by_number[finished_number]
    assert finished.result == "已办结并答复" and finished.finished_at == datetime(2026, 11, 23, 9, 30)
    assert finished.overdue == "是"  # the result came after the due date 2026-10-13
    window = _rows(db, ctx, accepted_from=date(2026, 10, 1), accepted_to=date(2026, 10, 31))
    assert [r.number for r in window] == [finished_number]


def test_workbook_has_attachment_3s_columns_dates_and_print_setup(db, ctx, tickets, tmp_path):
    rows = _rows(db, ctx)
    title = ledger_title("北关区", date(2026, 9, 1), date(2026, 11, 30))
    target = tmp_path / "台账.xlsx"
    write_ledger_xlsx(rows, target, title)
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "北关区“办不成事”事项处理进度跟踪台账（2026年9月1日至2026年11月30日）"
    header = [c.value for c in sheet[2]]
    assert header[: len(ATTACHMENT_3)] == list(ATTACHMENT_3) and header == list(COLUMNS)
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[0] for r in body] == [r.number for r in rows]
    assert isinstance(body[0][5], datetime) and sheet["F3"].number_format == "yyyy-mm-dd hh:mm"
    due = COLUMNS.index("办理期限")
    assert body[0][due] == datetime.combine(rows[0].due_date, datetime.min.time())  # a real date cell
    assert sheet.cell(row=3, column=due + 1).number_format == "yyyy-mm-dd"

    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    # One page wide (fitToWidth 1 is the file format's default when left out), as many pages down as needed.
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_options.gridLines


def test_a_ledger_that_cannot_be_written_says_why(db, ctx, tickets, tmp_path):
    rows = _rows(db, ctx)
    with pytest.raises(ValidationError, match=r"文件夹“.*”不存在"):
        write_ledger_xlsx(rows, tmp_path / "无此目录" / "台账.xlsx", "台账")
    with pytest.raises(ValidationError, match="是一个文件夹"):
        write_ledger_xlsx(rows, tmp_path, "台账")
    locked = tmp_path / "只读"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):  # root may write anyway
            with pytest.raises(ValidationError, match="无法写入文件"):
                write_ledger_xlsx(rows, locked / "台账.xlsx", "台账")
    finally:
        locked.chmod(0o700)


def test_text_that_looks_like_a_formula_stays_text(db, ctx, tickets, tmp_path):
    target = tmp_path / "l.xlsx"
    write_ledger_xlsx(_rows(db, ctx), target, "台账")
    sheet = load_workbook(target).active
    cells = {c.value: c for row in sheet.iter_rows(min_row=3) for c in row if isinstance(c.value, str)}
    for text in (FORMULA, "-5 分钟就关窗"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text  # text, shown as typed
    raw = __import__("zipfile").ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in raw  # no formula anywhere in the sheet


def test_pdf_ledger_is_landscape_embedded_and_repeats_its_header(db, ctx, tickets):
    rows = _rows(db, ctx) * 30  # 150 rows: several pages
    pdf = render_ledger(rows, "北关区“办不成事”事项处理进度跟踪台账")
    assert all(f["emb"] == "yes" for f in pdf_fonts(pdf))
    pages = pdf_text(pdf).split("\f")[:-1]
    assert len(pages) > 2
    for page in pages:
        assert all(name in squeeze(page) for name in ATTACHMENT_3)  # the header on every page
    first = squeeze(stream_text(pdf).split("\f")[0])
    assert "营业执照变更被推诿" in first and "李**（保密）" in first and "138****0002" in first
    import pypdfium2 as pdfium

    width, height = pdfium.PdfDocument(pdf)[0].get_size()
    assert width > height  # landscape
