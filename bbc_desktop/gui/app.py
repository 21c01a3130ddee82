"""``bbc-desktop``: start-up. The main window paints at once; the database opens just after, off the GUI thread."""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from bbc_desktop import version
from bbc_desktop.gui.main_window import MainWindow
from bbc_desktop.gui.worker import run_async

if TYPE_CHECKING:
    from bbc_desktop.gui.state import AppState

DEMO_TICKETS = 300


def load_translations(app: QApplication) -> None:
    """Qt's own zh_CN strings, so standard buttons and dialogs read 确定 / 取消."""
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, path):
            app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


DEMO_OPERATOR = "演示管理员"


def open_state(target: str | None, demo: bool) -> tuple[AppState, str, object, str]:
    """Open (and for the demo, create and fill) the database. No widgets: runs in a worker thread.

    Returns the state, a description of the database for the status bar, the queue's first
    answer (read here while the GUI thread is idle rather than after the panes are built), and who
    must sign in: "" (the demo: a demo administrator, no prompt), "first_run" (no login account
    yet: the administrator is created) or "login".
    """
    # Imported here, in the worker: SQLAlchemy alone takes about half a second to import, and the
    # window is painted meanwhile instead of after it.
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.session import open_database
    from bbc_desktop.gui.state import AppState

    if demo:
        folder = tempfile.mkdtemp(prefix="bbc-demo-")
        atexit.register(shutil.rmtree, folder, True)  # the demo's data is not kept (the window closed it)
        target = str(Path(folder) / "demo.sqlite3")
    from bbc_desktop.core.errors import DatabaseUnavailable

    try:
        db = open_database(target)
    except DatabaseUnavailable:
        check_integrity(target)  # a damaged file is named as such (and a backup offered), not "unavailable"
        raise
    if db.read_only():  # signing in already writes (the audit trail): refused before, not during
        from bbc_desktop.db.session import READ_ONLY

        db.dispose()
        raise DatabaseUnavailable(
            READ_ONLY.format(where=db.describe())
            + "。登录、受理登记和办理都要写入数据库，本程序无法在其上工作"
        )
    state = AppState(db)
    if demo:
        from bbc_desktop.core.demo import generate

        generate(db, DEMO_TICKETS, Context(clock=state.ctx.clock, operator=DEMO_OPERATOR))
        state.ctx.operator = DEMO_OPERATOR  # `bbc demo` makes no login accounts: nothing is refused
        needs = ""
    else:
        from bbc_desktop.core.permissions import logins_exist

        with state.session() as session:
            needs = "login" if logins_exist(session) else "first_run"
    from bbc_desktop.gui.queue import preload

    description = db.describe() + ("（演示数据，退出后不保留）" if demo else "")
    return state, description, preload(state), needs


def check_integrity(target: str | None) -> None:
    """DamagedDatabase when ``target`` is a SQLite file that fails PRAGMA quick_check.

    Run when the file does not open; a file that opens is checked in the background once the window
    is up (MainWindow._check_integrity: a whole check reads the whole file, ~1 s for 100 000 tickets).
    """
    from bbc_desktop.core.backup import integrity_problem
    from bbc_desktop.core.errors import DamagedDatabase
    from bbc_desktop.db.session import resolve_url

    url = resolve_url(target, create=False)
    if url.get_backend_name() != "sqlite":
        return  # a server keeps its own files whole (checksums, WAL); `bbc check` reads the rest
    path = Path(str(url.database))
    problem = integrity_problem(path)
    if problem is not None:
        raise DamagedDatabase(
            f"数据库文件“{path}”已损坏，完整性检查未通过（{problem}）。为免丢失更多内容，程序没有使用它"
        )


def start(window: MainWindow, target: str | None, demo: bool) -> None:
    """Open the database in the background and attach it to the window, or say why it could not be."""

    def failed(message: str) -> None:
        window.database_failed(message, lambda: start(window, target, demo), None if demo else target)

    run_async(lambda: open_state(target, demo), lambda result: window.sign_in(*result), failed)


class _VersionAction(argparse.Action):
    """Like action="version", but reads the version only when asked."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
        parser.exit(message=f"bbc-desktop {version()}\n")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bbc-desktop", description="“办不成事”反映窗口 桌面程序")
    parser.add_argument("--db", help="数据库文件路径或地址（默认：环境变量 BBC_DB 或用户数据目录）")
    parser.add_argument("--demo", action="store_true", help="使用临时数据库并填入演示数据")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="显示版本号并退出")
    parser.add_argument(
        "--self-test",
        metavar="文件夹",
        help="自检：在演示数据上打开窗口、生成并预览一份交办单，结果和截图写入该文件夹后退出",
    )
    return parser.parse_args(argv)


def resources_dir() -> Path:
    """``resources/`` of the source tree, or of the bundled program (PyInstaller's folder)."""
    bundle = getattr(sys, "_MEIPASS", None)
    here = Path(__file__).resolve()
    for candidate in ([Path(bundle) / "resources"] if bundle else []) + [here.parents[2] / "resources"]:
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "resources"


def make_app() -> QApplication:
    from PySide6.QtGui import QIcon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "bbc-desktop.svg")))
    app.setDesktopFileName("bbc-desktop")  # the desktop entry the installers write: its icon and name
    app.setOrganizationName("bbc-desktop")  # QSettings: where the window layout is remembered
    app.setApplicationName("bbc-desktop")
    app.setApplicationDisplayName("“办不成事”反映窗口")
    load_translations(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from bbc_desktop.gui.selftest import run_self_test

        return run_self_test(Path(args.self_test))
    app = make_app()
    from bbc_desktop.gui.errors import install

    install()  # the rotating log; an unhandled error becomes a dialog, not a vanished window
    window = MainWindow()
    window.show()
    start(window, args.db, args.demo)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
