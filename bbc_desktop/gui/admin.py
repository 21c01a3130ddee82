"""The administrator's screens: 账号管理 (accounts) and 审计记录 (the audit trail, with its check).

Both only show and ask; every rule is the core's (core/auth.py, core/audit.py), which refuses an
account without the permission whatever this window shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from bbc_desktop.core.domain import EVENT_LABELS, Role
from bbc_desktop.core.errors import BbcError
from bbc_desktop.gui.login import FormDialog
from bbc_desktop.gui.state import AppState

__all__ = ["AccountsDialog", "AuditDialog", "HolidaysDialog", "SettingsDialog", "UnitsDialog"]

_ERROR = "color: #b91c1c;"


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AccountForm(FormDialog):
    """新建账号, or 重置密码 (``username`` given): the password typed twice."""

    def __init__(self, state: AppState, parent: QWidget | None = None, username: str = "") -> None:
        super().__init__(
            state,
            f"重置密码：{username}" if username else "新建账号",
            "账号本人首次登录时须修改此密码。密码至少 8 位，须含字母和数字。",
            parent,
        )
        self.reset_for = username
        self.username_edit = QLineEdit(username)
        self.username_edit.setReadOnly(bool(username))
        self.display_edit = QLineEdit()
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.role_combo.setCurrentIndex(self.role_combo.findData(Role.FRONT_DESK.value))
        self.password_edit = QLineEdit()
        self.repeat_edit = QLineEdit()
        for edit in (self.password_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow("账号", self.username_edit)
        if not username:
            self.form.addRow("姓名", self.display_edit)
            self.form.addRow("角色", self.role_combo)
        self.form.addRow("初始密码" if not username else "新密码", self.password_edit)
        self.form.addRow("再次输入", self.repeat_edit)

    def accept(self) -> None:
        from bbc_desktop.core import auth

        if self.password_edit.text() != self.repeat_edit.text():
            self.error_label.setText("两次输入的密码不一致")
            return
        state = self.state
        try:
            with state.session() as session:
                if self.reset_for:
                    auth.reset_password(session, state.ctx, self.reset_for, self.password_edit.text())
                else:
                    auth.create_account(
                        session,
                        state.ctx,
                        self.username_edit.text(),
                        self.password_edit.text(),
                        self.role_combo.currentData(),
                        self.display_edit.text(),
                    )
        except BbcError as exc:
            self.error_label.setText(exc.message)
            return
        super().accept()


class AccountsDialog(QDialog):
    """账号管理: the accounts, and creating, resetting, changing roles, disabling and enabling them."""

    COLUMNS = ("账号", "姓名", "角色", "状态")

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("账号管理")
        self.resize(720, 480)
        self.table = _table(self.COLUMNS)
        self.table.setObjectName("accountsTable")
        self.new_button = QPushButton("新建账号(&N)…")
        self.reset_button = QPushButton("重置密码(&R)…")
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.role_button = QPushButton("改为此角色")
        self.toggle_button = QPushButton("停用(&D)")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.new_button.clicked.connect(self.new_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        self.toggle_button.clicked.connect(self.toggle)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        for widget in (
            self.new_button,
            self.reset_button,
            self.role_combo,
            self.role_button,
            self.toggle_button,
        ):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "停用的账号不能再登录，办理记录中的姓名保留。仅见于办理记录的姓名（导入或旧版本记录）不能登录。"
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.accounts: list = []
        self.refresh()

    def refresh(self, select_name: str = "") -> None:
        from bbc_desktop.core.auth import list_accounts

        now = self.state.ctx.clock.now()
        with self.state.session() as session:
            self.accounts = [a for a in list_accounts(session) if a.password_hash is not None]
            rows = []
            for a in self.accounts:
                if not a.active:
                    status = "已停用"
                elif a.locked_until and a.locked_until > now:
                    status = f"已锁定（至 {a.locked_until:%H:%M}）"
                elif a.must_change_password:
                    status = "启用（须修改密码）"
                else:
                    status = "启用"
                rows.append((a.username, a.display_name, Role(a.role).label, status))
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, value in enumerate(row):
                self.table.setItem(index, column, QTableWidgetItem(value))
        chosen = next((i for i, a in enumerate(self.accounts) if a.username == select_name), 0)
        if self.accounts:
            self.table.selectRow(chosen)
        self._selection_changed()

    def selected(self):  # type: ignore[no-untyped-def]
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        account = self.selected()
        for button in (self.reset_button, self.role_button, self.toggle_button):
            button.setEnabled(account is not None)
        if account is not None:
            self.toggle_button.setText("停用(&D)" if account.active else "启用(&E)")
            self.role_combo.setCurrentIndex(self.role_combo.findData(account.role))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(_ERROR if error else "color: #1e5b2e;")
        self.message.setText(text)

    def new_account(self) -> None:
        form = AccountForm(self.state, self)
        if form.exec() == QDialog.DialogCode.Accepted:
            name = form.username_edit.text().strip()
            self.refresh(name)
            self._say(f"已创建账号 {name}")

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        form = AccountForm(self.state, self, username=account.username)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.refresh(account.username)
            self._say(f"已重置 {account.username} 的密码并解除锁定，本人下次登录须修改密码")

    def _core(self, work, done: str) -> None:  # type: ignore[no-untyped-def]
        account = self.selected()
        if account is None:
            return
        try:
            with self.state.session() as session:
                work(session, account.username)
        except BbcError as exc:
            self._say(exc.message, error=True)
            return
        self.refresh(account.username)
        self._say(done.format(name=account.username))

    def change_role(self) -> None:
        from bbc_desktop.core.auth import set_role

        role = Role(self.role_combo.currentData())
        self._core(
            lambda s, name: set_role(s, self.state.ctx, name, role), f"已将 {{name}} 的角色改为{role.label}"
        )

    def toggle(self) -> None:
        from bbc_desktop.core.auth import disable_account

        account = self.selected()
        if account is None:
            return
        if account.active:
            answer = QMessageBox.question(
                self, "停用账号", f"停用账号“{account.username}”？停用后不能再登录。"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        active = not account.active
        self._core(
            lambda s, name: disable_account(s, self.state.ctx, name, active=active),
            "已启用账号 {name}" if active else "已停用账号 {name}",
        )


class AuditDialog(QDialog):
    """审计记录: the history of every change, filtered; 校验 walks the hash chain (as ``bbc check``)."""

    COLUMNS = ("时间", "账号", "工单", "事项", "说明", "链序号")
    LIMIT = 2000

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("审计记录")
        self.resize(1000, 640)
        today = state.ctx.clock.today()
        self.account_combo = QComboBox()
        self.kind_combo = QComboBox()
        self.ticket_edit = QLineEdit()
        self.ticket_edit.setPlaceholderText("受理编号")
        # From the first event on: nothing older is left out without saying so.
        from sqlalchemy import func

        from bbc_desktop.db.models import Event

        with state.session() as session:
            oldest = session.scalar(select(func.min(Event.at)))
        start = oldest.date() if oldest else today
        self.from_edit = QDateEdit(QDate(start.year, start.month, start.day))
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.account_combo.addItem("全部账号", None)
        with state.session() as session:
            from bbc_desktop.db.models import Account

            for name in session.scalars(select(Account.username).order_by(Account.username)):
                self.account_combo.addItem(name, name)
        self.kind_combo.addItem("全部事项", None)
        for kind, label in EVENT_LABELS.items():
            self.kind_combo.addItem(label, kind)
        search = QPushButton("查询(&Q)")
        search.setDefault(True)
        search.clicked.connect(self.refresh)
        self.check_button = QPushButton("校验审计链(&C)")
        self.check_button.clicked.connect(self.check)
        filters = QHBoxLayout()
        for label, widget in (
            ("账号", self.account_combo),
            ("事项", self.kind_combo),
            ("工单", self.ticket_edit),
            ("自", self.from_edit),
            ("至", self.to_edit),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(search)
        filters.addStretch(1)
        filters.addWidget(self.check_button)
        self.table = _table(self.COLUMNS)
        self.table.setObjectName("auditTable")
        self.count_label = QLabel()
        self.check_label = QLabel()
        self.check_label.setObjectName("checkLabel")
        self.check_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.check_label)
        self.refresh()

    def refresh(self) -> None:
        from bbc_desktop.db.models import Account, Event, Ticket

        start: date = self.from_edit.date().toPython()  # type: ignore[assignment]
        end: date = self.to_edit.date().toPython()  # type: ignore[assignment]
        query = (
            select(Event.at, Account.username, Ticket.number, Event.kind, Event.note, Event.chain_no)
            .outerjoin(Account, Account.id == Event.account_id)
            .outerjoin(Ticket, Ticket.id == Event.ticket_id)
            .where(Event.at >= datetime.combine(start, datetime.min.time()))
            .where(Event.at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
            .order_by(Event.id.desc())
            .limit(self.LIMIT + 1)
        )
        if self.account_combo.currentData():
            query = query.where(Account.username == self.account_combo.currentData())
        if self.kind_combo.currentData():
            query = query.where(Event.kind == self.kind_combo.currentData())
        if self.ticket_edit.text().strip():
            query = query.where(Ticket.number == self.ticket_edit.text().strip())
        with self.state.session() as session:
            rows = session.execute(query).all()
        more = len(rows) > self.LIMIT
        rows = rows[: self.LIMIT]
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = (
                row.at.isoformat(sep=" ", timespec="seconds"),
                row.username or "",
                row.number or "",
                EVENT_LABELS.get(row.kind, row.kind),
                row.note,
                str(row.chain_no or "未入链"),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 4:
                    item.setToolTip(value)
                self.table.setItem(index, column, item)
        self.count_label.setText(
            f"共 {len(rows)} 条" + (f"（只显示最近 {self.LIMIT} 条，请缩小查询范围）" if more else "")
        )

    def check(self) -> None:
        from bbc_desktop.core.audit import verify, verify_state

        with self.state.db.engine.connect() as connection:
            report = verify(connection)
            disagreement = verify_state(connection)
        if report.ok and disagreement:
            self.check_label.setStyleSheet(_ERROR)
            self.check_label.setText(disagreement)
        elif report.ok:
            self.check_label.setStyleSheet("color: #1e5b2e;")
            self.check_label.setText(
                f"审计链完整：共 {report.events} 条记录，均未被改动或删除。"
                f"末端校验值 {report.head[:16]}…（可抄录留存，日后核对）"
            )
        else:
            self.check_label.setStyleSheet(_ERROR)
            self.check_label.setText(report.problem)


class SettingsDialog(FormDialog):
    """设置: the district, the window's name, address and phone, numbering, fonts, idle lock, backups."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        from bbc_desktop.core.settings import LABELS, all_settings

        super().__init__(state, "设置", "所有项目一并检查，全部无误才保存。", parent)
        self.setMinimumWidth(560)
        with state.session() as session:
            values = all_settings(session)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in LABELS.items():
            edit = QLineEdit(values.get(key, ""))
            edit.setObjectName(f"setting_{key}")
            self.edits[key] = edit
            self.form.addRow(label, edit)
        self.ok_button.setText("保存")
        self.changed: dict[str, str] = {}

    def accept(self) -> None:
        from bbc_desktop.core.settings import save_settings

        values = {key: edit.text().strip() for key, edit in self.edits.items()}
        try:
            with self.state.session() as session:
                self.changed = save_settings(session, self.state.ctx, values)
        except BbcError as exc:
            self.error_label.setText(exc.message)  # nothing saved; what was typed stays
            return
        super().accept()


