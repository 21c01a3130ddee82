"""Opening a database: the default SQLite file in the user's data folder, another file, or a server URL.

Every open runs the Alembic migrations up to head, so a database from an older version opens.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bbc_desktop.core.errors import ValidationError
from bbc_desktop.db.search import char_tokens

APP_NAME = "bbc-desktop"
MIGRATIONS = Path(__file__).with_name("migrations")


def data_folder() -> Path:
    """The user's data folder of the program (the default database, logs, drafts, a server's attachments)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_folder() / "bbc.sqlite3"


def resolve_url(target: str | os.PathLike[str] | None = None, *, create: bool = True) -> URL:
    """``--db`` value, else ``BBC_DB``, else this PC's choice (db/location.py), else the default file.

    A path becomes a SQLite URL; its folder is created unless ``create`` is False (only looking).
    """
    text = os.fspath(target) if target is not None else os.environ.get("BBC_DB", "")
    if not text and target is None:
        from bbc_desktop.db.location import saved_target

        text = saved_target() or ""
    if not text:
        path = default_db_path()
    elif "://" in text:
        try:
            url = make_url(text)
            url.port  # noqa: B018 - parsed lazily: a bad port raises here
        except (ArgumentError, ValueError) as exc:
            raise ValidationError(
                "数据库地址格式不正确：应为 postgresql+psycopg://用户名:密码@服务器:端口/数据库名；"
                "用户名或密码中的 @ : / # % 须分别写成 %40 %3A %2F %23 %25"
            ) from exc
        if url.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
            return url.set(drivername="postgresql+psycopg")  # the driver the program ships
        if url.drivername in ("sqlite", "sqlite+pysqlite"):
            return url
        raise ValidationError(
            f"不支持数据库地址“{url.render_as_string(hide_password=True)}”：请使用本机数据库文件的路径，"
            "或 postgresql+psycopg://用户名:密码@服务器:端口/数据库名"
        )
    else:
        path = Path(text).expanduser()
    path = path.resolve()
    if path.is_dir():
        raise ValidationError(f"数据库路径“{path}”是一个文件夹，请给出文件路径")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    return URL.create("sqlite+pysqlite", database=str(path))


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    # A complaint must survive a power cut at the counter, not only a crash of the program.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
    # Called by the triggers of the one/two-character search index (db/search.py).
    dbapi_connection.create_function("bbc_chars", 1, char_tokens, deterministic=True)


def _json_text(value: object) -> str:
    # orjson: Chinese stays readable (a third of the size of \\u escapes) and a big demo or import
    # serialises a million history values several times faster than the json module.
    return orjson.dumps(value).decode()


CONNECT_TIMEOUT = 8  # seconds, for a server database
# How long a write waits for another program holding the SQLite file before it is refused.
SQLITE_BUSY_SECONDS = 15.0

# PostgreSQL: one key of a transaction-level advisory lock that every writing transaction takes
# before its first write (and migrate() before looking at the schema). See _serialise_writers.
WRITE_LOCK_KEY = 0x0BBC_0001
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)\b", re.IGNORECASE)
_WRITING = "bbc_write_locked"


