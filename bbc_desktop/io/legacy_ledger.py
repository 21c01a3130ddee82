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
HEADER_SEARCH_ROWS = 60  # title lines, notes, a legend: the header is somewhere near the top
REQUIRED = ("matter",)  # without the matter there is no ticket; everything else may be blank
_SIGNATURE = ("制表人", "审核人", "制表日期", "填表人", "负责人签字")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_TIME = r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{2})\s*分?(?:\s*[:：]?\s*(\d{2})\s*秒?)?)?"
_DATE_PATTERNS = (
    # 2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日, with a time or not; 25.3.5 (two-digit year)
    re.compile(r"^(\d{4}|\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + "$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})" + _TIME + "$"),  # 20250305
)
# 3月5日, 3-5, 3/5: no year (the ledger's year is taken from the rows around it)
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + "$")


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
    sheet: str = ""  # named only when the workbook has several ledger sheets

    @property
    def where(self) -> str:
        return f"工作表“{self.sheet}”第{self.line}行" if self.sheet else f"第{self.line}行"

    @property
    def fate(self) -> str:
        if self.skipped:
            return f"{self.where}：跳过（{self.skipped}）"
        note = f"（{'；'.join(self.flags)}）" if self.flags else ""
        return f"{self.where}：导入{note}"


@dataclass
class LegacyLedger:
    path: Path
    sheet: str
    title: str
    header_line: int
    columns: dict[str, str]  # our field -> the header text found
    extra_columns: list[str]
    rows: list[LegacyRow]
    sheets: list[str] = field(default_factory=list)  # every sheet read, in order
    notes: list[str] = field(default_factory=list)  # sheets not read, and why

    @property
    def header_text(self) -> str:
        """Where the header was found, for the preview."""
        columns = "、".join(self.columns.values())
        if len(self.sheets) > 1:
            names = "、".join(f"“{name}”" for name in self.sheets)
            return f"读取工作表{names}（表头：{columns}）"
        return f"工作表“{self.sheet}”第{self.header_line}行为表头（{columns}）"

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
            full_year = int(year) + (2000 if len(year) == 2 else 0)
            return _moment(full_year, month, day, hour, minute, second)
    return None


def _moment(year: int, *parts: str | None) -> datetime | None:
    month, day, hour, minute, second = (int(p or 0) for p in parts)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # 2025-02-30, 25:00
        return None


def parse_without_year(value: object, year: int) -> datetime | None:
    """3月5日 and the like, in ``year``."""
    match = _NO_YEAR.match(str(value).strip().replace("\u3000", " "))
    return _moment(year, *match.groups()) if match else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _borrow_dates(rows: list[LegacyRow]) -> None:
    """A row without a readable acceptance date takes its neighbour's day (ledgers run in date
    order), flagged for checking; without any, the import decides (finished date, else today)."""
    dated = [r for r in rows if not r.skipped and r.accepted_at is not None]
    for row in rows:
        if row.skipped or row.accepted_at is not None:
            continue
        before = [r for r in dated if r.line < row.line]
        neighbour = before[-1] if before else next((r for r in dated if r.line > row.line), None)
        if neighbour is not None and neighbour.accepted_at is not None:
            row.accepted_at = datetime.combine(neighbour.accepted_at.date(), time())
            row.flags.append(f"受理日期按第{neighbour.line}行记（{row.accepted_at:%Y-%m-%d}），请核实")


def _header_key(text: str) -> str | None:
    # 反映事项（问题）, 办理对象(姓名/单位): the annotation is not part of the name.
    plain = re.sub(r"[（(][^（）()]*[）)]", "", re.sub(r"\s+", "", text))
    for key, names in HEADERS.items():
        if plain in names:
            return key
    return None


def read_legacy_ledger(path: Path | str) -> LegacyLedger:
    """Read every sheet that has a ledger header (one per quarter, say); every row under it gets a fate."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = Path(path)
    if not source.exists():
        raise ValidationError(f"找不到文件“{source}”")
    if source.is_dir():
        raise ValidationError(f"“{source}”是一个文件夹，请选择台账的 Excel 文件（.xlsx）")
    suffix = source.suffix.lower()
    if suffix in (".xls", ".et", ".csv", ".ods", ".wps"):
        kind = "旧版 Excel（.xls）" if suffix == ".xls" else f"{suffix} "
        raise ValidationError(
            f"“{source.name}”是{kind}文件，只能导入 .xlsx：请在 Excel 或 WPS 中打开它，另存为 .xlsx 后再导入"
        )
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except PermissionError:
        raise ValidationError(f"无法读取“{source.name}”：没有读取权限，或文件正被其他程序占用") from None
    except (OSError, InvalidFileException, KeyError, ValueError, zipfile.BadZipFile):
        raise ValidationError(
            f"无法读取 Excel 文件“{source.name}”：文件已损坏或不是 .xlsx 格式，请用 Excel 或 WPS 打开后另存为 .xlsx 再试"
        ) from None
    ledgers: list[LegacyLedger] = []
    notes: list[str] = []
    try:
        for sheet in book.worksheets:
            grid = [list(row) for row in sheet.iter_rows(values_only=True)]
            found = _find_header(grid)
            if found is not None:
                ledgers.append(_read(source, sheet.title, grid, *found))
            elif any(_text(v) for row in grid for v in row):
                notes.append(f"工作表“{sheet.title}”中没有台账表头，未读取")
    finally:
        book.close()
    if not ledgers:
        raise ValidationError(
            f"“{source.name}”中找不到台账的表头：需要一行含有“反映事项”等列名（工单编号、办理对象、联系电话、反映事项……）"
        )
    first = ledgers[0]
    first.sheets = [ledger.sheet for ledger in ledgers]
    first.notes = notes
    if len(ledgers) > 1:
        for ledger in ledgers:
            for row in ledger.rows:
                row.sheet = ledger.sheet
        first.rows = [row for ledger in ledgers for row in ledger.rows]
        first.extra_columns = list(dict.fromkeys(c for ledger in ledgers for c in ledger.extra_columns))
    return first


def _find_header(grid: list[list[object]]) -> tuple[int, dict[int, str], list[tuple[int, str]]] | None:
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
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
    # For a date written without its year: the year of the row above, else of the title (2025年…).
    found_year = re.search(r"(20\d{2})", title)
    year: int | None = int(found_year.group(1)) if found_year else None
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
            if moment is None and _text(value):
                label = header_texts.get(key, key)
                moment = parse_without_year(value, year) if year is not None else None
                if moment is not None:
                    row.flags.append(f"{label}“{_text(value)}”未写年份，按{year}年导入")
                else:
                    row.flags.append(f"{label}“{_text(value)}”无法识别")
            setattr(row, key, moment)
            if key == "accepted_at" and moment is not None:
                year = moment.year
        if row.accepted_at is None and not _text(cells.get("accepted_at")):
            row.flags.append("缺受理时间")
        if not row.result:
            row.flags.append("缺处理结果，按未办结导入")
    _borrow_dates(rows)
    return LegacyLedger(
        path=source,
        sheet=sheet,
        title=title,
        header_line=header + 1,
        columns=header_texts,
        extra_columns=[name for _column, name in extras],
        rows=rows,
    )
