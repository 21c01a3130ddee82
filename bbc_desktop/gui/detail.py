"""The ticket detail pane (工单详情): every field of one ticket, its deadline, history, links and attachments.

Layout in ``forms/detail_pane.ui``; the lifecycle buttons are an embedded ``ActionsPanel``. Everything
shown is read off the GUI thread (``load_detail`` through ``run_async``) as plain data; a confidential
reporter arrives already masked, and the real identity is only read by ``reveal``, which the core
records in the ticket's history. The pane decides how things look, never what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from bbc_desktop.core import queries
from bbc_desktop.core.attachments import add_attachment, attachment_file
from bbc_desktop.core.domain import (
    AWAITING_RESULT,
    EVENT_LABELS,
    GRADES,
    AckMethod,
    Category,
    ComplaintForm,
    Grade,
    ReplyMethod,
    ReporterKind,
    Satisfaction,
    Source,
    Status,
)
from bbc_desktop.core.errors import BbcError, NotFound
from bbc_desktop.core.privacy import mask_name, mask_phone, reveal_identity
from bbc_desktop.core.tickets import load_calendar
from bbc_desktop.db.models import Account, Attachment, Ticket
from bbc_desktop.gui.actions import ActionsPanel
from bbc_desktop.gui.forms import load_form
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async

EMPTY_TEXT = "请在左侧队列中选择工单"
LOADING_TEXT = "正在读取工单……"

GRADE_COLOURS = {"red": "#dc2626", "yellow": "#eab308", "blue": "#2563eb", "unknown": "#b0b7c0"}
OVERDUE_STYLE = "color: #b91c1c; font-weight: bold;"
SOON_STYLE = "color: #b45309; font-weight: bold;"
MUTED_STYLE = "color: #64748b;"

# Chinese names of the ticket fields that events record before/after.
FIELD_LABELS: dict[str, str] = {
    "number": "受理编号",
    "status": "状态",
    "grade": "牌色",
    "due_date": "办理期限",
    "due_provisional": "期限暂定",
    "clock_start": "期限起算时间",
    "unit": "承办单位",
    "dispatch_note": "批转意见",
    "on_the_spot": "当场解决",
    "result_text": "办理结果",
    "result_signer": "主管领导签字",
    "result_phone": "单位联系电话",
    "result_at": "办结时间",
    "reply_method": "答复方式",
    "reply_text": "答复内容",
    "reply_at": "答复时间",
    "visit_at": "回访时间",
    "visit_notes": "回访情况",
    "visit_by": "回访人",
    "satisfaction": "满意度",
    "explanation": "解释说明",
    "escalated_to": "移交对象",
    "close_note": "结案说明",
    "void_reason": "作废理由",
    "linked": "关联工单",
    "filename": "文件名",
}
# Recorded for completeness but only repeat the event's own time (or a hash nobody reads).
QUIET_FIELDS = frozenset({"dispatched_at", "escalated_at", "closed_at", "archived_at", "voided_at", "sha256"})
ENUM_FIELDS: dict[str, Any] = {
    "status": Status,
    "grade": Grade,
    "reply_method": ReplyMethod,
    "satisfaction": Satisfaction,
}
SHORT_VALUE = 40  # characters of a long text shown in the history line; the tooltip has it all


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _minutes(value: datetime | str | None) -> str:
    if not value:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{when:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    size: int
    added_at: datetime
    added_by: str


@dataclass
class TicketDetail:
    """All the pane shows of one ticket, as plain data read in one unit of work."""

    id: int
    info: dict[str, Any]  # core.queries.summary plus the fields it leaves out, and ``id``
    history: list[dict[str, Any]]
    linked: list[tuple[int, str, str]]  # id, number, status label
    attachments: list[AttachmentRow]
    today: date
    days_left: int  # working days after today up to and including the due day
    masked: bool


def _request_text(session, ticket: Ticket) -> str:  # type: ignore[no-untyped-def]
    """The unit's request awaiting a ruling, in a sentence (empty when there is none)."""
    from bbc_desktop.core.domain import SendBackGrounds
    from bbc_desktop.core.unit_side import pending_request

    request = pending_request(session, ticket)
    if request is None:
        return ""
    when = request.requested_at.strftime("%m月%d日 %H:%M")
    if request.kind == "send_back":
        reason = f"，{request.reason}" if request.reason else ""
        return f"{request.unit.name}于{when}退单（{SendBackGrounds(request.grounds).label}{reason}），待审定"
    return f"{request.unit.name}于{when}申请延期 {request.days} 个工作日（{request.reason}），待审批"


