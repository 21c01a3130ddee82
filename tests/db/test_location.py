"""Choosing and reaching a database: what the counter is told when it cannot be used."""

from __future__ import annotations

import pytest
from databases import PG_SERVER
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bbc_desktop.core.errors import DatabaseUnavailable, ValidationError
from bbc_desktop.db.location import probe, save_target, saved_target, server_url, split_server_url
from bbc_desktop.db.session import explain_unavailable, make_engine, open_database, resolve_url

WHERE = "服务器 10.0.0.5:5432 上的数据库 bbc（用户 bbc）"


@pytest.mark.parametrize(
    ("driver", "expected"),
    [
        ('FATAL:  password authentication failed for user "bbc"', "用户名或密码不正确"),
        (
            'FATAL:  pg_hba.conf rejects connection for host "127.0.0.1", user "bbc", database "bbc"',
            "pg_hba.conf",
        ),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "bbc", database "bbc"', "pg_hba.conf"),
        ('FATAL:  role "bbc" does not exist', "没有这个用户"),
        ('FATAL:  database "bbc" does not exist', "没有这个数据库"),
        ("permission denied for schema public", "OWNER"),
        ("FATAL:  sorry, too many clients already", "连接数已满"),
        (
            "failed to resolve host 'no-such-host.invalid': [Errno -2] Name or service not known",
            "找不到数据库服务器",
        ),
        ('connection is bad: invalid port number: "99999"', "端口无效"),
        ("connection timeout expired", "超时"),
        ("connection failed: Connection refused", "请确认服务器已开启"),
        ("FATAL:  the database system is shutting down", "暂不接受连接"),
        ("database is locked", "正被其他程序占用"),
    ],
)
def test_driver_errors_become_one_chinese_sentence(driver, expected):
    message = explain_unavailable(RuntimeError(driver), WHERE)
    assert expected in message and WHERE in message and message.endswith("；")
    assert not any(word in message for word in ("FATAL", "Errno", "failed", "invalid"))


def test_a_password_with_reserved_characters_is_explained(tmp_path):
    with pytest.raises(ValidationError, match="%40"):
        resolve_url("postgresql+psycopg://bbcs:p@ss:w/rd#1%@127.0.0.1:5432/bbc")
    with pytest.raises(ValidationError, match="格式不正确"):
        resolve_url("postgresql+psycopg://bbc:x@127.0.0.1:abc/bbc")
    # The dialog's fields are encoded properly: such a password survives the round trip.
    url = server_url("127.0.0.1", 5432, "bbc", "bbc", "p@ss:w/rd#1%")
    assert make_url(url).password == "p@ss:w/rd#1%"
    assert split_server_url(url).password == "p@ss:w/rd#1%"


def test_looking_at_a_file_creates_nothing(tmp_path):
    target = tmp_path / "nowhere" / "x.sqlite3"
    assert probe(str(target)).schema == "empty"
    assert not (tmp_path / "nowhere").exists()


def test_the_choice_is_kept_for_this_user_only(tmp_path):
    import stat

    from bbc_desktop.db.location import config_file

    save_target("postgresql+psycopg://bbc:secret@10.0.0.5:5432/bbc")
    assert saved_target() == "postgresql+psycopg://bbc:secret@10.0.0.5:5432/bbc"
    assert stat.S_IMODE(config_file().stat().st_mode) == 0o600
    save_target(None)
    assert saved_target() is None


def test_a_database_a_newer_program_upgraded_is_refused_untouched(db):
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(ValidationError, match="更新版本的程序") as refused:
        open_database(db.target)
    assert "升级到与其他窗口相同的版本" in refused.value.message
    with pytest.raises(ValidationError, match="更新版本的程序"):
        probe(db.target)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0099"


@pytest.mark.server_only
def test_a_server_database_the_user_does_not_own_is_named_as_such(new_db_url):
    server = create_engine(make_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    url = make_url(new_db_url("not_owned", empty=True))
    with server.connect() as admin:
        admin.exec_driver_sql("DROP ROLE IF EXISTS bbc_clerk")
        admin.exec_driver_sql("CREATE ROLE bbc_clerk LOGIN")
    try:
        as_clerk = url.set(username="bbc_clerk").render_as_string(hide_password=False)
        with pytest.raises(ValidationError, match="OWNER"):
            probe(as_clerk)
        with pytest.raises(DatabaseUnavailable, match="没有在该数据库中建表或读写的权限"):
            open_database(as_clerk)
        engine = make_engine(url)  # nothing was half-created
        with engine.connect() as connection:
            assert (
                connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_tables WHERE schemaname='public'"
                ).scalar()
                == 0
            )
        engine.dispose()
    finally:
        with server.connect() as admin:
            admin.exec_driver_sql(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)")
            admin.exec_driver_sql("DROP ROLE IF EXISTS bbc_clerk")
        server.dispose()
