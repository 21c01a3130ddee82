"""Benchmark of the demo data generator (bbc_desktop.core.demo.generate).

    python bench/bench_demo.py                      # 1 000, 10 000 and 100 000 tickets
    python bench/bench_demo.py --tickets 100000     # one or more sizes of your own

Each size runs on a fresh SQLite file in a temporary folder (WAL, synchronous=FULL, foreign keys on:
exactly as the program opens it), so the time includes the one commit and the database size is that
of the demo alone. The goal: 100 000 tickets well under a minute on a two-core PC.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bbc_desktop.core import demo
from bbc_desktop.core.context import Context
from bbc_desktop.db.session import open_database

DEFAULT_SIZES = (1_000, 10_000, 100_000)


def database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def run(size: int, folder: Path, seed: int) -> tuple[float, int]:
    path = folder / f"demo-{size}.sqlite3"
    db = open_database(path)
    ctx = Context(operator="bench")
    try:
        start = time.perf_counter()
        numbers = demo.generate(db, size, ctx, seed=seed)
        elapsed = time.perf_counter() - start
    finally:
        db.dispose()  # the last connection checkpoints the WAL into the file
    assert len(numbers) == size
    return elapsed, database_bytes(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, nargs="+", default=list(DEFAULT_SIZES), help="sizes to time")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print(f"{'tickets':>10} {'seconds':>9} {'tickets/s':>10} {'db MiB':>8}")
    with tempfile.TemporaryDirectory(prefix="bbc-bench-") as tmp:
        for size in args.tickets:
            elapsed, size_bytes = run(size, Path(tmp), args.seed)
            rate = size / elapsed if elapsed else float("inf")
            print(f"{size:>10,} {elapsed:>9.2f} {rate:>10,.0f} {size_bytes / 2**20:>8.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
