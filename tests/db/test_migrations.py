"""The schema comes from Alembic migrations and matches the models; SQLite is opened safely."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bbc_desktop.db.models import Base, include_object
from bbc_desktop.db.session import make_engine, migrate, open_database, resolve_url

# The queue index (migration 0005) is an expression index that SQLAlchemy does not reflect; it is
# kept out of the comparison on purpose (models.include_object).
pytestmark = pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")


def test_empty_database_upgrades_to_head_without_drift(tmp_path):
    engine = make_engine(resolve_url(tmp_path / "empty.sqlite3"))
    assert migrate(engine) is True
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"include_object": include_object}), Base.metadata
        )
        assert diff == []
        assert set(inspect(connection).get_table_names()) >= set(Base.metadata.tables)
    assert migrate(engine) is False  # already at head: nothing applied again
    engine.dispose()


def test_sqlite_is_opened_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    db = open_database(tmp_path / "db.sqlite3")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    db.dispose()


def test_seed_units_and_settings_once(tmp_path):
    from sqlalchemy import func, select

    from bbc_desktop.core.units import SEED_UNITS
    from bbc_desktop.db.models import Unit

    path = tmp_path / "db.sqlite3"
    db = open_database(path)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == len(SEED_UNITS)
        s.scalar(select(Unit).where(Unit.name == "柏庄镇")).name = "柏庄镇人民政府"
    db.dispose()
    db = open_database(path)  # reopening must not seed the renamed unit again
    with db.session() as s:
        names = set(s.scalars(select(Unit.name)))
        assert "柏庄镇人民政府" in names and "柏庄镇" not in names
    db.dispose()


def test_db_target_resolution(tmp_path, monkeypatch):
    assert resolve_url(tmp_path / "a.sqlite3").database == str(tmp_path / "a.sqlite3")
    monkeypatch.setenv("BBC_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_url().database == str(tmp_path / "env.sqlite3")
    assert resolve_url("postgresql+psycopg://u:p@127.0.0.1:5432/bbc").get_backend_name() == "postgresql"
    monkeypatch.delenv("BBC_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_url().database.startswith(str(tmp_path / "data"))


def test_database_from_an_older_version_opens_with_its_data(tmp_path):
    from alembic import command
    from sqlalchemy import select

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.models import Ticket
    from bbc_desktop.db.session import _alembic_config

    path = tmp_path / "old.sqlite3"
    engine = make_engine(resolve_url(path))
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO settings (key, value) VALUES ('internal.seed_version', '1'), ('district', '旧区')"
            )
        )
    engine.dispose()
    db = open_database(path)  # upgrades 0001 → head
    ctx = Context(clock=FixedClock(datetime(2026, 11, 23, 9, 30)), operator="王芳")
    with db.session() as s:
        first = t.register(s, ctx, t.Intake(content="甲", name="张三", phone="13800000000"))
        second = t.register(s, ctx, t.Intake(content="乙", name="张三", phone="13800000000"))
        t.link(s, ctx, second, first)  # uses the table migration 0002 added
    with db.session() as s:
        assert len(list(s.scalars(select(Ticket)))) == 2
        assert s.scalar(text("SELECT value FROM settings WHERE key = 'district'")) == "旧区"
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is not None
        assert (
            compare_metadata(
                MigrationContext.configure(connection, opts={"include_object": include_object}), Base.metadata
            )
            == []
        )
    db.dispose()


def test_schema_revision_names_the_newest_migration(tmp_path):
    from alembic.script import ScriptDirectory

    from bbc_desktop.db.session import SCHEMA_REVISION, _alembic_config

    engine = make_engine(resolve_url(tmp_path / "x.sqlite3"))
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(_alembic_config(connection)).get_current_head()
    assert head == SCHEMA_REVISION
