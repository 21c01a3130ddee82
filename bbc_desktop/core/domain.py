"""Domain vocabulary: grades, statuses, sources, categories and their Chinese labels (DESIGN.md glossary)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar


class Grade(StrEnum):
    BLUE = "blue"
    YELLOW = "yellow"
    RED = "red"
    # Only a ticket imported from a hand-kept ledger that did not record it: no deadline is counted
    # until someone grades it (change_grade). Never chosen at intake (see GRADES).
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"blue": "蓝牌", "yellow": "黄牌", "red": "红牌", "unknown": "未定级"}[self.value]

    @property
    def workdays(self) -> int:
        """Working days the unit has to answer (section 三(五) of the source document)."""
        return {"blue": 3, "yellow": 5, "red": 10}[self.value]

    @property
    def rule(self) -> str:
        """The source document's rule for the colour, shown beside the choice."""
        return {
            "blue": "能马上解决的：能当场解决的必须马上办结，不能当场办理的做好跟踪督办；3个工作日内答复",
            "yellow": "涉及多个局委需协调的：先由政务服务大厅协调解决，多次协调仍未解决的移交区纪委监委和督查局督办；"
            "5个工作日内答复",
            "red": "涉及相关政策需研究的：提交区政府相关领导研究解决；10个工作日内答复",
            "unknown": "从旧台账导入、未记载牌色的工单：确定牌色后按相应期限计算办理期限",
        }[self.value]


# The grades a ticket can be given, most urgent first (intake, change of grade, filters).
GRADES: tuple[Grade, ...] = (Grade.RED, Grade.YELLOW, Grade.BLUE)


class Status(StrEnum):
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    ESCALATED = "escalated"
    RESULT_RECEIVED = "result_received"
    REPLIED = "replied"
    VISITED = "visited"
    EXPLAINED = "explained"
    CLOSED = "closed"
    ARCHIVED = "archived"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.REGISTERED: "已受理",
    Status.DISPATCHED: "已转办",
    Status.ESCALATED: "已督办",
    Status.RESULT_RECEIVED: "已办结",
    Status.REPLIED: "已答复",
    Status.VISITED: "已回访",
    Status.EXPLAINED: "已解释说明",
    Status.CLOSED: "已结案",
    Status.ARCHIVED: "已归档",
    Status.VOIDED: "已作废",
}

# Until the unit's result is in, the deadline runs and the ticket can become overdue.
AWAITING_RESULT: frozenset[Status] = frozenset({Status.REGISTERED, Status.DISPATCHED, Status.ESCALATED})
# No further change is possible in these states.
FROZEN: frozenset[Status] = frozenset({Status.ARCHIVED, Status.VOIDED})
FINISHED: frozenset[Status] = frozenset({Status.CLOSED, Status.ARCHIVED, Status.VOIDED})


class Source(StrEnum):
    VISIT = "visit"
    PHONE = "phone"
    LETTER = "letter"
    ONLINE = "online"
    SUPERIOR = "superior"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "visit": "窗口来访",
            "phone": "电话",
            "letter": "来信",
            "online": "网络",
            "superior": "上级交办",
            "other": "其他",
        }[self.value]


class Category(StrEnum):
    """The five scope classes of section 三(三) of the source document."""

    ATTITUDE = "1"
    DELAY = "2"
    IMPROPER_FEES = "3"
    REFORM = "4"
    SUPERIOR_TASK = "5"

    @property
    def label(self) -> str:
        return {
            "1": "服务态度差、工作效率低、相互推诿扯皮",
            "2": "未及时受理、按时办结，或擅自截留、滞留申报材料",
            "3": "吃拿卡要、擅自更改收费标准、违规收取押金保证金或搭车收费",
            "4": "“放管服”改革和优化营商环境工作落实不力",
            "5": "上级交办的其他工作任务不能按时落实",
        }[self.value]


class ReporterKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"

    @property
    def label(self) -> str:
        return {"person": "群众", "company": "企业"}[self.value]


class ComplaintForm(StrEnum):
    """Oral or written: a written complaint must get a written reply (section 三(六))."""

    ORAL = "oral"
    WRITTEN = "written"

    @property
    def label(self) -> str:
        return {"oral": "口头", "written": "书面"}[self.value]


