"""The 整改情况报告 as a PDF: the specialist's own text around the figures of the period, with charts.

The figures come from ``core.report`` (stored as they were when a report is issued); the text of
情况概述, 存在问题 and 整改措施 is the specialist's — 情况概述 is drafted from the figures when left
empty. What it says, and in which order, is ``printing.report_outline`` (shared with the Word file);
this module lays it out. Charts are ReportLab graphics (no extra library): share per grade, tickets
per unit, weekly trend; ``io.report_docx`` draws the same ones as pictures.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date

from bbc_desktop.core.report import ReportFigures
from bbc_desktop.printing.fonts import chains, chinese_line_breaking
from bbc_desktop.printing.pages import build, document
from bbc_desktop.printing.report_outline import (
    SECTIONS,
    WEEKS_CHARTED,
    Chart,
    Text,
    draft_overview,
    report_outline,
    report_title,
)
from bbc_desktop.printing.slip import GRADE_COLOURS

__all__ = ["SECTIONS", "chart_drawing", "draft_overview", "render_report", "report_title"]

UNGRADED_COLOUR = "#9e9e9e"  # a slice whose label is no grade's colour (未定级: imported, never graded)


def render_report(
    figures: ReportFigures,
    district: str,
    window: str,
    texts: Mapping[str, str],
    issued_on: date,
    text_font: str = "",
    title_font: str = "",
) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, LongTable, Paragraph, Spacer, TableStyle

    chinese_line_breaking()
    text, heading = chains(text_font, title_font)
    body = ParagraphStyle(
        "body", fontName=text.primary, fontSize=11.5, leading=20, wordWrap="CJK", firstLineIndent=23
    )
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    cell = ParagraphStyle("cell", parent=plain, fontSize=9, leading=12.5)
    title = ParagraphStyle(
        "title", fontName=heading.primary, fontSize=18, leading=28, alignment=TA_CENTER, wordWrap="CJK"
    )
    section = ParagraphStyle(
        "section", parent=plain, fontName=heading.primary, fontSize=13, leading=22, spaceBefore=6
    )
    centre = ParagraphStyle("centre", parent=plain, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=plain, alignment=TA_RIGHT)

    def p(value: str, style: ParagraphStyle = body) -> Paragraph:
        chain = heading if style in (title, section) else text
        return Paragraph(chain.markup(value), style)

    def table(rows: list[list[str]], shares: tuple[int, ...], plain_cells: bool = False) -> LongTable:
        # Plain strings for long lists of short values (numbers, dates, unit names): a paragraph per
        # cell made a 20 000-ticket report's late list take seconds.
        width = 174 * mm
        data = [[str(v) if plain_cells else p(str(v), cell) for v in row] for row in rows]
        # One line a row for plain strings: fixed heights spare ReportLab measuring every row again
        # at each page break (a 2 700-row late list: 2.9 s -> well under 1 s).
        heights = [16] * len(data) if plain_cells else None
        result = LongTable(
            data, colWidths=[width * s / sum(shares) for s in shares], rowHeights=heights, repeatRows=1
        )
        result.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), text.primary),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF5")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return result

    outline = report_outline(figures, district, window, texts, issued_on)
    story: list = [p(outline.title, title), p(outline.period, centre), Spacer(1, 4 * mm)]
    for part in outline.sections:
        flowables: list = []
        for index, block in enumerate(part.blocks):
            if isinstance(block, Text):
                flowables.append(p(block.text, body if block.indent else plain))
            elif isinstance(block, Chart):
                drawing = chart_drawing(block.kind, figures, text.primary)
                flowables.append(
                    KeepTogether([p(block.caption, plain), drawing]) if block.caption else drawing
                )
                if part.blocks[index + 1 : index + 2]:  # the axis labels hang below the drawing
                    flowables.append(Spacer(1, 5 * mm))
            else:
                flowables.append(table(block.rows, block.shares, plain_cells=block.long))
                # A little air between a table and a table or chart below it; a sentence follows closely.
                below = part.blocks[index + 1 : index + 2]
                if below and not isinstance(below[0], Text):
                    flowables.append(Spacer(1, 3 * mm))
        # The heading is kept with the first of its section's contents, never left alone at a page's
        # foot. A table may be long: it starts under its heading and goes on over the page, rather
        # than leaving a page half empty (a new page only when less than 45 mm are left).
        if flowables and isinstance(flowables[0], LongTable):
            story += [CondPageBreak(45 * mm), p(part.heading, section), *flowables]
        else:
            story.append(KeepTogether([p(part.heading, section), *flowables[:1]]))
            story.extend(flowables[1:])
    story += [Spacer(1, 10 * mm), *(p(line, right) for line in outline.signature)]

    buffer = io.BytesIO()
    doc = document(buffer, outline.title, text.primary, A4, (18, 18, 18, 18))

    build(doc, story, text.primary)
    return buffer.getvalue()


def chart_drawing(kind: str, figures: ReportFigures, font: str):  # type: ignore[no-untyped-def]
    """The ReportLab Drawing of an outline's chart (``Chart.kind``), its labels in the registered ``font``."""
    builders = {"grades": _grade_pie, "trend": _weekly_chart, "units": _unit_chart}
    return builders[kind](figures, font)


