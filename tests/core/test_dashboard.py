"""The dashboard's figures, each with the filter that lists exactly its tickets."""

from __future__ import annotations

from datetime import datetime

from bbc_desktop.core import tickets as t
from bbc_desktop.core.dashboard import WEEKS, dashboard
from bbc_desktop.core.demo import generate
from bbc_desktop.core.queries import filtered_ids


def test_every_figure_counts_what_its_filter_lists(db, ctx):
    generate(db, 400, ctx, seed=11)
    with db.session() as s:
        t.register(
            s, ctx, t.Intake(content="今天来的", name="张三", phone="13800000000", lead_unit="区教育局")
        )
    with db.session() as s:
        calendar, today = t.load_calendar(s), ctx.clock.today()
        board = dashboard(s, today, calendar)
        figures = [*board.today, *board.by_grade, *board.most_open, *board.most_overdue, *board.weekly]
        for figure in figures:
            listed = len(list(s.scalars(filtered_ids(s, figure.filter, today, calendar))))
            assert listed == figure.count, figure.label
        assert [f.label for f in board.today] == ["今日受理", "待办结", "今天到期", "已超期"]
        assert board.today[0].count >= 1 and board.today[3].count > 0  # the demo has overdue tickets
        assert sum(f.count for f in board.by_grade) == board.today[1].count  # open = red + yellow + blue
        assert [f.count for f in board.most_open] == sorted((f.count for f in board.most_open), reverse=True)
        assert len(board.weekly) == WEEKS and board.weekly[-1].filter.accepted_from.weekday() == 0


def test_an_empty_window_shows_zeros(db, ctx):
    with db.session() as s:
        board = dashboard(s, ctx.clock.today(), t.load_calendar(s))
    assert (
        [f.count for f in board.today] == [0, 0, 0, 0] and board.most_open == [] and board.most_overdue == []
    )
    assert datetime(2026, 11, 23).date() == ctx.clock.today()
