"""The 整改情况报告 as a Word file (.docx), for the specialist to go on editing in Word or WPS.

The same outline as the PDF (``printing.report_outline``), laid out the way a Chinese office
expects a report: A4 with the margins of GB/T 9704, the title in 宋体, section headings in 黑体
(Word's 标题 1, so they show in the navigation pane), body text in 仿宋 with the first line
indented two characters, real tables (Table Grid, the header repeated on every page) and the three
charts as pictures, drawn by the PDF's own chart code. Fonts are named, not embedded: the eastAsia
name is what Word and WPS use for Chinese text. Every text goes in as text, never as markup or a
field: a reporter's ``<b>`` or ``=SUM(A1)`` stays what was written.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Mapping
from datetime import date, datetime, time

from bbc_desktop.core.report import ReportFigures
from bbc_desktop.printing.report_outline import Chart, Table, Text, report_outline

__all__ = ["render_report_docx"]

TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
PERIOD_FONT = "楷体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"  # digits and Latin letters beside the Chinese

BODY_SIZE = 16  # 三号, in points
LINE_PITCH = 28  # exact line spacing of the text, in points
TABLE_SIZE = 10.5  # 五号
CHART_DPI = 200
HEADER_FILL = "E8EEF5"  # the PDF's table header colour
TABLE_TEXT = "表格文字"  # our paragraph style for table cells
CELL_MARGIN = 3  # points left and right of a cell's text

# Characters XML 1.0 cannot hold (pasted text can carry them); python-docx would refuse the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NUMBER = re.compile(r"[\d.]+%?|无")


def render_report_docx(
    figures: ReportFigures,
    district: str,
    window: str,
    texts: Mapping[str, str],
    issued_on: date,
    chart_font: str = "",
) -> bytes:
    """The report as .docx bytes; ``chart_font`` is the PDF's text font setting, for the charts' labels."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from bbc_desktop import version
    from bbc_desktop.printing.fonts import chains
    from bbc_desktop.printing.raster import drawing_png
    from bbc_desktop.printing.report import chart_drawing

    outline = report_outline(figures, district, window, texts, issued_on)
    document = docx.Document()
    _page(document)
    _styles(document)
    _page_number_foot(document)
    width = _text_width(document)
    font = chains(chart_font)[0].primary  # registers the face the charts' labels are drawn in

    document.add_paragraph(_clean(outline.title), style="Title")
    period = document.add_paragraph(style="Normal")
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period.paragraph_format.space_after = Pt(LINE_PITCH / 2)
    _set_fonts(period.add_run(_clean(outline.period))._r.get_or_add_rPr(), PERIOD_FONT)
    for part in outline.sections:
        document.add_paragraph(_clean(part.heading), style="Heading 1")
        for index, block in enumerate(part.blocks):
            if isinstance(block, Text):
                document.add_paragraph(_clean(block.text), style="Body Text" if block.indent else "Normal")
            elif isinstance(block, Chart):
                if block.caption:
                    caption = document.add_paragraph(_clean(block.caption), style="Normal")
                    caption.paragraph_format.keep_with_next = True
                drawing = chart_drawing(block.kind, figures, font)
                if drawing.contents:  # no units, no chart: the PDF leaves a blank, a picture would be one
                    _picture(document, drawing_png(drawing, CHART_DPI), width)
            else:
                below = part.blocks[index + 1 : index + 2]
                _table(document, block, width, keep_with_below=bool(below) and isinstance(below[0], Text))
                if below and isinstance(below[0], Table):
                    # Word joins two tables with nothing between them into one.
                    gap = document.add_paragraph(style="Normal")
                    gap.paragraph_format.line_spacing = Pt(LINE_PITCH / 2)
    for index, line in enumerate(outline.signature):
        signed = document.add_paragraph(_clean(line), style="Normal")
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signed.paragraph_format.right_indent = Pt(2 * BODY_SIZE)
        if index == 0:
            signed.paragraph_format.space_before = Pt(2 * LINE_PITCH)

    issued = datetime.combine(issued_on, time())
    properties = document.core_properties
    properties.title = _clean(outline.title)
    properties.author = properties.last_modified_by = _clean(window)
    properties.comments = f"bbc-desktop {version()}"
    properties.created = properties.modified = issued
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _picture(document, png: bytes, width) -> None:  # type: ignore[no-untyped-def]
    """A chart centred on its own line, at its drawn size (labels as in the PDF) or narrowed to ``width``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph(style="Normal")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = 1.0  # an exact line height would crop the picture
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(6)
    shape = paragraph.add_run().add_picture(io.BytesIO(png))
    if shape.width > width:
        scale = width / shape.width
        shape.width, shape.height = width, int(shape.height * scale)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _page(document) -> None:  # type: ignore[no-untyped-def]
    """A4 portrait with the margins of GB/T 9704 (党政机关公文格式); the page number below the text."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)


