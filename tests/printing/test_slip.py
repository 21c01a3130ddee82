"""The 交办单 and the 受理回执 as PDFs, read back with the tools a person would use."""

from __future__ import annotations

import re

import pytest
from pdf_tools import barcodes, hits, pdf_fonts, pdf_text, squeeze, stream_text

from bbc_desktop.core import tickets as t
from bbc_desktop.core.domain import GRADES, Grade
from bbc_desktop.core.errors import NotFound, ValidationError
from bbc_desktop.printing.documents import receipts_pdf, slips_pdf
from bbc_desktop.printing.fonts import MISSING_MARK

# Every label and fixed phrase of attachment 2, in its order.
SLIP_LABELS = (
    "交办单",
    "红牌",
    "黄牌",
    "蓝牌",
    "承办单位",
    "案件来源",
    "受理编号",
    "反映时间",
    "反映人姓名",
    "反映人电话",
    "企业群众反映内容",
    "回复要求",
    "前将办理结果报“办不成事”反映窗口。要求：主管领导签字，并加盖公章。",
    "区委区政府督查局、区纪委监委将严厉问责。",
    "批转意见",
    "批转日期：",
    "办理结果",
    "主管领导签字：",
    "联系电话：",
    "回访记录",
    "回访时间：",
    "回访情况：",
    "回访负责人签字：",
    "地址：",
    "注：“蓝色交办单”3个工作日内给予答复；“黄色交办单”5个工作日内答复；“红色交办单”10个工作日内答复。",
    "要及时向反映人说明情况。",
)


def _dispatched(db, ctx, **values):  # type: ignore[no-untyped-def]
    base = {
        "content": "营业执照变更在区市场监管局窗口被要求反复补充材料，已跑了四趟。",
        "name": "李明",
        "phone": "13812345678",
        "grade": "yellow",
        "lead_unit": "区市场监督管理局",
        "co_units": ["区政务服务和大数据管理局"],
        "dispatch_note": "请区市场监督管理局牵头核查，按时反馈。",
    }
    base.update(values)
    with db.session() as s:
        ticket = t.register(s, ctx, t.Intake(**base))
        return ticket.number


def _slip(db, ctx, number: str) -> bytes:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return slips_pdf(s, [number], ctx.clock.today()).pdf


def test_slip_has_every_label_of_attachment_2_and_the_tickets_values(db, ctx):
    number = _dispatched(db, ctx)
    with db.session() as s:
        rendered = slips_pdf(s, [number], ctx.clock.today())
    assert rendered.pages == 1 and not rendered.missing
    text = squeeze(stream_text(rendered.pdf))
    assert [label for label in SLIP_LABELS if squeeze(label) not in text] == []
    # In attachment 2's layout: the rows' labels in the left column top to bottom (the leftmost hit:
    # 办理结果 also occurs in the reply requirement's sentence), the footer below, the first two rows'
    # labels left to right on one line (承办单位 also occurs in the footer: the topmost hit).
    rows = ["反映时间", "企业群众", "回复要求", "批转意见", "办理结果", "回访记录", "地址："]
    at = {
        word: min(hits(rendered.pdf, word))
        for word in [*rows, "案件来源", "受理编号", "反映人姓名", "反映人电话"]
    }
    at["承办单位"] = min(hits(rendered.pdf, "承办单位"), key=lambda hit: hit[1])
    tops = [at[label][1] for label in ["承办单位", *rows]]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), at
    assert at["承办单位"][0] < at["案件来源"][0] < at["受理编号"][0]
    assert at["反映时间"][0] < at["反映人姓名"][0] < at["反映人电话"][0]
    assert abs(at["案件来源"][1] - at["承办单位"][1]) < 2 and abs(at["反映人电话"][1] - at["反映时间"][1]) < 2
    for value in (
        "北关区“办不成事”反映窗口交办单",
        number,
        "区市场监督管理局（协办：区政务服务和大数据管理局）",
        "窗口来访",
        "2026年11月23日09:30",
        "李明",
        "13812345678",
        "营业执照变更在区市场监管局窗口被要求反复补充材料，已跑了四趟。",
        "请于2026年11月30日前将办理结果报",  # yellow: 5 working days from Monday 23 November
        "请区市场监督管理局牵头核查，按时反馈。",
        "批转日期：2026年11月23日",
        "承办单位：区市场监督管理局",
    ):
        assert squeeze(value) in text, value


