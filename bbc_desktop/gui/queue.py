"""The queue (工单队列): every ticket of the current filter, most urgent first, fast at 100 000 tickets.

Owns three pieces of the main window, and nothing else:

- :class:`QueueModel` holds only the ordered ticket ids of the filter (``core.queries.filtered_ids``,
  run off the GUI thread) and reads the rows a view asks for page by page (``queue_rows``) into a
  small bounded cache, like Anki's browser table. It decides how a row looks: grade text, marker
  and tint, the overdue / due-soon hint, masked identity of confidential tickets.
- :class:`QueueFilterBar` turns ``forms/queue_filter.ui`` into a ``core.queries.TicketFilter``.
- :class:`QueuePane` puts the two above a table view and speaks in ticket ids.

Which tickets match and in which order is SQL in ``core.queries``; nothing here filters or sorts.
"""

from __future__ import annotations

import html
from array import array
from collections import OrderedDict
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import GRADES, NOT_ACKNOWLEDGED, Grade, Pending, Status
from bbc_desktop.core.errors import BbcError
from bbc_desktop.core.privacy import mask_phone, mask_reporter
from bbc_desktop.core.queries import (
    UNACKNOWLEDGED,
    QueueRow,
    TicketFilter,
    find_by_number,
    queue_ids,
    queue_rows,
)
from bbc_desktop.core.tickets import load_calendar
from bbc_desktop.core.units import list_units
from bbc_desktop.gui.forms import load_form
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async

_UNIT_SIDE_STATES = (UNACKNOWLEDGED, Pending.SEND_BACK.value, Pending.EXTENSION.value)

__all__ = [
    "CACHE_ROWS",
    "GRADE_COLOURS",
    "HEADERS",
    "PAGE_SIZE",
    "Column",
    "QueueFilterBar",
    "QueueModel",
    "QueuePane",
    "grade_icon",
]

# Rows read per query, and how many pages stay in memory: a screen shows ~40 rows, so a few pages
# cover scrolling back and forth while memory stays flat whatever the number of tickets.
CONTENT_CHARS = 120  # of 反映内容 in the table
PAGE_SIZE = 200
MAX_PAGES = 6
CACHE_ROWS = PAGE_SIZE * MAX_PAGES


class Column(IntEnum):
    GRADE = 0
    NUMBER = 1
    STATUS = 2
    REPORTER = 3
    PHONE = 4
    UNIT = 5
    ACCEPTED = 6
    DUE = 7
    HINT = 8
    CONTENT = 9


HEADERS: tuple[str, ...] = (
    "牌色",
    "受理编号",
    "状态",
    "反映人",
    "联系电话",
    "承办单位",
    "受理时间",
    "办理期限",
    "提示",
    "反映内容",
)

# The card colour itself (marker) and a light tint of it (row background); the text always names
# the grade too, so neither colour-blind operators nor a grey screen lose it.
# 未定级 (imported from an old ledger): a grey card, no tint.
GRADE_COLOURS: dict[Grade, str] = {
    Grade.RED: "#d32f2f",
    Grade.YELLOW: "#f0b400",
    Grade.BLUE: "#1e63c6",
    Grade.UNKNOWN: "#b0b7c0",
}
_GRADE_BORDERS: dict[Grade, str] = {
    Grade.RED: "#8e1b1b",
    Grade.YELLOW: "#8a6500",
    Grade.BLUE: "#123d7a",
    Grade.UNKNOWN: "#5f6b7a",
}
_GRADE_TINTS: dict[Grade, str] = {
    Grade.RED: "#fdeceb",
    Grade.YELLOW: "#fff6d9",
    Grade.BLUE: "#e9f1fc",
    Grade.UNKNOWN: "#ffffff",
}
_GRADE_ORDER: tuple[Grade, ...] = (*GRADES, Grade.UNKNOWN)  # the filter's choices
_TEXT = "#1f2933"  # explicit, so the light tints stay readable under a dark system palette
_OVERDUE_TEXT = "#9b1c1c"
_DUE_SOON_TEXT = "#8a4b00"
_FINISHED_TEXT = "#5f6b7a"
_FINISHED = frozenset({Status.CLOSED.value, Status.ARCHIVED.value, Status.VOIDED.value})


_icons: dict[Grade, QIcon] = {}

_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_USER = Qt.ItemDataRole.UserRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_ANSWERED = frozenset({_DISPLAY, _USER, _BACKGROUND, _FOREGROUND, _FONT, _DECORATION, _TOOLTIP, _ALIGNMENT})
_CENTRED = frozenset({Column.GRADE, Column.STATUS})
_CENTRE = Qt.AlignmentFlag.AlignCenter


