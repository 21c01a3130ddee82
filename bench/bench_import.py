"""导入旧台账 at scale: a hand-kept ledger of N rows (default 2 000) read, previewed and imported.

.venv/bin/python bench/bench_import.py [--rows 2000] [--db EXISTING.sqlite3]

The ledger is the fixture's 24 rows repeated with fresh numbers and texts, written to a temporary
.xlsx; the database is a copy of --db (for instance 20 000 demo tickets) or a new empty one.
Prints a table: reading the workbook, the preview (the import, rolled back), the import itself.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "legacy-ledger-2025.xlsx"


def make_ledger(rows: int, target: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(FIXTURE)
    sheet = book.active
    body = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3, max_row=26)]
    sheet.delete_rows(3, 40)
    for index in range(rows):
        values = list(body[index % len(body)])
        values[0] = f"2024-{index:05d}"
        values[3] = f"{values[3]}（第{index}件）"
        for column, value in enumerate(values, start=1):
            sheet.cell(row=3 + index, column=column, value=value)
    book.save(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    from bbc_desktop.core.context import Context
    from bbc_desktop.core.legacy_import import import_ledger, preview
    from bbc_desktop.db.session import open_database
    from bbc_desktop.io.legacy_ledger import read_legacy_ledger

    folder = Path(tempfile.mkdtemp(prefix="bbc-bench-import-"))
    ledger_path = folder / "台账.xlsx"
    make_ledger(args.rows, ledger_path)
    db_path = folder / "import.sqlite3"
    if args.db:
        shutil.copy(args.db, db_path)
    db = open_database(db_path)
    ctx = Context(operator="王芳")
    start = time.perf_counter()
    ledger = read_legacy_ledger(ledger_path)
    read = time.perf_counter() - start
    with db.session() as session:
        start = time.perf_counter()
        preview(session, ctx, ledger)
        previewed = time.perf_counter() - start
    with db.session() as session:
        start = time.perf_counter()
        result = import_ledger(session, ctx, ledger)
    imported = time.perf_counter() - start  # including the commit
    print(f"{'项目':<24}结果")
    print(f"{'读取台账':<24}{read:.2f} s")
    print(f"{'预览（导入后回滚）':<24}{previewed:.2f} s")
    print(f"{'导入（含提交）':<24}{imported:.2f} s")
    print(result.summary)
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
