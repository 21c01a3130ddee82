"""The 整改情况报告 as a PDF: the specialist's own text around the figures of the period, with charts.

The figures come from ``core.report`` (stored as they were when a report is issued); the text of
情况概述, 存在问题 and 整改措施 is the specialist's — 情况概述 is drafted from the figures when left
empty. Charts are ReportLab graphics (no extra library): share per grade, tickets per unit, weekly trend.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date

from bbc_desktop.core.report import ReportFigures
from bbc_desktop.core.slips import chinese_date
from bbc_desktop.printing.fonts import chains, chinese_line_breaking
from bbc_desktop.printing.pages import build, document
from bbc_desktop.printing.slip import GRADE_COLOURS

__all__ = ["SECTIONS", "draft_overview", "render_report", "report_title"]

SECTIONS = ("情况概述", "存在问题", "整改措施")
_GRADE_OF_LABEL = {"红牌": "red", "黄牌": "yellow", "蓝牌": "blue"}


def report_title(district: str) -> str:
    return f"{district}“办不成事”反映窗口整改情况报告"


def _percent(rate: float | None) -> str:
    return "无" if rate is None else f"{rate * 100:.1f}%"


def draft_overview(figures: ReportFigures) -> str:
    """A first draft of 情况概述 from the figures, for the specialist to edit."""
    start, end = date.fromisoformat(figures.start), date.fromisoformat(figures.end)
    grades = "、".join(f"{label}{count}件" for label, count in figures.by_grade.items())
    text = (
        f"{chinese_date(start)}至{chinese_date(end)}，窗口共受理企业群众反映“办不成事”事项{figures.total}件"
        f"（{grades}）。当场解决{figures.on_spot}件，占{_percent(figures.on_spot_rate)}；"
        f"承办单位已报送办理结果{figures.with_result}件，按期办结率{_percent(figures.on_time_rate)}"
    )
    if figures.average_workdays_to_result is not None:
        text += f"，平均{figures.average_workdays_to_result}个工作日办结"
    text += f"。超期{len(figures.late)}件，其中尚未办结{sum(1 for x in figures.late if x.open)}件"
    if figures.escalations:
        text += f"；移交督办{len(figures.escalations)}件"
    visited = sum(figures.satisfaction.values())
    text += f"。回访{visited}件，满意及基本满意率{_percent(figures.satisfied_rate)}。"
    return text


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
    from reportlab.platypus import KeepTogether, LongTable, Paragraph, Spacer, TableStyle

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

    start, end = date.fromisoformat(figures.start), date.fromisoformat(figures.end)
    story: list = [
        p(report_title(district), title),
        p(f"（{chinese_date(start)}至{chinese_date(end)}）", centre),
        Spacer(1, 4 * mm),
    ]
    numbering = iter("一二三四五六七八九十")

    def add_section(name: str, *flowables: object) -> None:
        story.append(KeepTogether([p(f"{next(numbering)}、{name}", section), *flowables[:1]]))
        story.extend(flowables[1:])

    overview = (texts.get("情况概述") or "").strip() or draft_overview(figures)
    add_section("情况概述", *[p(line) for line in overview.splitlines() if line.strip()])

    grade_rows = [["牌色", "件数", "占比"]] + [
        [label, str(count), _percent(count / figures.total if figures.total else None)]
        for label, count in figures.by_grade.items()
    ]
    category_rows = [["受理事项范围", "件数"]] + [
        [label, str(count)] for label, count in figures.by_category.items()
    ]
    source_rows = [["案件来源", "件数"]] + [[label, str(count)] for label, count in figures.by_source.items()]
    add_section(
        "分类统计",
        table(grade_rows, (3, 2, 2)),
        Spacer(1, 3 * mm),
        _grade_pie(figures, text.primary),
        table(category_rows, (8, 2)),
        Spacer(1, 3 * mm),
        table(source_rows, (8, 2)),
        Spacer(1, 3 * mm),
        KeepTogether(
            [
                p("每周受理件数：" if len(figures.weekly) <= 26 else "每月受理件数：", plain),
                _weekly_chart(figures, text.primary),
            ]
        ),
    )
    unit_rows = [["承办单位", "转办件数", "已报结果", "超期"]] + [
        [u.unit, str(u.total), str(u.with_result), str(u.late)] for u in figures.by_unit
    ]
    add_section(
        "承办单位办理情况",
        table(unit_rows, (8, 3, 3, 2)),
        Spacer(1, 3 * mm),
        _unit_chart(figures, text.primary),
    )
    if figures.late:
        late_rows = [["受理编号", "承办单位", "牌色", "办理期限", "超期", "状态"]] + [
            [
                x.number,
                x.unit,
                x.grade,
                x.due_date,
                f"{x.late_workdays}个工作日",
                "未办结" if x.open else "已办结",
            ]
            for x in figures.late
        ]
        add_section("超期事项", table(late_rows, (5, 6, 2, 4, 3, 2), plain_cells=True))
    else:
        add_section("超期事项", p("本期无超期事项。"))
    if figures.escalations:
        rows = [["受理编号", "承办单位", "移交", "日期"]] + [
            [e["number"], e["unit"], e["to"], e["at"]] for e in figures.escalations
        ]
        add_section("移交督办", table(rows, (4, 5, 8, 3), plain_cells=True))
    else:
        add_section("移交督办", p("本期无移交督办事项。"))
    satisfaction_rows = [["回访结果", "件数"]] + [
        [label, str(count)] for label, count in figures.satisfaction.items()
    ]
    add_section(
        "回访满意度",
        table(satisfaction_rows, (6, 2)),
        p(f"满意及基本满意率：{_percent(figures.satisfied_rate)}", plain),
    )
    for name in SECTIONS[1:]:
        value = (texts.get(name) or "").strip()
        lines = [p(line) for line in value.splitlines() if line.strip()] or [p("（待填写）")]
        add_section(name, *lines)
    story += [Spacer(1, 10 * mm), p(window, right), p(chinese_date(issued_on), right)]

    buffer = io.BytesIO()
    doc = document(buffer, report_title(district), text.primary, A4, (18, 18, 18, 18))

    build(doc, story, text.primary)
    return buffer.getvalue()


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
    for index, (label, _count) in enumerate(values):
        pie.slices[index].fillColor = colors.HexColor(GRADE_COLOURS[_grade(label)])
        pie.slices[index].strokeColor = colors.white
    drawing.add(pie)
    return drawing


def _trend(weekly: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Weekly bars for a period of up to half a year; monthly beyond (a year of weeks would not read)."""
    if len(weekly) <= 26:
        return [(week[5:], count) for week, count in weekly]
    months: dict[str, int] = {}
    for week, count in weekly:
        key = week[:7]  # the month the week starts in
        months[key] = months.get(key, 0) + count
    return list(months.items())


def _grade(label: str):  # type: ignore[no-untyped-def]
    from bbc_desktop.core.domain import Grade

    return Grade(_GRADE_OF_LABEL[label])


def _unit_chart(figures: ReportFigures, font: str):  # type: ignore[no-untyped-def]
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    units = figures.by_unit[:12]  # the twelve with most tickets
    height = 30 + 18 * max(1, len(units))
    drawing = Drawing(480, height, initialFontName=font)
    if not units:
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 120, 10, 330, height - 20
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
    drawing.add(chart)
    return drawing


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
    drawing.add(chart)
    return drawing
