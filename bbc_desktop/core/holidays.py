"""The administrator's holiday schedule: days entered or imported from the State Council's notice.

CSV format (docs/holidays-csv.md): a header ``date,kind,name``; ``kind`` is ``holiday`` (放假) or
``workday`` (调休上班); UTF-8 (with or without BOM) or GBK as Excel writes it.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.validation import clean_text
from bbc_desktop.db.models import HolidayOverride

_KINDS = {
    "holiday": False,
    "休": False,
    "放假": False,
    "假": False,
    "workday": True,
    "班": True,
    "上班": True,
}


def parse_csv(text: str) -> list[tuple[date, bool, str]]:
    """Parse the schedule, naming every bad line; nothing is returned unless every line is good."""
    # Line ends as any editor leaves them (a lone \r from an old Mac or a pasted cell included).
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # e.g. a NUL character: not a text file
        raise ValidationError(f"节假日文件不是有效的 CSV 文本：{exc}") from None
    if not rows:
        raise ValidationError("节假日文件是空的")
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:2] != ["date", "kind"]:
        raise ValidationError("节假日文件第1行应为表头：date,kind,name")
    days: dict[date, tuple[date, bool, str]] = {}
    problems: list[str] = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [*row, "", ""]
        try:
            day = date.fromisoformat(cells[0].strip())
        except ValueError:
            problems.append(f"第{line_no}行：日期“{cells[0]}”应为 YYYY-MM-DD")
            continue
        kind = cells[1].strip().lower()
        if kind not in _KINDS:
            problems.append(f"第{line_no}行：类型“{cells[1]}”应为 holiday（放假）或 workday（调休上班）")
            continue
        try:
            name = clean_text(cells[2], "节日名称", limit=50)
        except ValidationError as exc:
            problems.append(f"第{line_no}行：{exc.message}")
            continue
        if day in days and days[day][1] != _KINDS[kind]:
            problems.append(f"第{line_no}行：{day} 前面已出现且类型不同")
            continue
        days[day] = (day, _KINDS[kind], name)
    if problems:
        raise ValidationError("节假日文件有错误，未导入任何日期：\n" + "\n".join(problems[:30]))
    if not days:
        raise ValidationError("节假日文件中没有任何日期")
    return sorted(days.values())


def read_csv_file(path: str | Path) -> list[tuple[date, bool, str]]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取节假日文件“{path}”：{exc.strerror}") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return parse_csv(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ValidationError("节假日文件的编码无法识别，请另存为 UTF-8 的 CSV 文件")


def save_days(session: Session, ctx: Context, days: list[tuple[date, bool, str]]) -> int:
    """Enter the days (a day entered again is updated) and recompute the deadlines they touch."""
    from bbc_desktop.core.permissions import Permission, require
    from bbc_desktop.core.tickets import add_event, recompute_deadlines

    require(session, ctx, Permission.ADMIN)
    for day, workday, name in days:
        row = session.get(HolidayOverride, day)
        if row is None:
            session.add(HolidayOverride(day=day, workday=workday, name=name))
        else:
            row.workday, row.name = workday, name
    session.flush()
    years = sorted({day.year for day, _, _ in days})
    add_event(
        session,
        ctx,
        None,
        "holidays_saved",
        after={"years": years, "days": len(days)},
        note=f"录入节假日安排 {len(days)} 天（{'、'.join(map(str, years))}年）",
    )
    recompute_deadlines(session, ctx, set(years))
    return len(days)


def list_days(session: Session, year: int) -> list[HolidayOverride]:
    return list(
        session.scalars(
            select(HolidayOverride)
            .where(HolidayOverride.day >= date(year, 1, 1), HolidayOverride.day <= date(year, 12, 31))
            .order_by(HolidayOverride.day)
        )
    )
