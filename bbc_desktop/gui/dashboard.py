"""The dashboard: today at the window, open tickets per grade, the units holding most, a weekly trend.

Every number is a link: a click lists exactly its tickets in the queue (``core.dashboard`` gives
each figure its filter). Read off the GUI thread; refreshed on opening, with 刷新, and with the
window's reminders.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core.dashboard import Dashboard, Figure, dashboard
from bbc_desktop.core.queries import TicketFilter
from bbc_desktop.core.scores import unit_scores
from bbc_desktop.core.tickets import load_calendar
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async

__all__ = ["DashboardDialog", "load_dashboard"]

SCORE_COLUMNS = (
    ("承办单位", "unit"),
    ("收件", "received"),
    ("及时签收率", "ack_rate"),
    ("按期办结率", "on_time_rate"),
    ("退单", "send_backs"),
    ("延期", "extensions"),
    ("满意率", "satisfaction_rate"),
    ("得分", "score"),
)

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
        self.scores_table: QTableWidget | None = None
        self.resize(680, 760)
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
        self.body.addWidget(self._group("承办单位待处理事项", board.unit_side, big=True))
        self.body.addWidget(self._scores(board))
        self.body.addWidget(self._group("近八周每周受理件数", board.weekly))
        self.status.setText("点击任一数字，在工单列表中查看这些工单")

    def _scores(self, board: Dashboard) -> QGroupBox:
        """This month's per-unit scores, best first; a unit's name lists its tickets."""
        start = board.scores_from
        box = QGroupBox(f"承办单位考核（{start.month}月1日起，满分 100）" if start else "承办单位考核")
        layout = QVBoxLayout(box)
        if not board.scores:
            layout.addWidget(QLabel("本月尚无转办的工单"))
            return box
        table = QTableWidget(len(board.scores), len(SCORE_COLUMNS))
        table.setObjectName("scoresTable")
        table.setHorizontalHeaderLabels([c for c, _ in SCORE_COLUMNS])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, score in enumerate(board.scores):
            data = score.as_json()
            for column, (_caption, key) in enumerate(SCORE_COLUMNS):
                value = data[key]
                if value is None:
                    text = "—"
                elif isinstance(value, str):
                    text = value
                else:
                    text = f"{value:.1f}%" if key.endswith("_rate") else f"{value:g}"
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        rows = min(len(board.scores), 6)  # the best six in view; the rest scroll
        table.setFixedHeight(
            table.horizontalHeader().height() + rows * table.verticalHeader().defaultSectionSize() + 4
        )
        table.cellDoubleClicked.connect(
            lambda row, _column: self.show_filter.emit(TicketFilter(unit=board.scores[row].unit))
        )
        self.scores_table = table
        layout.addWidget(table)
        export = QPushButton("导出考核表（Excel）…")
        export.setObjectName("exportScoresButton")
        export.clicked.connect(lambda: self.export_scores())
        layout.addWidget(export, 0, Qt.AlignmentFlag.AlignRight)
        return box

    def export_scores(self, path: str = "") -> None:
        """The month's scores as .xlsx (the 考核 in full: every count, rate and the weights)."""
        board = self.board
        if board is None or board.scores_from is None:
            return
        if not path:
            from PySide6.QtWidgets import QFileDialog

            name = f"承办单位考核-{board.scores_from:%Y%m}.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, "导出承办单位考核", name, "Excel 文件 (*.xlsx)")
            if not path:
                return
        state, start = self.state, board.scores_from

        def make() -> str:
            from bbc_desktop.core.permissions import Permission, require
            from bbc_desktop.core.scores import WEIGHTS_SETTING, parse_weights
            from bbc_desktop.core.settings import get_setting
            from bbc_desktop.io.scores_xlsx import scores_xlsx
            from bbc_desktop.printing.documents import write_file

            today = state.ctx.clock.today()
            with state.session() as session:
                require(session, state.ctx, Permission.REPORTS)
                weights = parse_weights(get_setting(session, WEIGHTS_SETTING))
                scores = unit_scores(session, start, today, today, load_calendar(session), weights)
                title = get_setting(session, "district") + "承办单位考核"
            write_file(Path(path), scores_xlsx(scores, start, today, weights, title))
            return path

        run_async(make, lambda saved: self.status.setText(f"已导出：{saved}"), self.status.setText)

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
