"""The unit's side through ``bbc``: each verb over the same core, its refusals one Chinese line."""

from __future__ import annotations

import subprocess


def _dispatched(bbc, grade: str = "yellow") -> str:  # type: ignore[no-untyped-def]
    code, out, err = bbc(
        "intake", "--name", "李四", "--phone", "13912345678", "--content", "营业执照变更窗口推诿",
        "--grade", grade, "--unit", "区市场监督管理局",
    )  # fmt: skip
    assert code == 0, err
    return out.split()[0]


def test_acknowledge_send_back_and_reassign(bbc, monkeypatch):
    number = _dispatched(bbc)
    assert bbc("ack", number, "--by", "王联络", "--how", "scan") == (
        0,
        f"{number}\t已转办\t区市场监督管理局\t已签收\t2026-11-30\n",
        "",
    )
    code, _out, err = bbc("ack", number)
    assert code == 1 and err == "错误：承办单位已签收该工单\n"
    assert bbc("send-back", number, "--grounds", "territory", "--reason", "属柏庄镇") == (
        0,
        f"{number}\t已转办\t退单待审\n",
        "",
    )
    monkeypatch.setenv("BBC_NOW", "2026-11-24T10:00")
    code, out, err = bbc("reassign", number, "--unit", "柏庄镇")  # rules the send-back
    assert (code, out) == (0, f"{number}\t已转办\t柏庄镇\t未签收\t2026-12-01\n"), err
    code, _out, err = bbc("keep", number, "--note", "不予认可")
    assert code == 1 and "没有待审定的退单" in err


def test_keep_extend_and_decide(bbc, monkeypatch):
    number = _dispatched(bbc, "blue")  # due 2026-11-26
    bbc("send-back", number, "--grounds", "职能交叉")
    assert (
        bbc("keep", number, "--note", "属本单位职责")[1]
        == f"{number}\t已转办\t区市场监督管理局\t未签收\t2026-11-26\n"
    )
    assert (
        bbc("extend", number, "--days", "2", "--reason", "需现场核查")[1] == f"{number}\t已转办\t延期待批\n"
    )
    code, _out, err = bbc("extension", "approve", number)
    assert code == 1 and "告知反映人" in err
    assert bbc("extension", "approve", number, "--told", "phone")[1].endswith("\t2026-11-30\n")
    bbc("extend", number, "--days", "1", "--reason", "再等一天")
    code, _out, err = bbc("extension", "refuse", number)
    assert code == 2  # --note is required: a usage error
    assert bbc("extension", "refuse", number, "--note", "不同意")[1].endswith("\t2026-11-30\n")
    monkeypatch.setenv("BBC_NOW", "2026-12-01T09:00")
    code, _out, err = bbc("extend", number, "--days", "2", "--reason", "还要时间")
    assert code == 1 and "办理期限（2026年11月30日）已过" in err


def test_urge_writes_the_notice(bbc, tmp_path, monkeypatch):
    number = _dispatched(bbc, "blue")
    monkeypatch.setenv("BBC_NOW", "2026-11-27T09:00")
    target = tmp_path / "催办通知书.pdf"
    assert bbc("urge", number, "-o", str(target)) == (0, f"已催办 1 件并生成催办通知书：{target}\n", "")
    text = "".join(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(target), "-"], capture_output=True, text=True
        ).stdout.split()
    )
    assert "催办通知书" in text and "区市场监督管理局：" in text and "已超过办理期限1个工作日" in text
    assert "李四" not in text  # the notice names the matter, not the reporter
    code, _out, err = bbc("urge", number, "-o", str(tmp_path / "无此目录" / "x.pdf"))
    assert code == 1 and "无法写入文件" in err
    history = bbc("show", number)[1]
    assert history.count("  催办  ") == 1  # the refused second urge left no trace


def test_batch_urge_and_escalation(bbc, tmp_path, monkeypatch):
    first, second = _dispatched(bbc, "blue"), _dispatched(bbc, "blue")  # both due 11-26
    monkeypatch.setenv("BBC_NOW", "2026-11-27T09:00")
    target = tmp_path / "催办.pdf"
    assert bbc("urge", "--due", "-o", str(target))[1] == f"已催办 2 件并生成催办通知书：{target}\n"
    assert bbc("urge", "--due", "-o", str(target))[1] == "没有需要催办的工单\n"
    monkeypatch.setenv("BBC_NOW", "2026-12-04T09:00")
    code, out, err = bbc("escalate-due")
    assert (code, out.split(), err) == (0, [first, second], "已移交督办 2 件\n")
