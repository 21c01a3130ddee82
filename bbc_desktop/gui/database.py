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
    QCheckBox,
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
from bbc_desktop.db.session import Database
from bbc_desktop.gui.forms import ERROR_STYLE
from bbc_desktop.gui.worker import run_async

_OK = "color: #15803d; font-weight: bold;"
TESTING = "正在连接……"


class DatabaseDialog(QDialog):
    """``chosen``: the target saved when the dialog was accepted (a file path or a server URL).

    ``source``: the database open now; when given, switching to a server can bring all of its data
    along (db/transfer.copy_database, as ``bbc migrate-to``), into an empty server database only.
    ``copied``: that transfer's summary, when it was made.
    """

    def __init__(self, current: str, parent: QWidget | None = None, source: Database | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.copied: str | None = None
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
        self.copy_check = QCheckBox(
            "同时把当前数据库的全部数据复制到该服务器（仅限空数据库：工单、办理记录、账号、附件）"
        )
        self.copy_check.setObjectName("copyCheck")
        form.addRow("", self.copy_check)
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
        moving = self.source is not None and self.source.url.get_backend_name() == "sqlite"
        self.copy_check.setVisible(moving)
        if not moving:
            self.copy_check.setChecked(False)
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
        self.result_label.setStyleSheet(_OK if ok else ERROR_STYLE)

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
            if not then_accept:
                return
            if self.copy_check.isChecked() and self.server_radio.isChecked():
                self._copy_then_switch(target)
            else:
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

    def _copy_then_switch(self, target: str) -> None:
        from bbc_desktop.db.transfer import copy_database

        source = self.source
        assert source is not None
        self._busy = True
        self.test_button.setEnabled(False)
        self.ok_button.setEnabled(False)
        self._say("正在复制数据，请稍候……", ok=True)

        def done(made: object) -> None:
            if not shiboken6.isValid(self) or not self.isVisible():
                return
            self._finish()
            self.copied = (
                f"已将全部数据复制到{made.target}：工单 {made.tickets} 件，"  # type: ignore[attr-defined]
                f"附件文件 {made.attachments} 个"  # type: ignore[attr-defined]
            )
            self._switch(target)

        def failed(message: str) -> None:
            if not shiboken6.isValid(self) or not self.isVisible():
                return
            self._finish()
            self._say(message + "；未切换，服务器上未留下任何数据", ok=False)

        run_async(lambda: copy_database(source, target), done, failed)

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
