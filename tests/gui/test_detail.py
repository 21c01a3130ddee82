"""The ticket detail pane on a real database: fields, deadline, history, confidentiality, attachments, links."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel
from sqlalchemy import select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.db.models import Attachment, Event
from bbc_desktop.gui.detail import DetailPane, describe_changes
from bbc_desktop.gui.state import AppState

TIMEOUT = 10_000


@pytest.fixture
def state(db, ctx) -> AppState:  # type: ignore[no-untyped-def]
    return AppState(db, ctx)


def register(state: AppState, **overrides) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    values = {
        "content": "到不动产登记窗口办理过户，材料齐全但窗口以系统故障为由拒收，已往返三次。",
        "name": "张𠮷",
        "phone": "138-1234-5678",
    }
    values.update(overrides)
    with state.session() as s:
        ticket = t.register(s, state.ctx, t.Intake(**values))
        return ticket.id, ticket.number


def make_pane(qtbot, state: AppState) -> DetailPane:  # type: ignore[no-untyped-def]
    pane = DetailPane(state)
    qtbot.addWidget(pane)
    pane.resize(480, 900)
    pane.show()
    return pane


def show(qtbot, pane: DetailPane, ticket_id: int) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        pane.show_ticket(ticket_id)
    assert pane.ticket_id == ticket_id


def text(pane: DetailPane, name: str) -> str:
    return pane.label(name).text()


def history_rows(pane: DetailPane) -> list[list[str]]:
    table = pane.history_table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def all_label_text(pane: DetailPane) -> str:
    return "\n".join(label.text() for label in pane.findChildren(QLabel))


def test_empty_pane_asks_for_a_ticket(qtbot, state):
    pane = make_pane(qtbot, state)
    assert pane.stack.currentIndex() == 0
    assert pane.empty_label.text() == "请在左侧队列中选择工单"
    assert pane.actions.enabled_actions() == []


def test_shows_fields_deadline_and_history(qtbot, state):
    ticket_id, number = register(
        state,
        grade="yellow",
        kind="company",
        company="北关区宏达建材有限公司",
        category="2",
        lead_unit="区自然资源局",
        co_units=("区住建局",),
        dispatch_note="请牵头协调",
    )
    pane = make_pane(qtbot, state)
    show(qtbot, pane, ticket_id)
    assert pane.stack.currentIndex() == 1
    assert text(pane, "numberLabel") == number == "BBC-2026-0001"
    assert pane.label("numberLabel").textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert text(pane, "gradeLabel").startswith("黄牌")
    assert text(pane, "statusLabel") == "已转办"
    assert text(pane, "unitLabel") == "区自然资源局"
    assert text(pane, "coUnitsLabel") == "区住建局"
    assert text(pane, "dispatchNoteLabel") == "请牵头协调"
    assert text(pane, "nameLabel") == "张𠮷"
    assert text(pane, "companyLabel") == "北关区宏达建材有限公司"
    assert text(pane, "phoneLabel") == "13812345678"
    assert text(pane, "categoryLabel").startswith("未及时受理")
    assert text(pane, "contentLabel").startswith("到不动产登记窗口办理过户")
    assert text(pane, "receivedByLabel") == "王芳"
    assert not pane.reveal_button.isVisible()
    # Monday 2026-11-23 + 5 working days = Monday 11-30; Tue..Fri and Mon are left.
    assert text(pane, "dueLabel") == "2026年11月30日（剩余5个工作日）"
    assert "b91c1c" not in pane.label("dueLabel").styleSheet()
    rows = history_rows(pane)
    assert [r[2] for r in rows] == ["受理登记", "转办"]
    assert all(r[1] == "王芳" for r in rows)
    assert rows[0][0] == "2026-11-23\n09:30"
    assert "牌色：黄牌" in rows[0][3]
    assert "状态：已受理 → 已转办" in rows[1][3]
    assert "承办单位：区自然资源局" in rows[1][3]
    assert Action.RECORD_RESULT in pane.actions.enabled_actions()


def test_overdue_due_today_and_after_the_result(qtbot, state, clock):
    clock.set(datetime(2026, 11, 16, 9, 0))  # Monday; blue is due Thursday 11-19
    late_id, late = register(state, lead_unit="区教育局")
    clock.set(datetime(2026, 11, 18, 9, 0))  # Wednesday; due Monday 11-23
    today_id, _ = register(state, lead_unit="区教育局")
    clock.set(datetime(2026, 11, 23, 9, 30))
    pane = make_pane(qtbot, state)
    show(qtbot, pane, late_id)
    assert text(pane, "dueLabel") == "2026年11月19日（已超期2个工作日）"
    assert "b91c1c" in pane.label("dueLabel").styleSheet()
    show(qtbot, pane, today_id)
    assert text(pane, "dueLabel") == "2026年11月23日（今天到期）"
    with state.session() as s:
        t.record_result(s, state.ctx, late, "已办理")
    show(qtbot, pane, late_id)
    assert text(pane, "dueLabel") == "2026年11月19日"
    assert text(pane, "resultLabel") == "已办理"


def test_confidential_reporter_is_masked_until_revealed(qtbot, state):
    ticket_id, _ = register(state, name="李秘密", phone="13900001111", confidential=True)
    pane = make_pane(qtbot, state)
    show(qtbot, pane, ticket_id)
    assert text(pane, "nameLabel") == "李**"
    assert text(pane, "phoneLabel") == "139****1111"
    assert text(pane, "flagsLabel") == "要求保密"
    assert "李秘密" not in all_label_text(pane) and "13900001111" not in all_label_text(pane)
    assert pane.reveal_button.isVisible()

    with qtbot.waitSignal(pane.ticket_changed, timeout=TIMEOUT) as changed:
        qtbot.mouseClick(pane.reveal_button, Qt.MouseButton.LeftButton)
    assert changed.args == [ticket_id]
    assert text(pane, "nameLabel") == "李秘密"
    assert text(pane, "phoneLabel") == "13900001111"
    qtbot.waitUntil(lambda: "查看保密信息" in [r[2] for r in history_rows(pane)], timeout=TIMEOUT)
    # Reloading the same ticket keeps what was revealed; the look is on record.
    assert text(pane, "nameLabel") == "李秘密"
    assert not pane.reveal_button.isVisible()
    with state.session() as s:
        kinds = s.scalars(select(Event.kind).where(Event.ticket_id == ticket_id)).all()
    assert kinds.count("identity_revealed") == 1


def test_adding_and_opening_an_attachment(qtbot, state, tmp_path, monkeypatch):
    ticket_id, _ = register(state, lead_unit="区教育局")
    scan = tmp_path / "交办单签字.pdf"
    scan.write_bytes(b"%PDF-1.4 signed slip")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(scan), ""))
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    pane = make_pane(qtbot, state)
    show(qtbot, pane, ticket_id)
    assert pane.label("attachmentMessageLabel").text() == "暂无附件"

    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(pane.add_attachment_button, Qt.MouseButton.LeftButton)
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    stored = state.db.attachments_dir / f"{sha}.pdf"
    assert stored.read_bytes() == scan.read_bytes()
    with state.session() as s:
        rows = s.scalars(select(Attachment).where(Attachment.ticket_id == ticket_id)).all()
        assert [(a.filename, a.sha256) for a in rows] == [("交办单签字.pdf", sha)]
    tree = pane.attachment_tree
    assert tree.topLevelItemCount() == 1
    item = tree.topLevelItem(0)
    assert [item.text(c) for c in range(4)] == ["交办单签字.pdf", "20 字节", "2026-11-23 09:30", "王芳"]
    assert "添加附件" in [r[2] for r in history_rows(pane)]

    assert not pane.open_attachment_button.isEnabled()
    tree.setCurrentItem(item)
    qtbot.mouseClick(pane.open_attachment_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(stored)]


def test_a_refused_attachment_shows_the_message(qtbot, state, tmp_path, monkeypatch):
    ticket_id, _ = register(state)
    empty = tmp_path / "空白.pdf"
    empty.write_bytes(b"")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(empty), ""))
    pane = make_pane(qtbot, state)
    show(qtbot, pane, ticket_id)
    with qtbot.waitSignal(pane.failed, timeout=TIMEOUT) as failed:
        qtbot.mouseClick(pane.add_attachment_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["文件“空白.pdf”是空的"]
    assert text(pane, "attachmentMessageLabel") == "文件“空白.pdf”是空的"
    with state.session() as s:
        assert s.scalars(select(Attachment)).all() == []


def test_linked_ticket_double_click_opens_it(qtbot, state):
    first_id, first = register(state)
    second_id, second = register(state, content="同一事项再次反映")
    with state.session() as s:
        t.link(s, state.ctx, second, first)
    pane = make_pane(qtbot, state)
    show(qtbot, pane, first_id)
    assert pane.linked_list.count() == 1
    item = pane.linked_list.item(0)
    assert item.text() == f"{second}　已受理"
    rect = pane.linked_list.visualItemRect(item)
    # A real double click is press, release, then the double-click event; QTest sends only the last.
    qtbot.mouseClick(pane.linked_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(pane.open_ticket, timeout=TIMEOUT) as opened:
        qtbot.mouseDClick(pane.linked_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [second_id]


def test_an_action_from_the_pane_reloads_it(qtbot, state):
    ticket_id, number = register(state)
    pane = make_pane(qtbot, state)
    show(qtbot, pane, ticket_id)
    with state.session() as s:
        t.dispatch(s, state.ctx, number, "区人社局")
    with (
        qtbot.waitSignal(pane.ticket_changed, timeout=TIMEOUT),
        qtbot.waitSignal(pane.loaded, timeout=TIMEOUT),
    ):
        pane.actions.ticket_changed.emit(ticket_id)
    assert text(pane, "unitLabel") == "区人社局"
    assert text(pane, "statusLabel") == "已转办"


def test_unknown_ticket_reports_failure(qtbot, state):
    pane = make_pane(qtbot, state)
    with qtbot.waitSignal(pane.failed, timeout=TIMEOUT) as failed:
        pane.show_ticket(9999)
    assert "不存在" in failed.args[0]
    assert pane.empty_label.text() == failed.args[0]


def test_history_changes_read_in_chinese():
    lines = describe_changes(
        {"status": "registered", "grade": "blue", "due_date": "2026-11-26", "dispatch_note": ""},
        {"status": "dispatched", "grade": "red", "due_date": "2026-12-07", "dispatch_note": "请办理"},
    )
    assert lines == [
        "状态：已受理 → 已转办",
        "牌色：蓝牌 → 红牌",
        "办理期限：2026-11-26 → 2026-12-07",
        "批转意见：请办理",
    ]
