"""Login accounts and roles, through the core directly: each role's allowed and refused actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.auth import (
    LOCK_MINUTES,
    change_password,
    create_account,
    disable_account,
    login,
    reset_password,
    set_role,
)
from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import Role
from bbc_desktop.core.errors import Conflict, PermissionDenied, ValidationError
from bbc_desktop.core.holidays import save_days
from bbc_desktop.core.legacy_import import import_ledger
from bbc_desktop.core.permissions import ROLE_PERMISSIONS, Permission, allowed
from bbc_desktop.core.privacy import reveal_identity
from bbc_desktop.core.slips import record_printed
from bbc_desktop.db.models import Account, Event, Ticket
from bbc_desktop.io.legacy_ledger import read_legacy_ledger
from bbc_desktop.printing.documents import issue_report

NOW = datetime(2026, 11, 23, 9, 30)
PASSWORD = "counter2026"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "legacy-ledger-2025.xlsx"


def as_(name: str) -> Context:
    return Context(clock=FixedClock(NOW), operator=name)


@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    """An administrator and one account of each other role; one confidential dispatched ticket."""
    with db.session() as s:
        create_account(s, as_("nobody"), "admin", PASSWORD, "admin", "管理员甲")
        for name, role in (("front", "front_desk"), ("back", "back_office"), ("leader", "leader")):
            create_account(s, as_("admin"), name, PASSWORD, role)
        t.register(
            s,
            as_("front"),
            t.Intake(
                content="窗口推诿", name="张三", phone="13800000000", confidential=True, lead_unit="区教育局"
            ),
        )
    return db


def _attempt(db, name: str, action) -> bool:  # type: ignore[no-untyped-def]
    """Run ``action(session, ctx)`` as ``name`` and roll it back; True if allowed."""
    session = db.sessions()
    try:
        before = session.query(Event).count()
        try:
            action(session, as_(name))
        except PermissionDenied:
            session.flush()
            assert session.query(Event).count() == before  # refused before anything was written
            return False
        return True
    finally:
        session.rollback()
        session.close()


ACTIONS = {
    Permission.INTAKE: lambda s, c: t.register(
        s, c, t.Intake(content="乙", name="李四", phone="13900000000")
    ),
    Permission.HANDLE: lambda s, c: t.record_result(s, c, "BBC-2026-0001", "已办结"),
    Permission.VOID: lambda s, c: t.void(s, c, "BBC-2026-0001", "误录"),
    Permission.REVEAL: lambda s, c: reveal_identity(s, c, t.get_ticket(s, "BBC-2026-0001")),
    Permission.PRINT: lambda s, c: record_printed(s, c, [t.get_ticket(s, "BBC-2026-0001")], "交办单", "打印"),
    Permission.ISSUE_REPORT: lambda s, c: issue_report(s, c, NOW.date().replace(day=1), NOW.date(), {}),
    Permission.IMPORT_LEDGER: lambda s, c: import_ledger(s, c, read_legacy_ledger(FIXTURE)),
    Permission.ADMIN: lambda s, c: save_days(s, c, [(datetime(2027, 1, 1).date(), False, "元旦")]),
}


def test_each_role_is_allowed_exactly_its_permissions(office):
    names = {Role.ADMIN: "admin", Role.FRONT_DESK: "front", Role.BACK_OFFICE: "back", Role.LEADER: "leader"}
    for role, name in names.items():
        for permission, action in ACTIONS.items():
            expected = permission in ROLE_PERMISSIONS[role]
            assert _attempt(office, name, action) is expected, (role, permission)


def test_without_login_accounts_everything_acts_as_the_system(db):
    with db.session() as s:
        assert allowed(s, as_("随便谁"), Permission.ADMIN)
        t.register(s, as_("随便谁"), t.Intake(content="甲", name="张三", phone="13800000000"))


def test_an_unknown_or_disabled_operator_is_refused_once_logins_exist(office):
    refused = _attempt(office, "王芳", ACTIONS[Permission.HANDLE])  # an operator name, no login
    assert refused is False
    with office.session() as s:
        disable_account(s, as_("admin"), "front")
    with pytest.raises(PermissionDenied, match="已停用"), office.session() as s:
        t.record_result(s, as_("front"), "BBC-2026-0001", "已办结")


def test_the_first_account_is_an_administrator_and_then_only_admins_create(db):
    with pytest.raises(ValidationError, match="第一个登录账号必须是管理员"), db.session() as s:
        create_account(s, as_("x"), "front", PASSWORD, "front_desk")
    with db.session() as s:
        first = create_account(s, as_("x"), "admin", PASSWORD, "admin")
        assert first.must_change_password is False
    with pytest.raises(PermissionDenied), db.session() as s:
        create_account(s, as_("x"), "front", PASSWORD, "front_desk")
    with db.session() as s:
        made = create_account(s, as_("admin"), "front", PASSWORD, "front_desk", "王芳")
        assert made.must_change_password is True  # a password the administrator chose
        assert made.password_hash.startswith("$argon2id$") and PASSWORD not in made.password_hash
    with pytest.raises(Conflict), db.session() as s:
        create_account(s, as_("admin"), "front", PASSWORD, "front_desk")
    for weak, message in (
        ("short1", "至少 8 位"),
        ("onlyletters", "字母和数字"),
        ("front12345", "不能包含账号名"),
    ):
        with pytest.raises(ValidationError, match=message), db.session() as s:
            create_account(s, as_("admin"), "front2", weak.replace("front", "front2"), "front_desk")


def _login(db, name: str, password: str, when: datetime):  # type: ignore[no-untyped-def]
    with db.session() as s:
        outcome = login(s, name, password, when)
        return outcome.ok, outcome.message


def test_five_wrong_passwords_lock_the_account_for_some_minutes(office):
    for attempt in range(1, 5):
        ok, message = _login(office, "front", "wrong-password1", NOW)
        assert not ok and f"再错 {5 - attempt} 次" in message
    ok, message = _login(office, "front", "wrong-password1", NOW)
    assert not ok and "账号已锁定 10 分钟" in message
    ok, message = _login(office, "front", PASSWORD, NOW + timedelta(minutes=1))  # right, but locked
    assert not ok and "请于 09:40 后再试" in message
    assert _login(office, "front", PASSWORD, NOW + timedelta(minutes=LOCK_MINUTES + 1)) == (True, "")
    with office.session() as s:
        kinds = s.scalars(select(Event.kind).where(Event.ticket_id.is_(None)).order_by(Event.id)).all()
        assert kinds.count("login_failed") == 4 and "account_locked" in kinds and kinds[-1] == "login"
    assert _login(office, "no-such-user", PASSWORD, NOW) == (False, "账号或密码不正确")
    with office.session() as s:
        disable_account(s, as_("admin"), "back")
    assert _login(office, "back", PASSWORD, NOW) == (False, "账号“back”已停用，请联系管理员")


def test_change_and_reset_password(office):
    with pytest.raises(ValidationError, match="原密码不正确"), office.session() as s:
        change_password(s, "front", "nope12345", "newpass2026", NOW)
    with office.session() as s:
        change_password(s, "front", PASSWORD, "newpass2026", NOW)
        assert s.scalar(select(Account.must_change_password).where(Account.username == "front")) is False
    assert _login(office, "front", PASSWORD, NOW)[0] is False
    with pytest.raises(PermissionDenied), office.session() as s:
        reset_password(s, as_("back"), "front", "reset2026x")
    with office.session() as s:
        reset_password(s, as_("admin"), "front", "reset2026x")
    with office.session() as s:
        account = login(s, "front", "reset2026x", NOW).account
        assert account is not None and account.must_change_password is True


def test_the_last_administrator_stays(office):
    with pytest.raises(ValidationError, match="最后一个管理员"), office.session() as s:
        set_role(s, as_("admin"), "admin", "leader")
    with office.session() as s:
        set_role(s, as_("admin"), "back", "admin")
        set_role(s, as_("back"), "admin", "leader")  # now there is another
    with office.session() as s:
        assert s.scalar(select(Account.role).where(Account.username == "admin")) == "leader"
        assert s.scalar(select(Ticket.number)) == "BBC-2026-0001"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("        1a", "不能包含空格"),
        ("１２３４５６７８ａ", "英文字母和数字"),
        ("abcdefgh", "英文字母和数字"),
        ("ab1", "至少 8 位"),
        ("Wangfang2026", "不能包含账号名"),
    ],
)
def test_password_rules(password, message):
    from bbc_desktop.core.auth import check_password_rules

    with pytest.raises(ValidationError, match=message):
        check_password_rules(password, "wangfang")
    assert check_password_rules("a1b2c3d4e", "w") == "a1b2c3d4e"  # a one-letter name forbids nothing


def test_a_disabled_account_is_named_only_to_who_knows_its_password(office):
    with office.session() as s:
        disable_account(s, as_("admin"), "back")
    assert _login(office, "back", "wrong-password1", NOW) == (
        False,
        "账号或密码不正确（再错 4 次将锁定账号 10 分钟）",
    )
    assert _login(office, "back", PASSWORD, NOW) == (False, "账号“back”已停用，请联系管理员")
