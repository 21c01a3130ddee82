"""The tests' databases: SQLite files, or databases on the PostgreSQL server named by ``BBC_TEST_PG``.

``BBC_TEST_PG`` is the URL of a server's maintenance database (``tools/dev.sh test`` starts a
throwaway cluster and sets it). Each test database is copied from a template migrated once per run
— ``CREATE DATABASE … TEMPLATE`` takes a few milliseconds where migrating takes a second — and
dropped after the test.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from bbc_desktop.db.session import open_database

PG_SERVER = os.environ.get("BBC_TEST_PG", "")
_TEMPLATE = "bbc_test_template"
_names = itertools.count(1)
_state: dict[str, object] = {}


def _server() -> Engine:
    if "engine" not in _state:
        _state["engine"] = create_engine(make_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    return _state["engine"]  # type: ignore[return-value]


def _run(sql: str) -> None:
    with _server().connect() as connection:
        connection.exec_driver_sql(sql)


def _url(name: str) -> str:
    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


def create_test_db(folder: Path, name: str = "test", *, empty: bool = False) -> str:
    """A fresh database for ``open_database`` / ``--db`` / ``BBC_DB``: a file in ``folder``, or a
    server database that already has the schema (``empty``: not even that)."""
    if not PG_SERVER:
        return str(folder / f"{name}.sqlite3")
    if not empty and not _state.get("template"):
        _run(f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)")
        _run(f"CREATE DATABASE {_TEMPLATE}")
        open_database(_url(_TEMPLATE)).dispose()
        _state["template"] = True
    database = f"bbc_test_{os.getpid()}_{next(_names)}"
    _run(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    _run(f"CREATE DATABASE {database}" + ("" if empty else f" TEMPLATE {_TEMPLATE}"))
    return _url(database)


def drop_test_db(url: str) -> None:
    """Drop a server database made by :func:`create_test_db` (closing what is still connected)."""
    if PG_SERVER:
        _run(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")
