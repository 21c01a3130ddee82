"""Reading a hand-kept Excel 台账 (attachment 3's columns, kept by hand before this program).

Real ledgers are untidy: a merged title row above the header, the header found by its text (and
its usual variants) rather than its position, extra columns (序号, 备注), dates typed in several
ways or stored as Excel dates, phone numbers with spaces or dashes or stored as numbers, blank cells
for cases still open, a signature line under the table. :func:`read_legacy_ledger` reads every row
under the header and gives each a fate — a ticket to import (perhaps with flags: 缺工单编号,
缺联系电话, 未办结 …) or skipped with its reason — so that nothing disappears silently. Writing the
tickets into the database is a separate step (next).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.validation import normalize_phone

__all__ = ["HEADERS", "LegacyLedger", "LegacyRow", "parse_ledger_date", "read_legacy_ledger"]

# Attachment 3's columns and the names hand-kept ledgers give them.
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("工单编号", "编号", "受理编号", "工单号"),
    "reporter": ("办理对象", "反映人", "反映人姓名", "企业名称", "办事人"),
    "phone": ("联系电话", "电话", "联系方式", "反映人电话"),
    "matter": ("反映事项", "反映内容", "事项", "问题描述", "企业群众反映内容"),
    "received_by": ("受理人", "登记人", "经办人"),
    "accepted_at": ("受理时间", "受理日期", "反映时间", "登记时间"),
    "result": ("处理结果", "办理结果", "处理情况", "办理情况"),
    "finished_at": ("办结时间", "办结日期", "完成时间"),
}
REQUIRED = ("matter",)  # without the matter there is no ticket; everything else may be blank
_SIGNATURE = ("制表人", "审核人", "制表日期", "填表人", "负责人签字")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$"
    ),
)


@dataclass
class LegacyRow:
    """One row under the header: a ticket to import, or skipped (``skipped`` says why)."""

    line: int  # the row number in Excel, as the specialist sees it
    number: str = ""
    reporter: str = ""
    phone: str = ""
    matter: str = ""
    received_by: str = ""
    accepted_at: datetime | None = None
    result: str = ""
    finished_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)  # 序号, 备注 … kept as written
    flags: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def fate(self) -> str:
        if self.skipped:
            return f"第{self.line}行：跳过（{self.skipped}）"
        note = f"（{'；'.join(self.flags)}）" if self.flags else ""
        return f"第{self.line}行：导入{note}"


@dataclass
class LegacyLedger:
    path: Path
    sheet: str
    title: str
    header_line: int
    columns: dict[str, str]  # our field -> the header text found
    extra_columns: list[str]
    rows: list[LegacyRow]

    @property
    def to_import(self) -> list[LegacyRow]:
        return [r for r in self.rows if not r.skipped]

    @property
    def skipped(self) -> list[LegacyRow]:
        return [r for r in self.rows if r.skipped]


def parse_ledger_date(value: object) -> datetime | None:
    """A date as hand-kept ledgers hold it: an Excel date, a serial number, or text in several forms."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float) and 20000 < value < 80000:  # an Excel serial date (1954-2119)
        return _EXCEL_EPOCH + timedelta(days=float(value))
    text = str(value).strip().replace("\u3000", " ")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day, hour, minute, second = match.groups()
            try:
                return datetime(
                    int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
                )
            except ValueError:
                return None
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header_key(text: str) -> str | None:
    plain = re.sub(r"\s+", "", text)
    for key, names in HEADERS.items():
        if plain in names:
            return key
    return None


def read_legacy_ledger(path: Path | str) -> LegacyLedger:
    """Read the first sheet that has a ledger header; every row under it gets a fate."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = Path(path)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ValidationError(
            f"无法读取 Excel 文件“{source.name}”：文件已损坏或不是 .xlsx 格式（{exc}）"
        ) from None
    try:
        for sheet in book.worksheets:
            grid = [list(row) for row in sheet.iter_rows(values_only=True)]
            found = _find_header(grid)
            if found is not None:
                return _read(source, sheet.title, grid, *found)
    finally:
        book.close()
    raise ValidationError(
        f"“{source.name}”中找不到台账的表头：需要一行含有“反映事项”等列名（工单编号、办理对象、联系电话、反映事项……）"
    )


def _find_header(grid: list[list[object]]) -> tuple[int, dict[int, str], list[tuple[int, str]]] | None:
    for index, row in enumerate(grid[:20]):
        mapping: dict[int, str] = {}
        extras: list[tuple[int, str]] = []
        for column, value in enumerate(row):
            text = _text(value)
            key = _header_key(text) if text else None
            if key and key not in mapping.values():
                mapping[column] = key
            elif text:
                extras.append((column, text))
        if all(k in mapping.values() for k in REQUIRED) and len(mapping) >= 3:
            return index, mapping, extras
    return None


def _read(
    source: Path,
    sheet: str,
    grid: list[list[object]],
    header: int,
    mapping: dict[int, str],
    extras: list[tuple[int, str]],
) -> LegacyLedger:
    title = next((_text(v) for row in grid[:header] for v in row if _text(v)), "")
    header_texts = {key: _text(grid[header][column]) for column, key in mapping.items()}
    rows: list[LegacyRow] = []
    for offset, values in enumerate(grid[header + 1 :], start=header + 2):
        row = LegacyRow(line=offset)
        cells = {key: values[column] if column < len(values) else None for column, key in mapping.items()}
        row.extra = {
            name: _text(values[column])
            for column, name in extras
            if column < len(values) and _text(values[column])
        }
        texts = [_text(v) for v in values if _text(v)]
        if not texts:
            row.skipped = "空行"
        elif any(any(mark in t for mark in _SIGNATURE) for t in texts):
            row.skipped = "表尾签名行"
        rows.append(row)
        if row.skipped:
            continue
        row.number = _text(cells.get("number"))
        row.reporter = _text(cells.get("reporter"))
        row.matter = _text(cells.get("matter"))
        row.received_by = _text(cells.get("received_by"))
        row.result = _text(cells.get("result"))
        if not row.matter:
            row.skipped = "没有反映事项"
            continue
        if not row.number:
            row.flags.append("缺工单编号")
        raw_phone = _text(cells.get("phone"))
        if raw_phone:
            try:
                row.phone = normalize_phone(raw_phone)
            except ValidationError:
                row.phone = raw_phone
                row.flags.append(f"电话“{raw_phone}”格式无法识别，按原样导入")
        else:
            row.flags.append("缺联系电话")
        for key in ("accepted_at", "finished_at"):
            value = cells.get(key)
            moment = parse_ledger_date(value)
            setattr(row, key, moment)
            if moment is None and _text(value):
                row.flags.append(f"{header_texts.get(key, key)}“{_text(value)}”无法识别")
        if row.accepted_at is None and not _text(cells.get("accepted_at")):
            row.flags.append("缺受理时间")
        if not row.result:
            row.flags.append("缺处理结果，按未办结导入")
    return LegacyLedger(
        path=source,
        sheet=sheet,
        title=title,
        header_line=header + 1,
        columns=header_texts,
        extra_columns=[name for _column, name in extras],
        rows=rows,
    )