def grade_icon(grade: Grade) -> QIcon:
    """A small upright card (牌) filled with the grade's colour, with a dark edge for grey screens."""
    icon = _icons.get(grade)
    if icon is None:
        pixmap = QPixmap(32, 32)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = painter.pen()
        pen.setColor(QColor(_GRADE_BORDERS[grade]))
        pen.setWidthF(2.5)
        painter.setPen(pen)
        painter.setBrush(QColor(GRADE_COLOURS[grade]))
        painter.drawRoundedRect(7, 2, 18, 28, 4, 4)
        painter.end()
        icon = _icons[grade] = QIcon(pixmap)
    return icon


@dataclass(frozen=True, slots=True)
class _Row:
    """A queue row as shown: display texts per column plus what decides its colours."""

    id: int
    grade: Grade
    texts: tuple[str, ...]
    overdue: bool
    due_soon: bool
    finished: bool
    confidential: bool
    content_tip: str
    hint_tip: str


@dataclass(frozen=True)
class _Loaded:
    """One answer of the id query, built in a worker thread."""

    ids: array[int]
    overdue: int
    today: date
    calendar: WorkCalendar
    first_page: list[QueueRow]  # read with the ids, so the first screen needs no query of its own
    filter: TicketFilter


def _load_ids(state: AppState, flt: TicketFilter) -> _Loaded:
    """The filter's ticket ids in queue order and how many of them are overdue. Runs off the GUI thread."""
    today = state.ctx.clock.today()
    with state.session() as session:
        calendar = load_calendar(session)
        found = queue_ids(session, flt, today, calendar)
        first_page = queue_rows(session, list(found.ids[:PAGE_SIZE]), today, calendar)
    return _Loaded(
        ids=found.ids,
        overdue=found.overdue,
        today=today,
        calendar=calendar,
        first_page=first_page,
        filter=flt,
    )


def preload(state: AppState) -> _Loaded:
    """The first answer of a new queue pane (every ticket), read while the window is still being built.

    Runs off the GUI thread, in the same job that opens the database; see ``QueuePane(preloaded=…)``.
    """
    return _load_ids(state, TicketFilter())


