"""The dashboard: today at the window, open tickets per grade, the units holding most, a weekly trend.

Every number is a link: a click lists exactly its tickets in the queue (``core.dashboard`` gives
each figure its filter). Read off the GUI thread; refreshed on opening, with 刷新, and with the
window's reminders.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core.dashboard import Dashboard, Figure, dashboard
from bbc_desktop.core.tickets import load_calendar
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async

__all__ = ["DashboardDialog", "load_dashboard"]

_LINK = (
    "QPushButton { border: none; color: #1d4ed8; text-align: left; padding: 2px 4px; }"
    "QPushButton:hover { text-decoration: underline; }"
)
_BIG = "QPushButton { border: none; color: #1d4ed8; font-size: 22pt; font-weight: bold; padding: 0 8px; }"


def load_dashboard(state: AppState) -> Dashboard:
    with state.session() as session:
        return dashboard(session, state.ctx.clock.today(), load_calendar(session))


class DashboardDialog(QDialog):
    """Not modal: the operator keeps working in the main window beside it."""

    show_filter = Signal(object)  # core.queries.TicketFilter: list these tickets in the queue

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardDialog")
        self.setWindowTitle("工作台")
        self.setModal(False)
        self.state = state
        self.board: Dashboard | None = None
        self.buttons: dict[str, QPushButton] = {}
        self.body = QVBoxLayout()
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        self.status = QLabel("正在统计……")
        bar.addWidget(self.status, 1)
        bar.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(self.body)
        layout.addStretch(1)
        self.resize(620, 560)
        self.refresh()

    def refresh(self) -> None:
        self.status.setText("正在统计……")
        run_async(lambda: load_dashboard(self.state), self._show, self.status.setText)

    def _show(self, board: Dashboard) -> None:
        self.board = board
        while self.body.count():
            item = self.body.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.buttons.clear()
        self.body.addWidget(self._group("今日", board.today, big=True))
        self.body.addWidget(self._group("待办结工单（按牌色）", board.by_grade, big=True))
        self.body.addWidget(self._group("待办结最多的承办单位", board.most_open, empty="暂无待办结工单"))
        self.body.addWidget(self._group("超期最多的承办单位", board.most_overdue, empty="暂无超期工单"))
        self.body.addWidget(self._group("近八周每周受理件数", board.weekly))
        self.status.setText("点击任一数字，在工单列表中查看这些工单")

    def _group(self, title: str, figures: list[Figure], big: bool = False, empty: str = "") -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        if not figures:
            grid.addWidget(QLabel(empty), 0, 0)
            return box
        across = big or len(figures) > 5  # a row of numbers with captions under them
        for index, figure in enumerate(figures):
            button = QPushButton(f"{figure.count}" if across else f"{figure.label}：{figure.count} 件")
            button.setObjectName(f"figure_{title}_{figure.label}")
            button.setStyleSheet(_BIG if big else _LINK)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(f"在工单列表中查看：{figure.label}")
            button.clicked.connect(lambda _checked=False, f=figure: self.show_filter.emit(f.filter))
            self.buttons[f"{title}/{figure.label}"] = button
            if across:
                caption = QLabel(figure.label)
                caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(button, 0, index, Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(caption, 1, index)
            else:
                grid.addWidget(button, index, 0)
        return box
