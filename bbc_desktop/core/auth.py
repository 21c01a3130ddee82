"""Login accounts: passwords (Argon2id), lockout after failures, changing and resetting passwords.

There is no default password. The first login account is the administrator, created at the first
start of the window (or with ``bbc users add NAME --role admin``) while no login account exists;
after that only an administrator creates accounts. Every login, failed login, lockout and change
of an account is an event of the audit trail (without a ticket).

Passwords are hashed with Argon2id (argon2-cffi, the algorithm OWASP recommends first, at OWASP's
parameters: 19 MiB, 2 passes), never stored or logged as typed. A hash made with other parameters
is upgraded at the next good login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import FixedClock
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import Role, parse_enum
from bbc_desktop.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from bbc_desktop.core.permissions import Permission, logins_exist, require
from bbc_desktop.core.tickets import add_event
from bbc_desktop.core.validation import clean_text
from bbc_desktop.db.models import Account

__all__ = [
    "LOCK_MINUTES",
    "MAX_FAILURES",
    "LoginOutcome",
    "change_password",
    "check_password_rules",
    "create_account",
    "disable_account",
    "list_accounts",
    "login",
    "reset_password",
    "set_role",
]

MAX_FAILURES = 5
LOCK_MINUTES = 10
MIN_LENGTH = 8
# OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): ~30 ms a check here, and the login
# does not add argon2-cffi's default 64 MiB to the window's memory.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def check_password_rules(password: str, username: str = "") -> str:
    """At least 8 characters, no spaces, with letters and digits (ASCII), not containing the account's name."""
    if any(c.isspace() for c in password):
        raise ValidationError("密码不能包含空格")
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"密码至少 {MIN_LENGTH} 位")
    if not any(c.isascii() and c.isalpha() for c in password) or not any(
        c.isascii() and c.isdigit() for c in password
    ):
        raise ValidationError("密码须同时包含英文字母和数字（请使用半角字符）")
    if len(username) >= 3 and username.lower() in password.lower():
        raise ValidationError("密码不能包含账号名")
    return password


def _hash(password: str) -> str:
    return _hasher.hash(password)


def _matches(account: Account, password: str) -> bool:
    if not account.password_hash:
        return False
    try:
        return _hasher.verify(account.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _account(session: Session, username: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == username.strip()))
    if account is None:
        raise NotFound(f"没有账号“{username}”")
    return account


def _as(account: Account, now: datetime | None = None) -> Context:
    """Acting as ``account`` itself (its own login, its own password change)."""
    if now is None:
        return Context(operator=account.username)
    return Context(clock=FixedClock(now), operator=account.username)


@dataclass(frozen=True)
class LoginOutcome:
    """The answer to a login: the account, or why not. Failures are bookkept, so commit either way."""

    account: Account | None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.account is not None


def login(session: Session, username: str, password: str, now: datetime) -> LoginOutcome:
    """Check the password; a disabled or locked account is refused. The caller commits in every case.

    A wrong password counts; the fifth in a row locks the account for LOCK_MINUTES. The message
    never says whether the account exists.
    """
    account = session.scalar(select(Account).where(Account.username == username.strip()))
    if account is None or account.password_hash is None:
        _hasher.hash(password)  # the same time as a real check: the answer does not tell names apart
        return LoginOutcome(None, "账号或密码不正确")
    ctx = _as(account, now)
    if account.locked_until is not None and account.locked_until > now:
        return LoginOutcome(
            None,
            f"账号已锁定（连续 {MAX_FAILURES} 次密码错误），请于 {account.locked_until:%H:%M} 后再试，"
            "或请管理员重置密码",
        )
    if not _matches(account, password):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            account.failed_logins = 0
            account.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            note = f"连续 {MAX_FAILURES} 次密码错误，锁定 {LOCK_MINUTES} 分钟"
            add_event(session, ctx, None, "account_locked", note=note)
            session.flush()
            return LoginOutcome(
                None,
                f"连续 {MAX_FAILURES} 次密码错误，账号已锁定 {LOCK_MINUTES} 分钟；如忘记密码，请管理员重置",
            )
        add_event(session, ctx, None, "login_failed", note="密码错误")
        session.flush()
        left = MAX_FAILURES - account.failed_logins
        return LoginOutcome(None, f"账号或密码不正确（再错 {left} 次将锁定账号 {LOCK_MINUTES} 分钟）")
    if not account.active:  # said only to who knows the password
        add_event(session, ctx, None, "login_failed", note="账号已停用")
        session.flush()
        return LoginOutcome(None, f"账号“{account.username}”已停用，请联系管理员")
    account.failed_logins = 0
    account.locked_until = None
    if _hasher.check_needs_rehash(account.password_hash or ""):
        account.password_hash = _hash(password)
    add_event(session, ctx, None, "login", note="登录")
    session.flush()
    return LoginOutcome(account)


