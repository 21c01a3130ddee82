"""Several counters on one database: intake throughput, save latency, and how soon the others hear of it.

    .venv/bin/python bench/bench_counters.py --db postgresql+psycopg://user@host:port/db [--counters 4 --intakes 250]
    .venv/bin/python bench/bench_counters.py                     # a new SQLite file in a temporary folder

Each counter is a process registering visitors as fast as it can, one transaction per intake (a
real counter registers one every few minutes: this is the worst moment, not a day). Then one
process commits an intake while another waits on the change feed (db/changes.py), 20 times: the
delay until the feed reports it is what the live queue adds before its refresh (the window then
waits another 0.4 s to gather a burst). Targets (issue 7): numbers stay consecutive under load; a
change reaches the other counters within a few seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _counter(target: str, count: int, queue) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.session import open_database

    db = open_database(target)
    ctx = Context(clock=FixedClock(datetime(2026, 11, 23, 9, 30)), operator="并发测试")
    times, numbers = [], []
    for i in range(count):
        started = time.perf_counter()
        with db.session() as s:
            numbers.append(
                t.register(s, ctx, t.Intake(content=f"基准{i}", name="张三", phone="13800000000")).number
            )
        times.append(time.perf_counter() - started)
    db.dispose()
    queue.put((numbers, times))


def _feed_delays(target: str, rounds: int) -> list[float]:
    from datetime import datetime

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.changes import open_feed
    from bbc_desktop.db.session import open_database

    db = open_database(target)
    ctx = Context(clock=FixedClock(datetime(2026, 11, 23, 9, 30)), operator="并发测试")
    feed = open_feed(db.url)
    delays = []
    for _ in range(rounds):
        committed: list[float] = []

        def write(committed: list[float] = committed) -> None:
            with db.session() as s:
                t.register(s, ctx, t.Intake(content="通知延迟", name="李四", phone="13900000000"))
            committed.append(time.perf_counter())

        writer = threading.Timer(0.2, write)
        writer.start()
        assert feed.wait(10)
        heard = time.perf_counter()
        writer.join()
        delays.append(max(0.0, heard - committed[0]))
        time.sleep(0.3)
        feed.wait(0)  # nothing else pending
    feed.close()
    db.dispose()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database URL or file (default: a new SQLite file)")
    parser.add_argument("--counters", type=int, default=4)
    parser.add_argument("--intakes", type=int, default=250)
    args = parser.parse_args()
    target = args.db or str(Path(tempfile.mkdtemp(prefix="bbc-bench-")) / "counters.sqlite3")
    from bbc_desktop.db.session import open_database

    db = open_database(target)
    backend = db.engine.dialect.name
    db.dispose()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_counter, args=(target, args.intakes, queue)) for _ in range(args.counters)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=900) for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    numbers = sorted(n for numbers, _ in results for n in numbers)
    times = sorted(x for _, ts in results for x in ts)
    total = args.counters * args.intakes
    consecutive = [int(n.rsplit("-", 1)[1]) for n in numbers] == list(
        range(int(numbers[0].rsplit("-", 1)[1]), int(numbers[0].rsplit("-", 1)[1]) + total)
    )
    delays = sorted(_feed_delays(target, 20))

    def ms(value: float) -> str:
        return f"{value * 1000:.1f} ms"

    rows = [
        ("backend", backend),
        ("counters × intakes", f"{args.counters} × {args.intakes}"),
        ("numbers distinct and consecutive", str(len(set(numbers)) == total and consecutive)),
        ("wall time (incl. process start)", f"{elapsed:.1f} s"),
        ("intakes per second, all counters", f"{total / elapsed:.0f}"),
        ("save latency p50", ms(statistics.median(times))),
        ("save latency p95", ms(times[int(len(times) * 0.95)])),
        ("change heard by another counter p50", ms(statistics.median(delays))),
        ("change heard by another counter max", ms(delays[-1])),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
