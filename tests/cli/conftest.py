"""The ``bbc`` command line's tests: in-process on a fresh database with a fixed clock."""

from __future__ import annotations

import pytest

from bbc_desktop.cli import main


@pytest.fixture
def bbc(new_db_url, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    """Run ``bbc`` in-process on a fresh database with a fixed clock; returns (code, stdout, stderr)."""
    monkeypatch.setenv("BBC_DB", new_db_url("cli"))
    monkeypatch.setenv("BBC_NOW", "2026-11-23T09:30")

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
