"""Crash safety: a counter PC losing its process in the middle of intakes loses nothing it confirmed.

A child process registers visitors in a loop and reports each number only after its transaction
committed; it is killed with SIGKILL at a random moment, 200 times over, on one database file. After
every kill the file must pass SQLite's integrity check and hold every number ever reported, with the
year's numbers still consecutive (a number is never reused or skipped by a crash).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest

from bbc_desktop.core.backup import integrity_problem
from bbc_desktop.db.session import open_database

KILLS = 200


def _register_forever(path: str, write_fd: int) -> None:  # runs in the forked child
    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context

    db = open_database(path, seed=False)
    ctx = Context(clock=FixedClock(datetime(2026, 11, 23, 9, 30)), operator="崩溃测试")
    intake = t.Intake(content="企业开办窗口要求重复提交材料", name="孙八", phone="13512345678")
    while True:
        with db.session() as s:
            number = t.register(s, ctx, intake).number
        os.write(write_fd, (number + "\n").encode())  # only after the commit returned


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


@pytest.mark.sqlite_only  # the file's own integrity; a server's durability is the server's
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (Linux)")
def test_killing_the_process_mid_intake_loses_no_confirmed_ticket(tmp_path: Path) -> None:
    path = str(tmp_path / "counter.sqlite3")
    open_database(path).dispose()  # created and migrated once, as at installation
    context = multiprocessing.get_context("fork")  # a child in milliseconds: 200 kills in seconds
    rng = random.Random(20261125)
    reported: list[str] = []
    for _ in range(KILLS):
        read_fd, write_fd = os.pipe()
        child = context.Process(target=_register_forever, args=(path, write_fd))
        child.start()
        os.close(write_fd)
        time.sleep(rng.uniform(0.01, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        reported.extend(_read_all(read_fd).split())
        os.close(read_fd)
        assert child.exitcode == -signal.SIGKILL
        problem = integrity_problem(Path(path))
        assert problem is None, problem
    connection = sqlite3.connect(path)
    try:
        stored = [row[0] for row in connection.execute("SELECT number FROM tickets ORDER BY seq")]
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    assert len(reported) > KILLS // 2  # the children did work between the kills (not a vacuous pass)
    assert set(reported) <= set(stored)  # every confirmed intake survived
    assert stored == [f"BBC-2026-{i:04d}" for i in range(1, len(stored) + 1)]  # consecutive, no reuse
