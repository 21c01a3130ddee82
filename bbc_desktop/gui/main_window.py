"""The main window: intake form, queue and detail side by side, with menus, toolbar and reminders.

The window paints before the database is open (``MainWindow()`` needs nothing); ``attach(state)``
then builds the three panes on the open database. Window geometry, toolbar/dock state and the
splitter sizes are remembered between runs with QSettings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolBar,
    QToolButton,
    QWidget,
)

from bbc_desktop import version
from bbc_desktop.core.errors import BbcError
from bbc_desktop.gui.forms import ERROR_STYLE, load_form
from bbc_desktop.gui.worker import run_async

if TYPE_CHECKING:
    from bbc_desktop.core.queries import Overview
    from bbc_desktop.gui.dashboard import DashboardDialog
    from bbc_desktop.gui.detail import DetailPane
    from bbc_desktop.gui.intake import IntakeForm
    from bbc_desktop.gui.live import LiveUpdates
    from bbc_desktop.gui.queue import QueuePane
    from bbc_desktop.gui.state import AppState

# Windows opened by switching the database: kept referenced here while they are open.
OPEN_WINDOWS: list[MainWindow] = []
REMINDER_INTERVAL_MS = 5 * 60 * 1000
LIVE_DEBOUNCE_MS = 400
DEFAULT_SPLIT = (430, 760, 470)


_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})


class MainWindow(QMainWindow):
    """The counter's one window. Panes talk to each other only through the signals wired here."""

    def __init__(self) -> None:
        super().__init__()
        self.state: AppState | None = None
        self.intake: IntakeForm | None = None
        self.queue: QueuePane | None = None
        self.detail: DetailPane | None = None
        self.dashboard: DashboardDialog | None = None
        self.setWindowTitle("“办不成事”反映窗口")
        self.setMinimumSize(1000, 640)
        self.resize(1440, 900)
        self.loading = QLabel("正在打开数据库……")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.loading)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.database_label = QLabel()
        self.statusBar().addPermanentWidget(self.database_label)
        self.account_label = QLabel()
        self.account_label.setObjectName("accountLabel")
        self.statusBar().addPermanentWidget(self.account_label)
        self.reminder_timer = QTimer(self)
        self.reminder_timer.setInterval(REMINDER_INTERVAL_MS)
        self.reminder_timer.timeout.connect(lambda: self.refresh_reminders(quiet=True))
        # The idle lock (settings: idle_lock_minutes): any key or click starts the wait again.
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        self.locked = False
        self.backups = False  # made for a real database, not for the demo's
        self.integrity_problem: str | None = None  # what the check after the start found
        # The reminder banner's batch buttons (built with the panes).
        self.urge_due_button: QPushButton | None = None
        self.escalate_due_button: QPushButton | None = None
        # Live queues: another counter's change reaches this window through the change feed; a
        # burst of them (one save writes several rows) becomes one refresh.
        self.live: LiveUpdates | None = None
        self.live_timer = QTimer(self)
        self.live_timer.setSingleShot(True)
        self.live_timer.setInterval(LIVE_DEBOUNCE_MS)
        self.live_timer.timeout.connect(self._refresh_from_elsewhere)
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionLabel")
        self.connection_label.setStyleSheet(ERROR_STYLE)
        self.connection_label.hide()
        self.statusBar().addPermanentWidget(self.connection_label)
        self._restore_geometry()

    # -- actions, menus, toolbar -------------------------------------------------------------

    def _action(self, text: str, shortcut: QKeySequence | str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "新建受理(&N)", QKeySequence.StandardKey.New, "清空受理登记表，开始新的受理"
        )
        self.print_slips_action = self._action(
            "打印交办单(&P)…", "Ctrl+Shift+P", "预览并打印队列中所选工单的交办单（可多选），或另存为 PDF"
        )
        self.print_receipts_action = self._action(
            "打印受理回执(&R)…", None, "预览并打印队列中所选工单的受理回执（可多选）"
        )
        self.ledger_action = self._action(
            "导出台账(&L)…", "Ctrl+Shift+L", "按受理日期导出台账（附件3格式），Excel 或 PDF"
        )
        self.notice_action = self._action(
            "超期通报(&T)…", None, "按办理期限生成超期办理情况通报（PDF），报督查局、纪委监委"
        )
        self.report_action = self._action(
            "整改情况报告(&G)…",
            "Ctrl+Shift+G",
            "按报告期起草、编辑整改情况报告，导出 PDF 或 Word，签发存档；查看已签发的各版本",
        )
        self.export_action = self._action("导出全部数据(&E)…", None, "导出全部工单及办理记录（JSON）")
        self.import_ledger_action = self._action(
            "导入旧台账(&I)…", None, "将手工登记的 Excel 台账逐行导入为历史工单，导入前先预览每一行"
        )
        self.quit_action = self._action("退出(&X)", QKeySequence.StandardKey.Quit)
        self.find_action = self._action(
            "查找工单(&F)", QKeySequence.StandardKey.Find, "在队列中搜索编号、姓名、电话、内容"
        )
        self.refresh_action = self._action(
            "刷新(&R)", QKeySequence.StandardKey.Refresh, "重新读取工单队列和提醒"
        )
        self.overdue_action = self._action("超期工单(&O)", "Ctrl+1", "只看超期未办结的工单")
        self.due_soon_action = self._action("即将到期(&D)", "Ctrl+2", "只看今天和下一个工作日到期的工单")
        self.all_action = self._action("全部工单(&A)", "Ctrl+0", "清除筛选条件")
        self.dashboard_action = self._action(
            "工作台(&B)…",
            "Ctrl+Shift+B",
            "今日受理、待办结、到期、超期，各牌色与承办单位的统计；点击数字查看工单",
        )
        self.reset_layout_action = self._action("恢复默认布局", None, "恢复窗口各栏的默认宽度")
        self.about_action = self._action("关于(&A)")
        self.password_action = self._action("修改密码(&W)…", None, "修改当前登录账号的密码")
        self.accounts_action = self._action("账号管理(&A)…", None, "创建账号、重置密码、调整角色、停用账号")
        self.units_action = self._action(
            "单位名录(&U)…", None, "添加、修改、停用承办单位（分管副职、联络人、电话、地址）"
        )
        self.knowledge_action = self._action(
            "知识库(&K)…", None, "维护解释说明常用的政策法规说明；办理“解释说明”时可直接选用"
        )
        self.holidays_action = self._action(
            "节假日安排(&H)…", None, "录入或导入国务院公布的放假调休安排；查看哪些年份期限为暂定"
        )
        self.settings_action = self._action(
            "设置(&S)…", None, "区名、窗口名称、地址电话、编号格式、打印字体、自动锁定"
        )
        self.audit_action = self._action(
            "审计记录(&L)…", None, "按账号、工单、事项、日期查看全部办理记录，并校验审计链是否完整"
        )
        self.database_action = self._action(
            "数据库连接(&D)…",
            None,
            "本机使用的数据库：本机文件，或多个窗口共用的数据库服务器；先测试连接再切换",
        )
        self.restore_action = self._action(
            "从备份恢复(&R)…", None, "用一份备份替换本机数据库文件；替换前当前数据库先另存为备份"
        )
        self.lock_action = self._action(
            "锁定窗口(&K)", "Ctrl+L", "离开柜台时锁定窗口，回来输入密码继续；未保存的内容保留"
        )
        self.new_action.triggered.connect(self.new_intake)
        self.export_action.triggered.connect(self.export_all)
        self.import_ledger_action.triggered.connect(self.import_ledger)
        self.ledger_action.triggered.connect(self.export_ledger)
        self.notice_action.triggered.connect(self.make_notice)
        self.report_action.triggered.connect(self.open_report)
        self.print_slips_action.triggered.connect(lambda: self.print_selected("slip"))
        self.print_receipts_action.triggered.connect(lambda: self.print_selected("receipt"))
        self.quit_action.triggered.connect(self.close)
        self.find_action.triggered.connect(self.focus_search)
        self.refresh_action.triggered.connect(self.refresh)
        self.overdue_action.triggered.connect(self.show_overdue)
        self.due_soon_action.triggered.connect(self.show_due_soon)
        self.all_action.triggered.connect(self.show_all)
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self.dashboard_action.triggered.connect(self.open_dashboard)
        self.about_action.triggered.connect(self.about)
        self.password_action.triggered.connect(self.change_password)
        self.accounts_action.triggered.connect(self.open_accounts)
        self.units_action.triggered.connect(lambda: self._admin_dialog("UnitsDialog"))
        self.knowledge_action.triggered.connect(lambda: self._admin_dialog("KnowledgeDialog"))
        self.settings_action.triggered.connect(lambda: self._admin_dialog("SettingsDialog"))
        self.holidays_action.triggered.connect(lambda: self._admin_dialog("HolidaysDialog"))
        self.audit_action.triggered.connect(self.open_audit)
        self.lock_action.triggered.connect(self.lock)
        self.database_action.triggered.connect(self.open_database_settings)
        self.restore_action.triggered.connect(self.restore_from_backup)
        for action in self._database_actions():
            action.setEnabled(False)

    def _database_actions(self) -> list[QAction]:
        return [
            self.new_action,
            self.print_slips_action,
            self.print_receipts_action,
            self.ledger_action,
            self.notice_action,
            self.report_action,
            self.export_action,
            self.import_ledger_action,
            self.accounts_action,
            self.units_action,
            self.holidays_action,
            self.settings_action,
            self.audit_action,
            self.find_action,
            self.refresh_action,
            self.overdue_action,
            self.due_soon_action,
            self.all_action,
            self.dashboard_action,
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        file_menu.addAction(self.new_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_slips_action)
        file_menu.addAction(self.print_receipts_action)
        file_menu.addSeparator()
        file_menu.addAction(self.ledger_action)
        file_menu.addAction(self.notice_action)
        file_menu.addAction(self.report_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.import_ledger_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu("查看(&V)")
        for action in (self.find_action, self.refresh_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        for action in (self.overdue_action, self.due_soon_action, self.all_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.dashboard_action)
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        self.admin_menu = admin_menu = bar.addMenu("管理(&M)")
        admin_menu.addAction(self.accounts_action)
        admin_menu.addAction(self.units_action)
        admin_menu.addAction(self.knowledge_action)
        admin_menu.addAction(self.holidays_action)
        admin_menu.addAction(self.settings_action)
        admin_menu.addAction(self.audit_action)
        admin_menu.addSeparator()
        admin_menu.addAction(self.restore_action)
        admin_menu.addAction(self.database_action)
        account_menu = bar.addMenu("账号(&U)")
        account_menu.addAction(self.password_action)
        account_menu.addAction(self.lock_action)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("常用操作", self)
        toolbar.setObjectName("mainToolbar")  # QSettings restores toolbars by object name
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.find_action, self.refresh_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.print_slips_action)
        toolbar.addSeparator()
        for action in (self.overdue_action, self.due_soon_action, self.all_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.dashboard_action)
        self.addToolBar(toolbar)

    # -- the panes ---------------------------------------------------------------------------

    # -- signing in ------------------------------------------------------------------------------

    def sign_in(
        self, state: AppState, description: str = "", preloaded: object = None, needs: str = ""
    ) -> None:
        """Ask who is at the counter (app.open_state says whether), then build the panes.

        Declining closes the program: nothing of the database is shown to nobody.
        """
        from bbc_desktop.gui.login import ChangePasswordDialog, FirstRunDialog, LoginDialog

        if self.loading is not None:
            self.loading.setText("请登录……")
        if needs == "first_run":
            first = FirstRunDialog(state, self)
            if first.exec() != FirstRunDialog.DialogCode.Accepted:
                self._leave()
                return
            state.sign_in(first.username)
        elif needs == "login":
            login = LoginDialog(state, self)
            if login.exec() != LoginDialog.DialogCode.Accepted:
                self._leave()
                return
            state.sign_in(login.username)
            if login.must_change:
                change = ChangePasswordDialog(state, login.username, self, forced=True)
                if change.exec() != ChangePasswordDialog.DialogCode.Accepted:
                    self._leave()
                    return
        self.attach(state, description, preloaded)
        self._apply_role()
        self._offer_draft()
        if needs:  # not the demo: its database is thrown away on exit
            self._start_idle_lock()
            self.backups = True
            self._check_integrity()
            self._backup(closing=False)

    def _offer_draft(self) -> None:
        """An intake left unsaved by a crash or a power cut: offer to put it back into the form."""
        from bbc_desktop.gui.drafts import discard_draft, load_draft

        intake = self.intake
        if intake is None or intake.isHidden():
            return
        draft = load_draft(intake.draft_path)
        if draft is None:
            return
        values = draft["values"]
        who = values.get("company") or values.get("name") or "匿名"
        content = str(values.get("content") or "").strip().replace("\n", " ")
        answer = QMessageBox.question(
            self,
            "恢复未保存的受理登记",
            f"上次{draft.get('saved_at', '')[:16].replace('T', ' ')}有一份受理登记尚未保存"
            f"（反映人：{who}；{content[:40] or '反映内容未填写'}）。\n\n恢复到受理登记表中吗？选“否”将丢弃它。",
        )
        if answer == QMessageBox.StandardButton.Yes:
            intake.apply_draft(values)
            self.statusBar().showMessage("已恢复上次未保存的受理登记，请核对后保存", 15000)
        else:
            discard_draft(intake.draft_path)

    def _check_integrity(self) -> None:
        """The database file's whole check (quick_check), in the background after the start; a
        failure is said at once, with what to do."""
        state = self.state
        if state is None or state.db.url.get_backend_name() != "sqlite":
            return
        from bbc_desktop.core.backup import integrity_problem

        path = Path(str(state.db.url.database))

        def damaged(problem: str | None) -> None:
            if problem is None:
                return
            self.integrity_problem = problem
            QMessageBox.critical(
                self,
                "数据库文件已损坏",
                f"数据库文件“{path}”的完整性检查未通过（{problem}）。\n\n"
                "请立即停止录入，由管理员在“管理 → 从备份恢复”中用最近的备份恢复；"
                "恢复前已录入的内容请另行记下，恢复后补录。",
            )

        run_async(lambda: integrity_problem(path), damaged, self._quiet_error)

    def _backup(self, closing: bool) -> None:
        """The day's first start (in the background) and closing (before the window goes): a backup."""
        from bbc_desktop.core.backup import backup_folder, daily_backup
        from bbc_desktop.core.settings import get_setting

        state = self.state
        if state is None or not self.backups or state.db.url.get_backend_name() != "sqlite":
            return

        def make() -> object:
            with state.session() as session:
                folder = backup_folder(state.db, get_setting(session, "backup_folder"))
            return daily_backup(state.db, folder, state.ctx.clock.now(), force=closing)

        def failed(message: str) -> None:
            self.statusBar().showMessage(f"自动备份未完成：{message}", 30000)

        if closing:
            try:
                make()
            except Exception as exc:  # closing goes on; the reason is shown
                reason = exc.message if isinstance(exc, BbcError) else f"{type(exc).__name__}：{exc}"
                QMessageBox.warning(self, "自动备份未完成", f"退出时的自动备份未完成：{reason}")
            return
        run_async(
            make, lambda made: made and self.statusBar().showMessage(f"已自动备份：{made}", 10000), failed
        )

    def _leave(self) -> None:
        QTimer.singleShot(0, self.close)

    # -- which database ----------------------------------------------------------------------

    def database_failed(self, message: str, retry: Callable[[], None], target: str | None = None) -> None:
        """The database did not open (server down, wrong address, a damaged file…): retry, restore
        the latest good backup (a file), choose another database, or quit."""
        if self.loading is not None:
            self.loading.setText("数据库未能打开。")
        found = self._backup_for_failed(target)
        box = QMessageBox(QMessageBox.Icon.Critical, "无法打开数据库", message, parent=self)
        hint = "可以稍后重试，或更改本机使用的数据库（本机文件或数据库服务器）。"
        if found is not None:
            backup, count, _path, _folder = found
            when = datetime.fromtimestamp(backup.stat().st_mtime)
            hint = (
                f"可以用最近一份完好的备份恢复：{backup.name}（{when:%Y年%m月%d日 %H:%M}，工单 {count} 件），"
                "此后录入的内容需要补录；也可以重试，或更改本机使用的数据库。"
            )
        box.setInformativeText(hint)
        restore = box.addButton("从备份恢复…", QMessageBox.ButtonRole.ActionRole) if found else None
        again = box.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
        change = box.addButton("更改数据库连接…", QMessageBox.ButtonRole.ActionRole)
        box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("databaseFailedBox")
        box.exec()
        clicked = box.clickedButton()
        if clicked is again:
            if self.loading is not None:
                self.loading.setText("正在打开数据库……")
            QTimer.singleShot(0, retry)
        elif restore is not None and clicked is restore and found is not None:
            self._restore_damaged(found, message, retry, target)
        elif clicked is change:
            if not self.open_database_settings():
                self.database_failed(message, retry, target)
        else:
            self._leave()

    def restore_from_backup(self) -> None:
        """管理 → 从备份恢复: a backup file replaces this PC's database (the current one kept as a backup)."""
        from bbc_desktop.core.backup import backup_folder, check_backup, restore
        from bbc_desktop.core.errors import BbcError
        from bbc_desktop.core.settings import get_setting

        state = self.state
        if state is None:
            return
        if state.db.url.get_backend_name() != "sqlite":
            self.show_error("服务器数据库（PostgreSQL）请用服务器自带的工具恢复，见使用说明")
            return
        if self.intake is not None and self.intake.is_dirty():
            self.show_error("受理登记表中还有未保存的内容：请先保存或清空，再从备份恢复")
            return
        try:
            with state.session() as session:
                folder = backup_folder(state.db, get_setting(session, "backup_folder"))
        except BbcError as exc:
            self.show_error(exc.message)
            return
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(folder), "数据库备份 (*.sqlite3);;所有文件 (*)"
        )
        if not chosen:
            return
        source = Path(chosen)
        try:
            count = check_backup(source)
        except BbcError as exc:
            self.show_error(exc.message)
            return
        answer = QMessageBox.question(
            self,
            "从备份恢复",
            f"用备份“{source.name}”（工单 {count} 件）替换当前数据库吗？\n\n当前数据库将先另存为备份；"
            "备份之后录入和办理的内容需要补录。恢复后窗口重新打开，请重新登录。",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        target = state.db.target
        if self.live is not None:
            self.live.stop()
        try:
            kept, count = restore(state.db, source, folder, state.ctx.clock.now())
        except BbcError as exc:
            self.show_error(exc.message)
            return
        QMessageBox.information(
            self,
            "已从备份恢复",
            f"已从“{source.name}”恢复数据库（工单 {count} 件）；恢复前的数据库已另存为：{kept}",
        )
        self.backups = False  # the window closes on the restored file: no closing backup over the kept one
        self.switch_database(target)

    @staticmethod
    def _backup_for_failed(target: str | None) -> tuple[Path, int, Path, Path] | None:
        """(backup, its tickets, the database file, the backup folder) when ``target`` is a file with one."""
        from bbc_desktop.core.backup import backup_folder_of_file, latest_good_backup
        from bbc_desktop.core.errors import BbcError
        from bbc_desktop.db.session import resolve_url

        try:
            url = resolve_url(target, create=False)
        except BbcError:
            return None
        if url.get_backend_name() != "sqlite" or not Path(str(url.database)).exists():
            return None
        path = Path(str(url.database))
        folder = backup_folder_of_file(path)
        best = latest_good_backup(folder)
        return None if best is None else (best[0], best[1], path, folder)

    def _restore_damaged(
        self, found: tuple[Path, int, Path, Path], message: str, retry: Callable[[], None], target: str | None
    ) -> None:
        from bbc_desktop.core.backup import restore_damaged
        from bbc_desktop.core.errors import BbcError

        backup, _count, path, folder = found
        try:
            kept, count = restore_damaged(path, backup, folder, datetime.now())
        except BbcError as exc:
            QMessageBox.warning(self, "恢复未完成", exc.message)
            self.database_failed(message, retry, target)
            return
        QMessageBox.information(
            self,
            "已从备份恢复",
            f"已用备份“{backup.name}”恢复数据库（工单 {count} 件）。损坏的数据库文件已另存为：{kept}",
        )
        if self.loading is not None:
            self.loading.setText("正在打开数据库……")
        QTimer.singleShot(0, retry)

    def open_database_settings(self) -> bool:
        """管理 → 数据库连接; True when another database was chosen (the window reopens on it)."""
        from bbc_desktop.db.location import saved_target
        from bbc_desktop.db.session import default_db_path
        from bbc_desktop.gui.database import DatabaseDialog

        state = self.state
        current = state.db.target if state is not None else saved_target() or str(default_db_path())
        dialog = DatabaseDialog(current, self, source=state.db if state is not None else None)
        try:
            if dialog.exec() != DatabaseDialog.DialogCode.Accepted or dialog.chosen is None:
                return False
            chosen, copied = dialog.chosen, dialog.copied
        finally:
            dialog.deleteLater()
        if copied:
            QMessageBox.information(self, "数据已复制", copied + "。窗口将在该数据库上重新打开，请登录。")
        self.switch_database(chosen)
        return True

    def switch_database(self, target: str) -> None:
        """Work on ``target`` from now on: a new window opens on it (with a login), this one closes."""
        from bbc_desktop.gui.app import start

        if self.state is None:  # nothing open yet: this window is still empty
            if self.loading is not None:
                self.loading.setText("正在打开数据库……")
            start(self, target, demo=False)
            return
        replacement = MainWindow()
        replacement.show()
        if not self.close():  # the operator kept an unsaved intake
            replacement.deleteLater()
            return
        OPEN_WINDOWS.append(replacement)
        start(replacement, target, demo=False)

    def _apply_role(self) -> None:
        """Hide or disable what the account's role may not do (the core refuses it anyway)."""
        from bbc_desktop.core.permissions import Permission as P

        state = self.state
        assert state is not None
        rules = {
            P.INTAKE: (self.new_action,),
            P.PRINT: (self.print_slips_action, self.print_receipts_action),
            P.REPORTS: (self.ledger_action, self.notice_action, self.report_action),
            P.IMPORT_LEDGER: (self.import_ledger_action,),
            P.ADMIN: (
                self.export_action,
                self.accounts_action,
                self.units_action,
                self.holidays_action,
                self.settings_action,
                self.database_action,
                self.restore_action,
            ),
            P.AUDIT: (self.audit_action,),
            P.KNOWLEDGE: (self.knowledge_action,),
        }
        for permission, actions in rules.items():
            for action in actions:
                allowed = state.can(permission)
                action.setEnabled(allowed)
                action.setVisible(allowed)
        if self.intake is not None:
            self.intake.setVisible(state.can(P.INTAKE))
        # A menu with nothing the role may use is not shown at all.
        self.admin_menu.menuAction().setVisible(state.can(P.ADMIN) or state.can(P.AUDIT))
        if state.role is not None:
            self.account_label.setText(f"当前账号：{state.ctx.operator}（{state.role.label}）")
        self.password_action.setEnabled(state.permissions is not None)
        self.lock_action.setEnabled(state.permissions is not None)

    def _start_idle_lock(self) -> None:
        from bbc_desktop.core.settings import get_setting

        state = self.state
        assert state is not None
        with state.session() as session:
            minutes = int(get_setting(session, "idle_lock_minutes") or 0)
        if minutes > 0:
            self.idle_timer.setInterval(minutes * 60_000)
            self.idle_timer.start()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]
        if event.type() in _ACTIVITY and not self.locked and self.idle_timer.interval() > 0:
            self.idle_timer.start()
        return False

    def lock(self) -> None:
        """锁定: the window keeps everything as it is behind the password of the same account."""
        from bbc_desktop.gui.login import LoginDialog

        state = self.state
        if state is None or state.permissions is None or self.locked:
            return
        self.locked = True
        self.idle_timer.stop()
        shield = self.centralWidget()
        if shield is not None:
            shield.setEnabled(False)
        dialog = LoginDialog(state, self, locked_to=state.ctx.operator)
        self.lock_dialog = dialog
        accepted = dialog.exec() == LoginDialog.DialogCode.Accepted
        self.lock_dialog = None
        self.locked = False
        if shield is not None:
            shield.setEnabled(True)
        if not accepted:
            self._leave()
            return
        if self.idle_timer.interval() > 0:
            self.idle_timer.start()

    def open_accounts(self) -> None:
        from bbc_desktop.gui.admin import AccountsDialog

        if self.state is not None:
            AccountsDialog(self.state, self).exec()

    def _admin_dialog(self, name: str) -> None:
        from bbc_desktop.gui import admin

        if self.state is not None:
            getattr(admin, name)(self.state, self).exec()

    def open_audit(self) -> None:
        from bbc_desktop.gui.admin import AuditDialog

        if self.state is not None:
            dialog = AuditDialog(self.state, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            self.audit_dialog = dialog

    def change_password(self) -> None:
        from bbc_desktop.gui.login import ChangePasswordDialog

        state = self.state
        if state is None or state.permissions is None:
            return
        dialog = ChangePasswordDialog(state, state.ctx.operator, self)
        if dialog.exec() == ChangePasswordDialog.DialogCode.Accepted:
            self.statusBar().showMessage("密码已修改", 10000)

    def attach(self, state: AppState, description: str = "", preloaded: object = None) -> None:
        """Build the panes on the open database and start the reminders.

        ``preloaded`` is the queue's first answer when it was read together with opening (app.open_state).
        """
        from bbc_desktop.core.settings import get_setting
        from bbc_desktop.gui.detail import DetailPane
        from bbc_desktop.gui.intake import IntakeForm
        from bbc_desktop.gui.queue import QueuePane

        self.state = state
        with state.session() as session:
            title = get_setting(session, "district") + get_setting(session, "window_name")
        self.setWindowTitle(title)
        central = load_form("main_central", self)
        self.splitter: QSplitter = central.findChild(QSplitter, "mainSplitter")
        self.banner: QWidget = central.findChild(QWidget, "reminderBanner")
        self.reminder_label: QLabel = central.findChild(QLabel, "reminderLabel")
        self.banner.hide()
        self.banner.setStyleSheet(
            "#reminderBanner { background: #fff7e6; border: 1px solid #f0b44c; border-radius: 4px; }"
            "#reminderLabel { color: #7a4b00; font-weight: bold; }"
            "#overdueButton, #dueTodayButton, #urgeDueButton, #escalateDueButton"
            " { color: #1d4ed8; text-decoration: underline; border: none; }"
        )
        self.queue = QueuePane(state, preloaded=preloaded)  # type: ignore[arg-type]
        self.intake = IntakeForm(state)
        self.detail = DetailPane(state)
        for host, pane in (
            ("intakeHost", self.intake),
            ("queueHost", self.queue),
            ("detailHost", self.detail),
        ):
            central.findChild(QWidget, host).layout().addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        central.findChild(QPushButton, "overdueButton").clicked.connect(self.show_overdue)
        central.findChild(QPushButton, "dueTodayButton").clicked.connect(self.show_due_soon)
        self.urge_due_button = central.findChild(QPushButton, "urgeDueButton")
        self.urge_due_button.clicked.connect(lambda: self.urge_due())
        self.escalate_due_button = central.findChild(QPushButton, "escalateDueButton")
        self.escalate_due_button.clicked.connect(lambda: self.escalate_due())
        central.findChild(QToolButton, "dismissBannerButton").clicked.connect(self.banner.hide)
        self.setCentralWidget(central)
        self.loading = None  # type: ignore[assignment]

        self.intake.saved.connect(self._on_saved)
        self.queue.ticket_selected.connect(self.detail.show_ticket)
        self.queue.status_message.connect(self.status_label.setText)
        # The queue pane shows its own notice; a refresh in the background (another counter's change,
        # a lost server) must not stop the counter with a box.
        self.queue.failed.connect(self._quiet_error)
        self.detail.open_ticket.connect(self.queue.select_ticket)
        self.detail.ticket_changed.connect(self._on_changed)
        self.detail.failed.connect(self.show_error)

        self.database_label.setText(f"数据库：{description}" if description else "")
        for action in self._database_actions():
            action.setEnabled(True)
        self._restore_splitter()
        self.refresh_reminders()  # the queue pane has started its own first query
        self.reminder_timer.start()
        from bbc_desktop.gui.live import LiveUpdates

        self.live = LiveUpdates(state.db, self)
        self.live.changed.connect(self.live_timer.start)
        self.live.connection_changed.connect(self._connection_changed)
        self.live.start()

    def _refresh_from_elsewhere(self) -> None:
        """Another counter (or this one) committed: re-read the queue, the reminders and the ticket shown."""
        if self.state is None or self.queue is None:
            return
        self.queue.refresh()
        self.refresh_reminders(quiet=True)
        if self.detail is not None:
            self.detail.reload(quiet=True)

    def _connection_changed(self, connected: bool, message: str) -> None:
        self.connection_label.setText(message)
        self.connection_label.setVisible(not connected)
        if connected:
            self.statusBar().showMessage(message, 8000)

    def print_selected(self, paper: str) -> None:
        """The slips (or receipts) of the tickets selected in the queue, else of the one shown."""
        if self.queue is None or self.state is None:
            return
        from bbc_desktop.gui.printing import open_preview

        ids = self.queue.selected_ids()
        if not ids and self.detail is not None and self.detail.ticket_id is not None:
            ids = [self.detail.ticket_id]
        if len(ids) > 20:
            answer = QMessageBox.question(
                self,
                "批量打印",
                f"将生成所选 {len(ids)} 件工单的{'交办单' if paper == 'slip' else '受理回执'}，继续吗？",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        detail = self.detail

        def recorded() -> None:
            if detail is not None and detail.ticket_id in ids:
                detail.show_ticket(detail.ticket_id)

        open_preview(self.state, ids, paper, self, on_recorded=recorded)

    def _on_saved(self, ticket_id: int, number: str) -> None:
        self.statusBar().showMessage(f"已受理：{number}", 8000)
        if self.queue is not None:
            self.queue.select_ticket(ticket_id)
        self.refresh_reminders()

    def _on_changed(self, ticket_id: int) -> None:
        if self.queue is not None:
            self.queue.refresh()
        if self.detail is not None:
            self.detail.show_ticket(ticket_id)
        self.refresh_reminders()

    # -- commands ----------------------------------------------------------------------------

    def new_intake(self) -> None:
        if self.intake is not None:
            self.intake.clear(confirm=True)
            self.intake.setFocus()
            self.intake.focusNextChild()

    def focus_search(self) -> None:
        if self.queue is not None:
            search = self.queue.filter_bar.search_edit
            search.setFocus()
            search.selectAll()

    def refresh(self) -> None:
        if self.queue is not None:
            self.queue.refresh()
        self.refresh_reminders()

    def show_overdue(self) -> None:
        if self.queue is not None:
            self.queue.filter_bar.show_overdue()

    def show_due_soon(self) -> None:
        if self.queue is not None:
            self.queue.filter_bar.show_due_soon()

    def open_dashboard(self) -> None:
        """工作台: one window, raised if already open; its numbers filter the queue."""
        if self.state is None or self.queue is None:
            return
        from bbc_desktop.gui.dashboard import DashboardDialog

        if self.dashboard is None:
            self.dashboard = DashboardDialog(self.state, self)
            self.dashboard.show_filter.connect(self.queue.filter_bar.show_filter)
        else:
            self.dashboard.refresh()
        self.dashboard.show()
        self.dashboard.raise_()

    def show_all(self) -> None:
        if self.queue is not None:
            self.queue.filter_bar.reset()

    def refresh_reminders(self, quiet: bool = False) -> None:
        """Count overdue and due tickets off the GUI thread; show the banner when there are any.

        ``quiet`` (the timer, another counter's change): a failure goes to the status bar, not a box.
        """
        state = self.state
        if state is None:
            return

        def count() -> Overview:
            from bbc_desktop.core.queries import overview
            from bbc_desktop.core.tickets import load_calendar

            with state.session() as session:
                return overview(session, state.ctx.clock.today(), load_calendar(session))

        run_async(count, self.show_reminders, self._quiet_error if quiet else self.show_error)

    def _quiet_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    def show_reminders(self, figures: Overview) -> None:
        self.last_overview = figures
        unit_side = figures.late_acknowledgement + figures.send_backs + figures.extensions
        if self.urge_due_button is not None and self.escalate_due_button is not None:
            self.urge_due_button.setVisible(figures.urge_due > 0)
            self.escalate_due_button.setVisible(figures.escalation_due > 0)
        if figures.overdue == 0 and figures.due_soon == 0 and unit_side == 0:
            self.banner.hide()
            return
        parts = []
        if figures.overdue:
            parts.append(f"超期未办结 {figures.overdue} 件")
        if figures.due_today:
            parts.append(f"今天到期 {figures.due_today} 件")
        later = figures.due_soon - figures.due_today
        if later:
            parts.append(f"下一个工作日到期 {later} 件")
        if figures.late_acknowledgement:
            parts.append(f"超时未签收 {figures.late_acknowledgement} 件")
        if figures.send_backs:
            parts.append(f"退单待审 {figures.send_backs} 件")
        if figures.extensions:
            parts.append(f"延期待批 {figures.extensions} 件")
        if figures.urge_due:
            parts.append(f"应发催办通知书 {figures.urge_due} 件")
        if figures.escalation_due:
            parts.append(f"催办后仍未办结、应移交督办 {figures.escalation_due} 件")
        self.reminder_label.setText("提醒：" + "，".join(parts) + "。")
        self.banner.show()

    def _batch(
        self,
        title: str,
        find: Callable[[], list[str]],
        ask: Callable[[list[str]], str],
        act: Callable[[list[str]], object],
        finished: Callable[[list[str], object], None],
    ) -> None:
        """A batch step of the reminder banner: find the tickets and act on them off the GUI thread,
        with the operator's yes in between; then the counts and the queue are read again."""
        if self.state is None:
            return

        def acted(numbers: list[str], result: object) -> None:
            finished(numbers, result)
            self.refresh_reminders(quiet=True)
            if self.queue is not None:
                self.queue.refresh()

        def found(numbers: list[str]) -> None:
            if not numbers:
                self.statusBar().showMessage(f"没有需要{title}的工单", 8000)
                return
            if QMessageBox.question(self, f"批量{title}", ask(numbers)) != QMessageBox.StandardButton.Yes:
                return
            run_async(lambda: act(numbers), lambda result: acted(numbers, result), self.show_error)

        run_async(find, found, self.show_error)

    def urge_due(self) -> None:
        """催办 every overdue ticket whose 催办通知书 has not gone out (one PDF, a page each, to print)."""
        state = self.state
        if state is None:
            return
        from bbc_desktop.core.unit_side import urge_due
        from bbc_desktop.printing.documents import urge_pdf

        def find() -> list[str]:
            with state.session() as session:
                return urge_due(session, state.ctx.clock.today())

        def act(numbers: list[str]) -> bytes:
            with state.session() as session:
                return urge_pdf(session, state.ctx, numbers, "overdue")

        def finished(numbers: list[str], pdf: object) -> None:
            from bbc_desktop.gui.printing import show_pdf

            self.statusBar().showMessage(f"已催办 {len(numbers)} 件", 10000)
            show_pdf(state, pdf, f"催办通知书（{len(numbers)} 份）", self)  # type: ignore[arg-type]

        self._batch(
            "催办",
            find,
            lambda numbers: (
                f"将向 {len(numbers)} 件超期工单的承办单位发出催办通知书（抄送分管领导），"
                "并记入办理记录。继续吗？"
            ),
            act,
            finished,
        )

    def escalate_due(self) -> None:
        """移交督办 every ticket urged as overdue 5 working days ago and still without a result."""
        state = self.state
        if state is None:
            return
        from bbc_desktop.core.tickets import load_calendar
        from bbc_desktop.core.unit_side import ESCALATE_AFTER, escalate_overdue, escalation_due

        def find() -> list[str]:
            with state.session() as session:
                return escalation_due(session, state.ctx.clock.today(), load_calendar(session))

        def act(numbers: list[str]) -> list[str]:
            with state.session() as session:
                return escalate_overdue(session, state.ctx, numbers)

        self._batch(
            "移交督办",
            find,
            lambda numbers: (
                f"{len(numbers)} 件工单催办后满 {ESCALATE_AFTER} 个工作日仍未办结："
                + "、".join(numbers[:5])
                + ("等" if len(numbers) > 5 else "")
                + "。\n\n移交区纪委监委、区委区政府督查局督办（红牌提交区领导），并记入办理记录吗？"
            ),
            act,
            lambda _numbers, done: self.statusBar().showMessage(f"已移交督办 {len(done)} 件", 10000),  # type: ignore[arg-type]
        )

    def export_all(self) -> None:
        state = self.state
        if state is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出全部数据", "bbc-导出.json", "JSON 文件 (*.json)")
        if not path:
            return

        def export() -> int:
            from bbc_desktop.core.permissions import Permission, require
            from bbc_desktop.io.json_io import write_export

            with state.session() as session:
                require(session, state.ctx, Permission.ADMIN)  # full fidelity: confidential identities too
                return write_export(session, path)

        self.statusBar().showMessage("正在导出……")
        run_async(
            export,
            lambda count: self.statusBar().showMessage(f"已导出工单 {count} 件到 {path}", 10000),
            self.show_error,
        )

    def import_ledger(self) -> None:
        """导入旧台账: the wizard; the queue and reminders are read again once tickets came in."""
        state = self.state
        if state is None:
            return
        from bbc_desktop.gui.legacy_import import ImportLedgerWizard

        wizard = ImportLedgerWizard(state, self)
        wizard.imported.connect(lambda _count: self.refresh())
        wizard.exec()

    def export_ledger(self) -> None:
        """导出台账: the period (and, if wished, the queue's filters), then .xlsx or PDF, in the background."""
        state = self.state
        if state is None:
            return
        from bbc_desktop.gui.exports import export_ledger, write_ledger

        queue_filter = self.queue.model.current_filter if self.queue is not None else None
        chosen = export_ledger(self, state, queue_filter)
        if chosen is None:
            return
        flt, target = chosen
        self.statusBar().showMessage("正在导出台账……")
        run_async(
            lambda: write_ledger(state, flt, target),
            lambda count: self.statusBar().showMessage(f"已导出台账 {count} 件：{target}", 15000),
            self.show_error,
        )

    def open_report(self) -> None:
        """整改情况报告: the editor and the archive of issued versions."""
        state = self.state
        if state is None:
            return
        from bbc_desktop.gui.report import ReportDialog

        dialog = ReportDialog(state, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.report_dialog = dialog

    def make_notice(self) -> None:
        """超期通报: a period of due dates, then the PDF, made in the background."""
        state = self.state
        if state is None:
            return
        from bbc_desktop.gui.exports import ask_notice, write_notice

        chosen = ask_notice(self, state)
        if chosen is None:
            return
        start, end, target = chosen
        self.statusBar().showMessage("正在生成超期通报……")
        run_async(
            lambda: write_notice(state, start, end, target),
            lambda count: self.statusBar().showMessage(f"已生成超期通报（超期 {count} 件）：{target}", 15000),
            self.show_error,
        )

    def show_error(self, message: str) -> None:
        self.statusBar().clearMessage()
        QMessageBox.warning(self, "操作未完成", message)

    def about(self) -> None:
        QMessageBox.about(
            self,
            "关于",
            f"<b>“办不成事”反映窗口</b><br>版本 {version()}<br><br>受理 → 分类 → 转办 → 办结 → 反馈 → 回访 → 归档",
        )

    # -- remembered layout -------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("main/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _restore_splitter(self) -> None:
        sizes = QSettings().value("main/splitter")
        if isinstance(sizes, QByteArray) and self.splitter.restoreState(sizes):
            return
        self.splitter.setSizes(list(DEFAULT_SPLIT))

    def reset_layout(self) -> None:
        if self.state is not None:
            self.splitter.setSizes(list(DEFAULT_SPLIT))

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        if self.state is not None:
            settings.setValue("main/splitter", self.splitter.saveState())
        settings.sync()

    def stop_background(self) -> None:
        """Stop what runs by itself: the reminders, the live updates (their thread), the idle lock."""
        self.reminder_timer.stop()
        self.live_timer.stop()
        self.idle_timer.stop()
        if self.live is not None:
            self.live.stop()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.intake is not None and self.intake.is_dirty():
            answer = QMessageBox.question(
                self,
                "退出",
                "受理登记表中还有未保存的内容，确定退出吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.stop_background()
        self.save_layout()
        self._backup(closing=True)
        if self.state is not None:
            self.state.db.dispose()  # the WAL folded into the file: the file alone is the database
        super().closeEvent(event)
