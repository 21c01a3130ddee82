"""The 台账 as a PDF: A4 landscape, the header repeated on every page, page numbers.

Same rows as the Excel ledger (``core.ledger``); text wraps in its cell (Chinese line breaking),
every character in a face that has it (printing/fonts.py).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.ledger import COLUMNS, LedgerRow
from bbc_desktop.printing.fonts import chains, chinese_line_breaking
from bbc_desktop.printing.pages import build, document

__all__ = ["render_ledger", "write_ledger_pdf"]

# Relative widths of COLUMNS on the page.
_SHARES = (9, 11, 9, 20, 5, 8, 17, 8, 4, 9, 7, 5, 4)


def render_ledger(rows: Sequence[LedgerRow], title: str, text_font: str = "", title_font: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, Spacer, TableStyle

    chinese_line_breaking()
    text, heading = chains(text_font, title_font)
    missing: set[str] = set()
    cell = ParagraphStyle("cell", fontName=text.primary, fontSize=8, leading=10.5, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, alignment=TA_CENTER)
    title_style = ParagraphStyle(
        "title", fontName=heading.primary, fontSize=15, leading=22, alignment=TA_CENTER, wordWrap="CJK"
    )

    def para(value: object, style: ParagraphStyle = cell) -> Paragraph:
        if value is None:
            value = ""
        elif hasattr(value, "hour"):
            value = value.strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
        return Paragraph(text.markup(str(value), missing), style)

    buffer = io.BytesIO()
    size = landscape(A4)
    doc = document(buffer, title, text.primary, size, (10, 10, 10, 12), size=8)
    unit = doc.width / sum(_SHARES)
    data = [[para(name, head) for name in COLUMNS]]
    data += [[para(value) for value in row.values()] for row in rows]
    # splitInRow: a letter of thousands of characters continues on the next page inside its row.
    table = LongTable(data, colWidths=[share * unit for share in _SHARES], repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), text.primary),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )

    story = [Paragraph(heading.markup(title, missing), title_style), Spacer(1, 3 * mm), table]
    build(doc, story, text.primary, left_text=f"共 {len(rows)} 件", size=8)
    return buffer.getvalue()


def write_ledger_pdf(rows: Sequence[LedgerRow], path: Path, title: str) -> None:
    pdf = render_ledger(rows, title)
    try:
        Path(path).write_bytes(pdf)
    except OSError as exc:
        raise ValidationError(f"无法写入文件“{path}”：{exc.strerror}") from exc
