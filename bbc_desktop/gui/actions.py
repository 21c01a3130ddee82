"""The lifecycle actions (办理操作) of one ticket: the button panel and the dialog each button opens.

``ActionsPanel`` shows one button per ``core.lifecycle.Action`` and enables exactly those that
``lifecycle.require`` lets through; a disabled button's tooltip is the core's reason. A button opens
``ActionDialog``, which saves through the matching ``core.tickets`` service in one unit of work.

Layouts built in code, and why: ``ActionDialog`` is the one dialog whose layout is built in code
(a QFormLayout from the small per-action field spec ``ACTION_FIELDS``), so twelve near-identical
Designer forms are not needed. The panel's button grid follows from the same choice: it is generated
from ``ACTION_GROUPS``, one button per Action, so the buttons cannot drift from the lifecycle table.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from bbc_desktop.core import lifecycle
from bbc_desktop.core import tickets as t
from bbc_desktop.core import unit_side as u
from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import (
    GRADES,
    AckMethod,
    ComplaintForm,
    Grade,
    Pending,
    ReplyMethod,
    Satisfaction,
    SendBackGrounds,
    Status,
)
from bbc_desktop.core.errors import BbcError, Conflict, TransitionError
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.core.queries import find_by_number, summary
from bbc_desktop.core.units import list_units
from bbc_desktop.gui.forms import ERROR_STYLE
from bbc_desktop.gui.state import AppState

log = logging.getLogger(__name__)

# The order and grouping of the buttons: how a case usually moves, row by row.
ACTION_GROUPS: tuple[tuple[str, tuple[Action, ...]], ...] = (
    ("交办", (Action.DISPATCH, Action.REASSIGN, Action.RESOLVE_ON_SPOT)),
    ("承办单位", (Action.ACKNOWLEDGE, Action.SEND_BACK, Action.RULE_SEND_BACK)),
    ("延期催办", (Action.REQUEST_EXTENSION, Action.DECIDE_EXTENSION, Action.URGE)),
    ("办结反馈", (Action.RECORD_RESULT, Action.REPLY, Action.VISIT)),
    ("特殊情形", (Action.EXPLAIN, Action.ESCALATE, Action.CHANGE_GRADE)),
    ("结案归档", (Action.CLOSE, Action.ARCHIVE, Action.VOID)),
)

# What each step does, for the tooltip of an enabled button.
ACTION_HINTS: dict[Action, str] = {
    Action.DISPATCH: "将工单交承办单位办理，可指定协办单位，办理期限开始计算",
    Action.REASSIGN: "承办单位退回后改由其他单位承办，办理期限重新计算",
    Action.RESOLVE_ON_SPOT: "蓝牌事项当场办结，同时记录对反映人的答复",
    Action.RECORD_RESULT: "登记承办单位报送的办理结果、主管领导签字和联系电话",
    Action.REPLY: "记录向反映人答复的方式、时间和内容",
    Action.VISIT: "记录回访情况和满意度；不满意的将重新办理",
    Action.EXPLAIN: "不属于受理范围或因政策、法律原因无法解决的，向反映人解释说明",
    Action.ESCALATE: "移交区纪委监委和督查局，或提交区领导研究解决",
    Action.CHANGE_GRADE: "调整红、黄、蓝牌色，办理期限随之重新计算",
    Action.CLOSE: "办理完毕，结案",
    Action.ARCHIVE: "结案后归档，归档后不能再修改",
    Action.VOID: "误录的工单作废（保留编号和记录，不能撤销）",
    Action.ACKNOWLEDGE: "登记承办单位收到交办单：签收人、方式和时间",
    Action.SEND_BACK: "承办单位在办理期限内退回工单，登记退单理由，由窗口审定",
    Action.RULE_SEND_BACK: "认可退单并改派其他单位（期限重新计算），或不予认可（原单位继续办理，期限不变）",
    Action.REQUEST_EXTENSION: "承办单位在办理期限内申请延长办理期限，登记天数和理由",
    Action.DECIDE_EXTENSION: "批准（期限自原到期日顺延，须告知反映人）或不批准延期申请",
    Action.URGE: "向承办单位发出催办通知书（抄送分管领导），可预览、打印或另存为 PDF",
}

NO_TICKET = "请先在队列中选择工单"


def _conditions(info: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``lifecycle.require`` from a ticket summary."""
    return {
        "grade": Grade(info["grade"]),
        "anonymous": bool(info.get("anonymous")),
        "form": ComplaintForm(info["form"]) if info.get("form") else None,
        "reply_method": ReplyMethod(info["reply_method"]) if info.get("reply_method") else None,
        "pending": Pending(info["pending"]) if info.get("pending") else None,
        "acknowledged": bool(info.get("acknowledged_at")),
        "due": date.fromisoformat(info["due"]) if info.get("due") else None,
        "today": date.fromisoformat(info["as_of"]) if info.get("as_of") else None,
    }


