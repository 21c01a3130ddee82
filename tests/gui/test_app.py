"""The start-up window on a real database, driven offscreen with pytest-qt."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from bbc_desktop.core import tickets as t
from bbc_desktop.gui.app import StatusWindow, main, open_into, parse_args

TIMEOUT = 30_000


def _window(qtbot) -> StatusWindow:  # type: ignore[no-untyped-def]
    window = StatusWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_shows_the_database_and_its_tickets(qtbot, db, ctx, tmp_path):
    with db.session() as s:
        t.register(s, ctx, t.Intake(content="x", name="张三", phone="13800000000", lead_unit="区教育局"))
        t.register(s, ctx, t.Intake(content="y", name="李四", phone="13800000001"))
    window = _window(qtbot)
    assert window.summary.text() == "正在打开数据库……"
    open_into(window, str(tmp_path / "test.sqlite3"), demo=False)
    qtbot.waitUntil(lambda: "工单共" in window.summary.text(), timeout=TIMEOUT)
    text = window.summary.text()
    assert "工单共 2 件，待承办单位办结 2 件" in text and "已受理 1 件" in text and "已转办 1 件" in text
    assert window.windowTitle() == "北关区“办不成事”反映窗口"
    assert window.cards.isVisible()
    assert ">2</span><br>待承办单位办结" in window.figures["awaiting"].text()
    assert ">0</span><br>已超期" in window.figures["overdue"].text()


def test_demo_mode_fills_a_throwaway_database(qtbot):
    window = _window(qtbot)
    open_into(window, None, demo=True)
    qtbot.waitUntil(lambda: "工单共" in window.summary.text(), timeout=TIMEOUT)
    assert "（演示数据）" in window.summary.text()
    assert "工单共 300 件" in window.summary.text()
    assert "超期" in window.summary.text()


def test_bad_database_path_gives_a_message_not_a_crash(qtbot, tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    window = _window(qtbot)
    open_into(window, str(tmp_path), demo=False)  # a folder, not a file
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
    assert "文件夹" in shown[0]
    assert window.summary.text() == "数据库未能打开"


def test_command_line_options():
    args = parse_args(["--demo", "--db", "x.sqlite3"])
    assert args.demo and args.db == "x.sqlite3"


def test_main_opens_the_window_and_runs_the_event_loop(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: list[str] = []

    def close_when_loaded() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, StatusWindow) and w.isVisible()]
        if windows and "工单共" in windows[0].summary.text():
            seen.append(windows[0].summary.text())
            windows[0].close()
            QApplication.quit()
        else:
            QTimer.singleShot(50, close_when_loaded)

    QTimer.singleShot(50, close_when_loaded)
    assert main(["--db", str(tmp_path / "main.sqlite3")]) == 0
    assert seen and "工单共 0 件" in seen[0]