def _text_width(document):  # type: ignore[no-untyped-def]
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _styles(document) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = document.styles
    # The template's defaults name theme fonts (Calibri, MS Mincho), which would win over ours.
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, BODY_FONT)
    language = defaults.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")  # Chinese line breaking and punctuation rules

    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = Pt(BODY_SIZE)
    spacing = normal.paragraph_format
    spacing.space_before, spacing.space_after = Pt(0), Pt(0)
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = Pt(LINE_PITCH)

    body = styles["Body Text"]
    body.paragraph_format.space_after = Pt(0)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _indent_two_characters(body.paragraph_format, BODY_SIZE)

    title = _fresh(styles["Title"])
    _set_fonts(title.element.get_or_add_rPr(), TITLE_FONT)
    title.font.size, title.font.bold = Pt(22), True
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = 1.15
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(0), Pt(6)

    heading = _fresh(styles["Heading 1"])
    _set_fonts(heading.element.get_or_add_rPr(), HEADING_FONT)
    heading.font.size, heading.font.bold = Pt(BODY_SIZE), False
    heading.paragraph_format.keep_with_next = True
    heading.next_paragraph_style = body  # Enter after a heading goes on in body text
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.space_after = Pt(0)
    _indent_two_characters(heading.paragraph_format, BODY_SIZE)
    heading.element.get_or_add_pPr().get_or_add_outlineLvl().val = 0  # the navigation pane's level

    cells = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = normal
    cells.quick_style = True
    _set_fonts(cells.element.get_or_add_rPr(), TABLE_FONT)
    cells.font.size = Pt(TABLE_SIZE)
    cells.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    footer = styles["Footer"]
    _set_fonts(footer.element.get_or_add_rPr(), TABLE_FONT)
    footer.font.size = Pt(TABLE_SIZE)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _fresh(style):  # type: ignore[no-untyped-def]
    """``style`` without the template's look (theme fonts and colours, the Title's rule below)."""
    from docx.oxml.ns import qn

    for tag in ("w:pPr", "w:rPr"):
        for element in style.element.findall(qn(tag)):
            style.element.remove(element)
    return style


def _set_fonts(rpr, east_asia: str) -> None:  # type: ignore[no-untyped-def]
    """Name the Chinese face (eastAsia) and the Latin one; no theme fonts left to override them."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # rFonts comes first in a run's properties (after rStyle, never used here)
    fonts.attrib.clear()
    for attribute, name in (("ascii", LATIN_FONT), ("hAnsi", LATIN_FONT), ("eastAsia", east_asia)):
        fonts.set(qn(f"w:{attribute}"), name)
    fonts.set(qn("w:cs"), LATIN_FONT)


def _indent_two_characters(paragraph_format, size: float) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph_format.first_line_indent = Pt(2 * size)
    # In characters too: Word and WPS then keep two characters when the font size is changed.
    paragraph_format._element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _page_number_foot(document) -> None:  # type: ignore[no-untyped-def]
    """The page number centred at the foot of every page: 第 N 页, N a PAGE field that Word and WPS update."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    field.append(OxmlElement("w:r"))
    field[0].append(OxmlElement("w:t"))
    field[0][0].text = "1"  # shown until the field is first updated
    paragraph._p.append(field)
    paragraph.add_run(" 页")


