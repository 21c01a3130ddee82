"""The printed papers of tickets, from the database to PDF bytes: what the CLI and the window call.

Takes tickets by number (the CLI) or by id (the window), reads them in the caller's session, and
renders with the fonts the administrator chose (settings ``print_font_text`` / ``print_font_title``,
empty for the bundled ones). Confidential values are already masked by ``core.slips``. The
整改情况报告 is also made as a Word file (``report_docx``), from the same figures and settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import NotFound, ValidationError
from bbc_desktop.core.settings import all_settings
from bbc_desktop.core.slips import receipt_data, record_printed, slip_data
from bbc_desktop.core.tickets import get_ticket
from bbc_desktop.db.models import IssuedReport, Ticket
from bbc_desktop.printing.slip import Rendered, render_receipts, render_slips

if TYPE_CHECKING:
    from bbc_desktop.core.report import ReportFigures

__all__ = [
    "PAPERS",
    "issue_report",
    "mark_printed",
    "notice_pdf",
    "receipts_pdf",
    "report_docx",
    "report_pdf",
    "slips_pdf",
    "urge_pdf",
    "write_file",
]

PAPERS = {"slip": "交办单", "receipt": "受理回执"}


def _tickets(session: Session, refs: Sequence[str | int]) -> list[Ticket]:
    if not refs:
        raise ValidationError("请选择要打印的工单")
    tickets = []
    for ref in refs:
        if isinstance(ref, int):
            ticket = session.get(Ticket, ref)
            if ticket is None:
                raise NotFound("该工单已不存在")
        else:
            ticket = get_ticket(session, ref)
        tickets.append(ticket)
    return tickets


def slips_pdf(session: Session, refs: Sequence[str | int], today: date) -> Rendered:
    """The 交办单 of each ticket, in the order given, one PDF."""
    settings = all_settings(session)
    data = [slip_data(session, ticket, today) for ticket in _tickets(session, refs)]
    return render_slips(data, settings["print_font_text"], settings["print_font_title"])


def receipts_pdf(session: Session, refs: Sequence[str | int], today: date) -> Rendered:
    """The reporter's 受理回执 of each ticket, one PDF."""
    settings = all_settings(session)
    data = [receipt_data(session, ticket, today) for ticket in _tickets(session, refs)]
    return render_receipts(data, settings["print_font_text"], settings["print_font_title"])


def mark_printed(session: Session, ctx: Context, refs: Sequence[str | int], paper: str, how: str) -> None:
    """Record in each ticket's history that its ``paper`` ("slip" / "receipt") was printed or saved."""
    record_printed(session, ctx, _tickets(session, refs), PAPERS[paper], how)


def urge_pdf(session: Session, ctx: Context, numbers: Sequence[str], kind: str = "manual") -> bytes:
    """催办 each ticket (recorded in its history and counted for its unit) and make the 催办通知书,
    one page each. One unit of work: if the paper cannot be made, nothing is recorded."""
    from bbc_desktop.core.unit_side import urge_letter
    from bbc_desktop.printing.urge import render_urges

    if not numbers:
        raise ValidationError("请指定要催办的工单")
    letters = [urge_letter(session, ctx, get_ticket(session, number), kind) for number in numbers]
    settings = all_settings(session)
    return render_urges(
        letters,
        settings["district"],
        settings["district"] + settings["window_name"],
        settings["window_phone"],
        ctx.clock.today(),
        settings["print_font_text"],
        settings["print_font_title"],
    )


def notice_pdf(session: Session, start: date, end: date, today: date) -> tuple[bytes, int, int]:
    """The 超期通报 of due dates ``start``..``end``: the PDF, the late tickets and the units concerned."""
    from bbc_desktop.core.notice import late_by_unit
    from bbc_desktop.core.tickets import load_calendar
    from bbc_desktop.printing.notice import render_notice

    units = late_by_unit(session, start, end, today, load_calendar(session))
    settings = all_settings(session)
    window = settings["district"] + settings["window_name"]
    pdf = render_notice(
        units,
        settings["district"],
        window,
        start,
        end,
        today,
        settings["print_font_text"],
        settings["print_font_title"],
    )
    from bbc_desktop.core.queries import NO_UNIT

    return pdf, sum(len(u.tickets) for u in units), sum(1 for u in units if u.unit != NO_UNIT)


def _report(session: Session, start: date, end: date, today: date) -> tuple[ReportFigures, dict[str, str]]:
    """The figures of tickets accepted ``start``..``end`` and the settings the report is signed and set with."""
    from bbc_desktop.core.report import report_figures
    from bbc_desktop.core.tickets import load_calendar

    figures = report_figures(session, start, end, today, load_calendar(session))
    return figures, all_settings(session)


def _report_pdf(
    figures: ReportFigures, settings: dict[str, str], texts: dict[str, str], today: date
) -> bytes:
    from bbc_desktop.printing.report import render_report

    return render_report(
        figures,
        settings["district"],
        settings["district"] + settings["window_name"],
        texts,
        today,
        settings["print_font_text"],
        settings["print_font_title"],
    )


def report_pdf(
    session: Session, start: date, end: date, today: date, texts: dict[str, str]
) -> tuple[bytes, int]:
    """The 整改情况报告 of tickets accepted ``start``..``end``: the PDF and how many tickets it covers."""
    figures, settings = _report(session, start, end, today)
    return _report_pdf(figures, settings, texts, today), figures.total


def issue_report(
    session: Session, ctx: Context, start: date, end: date, texts: dict[str, str]
) -> IssuedReport:
    """签发: make the report and archive it unchanged, with the figures it was made from (a new version)."""
    from bbc_desktop.core.report_archive import archive_report
    from bbc_desktop.printing.report import report_title

    today = ctx.clock.today()
    figures, settings = _report(session, start, end, today)
    if figures.total == 0:
        raise ValidationError("报告期内没有受理任何工单，不能签发空报告")
    pdf = _report_pdf(figures, settings, texts, today)
    return archive_report(session, ctx, figures, texts, pdf, report_title(settings["district"]))


def report_docx(
    session: Session, start: date, end: date, today: date, texts: dict[str, str]
) -> tuple[bytes, int]:
    """The same report as a Word file (.docx), for further editing: the bytes and the tickets covered."""
    from bbc_desktop.io.report_docx import render_report_docx

    figures, settings = _report(session, start, end, today)
    data = render_report_docx(
        figures,
        settings["district"],
        settings["district"] + settings["window_name"],
        texts,
        today,
        chart_font=settings["print_font_text"],
    )
    return data, figures.total


def write_file(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise ValidationError(f"无法写入文件“{target}”：{exc.strerror}") from exc