def _grade_pie(figures: ReportFigures, font: str):  # type: ignore[no-untyped-def]
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(480, 150, initialFontName=font)  # the drawing's own first font: else Helvetica
    values = [(label, count) for label, count in figures.by_grade.items() if count]
    if not values:
        drawing.add(String(10, 70, "本期无受理事项", fontName=font, fontSize=10))
        return drawing
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 170, 10, 130, 130
    pie.data = [count for _label, count in values]
    pie.labels = [f"{label} {count}件" for label, count in values]
    pie.slices.fontName = font
    pie.slices.fontSize = 9
    pie.sideLabels = True
    colours = {grade.label: colour for grade, colour in GRADE_COLOURS.items()}
    for index, (label, _count) in enumerate(values):
        pie.slices[index].fillColor = colors.HexColor(colours.get(label, UNGRADED_COLOUR))
        pie.slices[index].strokeColor = colors.white
    drawing.add(pie)
    return drawing


def _trend(weekly: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Weekly bars for a period of up to half a year; monthly beyond (a year of weeks would not read)."""
    if len(weekly) <= WEEKS_CHARTED:
        return [(week[5:], count) for week, count in weekly]
    months: dict[str, int] = {}
    for week, count in weekly:
        key = week[:7]  # the month the week starts in
        months[key] = months.get(key, 0) + count
    return list(months.items())


def _unit_chart(figures: ReportFigures, font: str):  # type: ignore[no-untyped-def]
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    units = figures.by_unit[:12]  # the twelve with most tickets
    height = 48 + 18 * max(1, len(units))
    drawing = Drawing(480, height, initialFontName=font)
    if not units:
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 120, 10, 330, height - 40
    chart.data = [[u.total for u in reversed(units)], [u.late for u in reversed(units)]]
    chart.categoryAxis.categoryNames = [u.unit for u in reversed(units)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.barLabels.fontName = font  # even unused, a Helvetica default would be listed unembedded
    chart.bars[0].fillColor = colors.HexColor("#0B5CAD")
    chart.bars[1].fillColor = colors.HexColor("#C8102E")
    _whole_numbers(chart, max(u.total for u in units))
    drawing.add(chart)
    shown = f"（转办件数最多的{len(units)}个单位）" if len(figures.by_unit) > len(units) else ""
    _legend(drawing, font, height - 14, [("#0B5CAD", "转办件数"), ("#C8102E", "超期件数")], shown)
    return drawing


def _whole_numbers(chart, largest: int) -> None:  # type: ignore[no-untyped-def]
    """Counts are whole: an axis of 0..1 in steps of 1 when all are 0, never 0.002, 0.004 …"""
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1, largest)
    chart.valueAxis.valueStep = max(1, -(-max(1, largest) // 5))
    chart.valueAxis.labelTextFormat = "%d"


def _legend(drawing, font: str, y: float, entries: list[tuple[str, str]], note: str = "") -> None:  # type: ignore[no-untyped-def]
    from reportlab.graphics.shapes import Rect, String
    from reportlab.lib import colors

    x = 120
    for colour, label in entries:
        drawing.add(Rect(x, y, 9, 9, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(x + 13, y + 1, label, fontName=font, fontSize=8))
        x += 20 + 9 * len(label)
    if note:
        drawing.add(String(x, y + 1, note, fontName=font, fontSize=8, fillColor=colors.HexColor("#4B5563")))


def _weekly_chart(figures: ReportFigures, font: str):  # type: ignore[no-untyped-def]
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(480, 140, initialFontName=font)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 25, 420, 100
    bars = _trend(figures.weekly)
    chart.data = [[count for _label, count in bars] or [0]]
    chart.categoryAxis.categoryNames = [label for label, _count in bars] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(bars) > 12 else 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.barLabels.fontName = font
    chart.bars[0].fillColor = colors.HexColor("#4B5563")
    _whole_numbers(chart, max((count for _label, count in bars), default=0))
    drawing.add(chart)
    return drawing
