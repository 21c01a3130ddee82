"""The 交办单 (attachment 2 of the source document) and the 受理回执, as ReportLab PDFs.

Layout only: the values, masking included, come from ``core.slips``. A4 portrait; the table rows
of attachment 2 in its order and wording; the grade both in colour (the table's frame and the
ticked box) and in black and white (■ against □); a Code 128 of the 受理编号 for the scanner; the
footer from the units directory and the note on 3 / 5 / 10 working days. Long content continues on
the next page inside its row (``splitInRow``), never cut.

Every string goes through a font chain (printing/fonts.py), so each character is drawn by a face
that has it and comes back whole from the PDF's text.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bbc_desktop import version
from bbc_desktop.core.domain import Grade
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.slips import NOTE, ReceiptData, SlipData
from bbc_desktop.printing.fonts import Chain, chains, chinese_line_breaking

__all__ = ["GRADE_COLOURS", "Rendered", "render_receipts", "render_slips"]

# Print colours: the yellow is darkened so that its frame stays visible on white paper.
GRADE_COLOURS = {Grade.RED: "#C8102E", Grade.YELLOW: "#E0A100", Grade.BLUE: "#0B5CAD"}
_GRADE_ORDER = (Grade.RED, Grade.YELLOW, Grade.BLUE)

TEXT_SIZE = 11
LEADING = 16


@dataclass
class Rendered:
    """A finished PDF and the characters no bundled or chosen face could draw (printed as 〓)."""

    pdf: bytes
    pages: int
    missing: set[str] = field(default_factory=set)


class _Writer:
    """Turns text into Paragraphs in the right faces; remembers what could not be drawn."""

    def __init__(self, text: Chain, title: Chain) -> None:
        from reportlab.lib.enums import TA_CENTER, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        chinese_line_breaking()
        self.text_chain, self.title_chain = text, title
        self.missing: set[str] = set()
        base = text.primary
        self.body = ParagraphStyle(
            "body", fontName=base, bulletFontName=base, fontSize=TEXT_SIZE, leading=LEADING, wordWrap="CJK"
        )
        self.label = ParagraphStyle("label", parent=self.body, alignment=TA_CENTER)
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=9.5, leading=14)
        self.title = ParagraphStyle(
            "title", fontName=title.primary, fontSize=20, leading=28, alignment=TA_CENTER, wordWrap="CJK"
        )
        self.centre = ParagraphStyle("centre", parent=self.body, fontSize=13, leading=20, alignment=TA_CENTER)

    def para(self, text: str, style=None, bold_colour: str | None = None):  # type: ignore[no-untyped-def]
        from reportlab.platypus import Paragraph

        markup = self.text_chain.markup(text, self.missing)
        if bold_colour:
            markup = f'<font color="{bold_colour}">{markup}</font>'
        return Paragraph(markup, style or self.body)

    def pair(self, label: str, value: str, style=None):  # type: ignore[no-untyped-def]
        """``label：value`` in one paragraph, the value as typed (escaped, in its faces)."""
        from reportlab.platypus import Paragraph

        markup = self.text_chain.markup(label + "：") + self.text_chain.markup(value, self.missing)
        return Paragraph(markup, style or self.body)

    def heading(self, text: str):  # type: ignore[no-untyped-def]
        from reportlab.platypus import Paragraph

        return Paragraph(self.title_chain.markup(text, self.missing), self.title)


def _grade_line(writer: _Writer, grade: Grade):  # type: ignore[no-untyped-def]
    from reportlab.platypus import Paragraph

    parts = []
    for each in _GRADE_ORDER:
        box = "■" if each is grade else "□"
        text = writer.text_chain.markup(f"{each.label}{box}")
        if each is grade:
            text = f'<font color="{GRADE_COLOURS[each]}" size="15">{text}</font>'
        parts.append(text)
    return Paragraph("　　".join(parts), writer.centre)


def _barcode(number: str, font: str):  # type: ignore[no-untyped-def]
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import mm

    # The scanner types what it reads into the queue's search box; the text under the bars is
    # drawn in an embedded face (ReportLab's default would be an unembedded Courier).
    return Code128(
        number,
        barHeight=9 * mm,
        barWidth=0.33 * mm,
        humanReadable=True,
        fontName=font,
        fontSize=8,
        quiet=False,
    )


CONTENT_ROW = 2  # the row of 企业群众反映内容 in the slip's table
CONTENT_MIN_HEIGHT = 50 * 72 / 25.4  # 50 mm: room to read, and to add a line by hand
_CELL_PADDING = (4, 5, 6, 6)  # top, bottom, left, right (points)


def _slip_table(writer: _Writer, data: SlipData, width: float, cells: dict[str, list] | None = None):  # type: ignore[no-untyped-def]
    """Attachment 2's table; ``cells`` may replace what goes in the cells of long text (for a 续页):
    "content", "dispatch", "result", "visit". Returns the table and the width of those cells' text."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    label_w = 22 * mm
    p, pair = writer.para, writer.pair
    blank = "　" * 8
    signature = f"主管领导签字：{data.result_signer or blank}　　联系电话：{data.result_phone or blank}"
    label = writer.label
    cells = {**_long_cells(writer, data), **(cells or {})}
    top, bottom, left, right = _CELL_PADDING
    cell_style = [
        ("FONTNAME", (0, 0), (-1, -1), writer.text_chain.primary),  # the empty cells' font: else Helvetica
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), top),
        ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
        ("LEFTPADDING", (0, 0), (-1, -1), left),
        ("RIGHTPADDING", (0, 0), (-1, -1), right),
    ]

    def line(cells: list, widths_mm: tuple[float, ...]):  # type: ignore[no-untyped-def]
        # The first two rows hold three label/value pairs each, with widths of their own: the unit
        # and the reporter's name need room, the case source and the phone little.
        inner = Table([cells], colWidths=[w * mm for w in widths_mm])
        inner.setStyle(TableStyle([*cell_style, ("LINEAFTER", (0, 0), (-2, -1), 0.6, colors.black)]))
        return inner

    rest = width / mm - 22
    first_row = line(
        [
            p("承办单位", label),
            p(data.unit),
            p("案件来源", label),
            p(data.source),
            p("受理编号", label),
            p(data.number),
        ],
        (22, rest - 22 - 24 - 22 - 36, 22, 24, 22, 36),
    )
    second_row = line(
        [
            p("反映时间", label),
            p(data.accepted.replace(" ", "\n")),  # the time under the date
            p("反映人姓名", label),
            p(data.reporter),
            p("反映人电话", label),
            p(data.phone),
        ],
        (22, 33, 24, rest - 33 - 24 - 24 - 27, 24, 27),
    )
    rows = [
        [first_row, ""],
        [second_row, ""],
        [p("企业群众\n反映内容", label), cells["content"]],
        [p("回复要求", label), p(data.reply_requirement)],
        [p("批转意见", label), cells["dispatch"]],
        ["", pair("批转　日期", data.dispatch_date, writer.right)],
        [p("办理结果", label), cells["result"]],
        ["", p(signature, writer.right)],
        [p("回访记录", label), cells["visit"]],
        ["", pair("回访负责人签字", data.visit_by or blank, writer.right)],
    ]
    table = Table(
        rows,
        colWidths=[label_w, width - label_w],
        minRowHeights=[0, 0, CONTENT_MIN_HEIGHT, 0, 14 * mm, 0, 36 * mm, 0, 14 * mm, 0],
    )
    style = [
        *cell_style,
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("SPAN", (0, 0), (-1, 0)),
        ("SPAN", (0, 1), (-1, 1)),
        ("TOPPADDING", (0, 0), (-1, 1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, 1), 0),
        ("LEFTPADDING", (0, 0), (-1, 1), 0),
        ("RIGHTPADDING", (0, 0), (-1, 1), 0),
    ]
    for row in (CONTENT_ROW, 4, 6, 8):
        style.append(("VALIGN", (1, row), (-1, row), "TOP"))
    for first in (4, 6, 8):  # the label beside its text and its signature line, as one box
        style.append(("SPAN", (0, first), (0, first + 1)))
        style.append(("LINEBELOW", (1, first), (-1, first), 0, colors.white))
    style.append(("BOX", (0, 0), (-1, -1), 2.2, colors.HexColor(GRADE_COLOURS[data.grade])))  # over the lines
    table.setStyle(TableStyle(style))
    return table, width - label_w - left - right


