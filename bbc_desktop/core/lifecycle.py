"""The ticket lifecycle as one explicit state machine (DESIGN.md: 受理 → 分类 → 转办 → 办结 → 反馈 → 回访 → 归档).

``TRANSITIONS`` is the single table of which action may start from which status and where it
leads; ``require`` is the only gate. Preconditions that depend on more than the status
(grade, anonymity, reply form) are checked here too, so the GUI and the CLI cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bbc_desktop.core.domain import ComplaintForm, Grade, Pending, ReplyMethod, Status
from bbc_desktop.core.errors import TransitionError


class Action(StrEnum):
    DISPATCH = "dispatch"
    RESOLVE_ON_SPOT = "resolve_on_spot"
    RECORD_RESULT = "record_result"
    REPLY = "reply"
    VISIT = "visit"
    CLOSE = "close"
    ARCHIVE = "archive"
    EXPLAIN = "explain"
    ESCALATE = "escalate"
    REASSIGN = "reassign"
    CHANGE_GRADE = "change_grade"
    VOID = "void"
    # The unit's side (after the slip leaves the window): none changes the status.
    ACKNOWLEDGE = "acknowledge"
    SEND_BACK = "send_back"
    RULE_SEND_BACK = "rule_send_back"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    URGE = "urge"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.DISPATCH: "转办",
    Action.RESOLVE_ON_SPOT: "当场解决",
    Action.RECORD_RESULT: "登记办理结果",
    Action.REPLY: "答复反映人",
    Action.VISIT: "回访",
    Action.CLOSE: "结案",
    Action.ARCHIVE: "归档",
    Action.EXPLAIN: "解释说明",
    Action.ESCALATE: "移交督办",
    Action.REASSIGN: "改派承办单位",
    Action.CHANGE_GRADE: "调整牌色",
    Action.VOID: "作废",
    Action.ACKNOWLEDGE: "登记签收",
    Action.SEND_BACK: "登记退单",
    Action.RULE_SEND_BACK: "审定退单",
    Action.REQUEST_EXTENSION: "登记延期申请",
    Action.DECIDE_EXTENSION: "审批延期",
    Action.URGE: "催办",
}

S = Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status | None  # None: the status does not change (e.g. a new grade)


# A ticket a unit holds: dispatched, or dispatched and then escalated (the unit still owes the result).
_WITH_UNIT = frozenset({S.DISPATCHED, S.ESCALATED})

TRANSITIONS: dict[Action, Transition] = {
    Action.DISPATCH: Transition(frozenset({S.REGISTERED}), S.DISPATCHED),
    Action.RESOLVE_ON_SPOT: Transition(frozenset({S.REGISTERED}), S.REPLIED),
    Action.RECORD_RESULT: Transition(frozenset({S.DISPATCHED, S.ESCALATED}), S.RESULT_RECEIVED),
    Action.REPLY: Transition(frozenset({S.RESULT_RECEIVED, S.REPLIED}), S.REPLIED),
    # A 不满意 visit reopens instead: see ``reopen_target``.
    Action.VISIT: Transition(frozenset({S.REPLIED, S.EXPLAINED}), S.VISITED),
    Action.CLOSE: Transition(frozenset({S.RESULT_RECEIVED, S.REPLIED, S.VISITED, S.EXPLAINED}), S.CLOSED),
    Action.ARCHIVE: Transition(frozenset({S.CLOSED}), S.ARCHIVED),
    Action.EXPLAIN: Transition(
        frozenset({S.REGISTERED, S.DISPATCHED, S.ESCALATED, S.RESULT_RECEIVED}), S.EXPLAINED
    ),
    Action.ESCALATE: Transition(frozenset({S.DISPATCHED}), S.ESCALATED),
    Action.REASSIGN: Transition(frozenset({S.DISPATCHED, S.ESCALATED}), S.DISPATCHED),
    Action.CHANGE_GRADE: Transition(frozenset({S.REGISTERED, S.DISPATCHED, S.ESCALATED}), None),
    Action.VOID: Transition(frozenset(set(Status) - {S.ARCHIVED, S.VOIDED}), S.VOIDED),
    Action.ACKNOWLEDGE: Transition(_WITH_UNIT, None),
    Action.SEND_BACK: Transition(_WITH_UNIT, None),
    Action.RULE_SEND_BACK: Transition(_WITH_UNIT, None),
    Action.REQUEST_EXTENSION: Transition(_WITH_UNIT, None),
    Action.DECIDE_EXTENSION: Transition(_WITH_UNIT, None),
    Action.URGE: Transition(_WITH_UNIT, None),
}

# While a unit's request awaits the window, the ticket's other steps wait for the ruling.
_BLOCKED_BY_PENDING = frozenset(
    {
        Action.RECORD_RESULT,
        Action.EXPLAIN,
        Action.ESCALATE,
        Action.REASSIGN,
        Action.SEND_BACK,
        Action.REQUEST_EXTENSION,
    }
)

# Escalation targets by grade (section 三(六)): yellow after repeated failed coordination goes to the
# discipline commission and the supervision bureau; red to the district leaders; any overdue unit
# is followed by the discipline commission and the supervision bureau.
SUPERVISION = "区纪委监委、区委区政府督查局"
DISTRICT_LEADERS = "区委、区政府主要领导或分管区领导"


def escalation_target(grade: Grade, overdue: bool) -> str:
    if grade is Grade.RED:
        return DISTRICT_LEADERS
    if grade is Grade.YELLOW or overdue:
        return SUPERVISION
    raise TransitionError("蓝牌工单只有在超期未办结时才能移交区纪委监委和督查局督办")


# Actions that count a deadline or follow from the grade: an imported ticket is graded first.
_NEED_A_GRADE = frozenset({Action.DISPATCH, Action.REASSIGN, Action.RESOLVE_ON_SPOT, Action.ESCALATE})


def require(
    action: Action,
    status: Status,
    *,
    grade: Grade | None = None,
    anonymous: bool = False,
    form: ComplaintForm | None = None,
    reply_method: ReplyMethod | None = None,
    overdue: bool = False,
    pending: Pending | None = None,
    acknowledged: bool = False,
    due: date | None = None,
    today: date | None = None,
) -> Status | None:
    """Raise ``TransitionError`` unless ``action`` is allowed now; return the status it leads to.

    ``pending`` is the unit's request awaiting a ruling, ``acknowledged`` whether the lead unit has
    signed for the slip, ``due`` / ``today`` the deadline and the day (a send-back or an extension
    must come before the deadline has passed)."""
    if status is S.VOIDED:
        raise TransitionError("该工单已作废，不能再做任何修改")
    if status is S.ARCHIVED:
        raise TransitionError("该工单已归档，不能再做任何修改")
    transition = TRANSITIONS[action]
    if action is Action.RESOLVE_ON_SPOT and status is not S.REGISTERED:
        raise TransitionError("只有尚未转办的工单可以当场解决；已转办的工单请等待承办单位的办理结果")
    if status not in transition.sources:
        allowed = "、".join(s.label for s in Status if s in transition.sources)
        raise TransitionError(
            f"工单当前状态为“{status.label}”，不能{action.label}（只有{allowed}的工单可以）"
        )
    if pending is not None and action in _BLOCKED_BY_PENDING:
        raise TransitionError(
            f"承办单位的{'退单' if pending is Pending.SEND_BACK else '延期申请'}尚待"
            f"{'审定' if pending is Pending.SEND_BACK else '审批'}，请先"
            f"{Action.RULE_SEND_BACK.label if pending is Pending.SEND_BACK else Action.DECIDE_EXTENSION.label}"
        )
    if action is Action.RULE_SEND_BACK and pending is not Pending.SEND_BACK:
        raise TransitionError("该工单没有待审定的退单")
    if action is Action.DECIDE_EXTENSION and pending is not Pending.EXTENSION:
        raise TransitionError("该工单没有待审批的延期申请")
    if action is Action.ACKNOWLEDGE and acknowledged:
        raise TransitionError("承办单位已签收该工单")
    late = due is not None and today is not None and today > due
    if action in (Action.SEND_BACK, Action.REQUEST_EXTENSION) and late:
        what = "退单" if action is Action.SEND_BACK else "延期申请"
        raise TransitionError(
            f"办理期限（{due.year}年{due.month}月{due.day}日）已过，不能再{what}："  # type: ignore[union-attr]
            f"{what}须在期限届满前提出；该工单已超期，请督促承办单位办理"
        )
    if grade is Grade.UNKNOWN and action in _NEED_A_GRADE:
        raise TransitionError(f"该工单从旧台账导入，尚未确定牌色，不能{action.label}：请先调整牌色")
    if action is Action.RESOLVE_ON_SPOT and grade is not Grade.BLUE:
        raise TransitionError("只有蓝牌工单可以当场解决；请先将牌色调整为蓝牌，或转办承办单位")
    if action is Action.ESCALATE and grade is not None:
        escalation_target(grade, overdue)  # raises for a blue ticket that is not overdue
    if action in (Action.REPLY, Action.VISIT) and anonymous:
        raise TransitionError("匿名反映无法答复或回访，可直接结案")
    if action is Action.CLOSE and not anonymous:
        if status is S.RESULT_RECEIVED:
            raise TransitionError("办理结果尚未答复反映人，不能结案")
        if form is ComplaintForm.WRITTEN and reply_method is not ReplyMethod.WRITTEN:
            raise TransitionError("书面投诉必须书面答复后才能结案")
    return transition.target


def allowed_actions(status: Status, **conditions: object) -> list[Action]:
    """Every action ``require`` would let through now, in table order (for menus and buttons)."""
    result = []
    for action in Action:
        try:
            require(action, status, **conditions)  # type: ignore[arg-type]
        except TransitionError:
            continue
        result.append(action)
    return result
