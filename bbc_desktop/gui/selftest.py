"""``bbc-desktop --self-test FOLDER``: does this installation work, end to end?

For whoever installs the program (and for the package builds' checks): the real window opens on
demo data, the first ticket's 交办单 is made and previewed exactly as at the counter, saved as a PDF,
and pictures of the window and the preview are written beside it. Everything the counter needs is
exercised on the way — the Qt platform and print plugins, the forms, the translations, the fonts,
ReportLab, PDFium and SQLite. ``FOLDER/self-test.txt`` says the outcome (the window program has no
console on Windows); the exit status is 0 when it passed.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from bbc_desktop import version

TIME_LIMIT_MS = 180_000  # demo data, the window, one slip: seconds on any counter PC


def run_self_test(folder: Path) -> int:
    from bbc_desktop.gui.app import make_app, start
    from bbc_desktop.gui.errors import install
    from bbc_desktop.gui.main_window import MainWindow

    folder.mkdir(parents=True, exist_ok=True)
    app = make_app()
    install()
    lines = [
        f"“办不成事”反映窗口 自检  版本 {version()}",
        f"系统：{platform.platform()}；Python {platform.python_version()}",
        f"程序位置：{Path(sys.executable).resolve().parent}",
        f"界面平台：{app.platformName()}",
    ]
    outcome: dict[str, int] = {}
    window = MainWindow()

    def finish(code: int, line: str) -> None:
        if outcome:
            return
        outcome["code"] = code
        lines.append(line)
        text = "\n".join(lines) + "\n"
        (folder / "self-test.txt").write_text(text, encoding="utf-8")
        print(text, end="", flush=True)
        window.backups = False
        app.exit(code)

    def when_ready() -> None:
        queue = window.queue
        if queue is None or queue.model.is_busy or window.state is None:
            QTimer.singleShot(100, when_ready)
            return
        from sqlalchemy import select

        from bbc_desktop.db.models import Ticket
        from bbc_desktop.gui.printing import open_preview

        window.grab().save(str(folder / "window.png"))
        lines.append(f"数据库：{window.state.db.describe()}")
        with window.state.session() as session:
            first = session.scalar(select(Ticket.id).order_by(Ticket.id).limit(1))
        if first is None:
            finish(1, "未通过：演示数据库中没有工单")
            return
        open_preview(window.state, [first], "slip", window, on_shown=shown)

    def shown(dialog) -> None:  # type: ignore[no-untyped-def]
        QTimer.singleShot(0, lambda: save(dialog))

    def save(dialog) -> None:  # type: ignore[no-untyped-def]
        target = folder / "slip.pdf"
        saved = dialog.save_pdf(str(target))
        dialog.grab().save(str(folder / "preview.png"))
        missing = dialog.document.missing
        dialog.close()
        if saved is None or not target.is_file() or not target.read_bytes().startswith(b"%PDF"):
            finish(1, "未通过：交办单未能保存为 PDF")
        elif missing:
            finish(1, f"未通过：交办单中有字体缺少的字：{''.join(sorted(missing))}")
        else:
            lines.append(f"交办单：{target}（{dialog.document.pages} 页，{target.stat().st_size} 字节）")
            finish(0, "自检通过")

    def box(_parent, title, text, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        # Nobody is there to click: a message box is the test's outcome, not a wait.
        finish(1, f"未通过：{title}：{text}")
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information"):
        setattr(QMessageBox, name, box)
    QTimer.singleShot(TIME_LIMIT_MS, lambda: finish(1, f"未通过：{TIME_LIMIT_MS // 1000} 秒内未完成"))
    window.show()
    start(window, None, demo=True)
    QTimer.singleShot(100, when_ready)
    app.exec()
    if not outcome:  # the window was closed by hand, or a box was dismissed into an exit
        finish(1, "未通过：窗口在自检完成前被关闭")
    window.close()
    return outcome["code"]