class QueueModel(QAbstractTableModel):
    """The tickets of one filter: ids in memory, rows fetched on demand into a bounded page cache.

    ``Qt.UserRole`` on any cell is the ticket id. Sorting is the SQL urgency order of
    ``filtered_ids`` (overdue first, then awaiting a result by due date); the view must not sort.
    """

    loaded = Signal(int)  # number of tickets, after every successful (re)load
    failed = Signal(str)  # the Chinese message of a failed query
    busy_changed = Signal(bool)  # True while an id query runs

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._filter = TicketFilter()
        self._ids: array[int] = array("q")
        self._pages: OrderedDict[int, dict[int, _Row]] = OrderedDict()
        self._today: date = state.ctx.clock.today()
        self._calendar: WorkCalendar | None = None
        self._overdue_days: dict[date, int] = {}
        self._generation = 0
        self._busy = False
        self._pending = False  # asked to refresh while a query ran
        self._page_failed = False
        self._bold = QFont()
        self._bold.setBold(True)
        # A pixmap of the view's icon size, not the QIcon: no scaling at every repaint.
        ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
        side = round(16 * ratio)
        self._markers = {g: grade_icon(g).pixmap(side, side) for g in Grade}
        for marker in self._markers.values():
            marker.setDevicePixelRatio(ratio)
        # QColor, not QBrush: PySide converts a returned QBrush so slowly that it was a third of
        # the time of a repaint (bench/bench_queue.py: 52 -> 33 ms a screen); Qt takes either.
        self._colours = {
            "text": QColor(_TEXT),
            "overdue": QColor(_OVERDUE_TEXT),
            "due_soon": QColor(_DUE_SOON_TEXT),
            "finished": QColor(_FINISHED_TEXT),
            **{g.value: QColor(_GRADE_TINTS[g]) for g in Grade},
        }
        self.overdue_count = 0

    @property
    def current_filter(self) -> TicketFilter:
        return self._filter

    @property
    def is_busy(self) -> bool:
        return self._busy

    def set_filter(self, flt: TicketFilter, preloaded: _Loaded | None = None) -> None:
        """Run the id query for ``flt`` off the GUI thread; the model resets when it answers.

        ``preloaded``, an answer for this very filter read just before, is shown without a query.
        """
        self._filter = flt
        if preloaded is not None and preloaded.filter == flt and not self._busy:
            self._generation += 1
            generation = self._generation
            self._set_busy(True)
            # Shown from the event loop, like a worker's answer: whoever built this model has
            # connected its signals by then.
            QTimer.singleShot(0, self, lambda: self._apply(generation, preloaded))
            return
        self.refresh()

    def refresh(self) -> None:
        """Re-run the current filter (the tickets or the date may have changed).

        At most one id query runs at a time: asked again while one runs (the operator keeps typing),
        the model waits for it, drops its now stale answer and runs the newest filter once. So each
        keystroke is answered as soon as it can be, and fast typing costs no pile of queries.
        """
        if self._busy:
            self._pending = True
            return
        self._pending = False
        self._generation += 1
        generation, state, flt = self._generation, self._state, self._filter
        self._set_busy(True)
        run_async(
            lambda: _load_ids(state, flt),
            lambda result: self._apply(generation, result),
            lambda message: self._fail(generation, message),
        )

    def _answered(self, generation: int) -> bool:
        """True when this answer is the one to show; starts the newest query when it is not."""
        if generation != self._generation or not shiboken6.isValid(self):
            return False  # the pane is gone
        if self._pending:
            self._busy = False  # without a signal: the busy indication stays on
            self.refresh()
            return False
        return True

    def _apply(self, generation: int, result: _Loaded) -> None:
        if not self._answered(generation):
            return
        self.beginResetModel()
        self._ids = result.ids
        self._pages.clear()
        self._today = result.today
        self._calendar = result.calendar
        self._overdue_days.clear()
        self._page_failed = False
        self.overdue_count = result.overdue
        if result.ids:
            self._pages[0] = {r.id: self._present(r, result.calendar) for r in result.first_page}
        self.endResetModel()
        self._set_busy(False)
        self.loaded.emit(len(self._ids))

    def _fail(self, generation: int, message: str) -> None:
        if not self._answered(generation):
            return
        self._set_busy(False)
        self.failed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def ticket_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, ticket_id: int) -> int | None:
        try:
            return self._ids.index(ticket_id)
        except ValueError:
            return None

    def cached_rows(self) -> int:
        """How many rows are held in memory now (never more than CACHE_ROWS)."""
        return sum(len(page) for page in self._pages.values())

    def _row(self, row: int) -> _Row | None:
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self._fetch_page(number)
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page.get(self._ids[row])

    def _fetch_page(self, number: int) -> dict[int, _Row]:
        ids = list(self._ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE])
        calendar = self._calendar or WorkCalendar()
        try:
            # One small indexed query (~7 ms for 200 rows at 100 000 tickets): fine on the GUI thread.
            with self._state.session() as session:
                rows = queue_rows(session, ids, self._today, calendar)
        except (BbcError, SQLAlchemyError) as exc:
            if not self._page_failed:
                self._page_failed = True
                message = exc.message if isinstance(exc, BbcError) else "读取工单列表失败，请稍后刷新"
                # Not from inside data(): a slot showing a message box would run during a paint.
                QTimer.singleShot(0, lambda: self.failed.emit(message))
            return {}
        return {r.id: self._present(r, calendar) for r in rows}

    def _present(self, r: QueueRow, calendar: WorkCalendar) -> _Row:
        grade = Grade(r.grade)
        reporter, phone = r.reporter, r.phone
        if r.confidential and reporter != "匿名":
            # At most four stars: a company's long name would otherwise push "（保密）" out of sight.
            reporter = mask_reporter(reporter)
            phone = mask_phone(phone)
        hints: list[str] = []
        hint_tips: list[str] = []
        if r.overdue:
            days = self._overdue_days.get(r.due_date)
            if days is None:
                days = self._overdue_days[r.due_date] = calendar.workdays_between(r.due_date, self._today)
            # Due on a Friday and looked at on Saturday: late, but not yet by a whole working day.
            hints.append(f"超期{days}个工作日" if days else "已超期")
            hint_tips.append(f"办理期限 {r.due_date.isoformat()} 已过，承办单位尚未办结")
        elif r.due_soon:
            hints.append("即将到期")
            when = (
                "今天"
                if r.due_date == self._today
                else f"下一个工作日（{r.due_date.month}月{r.due_date.day}日）"
            )
            hint_tips.append(f"{when}到期，承办单位尚未办结")
        if r.pending:
            hints.append(Pending(r.pending).label)
            hint_tips.append(
                "承办单位已退单，请审定"
                if r.pending == Pending.SEND_BACK.value
                else "承办单位申请延期，请审批"
            )
        elif r.late_acknowledgement:
            hints.append("超时未签收")
            hint_tips.append("转办超过 1 个工作日，承办单位尚未签收交办单")
        if r.due_date is None:
            hints.append("未定级")
            hint_tips.append("从旧台账导入，尚未确定牌色，没有办理期限：请调整牌色")
        if r.provisional:
            hints.append("期限暂定")
            hint_tips.append("该年度节假日安排尚未录入，办理期限按周末和法定节日暂算")
        # isoformat, not strftime: strftime imports a module per call, and PySide hooks every import.
        due = "未定" if r.due_date is None else r.due_date.isoformat() + ("（暂定）" if r.provisional else "")
        texts = (
            grade.label,
            r.number,
            Status(r.status).label,
            reporter,
            phone,
            r.unit,
            r.accepted_at.isoformat(" ", "minutes"),
            due,
            "，".join(hints),
            # One line in the table (the tooltip keeps the breaks), no longer than a wide screen shows:
            # eliding a letter of thousands of characters at every repaint costs more than the rest.
            " ".join(r.content[:CONTENT_CHARS].split()),
        )
        # Rich text so a long tooltip wraps; escaped, because content is data, never markup.
        tip = html.escape(r.content).replace("\n", "<br>")
        return _Row(
            id=r.id,
            grade=grade,
            texts=texts,
            overdue=r.overdue,
            due_soon=r.due_soon,
            finished=r.status in _FINISHED,
            confidential=r.confidential,
            content_tip=f"<p>{tip}</p>" if tip else "",
            hint_tip="；".join(hint_tips),
        )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return "右键单击表头，可选择显示哪些列"
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        # Called ~2 000 times per repaint (rows × columns × roles): cheap checks first.
        if role not in _ANSWERED:
            return None
        number = index.row()
        if not 0 <= number < len(self._ids):
            return None
        if role == _USER:
            return self._ids[number]
        row = self._row(number)
        if row is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            return row.texts[column]
        if role == _BACKGROUND:
            return self._colours[row.grade.value]
        if role == _FOREGROUND:
            if row.overdue:
                return self._colours["overdue"]
            if row.due_soon:
                return self._colours["due_soon"]
            return self._colours["finished" if row.finished else "text"]
        if role == _FONT:
            return self._bold if row.overdue else None
        if role == _DECORATION:
            return self._markers[row.grade] if column == Column.GRADE else None
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if role == _ALIGNMENT and column in _CENTRED:
            return _CENTRE
        return None

    @staticmethod
    def _tooltip(row: _Row, column: int) -> str | None:
        if column == Column.CONTENT:
            return row.content_tip or None
        if column == Column.GRADE:
            return f"{row.grade.label}：{row.grade.rule}"
        if column == Column.HINT or (column == Column.DUE and row.hint_tip):
            return row.hint_tip or None
        if column in (Column.REPORTER, Column.PHONE) and row.confidential:
            return "反映人要求保密，姓名和电话已隐去"
        if column in (Column.REPORTER, Column.UNIT):
            return row.texts[column] or None  # the whole name when the column is too narrow for it
        return None


