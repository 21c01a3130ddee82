"""The administrator's holiday schedule: CSV parsing, precedence, and deadlines that follow it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bbc_desktop.core import tickets as t
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.holidays import list_days, parse_csv, read_csv_file, save_days


def test_parse_accepts_chinese_kinds_and_names_every_bad_line():
    days = parse_csv("date,kind,name\n2027-01-01,休,元旦\n2027-02-07,班,春节调休\n\n")
    assert days == [(date(2027, 1, 1), False, "元旦"), (date(2027, 2, 7), True, "春节调休")]
    with pytest.raises(ValidationError) as caught:
        parse_csv("date,kind,name\n2027-13-01,holiday,x\n2027-01-02,maybe,y\n2027-01-03,holiday,ok\n")
    assert "第2行" in caught.value.message and "第3行" in caught.value.message
    with pytest.raises(ValidationError, match="表头"):
        parse_csv("2027-01-01,holiday,元旦\n")


def test_gbk_file_from_excel(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes("date,kind,name\n2027-10-01,holiday,国庆节\n".encode("gbk"))
    assert read_csv_file(path) == [(date(2027, 10, 1), False, "国庆节")]


def test_entering_a_schedule_makes_open_deadlines_definite(db, ctx, clock):
    clock.set(datetime(2026, 12, 28, 10, 0))
    with db.session() as s:
        ticket = t.register(s, ctx, t.Intake(content="x", name="张三", phone="13800000000", grade="red"))
        number = ticket.number
        assert ticket.due_provisional is True
        assert ticket.due_date == date(2027, 1, 12)
    with db.session() as s:
        save_days(s, ctx, [(date(2027, 1, 1), False, "元旦"), (date(2027, 1, 4), False, "测试假日")])
    with db.session() as s:
        ticket = t.get_ticket(s, number)
        assert ticket.due_provisional is False
        assert ticket.due_date == date(2027, 1, 13)  # 2027-01-04 is now a holiday
        assert ticket.events[-1].kind == "deadline_recomputed"
        assert [d.name for d in list_days(s, 2027)] == ["元旦", "测试假日"]


def test_override_beats_the_built_in_calendar(db, ctx):
    with db.session() as s:
        # make the covered working day 2026-11-24 a holiday
        save_days(s, ctx, [(date(2026, 11, 24), False, "临时假日")])
        ticket = t.register(s, ctx, t.Intake(content="x", name="张三", phone="13800000000", grade="blue"))
        assert ticket.due_date == date(2026, 11, 27)
