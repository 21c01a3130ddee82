"""The 催办通知书 as a PDF: one page per urged ticket, to the unit that holds it, copied to its
deputy in charge. It names the matter, not the reporter (a unit has the slip for that)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bbc_desktop.core.slips import chinese_date
from bbc_desktop.printing.fonts import chains, chinese_line_breaking
from bbc_desktop.printing.pages import build, document

__all__ = ["UrgeLetter", "render_urges", "urge_title"]

MATTER_LIMIT = 300  # characters of the complaint quoted; the slip has it whole


@dataclass(frozen=True)
class UrgeLetter:
    """What one 催办通知书 says."""

    number: str
    grade: str  # 红牌 / 黄牌 / 蓝牌
    unit: str
    deputy: str
    matter: str
    accepted_at: datetime
    dispatched_at: datetime
    due: date
    provisional: bool
    late_workdays: int | None  # None: not yet due; 0: late by less than a working day
    days_left: int  # working days to the deadline when not yet due
    reply_by: date  # when the unit is to report its result
    times: int  # this is the N-th urge of the ticket


def urge_title(district: str) -> str:
    return f"{district}“办不成事”反映窗口催办通知书"


def render_urges(
    letters: Sequence[UrgeLetter],
    district: str,
    window: str,
    phone: str,
    today: date,
    text_font: str = "",
    title_font: str = "",
) -> bytes:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    chinese_line_breaking()
    text, heading = chains(text_font, title_font)
    body = ParagraphStyle("body", fontName=text.primary, fontSize=13, leading=24, wordWrap="CJK")
    indent = ParagraphStyle("indent", parent=body, firstLineIndent=26)
    quote = ParagraphStyle("quote", parent=body, fontSize=11, leading=18, leftIndent=26, rightIndent=12)
    title = ParagraphStyle(
        "title", fontName=heading.primary, fontSize=19, leading=30, alignment=TA_CENTER, wordWrap="CJK"
    )
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER, fontSize=11)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=body, fontSize=10.5, leading=17)

    def p(value: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph((heading if style is title else text).markup(value), style)

    story: list = []
    for index, letter in enumerate(letters):
        if index:
            story.append(PageBreak())
        due = chinese_date(letter.due) + ("（暂定）" if letter.provisional else "")
        if letter.late_workdays is None:
            state = f"距办理期限还有{letter.days_left}个工作日，尚未报送办理结果"
        elif letter.late_workdays == 0:
            state = "已超过办理期限，尚未报送办理结果"
        else:
            state = f"已超过办理期限{letter.late_workdays}个工作日，尚未报送办理结果"
        matter = letter.matter.strip()
        if len(matter) > MATTER_LIMIT:
            matter = matter[:MATTER_LIMIT] + "……（全文见交办单）"
        story += [
            p(urge_title(district), title),
            p(f"（第{letter.times}次催办　受理编号：{letter.number}）", centre),
            Spacer(1, 6 * mm),
            p(f"{letter.unit}："),
            p(
                f"{chinese_date(letter.accepted_at)}受理的反映事项（受理编号{letter.number}，{letter.grade}），"
                f"已于{chinese_date(letter.dispatched_at)}交你单位办理，办理期限为{due}。"
                f"截至{chinese_date(today)}，该事项{state}。反映内容摘要如下：",
                indent,
            ),
            Spacer(1, 1 * mm),
            p(matter, quote),
            Spacer(1, 2 * mm),
            p(
                "请你单位高度重视，立即组织办理，并于"
                f"{chinese_date(letter.reply_by)}前将办理结果（经主管领导签字并加盖公章）报送“办不成事”反映窗口。"
                "逾期仍未办结的，将纳入超期办理情况通报，并移交区纪委监委、区委区政府督查局督办。",
                indent,
            ),
            Spacer(1, 14 * mm),
            p(window, right),
            p(chinese_date(today), right),
            Spacer(1, 12 * mm),
            p(
                f"抄送：{letter.unit}分管负责同志" + (f"（{letter.deputy}）" if letter.deputy else ""),
                small,
            ),
        ]
        if phone:
            story.append(p(f"联系电话：{phone}", small))
    buffer = io.BytesIO()
    doc = document(buffer, urge_title(district), text.primary, A4, (25, 25, 30, 25))
    build(doc, story, text.primary)
    return buffer.getvalue()
