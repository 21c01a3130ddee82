"""The 整改情况报告 as .docx, read back with python-docx as Word would open it, and set beside the PDF."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.shape import WD_INLINE_SHAPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph

from bbc_desktop.core import tickets as t
from bbc_desktop.core.report import report_figures
from bbc_desktop.io.report_docx import render_report_docx
from bbc_desktop.printing.documents import report_docx, report_pdf

sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
from pdf_tools import squeeze, stream_text

HEADINGS = [
    "一、情况概述",
    "二、分类统计",
    "三、承办单位办理情况",
    "四、超期事项",
    "五、移交督办",
    "六、回访满意度",
    "七、存在问题",
    "八、整改措施",
]
TEXTS = {
    "情况概述": "本期<b>受理</b>4件 & 全部登记。\n\n=SUM(A1) 不是公式。",
    "存在问题": "",
    "整改措施": "建立周通报制度 <script>&amp;\n+1 @A1 -2",
}
START, END = date(2026, 11, 1), date(2026, 11, 30)


def _intake(s, ctx, accepted: datetime, **values):  # type: ignore[no-untyped-def]
    base = {"content": "窗口推诿", "name": "张三", "phone": "13800000000"}
    base.update(values)
    return t.register(s, ctx, t.Intake(accepted_at=accepted, **base))


@pytest.fixture
def numbers(db, ctx):  # type: ignore[no-untyped-def]
    """Clock: Monday 2026-11-23 09:30. Four tickets in November: 红牌 1, 黄牌 1, 蓝牌 2.

    Late today: B (due 11-10, 9 working days), C (not dispatched, due 11-10, 9), D (due 11-12, 7; escalated).
    """
    with db.session() as s:
        a = _intake(s, ctx, datetime(2026, 11, 2, 9), grade="red", category="1", lead_unit="区教育局")
        b = _intake(s, ctx, datetime(2026, 11, 3, 9), grade="yellow", source="phone", lead_unit="区民政局")
        c = _intake(s, ctx, datetime(2026, 11, 5, 10), grade="blue")
        d = _intake(s, ctx, datetime(2026, 11, 9, 9), grade="blue", source="letter", lead_unit="区民政局")
        s.flush()
        t.record_result(s, ctx, a, "已办结", at=datetime(2026, 11, 10, 16))
        t.reply(s, ctx, a, "phone", "已电话答复", at=datetime(2026, 11, 11, 9))
        t.visit(s, ctx, a, "satisfied", at=datetime(2026, 11, 12, 9))
        t.escalate(s, ctx, d, "超期未办结")
        return a.number, b.number, c.number, d.number


@pytest.fixture
def exported(db, ctx, numbers):  # type: ignore[no-untyped-def]
    with db.session() as s:
        data, total = report_docx(s, START, END, ctx.clock.today(), TEXTS)
    assert total == 4
    return docx.Document(io.BytesIO(data))


def _blocks(document) -> list[Paragraph | Table]:  # type: ignore[no-untyped-def]
    return list(document.iter_inner_content())


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _section(document, heading: str) -> list[Paragraph | Table]:  # type: ignore[no-untyped-def]
    """The paragraphs and tables under ``heading``, up to the next heading."""
    blocks = _blocks(document)
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == heading)
    found = []
    for block in blocks[start + 1 :]:
        if isinstance(block, Paragraph) and block.style.name == "Heading 1":
            break
        found.append(block)
    return found


def test_title_period_headings_and_signature_in_order(exported):
    paragraphs = exported.paragraphs
    title = paragraphs[0]
    assert title.text == "北关区“办不成事”反映窗口整改情况报告" and title.style.name == "Title"
    assert title.style.font.bold and title.style.font.size.pt >= 18
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraphs[1].text == "（2026年11月1日至2026年11月30日）"
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"] == HEADINGS
    assert [p.text for p in paragraphs[-2:]] == ["北关区“办不成事”反映窗口", "2026年11月23日"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in paragraphs[-2:])
    assert exported.core_properties.title == title.text
    assert exported.core_properties.author == "北关区“办不成事”反映窗口"  # not the template's "python-docx"


def test_the_specialists_text_stays_literal_and_an_empty_part_is_left_to_fill_in(exported):
    overview = [b.text for b in _section(exported, "一、情况概述")]
    assert overview == ["本期<b>受理</b>4件 & 全部登记。", "=SUM(A1) 不是公式。"]  # the blank line dropped
    assert [b.text for b in _section(exported, "七、存在问题")] == ["（待填写）"]
    measures = _section(exported, "八、整改措施")[:-2]  # then the signature
    assert [b.text for b in measures] == ["建立周通报制度 <script>&amp;", "+1 @A1 -2"]
    assert all(b.style.name == "Body Text" for b in measures)
    body = "".join(exported.element.body.itertext())
    assert "<b>受理</b>" in body and "&amp;" in body  # one level of escaping only: Word shows what was typed


def test_tables_are_real_word_tables_with_the_hand_counted_figures(exported, numbers):
    _a, b, c, d = numbers
    grades = next(x for x in _section(exported, "二、分类统计") if isinstance(x, Table))
    assert _rows(grades) == [
        ["牌色", "件数", "占比"],
        ["红牌", "1", "25.0%"],
        ["黄牌", "1", "25.0%"],
        ["蓝牌", "2", "50.0%"],
    ]
    assert grades.style.name == "Table Grid"
    header = grades.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(run.bold for cell in grades.rows[0].cells for run in cell.paragraphs[0].runs)
    units = next(x for x in _section(exported, "三、承办单位办理情况") if isinstance(x, Table))
    assert _rows(units)[0] == ["承办单位", "转办件数", "已报结果", "超期"]
    assert ["区民政局", "2", "0", "2"] in _rows(units)
    late = [x for x in _section(exported, "四、超期事项") if isinstance(x, Table)]
    assert [(row[0], row[4]) for row in _rows(late[0])[1:]] == [
        (b, "9个工作日"),
        (c, "9个工作日"),
        (d, "7个工作日"),
    ]  # most working days late first
    assert _rows(late[0])[2][1:] == ["窗口尚未转办", "蓝牌", "2026-11-10", "9个工作日", "未办结"]
    escalated = [x for x in _section(exported, "五、移交督办") if isinstance(x, Table)]
    assert _rows(escalated[0])[1][:2] == [d, "区民政局"]
    satisfaction = _section(exported, "六、回访满意度")
    assert _rows(satisfaction[0])[1] == ["满意", "1"] and satisfaction[1].text == "满意及基本满意率：100.0%"


def test_three_charts_as_pictures(exported):
    shapes = exported.inline_shapes
    assert len(shapes) == 3 and all(s.type == WD_INLINE_SHAPE.PICTURE for s in shapes)
    section = exported.sections[0]
    assert all(s.width <= section.page_width - section.left_margin - section.right_margin for s in shapes)
    images = [p for p in exported.part.package.iter_parts() if p.content_type == "image/png"]
    assert len(images) == 3
    kinds = [type(b).__name__ for b in _section(exported, "二、分类统计")]
    assert kinds.count("Table") == 3  # grades, categories, sources; the pie and the trend as pictures
    assert (
        sum(
            len(p._p.xpath(".//pic:pic"))
            for p in _section(exported, "二、分类统计")
            if isinstance(p, Paragraph)
        )
        == 2
    )


def test_a4_page_and_chinese_fonts_by_eastasia_name(exported):
    section = exported.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert Mm(20) <= section.left_margin <= Mm(30) and Mm(20) <= section.top_margin <= Mm(40)

    def east_asia(style_name: str) -> str | None:
        fonts = exported.styles[style_name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
        return fonts.get(qn("w:eastAsia"))

    assert east_asia("Normal") == "仿宋" and east_asia("Heading 1") == "黑体" and east_asia("Title") == "宋体"
    body = exported.styles["Body Text"]
    assert body.base_style.name == "Normal"
    indent = body.element.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"  # two characters, whatever the size
    assert body.paragraph_format.first_line_indent.pt == pytest.approx(
        2 * exported.styles["Normal"].font.size.pt
    )
    footer = "".join(exported.sections[0].footer._element.itertext())
    assert footer.startswith("第") and footer.endswith("页")


def test_docx_and_pdf_say_the_same(db, ctx, numbers):
    with db.session() as s:
        pdf, _ = report_pdf(s, START, END, ctx.clock.today(), TEXTS)
        data, _ = report_docx(s, START, END, ctx.clock.today(), TEXTS)
    text = squeeze(stream_text(pdf))
    document = docx.Document(io.BytesIO(data))
    where = [text.index(heading) for heading in HEADINGS]
    assert where == sorted(where)  # the PDF's sections, in the same order
    for block in _blocks(document):
        pieces = [c for row in _rows(block) for c in row] if isinstance(block, Table) else [block.text]
        for piece in pieces:
            assert squeeze(piece) in text, piece


def test_unwritable_characters_are_dropped_and_an_ungraded_slice_is_grey(db, ctx, numbers):
    from reportlab.lib import colors

    from bbc_desktop.printing.fonts import chains
    from bbc_desktop.printing.report import UNGRADED_COLOUR, chart_drawing

    with db.session() as s:
        figures = report_figures(s, START, END, ctx.clock.today(), t.load_calendar(s))
    figures = replace(figures, total=figures.total + 3, by_grade={**figures.by_grade, "未定级": 3})
    data = render_report_docx(figures, "北关区", "窗口", {"存在问题": "问题\x01一\x1f"}, date(2026, 12, 1))
    document = docx.Document(io.BytesIO(data))
    assert [b.text for b in _section(document, "七、存在问题")] == ["问题一"]
    assert ["未定级", "3", "42.9%"] in _rows(
        next(x for x in _section(document, "二、分类统计") if isinstance(x, Table))
    )
    pie = chart_drawing("grades", figures, chains()[0].primary).contents[0]
    assert pie.slices[3].fillColor == colors.HexColor(UNGRADED_COLOUR)


def test_a_column_whose_longest_cell_would_wrap_takes_room_from_the_others():
    from docx.shared import Mm

    from bbc_desktop.io.report_docx import _cell_width, _column_widths
    from bbc_desktop.printing.report_outline import Table as Block

    block = Block([["受理编号", "超期"], ["BBC-2026-0001", "100个工作日"]], (8, 2))
    widths = _column_widths(block, Mm(156))
    assert widths[1] >= _cell_width("100个工作日") and widths[0] >= _cell_width("BBC-2026-0001")
    assert abs(sum(widths) - Mm(156)) <= 2
