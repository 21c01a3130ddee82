"""Issued 整改情况报告, archived unchanged (DESIGN.md: "Once issued it is archived unchanged").

Issuing stores the PDF exactly as made, its SHA-256, the figures it was made from
(``ReportFigures.as_dict``) and the specialist's texts. Issuing the same period again adds a new
version; nothing here updates or deletes a row. :func:`check_intact` recomputes the hash, so a
stored PDF altered behind the program's back is noticed when it is opened.

The specialist's unfinished texts (the draft) are kept in the settings table, so that closing the
window or a crash loses nothing typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import orjson
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bbc_desktop.core.accounts import account_for
from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import Conflict, ValidationError
from bbc_desktop.core.permissions import Permission, require
from bbc_desktop.core.report import SECTIONS, ReportFigures
from bbc_desktop.core.settings import get_setting, set_setting
from bbc_desktop.core.tickets import add_event
from bbc_desktop.db.models import IssuedReport
from bbc_desktop.db.transactions import ensure_begun

__all__ = [
    "DRAFT_KEY",
    "IssuedSummary",
    "archive_report",
    "check_intact",
    "get_issued",
    "issued_reports",
    "load_draft",
    "save_draft",
]

DRAFT_KEY = "internal.report_draft"


@dataclass(frozen=True)
class IssuedSummary:
    id: int
    start: date
    end: date
    version: int
    issued_at: datetime
    issued_by: str
    title: str
    sha256: str
    intact: bool

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}　第{self.version}版"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_report(
    session: Session,
    ctx: Context,
    figures: ReportFigures,
    texts: dict[str, str],
    pdf: bytes,
    title: str,
) -> IssuedReport:
    """签发: store the report as made; the next version number of its period."""
    require(session, ctx, Permission.ISSUE_REPORT)
    start, end = date.fromisoformat(figures.start), date.fromisoformat(figures.end)
    if not pdf.startswith(b"%PDF"):
        raise ValidationError("报告文件无效，未签发")
    latest = session.scalar(
        select(func.max(IssuedReport.version)).where(IssuedReport.start == start, IssuedReport.end == end)
    )
    now = ctx.clock.now().replace(microsecond=0)
    issued = IssuedReport(
        start=start,
        end=end,
        version=(latest or 0) + 1,
        issued_at=now,
        issued_by=account_for(session, ctx.operator, now),
        title=title,
        texts={name: texts.get(name, "") for name in SECTIONS},
        figures=figures.as_dict(),
        pdf=pdf,
        sha256=sha256(pdf),
    )
    ensure_begun(session.connection())  # so that the savepoint below is nested, not the transaction
    try:
        with session.begin_nested():  # only this insert is undone if another counter was quicker
            session.add(issued)
            session.flush()
    except IntegrityError:
        raise Conflict("同一报告期的报告刚刚由他人签发了新版本，请重新签发（将成为下一版）") from None
    add_event(
        session,
        ctx,
        None,
        "report_issued",
        after={
            "report": issued.id,
            "start": start,
            "end": end,
            "version": issued.version,
            "sha256": issued.sha256,
        },
        note=f"签发整改情况报告（{start.isoformat()} 至 {end.isoformat()}，第{issued.version}版）",
    )
    return issued


def check_intact(report: IssuedReport) -> bool:
    return sha256(report.pdf) == report.sha256


def issued_reports(session: Session) -> list[IssuedSummary]:
    """Every issued report, the newest first, each with its hash checked again."""
    query = select(IssuedReport).order_by(IssuedReport.issued_at.desc(), IssuedReport.id.desc())
    return [
        IssuedSummary(
            id=report.id,
            start=report.start,
            end=report.end,
            version=report.version,
            issued_at=report.issued_at,
            issued_by=(report.issued_by.display_name or report.issued_by.username)
            if report.issued_by
            else "",
            title=report.title,
            sha256=report.sha256,
            intact=check_intact(report),
        )
        for report in session.scalars(query)
    ]


def get_issued(session: Session, report_id: int) -> IssuedReport:
    report = session.get(IssuedReport, report_id)
    if report is None:
        raise ValidationError(f"没有编号为 {report_id} 的已签发报告")
    return report


def load_draft(session: Session) -> dict[str, str]:
    """The specialist's unfinished texts and period: keys 情况概述/存在问题/整改措施, start, end."""
    text = get_setting(session, DRAFT_KEY)
    if not text:
        return {}
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def save_draft(session: Session, ctx: Context, draft: dict[str, str]) -> None:
    require(session, ctx, Permission.REPORTS)
    set_setting(session, DRAFT_KEY, orjson.dumps(draft).decode())