def load_detail(state: AppState, ticket_id: int) -> TicketDetail:
    """Read one ticket for the pane (runs in a worker thread; no Qt). A confidential reporter comes masked."""
    today = state.ctx.clock.today()
    with state.session() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("该工单不存在，可能已被其他窗口更改，请刷新队列")
        calendar = load_calendar(session)
        info = queries.summary(ticket, today, calendar)
        info.update(
            id=ticket.id,
            version=ticket.version,  # what the operator sees: a step saved on it checks it is still so
            clock_start=ticket.clock_start.isoformat(timespec="minutes"),
            dispatched_at=_iso(ticket.dispatched_at),
            on_the_spot=ticket.on_the_spot,
            result_signer=ticket.result_signer,
            result_phone=ticket.result_phone,
            reply_at=_iso(ticket.reply_at),
            visit_at=_iso(ticket.visit_at),
            visit_notes=ticket.visit_notes,
            visit_by=ticket.visit_by,
            explanation=ticket.explanation,
            escalated_at=_iso(ticket.escalated_at),
            close_note=ticket.close_note,
            archived_at=_iso(ticket.archived_at),
            voided_at=_iso(ticket.voided_at),
            acknowledged_how=ticket.acknowledged_how,
            request=_request_text(session, ticket),
        )
        masked = bool(ticket.confidential)
        if masked:
            info.update(
                name=mask_name(info["name"]),
                company=mask_name(info["company"]),
                phone=mask_phone(info["phone"]),
                reporter=mask_name(info["reporter"]),
            )
        accounts = {a.id: a.display_name or a.username for a in session.scalars(select(Account))}
        attachments = [
            AttachmentRow(a.id, a.filename, a.size, a.added_at, accounts.get(a.added_by_id or -1, ""))
            for a in ticket.attachments
        ]
        linked = [
            (other.id, other.number, Status(other.status).label)
            for other in queries.linked_tickets(session, ticket.id)
        ]
        return TicketDetail(
            id=ticket.id,
            info=info,
            history=queries.history(ticket),
            linked=linked,
            attachments=attachments,
            today=today,
            days_left=calendar.workdays_between(today, ticket.due_date) if ticket.due_date else 0,
            masked=masked,
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def due_text(detail: TicketDetail) -> tuple[str, str]:
    """The deadline line and its style: days left while the result is awaited, red once overdue."""
    info = detail.info
    if info["due"] is None:
        return "未定（从旧台账导入，尚未确定牌色）", MUTED_STYLE
    due = date.fromisoformat(info["due"])
    parts: list[str] = ["暂定"] if info["provisional"] else []
    style = ""
    if Status(info["status"]) in AWAITING_RESULT:
        if info["overdue"]:
            parts.append(f"已超期{info['overdue_workdays']}个工作日")
            style = OVERDUE_STYLE
        elif due == detail.today:
            parts.append("今天到期")
            style = SOON_STYLE
        else:
            parts.append(f"剩余{detail.days_left}个工作日")
            style = SOON_STYLE if info["due_soon"] else ""
    return chinese_date(due) + (f"（{'，'.join(parts)}）" if parts else ""), style


def _show_value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    enum = ENUM_FIELDS.get(key)
    if enum is not None:
        try:
            return enum(value).label
        except ValueError:
            return str(value)
    text = str(value)
    if key.endswith("_at") or key == "clock_start":
        return _minutes(text)
    if len(text) > SHORT_VALUE:
        return text[:SHORT_VALUE].replace("\n", " ") + "…"
    return text.replace("\n", " ")


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """“字段：旧值 → 新值” lines for the fields an event changed, with Chinese names and labels."""
    before, after = before or {}, after or {}
    lines = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in QUIET_FIELDS:
            continue
        name = FIELD_LABELS.get(key, key)
        new = after.get(key)
        old = before.get(key)
        if key in before and old == new:
            continue
        if old in (None, "") or key not in before:
            lines.append(f"{name}：{_show_value(key, new)}")  # a first value reads plainer without “（空）→”
        else:
            lines.append(f"{name}：{_show_value(key, old)} → {_show_value(key, new)}")
    return lines


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class DetailPane(QWidget):
    """The right column of the main window: one ticket in full, with its lifecycle actions.

    Signals: ``open_ticket(id)`` when a linked ticket is double-clicked; ``ticket_changed(id)`` after
    anything done from the pane (an action, a reveal, an attachment); ``failed(message)`` on any error;
    ``loaded(id)`` once a ticket is shown.
    """

    open_ticket = Signal(int)
    ticket_changed = Signal(int)
    failed = Signal(str)
    loaded = Signal(int)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.detail: TicketDetail | None = None
        self._request = 0
        self._revealed: tuple[int, str, str, str] | None = None  # ticket id, name, company, phone
        self.form = load_form("detail_pane", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.stack: QStackedWidget = self._child(QStackedWidget, "stack")
        self.empty_label: QLabel = self._child(QLabel, "emptyLabel")
        self.history_table: QTableWidget = self._child(QTableWidget, "historyTable")
        self.linked_list: QListWidget = self._child(QListWidget, "linkedList")
        self.attachment_tree: QTreeWidget = self._child(QTreeWidget, "attachmentTree")
        self.reveal_button: QPushButton = self._child(QPushButton, "revealButton")
        self.add_attachment_button: QPushButton = self._child(QPushButton, "addAttachmentButton")
        self.open_attachment_button: QPushButton = self._child(QPushButton, "openAttachmentButton")
        self.actions = ActionsPanel(state, self)
        self._child(QGroupBox, "actionsBox").layout().addWidget(self.actions)

        number = self.label("numberLabel")
        font = number.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.Bold)
        number.setFont(font)
        self.label("contentLabel").setTextFormat(Qt.TextFormat.PlainText)
        captions = [c for c in self.form.findChildren(QLabel) if c.objectName().endswith("Caption")]
        widest = max(c.sizeHint().width() for c in captions)
        for caption in captions:
            caption.setStyleSheet(MUTED_STYLE)
            if caption.objectName() != "dueCaption":
                # One caption width for every box, so the values line up down the whole pane.
                caption.setMinimumWidth(widest)
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._setup_history()
        header = self.attachment_tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

        self.reveal_button.clicked.connect(self.reveal)
        self.add_attachment_button.clicked.connect(self._choose_attachment)
        self.open_attachment_button.clicked.connect(self.open_selected_attachment)
        self.attachment_tree.itemDoubleClicked.connect(lambda *_: self.open_selected_attachment())
        self.attachment_tree.itemSelectionChanged.connect(self._attachment_selection_changed)
        self.linked_list.itemDoubleClicked.connect(self._linked_double_clicked)
        self.actions.ticket_changed.connect(self._changed)
        self.actions.print_requested.connect(self.print_paper)
        # The pane scrolls only vertically: never let the splitter make it narrower than the action
        # buttons' grid, which would cut them off on the right.
        scroll = self._child(QScrollArea, "scrollArea")
        self.setMinimumWidth(
            self.actions.minimumSizeHint().width()
            + scroll.verticalScrollBar().sizeHint().width()
            + 2 * scroll.frameWidth()
            + 40  # the group box's and the pane's margins
        )
        self.clear()

    def print_paper(self, paper: str) -> None:
        """Preview (then print or save) the slip or the receipt of the ticket shown."""
        if self.ticket_id is None:
            return
        from bbc_desktop.gui.printing import open_preview

        ticket_id = self.ticket_id

        def recorded() -> None:  # printing or saving added a line to the history: show it
            if shiboken6.isValid(self) and self.ticket_id == ticket_id:
                self._changed(ticket_id)

        open_preview(self.state, [ticket_id], paper, self, on_recorded=recorded)

    # -- helpers -----------------------------------------------------------------------------

    def _child(self, kind: type, name: str) -> Any:
        widget = self.form.findChild(kind, name)
        if widget is None:
            raise RuntimeError(f"界面文件 detail_pane.ui 缺少控件 {name}")
        return widget

    def label(self, name: str) -> QLabel:
        """A label of the form by objectName (``numberLabel``, ``dueLabel``…); tests read them too."""
        return self._child(QLabel, name)

    def _set_row(self, name: str, text: str, *, keep: bool = False) -> None:
        """Fill a form row's value label; an empty row is hidden unless ``keep``."""
        label = self.label(name)
        label.setText(text)
        parent = label.parentWidget()
        form = parent.layout() if parent is not None else None
        if isinstance(form, QFormLayout):
            form.setRowVisible(label, bool(text) or keep)

    @property
    def ticket_id(self) -> int | None:
        return self.detail.id if self.detail else None

    # -- loading -----------------------------------------------------------------------------

    def clear(self) -> None:
        """Nothing chosen: the hint to pick a ticket in the queue."""
        self._request += 1
        self.detail = None
        self._revealed = None
        self.actions.set_ticket(None)
        self.empty_label.setText(EMPTY_TEXT)
        self.stack.setCurrentIndex(0)

    def show_ticket(self, ticket_id: int, quiet: bool = False) -> None:
        """Read the ticket off the GUI thread and show it; a later call wins over an earlier one.

        ``quiet`` (a refresh nobody asked for: another counter's change): a failure keeps what is
        shown and says nothing; the next refresh tries again.
        """
        self._request += 1
        request = self._request
        if self._revealed and self._revealed[0] != ticket_id:
            self._revealed = None
        if self.detail is None or self.detail.id != ticket_id:
            self.empty_label.setText(LOADING_TEXT)
            self.stack.setCurrentIndex(0)

        def done(detail: TicketDetail) -> None:
            if request == self._request:
                self._fill(detail)

        def failed(message: str) -> None:
            if quiet:
                return
            if request == self._request:
                self.empty_label.setText(message)
                self.stack.setCurrentIndex(0)
                self.detail = None
                self.actions.set_ticket(None)
                self.failed.emit(message)

        state = self.state
        run_async(lambda: load_detail(state, ticket_id), done, failed)

    def reload(self, quiet: bool = False) -> None:
        if self.detail is not None:
            self.show_ticket(self.detail.id, quiet=quiet)

    def _changed(self, ticket_id: int) -> None:
        self.show_ticket(ticket_id)
        self.ticket_changed.emit(ticket_id)

    # -- filling -----------------------------------------------------------------------------

    def _fill(self, detail: TicketDetail) -> None:
        self.detail = detail
        info = detail.info
        self.stack.setCurrentIndex(1)
        self.label("messageLabel").hide()
        self.label("numberLabel").setText(info["number"])
        self._fill_header(detail)
        self.label("contentLabel").setText(info["content"])
        self._fill_reporter(detail)
        self._fill_dispatch(info)
        self._fill_result(info)
        self._fill_history(detail.history)
        self._fill_linked(detail.linked)
        self._fill_attachments(detail.attachments)
        self.actions.set_ticket(info)
        self.loaded.emit(detail.id)

    def _fill_header(self, detail: TicketDetail) -> None:
        info = detail.info
        grade = Grade(info["grade"])
        colour = GRADE_COLOURS[grade.value]
        chip = self.label("gradeChip")
        chip.setStyleSheet(f"background: {colour}; border: 1px solid #334155; border-radius: 3px;")
        chip.setToolTip(grade.label)
        self.label("gradeLabel").setText(
            f"{grade.label}（{grade.workdays}个工作日内答复）"
            if grade in GRADES
            else f"{grade.label}（请调整牌色）"
        )
        self.label("gradeLabel").setToolTip(grade.rule)
        status = self.label("statusLabel")
        status.setText(info["status_label"])
        voided = info["status"] == Status.VOIDED.value
        background, foreground = ("#fee2e2", "#b91c1c") if voided else ("#e2e8f0", "#1e293b")
        status.setStyleSheet(
            f"background: {background}; color: {foreground}; border-radius: 9px; padding: 2px 10px;"
        )
        text, style = due_text(detail)
        due = self.label("dueLabel")
        due.setText(text)
        due.setStyleSheet(style)
        due.setToolTip(
            "该年度节假日安排尚未录入，期限按周末和固定节日推算，录入后自动重新计算"
            if info["provisional"]
            else f"{grade.label}{grade.workdays}个工作日，自{_minutes(info['clock_start'])}起算"
            if grade in GRADES
            else f"导入自 {info.get('imported_from') or '旧台账'}"
        )

    def _fill_reporter(self, detail: TicketDetail) -> None:
        info = detail.info
        name, company, phone = info["name"], info["company"], info["phone"]
        revealed = self._revealed if self._revealed and self._revealed[0] == detail.id else None
        if revealed:
            name, company, phone = revealed[1:]
        anonymous = info["anonymous"]
        self._set_row("nameLabel", "匿名" if anonymous else (name or "（未留姓名）"))
        self._set_row("reporterKindLabel", ReporterKind(info["reporter_kind"]).label)
        self._set_row("companyLabel", company)
        self.label("phoneLabel").setText(phone or ("匿名，未留电话" if anonymous else "—"))
        from bbc_desktop.core.permissions import Permission

        self.reveal_button.setVisible(
            detail.masked and revealed is None and self.state.can(Permission.REVEAL)
        )
        flags = [text for flag, text in ((info["confidential"], "要求保密"), (anonymous, "匿名反映")) if flag]
        self._set_row("flagsLabel", "、".join(flags) or "否")
        self._set_row("sourceLabel", Source(info["source"]).label)
        self._set_row("categoryLabel", Category(info["category"]).label if info["category"] else "（未分类）")
        self._set_row("formLabel", ComplaintForm(info["form"]).label)
        self._set_row("acceptedAtLabel", _minutes(info["accepted_at"]))
        self._set_row("receivedByLabel", info["received_by"] or "—")

    def _fill_dispatch(self, info: dict[str, Any]) -> None:
        self._set_row("unitLabel", info["unit"] or "尚未转办", keep=True)
        self.label("unitLabel").setStyleSheet("" if info["unit"] else MUTED_STYLE)
        self._set_row("coUnitsLabel", "、".join(info["co_units"]))
        self._set_row("dispatchNoteLabel", info["dispatch_note"])
        self._set_row("dispatchedAtLabel", _minutes(info["dispatched_at"]))
        ack = ""
        if info.get("acknowledged_at"):
            how = AckMethod(info["acknowledged_how"]).label if info.get("acknowledged_how") else ""
            by = info.get("acknowledged_by") or ""
            ack = f"{_minutes(info['acknowledged_at'])}（{'，'.join(x for x in (how, by) if x)}）"
        elif info["status"] in ("dispatched", "escalated"):
            ack = "承办单位尚未签收"
        self._set_row("ackLabel", ack)
        self._set_row("requestLabel", info.get("request") or "")

    def _fill_result(self, info: dict[str, Any]) -> None:
        result = info["result"]
        self._set_row("resultLabel", result or "承办单位尚未报送办理结果", keep=True)
        self.label("resultLabel").setStyleSheet("" if result else MUTED_STYLE)
        self._set_row("resultSignerLabel", info["result_signer"])
        self._set_row("resultPhoneLabel", info["result_phone"])
        at = _minutes(info["result_at"])
        self._set_row("resultAtLabel", at + ("（当场解决）" if at and info["on_the_spot"] else ""))

        method = ReplyMethod(info["reply_method"]).label if info["reply_method"] else ""
        self._set_row("replyMethodLabel", method)
        self._set_row("replyAtLabel", _minutes(info["reply_at"]))
        self._set_row("replyLabel", info["reply"])
        self._child(QGroupBox, "replyBox").setVisible(bool(method or info["reply"]))

        satisfaction = Satisfaction(info["satisfaction"]).label if info["satisfaction"] else ""
        self._set_row("visitAtLabel", _minutes(info["visit_at"]))
        self._set_row("satisfactionLabel", satisfaction)
        self._set_row("visitNotesLabel", info["visit_notes"])
        self._set_row("visitByLabel", info["visit_by"])
        self._child(QGroupBox, "visitBox").setVisible(bool(info["visit_at"]))

        escalation = ""
        if info["escalated_to"]:
            escalation = f"移交{info['escalated_to']}（{_minutes(info['escalated_at'])}）"
        closing = ""
        if info["closed_at"]:
            closed_at = _minutes(info["closed_at"])
            closing = f"{info['close_note']}（{closed_at}）" if info["close_note"] else closed_at
        void = ""
        if info["void_reason"]:
            void = info["void_reason"] + (f"（{_minutes(info['voided_at'])}）" if info["voided_at"] else "")
        self._set_row("explanationLabel", info["explanation"])
        self._set_row("escalationLabel", escalation)
        self._set_row("closeNoteLabel", closing)
        self._set_row("voidReasonLabel", void)
        self.label("voidReasonLabel").setStyleSheet(OVERDUE_STYLE if void else "")
        self._child(QGroupBox, "otherBox").setVisible(
            bool(info["explanation"] or escalation or closing or void)
        )

    # -- history -----------------------------------------------------------------------------

    def _setup_history(self) -> None:
        table = self.history_table
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = table.horizontalHeader()
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Rows wrap their text, so their heights follow the width of the 说明 column.
        header.sectionResized.connect(lambda *_: self._fit_history())

    def _fill_history(self, history: list[dict[str, Any]]) -> None:
        table = self.history_table
        table.setRowCount(len(history))
        for row, entry in enumerate(history):
            changes = describe_changes(entry["before"], entry["after"])
            note = entry["note"] or ""
            text = "\n".join([note, *changes] if note else changes)
            at = datetime.fromisoformat(entry["at"])
            cells = (
                f"{at:%Y-%m-%d}\n{at:%H:%M}",  # two short lines leave the 说明 column room in a narrow pane
                entry["account"] or "",
                EVENT_LABELS.get(entry["kind"], entry["kind"]),
                text,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if column == 3 and text:
                    item.setToolTip(text if len(text) < 2000 else text[:2000] + "…")
                table.setItem(row, column, item)
        self._fit_history()

    def _fit_history(self) -> None:
        """Show every history row without an inner scroll bar: the pane itself scrolls."""
        table = self.history_table
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setFixedHeight(height)

    # -- linked tickets ----------------------------------------------------------------------

    def _fill_linked(self, linked: list[tuple[int, str, str]]) -> None:
        self.linked_list.clear()
        for ticket_id, number, status in linked:
            item = QListWidgetItem(f"{number}　{status}")
            item.setData(Qt.ItemDataRole.UserRole, ticket_id)
            item.setToolTip("双击打开该工单")
            self.linked_list.addItem(item)
        self._child(QGroupBox, "linkedBox").setVisible(bool(linked))
        if linked:  # as tall as its rows, up to five; the pane itself scrolls
            rows = min(len(linked), 5)
            self.linked_list.setFixedHeight(
                rows * self.linked_list.sizeHintForRow(0) + 2 * self.linked_list.frameWidth() + 4
            )

    def _linked_double_clicked(self, item: QListWidgetItem) -> None:
        self.open_ticket.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    # -- attachments -------------------------------------------------------------------------

    def _fill_attachments(self, rows: list[AttachmentRow]) -> None:
        tree = self.attachment_tree
        tree.clear()
        for row in rows:
            item = QTreeWidgetItem([row.filename, _size(row.size), _minutes(row.added_at), row.added_by])
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(0, row.filename)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tree.addTopLevelItem(item)
        tree.setVisible(bool(rows))
        if rows:
            shown = min(len(rows), 5)
            tree.setFixedHeight(
                tree.header().sizeHint().height() + shown * tree.sizeHintForRow(0) + 2 * tree.frameWidth() + 4
            )
        voided = self.detail is not None and self.detail.info["status"] == Status.VOIDED.value
        from bbc_desktop.core.permissions import Permission

        self.add_attachment_button.setEnabled(not voided and self.state.can(Permission.HANDLE))
        self._attachment_message("" if rows else "暂无附件")
        self.label("attachmentMessageLabel").setStyleSheet(MUTED_STYLE)
        self._attachment_selection_changed()

    def _attachment_message(self, text: str, error: bool = False) -> None:
        label = self.label("attachmentMessageLabel")
        label.setText(text)
        label.setStyleSheet(OVERDUE_STYLE if error else MUTED_STYLE)
        label.setVisible(bool(text))

    def _attachment_selection_changed(self) -> None:
        self.open_attachment_button.setEnabled(bool(self.attachment_tree.selectedItems()))

    def _choose_attachment(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "添加附件",
            "",
            "扫描件和文档 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx);;所有文件 (*)",
        )
        if path:
            self.add_attachment_file(path)

    def add_attachment_file(self, path: str | Path) -> bool:
        """Store ``path`` on the shown ticket through the core (one unit of work); errors show in the pane."""
        if self.detail is None:
            return False
        ticket_id = self.detail.id
        try:
            with self.state.session() as session:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None:
                    raise NotFound("该工单不存在，请刷新队列")
                add_attachment(session, self.state.ctx, ticket, path, store=self.state.db.attachments_dir)
        except BbcError as exc:
            self._report(exc.message)
            return False
        self.show_ticket(ticket_id)
        self.ticket_changed.emit(ticket_id)
        return True

    def open_selected_attachment(self) -> bool:
        items = self.attachment_tree.selectedItems()
        if not items:
            self._report("请先选中要打开的附件")
            return False
        attachment_id = int(items[0].data(0, Qt.ItemDataRole.UserRole))
        try:
            with self.state.session() as session:
                attachment = session.get(Attachment, attachment_id)
                if attachment is None:
                    raise NotFound("附件记录不存在，请刷新")
                path = attachment_file(attachment, self.state.db.attachments_dir)
        except BbcError as exc:
            self._report(exc.message)
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._report(f"无法打开附件“{path.name}”：系统中没有能打开此类文件的程序")
            return False
        return True

    def _report(self, message: str) -> None:
        self._attachment_message(message, error=True)
        self.failed.emit(message)

    # -- confidential identity ---------------------------------------------------------------

    def reveal(self) -> None:
        """Show a confidential reporter's real name and phone; the core records the look."""
        if self.detail is None:
            return
        ticket_id = self.detail.id
        try:
            with self.state.session() as session:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None:
                    raise NotFound("该工单不存在，请刷新队列")
                name, company, phone = reveal_identity(session, self.state.ctx, ticket)
        except BbcError as exc:
            message = self.label("messageLabel")
            message.setText(exc.message)
            message.show()
            self.failed.emit(exc.message)
            return
        self._revealed = (ticket_id, name, company, phone)
        self._fill_reporter(self.detail)
        self.show_ticket(ticket_id)  # the history now holds the look
        self.ticket_changed.emit(ticket_id)