def _serialise_writers(engine: Engine) -> None:
    """Writers on a server take turns, as they do on a SQLite file.

    The counters' transactions are short (an intake, a step of a ticket), and each ends by sealing
    its events into the audit chain under one lock (core/audit.py). Row locks taken before that —
    the year's number sequence, a ticket — in different orders by different transactions would
    deadlock. Taking one advisory lock before a transaction's first write puts every writer in one
    queue: no deadlock, numbers and the audit chain in commit order, and readers never wait (MVCC).
    """

    @event.listens_for(engine, "begin")
    def _new_transaction(conn):  # type: ignore[no-untyped-def]
        conn.info.pop(_WRITING, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_before_first_write(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if conn.info.get(_WRITING) or not _WRITE.match(statement) or not conn.in_transaction():
            return
        conn.info[_WRITING] = True
        cursor.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


_SQLITE_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def close_sqlite_files() -> None:
    """Close this process's idle SQLite connections: the last one to close folds the WAL into the
    file and removes it, so the ``.sqlite3`` file alone is the whole database again (to be copied
    onto a stick, say). Called when the ``bbc`` command ends and the window closes."""
    for engine in list(_SQLITE_ENGINES):
        engine.dispose()


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, json_serializer=_json_text)
        event.listen(engine, "connect", _sqlite_pragmas)
        _SQLITE_ENGINES.add(engine)
        return engine
    # A server that accepts the connection and never answers must not hold the counter for minutes.
    connect_args = {"connect_timeout": CONNECT_TIMEOUT} if url.get_backend_name() == "postgresql" else {}
    engine = create_engine(url, pool_pre_ping=True, json_serializer=_json_text, connect_args=connect_args)
    if engine.dialect.name == "postgresql":
        _serialise_writers(engine)
    return engine


def _alembic_config(connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


# The newest migration's revision (tests/db/test_migrations.py checks it against the scripts). When
# the database already has it, opening needs neither Alembic nor its scripts: 0.2 s less at start.
SCHEMA_REVISION = "0009"


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except DBAPIError:
            return None  # a new, empty database


def newer_than_program(revision: str | None) -> bool:
    """True for a schema written by a newer version of the program (revisions are 0001, 0002, …)."""
    return bool(revision) and revision.isdigit() and revision > SCHEMA_REVISION  # type: ignore[union-attr]


def migrate(engine: Engine) -> bool:
    """Upgrade the schema to the newest revision; returns True when anything was applied.

    A database already upgraded by a newer version of the program is refused, untouched: one counter
    updated before the others must not leave them failing with Alembic's words.
    """
    current = _current_revision(engine)
    if current == SCHEMA_REVISION:
        return False
    if newer_than_program(current):
        raise ValidationError(
            f"该数据库已由更新版本的程序使用（表结构 {current}，本程序为 {SCHEMA_REVISION}）："
            "请先把本机程序升级到与其他窗口相同的版本"
        )
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # A migration that rebuilds a table (batch mode) drops the old one, which foreign keys
            # would refuse; outside a transaction, so that the pragma takes effect. Checked below.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # ends SQLAlchemy's autobegun transaction (pysqlite issued no BEGIN)
        try:
            with connection.begin():
                if not sqlite:  # two counters starting at once: the second waits, then finds it done
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
                cfg = _alembic_config(connection)
                head = ScriptDirectory.from_config(cfg).get_current_head()
                if MigrationContext.configure(connection).get_current_revision() == head:
                    return False
                command.upgrade(cfg, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("foreign key check failed after the schema upgrade")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    return True


def unavailable(exc: BaseException) -> bool:
    """The database cannot be reached or used right now (rather than a fault of the program)."""
    from sqlalchemy.exc import OperationalError

    # 42501: insufficient privilege, e.g. a server database not owned by the program's user.
    return (
        isinstance(exc, OperationalError) or getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501"
    )


def describe_url(url: URL) -> str:
    """A database as a clerk reads it: the file's path, or "服务器 HOST:PORT 上的数据库 NAME" (no password)."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    port = f":{url.port}" if url.port else ""
    return (
        f"服务器 {url.host or 'localhost'}{port} 上的数据库 {url.database or ''}（用户 {url.username or ''}）"
    )


READ_ONLY = "数据库文件或其所在文件夹不允许写入（{where}）：请管理员恢复该文件夹的写入权限，或把数据库移到可写入的位置"

# What the driver says (lower case) → what the counter reads; the first match wins, so the specific
# cases stand before the general "could not connect". {where} is the database as a clerk reads it.
_UNAVAILABLE: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("password authentication failed", "no password supplied"),
        "数据库服务器拒绝登录（{where}）：用户名或密码不正确",
    ),
    (
        ("pg_hba.conf",),
        "数据库服务器拒绝了本机的连接（{where}）：请管理员在服务器的 pg_hba.conf 中允许本机地址、该用户和数据库，并重新加载配置",
    ),
    (("role", "does not exist"), "数据库服务器上没有这个用户（{where}）：请先由管理员建立"),
    (("database", "does not exist"), "数据库服务器上没有这个数据库（{where}）：请先由管理员建立"),
    (
        ("permission denied",),
        "数据库用户没有在该数据库中建表或读写的权限（{where}）：请管理员把数据库的所有者设为该用户（CREATE DATABASE … OWNER 用户名）",
    ),
    (
        ("too many clients", "remaining connection slots"),
        "数据库服务器的连接数已满（{where}）：请稍后重试，或请管理员调大 max_connections",
    ),
    (("ssl",), "数据库服务器要求或拒绝加密连接（{where}）：请管理员核对服务器的 SSL 设置"),
    (
        ("failed to resolve host", "could not translate host name", "name or service not known"),
        "找不到数据库服务器（{where}）：请检查服务器地址",
    ),
    (("invalid port",), "端口无效（{where}）：应为 1–65535"),
    (("timeout", "timed out"), "连接数据库服务器超时（{where}）：请检查网络和服务器地址"),
    (
        ("not currently accepting connections", "terminating connection", "shutting down", "starting up"),
        "数据库服务器暂不接受连接（{where}），可能正在维护",
    ),
    (
        ("server closed the connection", "connection is lost", "connection lost", "consuming input failed"),
        "与数据库服务器的连接中断（{where}）",
    ),
    (
        ("connection refused", "could not connect", "connection failed", "connection is bad"),
        "无法连接数据库服务器（{where}）：请确认服务器已开启、网络畅通、地址和端口正确",
    ),
    (("database is locked",), "数据库文件正被其他程序占用（{where}），等待后仍未释放"),
    (("readonly", "read-only"), READ_ONLY),
    (
        ("unable to open database file",),
        "无法打开或写入数据库文件（{where}）：请检查该文件和所在文件夹是否存在、是否允许写入",
    ),
    (("disk is full", "no space"), "磁盘空间已满，无法保存（{where}）：请清理磁盘后重试"),
)


def explain_unavailable(exc: BaseException, where: str) -> str:
    """A driver's "cannot reach / cannot write" error as a sentence for the counter (ends with "；")."""
    text = str(getattr(exc, "orig", None) or exc)
    lowered = text.lower()
    for words, message in _UNAVAILABLE:
        if len(words) == 2 and words[1] == "does not exist":
            if words[0] in lowered and words[1] in lowered:
                return message.format(where=where) + "；"
        elif any(word in lowered for word in words):
            return message.format(where=where) + "；"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"数据库暂时无法使用（{where}）：{first}；"


@dataclass
class Database:
    """An open database: the engine and a factory of sessions, one session per unit of work."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def target(self) -> str:
        """What ``open_database`` takes to open this database again (with the password)."""
        if self.url.get_backend_name() == "sqlite":
            return str(self.url.database)
        return self.url.render_as_string(hide_password=False)

    def describe(self) -> str:
        """The database as shown to a person: a file path, or the server without its password."""
        if self.url.get_backend_name() == "sqlite":
            return str(self.url.database)
        return describe_url(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed as a whole when the block ends, rolled back on any error.

        A row changed by another counter between this unit's read and its write (the ORM's version
        check) is refused as a Conflict, like any other refusal: nothing of the unit is saved.
        """
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm.exc import StaleDataError

        try:
            with self.sessions.begin() as session:
                yield session
        except StaleDataError as exc:
            from bbc_desktop.core.errors import Conflict

            raise Conflict("该工单刚被其他窗口修改过，本次未保存；请查看最新情况后重新办理") from exc
        except DBAPIError as exc:
            if not unavailable(exc):
                raise
            from bbc_desktop.core.errors import DatabaseUnavailable

            sentence = explain_unavailable(exc, self.describe())
            # A sentence that already says what to do is not followed by "try again later".
            raise DatabaseUnavailable(
                sentence + ("本次操作未保存" if "请" in sentence else "本次操作未保存，请稍后重试")
            ) from exc

    def read_only(self) -> bool:
        """A SQLite file this program may read but not write (its folder counts: WAL writes beside it)."""
        if self.url.get_backend_name() != "sqlite" or not self.url.database:
            return False
        path = Path(self.url.database)
        # effective ids: what the kernel checks on open; a read-only mount says so even to root.
        return not all(os.access(p, os.W_OK, effective_ids=True) for p in (path, path.parent))

    @property
    def attachments_dir(self) -> Path:
        """Beside a SQLite file; in the user's data folder for a server database."""
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            return Path(self.url.database).parent / "attachments"
        return data_folder() / "attachments"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(target: str | os.PathLike[str] | None = None, *, seed: bool = True) -> Database:
    """Open (and create or upgrade) the database named by ``target`` / ``BBC_DB`` / the default."""
    from bbc_desktop.core.audit import install

    install()  # every session of the program seals the events it writes into the audit chain
    url = resolve_url(target)
    engine = make_engine(url)
    try:
        migrate(engine)
    except DBAPIError as exc:  # cannot connect, no right to create the tables, …
        engine.dispose()
        from bbc_desktop.core.errors import DatabaseUnavailable

        raise DatabaseUnavailable(explain_unavailable(exc, describe_url(url)).rstrip("；")) from exc
    except BaseException:
        engine.dispose()
        raise
    db = Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    if seed:
        from bbc_desktop.core.setup import seed_defaults

        with db.session() as session:
            seed_defaults(session)
    return db
