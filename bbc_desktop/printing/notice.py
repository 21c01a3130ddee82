"""The 通报 as a PDF: late tickets of a period, unit by unit, for the supervision bureau and the
discipline commission (``core.notice`` decides which and by how much)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from bbc_desktop.core.notice import UnitLateness
from bbc_desktop.core.queries import NO_UNIT
from bbc_desktop.core.slips import chinese_date, chinese_numeral
from bbc_desktop.printing.fonts import chains, chinese_line_breaking
from bbc_desktop.printing.pages import build, document

__all__ = ["notice_title", "render_notice"]

_HEADERS = ("受理编号", "牌色", "反映事项", "受理时间", "办理期限", "办结情况", "超期")
_SHARES = (15, 6, 27, 13, 13, 13, 13)  # 超期 wide enough for "20个工作日" on one line


def notice_title(district: str) -> str:
    return f"{district}“办不成事”反映窗口超期办理情况通报"


def _ordinal(index: int) -> str:
    return chinese_numeral(index + 1)


def render_notice(
    units: Sequence[UnitLateness],
    district: str,
    window: str,
    start: date,
    end: date,
    today: date,
    text_font: str = "",
    title_font: str = "",
) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, LongTable, Paragraph, Spacer, TableStyle

    chinese_line_breaking()
    text, heading = chains(text_font, title_font)
    body = ParagraphStyle("body", fontName=text.primary, fontSize=11, leading=18, wordWrap="CJK")
    indent = ParagraphStyle("indent", parent=body, firstLineIndent=22)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11.5)
    head = ParagraphStyle("head", parent=cell, alignment=TA_CENTER)
    title = ParagraphStyle(
        "title", fontName=heading.primary, fontSize=17, leading=26, alignment=TA_CENTER, wordWrap="CJK"
    )
    section = ParagraphStyle("section", parent=body, fontName=heading.primary, fontSize=12, leading=20)
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)

    def p(value: str, style: ParagraphStyle = body) -> Paragraph:
        chain = heading if style in (title, section) else text
        return Paragraph(chain.markup(value), style)

    period = f"{chinese_date(start)}至{chinese_date(end)}"
    total = sum(len(u.tickets) for u in units)
    still_open = sum(u.still_open for u in units)
    unit_count = sum(1 for u in units if u.unit != NO_UNIT)  # the window's own are not a unit's
    story = [
        p(notice_title(district), title),
        p(f"（{period}应办结事项）", centre),
        Spacer(1, 4 * mm),
        p("报送：区委区政府督查局、区纪委监委"),
        Spacer(1, 2 * mm),
    ]
    if not units:
        story.append(p(f"{period}期间应办结的事项均已按期办结，无超期情况。", indent))
    else:
        story.append(
            p(
                f"{period}期间应办结的事项中，超期办理{total}件，涉及承办单位{unit_count}个；"
                f"其中至{chinese_date(today)}仍未办结{still_open}件。超期天数按工作日计算，截至办结之日，"
                "未办结的截至通报之日。现将具体情况通报如下：",
                indent,
            )
        )
    doc_buffer = io.BytesIO()
    doc = document(doc_buffer, notice_title(district), text.primary, A4, (18, 18, 16, 16))
    unit_width = doc.width / sum(_SHARES)
    for index, unit in enumerate(units):
        heading_text = f"{_ordinal(index)}、{unit.unit}：超期{len(unit.tickets)}件"
        if unit.still_open:
            heading_text += f"（未办结{unit.still_open}件）"
        rows = [[p(h, head) for h in _HEADERS]]
        for late in unit.tickets:
            finished = chinese_date(late.finished_at) if late.finished_at else f"未办结（{late.status}）"
            days = f"{late.late_workdays}个工作日" if late.late_workdays else "不足1个工作日"
            matter = late.matter if len(late.matter) <= 80 else late.matter[:80] + "……"
            rows.append(
                [
                    p(late.number, cell),
                    p(late.grade, cell),
                    p(matter, cell),
                    p(late.accepted_at.strftime("%Y-%m-%d %H:%M"), cell),
                    p(late.due_date.isoformat(), cell),
                    p(finished, cell),
                    p(days, cell),
                ]
            )
        table = LongTable(rows, colWidths=[s * unit_width for s in _SHARES], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), text.primary),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3E8E8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [Spacer(1, 4 * mm), KeepTogether([p(heading_text, section), Spacer(1, 1 * mm)]), table]
    story += [
        Spacer(1, 10 * mm),
        p(window, ParagraphStyle("sign", parent=body, alignment=2)),
        p(chinese_date(today), ParagraphStyle("date", parent=body, alignment=2)),
    ]

    build(doc, story, text.primary)
    return doc_buffer.getvalue()