@pytest.mark.parametrize("grade", GRADES)
def test_grade_is_ticked_in_black_and_white(db, ctx, grade):
    number = _dispatched(
        db, ctx, grade=grade.value, co_units=[] if grade is not Grade.YELLOW else ["区民政局"]
    )
    text = squeeze(pdf_text(_slip(db, ctx, number)))
    for each in GRADES:
        box = "■" if each is grade else "□"
        assert f"{each.label}{box}" in text


def test_every_font_is_embedded_and_subset_with_a_unicode_map(db, ctx):
    number = _dispatched(db, ctx, name="王䶮𠀁")
    fonts = pdf_fonts(_slip(db, ctx, number))
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" and f["uni"] == "yes" for f in fonts), fonts
    names = " ".join(f["name"] for f in fonts)
    assert "Helvetica" not in names and "Courier" not in names  # the canvas's and the barcode's fonts too
    assert "HanaMinA" in names and "HanaMinB" in names  # Extension A and B came from the fallbacks


def test_rare_characters_print_and_come_back_from_the_text(db, ctx):
    number = _dispatched(db, ctx, name="王䶮𪚥𠀁", content="反映人姓名含生僻字𠮷和䶮，请核对。")
    with db.session() as s:
        rendered = slips_pdf(s, [number], ctx.clock.today())
    assert not rendered.missing
    text = pdf_text(rendered.pdf)
    assert "王䶮𪚥𠀁" in text  # U+4DAE (Extension A), U+2A6A5 and U+20001 (Extension B), whole
    assert "生僻字𠮷和䶮" in squeeze(text)


def test_long_content_continues_on_the_next_page_and_loses_nothing(db, ctx):
    paragraph = "企业反映在办理不动产登记时被要求提供无法取得的证明材料，多次往返仍未办结。"
    content = (paragraph * 80)[:3000]
    number = _dispatched(db, ctx, content=content)
    with db.session() as s:
        rendered = slips_pdf(s, [number], ctx.clock.today())
    assert rendered.pages >= 2
    pages = [re.sub(rf"{number}第\d+页$", "", squeeze(page)) for page in pdf_text(rendered.pdf).split("\f")]
    first, rest = pages[0], pages[1:]
    # The signed page keeps every row; the letter starts there and goes on, in full, on the 续页.
    assert "主管领导签字：" in first and "回访负责人签字：" in first
    assert "下接续页" in first and "交办单续页" in rest[0]
    text = (
        first.split("（内容较长，下接续页）")[0].split("反映内容")[-1]
        + "".join(rest).split("反映内容（续）：")[-1]
    )
    assert squeeze(content) in text  # every one of the 3 000 characters, in order


def test_confidential_prints_neither_name_nor_phone(db, ctx):
    number = _dispatched(db, ctx, name="赵秘密", phone="13900001234", confidential=True)
    pdf = _slip(db, ctx, number)
    text = squeeze(pdf_text(pdf))
    assert "赵秘密" not in text and "13900001234" not in text and "1234" not in text.replace(number, "")
    _beside_labels(pdf, "保密")


def _beside_labels(pdf: bytes, word: str) -> None:
    """``word`` stands in the cells right of 反映人姓名 and of 反映人电话, on their line."""
    found = hits(pdf, word)
    assert len(found) == 2, found
    for label, (left, top) in zip(("反映人姓名", "反映人电话"), sorted(found), strict=True):
        label_left, label_top = hits(pdf, label)[0]
        assert left > label_left and abs(top - label_top) < 12, (label, found)


def test_anonymous_prints_anonymous(db, ctx):
    number = _dispatched(db, ctx, name="", phone="", anonymous=True)
    _beside_labels(_slip(db, ctx, number), "匿名")