def _table(document, block: Table, width, keep_with_below: bool) -> None:  # type: ignore[no-untyped-def]
    """``block`` as a Word table across ``width``; a short one is kept on one page (with the line below)."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    from docx.table import _Cell

    header, *rows = block.rows
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout: the widths below, and quick to lay out for thousands of rows
    for column, column_width in zip(table.columns, _column_widths(block, width), strict=True):
        column.width = column_width
    margins = OxmlElement("w:tblCellMar")  # narrower than Table Grid's 1.9 mm: short columns stay one line
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN * 20))  # twentieths of a point
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")

    style = document.styles[TABLE_TEXT].style_id
    columns = table._tbl.tblGrid.gridCol_lst

    def fill(tr, values: list[str], centred: list[bool], head: bool, keep: bool) -> None:  # type: ignore[no-untyped-def]
        for tc, gridcol, value, centre in zip(tr.tc_lst, columns, values, centred, strict=True):
            tc.width = gridcol.w
            cell = _Cell(tc, table)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph._p.style = style
            if centre:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if keep:  # Word keeps a row on the page of the next when its paragraphs say so
                paragraph.paragraph_format.keep_with_next = True
            run = paragraph.add_run()
            text = run._r.add_t(_clean(value))
            text.set(qn("xml:space"), "preserve")
            if head:
                run.bold = True
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:color"), "auto")
                shade.set(qn("w:fill"), HEADER_FILL)
                tc.get_or_add_tcPr().insert_element_before(
                    shade, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
                )

    first = table.rows[0]._tr
    first.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
    fill(first, header, [True] * len(header), head=True, keep=True)
    if not rows:
        return
    # One row made through python-docx, copied for the others: its API costs ~4 ms a cell, and the
    # late list of a year can have thousands of rows. A column of figures is centred.
    centred = [all(_NUMBER.fullmatch(row[i]) for row in rows) for i in range(len(header))]
    template = table.add_row()._tr
    fill(template, [""] * len(header), centred, head=False, keep=not block.long)
    template.getparent().remove(template)
    for values in rows:
        row = copy.deepcopy(template)
        for text, value in zip(row.iter(qn("w:t")), values, strict=True):
            text.text = _clean(value)
        table._tbl.append(row)
    if not block.long and not keep_with_below:
        for mark in list(table._tbl.tr_lst[-1].iter(qn("w:keepNext"))):
            mark.getparent().remove(mark)


def _column_widths(block: Table, width: int) -> list[int]:
    """The PDF's shares of ``width``; but a column whose longest cell would wrap takes what others can spare.

    The page is narrower than the PDF's, and a wrapped "100个工作日" doubles the height of its row,
    in a late list of a thousand rows.
    """
    total = sum(block.shares)
    widths = [width * share / total for share in block.shares]
    needs = [max(_cell_width(row[i]) for row in block.rows) for i in range(len(widths))]
    short = {i: needs[i] - w for i, w in enumerate(widths) if needs[i] > w}
    spare = {i: w - needs[i] for i, w in enumerate(widths) if needs[i] < w}
    wanted, available = sum(short.values()), sum(spare.values())
    if wanted and available:
        moved = min(wanted, available)
        for i, lack in short.items():
            widths[i] += lack * moved / wanted
        for i, room in spare.items():
            widths[i] -= room * moved / available
    return [int(w) for w in widths]


def _cell_width(text: str) -> int:
    """A generous estimate of ``text`` on one line in a cell, in EMU: a CJK character is 1 em, others 0.65."""
    from unicodedata import east_asian_width

    from docx.shared import Pt

    ems = sum(1.0 if east_asian_width(c) in "WF" else 0.65 for c in text)
    return Pt(ems * TABLE_SIZE + 2 * CELL_MARGIN + 2)
