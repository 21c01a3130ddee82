"""受理编号 stay unique and consecutive when several processes register at the same moment.

Four processes stand for four counters (on PostgreSQL: four PCs on one server); each registers 250
visitors as fast as it can, every intake its own transaction, as at a counter.
"""

from __future__ import annotations

import multiprocessing
from datetime import datetime

from sqlalchemy import select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.db.models import Ticket
from bbc_desktop.db.session import open_database


def _register_many(path: str, count: int, queue) -> None:  # type: ignore[no-untyped-def]
    db = open_database(path)
    ctx = Context(clock=FixedClock(datetime(2026, 11, 23, 9, 30)), operator="并发测试")
    numbers = []
    for i in range(count):
        with db.session() as s:
            numbers.append(
                t.register(s, ctx, t.Intake(content=f"并发{i}", name="张三", phone="13800000000")).number
            )
    queue.put(numbers)


COUNTERS, INTAKES = 4, 250


def test_parallel_intakes_get_distinct_consecutive_numbers(new_db_url):
    path = new_db_url("shared")
    open_database(path).dispose()  # migrate once before the race
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_register_many, args=(path, INTAKES, queue)) for _ in range(COUNTERS)]
    for worker in workers:
        worker.start()
    reported = [n for _ in workers for n in queue.get(timeout=600)]
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    db = open_database(path)
    with db.session() as s:
        stored = list(s.scalars(select(Ticket.number).order_by(Ticket.seq)))
    db.dispose()
    expected = [f"BBC-2026-{i:04d}" for i in range(1, COUNTERS * INTAKES + 1)]
    assert sorted(reported) == expected
    assert stored == expected
