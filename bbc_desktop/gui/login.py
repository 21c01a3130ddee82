"""Who is at the counter: the first administrator, the login, a forced password change, the idle lock.

- :class:`FirstRunDialog` — no login account exists yet (a new installation): the administrator's
  account and password are chosen now; there is no default password.
- :class:`LoginDialog` — account and password; 5 wrong passwords lock the account for 10 minutes
  (core/auth.py). Also the idle lock: the window stays as it was (nothing typed is lost) behind a
  dialog that only the same account's password, or closing the program, gets past.
- :class:`ChangePasswordDialog` — one's own password; forced after an administrator's reset.

Every check is the core's (core/auth.py); these dialogs only ask and show its answers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core.errors import BbcError
from bbc_desktop.gui.state import AppState

__all__ = ["ChangePasswordDialog", "FirstRunDialog", "FormDialog", "LoginDialog"]

_ERROR = "color: #b91c1c;"


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FormDialog(QDialog):
    """A short form: an introduction, the fields (``self.form``), a red line for the core's refusal, OK/Cancel."""

    def __init__(self, state: AppState, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self):  # type: ignore[no-untyped-def]
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def fail(self, message: str, focus: QLineEdit | None = None) -> None:
        self.error_label.setText(message)
        if focus is not None:
            focus.setFocus()
            focus.selectAll()


class FirstRunDialog(FormDialog):
    """Creates the first login account, the administrator; ``username`` afterwards."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(
            state,
            "首次使用：设置管理员账号",
            "本程序尚未设置登录账号。请设置管理员的账号和密码（至少 8 位，须含字母和数字）。"
            "管理员登录后可为前台、后台和领导创建各自的账号。",
            parent,
        )
        self.username_edit = QLineEdit("admin")
        self.username_edit.setObjectName("usernameEdit")
        self.display_edit = QLineEdit()
        self.display_edit.setObjectName("displayEdit")
        self.display_edit.setPlaceholderText("例如：张伟")
        self.password_edit = _password_edit("passwordEdit")
        self.repeat_edit = _password_edit("repeatEdit")
        self.form.addRow("管理员账号", self.username_edit)
        self.form.addRow("姓名", self.display_edit)
        self.form.addRow("密码", self.password_edit)
        self.form.addRow("再次输入密码", self.repeat_edit)
        self.ok_button.setText("创建并登录")
        self.username = ""

    def accept(self) -> None:
        from bbc_desktop.core.auth import create_account

        if self.password_edit.text() != self.repeat_edit.text():
            self.fail("两次输入的密码不一致", self.repeat_edit)
            return
        state = self.state
        name = self.username_edit.text().strip()
        try:
            with state.session() as session:
                create_account(
                    session, state.ctx, name, self.password_edit.text(), "admin", self.display_edit.text()
                )
        except BbcError as exc:
            self.fail(exc.message, self.password_edit)
            return
        self.username = name
        super().accept()


class LoginDialog(FormDialog):
    """登录, or 解锁 when ``locked_to`` names the account that was at the counter."""

    def __init__(self, state: AppState, parent: QWidget | None = None, locked_to: str = "") -> None:
        title, intro = (
            ("已锁定", f"窗口因长时间无操作已锁定，请输入账号“{locked_to}”的密码继续。未保存的内容仍在。")
            if locked_to
            else ("登录", "请输入账号和密码。")
        )
        super().__init__(state, title, intro, parent)
        self.locked_to = locked_to
        self.username_edit = QLineEdit(locked_to)
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setReadOnly(bool(locked_to))
        self.password_edit = _password_edit("passwordEdit")
        self.form.addRow("账号", self.username_edit)
        self.form.addRow("密码", self.password_edit)
        self.ok_button.setText("解锁" if locked_to else "登录")
        if locked_to:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出程序")
            self.password_edit.setFocus()
        self.username = ""
        self.must_change = False
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, not locked_to)

    def accept(self) -> None:
        from bbc_desktop.core.auth import login

        state = self.state
        name = self.username_edit.text().strip()
        if not name or not self.password_edit.text():
            self.fail("请输入账号和密码", self.password_edit if name else self.username_edit)
            return
        try:
            with state.session() as session:  # committed whatever the answer: failures are counted
                outcome = login(session, name, self.password_edit.text(), state.ctx.clock.now())
                must_change = bool(outcome.account and outcome.account.must_change_password)
        except BbcError as exc:
            self.fail(exc.message, self.password_edit)
            return
        if not outcome.ok:
            self.fail(outcome.message, self.password_edit)
            return
        self.username, self.must_change = name, must_change
        super().accept()


class ChangePasswordDialog(FormDialog):
    def __init__(
        self, state: AppState, username: str, parent: QWidget | None = None, forced: bool = False
    ) -> None:
        intro = (
            "管理员为您设置了临时密码，请先设置自己的新密码（至少 8 位，须含字母和数字）。"
            if forced
            else "新密码至少 8 位，须含字母和数字。"
        )
        super().__init__(state, "修改密码", intro, parent)
        self.username = username
        self.old_edit = _password_edit("oldPasswordEdit")
        self.new_edit = _password_edit("newPasswordEdit")
        self.repeat_edit = _password_edit("repeatEdit")
        self.form.addRow("账号", QLabel(username))
        self.form.addRow("原密码", self.old_edit)
        self.form.addRow("新密码", self.new_edit)
        self.form.addRow("再次输入新密码", self.repeat_edit)
        if forced:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出程序")

    def accept(self) -> None:
        from bbc_desktop.core.auth import change_password

        if self.new_edit.text() != self.repeat_edit.text():
            self.fail("两次输入的新密码不一致", self.repeat_edit)
            return
        state = self.state
        try:
            with state.session() as session:
                change_password(
                    session, self.username, self.old_edit.text(), self.new_edit.text(), state.ctx.clock.now()
                )
        except BbcError as exc:
            self.fail(exc.message, self.old_edit if "原密码" in exc.message else self.new_edit)
            return
        super().accept()
