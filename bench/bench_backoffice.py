"""Benchmark of the back office over 20 000 tickets: the 整改情况报告, the 台账 .xlsx, the 工作台.

    .venv/bin/python bench/bench_backoffice.py                       # builds 20 000 demo tickets (~12 s)
    .venv/bin/python bench/bench_backoffice.py --db /tmp/b20k.sqlite3  # reuses it (built there on the first run)

Targets (issue 5): report <= 3 s, ledger .xlsx <= 5 s, dashboard refresh <= 200 ms; (issue 10) the
reminder banner's counts <= 200 ms, the per-unit scores over every ticket <= 3 s. The report and
the ledger cover every ticket of the database (the demo's tickets span 2024 to today; the worst case:
a year's report is smaller).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.db.session import open_database

NOW = datetime(2026, 11, 23, 9, 30)
TICKETS = 20_000


def timed(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    from sqlalchemy import func, select

    from bbc_desktop.core.dashboard import dashboard
    from bbc_desktop.core.demo import generate
    from bbc_desktop.core.ledger import ledger_rows
    from bbc_desktop.core.queries import TicketFilter
    from bbc_desktop.core.tickets import load_calendar
    from bbc_desktop.db.models import Ticket
    from bbc_desktop.io.ledger_xlsx import write_ledger_xlsx
    from bbc_desktop.printing.documents import report_docx, report_pdf

    folder = Path(tempfile.mkdtemp(prefix="bbc-bench-backoffice-"))
    path = args.db or folder / "b20k.sqlite3"
    db = open_database(path)
    ctx = Context(FixedClock(NOW), "王芳")
    with db.session() as session:
        existing = session.scalar(select(func.count()).select_from(Ticket)) or 0
    if existing < TICKETS:
        start = time.perf_counter()
        generate(db, TICKETS, ctx, seed=20)
        print(f"生成演示数据 {TICKETS:,} 件：{time.perf_counter() - start:.1f} s")
    today = NOW.date()

    def report() -> None:
        with db.session() as session:
            report_pdf(session, date(2024, 1, 1), today, today, {})

    def word() -> None:
        with db.session() as session:
            report_docx(session, date(2024, 1, 1), today, today, {})

    def ledger() -> None:
        with db.session() as session:
            rows = ledger_rows(session, TicketFilter(), today, load_calendar(session))
        write_ledger_xlsx(rows, folder / "ledger.xlsx", "台账")

    def board() -> None:
        with db.session() as session:
            dashboard(session, today, load_calendar(session))

    def reminders() -> None:
        from bbc_desktop.core.queries import overview

        with db.session() as session:
            overview(session, today, load_calendar(session))

    def scores() -> None:
        from bbc_desktop.core.scores import unit_scores

        with db.session() as session:
            unit_scores(session, date(2024, 1, 1), today, today, load_calendar(session))

    rows = [
        ("整改情况报告 PDF（全部工单）", f"{timed(report):.2f} s", "≤ 3 s"),
        ("整改情况报告 .docx（全部工单）", f"{timed(word):.2f} s", "≤ 3 s"),
        ("台账 .xlsx（全部工单）", f"{timed(ledger, 1):.2f} s", "≤ 5 s"),
        ("工作台刷新", f"{timed(board, 5) * 1000:.0f} ms", "≤ 200 ms"),
        ("提醒栏统计（含未签收、应催办）", f"{timed(reminders, 5) * 1000:.0f} ms", "≤ 200 ms"),
        ("承办单位考核（全部工单）", f"{timed(scores):.2f} s", "≤ 3 s"),
    ]
    print(f"{'项目':<28}{'结果':<12}目标")
    for what, result, target in rows:
        print(f"{what:<28}{result:<12}{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