class ReplyMethod(StrEnum):
    ORAL = "oral"
    WRITTEN = "written"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return {"oral": "当面口头", "written": "书面", "phone": "电话"}[self.value]


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY = "basically"
    UNSATISFIED = "unsatisfied"

    @property
    def label(self) -> str:
        return {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}[self.value]


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    BACK_OFFICE = "back_office"
    ADMIN = "admin"
    LEADER = "leader"

    @property
    def label(self) -> str:
        return {
            "front_desk": "前台办理专员",
            "back_office": "后台办理专员",
            "admin": "管理员",
            "leader": "领导/督查",
        }[self.value]


class AssignmentRole(StrEnum):
    LEAD = "lead"
    CO = "co"


E = TypeVar("E", bound=StrEnum)


def parse_enum(enum: type[E], value: str | E | None, what: str, allowed: Sequence[E] | None = None) -> E:
    """Turn user text (code or Chinese label) into an enum member, or raise a Chinese ValidationError.

    ``allowed`` narrows the members the user may choose (e.g. GRADES: never "unknown").
    """
    from bbc_desktop.core.errors import ValidationError

    members = list(enum) if allowed is None else list(allowed)
    text = value.value if isinstance(value, enum) else ("" if value is None else str(value).strip())
    if not text:
        raise ValidationError(f"请选择{what}")
    for member in members:
        if text == member.value or text == getattr(member, "label", None):
            return member
    choices = "、".join(f"{m.value}（{getattr(m, 'label', m.value)}）" for m in members)
    raise ValidationError(f"{what}“{text}”无效，应为：{choices}")


# How each kind of history event reads to a person.
EVENT_LABELS: dict[str, str] = {
    "registered": "受理登记",
    "dispatched": "转办",
    "resolved_on_spot": "当场解决",
    "result_recorded": "登记办理结果",
    "replied": "答复反映人",
    "visited": "回访",
    "reopened": "重新办理",
    "closed": "结案",
    "archived": "归档",
    "explained": "解释说明",
    "escalated": "移交督办",
    "reassigned": "改派承办单位",
    "grade_changed": "调整牌色",
    "voided": "作废",
    "deadline_recomputed": "重新计算期限",
    "holidays_saved": "录入节假日安排",
    "linked": "关联重复反映",
    "attachment_added": "添加附件",
    "identity_revealed": "查看保密信息",
    "printed": "打印",
    "imported": "从旧台账导入",
    "report_issued": "签发整改情况报告",
    "login": "登录",
    "login_failed": "登录失败",
    "account_locked": "账号锁定",
    "account_created": "创建账号",
    "password_changed": "修改密码",
    "password_reset": "重置密码",
    "role_changed": "调整角色",
    "account_disabled": "停用账号",
    "account_enabled": "启用账号",
    "settings_changed": "修改设置",
    "demo_generated": "生成演示数据",
    "unit_saved": "修改单位名录",
    "acknowledged": "承办单位签收",
    "sent_back": "承办单位退单",
    "send_back_rejected": "退单不予认可",
    "send_back_ruled": "退单予以认可",
    "extension_requested": "承办单位申请延期",
    "extension_approved": "批准延期",
    "extension_refused": "不批准延期",
    "urged": "催办",
    "explanation_saved": "修改知识库",
}


class AckMethod(StrEnum):
    """How the unit's acknowledgement (签收) of the slip reached the window."""

    PHONE = "phone"
    SCAN = "scan"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {"phone": "电话确认", "scan": "签收回执扫描件", "in_person": "当面签收"}[self.value]


class SendBackGrounds(StrEnum):
    """Why a unit sends a ticket back (退单理由), as the 12345 hotlines classify them."""

    TERRITORY = "territory"
    OWNERSHIP = "ownership"
    OVERLAP = "overlap"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"territory": "属地不符", "ownership": "权属不清", "overlap": "职能交叉", "other": "其他"}[
            self.value
        ]


class Pending(StrEnum):
    """A unit's request on a ticket that awaits the window's ruling."""

    SEND_BACK = "send_back"
    EXTENSION = "extension"

    @property
    def label(self) -> str:
        return {"send_back": "退单待审", "extension": "延期待批"}[self.value]


NOT_ACKNOWLEDGED = "未签收"  # the queue's name for a dispatched ticket its unit has not acknowledged
