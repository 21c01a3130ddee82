"""Per-unit scores checked against a small data set counted by hand (the counts in the comments)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from bbc_desktop.cli import main as bbc
from bbc_desktop.core import tickets as t
from bbc_desktop.core import unit_side as u
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.scores import format_weights, parse_weights, unit_scores
from bbc_desktop.core.settings import DEFAULTS, get_setting, save_settings


def _ticket(s, ctx, clock, when: datetime, grade: str, unit: str, name: str) -> str:  # type: ignore[no-untyped-def]
    clock.set(when)
    return t.register(
        s,
        ctx,
        t.Intake(content=f"{name}反映的事项", name=name, phone="13812345678", grade=grade, lead_unit=unit),
    ).number


@pytest.fixture
def hand_counted(db, ctx, clock):  # type: ignore[no-untyped-def]
    """November 2026. 区税务局 (A) gets t1, t2, t3; t3 is sent back and goes to 柏庄镇 (B)."""
    A, B = "区税务局", "柏庄镇"
    with db.session() as s:
        t1 = _ticket(s, ctx, clock, datetime(2026, 11, 2, 9, 0), "blue", A, "甲")  # due Thu 11-05
        t2 = _ticket(s, ctx, clock, datetime(2026, 11, 2, 9, 10), "blue", A, "乙")  # due Thu 11-05
        t3 = _ticket(s, ctx, clock, datetime(2026, 11, 2, 9, 20), "yellow", A, "丙")  # due Mon 11-09
    steps = [
        (datetime(2026, 11, 2, 15, 0), lambda s: u.acknowledge(s, ctx, t1, "张", "phone")),  # A: in time
        (datetime(2026, 11, 2, 16, 0), lambda s: u.acknowledge(s, ctx, t3, "张", "phone")),  # A: in time, too
        (
            datetime(2026, 11, 3, 9, 0),
            lambda s: u.send_back(s, ctx, t3, "territory", "属柏庄镇"),
        ),  # A: 1 send-back
        (
            datetime(2026, 11, 3, 10, 0),
            lambda s: u.rule_send_back(s, ctx, t3, unit=B),
        ),  # B receives; due 11-10
        (
            datetime(2026, 11, 4, 9, 0),
            lambda s: u.request_extension(s, ctx, t3, 2, "需踏勘"),
        ),  # B: 1 extension
        (datetime(2026, 11, 4, 11, 0), lambda s: u.decide_extension(s, ctx, t3, False, "期限内可办结")),
        (datetime(2026, 11, 4, 16, 0), lambda s: t.record_result(s, ctx, t1, "已办", "刘", "0372-1234567")),
        (datetime(2026, 11, 4, 17, 0), lambda s: t.reply(s, ctx, t1, "phone", "已电话答复")),
        (
            datetime(2026, 11, 5, 10, 0),
            lambda s: u.acknowledge(s, ctx, t2, "王", "scan"),
        ),  # A: late (after 11-03)
        (datetime(2026, 11, 6, 10, 0), lambda s: t.visit(s, ctx, t1, "satisfied", "满意", "李")),
        (
            datetime(2026, 11, 9, 10, 0),
            lambda s: t.record_result(s, ctx, t2, "已办", "刘", "0372-1234567"),
        ),  # late
        (datetime(2026, 11, 9, 11, 0), lambda s: t.reply(s, ctx, t2, "phone", "已电话答复")),
        (datetime(2026, 11, 10, 10, 0), lambda s: t.visit(s, ctx, t2, "basically", "基本满意", "李")),
    ]
    for when, step in steps:
        clock.set(when)
        with db.session() as s:
            step(s)
    with db.session() as s:
        clock.set(datetime(2026, 11, 12, 9, 0))
        t4 = t.register(s, ctx, t.Intake(content="甲又来反映", name="甲", phone="13812345678"))
        t.link(s, ctx, t4, t1)  # A: t1 repeated
    clock.set(datetime(2026, 11, 20, 9, 0))  # t3 at B: past its due date 11-10, no result
    return A, B


def test_scores_match_the_hand_count(db, clock, hand_counted):
    A, B = hand_counted
    with db.session() as s:
        scores = {
            x.unit: x
            for x in unit_scores(s, date(2026, 11, 1), date(2026, 11, 30), clock.today(), t.load_calendar(s))
        }
    a, b = scores[A], scores[B]
    assert (a.received, a.acknowledged, a.kept, a.on_time, a.overdue) == (3, 2, 2, 1, 1)
    assert (a.finished, a.replies, a.visited, a.satisfied, a.repeats) == (2, 2, 2, 2, 1)
    assert (a.send_backs, a.extensions) == (1, 0)
    # 10·2/3 + 35·1/2 + 10·1 + 25·1 + 10·2/3 + 5·1/2 + 5·1 = 73.3 (of 100)
    assert a.score == 73.3
    assert (b.received, b.acknowledged, b.kept, b.on_time, b.overdue, b.send_backs, b.extensions) == (
        1,
        0,
        1,
        0,
        1,
        0,
        1,
    )
    # Reply and satisfaction have nothing to count: (10·0 + 35·0 + 10·1 + 5·1 + 5·0) / 65 = 23.1
    assert b.score == 23.1
    assert list(scores) == [A, B]  # best first


def test_weights_are_the_administrators(db, ctx, clock, hand_counted):
    A, _B = hand_counted
    with db.session() as s:
        save_settings(
            s,
            ctx,
            {
                "score_weights": "按期办结率=100，及时签收率=0，答复率=0，满意率=0，未退单率=0，无重复反映率=0，未延期率=0"
            },
        )
    with db.session() as s:
        assert get_setting(s, "score_weights").startswith("及时签收率=0，按期办结率=100")
        scores = unit_scores(s, date(2026, 11, 1), date(2026, 11, 30), clock.today(), t.load_calendar(s))
    assert {x.unit: x.score for x in scores}[A] == 50.0  # on time 1 of 2
    for bad, said in (("按期=10", "无法识别"), ("按期办结率=多", "不是数字"), ("满意率=120", "0 到 100")):
        with pytest.raises(ValidationError, match=said):
            parse_weights(bad)
    assert format_weights(parse_weights("")) == DEFAULTS["score_weights"]


def test_the_command_line_prints_json_and_writes_a_workbook(
    db, clock, hand_counted, monkeypatch, capsys, tmp_path
):
    A, B = hand_counted
    monkeypatch.setenv("BBC_DB", db.target)
    monkeypatch.setenv("BBC_NOW", "2026-11-20T09:00")
    assert bbc(["scores", "--from", "2026-11-01", "--to", "2026-11-30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["unit"] for d in data] == [A, B]
    first = data[0]
    assert (first["received"], first["on_time_rate"], first["send_backs"], first["extensions"], first["score"]) == (
        3, 50.0, 1, 0, 73.3,
    )  # fmt: skip
    target = tmp_path / "考核.xlsx"
    assert bbc(["scores", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(target)]) == 0
    sheet = load_workbook(target).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=5)]
    assert rows[0][:3] == [A, 3, 2] and rows[0][-1] == 73.3
    assert rows[1][0] == B and rows[1][10] == "—"  # nothing to reply on: not a zero
    assert bbc(["scores", "--from", "2026-11-30", "--to", "2026-11-01"]) == 1
    assert "起始日不能晚于截止日" in capsys.readouterr().err


def test_the_rectification_report_includes_the_scores(db, clock, hand_counted):
    from bbc_desktop.core.report import ReportFigures, report_figures
    from bbc_desktop.printing.report_outline import Table, report_outline

    A, _B = hand_counted
    with db.session() as s:
        figures = report_figures(s, date(2026, 11, 1), date(2026, 11, 30), clock.today(), t.load_calendar(s))
    assert [x["unit"] for x in figures.unit_scores][:1] == [A]
    again = ReportFigures.from_dict(figures.as_dict())  # stored as JSON with an issued report
    outline = report_outline(again, "北关区", "北关区“办不成事”反映窗口", {}, date(2026, 12, 1))
    units = next(x for x in outline.sections if x.heading.endswith("承办单位办理情况"))
    table = next(b for b in units.blocks if isinstance(b, Table) and b.rows[0][-1] == "得分")
    assert table.rows[1] == [A, "3", "66.7%", "50.0%", "1", "0", "100.0%", "73.3"]
    old = figures.as_dict()
    del old["unit_scores"]  # a report issued before scores existed still opens, without the table
    outline = report_outline(ReportFigures.from_dict(old), "北关区", "窗口", {}, date(2026, 12, 1))
    units = next(x for x in outline.sections if x.heading.endswith("承办单位办理情况"))
    assert not [b for b in units.blocks if isinstance(b, Table) and b.rows[0][-1] == "得分"]