def create_account(
    session: Session,
    ctx: Context,
    username: str,
    password: str,
    role: Role | str,
    display_name: str = "",
) -> Account:
    """A login account. Only an administrator may, except for the very first (then: an administrator)."""
    first = not logins_exist(session)
    if not first:
        require(session, ctx, Permission.ADMIN)
    name = clean_text(username, "账号", limit=64, required=True)
    if any(c.isspace() for c in name):
        raise ValidationError("账号不能包含空格")
    chosen = parse_enum(Role, role, "角色")
    if first and chosen is not Role.ADMIN:
        raise ValidationError("第一个登录账号必须是管理员")
    check_password_rules(password, name)
    display = clean_text(display_name, "姓名", limit=64) or name
    now = ctx.clock.now()
    account = session.scalar(select(Account).where(Account.username == name))
    if account is not None and account.password_hash is not None:
        raise Conflict(f"账号“{name}”已存在")
    if account is None:  # an operator name already in the history becomes a login account
        account = Account(username=name, created_at=now)
        session.add(account)
    account.display_name = display
    account.role = chosen.value
    account.password_hash = _hash(password)
    account.active = True
    account.failed_logins = 0
    account.locked_until = None
    account.must_change_password = not first
    session.flush()
    actor = ctx if not first else _as(account)
    add_event(
        session,
        actor,
        None,
        "account_created",
        after={"username": name, "role": chosen, "display_name": display},
        note=f"创建账号 {name}（{chosen.label}）",
    )
    session.flush()
    return account


def change_password(session: Session, username: str, old: str, new: str, now: datetime) -> None:
    """The account's own change: the old password first."""
    account = _account(session, username)
    if not account.active:
        raise PermissionDenied(f"账号“{account.username}”已停用")
    if not _matches(account, old):
        raise ValidationError("原密码不正确")
    if old == new:
        raise ValidationError("新密码不能与原密码相同")
    check_password_rules(new, account.username)
    account.password_hash = _hash(new)
    account.must_change_password = False
    add_event(session, _as(account, now), None, "password_changed", note="修改密码")
    session.flush()


def reset_password(session: Session, ctx: Context, username: str, new: str) -> None:
    """An administrator sets a new password, which its owner must change at the next login; unlocks."""
    require(session, ctx, Permission.ADMIN)
    account = _account(session, username)
    check_password_rules(new, account.username)
    account.password_hash = _hash(new)
    account.must_change_password = True
    account.failed_logins = 0
    account.locked_until = None
    add_event(
        session,
        ctx,
        None,
        "password_reset",
        after={"username": account.username},
        note=f"重置 {account.username} 的密码",
    )
    session.flush()


def set_role(session: Session, ctx: Context, username: str, role: Role | str) -> None:
    require(session, ctx, Permission.ADMIN)
    account = _account(session, username)
    new = parse_enum(Role, role, "角色")
    if account.role == new.value:
        return
    if account.role == Role.ADMIN.value and _last_admin(session, account):
        raise ValidationError("不能取消最后一个管理员的管理员角色")
    before = account.role
    account.role = new.value
    add_event(
        session,
        ctx,
        None,
        "role_changed",
        before={"username": account.username, "role": before},
        after={"username": account.username, "role": new},
        note=f"{account.username} 的角色改为{new.label}",
    )
    session.flush()


def disable_account(session: Session, ctx: Context, username: str, active: bool = False) -> None:
    """停用 (or 启用 again) an account; the history keeps its name. The last administrator stays."""
    require(session, ctx, Permission.ADMIN)
    account = _account(session, username)
    if account.active == active:
        return
    if not active and account.role == Role.ADMIN.value and _last_admin(session, account):
        raise ValidationError("不能停用最后一个管理员账号")
    if not active and account.username == ctx.operator:
        raise ValidationError("不能停用正在使用的账号")
    account.active = active
    add_event(
        session,
        ctx,
        None,
        "account_enabled" if active else "account_disabled",
        after={"username": account.username},
        note=f"{'启用' if active else '停用'}账号 {account.username}",
    )
    session.flush()


def _last_admin(session: Session, account: Account) -> bool:
    admins = session.scalars(
        select(Account.id).where(
            Account.role == Role.ADMIN.value, Account.active.is_(True), Account.password_hash.is_not(None)
        )
    ).all()
    return list(admins) == [account.id]


def list_accounts(session: Session) -> list[Account]:
    """Login accounts first, then operator names known only from the history."""
    accounts = session.scalars(select(Account).order_by(Account.username)).all()
    return sorted(accounts, key=lambda a: (a.password_hash is None, not a.active, a.username))
