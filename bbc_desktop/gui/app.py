"""``bbc-desktop``: start-up, the database choice and, until the main window lands, a status window.

The window paints first and opens the database just after, so start-up feels immediate.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from bbc_desktop import __version__
from bbc_desktop.core.errors import BbcError

if TYPE_CHECKING:
    from bbc_desktop.core.queries import Overview


DEMO_TICKETS = 300


class StatusWindow(QMainWindow):
    """A calm placeholder: which database is open and how many tickets it holds, per status."""

    def __init__(self) -> None:
        super().__init__()
        self.load_job: QRunnable | None = None
        self.setWindowTitle("“办不成事”反映窗口")
        self.resize(720, 420)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.title = QLabel("“办不成事”反映窗口")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.title.setFont(font)
        self.notice = QLabel("受理、转办、办结、反馈的主窗口即将推出；目前可使用 bbc 命令行办理全部业务。")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setWordWrap(True)
        self.summary = QLabel("正在打开数据库……")
        self.summary.setObjectName("summary")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setWordWrap(True)
        self.cards = QWidget()
        cards = QHBoxLayout(self.cards)
        self.figures: dict[str, QLabel] = {}
        # Overdue and due-soon stand out by colour and by their words, for colour-blind readers too.
        for key, caption, colour in (
            ("total", "工单总数", "#334155"),
            ("awaiting", "待承办单位办结", "#1d4ed8"),
            ("overdue", "已超期", "#b91c1c"),
            ("due_soon", "即将到期", "#b45309"),
        ):
            card = QLabel()
            card.setObjectName(f"figure_{key}")
            card.setAlignment(Qt.AlignmentFlag.AlignCenter)
            card.setMinimumWidth(140)
            card.setStyleSheet(
                f"QLabel {{ border: 1px solid #cbd5e1; border-radius: 6px; padding: 10px; background: white;"
                f" color: {colour}; }}"
            )
            card.setProperty("caption", caption)
            self.figures[key] = card
            cards.addWidget(card)
        self.cards.hide()
        for widget in (self.title, self.notice, self.cards, self.summary):
            layout.addWidget(widget)
        layout.addStretch(1)
        version = QLabel(f"版本 {__version__}")
        version.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(version)
        self.setCentralWidget(central)

    def show_loaded(self, loaded: Loaded) -> None:
        from bbc_desktop.core.domain import Status

        figures, description = loaded.figures, loaded.description
        self.setWindowTitle(f"{loaded.district}{loaded.window_name}")
        self.title.setText(f"{loaded.district}{loaded.window_name}")
        parts = [
            f"{status.label} {figures.by_status[status.value]} 件"
            for status in Status
            if status.value in figures.by_status
        ]
        values = {
            "total": figures.total,
            "awaiting": figures.awaiting_result,
            "overdue": figures.overdue,
            "due_soon": figures.due_soon,
        }
        for key, card in self.figures.items():
            card.setText(
                f"<span style='font-size:22pt; font-weight:bold'>{values[key]}</span><br>{card.property('caption')}"
            )
        self.cards.show()
        self.summary.setText(
            f"数据库：{description}\n\n"
            f"工单共 {figures.total} 件，待承办单位办结 {figures.awaiting_result} 件，"
            f"其中超期 {figures.overdue} 件、即将到期 {figures.due_soon} 件\n"
            + ("；".join(parts) if parts else "")
        )

    def show_failure(self, message: str) -> None:
        self.summary.setText("数据库未能打开")
        QMessageBox.critical(self, "无法打开数据库", message)


def load_translations(app: QApplication) -> None:
    """Qt's own zh_CN strings, so standard buttons read 确定 / 取消."""
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, path):
            app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


@dataclass(frozen=True)
class Loaded:
    """What the status window shows of an opened database."""

    description: str
    figures: Overview
    district: str
    window_name: str


def load_database(target: str | None, demo: bool) -> Loaded:
    """Open (and for the demo, fill) the database and read its figures. No Qt: runs in a worker."""
    from bbc_desktop.core.context import Context
    from bbc_desktop.core.queries import overview
    from bbc_desktop.core.settings import get_setting
    from bbc_desktop.core.tickets import load_calendar
    from bbc_desktop.db.session import open_database

    if demo:
        target = str(Path(tempfile.mkdtemp(prefix="bbc-demo-")) / "demo.sqlite3")
    db = open_database(target)
    try:
        if demo:
            from bbc_desktop.core.demo import generate

            generate(db, DEMO_TICKETS, Context(operator="演示管理员"))
        ctx = Context()
        with db.session() as session:
            return Loaded(
                description=db.describe() + ("（演示数据）" if demo else ""),
                figures=overview(session, ctx.clock.today(), load_calendar(session)),
                district=get_setting(session, "district"),
                window_name=get_setting(session, "window_name"),
            )
    finally:
        db.dispose()


class _LoadSignals(QObject):
    loaded = Signal(object)
    failed = Signal(str)


class _LoadJob(QRunnable):
    """Opens the database off the GUI thread, so the window paints at once and never freezes."""

    def __init__(self, target: str | None, demo: bool) -> None:
        super().__init__()
        self.target, self.demo = target, demo
        self.signals = _LoadSignals()

    def run(self) -> None:
        try:
            self.signals.loaded.emit(load_database(self.target, self.demo))
        except BbcError as exc:
            self.signals.failed.emit(exc.message)
        except Exception as exc:  # a person sees what happened, never a vanished window
            self.signals.failed.emit(f"程序内部错误（{type(exc).__name__}）：{exc}")


def open_into(window: StatusWindow, target: str | None, demo: bool) -> None:
    """Start opening the database; the window is updated when it is ready or has failed."""
    job = _LoadJob(target, demo)
    job.signals.loaded.connect(window.show_loaded)
    job.signals.failed.connect(window.show_failure)
    window.load_job = job  # keep the signals alive until they have fired
    QThreadPool.globalInstance().start(job)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bbc-desktop", description="“办不成事”反映窗口 桌面程序")
    parser.add_argument("--db", help="数据库文件路径或地址（默认：环境变量 BBC_DB 或用户数据目录）")
    parser.add_argument("--demo", action="store_true", help="使用临时数据库并填入演示数据")
    parser.add_argument("--version", action="version", version=f"bbc-desktop {__version__}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("bbc-desktop")
    app.setApplicationDisplayName("“办不成事”反映窗口")
    load_translations(app)  # type: ignore[arg-type]
    window = StatusWindow()
    window.show()
    QTimer.singleShot(0, lambda: open_into(window, args.db, args.demo))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