def test_the_barcode_scans_as_the_number(db, ctx):
    number = _dispatched(db, ctx)
    assert barcodes(_slip(db, ctx, number)) == [number]


def test_several_slips_in_one_pdf_each_on_its_own_page(db, ctx):
    numbers = [_dispatched(db, ctx, name=f"张{i}") for i in range(3)]
    with db.session() as s:
        rendered = slips_pdf(s, numbers, ctx.clock.today())
    assert rendered.pages == 3
    pages = pdf_text(rendered.pdf).split("\f")
    for index, number in enumerate(numbers):
        assert number in pages[index] and f"张{index}" in pages[index]


def test_a_character_no_face_has_is_reported_and_marked(db, ctx):
    ext_h = "\U00031350"  # CJK Extension H (Unicode 15): in none of the bundled faces
    number = _dispatched(db, ctx, content=f"群众留言{ext_h}谢谢")
    with db.session() as s:
        rendered = slips_pdf(s, [number], ctx.clock.today())
    assert rendered.missing == {ext_h}
    assert f"群众留言{MISSING_MARK}谢谢" in squeeze(pdf_text(rendered.pdf))


def test_unknown_ticket_and_empty_choice_are_refused(db, ctx):
    with db.session() as s, pytest.raises(NotFound):
        slips_pdf(s, ["BBC-2026-9999"], ctx.clock.today())
    with db.session() as s, pytest.raises(ValidationError, match="请选择"):
        slips_pdf(s, [], ctx.clock.today())


def test_receipt_holds_number_deadline_and_window_contact(db, ctx):
    from bbc_desktop.core.settings import set_setting

    number = _dispatched(db, ctx, grade="blue", co_units=[])
    with db.session() as s:
        set_setting(s, "window_phone", "0372-5550123")
        s.commit()
    with db.session() as s:
        rendered = receipts_pdf(s, [number], ctx.clock.today())
    text = squeeze(pdf_text(rendered.pdf))
    for value in (
        "受理回执",
        number,
        "蓝牌（3个工作日内答复）",
        "2026年11月26日前",
        "0372-5550123",
        "区政务服务中心一楼大厅",
        "李明",
    ):
        assert value in text, value
    assert barcodes(rendered.pdf) == [number]
    assert all(f["emb"] == "yes" for f in pdf_fonts(rendered.pdf))


def test_no_line_begins_with_a_comma_colon_or_full_stop(db, ctx):
    content = "".join(f"第{i}次到窗口：材料齐全，仍被退回；要求说明理由。" for i in range(12))
    number = _dispatched(db, ctx, content=content, lead_unit="区市场监督管理局")
    lines = [line.strip() for line in pdf_text(_slip(db, ctx, number)).splitlines() if line.strip()]
    assert [line for line in lines if line[0] in "，、。；：？！）》」"] == []


def test_every_long_text_goes_on_a_continuation_page_and_loses_nothing(db, ctx):
    from bbc_desktop.core.validation import MAX_NOTE

    # Texts of distinct characters, so each can be counted back out of the PDF whole.
    content, note, result = "甲" * 3000, "乙" * MAX_NOTE, "丙" * MAX_NOTE
    number = _dispatched(db, ctx, content=content, dispatch_note=note)
    with db.session() as s:
        t.record_result(s, ctx, t.get_ticket(s, number), result, signer="王局长", phone="0372-1234567")
    with db.session() as s:
        rendered = slips_pdf(s, [number], ctx.clock.today())
    pages = stream_text(rendered.pdf).split("\f")
    first = squeeze(pages[0])
    for label in ("企业群众", "回复要求", "批转意见", "办理结果", "主管领导签字：王局长", "回访记录", "注："):
        assert label in first, label  # the signed page keeps every row
    text = squeeze("".join(pages))
    assert (text.count("甲"), text.count("乙"), text.count("丙")) == (3000, MAX_NOTE, MAX_NOTE)
    rest = squeeze("".join(pages[1:]))
    assert "企业群众反映内容（续）：" in rest and "批转意见（续）：" in rest and "办理结果（续）：" in rest
