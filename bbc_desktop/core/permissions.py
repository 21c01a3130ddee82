"""Roles and what each may do (DESIGN.md: confidentiality and roles), enforced here for every caller.

The window hides or disables what a role may not do; the core refuses it again, so the command
line, a script or a modified window cannot do more. Until the first login account exists (a fresh
installation, the demo, the tests of the rules themselves) everything acts as the built-in system
account and nothing is refused: the administrator's first step is creating the accounts.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import Role
from bbc_desktop.core.errors import PermissionDenied
from bbc_desktop.db.models import Account

__all__ = [
    "ROLE_PERMISSIONS",
    "Permission",
    "PermissionDenied",
    "acting_account",
    "allowed",
    "logins_exist",
    "require",
    "right_for",
]


class Permission(StrEnum):
    VIEW = "view"  # the queue, tickets, history, dashboard
    INTAKE = "intake"  # 受理登记
    HANDLE = "handle"  # every step of a ticket's lifecycle after intake, attachments, links
    VOID = "void"  # 作废
    PRINT = "print"  # 交办单 and 受理回执 (recorded in the ticket's history)
    REVEAL = "reveal"  # show a confidential reporter's identity (recorded)
    REPORTS = "reports"  # 台账, 超期通报, 整改情况报告 (made, previewed, exported)
    ISSUE_REPORT = "issue_report"  # 签发 the 整改情况报告
    APPROVE_EXTENSION = "approve_extension"  # 审批 a unit's 延期申请
    KNOWLEDGE = "knowledge"  # keep the 知识库 of explanations
    IMPORT_LEDGER = "import_ledger"  # 导入旧台账
    AUDIT = "audit"  # the audit trail and its check
    ADMIN = "admin"  # accounts, units, holidays, settings, the full JSON export and import

    @property
    def label(self) -> str:
        return {
            "view": "查看工单",
            "intake": "受理登记",
            "handle": "办理工单",
            "void": "作废工单",
            "print": "打印交办单和回执",
            "reveal": "查看保密反映人信息",
            "reports": "导出台账和报告",
            "issue_report": "签发整改情况报告",
            "approve_extension": "审批延期申请",
            "knowledge": "维护知识库",
            "import_ledger": "导入旧台账",
            "audit": "查看审计记录",
            "admin": "系统管理",
        }[self.value]


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Receives the visitor, registers, dispatches, records results, replies, visits; may void a
    # mistaken entry; sees the confidential reporter's identity when needed (on record).
    Role.FRONT_DESK: frozenset({P.VIEW, P.INTAKE, P.HANDLE, P.VOID, P.PRINT, P.REVEAL}),
    # Watches deadlines and chases units (so handles tickets and prints), keeps the ledger, makes
    # and issues the reports, imports the old ledger. Does not register visitors.
    # Approves or refuses a unit's request for more time, as a leader may; keeps the 知识库.
    Role.BACK_OFFICE: frozenset(
        {
            P.VIEW,
            P.HANDLE,
            P.PRINT,
            P.REPORTS,
            P.ISSUE_REPORT,
            P.IMPORT_LEDGER,
            P.APPROVE_EXTENSION,
            P.KNOWLEDGE,
        }
    ),
    Role.ADMIN: frozenset(Permission),
    # Leaders and supervisors: read-only — the queue, the dashboard, the reports.
    # (Their one decision: a unit's request for more time.)
    Role.LEADER: frozenset({P.VIEW, P.REPORTS, P.AUDIT, P.APPROVE_EXTENSION}),
}

# The lifecycle steps that need another right than HANDLE (the core checks it, the window greys
# the button with the reason).
_STEP_RIGHTS = {"void": P.VOID, "decide_extension": P.APPROVE_EXTENSION}


def right_for(action: str) -> Permission:
    """The right a lifecycle step (``lifecycle.Action``, a str enum) needs."""
    return _STEP_RIGHTS.get(str(action), P.HANDLE)


_CACHE = "bbc_acting_account"


def logins_exist(session: Session) -> bool:
    """Whether any active account can log in (has a password): from then on every action needs one."""
    query = select(exists().where(Account.password_hash.is_not(None), Account.active.is_(True)))
    return bool(session.scalar(query))


def acting_account(session: Session, ctx: Context) -> Account | None:
    """The login account ``ctx`` acts as; None in system mode (no login accounts yet).

    Raises PermissionDenied when login accounts exist and ``ctx.operator`` is none of them.
    """
    cached = session.info.get(_CACHE)
    if cached is not None and cached[0] == ctx.operator and cached[1] in session:
        return cached[1]
    if not logins_exist(session):
        return None
    account = session.scalar(select(Account).where(Account.username == (ctx.operator or "").strip()))
    if account is None or account.password_hash is None:
        raise PermissionDenied(
            f"“{ctx.operator}”不是本系统的登录账号；已设置登录账号后，每项操作都须以有效账号进行"
        )
    if not account.active:
        raise PermissionDenied(f"账号“{account.username}”已停用")
    session.info[_CACHE] = (ctx.operator, account)
    return account


def allowed(session: Session, ctx: Context, permission: Permission) -> bool:
    try:
        require(session, ctx, permission)
    except PermissionDenied:
        return False
    return True


def require(session: Session, ctx: Context, permission: Permission) -> None:
    """Refuse unless the acting account's role has ``permission`` (anything goes in system mode)."""
    account = acting_account(session, ctx)
    if account is None:
        return
    role = Role(account.role)
    if permission not in ROLE_PERMISSIONS[role]:
        raise PermissionDenied(f"“{role.label}”角色无权{permission.label}（账号：{account.username}）")
