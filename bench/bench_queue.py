"""Benchmark of the queue pane (bbc_desktop.gui.queue) over 100 000 demo tickets.

    python bench/bench_queue.py                          # builds a 100 000-ticket demo database (~40 s)
    python bench/bench_queue.py --db /tmp/q100k.sqlite3  # reuses it (built there on the first run)

Runs offscreen. The demo data and the pane both use a clock fixed at Monday 2026-11-23 09:30, so
a reused database shows the same overdue and due-soon tickets every time. Measured:

- opening: QueuePane constructed → ids loaded → first page painted;
- a search keystroke: search text set → model reset → the first screen repainted (the filter bar
  emits at once; the model runs one query at a time). "id query" is the worker's own time for
  ``queue_ids``;
- a scanned number + Enter → the ticket selected;
- scrolling: to the end, and 200 jumps spread over all rows (each lands on a page not cached);
- memory: resident set size now and at peak (VmRSS / VmHWM), before and after the pane.

The pane has the size the main window gives it by default (QUEUE_SIZE).

Targets from the issue: a search keystroke refreshes within 100 ms; memory under 250 MiB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# PySide6 6.12.0 on CPython 3.11 drops one reference to None on every call of a void Qt method;
# None is not immortal before 3.12, so a script making a few thousand such calls aborts with
# "none_dealloc". These references keep this benchmark alive (1.6 MB of the RSS below).
_NONE_GUARD = [None] * 200_000

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bbc_desktop.core.calendar import FixedClock  # noqa: E402
from bbc_desktop.core.context import Context  # noqa: E402
from bbc_desktop.db.session import open_database  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 30)
TICKETS = 100_000
# (what, text): 1, 2 and 3 Chinese characters, a phone fragment, and a word in most tickets.
SEARCHES = (
    ("1 个汉字", "张"),
    ("2 个汉字", "执照"),
    ("3 个汉字", "不动产"),
    ("电话片段", "1391"),
    ("2 个汉字（多数工单含）", "窗口"),
)
RUNS = 3
# The queue pane as the main window lays it out by default (gui/main_window.py DEFAULT_SPLIT) on a
# 1 600 x 960 window; how much a repaint costs depends on how many cells are in sight.
QUEUE_SIZE = (760, 800)


def rss_mib() -> tuple[float, float]:
    """(current, peak) resident set size in MiB, from /proc/self/status."""
    values: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def wait_for(signal, timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Run the event loop until ``signal`` fires (one exec, not a processEvents busy loop)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def settle(ms: int = 50) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def ensure_database(path: Path, ctx: Context) -> float | None:
    """Build the demo database at ``path`` unless it already holds tickets; returns the build time."""
    from sqlalchemy import func, select

    from bbc_desktop.core.demo import generate
    from bbc_desktop.db.models import Ticket

    db = open_database(path)
    try:
        with db.session() as session:
            existing = session.scalar(select(func.count()).select_from(Ticket)) or 0
        if existing:
            print(f"复用数据库 {path}（{existing:,} 件工单）")
            return None
        print(f"正在生成 {TICKETS:,} 件演示工单到 {path} ……", flush=True)
        start = time.perf_counter()
        generate(db, TICKETS, ctx, seed=1)
        return time.perf_counter() - start
    finally:
        db.dispose()


def pad(text: str, width: int) -> str:
    """Left-align by terminal columns: a Chinese character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - columns)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="demo database (file or server URL) to reuse; built there if empty")
    args = parser.parse_args(argv)

    ctx = Context(clock=FixedClock(NOW), operator="bench")
    folder = None
    if args.db is None:
        folder = tempfile.TemporaryDirectory(prefix="bbc-bench-queue-")
        args.db = str(Path(folder.name) / "queue.sqlite3")
    built = ensure_database(args.db, ctx)

    app = QApplication.instance() or QApplication([])
    from bbc_desktop.gui import queue as queue_module
    from bbc_desktop.gui import worker
    from bbc_desktop.gui.queue import QueuePane
    from bbc_desktop.gui.state import AppState

    db = open_database(args.db)
    state = AppState(db, ctx)
    rss_before, _ = rss_mib()

    # Time the worker's id query itself, besides what the pane shows.
    query_ms: list[float] = []
    load_ids = queue_module._load_ids

    def timed_load(*a, **k):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = load_ids(*a, **k)
        query_ms.append((time.perf_counter() - start) * 1000)
        return result

    queue_module._load_ids = timed_load

    rows: list[tuple[str, str, str]] = []
    if built is not None:
        rows.append(("生成演示数据", f"{built:.1f} s", ""))

    start = time.perf_counter()
    pane = QueuePane(state)
    pane.resize(QUEUE_SIZE[0], QUEUE_SIZE[1])
    pane.show()
    wait_for(pane.model.loaded)
    pane.view.viewport().repaint()
    opened = (time.perf_counter() - start) * 1000
    count = pane.model.rowCount()
    rows.append((f"打开队列（{count:,} 件）到首屏显示", f"{opened:.0f} ms", ""))
    rows.append(("  其中 id 查询（工作线程）", f"{query_ms[-1]:.0f} ms", ""))
    settle()

    edit = pane.filter_bar.search_edit

    def clear_search() -> None:
        if edit.text():
            edit.setText("")  # an emptied box filters at once, without the pause
            wait_for(pane.model.loaded)

    stamps: dict[str, float] = {}
    pane.filter_bar.filter_changed.connect(lambda _f: stamps.__setitem__("emitted", time.perf_counter()))
    pane.model.modelReset.connect(lambda: stamps.__setitem__("reset", time.perf_counter()))
    for what, text in SEARCHES:
        to_reset, to_paint, worker_ms, found = [], [], [], 0
        for _ in range(RUNS):
            clear_search()
            settle()
            stamps.clear()
            typed = time.perf_counter()
            edit.setText(text)
            wait_for(pane.model.loaded)
            pane.view.viewport().repaint()
            done = time.perf_counter()
            to_reset.append((stamps["reset"] - typed) * 1000)
            to_paint.append((done - typed) * 1000)
            worker_ms.append(query_ms[-1])
            found = pane.model.rowCount()
        median = statistics.median
        rows.append(
            (f"搜索 {what}“{text}”（{found:,} 件）：击键到刷新显示", f"{median(to_paint):.0f} ms", "≤ 100 ms")
        )
        rows.append(
            (
                "  id 查询（工作线程） / 到模型重置",
                f"{median(worker_ms):.0f} ms / {median(to_reset):.0f} ms",
                "",
            )
        )
    clear_search()

    from sqlalchemy import select

    from bbc_desktop.db.models import Ticket

    with db.session() as session:
        number = session.scalar(select(Ticket.number).where(Ticket.seq == 4242).limit(1))
    scans = []
    for _ in range(RUNS):
        edit.setText(number.lower())
        start = time.perf_counter()
        edit.returnPressed.emit()  # what the scanner's Enter does
        scans.append((time.perf_counter() - start) * 1000)
    rows.append((f"扫码“{number.lower()}”+ 回车 → 选中工单", f"{statistics.median(scans):.0f} ms", ""))
    clear_search()

    view, viewport = pane.view, pane.view.viewport()
    view.scrollToTop()
    viewport.repaint()
    rows.append(
        ("滚动到末尾并显示", f"{timed(lambda: (view.scrollToBottom(), viewport.repaint())):.0f} ms", "")
    )
    view.scrollToTop()
    viewport.repaint()
    bar = view.verticalScrollBar()
    jumps = [bar.maximum() * i // 199 for i in range(200)]
    steps = [timed(lambda v=v: (bar.setValue(v), viewport.repaint())) for v in jumps]
    rows.append(
        (
            "逐段滚动全部工单（200 次跳转，每次新页）",
            f"平均 {statistics.mean(steps):.0f} ms，最慢 {max(steps):.0f} ms",
            "",
        )
    )
    repaints = [timed(viewport.repaint) for _ in range(20)]
    rows.append(("重绘一屏（行已缓存）", f"{statistics.median(repaints):.0f} ms", ""))
    fetches = [timed(lambda n=n: pane.model._fetch_page(n)) for n in range(100, 120)]
    rows.append(
        (
            f"读取一页 {queue_module.PAGE_SIZE} 行（queue_rows + 显示文本）",
            f"{statistics.median(fetches):.0f} ms",
            "",
        )
    )
    rows.append((f"缓存行数（上限 {queue_module.CACHE_ROWS}）", f"{pane.model.cached_rows()}", ""))

    rss_now, rss_peak = rss_mib()
    rows.append(("内存 RSS：打开队列前", f"{rss_before:.0f} MiB", ""))
    rows.append(("内存 RSS：现在 / 峰值", f"{rss_now:.0f} / {rss_peak:.0f} MiB", "< 250 MiB"))

    width = max(len(r[0]) for r in rows) * 2 + 2
    print("\n" + pad("项目", width) + pad("结果", 40) + "目标")
    for name, value, target in rows:
        print(pad(name, width) + pad(value, 40) + target)

    pane.close()
    worker.wait_for_workers()
    db.dispose()
    del app
    if folder is not None:
        folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
