"""The schema comes from Alembic migrations and matches the models; SQLite is opened safely."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.db.models import Base, include_object
from bbc_desktop.db.session import make_engine, migrate, open_database, resolve_url

# The queue index (migration 0005) is an expression index that SQLAlchemy does not reflect; it is
# kept out of the comparison on purpose (models.include_object).
pytestmark = pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")


def test_empty_database_upgrades_to_head_without_drift(new_db_url):
    engine = make_engine(resolve_url(new_db_url("empty", empty=True)))
    assert migrate(engine) is True
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"include_object": include_object}), Base.metadata
        )
        assert diff == []
        assert set(inspect(connection).get_table_names()) >= set(Base.metadata.tables)
    assert migrate(engine) is False  # already at head: nothing applied again
    engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_is_opened_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    db = open_database(tmp_path / "db.sqlite3")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    db.dispose()


def test_seed_units_and_settings_once(new_db_url):
    from sqlalchemy import func, select

    from bbc_desktop.core.units import SEED_UNITS
    from bbc_desktop.db.models import Unit

    path = new_db_url("db", empty=True)
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
    # psql's short forms mean the driver the program ships; other servers are refused in Chinese.
    assert resolve_url("postgres://u@db.example/bbc").drivername == "postgresql+psycopg"
    assert resolve_url("postgresql://u@db.example/bbc").drivername == "postgresql+psycopg"
    with pytest.raises(ValidationError, match="不支持数据库地址"):
        resolve_url("mysql://u:secret@db.example/bbc")
    monkeypatch.delenv("BBC_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_url().database.startswith(str(tmp_path / "data"))


def test_database_from_an_older_version_opens_with_its_data(new_db_url):
    from alembic import command
    from sqlalchemy import select

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.db.models import Ticket
    from bbc_desktop.db.session import _alembic_config

    path = new_db_url("old", empty=True)
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


@pytest.mark.sqlite_only
def test_upgrade_rebuilding_tickets_keeps_data_search_and_queue_index(tmp_path):
    """0006 rebuilds the tickets table on SQLite: history, triggers and the queue index survive."""
    from alembic import command
    from sqlalchemy import select

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.core.queries import TicketFilter, queue_ids
    from bbc_desktop.db.models import Event, Ticket
    from bbc_desktop.db.session import _alembic_config

    path = tmp_path / "v5.sqlite3"
    ctx = Context(clock=FixedClock(datetime(2026, 11, 23, 9, 30)), operator="王芳")
    # The 0005 schema, filled through plain SQL as a 0005 program would have.
    engine = make_engine(resolve_url(path))
    with engine.connect() as connection:
        command.upgrade(_alembic_config(connection), "0005")
        connection.commit()
        connection.exec_driver_sql(
            "INSERT INTO reporters (kind, name, company, phone) VALUES ('person', '张三', '', '13800000000')"
        )
        connection.exec_driver_sql("INSERT INTO number_sequences (year, last_seq) VALUES (2026, 1)")
        connection.exec_driver_sql(
            "INSERT INTO tickets (number, year, seq, status, grade, source, form, confidential, anonymous,"
            " reporter_id, content, accepted_at, due_date, due_provisional, clock_start, dispatch_note,"
            " on_the_spot, result_text, result_signer, result_phone, reply_text, visit_notes, visit_by,"
            " explanation, escalated_to, close_note, void_reason, version, updated_at) VALUES"
            " ('BBC-2026-0001', 2026, 1, 'registered', 'blue', 'visit', 'oral', 0, 0, 1, '营业执照变更窗口推诿',"
            " '2026-11-20 10:00:00', '2026-11-25', 0, '2026-11-20 10:00:00', '', 0, '', '', '', '', '', '',"
            " '', '', '', '', 1, '2026-11-20 10:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO events (ticket_id, at, kind, note) VALUES (1, '2026-11-20 10:00:00', 'registered', '')"
        )
        connection.commit()
    engine.dispose()

    db = open_database(path)  # 0005 -> head, rebuilding tickets
    with db.engine.connect() as connection:
        names = {
            row[0]
            for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE tbl_name = 'tickets'")
        }
        assert {"ix_tickets_queue", "ticket_search_insert", "ticket_search_chars_update"} <= names
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").first() is None
    with db.session() as s:
        calendar = t.load_calendar(s)
        assert list(queue_ids(s, TicketFilter(text="执照"), ctx.clock.today(), calendar).ids) == [1]
        assert s.scalar(select(Event.kind).where(Event.ticket_id == 1)) == "registered"
        new = t.register(s, ctx, t.Intake(content="新的反映：不动产窗口", name="李四", phone="13900000000"))
        assert new.seq == 2  # the year's sequence carries on
    with db.session() as s:
        assert list(queue_ids(s, TicketFilter(text="不动产"), ctx.clock.today(), t.load_calendar(s)).ids) == [
            2
        ]
        assert s.scalar(select(Ticket.seq).where(Ticket.id == 1)) == 1
    db.dispose()


def test_an_upgrade_with_slips_already_out_does_not_call_them_unacknowledged(new_db_url):
    """0009 on a database with tickets: their signatures were never recorded, so they are not
    "late"; a slip handed out after the upgrade is."""
    from datetime import timedelta

    from alembic import command

    from bbc_desktop.core import tickets as t
    from bbc_desktop.core.calendar import FixedClock
    from bbc_desktop.core.context import Context
    from bbc_desktop.core.queries import ack_recorded_since, overview
    from bbc_desktop.db.session import _alembic_config

    db = open_database(new_db_url("ack"))
    clock = FixedClock(datetime(2026, 11, 2, 9, 30))
    ctx = Context(clock=clock, operator="王芳")
    intake = t.Intake(content="窗口推诿", name="张三", phone="13800000000", lead_unit="区税务局")
    with db.session() as s:
        t.register(s, ctx, intake)
    with db.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0008")
        command.upgrade(_alembic_config(connection), "head")
    with db.session() as s:
        since = ack_recorded_since(s)
        assert since is not None and abs(since - datetime.now()) < timedelta(minutes=5)
        later = since.date() + timedelta(days=14)
        assert overview(s, later, t.load_calendar(s)).late_acknowledgement == 0
    clock.set(datetime.combine(since.date() + timedelta(days=1), datetime.min.time()) + timedelta(hours=10))
    with db.session() as s:
        t.register(s, ctx, intake)
    with db.session() as s:
        assert overview(s, later, t.load_calendar(s)).late_acknowledgement == 1
    db.dispose()
