"""What the 整改情况报告 says, in order: title, numbered sections (text, tables, charts), signature.

One outline, laid out twice: as a PDF by ``printing.report`` and as a Word file by
``io.report_docx``, so that a heading, a table row or a sentence changes in one place only. Plain
data, no ReportLab: a chart is named by its kind and drawn by each renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bbc_desktop.core.report import SECTIONS, ReportFigures
from bbc_desktop.core.slips import chinese_date, chinese_numeral

__all__ = [
    "SECTIONS",
    "TO_BE_WRITTEN",
    "WEEKS_CHARTED",
    "Chart",
    "Outline",
    "Section",
    "Table",
    "Text",
    "draft_overview",
    "percent",
    "report_outline",
    "report_title",
]

TO_BE_WRITTEN = "（待填写）"
WEEKS_CHARTED = 26  # the trend is charted by week up to half a year, by month beyond


@dataclass(frozen=True)
class Text:
    text: str
    indent: bool = True  # a body paragraph (first line indented); else a plain line


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]  # the header row first
    shares: tuple[int, ...]  # relative column widths
    long: bool = False  # possibly thousands of rows of short values: laid out plainly, for speed


@dataclass(frozen=True)
class Chart:
    kind: Literal["grades", "trend", "units"]
    caption: str = ""  # a plain line kept with the chart, above it


Block = Text | Table | Chart


@dataclass(frozen=True)
class Section:
    heading: str  # numbered: "一、情况概述"
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Outline:
    title: str
    period: str
    sections: tuple[Section, ...]
    signature: tuple[str, ...]  # right-aligned at the end: the window, the date of issue


def report_title(district: str) -> str:
    return f"{district}“办不成事”反映窗口整改情况报告"


def percent(rate: float | None) -> str:
    return "无" if rate is None else f"{rate * 100:.1f}%"


def draft_overview(figures: ReportFigures) -> str:
    """A first draft of 情况概述 from the figures, for the specialist to edit."""
    start, end = date.fromisoformat(figures.start), date.fromisoformat(figures.end)
    period = f"{chinese_date(start)}至{chinese_date(end)}"
    if not figures.total:
        return f"{period}，窗口未受理企业群众反映“办不成事”事项。"
    grades = "、".join(f"{label}{count}件" for label, count in figures.by_grade.items() if count)
    text = f"{period}，窗口共受理企业群众反映“办不成事”事项{figures.total}件（{grades}）。"
    if figures.on_spot:
        text += f"当场解决{figures.on_spot}件，占{percent(figures.on_spot_rate)}；"
    text += f"承办单位已报送办理结果{figures.with_result}件"
    if figures.on_time_rate is not None:
        text += f"，按期办结率{percent(figures.on_time_rate)}"
    if figures.undated_with_result:
        text += f"（从旧台账导入、未定级的{figures.undated_with_result}件无办理期限，不计入按期办结率）"
    if figures.average_workdays_to_result is not None:
        text += f"，平均{figures.average_workdays_to_result}个工作日办结"
    if figures.late:
        text += f"。超期{len(figures.late)}件，其中尚未办结{sum(1 for x in figures.late if x.open)}件"
    else:
        text += "。无超期事项"
    if figures.escalations:
        text += f"；移交督办{len(figures.escalations)}件"
    visited = sum(figures.satisfaction.values())
    if visited:
        text += f"。回访{visited}件，满意及基本满意率{percent(figures.satisfied_rate)}。"
    else:
        text += "。本期尚无回访记录。"
    return text


def _paragraphs(value: str) -> list[Text]:
    return [Text(line) for line in value.splitlines() if line.strip()]


def _counts(header: str, counts: Mapping[str, int]) -> list[list[str]]:
    return [[header, "件数"]] + [[label, str(count)] for label, count in counts.items()]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _scores(figures: ReportFigures) -> tuple[Block, ...]:
    """The per-unit scores (考核) of the period, when the report has them."""
    if not figures.unit_scores:
        return ()
    rows = [["承办单位", "收件", "及时签收率", "按期办结率", "退单", "延期申请", "满意率", "得分"]]
    for s in figures.unit_scores:
        score = "—" if s["score"] is None else f"{s['score']:.1f}"
        rows.append(
            [
                s["unit"],
                str(s["received"]),
                _pct(s["ack_rate"]),
                _pct(s["on_time_rate"]),
                str(s["send_backs"]),
                str(s["extensions"]),
                _pct(s["satisfaction_rate"]),
                score,
            ]
        )
    return (
        Text(
            "承办单位考核（本期转办的交办单；得分按管理员设定的权重加权，满分 100，“—”为无可计算的工单）：",
            indent=False,
        ),
        Table(rows, (7, 2, 3, 3, 2, 2, 3, 2)),
    )


def report_outline(
    figures: ReportFigures, district: str, window: str, texts: Mapping[str, str], issued_on: date
) -> Outline:
    """The report's content; 情况概述 is drafted from the figures when the specialist left it empty."""
    start, end = date.fromisoformat(figures.start), date.fromisoformat(figures.end)
    overview = (texts.get("情况概述") or "").strip() or draft_overview(figures)
    grade_rows = [["牌色", "件数", "占比"]] + [
        [label, str(count), percent(count / figures.total if figures.total else None)]
        for label, count in figures.by_grade.items()
    ]
    trend = "每周受理件数：" if len(figures.weekly) <= WEEKS_CHARTED else "每月受理件数："
    unit_rows = [["承办单位", "转办件数", "已报结果", "超期"]] + [
        [u.unit, str(u.total), str(u.with_result), str(u.late)] for u in figures.by_unit
    ]
    if figures.late:
        late: Block = Table(
            [["受理编号", "承办单位", "牌色", "办理期限", "超期", "状态"]]
            + [
                [
                    x.number,
                    x.unit,
                    x.grade,
                    x.due_date,
                    f"{x.late_workdays}个工作日",
                    "未办结" if x.open else "已办结",
                ]
                for x in figures.late
            ],
            (5, 6, 2, 4, 3, 2),
            long=True,
        )
    else:
        late = Text("本期无超期事项。")
    if figures.escalations:
        escalations: Block = Table(
            [["受理编号", "承办单位", "移交", "日期"]]
            + [[e["number"], e["unit"], e["to"], e["at"]] for e in figures.escalations],
            (4, 5, 8, 3),
            long=True,
        )
    else:
        escalations = Text("本期无移交督办事项。")
    contents: list[tuple[str, tuple[Block, ...]]] = [
        ("情况概述", tuple(_paragraphs(overview))),
        (
            "分类统计",
            (
                Table(grade_rows, (3, 2, 2)),
                Chart("grades"),
                Table(_counts("受理事项范围", figures.by_category), (8, 2)),
                Table(_counts("案件来源", figures.by_source), (8, 2)),
                Chart("trend", trend),
            ),
        ),
        ("承办单位办理情况", (Table(unit_rows, (8, 3, 3, 2)), Chart("units"), *_scores(figures))),
        ("超期事项", (late,)),
        ("移交督办", (escalations,)),
        (
            "回访满意度",
            (
                Table(_counts("回访结果", figures.satisfaction), (6, 2)),
                Text(f"满意及基本满意率：{percent(figures.satisfied_rate)}", indent=False),
            ),
        ),
    ]
    for name in SECTIONS[1:]:
        written = _paragraphs((texts.get(name) or "").strip())
        contents.append((name, tuple(written or [Text(TO_BE_WRITTEN)])))
    return Outline(
        title=report_title(district),
        period=f"（{chinese_date(start)}至{chinese_date(end)}）",
        sections=tuple(
            Section(f"{chinese_numeral(index + 1)}、{name}", blocks)
            for index, (name, blocks) in enumerate(contents)
        ),
        signature=(window, chinese_date(issued_on)),
    )
