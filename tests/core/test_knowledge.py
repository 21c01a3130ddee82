"""知识库: kept by the back office, picked when a ticket is explained, its uses counted."""

from __future__ import annotations

import json

import pytest

from bbc_desktop.cli import main as bbc
from bbc_desktop.core import tickets as t
from bbc_desktop.core.errors import NotFound, ValidationError
from bbc_desktop.core.knowledge import list_entries, save_entry
from bbc_desktop.core.permissions import ROLE_PERMISSIONS, Permission, Role

ENTRY = {
    "title": "不动产登记须本人到场",
    "text": "办理不动产转移登记，须权利人本人或其委托代理人到场申请。",
    "citation": "《不动产登记暂行条例》第十四条",
}


def _explained(db, ctx, **how) -> t.Ticket:  # type: ignore[no-untyped-def, name-defined]
    with db.session() as s:
        number = t.register(s, ctx, t.Intake(content="要求代办过户", name="张三", phone="13812345678")).number
        return t.explain(s, ctx, number, **how)


def test_an_entry_is_picked_counted_and_retired_never_deleted(db, ctx):
    with db.session() as s:
        entry_id = save_entry(s, ctx, None, ENTRY).id
    ticket = _explained(db, ctx, text="", library=ENTRY["title"])
    assert ticket.explanation == ENTRY["text"] + "（依据：" + ENTRY["citation"] + "）"
    assert ticket.explanation_id == entry_id and ticket.reply_text == ticket.explanation
    _explained(db, ctx, text="按条例须本人到场，已当面说明。", library=entry_id)  # adapted words
    _explained(db, ctx, text="与本窗口无关，已说明。")  # no entry
    with db.session() as s:
        [entry] = list_entries(s)
        assert (entry.title, entry.uses) == (ENTRY["title"], 2)
        save_entry(s, ctx, entry_id, ENTRY, active=False)
    with db.session() as s:
        assert list_entries(s) == [] and list_entries(s, include_retired=True)[0].uses == 2
    with pytest.raises(ValidationError, match="已停用"):
        _explained(db, ctx, text="", library=entry_id)
    with pytest.raises(NotFound, match="没有"):
        _explained(db, ctx, text="", library="无此条目")


def test_entries_are_checked(db, ctx):
    with db.session() as s:
        save_entry(s, ctx, None, ENTRY)
    for values, said in (
        (ENTRY, "已有标题"),
        (ENTRY | {"title": "新标题", "text": "  "}, "解释说明内容"),
        (ENTRY | {"title": ""}, "标题"),
    ):
        with pytest.raises(ValidationError, match=said), db.session() as s:
            save_entry(s, ctx, None, values)
    assert Permission.KNOWLEDGE in ROLE_PERMISSIONS[Role.BACK_OFFICE]
    assert Permission.KNOWLEDGE not in ROLE_PERMISSIONS[Role.FRONT_DESK]
    assert Permission.KNOWLEDGE not in ROLE_PERMISSIONS[Role.LEADER]


def test_the_command_line(db, monkeypatch, capsys):
    monkeypatch.setenv("BBC_DB", db.target)
    monkeypatch.setenv("BBC_NOW", "2026-11-23T09:30")
    assert (
        bbc(
            [
                "knowledge",
                "add",
                "--title",
                ENTRY["title"],
                "--text",
                ENTRY["text"],
                "--citation",
                ENTRY["citation"],
            ]
        )
        == 0
    )
    assert (
        bbc(
            [
                "intake",
                "--name",
                "张三",
                "--phone",
                "13812345678",
                "--content",
                "要求代办过户",
                "--grade",
                "blue",
            ]
        )
        == 0
    )
    assert bbc(["explain", "BBC-2026-0001", "--library", ENTRY["title"]]) == 0
    capsys.readouterr()
    assert bbc(["knowledge", "list", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert (entry["title"], entry["uses"]) == (ENTRY["title"], 1)
    assert bbc(["knowledge", "retire", ENTRY["title"]]) == 0
    assert capsys.readouterr().out == f"已停用知识库条目 {entry['id']}：{ENTRY['title']}\n"
    assert (
        bbc(
            ["intake", "--name", "李四", "--phone", "13912345678", "--content", "要求代办", "--grade", "blue"]
        )
        == 0
    )
    capsys.readouterr()
    assert bbc(["explain", "BBC-2026-0002"]) == 1  # neither words nor an entry
    assert "解释说明内容" in capsys.readouterr().err
