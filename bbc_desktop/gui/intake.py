"""The intake form (受理登记): what the front-desk operator fills while listening to the visitor.

Owns the widgets of ``forms/intake_form.ui`` and the two small dialogs it opens (co-units, on-the-spot
result). It turns the widgets into one ``core.tickets.Intake`` and saves it in one unit of work; every
rule (what is required, the phone format, the deadline, which grade may be solved on the spot) is the
core's, and its Chinese message is shown beside the field it is about.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core import lifecycle
from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import GRADES, Category, ComplaintForm, Grade, ReporterKind, Source, Status
from bbc_desktop.core.errors import BbcError, TransitionError, ValidationError
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.core.queries import possible_repeats
from bbc_desktop.core.tickets import Intake, lead_assignment, link, register, resolve_on_spot
from bbc_desktop.core.units import list_units
from bbc_desktop.core.validation import MAX_CONTENT, normalize_phone
from bbc_desktop.gui.forms import load_form
from bbc_desktop.gui.state import AppState
from bbc_desktop.gui.worker import run_async

log = logging.getLogger(__name__)
DRAFT_INTERVAL_MS = 2000

UNCATEGORISED = "（未分类）"
REPEAT_DEBOUNCE_MS = 300
# The "now" shown as acceptance time follows the clock while the operator has not changed it.
NOW_REFRESH_MS = 30_000

# Which widget a core message is about, by the field words it names; checked in this order,
# so "指定协办单位前须先指定承办单位" points at the lead unit, the one to fill first.
FIELD_WORDS: tuple[tuple[str, str], ...] = (
    ("反映内容", "contentEdit"),
    ("电话", "phoneEdit"),
    ("企业名称", "companyEdit"),
    ("姓名", "nameEdit"),
    ("承办单位", "unitCombo"),
    ("协办单位", "coUnitsButton"),
    ("批转意见", "dispatchNoteEdit"),
    ("受理时间", "acceptedEdit"),
)

# Grade colours: (fill when chosen, text on the fill, outline and text when not chosen). The words
# 红牌/黄牌/蓝牌 always stay on the button, so the choice reads without colour too.
GRADE_COLOURS: dict[Grade, tuple[str, str, str]] = {
    Grade.RED: ("#c62828", "#ffffff", "#c62828"),
    Grade.YELLOW: ("#f5c518", "#3d2e00", "#9a7400"),
    Grade.BLUE: ("#1565c0", "#ffffff", "#1565c0"),
}

STYLE = """
QLabel#titleLabel { font-size: 15px; font-weight: bold; padding: 2px 0; }
QLabel#messageLabel { padding: 6px 8px; border-radius: 4px; }
QLabel#messageLabel[kind="error"] { color: #991b1b; background: #fef2f2; border: 1px solid #fca5a5; }
QLabel#messageLabel[kind="success"] { color: #166534; background: #f0fdf4; border: 1px solid #86efac; }
QLabel#phoneMessage { color: #b91c1c; }
QLabel#gradeRule { color: #475569; }
QLabel#dueLabel { font-weight: bold; }
QLabel#contentCount { color: #64748b; }
QLabel#contentCount[over="true"] { color: #b91c1c; font-weight: bold; }
QLabel#coUnitsLabel { color: #334155; }
QLabel#operatorLabel { color: #64748b; }
QFrame#repeatNotice { background: #fef9c3; border: 1px solid #eab308; border-radius: 4px; }
QLabel#repeatLabel { background: transparent; border: none; color: #713f12; }
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],
QDateTimeEdit[invalid="true"], QPushButton[invalid="true"] { border: 2px solid #dc2626; }
QPushButton#saveButton { font-weight: bold; }
"""


def _grade_style(grade: Grade) -> str:
    fill, on_fill, outline = GRADE_COLOURS[grade]
    name = f"{grade.value}Button"
    return (
        f"QPushButton#{name} {{ color: {outline}; background: #ffffff; border: 2px solid {outline};"
        f" border-radius: 4px; padding: 5px 0; margin: 1px; font-weight: bold; }}"
        f" QPushButton#{name}:checked {{ color: {on_fill}; background: {fill}; border-color: {outline}; }}"
        f" QPushButton#{name}:focus {{ border-width: 3px; margin: 0px; }}"
    )


@dataclass(frozen=True)
class RepeatHit:
    """One open ticket of the same reporter, as the notice names it."""

    number: str
    status: str
    unit: str

    def describe(self) -> str:
        return f"{self.number}（{self.status}" + (f"，{self.unit}" if self.unit else "") + "）"


def find_repeats(state: AppState, phone: str, company: str) -> list[RepeatHit]:
    """Open tickets of the reporter with this phone or company name (runs in a worker thread)."""
    with state.session() as session:
        hits = []
        for ticket in possible_repeats(session, phone=phone, company=company):
            lead = lead_assignment(ticket)
            hits.append(RepeatHit(ticket.number, Status(ticket.status).label, lead.unit.name if lead else ""))
        return hits


def format_due(due: Any, workdays: int, provisional: bool) -> str:
    text = f"{due.year}年{due.month}月{due.day}日（{workdays}个工作日）"
    return text + ("（暂定：该年度节假日安排尚未公布）" if provisional else "")


class CoUnitsDialog(QDialog):
    """A checklist of the active units for 协办单位, with a filter box for the long directory."""

    def __init__(self, names: list[str], chosen: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coUnitsDialog")
        self.setWindowTitle("选择协办单位")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(320, 420)
        layout = QVBoxLayout(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("coUnitsFilter")
        self.filter_edit.setPlaceholderText("输入单位名称筛选")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("coUnitsList")
        for name in names:
            item = QListWidgetItem(name, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(self._filter)

    def _filter(self, text: str) -> None:
        needle = text.strip()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(needle) and needle not in item.text())

    def chosen(self) -> list[str]:
        """The checked names, in directory order."""
        return [
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]


class OnSpotDialog(QDialog):
    """Asks for the result of a matter solved at the counter; stays open while the core refuses it."""

    def __init__(self, draft: str, submit: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onSpotDialog")
        self.setWindowTitle("当场解决")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(420, 260)
        self._submit = submit
        layout = QVBoxLayout(self)
        caption = QLabel("办理结果（同时作为对反映人的答复）：", self)
        self.result_edit = QPlainTextEdit(self)
        self.result_edit.setObjectName("resultEdit")
        self.result_edit.setTabChangesFocus(True)
        self.result_edit.setPlaceholderText(
            "例如：已电话联系区市场监督管理局窗口，当场为其办结营业执照变更登记"
        )
        self.result_edit.setPlainText(draft)
        caption.setBuddy(self.result_edit)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("resultMessage")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.error_label.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(caption)
        layout.addWidget(self.result_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def accept(self) -> None:
        message = self._submit(self.result_edit.toPlainText())
        if message:
            self.error_label.setText(message)
            self.error_label.show()
            self.result_edit.setFocus()
            return
        super().accept()


class IntakeForm(QWidget):
    """受理登记. ``saved(ticket_id, number)`` is emitted after each ticket is registered."""

    saved = Signal(int, str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.last_saved_id: int | None = None  # the ticket the last successful save registered
        self.setObjectName("intakeForm")
        self.body = load_form("intake_form", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.body)
        self.setStyleSheet(STYLE + "".join(_grade_style(g) for g in GRADES))

        self.message_label = self._child(QLabel, "messageLabel")
        self.person_radio = self._child(QRadioButton, "personRadio")
        self.company_radio = self._child(QRadioButton, "companyRadio")
        self.name_label = self._child(QLabel, "nameLabel")
        self.name_edit = self._child(QLineEdit, "nameEdit")
        self.company_edit = self._child(QLineEdit, "companyEdit")
        self.phone_edit = self._child(QLineEdit, "phoneEdit")
        self.phone_message = self._child(QLabel, "phoneMessage")
        self.anonymous_check = self._child(QCheckBox, "anonymousCheck")
        self.confidential_check = self._child(QCheckBox, "confidentialCheck")
        self.repeat_notice = self._child(QFrame, "repeatNotice")
        self.repeat_label = self._child(QLabel, "repeatLabel")
        self.repeat_link_check = self._child(QCheckBox, "repeatLinkCheck")
        self.source_combo = self._child(QComboBox, "sourceCombo")
        self.category_combo = self._child(QComboBox, "categoryCombo")
        self.oral_radio = self._child(QRadioButton, "oralRadio")
        self.written_radio = self._child(QRadioButton, "writtenRadio")
        self.content_edit = self._child(QPlainTextEdit, "contentEdit")
        self.content_count = self._child(QLabel, "contentCount")
        self.grade_buttons: dict[Grade, QPushButton] = {
            g: self._child(QPushButton, f"{g.value}Button") for g in GRADES
        }
        self.grade_rule = self._child(QLabel, "gradeRule")
        self.due_label = self._child(QLabel, "dueLabel")
        self.unit_combo = self._child(QComboBox, "unitCombo")
        self.co_units_button = self._child(QPushButton, "coUnitsButton")
        self.co_units_label = self._child(QLabel, "coUnitsLabel")
        self.dispatch_note_edit = self._child(QPlainTextEdit, "dispatchNoteEdit")
        self.accepted_edit = self._child(QDateTimeEdit, "acceptedEdit")
        self.operator_label = self._child(QLabel, "operatorLabel")
        self.save_button = self._child(QPushButton, "saveButton")
        self.print_button = self._child(QPushButton, "printButton")
        self.on_spot_button = self._child(QPushButton, "onSpotButton")
        self.clear_button = self._child(QPushButton, "clearButton")

        self._co_units: list[str] = []
        self._unit_names: list[str] = []
        self._calendar: WorkCalendar | None = None
        self._default_accepted: datetime | None = None
        self._on_spot_draft = ""
        self.co_units_dialog: CoUnitsDialog | None = None
        self.on_spot_dialog: OnSpotDialog | None = None
        # The repeat lookup: the last (phone, company) asked, which answer is current, the offered link.
        self._repeat_key: tuple[str, str] | None = None
        self._repeat_generation = 0
        self._repeat_target: str | None = None

        self._setup_widgets()
        self._connect()
        self.set_defaults()
        # The draft on disk (gui/drafts.py): written while the form differs from an empty one.
        from bbc_desktop.gui.drafts import draft_file

        self.draft_path = draft_file(state.db.target)
        self._draft_written: dict[str, Any] | None = None
        self._draft_failed = False  # said once, until a draft can be written again
        self.draft_timer = QTimer(self)
        self.draft_timer.setInterval(DRAFT_INTERVAL_MS)
        self.draft_timer.timeout.connect(self.keep_draft)
        self.draft_timer.start()

    # -- building ------------------------------------------------------------------------------

    def _child(self, kind: type, name: str) -> Any:
        widget = self.body.findChild(kind, name)
        if widget is None:
            raise RuntimeError(f"界面文件 intake_form.ui 缺少控件 {name}")
        return widget

    def _setup_widgets(self) -> None:
        for source in Source:
            self.source_combo.addItem(source.label, source.value)
        self.category_combo.addItem(UNCATEGORISED, None)
        for category in Category:
            self.category_combo.addItem(category.label, category.value)
            self.category_combo.setItemData(
                self.category_combo.count() - 1, category.label, Qt.ItemDataRole.ToolTipRole
            )
        # The scope labels are long; the closed box may cut them, the list shows them whole.
        self.category_combo.view().setMinimumWidth(self.category_combo.view().sizeHintForColumn(0) + 24)
        self.unit_combo.lineEdit().setPlaceholderText("不填则只登记，暂不转办")
        self.unit_combo.lineEdit().setClearButtonEnabled(True)
        completer = QCompleter(self.unit_combo.model(), self.unit_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.unit_combo.setCompleter(completer)
        self.phone_message.hide()
        self.repeat_notice.hide()
        self.message_label.hide()
        self.operator_label.setText(f"受理人：{self.state.ctx.operator}")
        for button in self.grade_buttons.values():
            button.setMinimumWidth(72)
            button.installEventFilter(self)
        self.accepted_edit.installEventFilter(self)
        self.repeat_timer = QTimer(self)
        self.repeat_timer.setSingleShot(True)
        self.repeat_timer.setInterval(REPEAT_DEBOUNCE_MS)
        self.now_timer = QTimer(self)
        self.now_timer.setInterval(NOW_REFRESH_MS)
        self.now_timer.start()

    def _connect(self) -> None:
        self.person_radio.toggled.connect(self._kind_changed)
        self.anonymous_check.toggled.connect(self._anonymous_changed)
        self.phone_edit.editingFinished.connect(self._check_phone)
        self.phone_edit.textChanged.connect(self._reporter_changed)
        self.company_edit.textChanged.connect(self._reporter_changed)
        self.content_edit.textChanged.connect(self._update_count)
        for button in self.grade_buttons.values():
            button.toggled.connect(self._grade_changed)
        self.accepted_edit.dateTimeChanged.connect(self._update_due)
        self.category_combo.currentIndexChanged.connect(self._category_changed)
        self.co_units_button.clicked.connect(self.choose_co_units)
        self.repeat_link_check.toggled.connect(self._link_toggled)
        self.repeat_timer.timeout.connect(self._lookup_repeats)
        self.now_timer.timeout.connect(self._follow_clock)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.save_and_print)
        self.on_spot_button.clicked.connect(self.resolve_on_spot)
        self.clear_button.clicked.connect(lambda: self.clear())
        # A mark goes away as soon as the operator corrects the field it is on.
        self.name_edit.textChanged.connect(lambda: self._mark(self.name_edit, False))
        self.company_edit.textChanged.connect(lambda: self._mark(self.company_edit, False))
        self.content_edit.textChanged.connect(lambda: self._mark(self.content_edit, False))
        self.unit_combo.currentTextChanged.connect(lambda: self._mark(self.unit_combo, False))
        self.dispatch_note_edit.textChanged.connect(lambda: self._mark(self.dispatch_note_edit, False))
        self.accepted_edit.dateTimeChanged.connect(lambda: self._mark(self.accepted_edit, False))
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self, self.save, context)
        self.print_shortcut = QShortcut(QKeySequence("Ctrl+P"), self, self.save_and_print, context)
        self.clear_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, lambda: self.clear(), context)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Like a radio group, Tab enters the three grade buttons at the chosen one (then arrows move);
        # exclusive push buttons would otherwise land on 红牌 whatever is chosen.
        if (
            event.type() == QEvent.Type.FocusIn
            and watched in self.grade_buttons.values()
            and not watched.isChecked()  # type: ignore[attr-defined]
            and isinstance(event, QFocusEvent)
            and event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        ):
            self.grade_buttons[self.grade()].setFocus(event.reason())
            return True
        # Tab leaves the acceptance time like any field (QDateTimeEdit would walk its sections);
        # the arrow keys still move between year, month, day and time.
        if (
            watched is self.accepted_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        ):
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers()
            self._focus_neighbour(self.accepted_edit, forward)
            return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _focus_neighbour(widget: QWidget, forward: bool) -> None:
        """Focus the next (or previous) widget in the tab chain that takes Tab focus."""
        step = QWidget.nextInFocusChain if forward else QWidget.previousInFocusChain
        candidate = step(widget)
        while candidate is not None and candidate is not widget:
            if (
                candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
                and candidate.isEnabled()
                and candidate.isVisible()
                and not widget.isAncestorOf(candidate)
                and candidate.focusProxy() is None
            ):
                reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
                candidate.setFocus(reason)
                return
            candidate = step(candidate)

    # -- public API ----------------------------------------------------------------------------

    def set_defaults(self) -> None:
        """Every choice back to its default (群众, 窗口来访, 未分类, 口头, 蓝牌, accepted now).

        Also rereads the units directory and the holiday calendar, which the administrator may
        have changed since the last visitor. Typed text is left alone: that is ``clear``.
        """
        self.person_radio.setChecked(True)
        self.anonymous_check.setChecked(False)
        self.confidential_check.setChecked(False)
        self.source_combo.setCurrentIndex(self.source_combo.findData(Source.VISIT.value))
        self.category_combo.setCurrentIndex(0)
        self.oral_radio.setChecked(True)
        self.grade_buttons[Grade.BLUE].setChecked(True)
        with self.state.session() as session:
            self._unit_names = [unit.name for unit in list_units(session)]
        self._calendar = self.state.calendar()
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        self.unit_combo.addItems(self._unit_names)
        self.unit_combo.setCurrentIndex(-1)
        self.unit_combo.setEditText("")
        self.unit_combo.blockSignals(False)
        self._default_accepted = self.state.ctx.clock.now()
        self.accepted_edit.setDateTime(QDateTime(self._default_accepted))
        self._refresh_all()

    def clear(self, confirm: bool = True) -> bool:
        """Empty the form for the next visitor; with ``confirm``, ask first if anything was typed."""
        if confirm and self.is_dirty():
            answer = QMessageBox.question(
                self,
                "清空受理单",
                "受理单中已填写的内容尚未保存，清空后无法恢复。确定清空吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        for edit in (self.name_edit, self.company_edit, self.phone_edit):
            edit.clear()
        self.content_edit.clear()
        self.dispatch_note_edit.clear()
        self._co_units = []
        self._on_spot_draft = ""
        self._forget_repeats()
        self.set_defaults()
        self._clear_marks()
        self._show_message("", "")
        self.name_edit.setFocus()
        if hasattr(self, "draft_path"):
            self.keep_draft()  # emptied on purpose: no draft to offer later
        return True

    # -- the draft on disk ---------------------------------------------------------------------

    def _draft_values(self) -> dict[str, Any]:
        """The form's values (``_values``) as JSON keeps them; the repeat link is decided afresh."""
        values = dict(self._values())
        accepted = values.pop("accepted")
        values.pop("link")
        values["written"] = values.pop("form")
        values.update(
            kind=values["kind"].value,
            grade=values["grade"].value,
            co_units=list(values["co_units"]),
            accepted=accepted.isoformat() if accepted else None,
        )
        return values

    def keep_draft(self) -> None:
        """Write the form to its draft file when it changed since (remove the file once it is empty)."""
        from bbc_desktop.gui.drafts import discard_draft, save_draft

        if not self.is_dirty():
            if self._draft_written is not None or self.draft_path.exists():
                discard_draft(self.draft_path)
                self._draft_written = None
            return
        values = self._draft_values()
        if values == self._draft_written:
            return
        try:
            save_draft(self.draft_path, values, self.state.ctx.operator, self.state.ctx.clock.now())
        except OSError as exc:
            log.warning("the intake draft could not be written: %s", exc)
            if not self._draft_failed:  # once per form: it would otherwise hide every other message
                self._draft_failed = True
                self._show_error(
                    f"本机无法保存录入草稿（{self.draft_path.parent}：{exc.strerror or exc}），"
                    "程序意外退出时这份登记不能恢复：请尽快保存，并请管理员检查用户数据文件夹的写入权限"
                )
            return
        self._draft_failed = False
        self._draft_written = values

    def apply_draft(self, values: dict[str, Any]) -> None:
        """Put a kept draft back into the form (as the operator left it)."""
        (
            self.company_radio if values.get("kind") == ReporterKind.COMPANY.value else self.person_radio
        ).setChecked(True)
        self.name_edit.setText(str(values.get("name") or ""))
        self.company_edit.setText(str(values.get("company") or ""))
        self.phone_edit.setText(str(values.get("phone") or ""))
        self.anonymous_check.setChecked(bool(values.get("anonymous")))
        self.confidential_check.setChecked(bool(values.get("confidential")))
        for combo, key in ((self.source_combo, "source"), (self.category_combo, "category")):
            index = combo.findData(values.get(key))
            if index >= 0:
                combo.setCurrentIndex(index)
        (self.written_radio if values.get("written") else self.oral_radio).setChecked(True)
        self.content_edit.setPlainText(str(values.get("content") or ""))
        grade = next((g for g in self.grade_buttons if g.value == values.get("grade")), Grade.BLUE)
        self.grade_buttons[grade].setChecked(True)
        self.unit_combo.setEditText(str(values.get("unit") or ""))
        self._co_units = [u for u in values.get("co_units") or [] if u in self._unit_names]
        self.dispatch_note_edit.setPlainText(str(values.get("note") or ""))
        if values.get("accepted"):
            with contextlib.suppress(TypeError, ValueError):
                self.accepted_edit.setDateTime(QDateTime(datetime.fromisoformat(values["accepted"])))
        self._refresh_all()

    def is_dirty(self) -> bool:
        """Whether anything differs from an empty form with the defaults."""
        return self._values() != self._pristine()

    def save(self) -> bool:
        """保存 (Ctrl+S): register the intake; on refusal show the core's message and keep the form."""
        message = self._save()
        if message:
            self._show_error(message)
        return message is None

    def save_and_print(self) -> bool:
        """保存并打印 (Ctrl+P): save first, so nothing is printed that is not on record, then preview the slip."""
        if not self.save():
            return False
        from bbc_desktop.gui.printing import open_preview

        open_preview(self.state, [self.last_saved_id or 0], "slip", self)
        return True

    def resolve_on_spot(self) -> None:
        """当场解决: ask for the result, then register and resolve in one unit of work."""
        if not self.on_spot_button.isEnabled():
            return
        self.on_spot_dialog = OnSpotDialog(self._on_spot_draft, self._submit_on_spot, self)
        self.on_spot_dialog.rejected.connect(self._keep_on_spot_draft)
        self.on_spot_dialog.open()

    def choose_co_units(self) -> None:
        """Open the checklist of units; the choice is taken when it is confirmed."""
        self.co_units_dialog = CoUnitsDialog(self._unit_names, self._co_units, self)
        self.co_units_dialog.accepted.connect(self._co_units_chosen)
        self.co_units_dialog.open()

    def grade(self) -> Grade:
        return next(g for g, b in self.grade_buttons.items() if b.isChecked())

    def co_units(self) -> list[str]:
        return list(self._co_units)

    def link_target(self) -> str | None:
        """The number the new ticket will be linked to as a repeat report, if the operator chose so."""
        return self._repeat_target if self.repeat_link_check.isChecked() else None

    # -- reading the widgets -------------------------------------------------------------------

    def _kind(self) -> ReporterKind:
        return ReporterKind.COMPANY if self.company_radio.isChecked() else ReporterKind.PERSON

    def _accepted_override(self) -> datetime | None:
        """The acceptance time the operator set, or None while it is still the default "now"."""
        value = self.accepted_edit.dateTime().toPython()
        if self._default_accepted is not None and value == self._default_accepted:
            return None
        return value.replace(second=0, microsecond=0)  # typed to the minute, as it is shown

    def _values(self) -> dict[str, Any]:
        return {
            "kind": self._kind(),
            "name": self.name_edit.text(),
            "company": self.company_edit.text(),
            "phone": self.phone_edit.text(),
            "anonymous": self.anonymous_check.isChecked(),
            "confidential": self.confidential_check.isChecked(),
            "source": self.source_combo.currentData(),
            "category": self.category_combo.currentData(),
            "form": self.written_radio.isChecked(),
            "content": self.content_edit.toPlainText(),
            "grade": self.grade(),
            "unit": self.unit_combo.currentText(),
            "co_units": tuple(self._co_units),
            "note": self.dispatch_note_edit.toPlainText(),
            "accepted": self._accepted_override(),
            "link": self.link_target(),
        }

    @staticmethod
    def _pristine() -> dict[str, Any]:
        return {
            "kind": ReporterKind.PERSON,
            "name": "",
            "company": "",
            "phone": "",
            "anonymous": False,
            "confidential": False,
            "source": Source.VISIT.value,
            "category": None,
            "form": False,
            "content": "",
            "grade": Grade.BLUE,
            "unit": "",
            "co_units": (),
            "note": "",
            "accepted": None,
            "link": None,
        }

    def _intake(self) -> Intake:
        """The Intake as typed; a disabled field (anonymous, or 企业名称 for a person) is not sent."""
        anonymous = self.anonymous_check.isChecked()
        kind = self._kind()
        return Intake(
            content=self.content_edit.toPlainText(),
            grade=self.grade(),
            name="" if anonymous else self.name_edit.text(),
            phone="" if anonymous else self.phone_edit.text(),
            kind=kind,
            company=self.company_edit.text() if kind is ReporterKind.COMPANY and not anonymous else "",
            source=self.source_combo.currentData(),
            category=self.category_combo.currentData(),
            form=ComplaintForm.WRITTEN if self.written_radio.isChecked() else ComplaintForm.ORAL,
            confidential=self.confidential_check.isChecked(),
            anonymous=anonymous,
            accepted_at=self._accepted_override(),
            lead_unit=self.unit_combo.currentText().strip() or None,
            co_units=tuple(self._co_units),
            dispatch_note=self.dispatch_note_edit.toPlainText(),
        )

    # -- saving --------------------------------------------------------------------------------

    def _save(self, on_spot_result: str | None = None) -> str | None:
        """Register (and link, and resolve on the spot) in one unit of work; the refusal's message, or None."""
        self._clear_marks()
        ctx = self.state.ctx
        target = self.link_target()
        try:
            intake = self._intake()
            with self.state.session() as session:
                ticket = register(session, ctx, intake)
                if target:
                    link(session, ctx, ticket, target)
                if on_spot_result is not None:
                    resolve_on_spot(session, ctx, ticket, on_spot_result)
                ticket_id, number = ticket.id, ticket.number
                lead = lead_assignment(ticket)
                unit = lead.unit.name if lead else ""
        except BbcError as exc:
            return exc.message
        except Exception as exc:  # the operator sees a sentence, never a traceback; the form keeps its text
            log.exception("saving the intake failed")
            return f"保存失败，未登记任何内容：程序内部错误（{type(exc).__name__}），请联系管理员"
        self.clear(confirm=False)
        self.keep_draft()  # saved: the draft goes at once
        detail = "，已当场解决" if on_spot_result is not None else (f"，已转办{unit}" if unit else "")
        self._show_message(f"已受理：{number}{detail}", "success")
        self.last_saved_id = ticket_id
        self.saved.emit(ticket_id, number)
        return None

    def _submit_on_spot(self, result: str) -> str | None:
        """The on-the-spot dialog's OK: a message to show in the dialog, or None to close it."""
        self._on_spot_draft = result
        message = self._save(on_spot_result=result)
        if message is None:
            return None
        if "办理结果" in message:
            return message
        self._show_error(message)  # about the form, not the result: the dialog closes, its text is kept
        return None

    def _keep_on_spot_draft(self) -> None:
        if self.on_spot_dialog is not None:
            self._on_spot_draft = self.on_spot_dialog.result_edit.toPlainText()

    # -- messages and marks --------------------------------------------------------------------

    def _show_message(self, text: str, kind: str) -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("kind", kind)
        self._repolish(self.message_label)
        self.message_label.setVisible(bool(text))

    def _show_error(self, message: str) -> None:
        self._show_message(message, "error")
        widget = self._field_for(message)
        if widget is not None:
            self._mark(widget, True)
            widget.setFocus()

    def _field_for(self, message: str) -> QWidget | None:
        for words, name in FIELD_WORDS:
            if words in message:
                return self.body.findChild(QWidget, name)
        return None

    def _mark(self, widget: QWidget, invalid: bool) -> None:
        if bool(widget.property("invalid")) != invalid:
            widget.setProperty("invalid", invalid)
            self._repolish(widget)

    def _clear_marks(self) -> None:
        for _words, name in FIELD_WORDS:
            widget = self.body.findChild(QWidget, name)
            if widget is not None:
                self._mark(widget, False)

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        widget.update()

    # -- reacting to the operator --------------------------------------------------------------

    def _refresh_all(self) -> None:
        self._kind_changed()
        self._update_count()
        self._grade_changed()
        self._category_changed()
        self._update_co_units_label()

    def _kind_changed(self) -> None:
        company = self._kind() is ReporterKind.COMPANY
        anonymous = self.anonymous_check.isChecked()
        self.name_label.setText("联系人" if company else "姓名")
        self.name_edit.setPlaceholderText("企业联系人姓名" if company else "反映人姓名")
        self.company_edit.setEnabled(company and not anonymous)
        self._reporter_changed()

    def _anonymous_changed(self, anonymous: bool) -> None:
        for edit in (self.name_edit, self.phone_edit):
            edit.setEnabled(not anonymous)
        self.company_edit.setEnabled(self._kind() is ReporterKind.COMPANY and not anonymous)
        if anonymous:
            self.phone_message.hide()
            for edit in (self.name_edit, self.phone_edit, self.company_edit):
                self._mark(edit, False)
        self._reporter_changed()

    def _check_phone(self) -> None:
        """Inline check when the operator leaves the phone field; shows the normalised number."""
        if self.anonymous_check.isChecked():
            return
        text = self.phone_edit.text()
        try:
            phone = normalize_phone(text, required=False)
        except ValidationError as exc:
            self.phone_message.setText(exc.message)
            self.phone_message.show()
            self._mark(self.phone_edit, True)
            return
        self.phone_message.hide()
        self._mark(self.phone_edit, False)
        if phone != text:
            self.phone_edit.setText(phone)

    def _update_count(self) -> None:
        length = len(self.content_edit.toPlainText())  # code points: 𠮷 counts as one character
        self.content_count.setText(f"{length} / {MAX_CONTENT} 字")
        over = length > MAX_CONTENT
        if bool(self.content_count.property("over")) != over:  # a repolish costs ~20 ms: not every keystroke
            self.content_count.setProperty("over", over)
            self._repolish(self.content_count)

    def _grade_changed(self) -> None:
        # A toggle fires for the button leaving and the one arriving; act once all is settled.
        if not any(b.isChecked() for b in self.grade_buttons.values()):
            return
        grade = self.grade()
        self.grade_rule.setText(f"{grade.label}：{grade.rule}")
        try:
            lifecycle.require(Action.RESOLVE_ON_SPOT, Status.REGISTERED, grade=grade)
        except TransitionError as exc:
            self.on_spot_button.setEnabled(False)
            self.on_spot_button.setToolTip(exc.message)
        else:
            self.on_spot_button.setEnabled(True)
            self.on_spot_button.setToolTip("能当场解决的：登记办理结果并答复反映人，一次办结")
        self._update_due()

    def _update_due(self) -> None:
        if self._calendar is None or not any(b.isChecked() for b in self.grade_buttons.values()):
            return
        grade = self.grade()
        accepted = self.accepted_edit.dateTime().toPython()
        deadline = self._calendar.due(grade, accepted)
        self.due_label.setText(format_due(deadline.due, grade.workdays, deadline.provisional))

    def _category_changed(self) -> None:
        self.category_combo.setToolTip(self.category_combo.currentText())

    def _follow_clock(self) -> None:
        """Keep the default acceptance time at "now" while the form waits for the next visitor."""
        if self._accepted_override() is None:
            self._default_accepted = self.state.ctx.clock.now()
            self.accepted_edit.setDateTime(QDateTime(self._default_accepted))

    def _co_units_chosen(self) -> None:
        if self.co_units_dialog is not None:
            self._co_units = self.co_units_dialog.chosen()
            self._mark(self.co_units_button, False)
            self._update_co_units_label()

    def _update_co_units_label(self) -> None:
        self.co_units_label.setText("、".join(self._co_units) if self._co_units else "未选择")

    # -- possible repeat report ----------------------------------------------------------------

    def _reporter_changed(self) -> None:
        self.repeat_timer.start()

    def _lookup_repeats(self) -> None:
        """Ask the core, off the GUI thread, for open tickets of the same phone or company."""
        phone = company = ""
        if not self.anonymous_check.isChecked():
            try:
                phone = normalize_phone(self.phone_edit.text(), required=False)
            except ValidationError:
                phone = ""  # still being typed; the inline check speaks when the field is left
            if self._kind() is ReporterKind.COMPANY:
                company = self.company_edit.text().strip()
        key = (phone, company)
        if key == self._repeat_key:
            return
        self._repeat_key = key
        self._repeat_generation += 1
        generation = self._repeat_generation
        if not phone and len(company) < 4:
            self._show_repeats([])
            return
        state = self.state

        def done(hits: list[RepeatHit]) -> None:
            if shiboken6.isValid(self) and generation == self._repeat_generation:
                self._show_repeats(hits)

        def failed(message: str) -> None:
            log.warning("repeat lookup failed: %s", message)

        run_async(lambda: find_repeats(state, phone, company), done, failed)

    def _show_repeats(self, hits: list[RepeatHit]) -> None:
        target = hits[0].number if hits else None
        if target != self._repeat_target:
            self.repeat_link_check.setChecked(False)
        self._repeat_target = target
        if not hits:
            self.repeat_notice.hide()
            return
        self.repeat_label.setText("该反映人有未办结的工单：" + "；".join(hit.describe() for hit in hits))
        self._link_toggled(self.repeat_link_check.isChecked())
        self.repeat_notice.show()

    def _link_toggled(self, checked: bool) -> None:
        if checked and self._repeat_target:
            self.repeat_link_check.setText(f"保存后将关联 {self._repeat_target}")
        else:
            self.repeat_link_check.setText("关联为重复反映")

    def _forget_repeats(self) -> None:
        self.repeat_timer.stop()
        self._repeat_generation += 1
        self._repeat_key = None
        self._show_repeats([])


__all__ = ["CoUnitsDialog", "IntakeForm", "OnSpotDialog", "RepeatHit", "find_repeats", "format_due"]