def _to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


# Columns the operator may hide (header's context menu); the rest are always shown. Phone and
# acceptance time start hidden: the detail pane shows both, and the table then fits a 1 600-pixel
# window with 提示 and 反映内容 in sight.
OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column.STATUS,
    Column.REPORTER,
    Column.PHONE,
    Column.UNIT,
    Column.ACCEPTED,
    Column.DUE,
    Column.HINT,
)
DEFAULT_HIDDEN_COLUMNS = frozenset({Column.PHONE, Column.ACCEPTED})
HIDDEN_COLUMNS_KEY = "queue/hiddenColumns"


def hidden_columns() -> set[Column]:
    """The optional columns hidden now: the operator's choice from QSettings, else the default."""
    saved = QSettings().value(HIDDEN_COLUMNS_KEY)
    if not isinstance(saved, str):
        return set(DEFAULT_HIDDEN_COLUMNS)
    names = saved.split(",")
    return {c for c in OPTIONAL_COLUMNS if c.name in names}


class QueueFilterBar(QWidget):
    """The queue's filter (forms/queue_filter.ui): emits a ``TicketFilter``, or a ticket id for a scanned number."""

    filter_changed = Signal(object)  # core.queries.TicketFilter
    jump_to = Signal(int)  # ticket id: the search box held exactly that ticket's number and Enter was pressed
    DEFAULT_RANGE_DAYS = 30

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._quiet = False  # set while several controls change at once, so one filter is emitted
        self.form = load_form("queue_filter", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        find = self.form.findChild
        self.search_edit: QLineEdit = find(QLineEdit, "searchEdit")
        self.status_combo: QComboBox = find(QComboBox, "statusCombo")
        self.grade_combo: QComboBox = find(QComboBox, "gradeCombo")
        self.unit_combo: QComboBox = find(QComboBox, "unitCombo")
        self.accepted_check: QCheckBox = find(QCheckBox, "acceptedCheck")
        self.accepted_from_edit: QDateEdit = find(QDateEdit, "acceptedFromEdit")
        self.accepted_to_edit: QDateEdit = find(QDateEdit, "acceptedToEdit")
        self.overdue_check: QCheckBox = find(QCheckBox, "overdueCheck")
        self.due_soon_check: QCheckBox = find(QCheckBox, "dueSoonCheck")
        self.reset_button: QPushButton = find(QPushButton, "resetButton")

        self.status_combo.addItem("全部", None)
        self.status_combo.addItem("待办结", "awaiting")
        self.status_combo.setItemData(
            1, "已受理、已转办或已督办，承办单位尚未办结", Qt.ItemDataRole.ToolTipRole
        )
        # The unit's side: states of a dispatched ticket that the window has to act on.
        for value, label, tip in (
            (UNACKNOWLEDGED, NOT_ACKNOWLEDGED, "已转办或已督办，承办单位尚未签收交办单"),
            (Pending.SEND_BACK.value, Pending.SEND_BACK.label, "承办单位已退单，等待窗口审定"),
            (Pending.EXTENSION.value, Pending.EXTENSION.label, "承办单位申请延期，等待审批"),
        ):
            self.status_combo.addItem(label, value)
            self.status_combo.setItemData(self.status_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        for status in Status:
            self.status_combo.addItem(status.label, status.value)
        self.grade_combo.addItem("全部", None)
        for grade in _GRADE_ORDER:
            self.grade_combo.addItem(grade_icon(grade), grade.label, grade.value)
        self.unit_combo.addItem("全部", None)
        with state.session() as session:
            for unit in list_units(session):
                self.unit_combo.addItem(unit.name, unit.name)
                self.unit_combo.setItemData(
                    self.unit_combo.count() - 1, unit.name, Qt.ItemDataRole.ToolTipRole
                )
        # The closed box is kept narrow so the bar fits a small screen; the list shows whole names.
        popup = self.unit_combo.view()
        popup.setMinimumWidth(popup.sizeHintForColumn(0) + 24)
        today = state.ctx.clock.today()
        for edit in (self.accepted_from_edit, self.accepted_to_edit):
            edit.setMaximumDate(_to_qdate(today))  # nothing is accepted in the future
        self._set_default_dates()

        self.search_edit.textChanged.connect(self._on_text_changed)
        self.search_edit.returnPressed.connect(self._on_return)
        for combo in (self.status_combo, self.grade_combo, self.unit_combo):
            combo.currentIndexChanged.connect(self._changed)
        self.overdue_check.toggled.connect(self._on_overdue_toggled)
        self.due_soon_check.toggled.connect(self._on_due_soon_toggled)
        self.accepted_check.toggled.connect(self._on_accepted_toggled)
        self.accepted_from_edit.dateChanged.connect(self._on_date_changed)
        self.accepted_to_edit.dateChanged.connect(self._on_date_changed)
        self.reset_button.clicked.connect(self.reset)

    def current_filter(self) -> TicketFilter:
        status = self.status_combo.currentData()
        grade = self.grade_combo.currentData()
        dated = self.accepted_check.isChecked()
        unit_side = status if status in _UNIT_SIDE_STATES else ""
        return TicketFilter(
            statuses=(Status(status),) if status and status != "awaiting" and not unit_side else (),
            awaiting=status == "awaiting",
            unit_side=unit_side,
            grades=(Grade(grade),) if grade else (),
            unit=self.unit_combo.currentData(),
            overdue=self.overdue_check.isChecked(),
            due_soon=self.due_soon_check.isChecked(),
            accepted_from=self.accepted_from_edit.date().toPython() if dated else None,  # type: ignore[arg-type]
            accepted_to=self.accepted_to_edit.date().toPython() if dated else None,  # type: ignore[arg-type]
            text=self.search_edit.text().strip(),
        )

    def reset(self) -> None:
        """Every condition back to 全部 (all tickets); emits the empty filter."""
        self._clear_quietly()
        self._emit()

    def show_overdue(self) -> None:
        self._clear_quietly()
        self._quiet = True
        self.overdue_check.setChecked(True)
        self._quiet = False
        self._emit()

    def show_due_soon(self) -> None:
        self._clear_quietly()
        self._quiet = True
        self.due_soon_check.setChecked(True)
        self._quiet = False
        self._emit()

    def show_filter(self, flt: TicketFilter) -> None:
        """Set the bar to ``flt`` (as far as it can show it) and list exactly ``flt``'s tickets.

        For the dashboard's numbers: 今天到期 has no widget of its own, yet its click must list just those.
        """
        self._clear_quietly()
        self._quiet = True
        try:
            if flt.awaiting:
                self.status_combo.setCurrentIndex(self.status_combo.findData("awaiting"))
            elif flt.unit_side:
                self.status_combo.setCurrentIndex(self.status_combo.findData(flt.unit_side))
            elif len(flt.statuses) == 1:
                self.status_combo.setCurrentIndex(self.status_combo.findData(flt.statuses[0].value))
            if len(flt.grades) == 1:
                self.grade_combo.setCurrentIndex(self.grade_combo.findData(flt.grades[0].value))
            if flt.unit:
                self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(flt.unit)))
            self.overdue_check.setChecked(flt.overdue)
            self.due_soon_check.setChecked(flt.due_soon)
            if flt.accepted_from or flt.accepted_to:
                self.accepted_check.setChecked(True)
                if flt.accepted_from:
                    self.accepted_from_edit.setDate(_to_qdate(flt.accepted_from))
                if flt.accepted_to:
                    self.accepted_to_edit.setDate(_to_qdate(flt.accepted_to))
            self.search_edit.setText(flt.text)
        finally:
            self._quiet = False
        self.filter_changed.emit(flt)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _clear_quietly(self) -> None:
        self._quiet = True
        try:
            self.search_edit.clear()
            for combo in (self.status_combo, self.grade_combo, self.unit_combo):
                combo.setCurrentIndex(0)
            for check in (self.overdue_check, self.due_soon_check, self.accepted_check):
                check.setChecked(False)
            self._set_default_dates()
        finally:
            self._quiet = False

    def _set_default_dates(self) -> None:
        today = self._state.ctx.clock.today()
        self.accepted_from_edit.setDate(_to_qdate(today - timedelta(days=self.DEFAULT_RANGE_DAYS)))
        self.accepted_to_edit.setDate(_to_qdate(today))

    def _changed(self) -> None:
        if not self._quiet:
            self._emit()

    def _emit(self) -> None:
        self.filter_changed.emit(self.current_filter())

    def _on_text_changed(self, text: str) -> None:
        if self._quiet:
            return
        # At once, at every keystroke: the model runs one query at a time and skips stale ones.
        self._emit()

    def _on_return(self) -> None:
        text = self.search_edit.text().strip()
        ticket_id = self._find_number(text) if text else None
        if ticket_id is None:
            self._emit()
            return
        # Selected, so the next scan replaces this number instead of being appended to it.
        self.search_edit.selectAll()
        self.jump_to.emit(ticket_id)

    def _find_number(self, text: str) -> int | None:
        # A number has no spaces and fits the column; anything else is search text, not worth a query.
        if len(text) > 40 or any(c.isspace() for c in text):
            return None
        try:
            with self._state.session() as session:
                return find_by_number(session, text)
        except (BbcError, SQLAlchemyError):
            return None  # then it is filtered as text, and a failing query reports itself there

    def _on_overdue_toggled(self, checked: bool) -> None:
        # Overdue and due soon exclude each other (due soon is not yet late): one box at a time.
        if checked and self.due_soon_check.isChecked():
            self._set_quietly(self.due_soon_check, False)
        self._changed()

    def _on_due_soon_toggled(self, checked: bool) -> None:
        if checked and self.overdue_check.isChecked():
            self._set_quietly(self.overdue_check, False)
        self._changed()

    def _set_quietly(self, check: QCheckBox, value: bool) -> None:
        quiet, self._quiet = self._quiet, True
        check.setChecked(value)
        self._quiet = quiet

    def _on_accepted_toggled(self, checked: bool) -> None:
        self.accepted_from_edit.setEnabled(checked)
        self.accepted_to_edit.setEnabled(checked)
        self._changed()

    def _on_date_changed(self) -> None:
        # Keep the range the right way round: moving one end past the other moves both.
        start, end = self.accepted_from_edit.date(), self.accepted_to_edit.date()
        if start > end:
            sender = self.sender()
            quiet, self._quiet = self._quiet, True
            if sender is self.accepted_from_edit:
                self.accepted_to_edit.setDate(start)
            else:
                self.accepted_from_edit.setDate(end)
            self._quiet = quiet
        if self.accepted_check.isChecked():
            self._changed()


