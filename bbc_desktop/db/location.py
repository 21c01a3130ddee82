"""Which database this PC works on: its own SQLite file, or a shared PostgreSQL server.

The choice made in 设置 → 数据库连接 (or ``bbc database use``) is kept per user in the config folder
as ``database.json``, readable only by that user (it holds the server password). ``--db`` and
``BBC_DB`` still win over it, for scripts and tests. Before switching, :func:`probe` connects and
says what it found, so a wrong address is found before the counter depends on it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bbc_desktop.core.errors import BbcError, DatabaseUnavailable, ValidationError

DEFAULT_PORT = 5432


def config_file() -> Path:
    from platformdirs import user_config_path

    from bbc_desktop.db.session import APP_NAME

    return user_config_path(APP_NAME, appauthor=False) / "database.json"


def saved_target() -> str | None:
    """The database chosen on this PC, or None (the default file)."""
    try:
        data = json.loads(config_file().read_text("utf-8"))
    except (OSError, ValueError):
        return None
    target = data.get("target") if isinstance(data, dict) else None
    return target if isinstance(target, str) and target.strip() else None


def save_target(target: str | None) -> None:
    """Remember ``target`` (a file path or a server URL); None: back to this PC's default file."""
    path = config_file()
    if target is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    # Created readable by this user only: the URL may hold the server password.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"target": target}, handle, ensure_ascii=False)
    os.replace(partial, path)


def server_url(host: str, port: int, database: str, user: str, password: str) -> str:
    """The URL of a PostgreSQL database, as ``--db`` and :func:`save_target` take it."""
    host, database, user = host.strip(), database.strip(), user.strip()
    missing = [
        name for name, value in (("服务器地址", host), ("数据库名", database), ("用户名", user)) if not value
    ]
    if missing:
        raise ValidationError("请填写" + "、".join(missing))
    if not 1 <= int(port) <= 65535:
        raise ValidationError(f"端口“{port}”无效，应为 1–65535")
    url = URL.create(
        "postgresql+psycopg",
        username=user,
        password=password or None,
        host=host,
        port=int(port),
        database=database,
    )
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class ServerFields:
    host: str = ""
    port: int = DEFAULT_PORT
    database: str = "bbc"
    user: str = "bbc"
    password: str = ""


def split_server_url(target: str) -> ServerFields | None:
    """The fields of a server URL, for the dialog; None for a file path."""
    if "://" not in target:
        return None
    url = make_url(target)
    if url.get_backend_name() != "postgresql":
        return None
    return ServerFields(
        url.host or "", url.port or DEFAULT_PORT, url.database or "", url.username or "", url.password or ""
    )


@dataclass(frozen=True)
class Probe:
    """What :func:`probe` found at a database."""

    description: str  # the database as shown (no password)
    schema: str  # "empty" | "older" | "current" | "newer"
    tickets: int

    def summary(self) -> str:
        if self.schema == "empty":
            return f"连接成功：{self.description} 是空数据库，切换后将自动建立表结构。"
        if self.schema == "older":
            return f"连接成功：{self.description}（工单 {self.tickets} 件），切换后将升级到本版本的表结构。"
        return f"连接成功：{self.description}（工单 {self.tickets} 件）。"


def probe(target: str) -> Probe:
    """Connect to ``target`` without changing anything; refuse what the program cannot use.

    Raises DatabaseUnavailable (cannot connect) or ValidationError (not a bbc database, or one of a
    newer version).
    """
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    from bbc_desktop.db.session import (
        SCHEMA_REVISION,
        describe_url,
        explain_unavailable,
        make_engine,
        newer_than_program,
        resolve_url,
    )

    url = resolve_url(target, create=False)
    where = describe_url(url)
    if url.get_backend_name() == "sqlite" and not Path(str(url.database)).exists():
        return Probe(where, "empty", 0)
    engine = make_engine(url)
    server = url.get_backend_name() == "postgresql"
    no_right = (
        f"数据库用户没有在该数据库中建表或读写的权限（{where}）："
        "请管理员把数据库的所有者设为该用户（CREATE DATABASE … OWNER 用户名）"
    )
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not tables:
                if (
                    server
                    and not connection.exec_driver_sql(
                        "SELECT has_schema_privilege(current_user, 'public', 'CREATE')"
                    ).scalar()
                ):
                    raise ValidationError(no_right)
                return Probe(where, "empty", 0)
            if "alembic_version" not in tables or "tickets" not in tables:
                raise ValidationError(f"“{where}”中已有其他程序的数据表，不是本程序的数据库，不能使用")
            if (
                server
                and not connection.exec_driver_sql(
                    "SELECT has_table_privilege(current_user, 'tickets', 'INSERT, UPDATE')"
                    " AND has_table_privilege(current_user, 'alembic_version', 'UPDATE')"
                ).scalar()
            ):
                raise ValidationError(no_right)
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() or ""
            tickets = int(connection.exec_driver_sql("SELECT count(*) FROM tickets").scalar() or 0)
    except BbcError:
        raise
    except DBAPIError as exc:
        raise DatabaseUnavailable(explain_unavailable(exc, where).rstrip("；")) from exc
    finally:
        engine.dispose()
    if newer_than_program(revision):
        raise ValidationError(
            f"“{where}”已由更新版本的程序使用（表结构 {revision}，本程序为 {SCHEMA_REVISION}）："
            "请先把本机程序升级到与其他窗口相同的版本"
        )
    return Probe(where, "current" if revision == SCHEMA_REVISION else "older", tickets)
