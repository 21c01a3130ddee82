"""The change feed: a window learns within moments that another counter committed something."""

from __future__ import annotations

import threading

from bbc_desktop.core import tickets as t
from bbc_desktop.db.changes import open_feed
from bbc_desktop.db.session import open_database

INTAKE = t.Intake(content="不动产登记窗口让群众多次往返", name="赵敏", phone="13912345678")


def test_a_commit_elsewhere_is_reported_once(db, ctx):
    feed = open_feed(db.url)
    try:
        assert feed.wait(0.3) is False  # nothing happened yet
        other = open_database(db.target)  # another counter: its own engine and connections
        try:
            with other.session() as s:
                t.register(s, ctx, INTAKE)
        finally:
            other.dispose()
        assert feed.wait(5) is True
        assert feed.wait(0.5) is False  # reported once, not again and again
    finally:
        feed.close()


def test_a_rolled_back_write_is_not_a_change(db, ctx):
    feed = open_feed(db.url)
    try:
        try:
            with db.session() as s:
                t.register(s, ctx, INTAKE)
                raise RuntimeError("the operator's save failed halfway")
        except RuntimeError:
            pass
        assert feed.wait(0.6) is False
    finally:
        feed.close()


def test_waiting_wakes_up_at_the_change_not_at_the_timeout(db, ctx):
    import time

    feed = open_feed(db.url)
    try:
        timer = threading.Timer(0.3, lambda: _register(db, ctx))
        started = time.monotonic()
        timer.start()
        assert feed.wait(20) is True
        assert time.monotonic() - started < 10
        timer.join()
    finally:
        feed.close()


def _register(db, ctx) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        t.register(s, ctx, INTAKE)
