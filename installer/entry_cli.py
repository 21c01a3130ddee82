"""The bundled program's ``bbc`` command (PyInstaller's entry script)."""

from bbc_desktop.cli import run

run()
