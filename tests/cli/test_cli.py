"""The ``bbc`` command line: same core, exit codes 0/1/2, one Chinese line on errors, JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bbc_desktop.db.session import make_engine, resolve_url

INTAKE = [
    "intake",
    "--name",
    "李𠮷",
    "--phone",
    "13912345678",
    "--content",
    "营业执照变更窗口推诿",
    "--grade",
    "blue",
]


def test_due_examples(bbc):
    assert bbc("due", "--grade", "blue", "--accepted", "2026-03-07") == (0, "2026-03-11\n", "")
    assert bbc("due", "--grade", "blue", "--accepted", "2025-09-30") == (0, "2025-10-11\n", "")
    assert bbc("due", "--grade", "红牌", "--accepted", "2031-03-03T10:00") == (
        0,
        "2031-03-17\nprovisional\n",
        "",
    )


def test_due_bad_input(bbc):
    code, out, err = bbc("due", "--grade", "green", "--accepted", "2026-03-07")
    assert (code, out) == (1, "")
    assert err.startswith("错误：牌色“green”无效") and err.count("\n") == 1
    code, _, err = bbc("due", "--grade", "blue")
    assert code == 2 and "缺少必填参数" in err


def test_intake_prints_only_the_number_and_show_json(bbc):
    code, out, err = bbc(*INTAKE, "--unit", "区市场监督管理局", "--category", "1", "--form", "written")
    assert (code, out, err) == (0, "BBC-2026-0001\n", "")
    code, out, _ = bbc("show", "BBC-2026-0001", "--json")
    [ticket] = json.loads(out)
    assert ticket["number"] == "BBC-2026-0001"
    assert (ticket["grade"], ticket["status"], ticket["unit"]) == ("blue", "dispatched", "区市场监督管理局")
    assert (ticket["due"], ticket["provisional"], ticket["overdue"]) == ("2026-11-26", False, False)
    assert ticket["name"] == "李𠮷"
    assert [e["kind"] for e in ticket["history"]] == ["registered", "dispatched"]
    assert "李𠮷" in out  # Chinese unescaped


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--phone", "555"), "电话号码"),
        (("--content", " "), "反映内容"),
        (("--unit", "不存在的局"), "不在单位名录"),
        (("--grade", "purple"), "牌色"),
        (("--accepted", "2030-01-01"), "不能晚于当前时间"),
        (("--name", "名" * 60), "过长"),
    ],
)
def test_intake_refusals_exit_1_and_change_nothing(bbc, tmp_path, change, message):
    bbc(*INTAKE)
    bbc("export", "--json", str(tmp_path / "before.json"))
    args = list(INTAKE)
    flag, value = change
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    code, out, err = bbc(*args)
    assert (code, out) == (1, "")
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    bbc("export", "--json", str(tmp_path / "after.json"))
    assert (tmp_path / "before.json").read_text("utf-8") == (tmp_path / "after.json").read_text("utf-8")


def test_list_filters_and_overdue(bbc, monkeypatch):
    bbc(*INTAKE, "--unit", "区教育局", "--accepted", "2026-11-02")  # blue, due 2026-11-05: overdue
    bbc(*INTAKE, "--unit", "区民政局", "--grade", "red")
    bbc(*INTAKE)  # registered, not dispatched
    code, out, _ = bbc("list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 3
    assert rows[0]["overdue"] is True and rows[0]["number"] == "BBC-2026-0001"  # overdue first
    code, out, _ = bbc("list", "--overdue", "--json")
    assert [r["number"] for r in json.loads(out)] == ["BBC-2026-0001"]
    code, out, _ = bbc("list", "--grade", "red", "--json")
    assert [r["grade"] for r in json.loads(out)] == ["red"]
    code, out, _ = bbc("list", "--unit", "区民政局", "--json")
    assert [r["unit"] for r in json.loads(out)] == ["区民政局"]
    code, out, _ = bbc("list", "--status", "registered", "--json")
    assert [r["status"] for r in json.loads(out)] == ["registered"]
    code, out, _ = bbc("list")
    assert "超期" in out and out.endswith("共 3 件（超期 1 件）\n")
    code, out, _ = bbc("list", "--search", "𠮷", "--json")  # one character: the character index
    assert len(json.loads(out)) == 3
    code, out, _ = bbc("list", "--search", "BBC-2026-0002", "--json")
    assert [r["number"] for r in json.loads(out)] == ["BBC-2026-0002"]
    code, out, _ = bbc("list", "--from", "2026-11-03", "--to", "2026-11-23", "--json")
    assert sorted(r["number"] for r in json.loads(out)) == ["BBC-2026-0002", "BBC-2026-0003"]
    code, _, err = bbc("list", "--from", "2026-11-24", "--to", "2026-11-03")
    assert code == 1 and "起始日不能晚于截止日" in err
    code, _, err = bbc("list", "--from", "11/03")
    assert code == 1 and "格式不正确" in err


def test_lifecycle_verbs(bbc):
    bbc(*INTAKE, "--unit", "区教育局")
    assert bbc("result", "BBC-2026-0001", "--text", "已办结", "--signer", "王局长")[0] == 0
    assert bbc("reply", "BBC-2026-0001", "--method", "phone", "--text", "已告知") == (
        0,
        "BBC-2026-0001\t已答复\n",
        "",
    )
    code, _, err = bbc("archive", "BBC-2026-0001")
    assert code == 1 and "不能归档" in err
    assert bbc("close", "BBC-2026-0001")[0] == 0
    assert bbc("show", "BBC-2026-9999")[0] == 1


def test_export_import_round_trip_into_fresh_database(bbc, tmp_path, monkeypatch, new_db_url):
    bbc(*INTAKE, "--unit", "区教育局", "--co-unit", "区财政局", "--confidential")
    bbc(*INTAKE, "--anonymous", "--name", "", "--phone", "")
    bbc("void", "BBC-2026-0002", "--reason", "重复录入")
    bbc("settings", "window_phone", "0372-5550000")
    first = tmp_path / "first.json"
    assert bbc("export", "--json", str(first))[0] == 0
    monkeypatch.setenv("BBC_DB", new_db_url("fresh", empty=True))
    assert bbc("init")[0] == 0
    assert bbc("import", "--json", str(first)) == (0, "已导入工单 2 件\n", "")
    second = tmp_path / "second.json"
    bbc("export", "--json", str(second))
    assert first.read_text("utf-8") == second.read_text("utf-8")
    code, _, err = bbc("import", "--json", str(first))
    assert code == 1 and "受理编号已存在" in err


def test_holidays_import_and_list(bbc, tmp_path):
    csv_file = tmp_path / "2031.csv"
    csv_file.write_text(
        "date,kind,name\n2031-03-10,holiday,测试假日\n2031-03-15,workday,调休\n", encoding="utf-8"
    )
    assert bbc("due", "--grade", "red", "--accepted", "2031-03-03")[1] == "2031-03-17\nprovisional\n"
    assert bbc("holidays", "import", str(csv_file))[0] == 0
    # with the official schedule entered the result is no longer provisional, and follows it
    code, out, _ = bbc("due", "--grade", "red", "--accepted", "2031-03-03")
    assert out == "2031-03-17\n"
    code, out, _ = bbc("holidays", "list", "--year", "2031")
    assert "2031-03-10\tholiday\t测试假日" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2031-02-30,holiday,x\n2031-04-01,rest,y\n", encoding="utf-8")
    code, _, err = bbc("holidays", "import", str(bad))
    assert code == 1 and "第2行" in err and "第3行" in err


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from bbc_desktop.cli import main; sys.exit(main())", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_real_process_never_imports_qt_and_prints_no_traceback(new_db_url):
    env = dict(os.environ, BBC_DB=new_db_url("p"), PYTHONIOENCODING="utf-8")
    probe = (
        "import sys; from bbc_desktop.cli import main; code = main(sys.argv[1:]);"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; sys.exit(code)"
    )
    for args in (
        ["init"],
        ["demo", "--tickets", "30"],
        ["list", "--json"],
        ["due", "--grade", "x", "--accepted", "y"],
    ):
        result = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1)
    bad = _run("intake", "--content", "x", "--grade", "blue", "--phone", "1", "--name", "a", env=env)
    assert bad.returncode == 1 and bad.stderr.startswith("错误：") and "Traceback" not in bad.stderr
    usage = _run("nonsense", env=env)
    assert usage.returncode == 2


def test_slip_and_receipt_as_pdf_files(bbc, tmp_path, monkeypatch):
    sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
    from pdf_tools import pdf_text

    bbc(*INTAKE, "--unit", "区教育局")
    bbc(*INTAKE, "--unit", "区民政局", "--content", "群众留言\U00031350请回复")
    target = tmp_path / "out" / "slip.pdf"
    target.parent.mkdir()
    code, out, err = bbc("slip", "BBC-2026-0001", "BBC-2026-0002", "-o", str(target))
    assert code == 0 and "已生成交办单 2 份（2 页）" in out
    assert "以下字符没有可用字体" in err and "\U00031350" in err  # said, not silently lost
    text = pdf_text(target.read_bytes())
    assert "BBC-2026-0001" in text and "BBC-2026-0002" in text and "李𠮷" in text
    monkeypatch.chdir(tmp_path)
    code, out, _ = bbc("receipt", "BBC-2026-0001")
    assert code == 0 and (tmp_path / "BBC-2026-0001-受理回执.pdf").is_file()
    assert "受理回执" in pdf_text((tmp_path / "BBC-2026-0001-受理回执.pdf").read_bytes())
    code, out, _ = bbc("show", "BBC-2026-0002", "--json")
    assert json.loads(out)[0]["history"][-1]["kind"] == "printed"  # who printed it and when is on record
    code, _, err = bbc("slip", "BBC-2026-0404", "-o", str(target))
    assert code == 1 and "没有受理编号为“BBC-2026-0404”的工单" in err
    code, _, err = bbc("slip", "BBC-2026-0001", "-o", str(tmp_path / "missing" / "x.pdf"))
    assert code == 1 and "无法写入文件" in err


def test_ledger_to_xlsx_and_pdf(bbc, tmp_path):
    from openpyxl import load_workbook

    bbc(*INTAKE, "--unit", "区教育局", "--accepted", "2026-11-02")
    bbc(*INTAKE, "--accepted", "2026-10-09")
    code, out, _ = bbc("ledger", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(tmp_path / "l.xlsx"))
    assert code == 0 and "已导出台账 1 件" in out
    sheet = load_workbook(tmp_path / "l.xlsx").active
    assert sheet["A1"].value.endswith("（2026年11月1日至2026年11月30日）")
    assert [c.value for c in sheet[3]][:3] == ["BBC-2026-0001", "李𠮷", "13912345678"]
    code, out, _ = bbc("ledger", "-o", str(tmp_path / "l.pdf"))
    assert code == 0 and "已导出台账 2 件" in out and (tmp_path / "l.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = bbc("ledger", "-o", str(tmp_path / "l.csv"))
    assert code == 1 and "只能导出为 .xlsx 或 .pdf" in err


def test_notice_pdf(bbc, tmp_path):
    bbc(*INTAKE, "--unit", "区教育局", "--accepted", "2026-11-02")  # blue, due 11-05: late
    code, out, _ = bbc("notice", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(tmp_path / "n.pdf"))
    assert code == 0 and "超期 1 件，涉及承办单位 1 个" in out
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = bbc("notice", "--from", "2026-11-30", "--to", "2026-11-01", "-o", str(tmp_path / "m.pdf"))
    assert code == 1 and "起始日不能晚于截止日" in err and not (tmp_path / "m.pdf").exists()


def test_report_pdf(bbc, tmp_path):
    sys.path.insert(0, str(Path(__file__).parents[1] / "printing"))
    from pdf_tools import squeeze, stream_text

    bbc(*INTAKE, "--unit", "区教育局", "--accepted", "2026-11-02")
    code, out, _ = bbc(
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "-o",
        str(tmp_path / "r.pdf"),
        "--measures",
        "建立周通报制度。",
    )
    assert code == 0 and "受理 1 件" in out
    text = squeeze(stream_text((tmp_path / "r.pdf").read_bytes()))
    assert (
        "整改情况报告" in text and "建立周通报制度。" in text and "BBC-2026-0001" in text
    )  # late: in the list
    code, out, _ = bbc("report", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(tmp_path / "r.docx"))
    assert code == 0 and "受理 1 件" in out
    import docx

    document = docx.Document(str(tmp_path / "r.docx"))
    assert "整改情况报告" in document.paragraphs[0].text
    code, _, err = bbc("report", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(tmp_path / "r.txt"))
    assert code == 1 and "只能导出为 .pdf 或 .docx" in err


def test_report_issue_archives_versions_and_exports_the_original(bbc, tmp_path):
    period = ("--from", "2026-11-01", "--to", "2026-11-30")
    assert bbc("issued") == (0, "（尚无已签发的整改情况报告）\n", "")
    code, _, err = bbc("report", *period, "-o", str(tmp_path / "a.pdf"), "--issue")
    assert code == 1 and "没有受理任何工单" in err and not (tmp_path / "a.pdf").exists()
    bbc(*INTAKE, "--accepted", "2026-11-02")
    code, out, _ = bbc("report", *period, "-o", str(tmp_path / "v1.pdf"), "--issue", "--measures", "第一稿")
    assert code == 0 and "已签发整改情况报告第1版（受理 1 件）" in out
    bbc(*INTAKE, "--accepted", "2026-11-03")  # the data change after issuing
    code, out, _ = bbc("report", *period, "-o", str(tmp_path / "v2.pdf"), "--issue")
    assert code == 0 and "第2版（受理 2 件）" in out
    code, out, _ = bbc("issued")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("2\t2026-11-01 至 2026-11-30　第2版") and lines[0].endswith("完好")
    # Version 1, exported again after the data changed, is byte for byte the PDF issued then.
    assert bbc("issued", "--id", "1", "-o", str(tmp_path / "again.pdf"))[0] == 0
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "v1.pdf").read_bytes()
    code, _, err = bbc("report", *period, "-o", str(tmp_path / "x.docx"), "--issue")
    assert code == 1 and "签发存档的是 PDF" in err


def test_import_ledger_preview_then_import_then_nothing_again(bbc):
    fixture = str(Path(__file__).parents[1] / "fixtures" / "legacy-ledger-2025.xlsx")
    code, out, err = bbc("import-ledger", fixture, "--preview")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("工作表“台账”第2行为表头（工单编号、办理对象")
    assert sum(line.startswith("第") for line in lines) == 26  # every row's fate
    assert "第8行：导入为 导入-2025-001（缺工单编号；缺处理结果，按未办结导入）" in lines
    assert "第28行：跳过（表尾签名行）" in lines
    assert lines[-1].startswith("预览（未写入数据库）：")
    assert bbc("list")[1] == "（没有符合条件的工单）\n共 0 件（超期 0 件）\n"
    code, out, _ = bbc("import-ledger", fixture)
    assert code == 0 and out.splitlines()[-1].startswith(
        "已导入：“legacy-ledger-2025.xlsx”共 26 行：导入 24 件"
    )
    listed = bbc("list", "--grade", "未定级")[1].splitlines()
    assert listed[-1] == "共 24 件（超期 0 件）"
    assert "导入-2025-001\t未定级\t已受理\t—\t未定\t孙某某\t" in listed
    code, out, _ = bbc("import-ledger", fixture)
    assert "导入 0 件" in out.splitlines()[-1] and "第4行：跳过（此前已导入为工单 2025-002）" in out
    code, _, err = bbc("import-ledger", __file__)
    assert code == 1 and err.startswith("错误：无法读取 Excel 文件")


def test_check_passes_then_names_a_tampered_event(bbc, tmp_path):

    bbc(*INTAKE)
    bbc("dispatch", "BBC-2026-0001", "--unit", "区教育局")
    code, out, err = bbc("check")
    assert (code, err) == (0, "") and "审计链：共" in out and "完整" in out
    if "sqlite" in os.environ["BBC_DB"]:
        assert "数据库文件完整性：正常" in out
    engine = make_engine(resolve_url(os.environ["BBC_DB"]))
    with engine.begin() as connection:  # another program, behind bbc's back
        victim = connection.exec_driver_sql("SELECT id FROM events WHERE kind = 'dispatched'").scalar()
        connection.exec_driver_sql(f"UPDATE events SET note = '改过' WHERE id = {victim}")
    engine.dispose()
    code, out, err = bbc("check")
    assert code == 1 and f"事件 {victim}" in err and "可能被改动" in err


def test_users_and_acting_as_an_account(bbc, monkeypatch):
    monkeypatch.delenv("BBC_OPERATOR", raising=False)
    # Before any login account: writes act as the built-in system account.
    assert bbc(*INTAKE)[0] == 0
    assert "system" in bbc("show", "BBC-2026-0001")[1]
    monkeypatch.setenv("BBC_PASSWORD", "short")
    code, _, err = bbc("users", "add", "admin", "--role", "admin")
    assert code == 1 and "密码至少 8 位" in err
    monkeypatch.setenv("BBC_PASSWORD", "counter2026")
    assert bbc("users", "add", "front", "--role", "front_desk")[2] == "错误：第一个登录账号必须是管理员\n"
    assert (
        bbc("users", "add", "admin", "--role", "admin", "--display", "张管理")[1]
        == "已创建账号 admin（管理员）\n"
    )
    # From now on every command signs in: an account and its password.
    code, _, err = bbc(*INTAKE)
    assert code == 1 and "请用 --as 账号 指明操作人" in err
    code, _, err = bbc("--operator", "王芳", "list")  # a name is not an account
    assert code == 1 and "请用 --as 账号" in err
    code, _, err = bbc("--as", "admin", "list")
    assert code == 1 and "BBC_AS_PASSWORD" in err  # no terminal here to type it
    monkeypatch.setenv("BBC_AS_PASSWORD", "wrong-password1")
    code, _, err = bbc("--as", "admin", "list")
    assert code == 1 and "再错 4 次将锁定账号" in err
    monkeypatch.setenv("BBC_AS_PASSWORD", "counter2026")
    monkeypatch.setenv("BBC_PASSWORD", "desk2026xy")  # the new account's
    assert bbc("--as", "admin", "users", "add", "front", "--role", "前台办理专员")[0] == 0
    monkeypatch.setenv("BBC_AS_PASSWORD", "desk2026xy")
    code, _, err = bbc("--as", "front", *INTAKE)
    assert code == 1 and "该账号的密码由管理员重置" in err  # set by the administrator: change it first
    with_front = {"BBC_AS": "front", "BBC_AS_PASSWORD": "desk2026xy"}
    from bbc_desktop.core.auth import change_password
    from bbc_desktop.db.session import open_database

    db = open_database(os.environ["BBC_DB"])
    with db.session() as s:
        from datetime import datetime

        change_password(s, "front", "desk2026xy", "mine2026ok", datetime(2026, 11, 23, 9, 31))
    db.dispose()
    with_front["BBC_AS_PASSWORD"] = "mine2026ok"
    for key, value in with_front.items():
        monkeypatch.setenv(key, value)
    assert bbc(*INTAKE)[1] == "BBC-2026-0002\n"
    code, _, err = bbc("users", "add", "x", "--role", "leader")
    assert code == 1 and "“前台办理专员”角色无权系统管理" in err
    code, _, err = bbc("export", "--json", "/dev/null")
    assert code == 1 and "无权系统管理" in err
    code, _, err = bbc("ledger", "-o", "/tmp/x.xlsx")
    assert code == 1 and "无权导出台账和报告" in err
    monkeypatch.setenv("BBC_AS", "admin")
    monkeypatch.setenv("BBC_AS_PASSWORD", "counter2026")
    assert bbc("users", "disable", "front")[1] == "已停用账号 front\n"
    listed = bbc("users", "list")[1].splitlines()
    assert listed[0] == "admin\t张管理\t管理员\t启用"
    assert "front\tfront\t前台办理专员\t已停用" in listed
    assert "system\tsystem\t管理员\t仅见于办理记录（不能登录）" in listed
    for key, value in with_front.items():
        monkeypatch.setenv(key, value)
    code, _, err = bbc("list")
    assert code == 1 and "已停用" in err  # reading too: a disabled account signs in to nothing


def test_show_masks_a_confidential_reporter_unless_revealed_on_record(bbc):
    bbc(*INTAKE, "--confidential")
    out = bbc("show", "BBC-2026-0001")[1]
    assert "李**（保密）" in out and "13912345678" not in out
    listed = json.loads(bbc("list", "--json")[1])
    assert listed[0]["phone"] == "139****5678" and listed[0]["name"] == "李**"
    out = bbc("show", "BBC-2026-0001", "--reveal")[1]
    assert "13912345678" in out and "查看保密信息" in out  # the look is in the history


def test_an_issue_whose_file_cannot_be_written_issues_nothing(bbc, tmp_path):
    bbc(*INTAKE, "--accepted", "2026-11-02")
    code, _, err = bbc(
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "-o",
        str(tmp_path / "无此目录" / "r.pdf"),
        "--issue",
    )
    assert code == 1 and "无法写入文件" in err
    assert bbc("issued")[1] == "（尚无已签发的整改情况报告）\n"


@pytest.mark.sqlite_only
def test_backup_by_hand(bbc, tmp_path):
    import sqlite3

    bbc(*INTAKE)
    code, out, _ = bbc("backup", "-o", str(tmp_path / "手动.sqlite3"))
    assert code == 0 and out.startswith("已备份数据库：")
    copy = sqlite3.connect(tmp_path / "手动.sqlite3")
    assert copy.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1
    copy.close()
    code, out, _ = bbc("backup")
    assert code == 0 and "backups/bbc-20261123-093000.sqlite3" in out


@pytest.mark.sqlite_only
def test_restore_checks_the_file_and_keeps_the_current_database(bbc, tmp_path):
    bbc(*INTAKE)
    assert bbc("backup", "-o", str(tmp_path / "one.sqlite3"))[0] == 0
    bbc(*INTAKE)  # a second ticket after the backup
    before = bbc("export", "--json", str(tmp_path / "before.json"))
    assert before[0] == 0
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 100)
    code, _, err = bbc("restore", str(tmp_path / "junk.sqlite3"))
    assert code == 1 and "不是有效的数据库文件" in err
    assert bbc("list")[1].splitlines()[-1] == "共 2 件（超期 0 件）"  # nothing replaced
    code, out, _ = bbc("restore", str(tmp_path / "one.sqlite3"))
    assert code == 0 and "工单 1 件" in out and "恢复前的数据库已备份为" in out
    assert bbc("list")[1].splitlines()[-1] == "共 1 件（超期 0 件）"
    kept = out.rsplit("：", 1)[1].strip()
    code, out, _ = bbc("restore", kept)  # and back: the kept copy is the database from before
    assert code == 0 and "工单 2 件" in out
    assert bbc("export", "--json", str(tmp_path / "after.json"))[0] == 0
    strip = lambda p: {k: v for k, v in json.loads(p.read_text()).items() if k != "exported_at"}  # noqa: E731
    assert strip(tmp_path / "before.json") == strip(tmp_path / "after.json")  # a round trip changes nothing
    assert bbc("check")[0] == 0


def test_migrate_to_copies_everything_onto_a_new_database(bbc, tmp_path, monkeypatch, new_db_url):
    """This PC's SQLite file onto the hall's server (on the PostgreSQL run; a second file otherwise)."""
    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.attachments import add_attachment
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.session import open_database

    source = str(tmp_path / "counter.sqlite3")
    monkeypatch.setenv("BBC_DB", source)
    bbc(*INTAKE)
    bbc(*INTAKE, "--unit", "区教育局")
    db = open_database(source)
    scan = tmp_path / "回执.pdf"
    scan.write_bytes(b"%PDF-1.4 the unit's signed receipt")
    with db.session() as s:
        ctx = Context(clock=FixedClock(datetime(2026, 11, 23, 9, 40)), operator="system")
        add_attachment(s, ctx, t.get_ticket(s, "BBC-2026-0002"), scan, db.attachments_dir)
    db.dispose()
    monkeypatch.setenv("BBC_PASSWORD", "counter2026")
    assert bbc("users", "add", "admin", "--role", "admin")[0] == 0
    monkeypatch.setenv("BBC_AS", "admin")
    monkeypatch.setenv("BBC_AS_PASSWORD", "counter2026")
    assert bbc("export", "--json", str(tmp_path / "before.json"))[0] == 0

    server = new_db_url("server", empty=True)
    code, out, err = bbc("migrate-to", server, "--use")
    assert (code, err) == (0, "")
    assert "工单 2 件" in out and "本机今后使用该数据库" in out
    monkeypatch.delenv("BBC_DB")  # from now on: this PC's choice
    assert "本机设置" in bbc("database", "show")[1]
    assert bbc("export", "--json", str(tmp_path / "after.json"))[0] == 0
    strip = lambda p: {k: v for k, v in json.loads(p.read_text()).items() if k != "exported_at"}  # noqa: E731
    assert strip(tmp_path / "before.json") == strip(tmp_path / "after.json")
    code, out, _ = bbc("check")
    assert code == 0 and "完整" in out  # the audit chain arrived intact
    assert bbc(*INTAKE)[1] == "BBC-2026-0003\n"  # numbering (and ids) continue
    moved = open_database(server)
    with moved.session() as s:
        attachment = t.get_ticket(s, "BBC-2026-0002").attachments[0]
        from bbc_desktop.core.attachments import attachment_file

        store = moved.attachments_dir if "://" not in server else tmp_path / "another-pc"
        assert attachment_file(attachment, store).read_bytes() == scan.read_bytes()
    moved.dispose()
    monkeypatch.setenv("BBC_DB", source)
    code, _, err = bbc("migrate-to", server)
    assert code == 1 and "已有工单 3 件" in err  # never over work already there


def test_an_error_is_one_line_even_when_the_input_had_line_breaks(bbc):
    """Found by the long fuzzing run: a setting named by a line break echoed it into the message."""
    assert bbc("settings", "\n", "") == (1, "", "错误：请给出设置项的名称\n")
    assert bbc("settings", "窗口\n名称", "x") == (1, "", "错误：没有名为“窗口 名称”的设置项\n")
