"""The figures of the 整改情况报告, checked against a small data set counted by hand."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bbc_desktop.core import tickets as t
from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.report import ReportFigures, report_figures


def _intake(s, ctx, accepted: datetime, **values):  # type: ignore[no-untyped-def]
    base = {"content": "窗口推诿", "name": "张三", "phone": "13800000000"}
    base.update(values)
    return t.register(s, ctx, t.Intake(accepted_at=accepted, **base))


@pytest.fixture
def figures(db, ctx):  # type: ignore[no-untyped-def]
    """Clock: Monday 2026-11-23 09:30. Period: November 2026."""
    with db.session() as s:
        a = _intake(s, ctx, datetime(2026, 11, 2, 9), grade="red", category="1", lead_unit="区教育局")
        b = _intake(
            s,
            ctx,
            datetime(2026, 11, 3, 9),
            grade="yellow",
            category="2",
            source="phone",
            lead_unit="区教育局",
            co_units=("区民政局",),
        )
        c = _intake(s, ctx, datetime(2026, 11, 5, 10), grade="blue")
        d = _intake(s, ctx, datetime(2026, 11, 9, 9), grade="blue", source="letter", lead_unit="区民政局")
        e = _intake(s, ctx, datetime(2026, 11, 10, 9), grade="blue")
        _intake(s, ctx, datetime(2026, 10, 30, 9), grade="blue")  # before the period
        s.flush()
        # A: result 11-10 (due 11-16: in time; 6 working days), replied, visited 满意.
        t.record_result(s, ctx, a, "已办结", at=datetime(2026, 11, 10, 16))
        t.reply(s, ctx, a, "phone", "已电话答复", at=datetime(2026, 11, 11, 9))
        t.visit(s, ctx, a, "satisfied", at=datetime(2026, 11, 12, 9))
        # B: result 11-12 (due 11-10: 2 working days late; 7 working days to result), visited 基本满意.
        t.record_result(s, ctx, b, "已办结", at=datetime(2026, 11, 12, 16))
        t.reply(s, ctx, b, "phone", "已电话答复", at=datetime(2026, 11, 13, 9))
        t.visit(s, ctx, b, "basically", at=datetime(2026, 11, 16, 9))
        # C: solved on the spot within twenty minutes.
        real = ctx.clock
        ctx.clock = FixedClock(datetime(2026, 11, 5, 10, 20))
        t.resolve_on_spot(s, ctx, c, "当场协调办结", reply_method="oral")
        ctx.clock = real
        # D: due 11-12, no result: 7 working days late today; escalated.
        t.escalate(s, ctx, d, "超期未办结")
        t.void(s, ctx, e, "重复登记")
    with db.session() as s:
        return report_figures(
            s, date(2026, 11, 1), date(2026, 11, 30), ctx.clock.today(), t.load_calendar(s)
        ), (a.number, b.number, c.number, d.number)


def test_counts_by_grade_category_source_and_unit(figures):
    report, _numbers = figures
    assert (report.total, report.voided) == (4, 1)
    assert report.by_grade == {"红牌": 1, "黄牌": 1, "蓝牌": 2}
    cats = report.by_category
    assert (
        cats["服务态度差、工作效率低、相互推诿扯皮"] == 1
        and cats["未及时受理、按时办结，或擅自截留、滞留申报材料"] == 1
    )
    assert cats["未分类"] == 2 and sum(cats.values()) == 4
    assert report.by_source == {"窗口来访": 2, "电话": 1, "来信": 1}
    assert [(u.unit, u.total, u.with_result, u.late) for u in report.by_unit] == [
        ("区教育局", 2, 2, 1),
        ("区民政局", 1, 0, 1),
        ("窗口尚未转办", 1, 1, 0),
    ]


def test_rates_lateness_escalations_satisfaction_and_weeks(figures):
    report, (_a, b, _c, d) = figures
    assert (report.on_spot, report.on_spot_rate) == (1, 0.25)
    assert (report.with_result, report.on_time) == (3, 2) and report.on_time_rate == pytest.approx(2 / 3)
    assert report.average_workdays_to_result == pytest.approx(4.3)  # (6 + 7 + 0) / 3
    assert [(x.number, x.late_workdays, x.open) for x in report.late] == [(d, 7, True), (b, 2, False)]
    assert [(e["number"], e["unit"]) for e in report.escalations] == [(d, "区民政局")]
    assert report.satisfaction == {"满意": 1, "基本满意": 1, "不满意": 0} and report.satisfied_rate == 1.0
    assert report.weekly == [
        ("2026-10-26", 0),
        ("2026-11-02", 3),
        ("2026-11-09", 1),
        ("2026-11-16", 0),
        ("2026-11-23", 0),
        ("2026-11-30", 0),
    ]


def test_figures_survive_a_json_round_trip_unchanged(figures):
    report, _numbers = figures
    again = ReportFigures.from_dict(json.loads(json.dumps(report.as_dict())))
    assert again == report and again.on_time_rate == report.on_time_rate


def test_an_empty_period_has_no_rates_rather_than_zero(db, ctx):
    with db.session() as s:
        report = report_figures(s, date(2030, 1, 1), date(2030, 1, 31), ctx.clock.today(), t.load_calendar(s))
    assert report.total == 0 and report.on_spot_rate is None and report.on_time_rate is None
    assert report.average_workdays_to_result is None and report.satisfied_rate is None
    with db.session() as s, pytest.raises(ValidationError, match="起始日不能晚于截止日"):
        report_figures(s, date(2030, 2, 1), date(2030, 1, 1), ctx.clock.today(), t.load_calendar(s))


def test_report_pdf_drafts_the_overview_and_lists_the_figures(figures):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
    from pdf_tools import pdf_fonts, squeeze, stream_text

    from bbc_desktop.printing.report import draft_overview, render_report

    report, (_a, b, _c, d) = figures
    overview = draft_overview(report)
    assert overview.startswith(
        "2026年11月1日至2026年11月30日，窗口共受理企业群众反映“办不成事”事项4件（红牌1件、黄牌1件、蓝牌2件）"
    )
    assert (
        "当场解决1件，占25.0%" in overview
        and "按期办结率66.7%" in overview
        and "平均4.3个工作日办结" in overview
    )
    pdf = render_report(
        report, "北关区", "北关区“办不成事”反映窗口", {"存在问题": "个别单位答复不及时。"}, date(2026, 12, 1)
    )
    text = squeeze(stream_text(pdf))
    assert "北关区“办不成事”反映窗口整改情况报告" in text and squeeze(overview) in text
    for heading in (
        "一、情况概述",
        "二、分类统计",
        "三、承办单位办理情况",
        "四、超期事项",
        "五、移交督办",
        "六、回访满意度",
        "七、存在问题",
        "八、整改措施",
    ):
        assert heading in text, heading
    assert "个别单位答复不及时。" in text and "（待填写）" in text  # 整改措施 left for the specialist
    assert b in text and d in text and "7个工作日" in text
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts  # the charts' fonts too


def test_a_long_period_is_charted_by_month():
    from bbc_desktop.printing.report import _trend

    weeks = [("2026-01-05", 1), ("2026-01-12", 2), ("2026-02-02", 4)] + [
        (f"2026-03-{d:02d}", 1) for d in range(1, 29)
    ]
    assert _trend(weeks[:3]) == [("01-05", 1), ("01-12", 2), ("02-02", 4)]
    assert _trend(weeks) == [("2026-01", 3), ("2026-02", 4), ("2026-03", 28)]