def refusal(action: Action, info: dict[str, Any]) -> str | None:
    """Why the core refuses ``action`` for this ticket now, or None when it is allowed."""
    try:
        lifecycle.require(action, Status(info["status"]), **_conditions(info))
        if action is Action.ESCALATE:
            # require() lets a dispatched blue ticket through; where it would go is decided here.
            lifecycle.escalation_target(Grade(info["grade"]), bool(info.get("overdue")))
    except TransitionError as exc:
        return exc.message
    return None


class ActionsPanel(QWidget):
    """One button per lifecycle step for the ticket shown; only the steps the core allows are enabled."""

    ticket_changed = Signal(int)
    print_requested = Signal(str)  # "slip" / "receipt", for the ticket shown

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionsPanel")
        self.state = state
        self.info: dict[str, Any] | None = None
        self.buttons: dict[Action, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        for row, (caption, actions) in enumerate(ACTION_GROUPS):
            label = QLabel(caption)
            label.setStyleSheet("color: #475569;")
            grid.addWidget(label, row, 0)
            for column, action in enumerate(actions, start=1):
                button = QPushButton(action.label)
                button.setObjectName(f"{action.value}Button")
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.clicked.connect(lambda _checked=False, a=action: self.run(a))
                self.buttons[action] = button
                grid.addWidget(button, row, column)
        # Printing is not a step of the lifecycle: allowed whenever a ticket is shown.
        row = len(ACTION_GROUPS)
        label = QLabel("打印")
        label.setStyleSheet("color: #475569;")
        grid.addWidget(label, row, 0)
        self.print_buttons: dict[str, QPushButton] = {}
        for column, (paper, caption, hint) in enumerate(
            (
                ("slip", "交办单…", "预览并打印本工单的交办单，或另存为 PDF"),
                ("receipt", "受理回执…", "预览并打印给反映人的受理回执"),
            ),
            start=1,
        ):
            button = QPushButton(caption)
            button.setObjectName(f"print{paper.capitalize()}Button")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setToolTip(hint)
            button.clicked.connect(lambda _checked=False, p=paper: self.print_requested.emit(p))
            self.print_buttons[paper] = button
            grid.addWidget(button, row, column)
        for column in (1, 2, 3):
            grid.setColumnStretch(column, 1)
        self.set_ticket(None)

    def set_ticket(self, info: dict[str, Any] | None) -> None:
        """Enable the steps allowed for ``info`` (a ``core.queries.summary`` dict, ``id`` optional)."""
        from bbc_desktop.core.permissions import Permission, right_for

        self.info = info
        state = self.state
        for button in self.print_buttons.values():
            button.setEnabled(info is not None and state.can(Permission.PRINT))
        role = f"“{state.role.label}”角色" if state.role is not None else "当前账号"
        for action, button in self.buttons.items():
            needed = right_for(action)
            if not state.can(needed):
                reason: str | None = f"{role}无权{needed.label}"
            else:
                reason = NO_TICKET if info is None else refusal(action, info)
            button.setEnabled(reason is None)
            button.setToolTip(ACTION_HINTS[action] if reason is None else reason)

    def enabled_actions(self) -> list[Action]:
        return [action for action, button in self.buttons.items() if button.isEnabled()]

    def run(self, action: Action) -> bool:
        """Open the dialog of ``action``; after a save, refresh the buttons and emit ``ticket_changed``."""
        if self.info is None:
            return False
        number = self.info["number"]
        shown = self.info.get("id")

        def stale() -> None:  # another counter changed it: show that, under the open dialog
            if shown is not None:
                self.ticket_changed.emit(int(shown))

        seen = self.info.get("version")
        made: list[object] = []
        if not run_action(
            self.state, number, action, self, on_stale=stale, seen_version=seen, on_saved=made.append
        ):
            return False
        if action is Action.URGE and made and isinstance(made[0], bytes):
            from bbc_desktop.gui.printing import show_pdf

            show_pdf(self.state, made[0], f"催办通知书 {number}", self)
        with self.state.session() as session:
            ticket_id = self.info.get("id") or find_by_number(session, number)
            ticket = t.get_ticket(session, number)
            calendar = t.load_calendar(session)
            info = summary(ticket, self.state.ctx.clock.today(), calendar) | {"id": ticket.id}
        self.set_ticket(info)
        if ticket_id is not None:
            self.ticket_changed.emit(int(ticket_id))
        return True


@dataclass(frozen=True)
class Field:
    """One input of an action dialog. ``kind``: line, text, choice, unit, units, when, info."""

    key: str
    label: str
    kind: str
    choices: Iterable[StrEnum] | None = None  # an enum, or a tuple of its members
    placeholder: str = ""
    must_choose: bool = False  # a choice with no default; the operator picks one


REPLY_METHOD = Field("reply_method", "答复方式", "choice", ReplyMethod)


class Ruling(StrEnum):
    """The window's ruling on a send-back."""

    REASSIGN = "reassign"
    KEEP = "keep"

    @property
    def label(self) -> str:
        return {"reassign": "认可退单，改派其他单位", "keep": "不予认可，仍由原单位办理"}[self.value]


class Decision(StrEnum):
    """The decision on an extension."""

    APPROVE = "approve"
    REFUSE = "refuse"

    @property
    def label(self) -> str:
        return {"approve": "批准延期", "refuse": "不批准"}[self.value]


def _rule(session: Session, ctx: Context, number: str, values: dict[str, Any]) -> object:
    if values["ruling"] == Ruling.REASSIGN.value:
        if values["unit"] is None:
            from bbc_desktop.core.errors import ValidationError

            raise ValidationError("认可退单须选择改派的承办单位")
        return u.rule_send_back(session, ctx, number, unit=values["unit"], note=values["note"])
    return u.rule_send_back(session, ctx, number, note=values["note"])


def _urge(session: Session, ctx: Context, number: str, _values: dict[str, Any]) -> bytes:
    from bbc_desktop.printing.documents import urge_pdf

    return urge_pdf(session, ctx, [number])


ACTION_FIELDS: dict[Action, tuple[Field, ...]] = {
    Action.DISPATCH: (
        Field("unit", "承办单位", "unit", must_choose=True),
        Field("co_units", "协办单位", "units"),
        Field("note", "批转意见", "text", placeholder="如：请于期限内办结并将办理结果报“办不成事”反映窗口"),
    ),
    Action.REASSIGN: (
        Field("current", "原承办单位", "info"),
        Field("unit", "新承办单位", "unit", must_choose=True),
        Field("reason", "改派理由", "text"),
    ),
    Action.RESOLVE_ON_SPOT: (
        Field("result", "办理结果", "text"),
        REPLY_METHOD,
    ),
    Action.RECORD_RESULT: (
        Field("result", "办理结果", "text"),
        Field("signer", "主管领导签字", "line"),
        Field("phone", "单位联系电话", "line", placeholder="如 0372-1234567 或 13812345678"),
        Field("at", "办结时间", "when"),
    ),
    Action.REPLY: (
        REPLY_METHOD,
        Field("reply", "答复内容", "text"),
        Field("at", "答复时间", "when"),
    ),
    Action.VISIT: (
        Field("at", "回访时间", "when"),
        Field("satisfaction", "满意度", "choice", Satisfaction, must_choose=True),
        Field("notes", "回访情况", "text"),
        Field("visitor", "回访人", "line"),
    ),
    Action.EXPLAIN: (
        Field("library", "选用知识库", "library"),
        Field("explanation", "说明内容", "text"),
        Field("reply_method", "说明方式", "choice", ReplyMethod),
    ),
    Action.ESCALATE: (
        Field("target", "移交对象", "info"),
        Field("note", "说明", "text"),
    ),
    Action.CHANGE_GRADE: (
        Field("grade", "新牌色", "choice", GRADES),
        Field("rule", "牌色标准", "info"),
        Field("preview", "新的办理期限", "info"),
        Field("reason", "调整理由", "text"),
    ),
    Action.CLOSE: (Field("note", "结案说明", "text"),),
    Action.ARCHIVE: (),
    Action.VOID: (Field("reason", "作废理由", "text"),),
    Action.ACKNOWLEDGE: (
        Field("current", "承办单位", "info"),
        Field("by", "签收人", "line", placeholder="承办单位签收人姓名"),
        Field("how", "签收方式", "choice", AckMethod),
        Field("at", "签收时间", "when"),
    ),
    Action.SEND_BACK: (
        Field("current", "承办单位", "info"),
        Field("grounds", "退单理由", "choice", SendBackGrounds, must_choose=True),
        Field("reason", "退单说明", "text", placeholder="承办单位说明的情况；理由为“其他”时必填"),
        Field("by", "经办人", "line", placeholder="承办单位经办人姓名"),
    ),
    Action.RULE_SEND_BACK: (
        Field("request", "退单情况", "info"),
        Field("ruling", "审定结果", "choice", Ruling, must_choose=True),
        Field("unit", "改派至", "unit"),
        Field("note", "审定意见", "text", placeholder="不予认可时必填"),
    ),
    Action.REQUEST_EXTENSION: (
        Field("current_due", "现办理期限", "info"),
        Field("days", "延期工作日数", "days"),
        Field("preview", "延期后期限", "info"),
        Field("reason", "延期理由", "text"),
        Field("by", "经办人", "line", placeholder="承办单位经办人姓名"),
    ),
    Action.DECIDE_EXTENSION: (
        Field("request", "延期申请", "info"),
        Field("decision", "审批结果", "choice", Decision, must_choose=True),
        Field("notified", "告知反映人方式", "choice", ReplyMethod, must_choose=False),
        Field("note", "审批意见", "text", placeholder="不批准时必填"),
    ),
    Action.URGE: (
        Field("target", "催办对象", "info"),
        Field("preview", "办理期限", "info"),
    ),
}

Saver = Callable[[Session, Context, str, dict[str, Any]], object]

# The one core service each dialog calls, with the values read from its fields.
SAVERS: dict[Action, Saver] = {
    Action.DISPATCH: lambda s, c, n, v: t.dispatch(s, c, n, v["unit"], v["co_units"], v["note"]),
    Action.REASSIGN: lambda s, c, n, v: t.reassign(s, c, n, v["unit"], v["reason"]),
    Action.RESOLVE_ON_SPOT: lambda s, c, n, v: t.resolve_on_spot(s, c, n, v["result"], v["reply_method"]),
    Action.RECORD_RESULT: lambda s, c, n, v: t.record_result(
        s, c, n, v["result"], v["signer"], v["phone"], v["at"]
    ),
    Action.REPLY: lambda s, c, n, v: t.reply(s, c, n, v["reply_method"], v["reply"], v["at"]),
    Action.VISIT: lambda s, c, n, v: t.visit(s, c, n, v["satisfaction"], v["notes"], v["visitor"], v["at"]),
    Action.EXPLAIN: lambda s, c, n, v: t.explain(s, c, n, v["explanation"], v["reply_method"], v["library"]),
    Action.ESCALATE: lambda s, c, n, v: t.escalate(s, c, n, v["note"]),
    Action.CHANGE_GRADE: lambda s, c, n, v: t.change_grade(s, c, n, v["grade"], v["reason"]),
    Action.CLOSE: lambda s, c, n, v: t.close(s, c, n, v["note"]),
    Action.ARCHIVE: lambda s, c, n, _v: t.archive(s, c, n),
    Action.VOID: lambda s, c, n, v: t.void(s, c, n, v["reason"]),
    Action.ACKNOWLEDGE: lambda s, c, n, v: u.acknowledge(s, c, n, v["by"], v["how"], v["at"]),
    Action.SEND_BACK: lambda s, c, n, v: u.send_back(s, c, n, v["grounds"], v["reason"], v["by"]),
    Action.RULE_SEND_BACK: _rule,
    Action.REQUEST_EXTENSION: lambda s, c, n, v: u.request_extension(
        s, c, n, v["days"], v["reason"], v["by"]
    ),
    Action.DECIDE_EXTENSION: lambda s, c, n, v: u.decide_extension(
        s, c, n, v["decision"] == Decision.APPROVE.value, v["note"], v["notified"]
    ),
    Action.URGE: _urge,
}

# Fixed words shown above the fields of some actions.
NOTICES: dict[Action, str] = {
    Action.ARCHIVE: "归档后该工单不能再做任何修改。确定将工单 {number} 归档吗？",
    Action.VOID: "作废后不能撤销：工单及其编号和办理记录将保留，但不能再做任何修改。",
    Action.URGE: "确定后将记录本次催办并生成催办通知书，可预览、打印或另存为 PDF。",
}

UNSATISFIED_WARNING = (
    "选择“不满意”将重新办理：工单退回承办单位，办理期限重新计算，原办理结果和答复记入办理记录。"
)
WARNING_STYLE = "color: #b45309;"


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class _TicketFacts:
    """What the dialog needs to know of its ticket, read once when it opens."""

    number: str
    grade: Grade
    form: ComplaintForm
    anonymous: bool
    unit: str
    clock_start: datetime
    escalation: str
    escalation_refused: str
    calendar: WorkCalendar
    units: list[tuple[int, str]]
    version: int  # the ticket as the operator saw it: a save after another counter's change is refused
    due: date | None = None
    provisional: bool = False
    deputy: str = ""  # the lead unit's deputy in charge (a 催办通知书 is copied to them)
    request: str = ""  # the unit's request awaiting a ruling, as the dialog shows it
    request_days: int = 0
    library: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # 知识库: id, title, told, citation


class ActionDialog(QDialog):
    """The generic dialog of one lifecycle step; saves through the core in one unit of work.

    On a refusal the core's Chinese message shows in red inside the dialog, everything typed stays,
    and nothing is saved. ``fields`` maps each spec key to its input widget. When another counter
    changed the ticket since the dialog opened, the save is refused (``tickets.expect_version``),
    ``stale`` is emitted so the window shows the new state, and a second 确定 decides on that.
    """

    stale = Signal()

    def __init__(
        self,
        state: AppState,
        ticket_number: str,
        action: Action,
        parent: QWidget | None = None,
        seen_version: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.number = ticket_number
        self.action = action
        self.fields: dict[str, QWidget] = {}
        self.setObjectName(f"{action.value}Dialog")
        self.setWindowTitle(f"{action.label} — {ticket_number}")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.warning = QLabel(UNSATISFIED_WARNING)
        self.warning.setObjectName("warningLabel")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        layout.addWidget(self.warning)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("buttonBox")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.facts: _TicketFacts | None = None
        self.outcome: object = None  # what the core service returned (the 催办通知书's PDF)
        try:
            self.facts = self._read_facts()
        except BbcError as exc:
            self.show_error(exc.message)
            self.ok_button.setEnabled(False)
            return
        if seen_version is not None:  # the pane's picture, which may be older than this dialog
            self.facts.version = seen_version
        self._build_fields()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _read_facts(self) -> _TicketFacts:
        state = self.state
        with state.session() as session:
            ticket = t.get_ticket(session, self.number)
            grade = Grade(ticket.grade)
            lead = t.lead_assignment(ticket)
            escalation, refused = "", ""
            try:
                escalation = lifecycle.escalation_target(grade, t.is_overdue(ticket, state.ctx.clock.today()))
            except TransitionError as exc:
                refused = exc.message
            units = [(x.id, x.name) for x in list_units(session)] if self._needs_units() else []
            request, text = u.pending_request(session, ticket), ""
            if request is not None and request.kind == Pending.SEND_BACK.value:
                text = f"{request.unit.name}退单：{SendBackGrounds(request.grounds).label}" + (
                    f"，{request.reason}" if request.reason else ""
                )
            elif request is not None:
                text = f"{request.unit.name}申请延期 {request.days} 个工作日：{request.reason}"
            library = []
            if any(f.kind == "library" for f in ACTION_FIELDS[self.action]):
                from bbc_desktop.core.knowledge import list_entries, told_text

                library = [
                    (e.id, e.title, told_text(e.text, e.citation), e.citation) for e in list_entries(session)
                ]
            return _TicketFacts(
                number=ticket.number,
                grade=grade,
                form=ComplaintForm(ticket.form),
                anonymous=ticket.anonymous,
                unit=lead.unit.name if lead else "",
                clock_start=ticket.clock_start,
                escalation=escalation,
                escalation_refused=refused,
                calendar=t.load_calendar(session),
                units=units,
                version=ticket.version,
                due=ticket.due_date,
                provisional=ticket.due_provisional,
                deputy=lead.unit.deputy if lead else "",
                request=text,
                request_days=request.days if request is not None else 0,
                library=library,
            )

    def _needs_units(self) -> bool:
        return any(f.kind in ("unit", "units") for f in ACTION_FIELDS[self.action])

    def _build_fields(self) -> None:
        facts = self.facts
        assert facts is not None
        notice = NOTICES.get(self.action)
        if notice:
            self.notice.setText(notice.format(number=facts.number))
            self.notice.setStyleSheet(
                WARNING_STYLE + " font-weight: bold;" if self.action is Action.VOID else ""
            )
            self.notice.show()
        for spec in ACTION_FIELDS[self.action]:
            widget = self._make(spec)
            widget.setObjectName(f"{spec.key}Field")
            self.fields[spec.key] = widget
            self.form.addRow(spec.label, widget)
        self._set_defaults()
        if self.action is Action.ESCALATE and facts.escalation_refused:
            self.show_error(facts.escalation_refused)

    def _make(self, spec: Field) -> QWidget:
        facts = self.facts
        assert facts is not None
        if spec.kind == "line":
            edit = QLineEdit()
            edit.setPlaceholderText(spec.placeholder)
            return edit
        if spec.kind == "text":
            memo = QPlainTextEdit()
            memo.setPlaceholderText(spec.placeholder)
            memo.setTabChangesFocus(True)
            memo.setMinimumHeight(84)
            return memo
        if spec.kind == "choice":
            combo = QComboBox()
            assert spec.choices is not None
            for member in spec.choices:
                combo.addItem(member.label, member.value)  # type: ignore[attr-defined]
            if spec.must_choose:
                combo.setPlaceholderText(f"请选择{spec.label}")
                combo.setCurrentIndex(-1)
            return combo
        if spec.kind == "unit":
            combo = QComboBox()
            for unit_id, name in facts.units:
                combo.addItem(name, unit_id)
            combo.setPlaceholderText(f"请选择{spec.label}")
            combo.setCurrentIndex(-1)
            combo.setMaxVisibleItems(20)
            return combo
        if spec.kind == "units":
            checklist = QListWidget()
            for unit_id, name in facts.units:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, unit_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                checklist.addItem(item)
            checklist.setMinimumHeight(120)
            checklist.setMaximumHeight(160)
            return checklist
        if spec.kind == "library":
            combo = QComboBox()
            combo.addItem("（不选用，直接填写）", None)
            for entry_id, title, told, _citation in facts.library:
                combo.addItem(title, entry_id)
                combo.setItemData(combo.count() - 1, told, Qt.ItemDataRole.ToolTipRole)
            combo.setEnabled(bool(facts.library))
            if not facts.library:
                combo.setToolTip("知识库中还没有条目：可在“管理 → 知识库”中添加")
            return combo
        if spec.kind == "days":
            spin = QSpinBox()
            spin.setRange(1, u.MAX_EXTENSION_DAYS)
            spin.setValue(5)
            spin.setSuffix(" 个工作日")
            return spin
        if spec.kind == "when":
            edit = QDateTimeEdit()
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            edit.setDateTime(QDateTime(self.state.ctx.clock.now()))
            return edit
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _set_defaults(self) -> None:
        facts = self.facts
        assert facts is not None
        method = self.fields.get("reply_method")
        if isinstance(method, QComboBox):
            if facts.form is ComplaintForm.WRITTEN:
                default = ReplyMethod.WRITTEN
            elif self.action is Action.REPLY:
                default = ReplyMethod.PHONE  # the reply usually follows days later, by phone
            else:
                default = ReplyMethod.ORAL  # the reporter is at the counter
            method.setCurrentIndex(method.findData(default.value))
        visitor = self.fields.get("visitor")
        if isinstance(visitor, QLineEdit):
            visitor.setText(self.state.ctx.operator)
        satisfaction = self.fields.get("satisfaction")
        if isinstance(satisfaction, QComboBox):
            satisfaction.currentIndexChanged.connect(self._satisfaction_changed)
        current = self.fields.get("current")
        if isinstance(current, QLabel):
            current.setText(facts.unit or "（无）")
        target = self.fields.get("target")
        if isinstance(target, QLabel):
            target.setText(facts.escalation or "—")
        grade = self.fields.get("grade")
        if isinstance(grade, QComboBox):
            grade.setCurrentIndex(grade.findData(facts.grade.value))
            grade.currentIndexChanged.connect(self._grade_changed)
            self._grade_changed()
        self._unit_side_defaults()
        library = self.fields.get("library")
        if isinstance(library, QComboBox):
            library.currentIndexChanged.connect(self._library_chosen)
        if self.action is Action.CLOSE and facts.anonymous:
            self.notice.setText(f"匿名反映无法答复，结案说明前将自动注明“{t.ANONYMOUS_CLOSE_NOTE}”。")
            self.notice.show()

    def _unit_side_defaults(self) -> None:
        facts = self.facts
        assert facts is not None
        due = (_chinese_date(facts.due) + ("（暂定）" if facts.provisional else "")) if facts.due else "—"
        request = self.fields.get("request")
        if isinstance(request, QLabel):
            request.setText(facts.request or "—")
        current_due = self.fields.get("current_due")
        if isinstance(current_due, QLabel):
            current_due.setText(due)
        if self.action is Action.URGE:
            target, preview = self.fields["target"], self.fields["preview"]
            assert isinstance(target, QLabel) and isinstance(preview, QLabel)
            copied = f"（抄送分管领导 {facts.deputy}）" if facts.deputy else "（单位名录中未填写分管领导）"
            target.setText(facts.unit + copied)
            preview.setText(due)
        days = self.fields.get("days")
        if isinstance(days, QSpinBox):
            days.valueChanged.connect(self._extension_preview)
            self._extension_preview()
        ruling = self.fields.get("ruling")
        if isinstance(ruling, QComboBox):
            ruling.currentIndexChanged.connect(self._ruling_changed)
            self._ruling_changed()
        decision = self.fields.get("decision")
        notified = self.fields.get("notified")
        if isinstance(decision, QComboBox) and isinstance(notified, QComboBox):
            notified.setPlaceholderText("请选择告知方式")
            notified.setCurrentIndex(-1)
            # The reporter is told of an approved extension only: refusing leaves the choice aside.
            decision.currentIndexChanged.connect(
                lambda: notified.setEnabled(
                    not facts.anonymous and self.value("decision") != Decision.REFUSE.value
                )
            )
            if facts.anonymous:
                notified.setEnabled(False)
                notified.setPlaceholderText("匿名反映，无法告知")
            elif facts.request_days and facts.due:
                new_due = facts.calendar.add_workdays(facts.due, facts.request_days)
                request_label = self.fields["request"]
                assert isinstance(request_label, QLabel)
                request_label.setText(
                    f"{facts.request}\n批准后办理期限由 {_chinese_date(facts.due)} 延至 "
                    f"{_chinese_date(new_due.due)}{'（暂定）' if new_due.provisional else ''}"
                )

    def _library_chosen(self) -> None:
        """Put the chosen entry's words into the text (the operator may still adapt them)."""
        facts = self.facts
        assert facts is not None
        chosen = self.value("library")
        memo = self.fields["explanation"]
        assert isinstance(memo, QPlainTextEdit)
        told = next((told for entry_id, _t, told, _c in facts.library if entry_id == chosen), "")
        typed = memo.toPlainText().strip()
        if told and (not typed or typed in {x[2] for x in facts.library}):
            memo.setPlainText(told)

    def _extension_preview(self) -> None:
        facts = self.facts
        assert facts is not None
        preview = self.fields["preview"]
        assert isinstance(preview, QLabel)
        if facts.due is None:
            preview.setText("—")
            return
        deadline = facts.calendar.add_workdays(facts.due, int(self.value("days")))
        preview.setText(
            f"{_chinese_date(deadline.due)}（自原到期日顺延{'，暂定' if deadline.provisional else ''}；须经批准）"
        )

    def _ruling_changed(self) -> None:
        unit = self.fields["unit"]
        reassigning = self.value("ruling") == Ruling.REASSIGN.value
        unit.setEnabled(reassigning)
        if not reassigning and isinstance(unit, QComboBox):
            unit.setCurrentIndex(-1)

    def _satisfaction_changed(self) -> None:
        value = self.value("satisfaction")
        self.warning.setVisible(value == Satisfaction.UNSATISFIED.value)

    def _grade_changed(self) -> None:
        """Preview the deadline the core will set: the new grade counted from where the clock started."""
        facts = self.facts
        assert facts is not None
        rule = self.fields["rule"]
        preview = self.fields["preview"]
        assert isinstance(rule, QLabel) and isinstance(preview, QLabel)
        chosen = self.value("grade")
        if chosen is None:  # an imported ticket has no grade yet: nothing is preselected
            rule.setText(facts.grade.rule)
            preview.setText("请选择新牌色")
            return
        grade = Grade(chosen)
        rule.setText(grade.rule)
        if grade is facts.grade:
            preview.setText("与当前牌色相同，办理期限不变")
            return
        # An imported ticket graded for the first time: its deadline counts from now (core.change_grade).
        start = self.state.ctx.clock.now() if facts.grade is Grade.UNKNOWN else facts.clock_start
        deadline = facts.calendar.due(grade, start)
        preview.setText(
            f"{_chinese_date(deadline.due)}"
            f"（{grade.label}{grade.workdays}个工作日，自{_chinese_date(start.date())}起算"
            + ("，暂定" if deadline.provisional else "")
            + "）"
        )

    def value(self, key: str) -> Any:
        """The value of one field as the core service takes it."""
        widget = self.fields[key]
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentData() if widget.currentIndex() >= 0 else None
        if isinstance(widget, QListWidget):
            return [
                widget.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(widget.count())
                if widget.item(row).checkState() == Qt.CheckState.Checked
            ]
        if isinstance(widget, QDateTimeEdit):
            return widget.dateTime().toPython()
        if isinstance(widget, QSpinBox):
            return widget.value()
        return None

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def save(self) -> bool:
        """Save through the core in one unit of work; on a refusal show why and keep the dialog as typed."""
        if self.facts is None:
            return False
        for spec in ACTION_FIELDS[self.action]:
            # Nothing chosen in a list without a default: say so plainly before asking the core.
            if spec.must_choose and self.value(spec.key) is None:
                self.show_error(f"请选择{spec.label}")
                self.fields[spec.key].setFocus()
                return False
        values = {spec.key: self.value(spec.key) for spec in ACTION_FIELDS[self.action]}
        try:
            with self.state.session() as session:
                t.expect_version(session, self.number, self.facts.version)
                self.outcome = SAVERS[self.action](session, self.state.ctx, self.number, values)
        except Conflict as exc:
            self.show_error(exc.message + "。窗口中已显示最新情况；确认仍要办理，请再次点击“确定”")
            with contextlib.suppress(BbcError):
                self.facts = self._read_facts()  # what the next 确定 is based on
            self.stale.emit()
            return False
        except BbcError as exc:
            self.show_error(exc.message)
            return False
        except Exception as exc:  # the operator sees a sentence, the log keeps the traceback
            log.exception("saving %s for %s failed", self.action, self.number)
            self.show_error(f"保存失败，程序内部错误（{type(exc).__name__}）：{exc}")
            return False
        self.show_error("")
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()


def run_action(
    state: AppState,
    ticket_number: str,
    action: Action,
    parent: QWidget | None,
    on_stale: Callable[[], None] | None = None,
    seen_version: int | None = None,
    on_saved: Callable[[object], None] | None = None,
) -> bool:
    """Open the dialog of ``action`` for the ticket; True when the operator saved it.

    ``seen_version``: the ticket's version as the window showed it; ``on_stale``: called when a save
    was refused because another counter changed the ticket since.
    """
    dialog = ActionDialog(state, ticket_number, action, parent, seen_version)
    if on_stale is not None:
        dialog.stale.connect(on_stale)
    try:
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        if saved and on_saved is not None:
            on_saved(dialog.outcome)
        return saved
    finally:
        dialog.deleteLater()