def _long_cells(writer: _Writer, data: SlipData) -> dict[str, list]:
    """The cells that hold text of any length, as written."""
    blank = "　" * 8
    return {
        "content": [writer.para(data.content)],
        "dispatch": [writer.para(data.dispatch_note)],
        "result": [writer.para(data.result)],
        "visit": [writer.para(f"回访时间：{data.visit_time or blank}　　回访情况：{data.visit_notes}")],
    }


# The other cells of long text, with the most each may take on the signed page before it goes on
# on the 续页 (in points); the content takes whatever room is left.
_BUDGETS = {
    "dispatch": ("批转意见", 20 * 72 / 25.4),
    "result": ("办理结果", 28 * 72 / 25.4),
    "visit": ("回访记录", 14 * 72 / 25.4),
}


def _slip_story(writer: _Writer, data: SlipData, width: float, height: float, split: bool) -> list:
    """One slip: one page; content too long for it is continued on a 续页 after the signed page.

    The page the unit's leader signs and stamps keeps every row of attachment 2; a letter of
    thousands of characters starts in its cell, says where it continues, and goes on in full.
    Measuring costs as much as laying out, so it is done (``split``) only for a slip that has
    already run over its page once.
    """
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

    top = Table(
        [[_grade_line(writer, data.grade), _barcode(data.number, writer.text_chain.primary)]],
        colWidths=[width - 62 * mm, 62 * mm],
    )
    top.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), writer.text_chain.primary),  # else Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    head = [writer.heading(data.title), Spacer(1, 2 * mm), top, Spacer(1, 3 * mm)]
    tail: list = [Spacer(1, 4 * mm)]
    for name, value in (
        ("承办单位", data.footer_unit),
        ("地址", data.footer_address),
        ("联系电话", data.footer_phone),
    ):
        tail.append(writer.pair(name, value))
    tail += [Spacer(1, 3 * mm), writer.para(NOTE, writer.small)]

    cells = _long_cells(writer, data)
    table, text_width = _slip_table(writer, data, width, cells)
    top_pad, bottom_pad, _left, _right = _CELL_PADDING
    (content,) = cells["content"]
    if not split:
        # The usual letter fits its cell at the cell's minimum height: then the page is known to fit.
        split = content.wrap(text_width, height)[1] > CONTENT_MIN_HEIGHT - top_pad - bottom_pad
    if not split or sum(f.wrap(width, height)[1] for f in (*head, table, *tail)) <= height:
        return [*head, table, *tail]

    # Too long for one page: each long text keeps its beginning in its cell, says where it goes on,
    # and continues in full on the 续页. The other cells first, each up to its budget; the content
    # then gets the room the page has left beside its empty cell (which has its minimum height).
    marker = writer.para("（内容较长，下接续页）", writer.right)
    continued: list[tuple[str, list]] = []
    for key, (caption, budget) in _BUDGETS.items():
        (paragraph,) = cells[key]
        if paragraph.wrap(text_width, height)[1] > budget:
            pieces = paragraph.split(text_width, budget - LEADING)
            if len(pieces) >= 2:
                cells[key] = [pieces[0], marker]
                continued.append((caption, pieces[1:]))
    rest_of_page = sum(
        f.wrap(width, height)[1]
        for f in (*head, _slip_table(writer, data, width, {**cells, "content": []})[0], *tail)
    )
    room = height - rest_of_page + CONTENT_MIN_HEIGHT - top_pad - bottom_pad - 2 * LEADING
    pieces = content.split(text_width, room) if content.wrap(text_width, height)[1] > room else [content]
    if len(pieces) >= 2:
        cells["content"] = [pieces[0], marker]
        continued.insert(0, ("企业群众反映内容", pieces[1:]))
    if not continued:
        return [*head, table, *tail]  # nothing can be split (one huge unbreakable run): let it flow
    table, _width = _slip_table(writer, data, width, cells)
    continuation: list = [
        PageBreak(),
        writer.heading("交办单续页"),
        Spacer(1, 2 * mm),
        writer.pair("受理编号", data.number, writer.centre),
    ]
    for caption, rest in continued:
        continuation += [Spacer(1, 3 * mm), writer.para(f"{caption}（续）："), Spacer(1, 1 * mm), *rest]
    return [*head, table, *tail, *continuation]


