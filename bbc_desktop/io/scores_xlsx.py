"""The per-unit scores (考核) as an .xlsx workbook: one row per unit, the counts and rates, the score,
and the weights they were made with (XlsxWriter, as the ledger)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from bbc_desktop.core.scores import TERMS, UnitScore, format_weights

__all__ = ["HEADERS", "scores_xlsx"]

HEADERS = (
    "承办单位", "收件", "及时签收", "及时签收率", "按期办结", "超期", "按期办结率", "退单", "延期申请",
    "答复", "答复率", "回访", "满意率", "重复反映", "综合得分",
)  # fmt: skip


def _pct(value: float | None) -> float | str:
    return "—" if value is None else value


def scores_xlsx(
    scores: Sequence[UnitScore], start: date, end: date, weights: dict[str, float], title: str
) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("承办单位考核")
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format(
        {"bold": True, "bg_color": "#F3E8E8", "border": 1, "text_wrap": True, "align": "center"}
    )
    cell = book.add_format({"border": 1})
    pct = book.add_format({"border": 1, "num_format": "0.0%"})
    score_format = book.add_format({"border": 1, "num_format": "0.0", "bold": True})
    sheet.write(0, 0, f"{title}（{start.isoformat()} 至 {end.isoformat()}）", bold)
    for column, header in enumerate(HEADERS):
        sheet.write(2, column, header, head)
    for row, s in enumerate(scores, start=3):
        values = (
            (s.unit, cell), (s.received, cell), (s.acknowledged, cell), (_pct(s.rates["ack"]), pct),
            (s.on_time, cell), (s.overdue, cell), (_pct(s.rates["on_time"]), pct), (s.send_backs, cell),
            (s.extensions, cell), (s.replies, cell), (_pct(s.rates["reply"]), pct), (s.visited, cell),
            (_pct(s.rates["satisfaction"]), pct), (s.repeats, cell),
            ("—" if s.score is None else s.score, score_format),
        )  # fmt: skip
        for column, (value, style) in enumerate(values):
            sheet.write(row, column, value, style)
    note = 3 + len(scores) + 1
    sheet.write(note, 0, "考核权重：" + format_weights(weights))
    sheet.write(
        note + 1,
        0,
        "说明：收件为期间内作为承办单位收到的交办单；及时签收为转办后一个工作日内签收；按期办结率按已办结和已超期的"
        "工单计算；满意率含基本满意；“—”为无可计算的工单，不计入得分。指标："
        + "、".join(label for _, label, _ in TERMS),
    )
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, len(HEADERS) - 1, 9)
    sheet.freeze_panes(3, 1)
    book.close()
    return buffer.getvalue()