class _DirectoryDialog(QDialog):
    """A list on the left, the chosen record's form on the right, 新增 / 保存 / 停用: records that
    are retired, never deleted (units, 知识库 entries).

    A subclass sets COLUMNS, WHAT and NOTE, builds its form, and provides: ``load(session)`` (the
    records, each with ``id`` and ``active``), ``row(record)`` (its cells), ``fill(record)`` and
    ``clear_form()`` (the form), ``store(session, id_or_None, active)`` (save the form through the
    core; returns the id and the name) and ``set_active(session, record, active)``."""

    COLUMNS: tuple[str, ...] = ()
    WHAT = ""  # what one record is called: "单位", "条目"
    NOTE = ""  # the line above the form

    def __init__(self, state: AppState, title: str, form: QFormLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle(title)
        self.table = _table(self.COLUMNS)
        self.new_button = QPushButton(f"新增{self.WHAT}(&N)")
        self.save_button = QPushButton("保存(&S)")
        self.toggle_button = QPushButton("停用(&D)")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.new_button.clicked.connect(self.new_record)
        self.save_button.clicked.connect(self.save)
        self.toggle_button.clicked.connect(self.toggle)
        self.table.itemSelectionChanged.connect(self._show_selected)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.toggle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.NOTE))
        right.addLayout(form)
        right.addWidget(self.message)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.records: list = []
        self.editing: int | None = None

    def refresh(self, select_id: int | None = None) -> None:
        with self.state.session() as session:
            self.records = self.load(session)
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            for column, value in enumerate(self.row(record)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if self.records:
            self.table.selectRow(next((i for i, r in enumerate(self.records) if r.id == select_id), 0))
        else:
            self.new_record()

    def selected(self):  # type: ignore[no-untyped-def]
        rows = self.table.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        self.editing = record.id
        self.fill(record)
        self.toggle_button.setText("停用(&D)" if record.active else "启用(&E)")
        self.toggle_button.setEnabled(True)

    def new_record(self) -> None:
        self.table.clearSelection()
        self.editing = None
        self.clear_form()
        self.toggle_button.setEnabled(False)
        self._say(f"填写新{self.WHAT}的信息后点击“保存”")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(_ERROR if error else "color: #1e5b2e;")
        self.message.setText(text)

    def save(self) -> None:
        current = self.selected() if self.editing is not None else None
        try:
            with self.state.session() as session:
                record_id, name = self.store(session, self.editing, current.active if current else True)
        except BbcError as exc:
            self._say(exc.message, error=True)  # nothing saved; what was typed stays
            return
        self.refresh(record_id)
        self._say(f"已保存“{name}”")

    def toggle(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            with self.state.session() as session:
                self.set_active(session, record, not record.active)
        except BbcError as exc:
            self._say(exc.message, error=True)
            return
        self.refresh(record.id)
        name = getattr(record, "name", None) or getattr(record, "title", "")
        self._say(f"已{'启用' if not record.active else '停用'}“{name}”")


class UnitsDialog(_DirectoryDialog):
    """单位名录: add and edit units (deputy, liaison, phones, address); retire, never delete."""

    COLUMNS = ("单位名称", "分管副职", "联络人", "单位电话", "状态")
    WHAT = "单位"
    NOTE = "有工单的单位不删除，只能停用：停用后不再出现在转办的选择中，历史记录不变。"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        from bbc_desktop.core.units import UNIT_FIELDS

        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for key, (label, limit) in UNIT_FIELDS.items():
            edit = QLineEdit()
            edit.setMaxLength(limit)
            self.edits[key] = edit
            form.addRow(label, edit)
        super().__init__(state, "单位名录", form, parent)
        self.resize(900, 560)
        self.table.setObjectName("unitsTable")
        self.refresh()

    def load(self, session) -> list:  # type: ignore[no-untyped-def]
        from bbc_desktop.core.units import list_units

        return list_units(session, include_retired=True)

    def row(self, unit) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
        return (unit.name, unit.deputy, unit.liaison, unit.phone, "在用" if unit.active else "已停用")

    def fill(self, unit) -> None:  # type: ignore[no-untyped-def]
        for key, edit in self.edits.items():
            edit.setText(getattr(unit, key))

    def clear_form(self) -> None:
        for edit in self.edits.values():
            edit.clear()
        self.edits["name"].setFocus()

    def store(self, session, record_id: int | None, active: bool) -> tuple[int, str]:  # type: ignore[no-untyped-def]
        from bbc_desktop.core.units import save_unit

        values = {key: edit.text() for key, edit in self.edits.items()}
        return save_unit(session, self.state.ctx, record_id, values).id, values["name"].strip()

    def set_active(self, session, unit, active: bool) -> None:  # type: ignore[no-untyped-def]
        from bbc_desktop.core.units import set_unit_active

        set_unit_active(session, self.state.ctx, unit.id, active)


class KnowledgeDialog(_DirectoryDialog):
    """知识库: the back office keeps reusable explanations (title, text, citation); retired, never
    deleted; how often each served is shown."""

    COLUMNS = ("标题", "政策法规依据", "使用次数", "状态")
    WHAT = "条目"
    NOTE = "办理“解释说明”时可从知识库选用；用过的条目不删除，只能停用。"

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QPlainTextEdit

        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(100)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("向反映人解释说明的内容")
        self.text_edit.setTabChangesFocus(True)
        self.citation_edit = QLineEdit()
        self.citation_edit.setMaxLength(300)
        self.citation_edit.setPlaceholderText("如：《不动产登记暂行条例》第十四条")
        form = QFormLayout()
        form.addRow("标题", self.title_edit)
        form.addRow("解释说明内容", self.text_edit)
        form.addRow("政策法规依据", self.citation_edit)
        super().__init__(state, "知识库", form, parent)
        self.resize(960, 560)
        self.table.setObjectName("knowledgeTable")
        self.refresh()

    def load(self, session) -> list:  # type: ignore[no-untyped-def]
        from bbc_desktop.core.knowledge import list_entries

        return list_entries(session, include_retired=True)

    def row(self, entry) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
        return (entry.title, entry.citation, str(entry.uses), "在用" if entry.active else "已停用")

    def fill(self, entry) -> None:  # type: ignore[no-untyped-def]
        self.title_edit.setText(entry.title)
        self.text_edit.setPlainText(entry.text)
        self.citation_edit.setText(entry.citation)

    def clear_form(self) -> None:
        self.title_edit.clear()
        self.text_edit.clear()
        self.citation_edit.clear()
        self.title_edit.setFocus()

    def store(self, session, record_id: int | None, active: bool) -> tuple[int, str]:  # type: ignore[no-untyped-def]
        from bbc_desktop.core.knowledge import save_entry

        values = {
            "title": self.title_edit.text(),
            "text": self.text_edit.toPlainText(),
            "citation": self.citation_edit.text(),
        }
        return save_entry(session, self.state.ctx, record_id, values, active).id, values["title"].strip()

    def set_active(self, session, entry, active: bool) -> None:  # type: ignore[no-untyped-def]
        from bbc_desktop.core.knowledge import save_entry

        values = {"title": entry.title, "text": entry.text, "citation": entry.citation}
        save_entry(session, self.state.ctx, entry.id, values, active)


class HolidaysDialog(QDialog):
    """节假日安排: which years are known, the days entered per year, entering or importing more.

    chinese-calendar knows a fixed range of years; for a later year the State Council's schedule is
    entered here (or imported as CSV, docs/holidays-csv.md). Until then that year's deadlines are
    counted on weekends and the fixed-date holidays and shown as provisional.
    """

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QSpinBox

        super().__init__(parent)
        self.state = state
        self.setWindowTitle("节假日安排")
        self.resize(720, 560)
        today = state.ctx.clock.today()
        self.coverage = QLabel()
        self.coverage.setObjectName("coverageLabel")
        self.coverage.setWordWrap(True)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year + 1 if today.month >= 11 else today.year)
        self.year_spin.valueChanged.connect(self.refresh)
        self.year_state = QLabel()
        self.year_state.setObjectName("yearStateLabel")
        self.table = _table(("日期", "类型", "名称"))
        self.table.setObjectName("holidaysTable")
        self.day_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("放假", False)
        self.kind_combo.addItem("调休上班", True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：春节")
        self.add_button = QPushButton("录入此日(&A)")
        self.import_button = QPushButton("导入国务院安排（CSV）(&I)…")
        self.add_button.clicked.connect(self.add_day)
        self.import_button.clicked.connect(self.import_csv)
        self.message = QLabel()
        self.message.setWordWrap(True)
        year_row = QHBoxLayout()
        year_row.addWidget(QLabel("年份"))
        year_row.addWidget(self.year_spin)
        year_row.addWidget(self.year_state, 1)
        entry = QHBoxLayout()
        for widget in (self.day_edit, self.kind_combo, self.name_edit, self.add_button):
            entry.addWidget(widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.coverage)
        layout.addLayout(year_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(entry)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        from bbc_desktop.core.holidays import list_days

        year = self.year_spin.value()
        with self.state.session() as session:
            days = [(d.day, d.workday, d.name) for d in list_days(session, year)]
        calendar = self.state.calendar()
        first, last = calendar.covered_years()
        self.coverage.setText(
            f"程序内置的法定节假日数据覆盖 {first}–{last} 年。此外的年份须录入或导入国务院公布的安排；"
            "未录入前，该年的办理期限按周末和固定日期节日推算，并标为“暂定”。录入后，尚未办结工单的期限自动重新计算。"
        )
        if days:
            known = f"已录入 {len(days)} 天"
        elif calendar.covers(year):
            known = "程序内置数据已覆盖，无需录入（录入的日期优先）"
        else:
            known = "尚未录入：该年期限为暂定"
        self.year_state.setText(f"{year}年：{known}")
        self.table.setRowCount(len(days))
        for row, (day, workday, name) in enumerate(days):
            for column, value in enumerate((day.isoformat(), "调休上班" if workday else "放假", name)):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def _save(self, days: list[tuple[date, bool, str]], done: str) -> None:
        from bbc_desktop.core.holidays import save_days

        try:
            with self.state.session() as session:
                save_days(session, self.state.ctx, days)
        except BbcError as exc:
            self.message.setStyleSheet(_ERROR)
            self.message.setText(exc.message)
            return
        self.message.setStyleSheet("color: #1e5b2e;")
        self.message.setText(done)
        self.refresh()

    def add_day(self) -> None:
        from bbc_desktop.core.validation import clean_text

        day: date = self.day_edit.date().toPython()  # type: ignore[assignment]
        try:
            name = clean_text(self.name_edit.text(), "名称", limit=50)
        except BbcError as exc:
            self.message.setText(exc.message)
            return
        self.year_spin.setValue(day.year)
        self._save([(day, bool(self.kind_combo.currentData()), name)], f"已录入 {day.isoformat()}")

    def import_csv(self, path: str = "") -> None:
        from PySide6.QtWidgets import QFileDialog

        from bbc_desktop.core.holidays import read_csv_file

        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "导入节假日安排", "", "CSV 文件 (*.csv)")
            if not path:
                return
        try:
            days = read_csv_file(path)
        except BbcError as exc:
            self.message.setStyleSheet(_ERROR)
            self.message.setText(exc.message)
            return
        if days:
            self.year_spin.setValue(days[0][0].year)
        self._save(days, f"已导入 {len(days)} 天")
