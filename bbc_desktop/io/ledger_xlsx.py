"""The 台账 as an Excel workbook (openpyxl): what the back office files and prints.

Title row, then the header, frozen below it; real date cells; column widths for Chinese text;
printed landscape with gridlines, fitted to the page width, the header repeated on every page. Any text that
begins with = + - @ is stored as text with Excel's quote prefix, so no spreadsheet runs it as a
formula (a reporter's words are data, never code). Written in openpyxl's write-only mode: 20 000
rows in a few seconds, memory flat.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.ledger import COLUMNS, LedgerRow

__all__ = ["FORMULA_STARTS", "write_ledger_xlsx"]

FORMULA_STARTS = ("=", "+", "-", "@")
# Widths in characters (a CJK character counts about two).
_WIDTHS = (15, 24, 15, 44, 10, 17, 40, 17, 7, 20, 14, 9, 9)
_DATETIME = "yyyy-mm-dd hh:mm"
_LONG = (COLUMNS.index("反映事项"), COLUMNS.index("处理结果"))
_TIMES = (COLUMNS.index("受理时间"), COLUMNS.index("办结时间"))


def write_ledger_xlsx(rows: Sequence[LedgerRow], path: Path, title: str, note: str = "") -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"  # the header on every printed page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True

    # Style only what needs it: openpyxl costs ~45 µs a styled cell against ~20 µs a plain one, and
    # 20 000 rows have 260 000 cells. The long texts wrap, times are date cells; the grid comes
    # from the sheet's gridlines, printed too. Named styles: registered once, no hashing per cell.
    wrap = Alignment(wrap_text=True, vertical="top")
    styles = {
        "台账标题": NamedStyle(
            "台账标题", font=Font(bold=True, size=14), alignment=Alignment(horizontal="centerContinuous")
        ),
        "台账表头": NamedStyle(
            "台账表头",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="E8EEF5"),
            border=Border(bottom=Side(style="thin", color="808080")),
            alignment=Alignment(horizontal="center", vertical="center"),
        ),
        "台账长文": NamedStyle("台账长文", alignment=wrap),
        "台账时间": NamedStyle("台账时间", alignment=Alignment(vertical="top"), number_format=_DATETIME),
        "台账文字": NamedStyle("台账文字", alignment=Alignment(vertical="top")),
    }
    for style in styles.values():
        book.add_named_style(style)
    sheet.print_options.gridLines = True

    def cell(value: object, style: str) -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=value)
        item.style = style
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            item.data_type = "s"  # text, not a formula
            item.quotePrefix = True  # and it stays text when someone edits the cell in Excel
        return item

    def plain(value: object) -> object:
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            return cell(value, "台账文字")
        return value

    sheet.append([cell(title, "台账标题")] + [cell(None, "台账标题") for _ in COLUMNS[1:]])
    sheet.append([cell(name, "台账表头") for name in COLUMNS])
    for row in rows:
        values = list(row.values())
        for index, value in enumerate(values):
            if index in _LONG:
                values[index] = cell(value, "台账长文")
            elif index in _TIMES and value is not None:
                values[index] = cell(value, "台账时间")
            else:
                values[index] = plain(value)
        sheet.append(values)
    if note:
        sheet.append([])
        sheet.append([plain(note)])
    try:
        book.save(str(path))
    except OSError as exc:
        raise ValidationError(f"无法写入文件“{path}”：{exc.strerror}") from exc
