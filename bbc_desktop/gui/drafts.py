"""The intake being typed, kept on disk while it is typed: nothing is lost to a crash or a power cut.

The form writes its fields here every couple of seconds while they differ from an empty form, and
removes the file once the intake is saved or cleared. At the next start on the same database the
window offers to put a draft that is still there back into the form. One file per database, in the
user's data folder; written whole (temporary file, then rename) so a crash mid-write leaves the old one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any


def draft_file(database: str) -> Path:
    from bbc_desktop.db.session import data_folder

    key = hashlib.sha256(database.encode()).hexdigest()[:12]
    return data_folder() / "drafts" / f"intake-{key}.json"


def save_draft(path: Path, values: dict[str, Any], operator: str, now: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # reporters' details
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(
            {"saved_at": now.isoformat(timespec="seconds"), "operator": operator, "values": values},
            handle,
            ensure_ascii=False,
        )
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def load_draft(path: Path) -> dict[str, Any] | None:
    """The draft kept at ``path`` (saved_at, operator, values), or None (none, or unreadable)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        return None
    return data


def discard_draft(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
