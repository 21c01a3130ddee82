"""Every Designer form loads, and every widget the code looks up by name exists in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from bbc_desktop.gui.forms import forms_dir, load_form

GUI = Path(__file__).resolve().parents[2] / "bbc_desktop" / "gui"
FORMS = sorted(forms_dir().glob("*.ui"))


def test_there_are_forms():
    assert {f.stem for f in FORMS} >= {"main_central"}


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.stem)
def test_form_loads_and_names_used_in_code_exist(qtbot, form):
    widget = load_form(form.stem)
    qtbot.addWidget(widget)
    names = {child.objectName() for child in widget.findChildren(QWidget)} | {widget.objectName()}
    # Any module that loads this form: every findChild(…, "name") it makes must resolve.
    for module in GUI.glob("*.py"):
        source = module.read_text("utf-8")
        if f'load_form("{form.stem}"' not in source:
            continue
        wanted = set(re.findall(r'findChild\(\s*\w+\s*,\s*"(\w+)"\s*\)', source))
        missing = wanted - names
        assert not missing, f"{module.name} looks up {sorted(missing)} which {form.name} does not have"


def test_missing_form_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="找不到界面文件"):
        load_form("no_such_form")
