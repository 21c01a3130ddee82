"""The layout the design fixes: a Qt-free core under a GUI package that sits on top of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_non_gui_module_imports_without_qt():
    code = (
        "import importlib, pkgutil, sys, bbc_desktop\n"
        "names = [m.name for m in pkgutil.walk_packages(bbc_desktop.__path__, 'bbc_desktop.')\n"
        "         if not m.name.startswith(('bbc_desktop.gui', 'bbc_desktop.db.migrations'))]\n"
        "for name in names: importlib.import_module(name)\n"
        "assert len(names) > 10, names\n"
        "qt = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "sys.exit(f'Qt imported: {qt}' if qt else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


def test_top_level_layout():
    for name in ("pyproject.toml", "bbc_desktop", "resources", "forms", "tests", "installer", "README.md"):
        assert (ROOT / name).exists(), name
    for package in ("core", "db", "io", "gui"):
        assert (ROOT / "bbc_desktop" / package / "__init__.py").is_file()