class QueuePane(QWidget):
    """The filter bar above the queue table. Speaks in ticket ids; the main window opens what is chosen.

    ``ticket_selected`` is emitted when the current row moves to another ticket, on Enter / Return
    or a double click on a row, and by :meth:`select_ticket`; a refresh that keeps the same ticket
    current does not repeat it.
    """

    ticket_selected = Signal(int)
    status_message = Signal(str)
    failed = Signal(str)
    BUSY_AFTER_MS = 300

    def __init__(
        self, state: AppState, parent: QWidget | None = None, preloaded: _Loaded | None = None
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._current_id: int | None = None  # the ticket last announced by ticket_selected
        self._keep_id: int | None = None  # current ticket across a reset
        self._pending_id: int | None = None  # select_ticket waiting for a load
        self._pending_reset = False  # the filter was already reset for the pending ticket

        self.filter_bar = QueueFilterBar(state, self)
        self.model = QueueModel(state, self)
        self.view = QTableView(self)
        self.view.setObjectName("queueView")
        self.view.setModel(self.model)
        self._setup_view()

        # Shown over the table: a slow query, or an empty result, in words rather than a blank table.
        self.notice = QLabel(self.view.viewport())
        self.notice.setObjectName("queueNotice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setStyleSheet(
            "QLabel { background: #fffdf3; color: #3d4852; border: 1px solid #d9cfa8;"
            " border-radius: 4px; padding: 8px 18px; }"
        )
        self.notice.hide()
        self.view.viewport().installEventFilter(self)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(self.BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_busy)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.view, 1)

        self.filter_bar.filter_changed.connect(self.model.set_filter)
        self.filter_bar.jump_to.connect(self.select_ticket)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.loaded.connect(self._on_loaded)
        self.model.failed.connect(self._on_failed)
        self.model.busy_changed.connect(self._on_busy_changed)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.view.activated.connect(self._on_activated)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.filter_bar.focus_search)

        self.model.set_filter(self.filter_bar.current_filter(), preloaded)

    def _setup_view(self) -> None:
        view = self.view
        view.setAlternatingRowColors(False)  # the grade tint is the row background
        view.setSortingEnabled(False)  # the order is the SQL urgency order
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows (Shift/Ctrl+click) for printing their slips at once; the current row is the one shown.
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setIconSize(QSize(16, 16))
        view.setShowGrid(False)
        vertical = view.verticalHeader()
        vertical.hide()
        # Fixed row heights: the view never measures 100 000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the content column takes the rest
        # Widths from samples of the usual text, not from the rows (that would read them all); bold,
        # as overdue rows are. Each column has a natural width and a narrowest one that still reads.
        bold = QFont(view.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        icon = view.iconSize().width() + 6
        samples = {
            Column.GRADE: ("红牌", "红牌", icon),
            Column.NUMBER: ("BBC-2026-0000", "BBC-2026-0000", 0),
            Column.STATUS: ("已解释说明", "已转办", 0),
            Column.REPORTER: ("北关区某某科技有限公司", "王**（保密）", 0),
            Column.PHONE: ("0372-1234567", "13800000000", 0),
            Column.UNIT: ("区市场监督管理局", "区发改委", 0),
            Column.ACCEPTED: ("2026-11-23 09:30", "2026-11-23 09:30", 0),
            Column.DUE: ("2026-11-27（暂定）", "2026-11-27", 0),
            Column.HINT: ("超期12个工作日", "超期12个工作日", 0),  # never cut: it is why a row stands out
        }
        self._natural = {c: metrics.horizontalAdvance(n) + extra + 20 for c, (n, _, extra) in samples.items()}
        self._narrowest = {
            c: metrics.horizontalAdvance(m) + extra + 14 for c, (_, m, extra) in samples.items()
        }
        self._content_min = metrics.horizontalAdvance("反映内容反映内容反映内容反映内容")
        header.setMinimumSectionSize(metrics.horizontalAdvance("内容") + 16)
        self._user_sized = False  # once the operator drags a column, the layout is theirs
        self._fitting = False
        header.sectionResized.connect(self._on_section_resized)
        self._hide_columns(hidden_columns())
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_column_menu)
        self._fit_columns()

    def column_menu(self) -> QMenu:
        """Which columns the table shows: a checkable entry per optional column, and the default set."""
        menu = QMenu("显示的列", self)
        for column in OPTIONAL_COLUMNS:
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self.set_column_shown(c, shown))
        menu.addSeparator()
        menu.addAction("恢复默认的列", self.reset_columns)
        return menu

    def _show_column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()

    def set_column_shown(self, column: Column, shown: bool) -> None:
        """Show or hide an optional column; remembered between runs."""
        if column not in OPTIONAL_COLUMNS:
            return
        hidden = {c for c in OPTIONAL_COLUMNS if self.view.isColumnHidden(c) and c != column}
        if not shown:
            hidden.add(column)
        self._hide_columns(hidden)
        # One string ("PHONE,ACCEPTED", or "" for none): an empty list would read back as unset.
        QSettings().setValue(HIDDEN_COLUMNS_KEY, ",".join(c.name for c in OPTIONAL_COLUMNS if c in hidden))
        self._fit_columns()

    def reset_columns(self) -> None:
        QSettings().remove(HIDDEN_COLUMNS_KEY)
        self._hide_columns(DEFAULT_HIDDEN_COLUMNS)
        self._user_sized = False
        self._fit_columns()

    def _hide_columns(self, hidden: Set[Column]) -> None:
        """Hide exactly ``hidden`` of the optional columns. Not a resize by the operator."""
        self._fitting = True
        try:
            for column in OPTIONAL_COLUMNS:
                self.view.setColumnHidden(column, column in hidden)
        finally:
            self._fitting = False

    def refresh(self) -> None:
        """Re-read the same filter (after a save, or another counter's); the current ticket stays current."""
        self.model.refresh()

    def select_ticket(self, ticket_id: int) -> None:
        """Make ``ticket_id`` the current row and scroll to it, resetting the filter if it is not listed."""
        row = None if self.model.is_busy else self.model.row_of(ticket_id)
        if row is not None:
            self._pending_id = None
            self._select_row(row, announce=True)
            return
        self._pending_id = ticket_id
        self._pending_reset = False
        if not self.model.is_busy:
            self._reset_for_pending()

    def selected_ids(self) -> list[int]:
        """The ids of the selected rows, in queue order; from the selection's ranges, not row by row."""
        rows: set[int] = set()
        for selection_range in self.view.selectionModel().selection():
            rows.update(range(selection_range.top(), selection_range.bottom() + 1))
        return [self.model.ticket_id(row) for row in sorted(rows) if row < self.model.rowCount()]

    def current_ticket_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.ticket_id(index.row()) if index.isValid() else None

    def _reset_for_pending(self) -> None:
        self._pending_reset = True
        self.filter_bar.reset()

    def _select_row(self, row: int, announce: bool) -> None:
        ticket_id = self.model.ticket_id(row)
        index = self.model.index(row, Column.NUMBER)
        if announce:
            self._current_id = ticket_id  # so the row change below does not announce it a second time
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        if announce:
            self.ticket_selected.emit(ticket_id)

    def _remember_current(self) -> None:
        self._keep_id = self.current_ticket_id()

    def _on_loaded(self, count: int) -> None:
        self.status_message.emit(f"共 {count} 件（超期 {self.model.overdue_count} 件）")
        if count:
            self.notice.hide()
        else:
            self._show_notice("没有符合条件的工单")
        pending = self._pending_id
        if pending is not None:
            row = self.model.row_of(pending)
            if row is not None:
                self._pending_id = None
                self._select_row(row, announce=True)
                return
            if not self._pending_reset:
                self._reset_for_pending()  # loads again with every ticket listed
                return
            self._pending_id = None  # not even among all tickets: nothing to select
        keep = self._keep_id
        row = self.model.row_of(keep) if keep is not None else None
        if row is None:
            self._current_id = None  # the ticket left the list; choosing it again must announce it
        else:
            self._select_row(row, announce=False)

    def _on_failed(self, message: str) -> None:
        self._show_notice("查询未能完成，请稍后重试")
        self.status_message.emit(f"查询未能完成：{message}")
        self.failed.emit(message)

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            if self.notice.text() == "正在查询……":
                self.notice.hide()

    def _show_busy(self) -> None:
        self._show_notice("正在查询……")
        self.status_message.emit("正在查询……")

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.adjustSize()
        self._place_notice()
        self.notice.show()
        self.notice.raise_()

    def _place_notice(self) -> None:
        viewport = self.view.viewport()
        self.notice.move(max(0, (viewport.width() - self.notice.width()) // 2), 24)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._place_notice()
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Natural widths when there is room; when narrow, shrink towards the narrowest widths so
        that 反映内容 stays in sight instead of behind a horizontal scroll bar."""
        if self._user_sized:
            return
        shown = [c for c in self._natural if not self.view.isColumnHidden(c)]
        available = self.view.viewport().width() - self._content_min
        natural = sum(self._natural[c] for c in shown)
        slack = natural - sum(self._narrowest[c] for c in shown)
        share = min(1.0, max(0.0, (natural - available) / slack)) if slack else 0.0
        self._fitting = True
        try:
            for column in shown:
                width = self._natural[column]
                self.view.setColumnWidth(column, round(width - (width - self._narrowest[column]) * share))
        finally:
            self._fitting = False

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != Column.CONTENT:
            self._user_sized = True

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        ticket_id = self.model.ticket_id(current.row())
        if ticket_id != self._current_id:
            self._current_id = ticket_id
            self.ticket_selected.emit(ticket_id)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            ticket_id = self.model.ticket_id(index.row())
            self._current_id = ticket_id
            self.ticket_selected.emit(ticket_id)
