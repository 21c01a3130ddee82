"""The version has one source, pyproject.toml; the About box, the PDFs and the packages read it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from bbc_desktop import version
from bbc_desktop.cli import main as bbc

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
DECLARED = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]


def test_the_program_reports_the_declared_version(capsys):
    assert version() == DECLARED
    with pytest.raises(SystemExit):
        bbc(["--version"])
    assert capsys.readouterr().out.strip() == f"bbc {DECLARED}"


def test_the_about_box_shows_it(qtbot, monkeypatch):
    from bbc_desktop.gui.main_window import MainWindow

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    window = MainWindow()
    qtbot.addWidget(window)
    window.about_action.trigger()
    assert f"版本 {DECLARED}" in shown[0]


def test_every_pdf_carries_it_in_its_metadata(db, ctx, tmp_path):
    from bbc_desktop.core import tickets as t
    from bbc_desktop.printing.documents import slips_pdf

    with db.session() as s:
        number = t.register(s, ctx, t.Intake(content="窗口推诿", name="李明", phone="13812345678")).number
    with db.session() as s:
        pdf = slips_pdf(s, [number], ctx.clock.today()).pdf
    assert re.search(rb"/Creator \(bbc-desktop " + re.escape(DECLARED.encode()) + rb"\)", pdf)
    ledger = tmp_path / "台账.pdf"
    assert bbc(["--db", db.target, "ledger", "-o", str(ledger)]) == 0
    assert re.search(rb"/Creator \(bbc-desktop " + re.escape(DECLARED.encode()) + rb"\)", ledger.read_bytes())
