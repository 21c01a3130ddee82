"""The 通报: which tickets went past their deadline in a period, by how many working days, per unit."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from bbc_desktop.core import tickets as t
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.notice import late_by_unit
from bbc_desktop.printing.notice import render_notice

sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
from pdf_tools import pdf_fonts, squeeze, stream_text


def _ticket(s, ctx, unit: str | None, accepted: datetime, grade: str = "blue"):  # type: ignore[no-untyped-def]
    return t.register(
        s,
        ctx,
        t.Intake(
            content=f"{unit}的事",
            name="张三",
            phone="13800000000",
            grade=grade,
            lead_unit=unit,
            accepted_at=accepted,
        ),
    )


@pytest.fixture
def period(db, ctx):  # type: ignore[no-untyped-def]
    """Clock: Monday 2026-11-23. Blue = 3 working days."""
    with db.session() as s:
        open_late = _ticket(s, ctx, "区教育局", datetime(2026, 11, 2, 9))  # due Thu 11-05, no result
        _ticket(s, ctx, "区教育局", datetime(2026, 11, 9, 9))  # due Thu 11-12, no result
        late_answer = _ticket(s, ctx, "区民政局", datetime(2026, 11, 2, 9))  # due 11-05
        in_time = _ticket(s, ctx, "区民政局", datetime(2026, 11, 16, 9))  # due 11-19
        _ticket(s, ctx, "区人社局", datetime(2026, 9, 1, 9))  # due 09-04: outside the period
        _ticket(s, ctx, "区人社局", datetime(2026, 11, 19, 9))  # due Tue 11-24: not late yet
        s.flush()
        ctx.clock.now = lambda: datetime(2026, 11, 10, 15)  # the answer came on Tuesday 11-10
        t.record_result(s, ctx, late_answer, "已办结")
        ctx.clock.now = lambda: datetime(2026, 11, 18, 15)
        t.record_result(s, ctx, in_time, "已办结")
        return open_late.number, late_answer.number


def test_late_tickets_per_unit_with_working_days(db, ctx, period):
    open_late, late_answer = period
    with db.session() as s:
        units = late_by_unit(s, date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 23), t.load_calendar(s))
    assert [(u.unit, len(u.tickets), u.still_open) for u in units] == [("区教育局", 2, 2), ("区民政局", 1, 0)]
    education = units[0].tickets
    assert education[0].number == open_late and education[0].late_workdays == 12  # 11-06 .. 11-23
    assert education[0].finished_at is None and education[1].late_workdays == 7  # 11-13 .. 11-23
    answered = units[1].tickets[0]
    assert answered.number == late_answer and answered.late_workdays == 3  # Fri 11-06, Mon 9, Tue 10
    with db.session() as s, pytest.raises(ValidationError, match="起始日不能晚于截止日"):
        late_by_unit(s, date(2026, 12, 1), date(2026, 11, 1), date(2026, 11, 23), t.load_calendar(s))


def test_notice_pdf_names_units_tickets_and_days(db, ctx, period):
    open_late, late_answer = period
    with db.session() as s:
        units = late_by_unit(s, date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 23), t.load_calendar(s))
    pdf = render_notice(
        units, "北关区", "北关区“办不成事”反映窗口", date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 23)
    )
    text = squeeze(stream_text(pdf))
    assert "北关区“办不成事”反映窗口超期办理情况通报" in text and "报送：区委区政府督查局、区纪委监委" in text
    assert "超期办理3件，涉及承办单位2个；其中至2026年11月23日仍未办结2件" in text
    assert "一、区教育局：超期2件（未办结2件）" in text and "二、区民政局：超期1件" in text
    assert open_late in text and "12个工作日" in text and late_answer in text and "3个工作日" in text
    assert (
        text.index("区教育局：") < text.index(open_late) < text.index("区民政局：") < text.index(late_answer)
    )
    assert all(f["emb"] == "yes" for f in pdf_fonts(pdf))
    empty = squeeze(
        stream_text(
            render_notice([], "北关区", "窗口", date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1))
        )
    )
    assert "均已按期办结，无超期情况" in empty


@pytest.mark.parametrize(
    ("status", "result_at", "expected"),
    [
        ("dispatched", None, 12),  # still open: counted to Monday 11-23
        ("dispatched", datetime(2026, 11, 5, 17), None),  # answered on the due day
        ("result_received", datetime(2026, 11, 10, 9), 3),  # answered Tuesday: Fri, Mon, Tue
        ("result_received", datetime(2026, 11, 7, 9), 1),  # Saturday: Friday 11-06 counts
        ("closed", None, None),  # finished without a result (e.g. explained): not late
    ],
)
def test_lateness_is_one_rule(status, result_at, expected):
    from bbc_desktop.core.calendar import WorkCalendar
    from bbc_desktop.core.tickets import lateness

    assert lateness(status, date(2026, 11, 5), result_at, date(2026, 11, 23), WorkCalendar()) == expected
    # Due on a Friday, answered on the Saturday: late, but not by a whole working day.
    assert (
        lateness(
            "result_received", date(2026, 11, 6), datetime(2026, 11, 7, 9), date(2026, 11, 23), WorkCalendar()
        )
        == 0
    )


def test_section_numbers_of_long_papers():
    from bbc_desktop.core.slips import chinese_numeral

    assert [chinese_numeral(n) for n in (1, 10, 11, 19, 20, 21, 35, 99, 100)] == [
        "一",
        "十",
        "十一",
        "十九",
        "二十",
        "二十一",
        "三十五",
        "九十九",
        "100",
    ]
