"""Broken environments made for real in tests: a file or folder this process may not write.

Not a mock: the kernel refuses the writes. As an ordinary user the permission bits do it; as root
(CI) they do not bind, so the path is bind-mounted read-only onto itself, which refuses root too
(EROFS, as on a write-protected stick or a share mounted read-only). Where neither is possible the
test is skipped with the reason.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """``path`` (a file or a folder) refuses every write of this process inside the block."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield path
        finally:
            path.chmod(mode)
        return
    bound = _mount("--bind", str(path), str(path))
    if bound.returncode != 0:
        pytest.skip(f"cannot make {path} read-only as root here: {bound.stderr.strip()}")
    try:
        remounted = _mount("-o", "remount,bind,ro", str(path))
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount {path} read-only: {remounted.stderr.strip()}")
        assert not os.access(path, os.W_OK, effective_ids=True)
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)
