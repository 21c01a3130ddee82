"""管理 → 数据库连接: this PC's own file, or the hall's server that several counters share.

The connection is tested (db/location.probe, off the GUI thread) before anything is switched: a
wrong address, password or database name is said in Chinese and the dialog keeps what was typed.
The choice is kept for this PC (db/location.save_target); the window then reopens on it, with a
login, since accounts belong to a database.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop.core.errors import BbcError
from bbc_desktop.db.location import DEFAULT_PORT, ServerFields, server_url, split_server_url
from bbc_desktop.gui.worker import run_async

_ERROR = "color: #b91c1c; font-weight: bold;"
_OK = "color: #15803d; font-weight: bold;"
TESTING = "正在连接……"


class DatabaseDialog(QDialog):
    """``chosen``: the target saved when the dialog was accepted (a file path or a server URL)."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("数据库连接")
        self.setMinimumWidth(520)
        self.chosen: str | None = None
        self._busy = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            "只有一个窗口时使用本机数据库文件；多个窗口和后台共同办理时，使用单位的数据库服务器"
            "（PostgreSQL，由管理员建立数据库和用户，首次连接时本程序自动建立表结构）。"
            "不要把数据库文件放在网络共享文件夹中。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.file_radio = QRadioButton("本机数据库文件")
        self.server_radio = QRadioButton("数据库服务器（多个窗口共用）")
        group = QButtonGroup(self)
        group.addButton(self.file_radio)
        group.addButton(self.server_radio)
        layout.addWidget(self.file_radio)
        self.file_box = QGroupBox()
        file_row = QHBoxLayout(self.file_box)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("pathEdit")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        layout.addWidget(self.file_box)

        layout.addWidget(self.server_radio)
        self.server_box = QGroupBox()
        form = QFormLayout(self.server_box)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("如 192.168.1.10")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.database_edit = QLineEdit()
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("服务器地址", self.host_edit)
        form.addRow("端口", self.port_spin)
        form.addRow("数据库名", self.database_edit)
        form.addRow("用户名", self.user_edit)
        form.addRow("密码", self.password_edit)
        layout.addWidget(self.server_box)

        test_row = QHBoxLayout()
        self.test_button = QPushButton("测试连接")
        self.test_button.clicked.connect(self.test_connection)
        self.result_label = QLabel()
        self.result_label.setObjectName("resultLabel")
        self.result_label.setWordWrap(True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        layout.addLayout(test_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("切换到该数据库")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        fields = split_server_url(current) or ServerFields()
        self.host_edit.setText(fields.host)
        self.port_spin.setValue(fields.port)
        self.database_edit.setText(fields.database)
        self.user_edit.setText(fields.user)
        self.password_edit.setText(fields.password)
        on_server = split_server_url(current) is not None
        if not on_server:
            self.path_edit.setText(current)
        (self.server_radio if on_server else self.file_radio).setChecked(True)
        self.file_radio.toggled.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.file_box.setEnabled(self.file_radio.isChecked())
        self.server_box.setEnabled(self.server_radio.isChecked())
        self._say("", ok=True)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "选择数据库文件",
            self.path_edit.text(),
            "数据库文件 (*.sqlite3 *.db);;所有文件 (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)

    def target(self) -> str:
        """What the fields name; ValidationError when something needed is missing."""
        if self.file_radio.isChecked():
            path = self.path_edit.text().strip()
            if not path:
                from bbc_desktop.core.errors import ValidationError

                raise ValidationError("请填写数据库文件的位置")
            return path
        return server_url(
            self.host_edit.text(),
            self.port_spin.value(),
            self.database_edit.text(),
            self.user_edit.text(),
            self.password_edit.text(),
        )

    def _say(self, text: str, *, ok: bool) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(_OK if ok else _ERROR)

    def _run_probe(self, then_accept: bool) -> None:
        if self._busy:
            return
        try:
            target = self.target()
        except BbcError as exc:
            self._say(exc.message, ok=False)
            return
        from bbc_desktop.db.location import probe

        self._busy = True
        self.test_button.setEnabled(False)
        self.ok_button.setEnabled(False)  # 取消 stays: the operator may give up on a slow server
        self._say(TESTING, ok=True)

        def done(found: object) -> None:
            if not shiboken6.isValid(self) or not self.isVisible():
                return  # cancelled meanwhile
            self._finish()
            self._say(found.summary(), ok=True)  # type: ignore[attr-defined]
            if then_accept:
                self._switch(target)

        def failed(message: str) -> None:
            if not shiboken6.isValid(self) or not self.isVisible():
                return
            self._finish()
            self._say(message, ok=False)

        run_async(lambda: probe(target), done, failed)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _finish(self) -> None:
        self._busy = False
        self.test_button.setEnabled(True)
        self.ok_button.setEnabled(True)

    def test_connection(self) -> None:
        self._run_probe(then_accept=False)

    def _switch(self, target: str) -> None:
        from bbc_desktop.db.location import save_target

        try:
            save_target(target)
        except OSError as exc:
            self._say(f"无法保存本机设置：{exc.strerror}", ok=False)
            return
        self.chosen = target
        super().accept()

    def accept(self) -> None:
        """Tested again right before switching: the dialog closes only on a database that answers."""
        self._run_probe(then_accept=True)