def _document(buffer: io.BytesIO, writer: _Writer, title: str, pagesize=None, on_page_end=None):  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize or A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=13 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=title,
        creator=f"bbc-desktop {version()}",
        producer=f"bbc-desktop {version()}",
        initialFontName=writer.text_chain.primary,  # else an unembedded Helvetica is listed
        initialFontSize=TEXT_SIZE,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    template = PageTemplate(id="page", frames=[frame])
    if on_page_end is not None:
        template.onPageEnd = on_page_end
    doc.addPageTemplates([template])
    return doc


def _page_footer(writer: _Writer, numbers: list[str], pages_of: Counter[int]):  # type: ignore[no-untyped-def]
    """Each page's foot: its slip's number and the page, so loose pages find their slip again.

    Drawn when the page ends, when the slip that page belongs to is known (``_Mark``); counts the
    pages of each slip in ``pages_of``.
    """
    from reportlab.lib.units import mm

    def draw(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        index = doc._bbc_slip
        pages_of[index] += 1
        canvas.saveState()
        canvas.setFont(writer.text_chain.primary, 8.5)
        canvas.drawRightString(doc.pagesize[0] - 18 * mm, 9 * mm, f"{numbers[index]}　第 {doc.page} 页")
        canvas.restoreState()

    return draw


class _Mark:
    """A zero-size flowable recording which slip of a batch the pages now belong to."""

    @staticmethod
    def make(index: int):  # type: ignore[no-untyped-def]
        from reportlab.platypus.flowables import Flowable

        class Mark(Flowable):
            def wrap(self, *_args):  # type: ignore[no-untyped-def]
                return 0, 0

            def draw(self) -> None:
                self.canv._doctemplate._bbc_slip = index  # type: ignore[attr-defined]

        return Mark()


def render_slips(slips: Sequence[SlipData], text_font: str = "", title_font: str = "") -> Rendered:
    """One PDF with every slip of ``slips``, each starting on a new page.

    Laid out once; a slip that ran over its page (long content) is laid out again with its
    content split onto a 续页, so the common one-page slip pays for one layout only.
    """
    from reportlab.platypus import PageBreak
    from reportlab.platypus.doctemplate import LayoutError

    text, title = chains(text_font, title_font)
    name = slips[0].title if len(slips) == 1 else f"{slips[0].window}交办单（{len(slips)}份）"
    numbers = [s.number for s in slips]
    split: set[int] = set()
    while True:
        writer = _Writer(text, title)
        buffer = io.BytesIO()
        pages_of: Counter[int] = Counter()
        doc = _document(buffer, writer, name, on_page_end=_page_footer(writer, numbers, pages_of))
        doc._bbc_slip = 0  # type: ignore[attr-defined]
        story: list = []
        for index, data in enumerate(slips):
            if index:
                story.append(PageBreak())
            story.append(_Mark.make(index))
            story += _slip_story(writer, data, doc.width, doc.height - 12.5, index in split)  # frame padding
        try:
            doc.build(story)
        except LayoutError:
            if len(split) == len(slips):
                raise ValidationError(
                    "交办单的内容过长，无法排版；请精简批转意见或办理结果后再打印"
                ) from None
            split = set(range(len(slips)))  # some row taller than a page: measure every slip
            continue
        overflowed = {index for index, pages in pages_of.items() if pages > 1} - split
        if not overflowed:
            return Rendered(pdf=buffer.getvalue(), pages=doc.page, missing=writer.missing)
        split |= overflowed


def _receipt_story(writer: _Writer, data: ReceiptData, width: float) -> list:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    p = writer.para
    due = data.due + ("（暂定）" if data.due_provisional else "")
    rows = [
        [p("受理编号", writer.label), p(data.number)],
        [p("反映人", writer.label), p(data.reporter)],
        [p("受理时间", writer.label), p(data.accepted)],
        [p("办理类别", writer.label), p(f"{data.grade.label}（{data.grade.workdays}个工作日内答复）")],
        [p("承办单位", writer.label), p(data.unit)],
        [p("答复期限", writer.label), p(f"{due}前")],
    ]
    table = Table(rows, colWidths=[26 * mm, width - 26 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), writer.text_chain.primary),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BOX", (0, 0), (-1, -1), 1.6, colors.HexColor(GRADE_COLOURS[data.grade])),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [
        writer.heading(data.title),
        Spacer(1, 1 * mm),
        _barcode(data.number, writer.text_chain.primary),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 3 * mm),
    ]
    story += [p(line, writer.small) for line in data.follow_up]
    contact = "　".join(
        part
        for part in (
            f"窗口地址：{data.window_address}",
            f"电话：{data.window_phone}" if data.window_phone else "",
        )
        if part
    )
    story += [Spacer(1, 2 * mm), p(contact, writer.small), p(f"（{data.printed_on}）", writer.right)]
    return story


def render_receipts(receipts: Sequence[ReceiptData], text_font: str = "", title_font: str = "") -> Rendered:
    """The reporter's receipt on A5 portrait (half an A4 sheet), one a page."""
    from reportlab.lib.pagesizes import A5
    from reportlab.platypus import PageBreak

    text, title = chains(text_font, title_font)
    writer = _Writer(text, title)
    writer.title.fontSize, writer.title.leading = 15, 22
    buffer = io.BytesIO()
    doc = _document(buffer, writer, receipts[0].title, pagesize=A5)
    story: list = []
    for index, data in enumerate(receipts):
        if index:
            story.append(PageBreak())
        story += _receipt_story(writer, data, doc.width)
    doc.build(story)
    return Rendered(pdf=buffer.getvalue(), pages=doc.page, missing=writer.missing)
