"""签发: an issued 整改情况报告 is archived unchanged, in versions, whatever happens to the tickets."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pdf_tools import squeeze, stream_text
from sqlalchemy import select, update

from bbc_desktop.core import tickets as t
from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.report import ReportFigures
from bbc_desktop.core.report_archive import (
    check_intact,
    get_issued,
    issued_reports,
    load_draft,
    save_draft,
    sha256,
)
from bbc_desktop.db.models import Event, IssuedReport
from bbc_desktop.printing.documents import issue_report, report_pdf

START, END = date(2026, 11, 1), date(2026, 11, 30)
TEXTS = {"情况概述": "", "存在问题": "个别单位答复迟缓。", "整改措施": "建立周通报制度。"}


def _intake(s, ctx, day: int, **values):  # type: ignore[no-untyped-def]
    base = {"content": "窗口推诿", "name": "张三", "phone": "13800000000", "grade": "blue"}
    base.update(values)
    return t.register(s, ctx, t.Intake(accepted_at=datetime(2026, 11, day, 9), **base))


def test_issued_report_stays_as_issued_after_the_data_changes(db, ctx):
    with db.session() as s:
        _intake(s, ctx, 2, lead_unit="区教育局")
        _intake(s, ctx, 3, grade="red")
    with db.session() as s:
        first = issue_report(s, ctx, START, END, TEXTS)
        first_id, first_pdf = first.id, bytes(first.pdf)
    assert first.version == 1 and first.sha256 == sha256(first_pdf)
    assert "建立周通报制度。" in squeeze(stream_text(first_pdf))
    # The data change: one more ticket, one voided.
    with db.session() as s:
        _intake(s, ctx, 4)
        t.void(s, ctx, t.get_ticket(s, "BBC-2026-0002"), "重复登记")
    with db.session() as s:
        second = issue_report(s, ctx, START, END, {**TEXTS, "整改措施": "第二稿"})
        assert second.version == 2 and second.id != first_id
    with db.session() as s:
        again = get_issued(s, first_id)
        assert bytes(again.pdf) == first_pdf and check_intact(again)
        figures = ReportFigures.from_dict(again.figures)
        assert (figures.total, figures.voided) == (2, 0)  # as it was when issued
        assert again.texts["整改措施"] == "建立周通报制度。"
        now = ReportFigures.from_dict(get_issued(s, second.id).figures)
        assert (now.total, now.voided) == (2, 1)
        # The live report of the period has moved on; the archive has not.
        assert report_pdf(s, START, END, ctx.clock.today(), TEXTS)[0] != first_pdf
        listed = issued_reports(s)
        assert [(r.version, r.intact) for r in listed] == [(2, True), (1, True)]
        assert listed[1].issued_by == "王芳"
        kinds = s.scalars(select(Event.note).where(Event.kind == "report_issued")).all()
        assert kinds == [
            "签发整改情况报告（2026-11-01 至 2026-11-30，第1版）",
            "签发整改情况报告（2026-11-01 至 2026-11-30，第2版）",
        ]


def test_an_archived_pdf_altered_behind_the_program_is_noticed(db, ctx):
    with db.session() as s:
        _intake(s, ctx, 2)
    with db.session() as s:
        report_id = issue_report(s, ctx, START, END, TEXTS).id
    with db.session() as s:
        s.execute(update(IssuedReport).where(IssuedReport.id == report_id).values(pdf=b"%PDF-1.4 forged"))
    with db.session() as s:
        assert not check_intact(get_issued(s, report_id))
        assert [r.intact for r in issued_reports(s)] == [False]


def test_an_empty_period_is_not_issued_and_leaves_nothing(db, ctx):
    with db.session() as s, pytest.raises(ValidationError, match="不能签发空报告"):
        issue_report(s, ctx, START, END, TEXTS)
    with db.session() as s:
        assert issued_reports(s) == []


def test_the_draft_survives_and_bad_stored_text_is_ignored(db):
    with db.session() as s:
        assert load_draft(s) == {}
        save_draft(s, Context(), {"存在问题": "<b>问题</b> & =SUM(A1)", "start": "2026-11-01"})
    with db.session() as s:
        assert load_draft(s) == {"存在问题": "<b>问题</b> & =SUM(A1)", "start": "2026-11-01"}
        from bbc_desktop.core.settings import set_setting

        set_setting(s, "internal.report_draft", "{not json")
    with db.session() as s:
        assert load_draft(s) == {}
