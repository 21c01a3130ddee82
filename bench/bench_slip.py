"""Benchmark of the 交办单: one slip in-process, and `bbc slip` as a whole process beside LibreOffice.

    .venv/bin/python bench/bench_slip.py [--runs 5]

Measured on a throwaway database with one dispatched ticket:

- in-process: ``printing.documents.slips_pdf`` for one ticket, the first time (fonts parsed) and
  after warm-up (target: <= 30 ms);
- whole process: ``bbc slip NUMBER -o FILE`` from start to exit, as an operator's script runs it;
- today's practice at such windows: a Word slip filled in and turned into PDF with
  ``soffice --headless --convert-to pdf`` (LibreOffice; skipped if it is not installed). The .docx is
  made here with python-docx (skipped without it) holding the same table and text.

Target: the whole `bbc slip` process in at most half LibreOffice's time, aiming for a quarter.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NOW = datetime(2026, 11, 23, 9, 30)


def make_database(folder: Path) -> tuple[Path, str]:
    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.session import open_database

    path = folder / "bench.sqlite3"
    db = open_database(path)
    ctx = Context(FixedClock(NOW), "王芳")
    with db.session() as session:
        ticket = t.register(
            session,
            ctx,
            t.Intake(
                content="本公司在办理食品经营许可证变更时，窗口以“系统升级”为由三次拒收材料，也未出具一次性告知单。",
                grade="yellow",
                name="李明",
                phone="13812345678",
                lead_unit="区市场监督管理局",
                co_units=("区政务服务和大数据管理局",),
                dispatch_note="请区市场监督管理局牵头核查，按期书面反馈。",
            ),
        )
        number = ticket.number
    db.dispose()
    return path, number


def in_process(path: Path, number: str, runs: int) -> tuple[float, float, float]:
    from bbc_desktop.db.session import open_database
    from bbc_desktop.printing.documents import slips_pdf

    db = open_database(path)
    today = NOW.date()
    start = time.perf_counter()
    with db.session() as session:
        slips_pdf(session, [number], today)
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(runs * 8):
        start = time.perf_counter()
        with db.session() as session:
            slips_pdf(session, [number], today)
        times.append((time.perf_counter() - start) * 1000)
    return first, min(times), statistics.median(times)


def timed(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def make_docx(target: Path, number: str) -> bool:
    try:
        import docx  # python-docx
    except ImportError:
        return False
    document = docx.Document()
    document.add_heading("北关区“办不成事”反映窗口交办单", level=1)
    document.add_paragraph("红牌□ 黄牌■ 蓝牌□")
    rows = [
        (
            "承办单位",
            "区市场监督管理局（协办：区政务服务和大数据管理局）",
            "案件来源",
            "窗口来访",
            "受理编号",
            number,
        ),
        ("反映时间", "2026年11月23日 09:30", "反映人姓名", "李明", "反映人电话", "13812345678"),
    ]
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    for label, text in (
        (
            "企业群众反映内容",
            "本公司在办理食品经营许可证变更时，窗口以“系统升级”为由三次拒收材料，也未出具一次性告知单。",
        ),
        ("回复要求", "请于2026年11月30日前将办理结果报“办不成事”反映窗口。要求：主管领导签字，并加盖公章。"),
        ("批转意见", "请区市场监督管理局牵头核查，按期书面反馈。 批转 日期：2026年11月23日"),
        ("办理结果", "\n\n\n主管领导签字：　　　联系电话："),
        ("回访记录", "回访时间：　　回访情况：\n回访负责人签字："),
    ):
        cells = table.add_row().cells
        cells[0].text = label
        merged = cells[1].merge(cells[5])
        merged.text = text
    for line in (
        "承办单位：区市场监督管理局",
        "地址：",
        "联系电话：",
        "注：“蓝色交办单”3个工作日内给予答复；……",
    ):
        document.add_paragraph(line)
    document.save(str(target))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bbc-bench-slip-") as name:
        folder = Path(name)
        path, number = make_database(folder)
        first, fastest, warm = in_process(path, number, args.runs)
        rows.append(("一份交办单（进程内，首次：解析字体）", f"{first:.0f} ms", ""))
        rows.append(
            ("一份交办单（进程内，预热后，最快 / 中位数）", f"{fastest:.1f} / {warm:.1f} ms", "≤ 30 ms")
        )

        env = dict(os.environ, BBC_DB=str(path), BBC_NOW=NOW.isoformat(), BBC_OPERATOR="王芳")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program runs from bytecode
        # The installed `bbc` command, as an operator's script runs it.
        installed = Path(sys.executable).with_name("bbc")
        launcher = [str(installed)] if installed.exists() else [sys.executable, "-m", "bbc_desktop.cli"]
        bbc = [*launcher, "slip", number, "-o", str(folder / "slip.pdf")]
        timed(bbc, env, 1)  # writes the bytecode once, as installing does
        ours = timed(bbc, env, args.runs)
        rows.append(("bbc slip 整个进程（中位数）", f"{statistics.median(ours):.2f} s", ""))

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        docx_file = folder / "slip.docx"
        if soffice and make_docx(docx_file, number):
            profile = folder / "lo-profile"
            office = [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder / "lo"),
                str(docx_file),
            ]
            timed(office, dict(os.environ), 1)  # the first start creates LibreOffice's profile
            theirs = timed(office, dict(os.environ), args.runs)
            ratio = statistics.median(ours) / statistics.median(theirs)
            rows.append(("LibreOffice 转换同样的 .docx（中位数）", f"{statistics.median(theirs):.2f} s", ""))
            rows.append(("bbc slip / LibreOffice", f"{ratio:.2f}", "≤ 0.5（争取 0.25）"))
        else:
            rows.append(("LibreOffice 转换同样的 .docx", "未测（未安装 soffice 或 python-docx）", ""))

    width = max(len(r[0]) for r in rows) + 4
    print(f"{'项目':<{width}}{'结果':<24}目标")
    for what, result, target in rows:
        print(f"{what:<{width}}{result:<24}{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
