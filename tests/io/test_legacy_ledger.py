"""Reading hand-kept Excel ledgers: the real-shaped fixture, and the untidiness it stands for."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.io.legacy_ledger import parse_ledger_date, read_legacy_ledger

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy-ledger-2025.xlsx"


def test_the_fixture_every_row_has_a_fate():
    ledger = read_legacy_ledger(FIXTURE)
    assert ledger.title == "北关区“办不成事”事项处理进度跟踪台账" and ledger.header_line == 2
    assert list(ledger.columns.values()) == [
        "工单编号",
        "办理对象",
        "联系电话",
        "反映事项",
        "受理人",
        "受理时间",
        "处理结果",
        "办结时间",
    ]
    assert [r.line for r in ledger.rows] == list(range(3, 29))  # every row under the header, none lost
    assert len(ledger.to_import) == 24
    assert [(r.line, r.skipped) for r in ledger.skipped] == [(27, "空行"), (28, "表尾签名行")]
    by_number = {r.number: r for r in ledger.to_import}
    assert by_number["2025-005"].phone == "19423667127"  # stored as a number
    assert by_number["2025-007"].phone == "16176031372"  # "161 7603 1372"
    assert by_number["2025-011"].phone == "18551313735"  # "185-5131-3735"
    assert by_number["2025-001"].accepted_at == datetime(2025, 8, 15)  # "2025/08/15"
    assert by_number["2025-003"].accepted_at == datetime(2025, 12, 16)  # "2025年12月16日"
    assert by_number["2025-003"].finished_at == datetime(2025, 12, 22)  # "2025.12.22"
    assert by_number["2025-004"].accepted_at == datetime(2025, 8, 25, 10, 17)  # "2025-08-25 10:17"
    assert by_number["2025-002"].accepted_at == datetime(2025, 6, 25)  # an Excel date
    open_case = by_number["2025-005"]
    assert (
        open_case.result == ""
        and open_case.finished_at is None
        and "缺处理结果，按未办结导入" in open_case.flags
    )
    nameless = next(r for r in ledger.to_import if not r.number)
    assert nameless.line == 8 and nameless.reporter == "孙某某" and "缺工单编号" in nameless.flags
    assert "缺联系电话" in by_number["2025-001"].flags
    assert (
        ledger.rows[0].fate == "第3行：导入（缺联系电话）"
        and ledger.skipped[1].fate == "第28行：跳过（表尾签名行）"
    )


def test_an_untidier_ledger(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年台账"])
    sheet.append(["（内部资料）"])
    sheet.append(["序号", "编号", "反映人", "电话", "反映内容", "受理日期", "办理结果", "办结日期", "备注"])
    sheet.append([1, "A-1", "张三", "138 1234 5678", "窗口推诿", 45300, "已办结", "2024年1月10日", "复核"])
    sheet.append([2, "A-2", "李四", "电话不详", "材料被退回", "上周三", "", "", ""])
    sheet.append([3, "A-3", "王五", "13900001111", "", "2024-01-05", "", "", "误登"])
    sheet.append(["审核人：", "", "", "", "", "", "", "", ""])
    path = tmp_path / "old.xlsx"
    book.save(path)
    ledger = read_legacy_ledger(path)
    assert ledger.header_line == 3 and ledger.title == "2024年台账"
    assert ledger.extra_columns == ["序号", "备注"]
    first, second, third, signature = ledger.rows
    assert first.accepted_at == datetime(2024, 1, 9) and first.finished_at == datetime(
        2024, 1, 10
    )  # serial 45300
    assert first.phone == "13812345678" and first.extra == {"序号": "1", "备注": "复核"} and first.flags == []
    assert (
        "电话“电话不详”格式无法识别，按原样导入" in second.flags
        and "受理日期“上周三”无法识别" in second.flags
    )
    # Ledgers run in date order: the unreadable date takes the row above's day, for checking.
    assert (
        second.accepted_at == datetime(2024, 1, 9)
        and "受理日期按第4行记（2024-01-09），请核实" in second.flags
    )
    assert third.skipped == "没有反映事项" and signature.skipped == "表尾签名行"


def test_dates_without_a_year_take_the_rows_around_them(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "办理对象", "反映事项", "受理时间", "办结时间"])
    sheet.append(["1", "张三", "甲", "3月5日", ""])  # before any dated row: the year of the title? none
    sheet.append(["2", "李四", "乙", "2025/3/6 9:30", "3月9日"])
    sheet.append(["3", "王五", "丙", "3月10日 14时05分", ""])
    sheet.append(["4", "赵六", "丁", "20250312", ""])
    path = tmp_path / "noyear.xlsx"
    book.save(path)
    first, second, third, fourth = read_legacy_ledger(path).rows
    assert "受理时间“3月5日”无法识别" in first.flags and first.accepted_at == datetime(2025, 3, 6)
    assert (
        second.finished_at == datetime(2025, 3, 9)
        and "办结时间“3月9日”未写年份，按2025年导入" in second.flags
    )
    assert third.accepted_at == datetime(2025, 3, 10, 14, 5)
    assert fourth.accepted_at == datetime(2025, 3, 12) and fourth.flags == [
        "缺联系电话",
        "缺处理结果，按未办结导入",
    ]


def test_files_that_are_not_ledgers_are_refused_with_a_reason(tmp_path):
    book = Workbook()
    book.active.append(["姓名", "年龄"])
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(ValidationError, match="找不到台账的表头"):
        read_legacy_ledger(tmp_path / "other.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match=r"无法读取 Excel 文件“broken\.xlsx”"):
        read_legacy_ledger(tmp_path / "broken.xlsx")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025/8/5", datetime(2025, 8, 5)),
        ("2025.08.05 9:07", datetime(2025, 8, 5, 9, 7)),
        ("2025 年 8 月 5 日", datetime(2025, 8, 5)),
        ("2025-02-30", None),
        ("25.3.5", datetime(2025, 3, 5)),
        ("20250305", datetime(2025, 3, 5)),
        (20250305, datetime(2025, 3, 5)),
        ("2025年3月5日 14时05分", datetime(2025, 3, 5, 14, 5)),
        ("", None),
        (45300.5, datetime(2024, 1, 9, 12, 0)),
    ],
)
def test_dates_as_ledgers_write_them(value, expected):
    assert parse_ledger_date(value) == expected


def test_a_workbook_of_several_ledger_sheets_is_read_whole(tmp_path):
    book = Workbook()
    first = book.active
    first.title = "一季度"
    first.append(["一季度台账"])
    first.append(["编号", "办理对象（姓名/单位）", "反映事项（问题）", "受理时间"])
    first.append(["Q1-1", "张三", "甲", "2025-01-05"])
    second = book.create_sheet("二季度")
    for _ in range(25):  # a long preamble: the header is further down than 20 rows
        second.append(["说明"])
    second.append(["编号", "办理对象", "反映事项", "受理时间"])
    second.append(["Q2-1", "李四", "乙", "2025-04-05"])
    book.create_sheet("填表说明").append(["本表按季度填写"])
    path = tmp_path / "quarters.xlsx"
    book.save(path)
    ledger = read_legacy_ledger(path)
    assert ledger.sheets == ["一季度", "二季度"]
    assert ledger.notes == ["工作表“填表说明”中没有台账表头，未读取"]
    assert [r.where for r in ledger.rows] == ["工作表“一季度”第3行", "工作表“二季度”第27行"]
    assert ledger.rows[0].reporter == "张三" and ledger.rows[1].matter == "乙"
    assert ledger.header_text.startswith("读取工作表“一季度”、“二季度”")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "是旧版 Excel（.xls）文件，只能导入 .xlsx"),
        ("list.csv", "编号,反映事项\n".encode(), "是.csv 文件，只能导入 .xlsx"),
        ("broken.xlsx", b"PK\x03\x04 not really", "文件已损坏或不是 .xlsx 格式"),
    ],
)
def test_files_that_cannot_be_read_say_what_to_do(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        read_legacy_ledger(path)
    with pytest.raises(ValidationError, match="找不到文件"):
        read_legacy_ledger(tmp_path / "无.xlsx")
    with pytest.raises(ValidationError, match="是一个文件夹"):
        read_legacy_ledger(tmp_path)
