"""Demo data for ``bbc demo [--tickets N]`` and ``bbc-desktop --demo``: realistic tickets with their history.

This module owns nothing but the generator. Each ticket is played through the same lifecycle as the
real services in :mod:`bbc_desktop.core.tickets` (every step passes ``lifecycle.require``), and is
written with exactly the columns, assignments and event shapes (kind, before, after, note) those
services would have written, so every screen, report and later service call sees ordinary data.

For speed the rows are written with SQLAlchemy Core executemany in chunks, in one transaction,
not through ORM objects, and only with portable SQL (the ids of new reporters and tickets are read
back by their content and by (year, seq), not with RETURNING). ``generate`` returns the numbers
of the tickets made, oldest first.

Time: acceptance times lie before ``ctx.clock.now()`` (weighted to recent days); every later step
is simulated at its own time and a step whose time is still in the future has simply not happened
yet, so old tickets are mostly finished and recent ones mostly open, with some overdue and some
due soon. A short list of scripted stories guarantees every status, grade and source even for a
few hundred tickets.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from bbc_desktop.core import lifecycle
from bbc_desktop.core.accounts import account_for
from bbc_desktop.core.audit import highest_event_id, seal
from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.context import Context
from bbc_desktop.core.domain import (
    AssignmentRole,
    Category,
    ComplaintForm,
    Grade,
    ReplyMethod,
    ReporterKind,
    Satisfaction,
    Source,
    Status,
)
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.lifecycle import Action
from bbc_desktop.core.permissions import Permission, require
from bbc_desktop.core.settings import check_number_pattern, get_setting
from bbc_desktop.core.tickets import ANONYMOUS_CLOSE_NOTE, load_calendar
from bbc_desktop.core.validation import normalize_phone
from bbc_desktop.db.models import (
    Assignment,
    Event,
    Explanation,
    NumberSequence,
    Reporter,
    Ticket,
    Unit,
    UnitRequest,
)
from bbc_desktop.db.search import deferred_search_index
from bbc_desktop.db.session import Database

__all__ = ["BACK_OFFICE", "FRONT_DESK", "generate"]

# The demo operators; accounts are made through account_for like any operator's first action.
FRONT_DESK: tuple[str, ...] = ("王芳", "李娜")
BACK_OFFICE: tuple[str, ...] = ("张伟", "陈静")

# Tickets generated and written per executemany round: bounds memory (events are ~1 kB each).
CHUNK = 5000

# ---------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国建华志强海燕晓东俊峰"
    "文博宇轩子涵欣怡浩然梓萱思远雨桐佳琪一鸣嘉怡晨阳振华淑珍德胜春梅秋菊卫东红梅"
)
# Characters outside the everyday set (one beyond the BMP, one in Extension A) so fonts, the
# database and exports are exercised with names that really occur in the household register.
_RARE_GIVEN = ("堃", "喆", "䶮", "𠮷", "犇", "淼", "垚", "赟")
_RARE_SURNAMES = ("𠮷",)

_BRANDS = (
    "鑫源", "华豫", "恒通", "瑞丰", "宏达", "金盛", "佳和", "汇通", "豫安", "博远", "泰和", "天成", "德信",
    "润泽", "安泰", "永昌", "殷都", "洹水", "中原", "兴业", "广源", "嘉禾", "盛世", "锦华", "昌隆", "正阳",
)  # fmt: skip
_INDUSTRIES = (
    "商贸", "建筑工程", "餐饮管理", "物流", "科技", "医药", "房地产开发", "食品", "机械制造", "文化传媒",
    "农业发展", "物业服务", "装饰工程", "汽车销售", "教育咨询", "环保科技", "电子商务", "劳务", "印务",
)  # fmt: skip
_COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")

_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "191", "198", "199",
)  # fmt: skip

# What people come to do at each office's window, by the names the seeded directory uses.
_MATTERS: dict[str, tuple[str, ...]] = {
    # Used only when the directory has no service office left (see _SUPERVISORS).
    "区纪委监委": ("政务服务大厅作风问题反映",),
    "区委区政府督查局": ("上级交办优化营商环境事项",),
    "区政务服务和大数据管理局": ("大厅取号排队", "自助终端证照打印", "“一网通办”网上申报", "电子证照调用"),
    "区委编办": ("事业单位法人登记", "事业单位法人年度报告公示"),
    "区发改委": ("企业投资项目备案", "固定资产投资项目节能审查"),
    "区教育局": ("民办培训机构办学许可", "学籍转入", "教师资格认定"),
    "区民政局": ("低保申请", "社会组织登记", "高龄津贴申领"),
    "区人社局": ("社保卡补办", "养老保险关系转移", "失业保险金申领", "就业创业证办理"),
    "区自然资源局": ("不动产登记", "不动产权证书换发", "抵押权注销登记", "建设用地规划许可"),
    "区交通运输局": ("道路运输经营许可", "网约车驾驶员证办理", "货车营运证年审"),
    "区卫健委": ("诊所执业登记", "医师执业注册变更", "出生医学证明补办", "公共场所卫生许可"),
    "区市场监督管理局": ("营业执照变更登记", "食品经营许可证办理", "个体工商户注册", "企业股权变更登记"),
    "区医保局": ("医保报销", "异地就医备案", "医保关系转移", "门诊慢特病认定"),
    "区税务局": ("发票申领", "税务登记信息变更", "个税汇算更正", "契税缴纳"),
    "区统计局": ("统计联网直报账号开通", "统计数据证明开具"),
    "区工信局": ("中小企业认定", "技术改造项目备案"),
    "区司法局": ("法律援助申请", "公证事项办理", "人民调解协议司法确认"),
    "区生态环境局": ("排污许可证申领", "建设项目环评审批"),
    "区农业农村局": ("农机购置补贴申请", "农药经营许可"),
    "区建筑业管理局": ("建筑业企业资质申请", "安全生产许可证延续", "施工合同备案"),
    "区商务局": ("对外贸易经营者备案", "单用途预付卡备案"),
    "区残联": ("残疾人证办理", "残疾人两项补贴申请"),
    "区城管执法局": ("户外广告设置审批", "临时占道许可", "建筑垃圾处置核准"),
    "区退役军人事务局": ("退役军人优待证申领", "优抚金申领"),
    "区文广体旅局": ("营业性演出许可", "旅行社设立许可"),
    "区民族宗教事务局": ("宗教活动场所登记变更", "清真食品经营备案"),
    "区应急管理局": ("危险化学品经营许可", "安全评价报告备案"),
    "区财政局": ("政府采购供应商登记", "非税收入缴款", "代理记账许可"),
    "区住建局": ("建筑工程施工许可", "商品房预售许可", "燃气工程竣工验收备案"),
    "区公安分局": ("户口迁移", "居住证办理", "身份证补领", "无犯罪记录证明开具"),
    "区消防救援大队": ("公众聚集场所投入使用前消防安全检查", "消防验收备案"),
    "区金融服务中心": ("企业融资担保申请", "小额贷款公司设立初审"),
    "区房管事务中心": ("商品房合同备案", "住宅专项维修资金使用", "房屋租赁登记备案"),
    "区档案馆": ("婚姻档案查询", "知青档案查询"),
    "区新闻出版局": ("出版物经营许可", "印刷经营许可"),
    "柏庄镇": ("宅基地使用审批", "农村低保申请", "村级证明开具"),
}
# Offices that supervise rather than serve: a complaint led by them is about another office's window.
_SUPERVISORS: dict[str, Category] = {
    "区纪委监委": Category.IMPROPER_FEES,
    "区委区政府督查局": Category.SUPERIOR_TASK,
}
# Units the administrator added (街道办事处 …) get the matters every local office handles.
_GENERIC_MATTERS = ("居住证明开具", "辖区便民服务事项", "社区证明开具")
# How often each office is the one complained about (busy windows more often); default 1.
_UNIT_WEIGHTS: dict[str, int] = {
    "区市场监督管理局": 8,
    "区自然资源局": 6,
    "区人社局": 6,
    "区医保局": 5,
    "区税务局": 5,
    "区公安分局": 4,
    "区住建局": 3,
    "区房管事务中心": 3,
    "区政务服务和大数据管理局": 3,
    "区卫健委": 2,
    "区民政局": 2,
}

# Complaint contents for the five scope classes of section 三(三).
_CONTENTS: dict[Category, tuple[str, ...]] = {
    Category.ATTITUDE: (
        "{who}到{window}办理{matter}，窗口工作人员态度生硬，问了两遍就不耐烦，让{who}自己回去看告示。",
        "{window}推诿：{matter}在{unit}窗口和综合受理窗口之间来回推，跑了{n}趟都说不归自己管。",
        "排队两个多小时，{window}只开了一个窗口，工作人员中途离岗{mins}分钟未作任何说明。",
        "{window}工作人员上班时间玩手机，对{who}咨询{matter}的问题爱答不理。",
        "办理{matter}一次性告知不到位，每次来都说缺不同的材料，已经跑了{n}趟。",
    ),
    Category.DELAY: (
        "{who}于{days}天前在{window}提交{matter}申请材料，至今未受理，也没有任何告知。",
        "{matter}材料已提交{days}个工作日，超过承诺时限仍未办结，窗口只说“等通知”。",
        "{matter}材料被滞留：申请材料交到{window}后被滞留，要求退回原件也不给。",
        "材料齐全，{window}以“系统升级”为由拒绝受理{matter}，已是第{n}次。",
        "{matter}审批卡在{unit}内部流转环节，{days}天没有进展，影响{who}正常经营。",
    ),
    Category.IMPROPER_FEES: (
        "{window}要求额外收费：办理{matter}时被要求缴纳{amount}元“加急费”，不给开收据。",
        "窗口工作人员暗示找中介代办{matter}，中介收费{amount}元，称“自己办办不下来”。",
        "办理{matter}被要求缴纳{amount}元保证金，未见任何收费依据。",
        "{matter}收费标准与公示不一致，多收了{amount}元，要求退还。",
    ),
    Category.REFORM: (
        "{matter}已实行“一网通办”，{window}仍要求提供纸质材料{n}份。",
        "公布为“最多跑一次”的{matter}，{who}实际跑了{n}次才办成。",
        "{window}要求重复提交系统中已有的证照复印件，{matter}材料多达{n}项。",
        "承诺的容缺受理没有落实，{matter}缺一份非关键材料就不予受理。",
        "{matter}承诺{days}个工作日办结，实际需要一个多月，与公开承诺不符。",
    ),
    Category.SUPERIOR_TASK: (
        "市里交办的关于{matter}的问题至今未落实，{who}多次询问无果。",
        "上级转办的{matter}诉求，已超过办理期限{days}天仍未回复。",
        "12345热线转来的{matter}诉求，{unit}未按时反馈办理结果。",
    ),
}
# Outside the window's scope: explained at the counter and not classified.
_OUT_OF_SCOPE = (
    "反映小区物业费收费过高，要求政府出面干预。",
    "邻居装修噪音扰民，要求有关部门处理。",
    "对法院民事判决结果不服，要求重新审理。",
    "咨询个人养老金缴费政策，并非办事受阻问题。",
    "反映与装修公司的合同纠纷，要求退还定金。",
)
_OUT_OF_SCOPE_EXPLANATIONS = (
    "该事项不属于“办不成事”反映窗口受理范围，已告知反映人通过人民调解或诉讼途径解决。",
    "经释明，该诉求属于民事纠纷，已告知可向所在街道人民调解委员会申请调解。",
    "已向反映人说明窗口受理范围，并提供12345热线及相关部门咨询电话。",
)
_POLICY_EXPLANATIONS = (
    "经核实，该事项因不符合现行政策规定暂无法办理，已向反映人说明政策依据及可行途径。",
    "经核实，申请人不符合法定条件，依法不能办理，已当面解释说明并告知救济途径。",
    "该事项受上级政策调整影响暂停办理，已向反映人说明情况，待政策明确后优先办理。",
)
# The 知识库 of the demo: the explanations above, with a title and what they rest on.
_LIBRARY = (
    ("不符合现行政策规定", _POLICY_EXPLANATIONS[0], "相关行业主管部门现行政策文件"),
    ("不符合法定条件", _POLICY_EXPLANATIONS[1], "《中华人民共和国行政许可法》第三十八条"),
    ("上级政策调整暂停办理", _POLICY_EXPLANATIONS[2], "上级主管部门政策调整通知"),
)
_RESULTS = (
    "经核实，反映情况属实。已督促窗口为反映人办结{matter}，并对相关工作人员进行批评教育。",
    "经核实，因系统对接问题导致{matter}延误，现已修复并办结，已向反映人致歉。",
    "经调查，窗口工作人员存在服务态度问题，已责令其作出书面检查并当面向当事人道歉。",
    "已退还违规收取的费用，对责任人予以诫勉谈话，并在全局通报。",
    "经核实，材料已受理，因内部流转不畅未及时告知，现已办结{matter}并告知办理结果。",
    "已组织相关部门召开联席会议协调解决，{matter}已于当日办结。",
)
_SPOT_RESULTS = (
    "经电话联系{window}，当场为反映人办结{matter}。",
    "联系{unit}窗口负责人到场协调，当场解决，反映人表示满意。",
    "经协调，窗口当场受理{matter}并出具受理回执。",
)
_REPLIES = {
    ReplyMethod.ORAL: (
        "已当面告知反映人办理结果，反映人表示认可。",
        "反映人到窗口领取办理结果，已当面说明。",
    ),
    ReplyMethod.PHONE: (
        "已电话告知反映人办理结果，反映人无异议。",
        "电话答复反映人，告知办理情况及后续事项。",
    ),
    ReplyMethod.WRITTEN: (
        "已向反映人出具书面答复函，告知办理结果。",
        "书面答复已邮寄反映人，并电话提醒查收。",
    ),
}
_VISIT_NOTES = {
    Satisfaction.SATISFIED: ("电话回访，反映人对办理结果满意。", "回访时反映人表示问题已解决，感谢窗口。"),
    Satisfaction.BASICALLY: (
        "反映人表示问题已解决，但希望进一步提高办事效率。",
        "基本满意，建议窗口加强一次性告知。",
    ),
    Satisfaction.UNSATISFIED: ("反映人表示问题仍未实际解决，要求重新办理。", "回访不满意：承诺事项未兑现。"),
}
_VOID_REASONS = (
    "重复录入，同一事项已另行受理",
    "误录入：反映人信息填写错误，已重新登记",
    "操作失误，误点保存",
)
_REASSIGN_REASONS = (
    "该事项不属于本单位职责范围，申请退回",
    "经核实，该事项应由其他单位牵头办理",
    "承办单位退回：涉及事项已划转",
)
_GRADE_REASONS = {
    Grade.BLUE: "经与窗口沟通可马上解决，调整为蓝牌",
    Grade.YELLOW: "经核实涉及多个部门，需协调办理",
    Grade.RED: "涉及政策问题，需提交区政府相关领导研究",
}
_CLOSE_NOTES = ("", "", "", "已办结答复", "办结，材料已整理")
_ACK_HOW = (
    ("phone", "电话确认"),
    ("phone", "电话确认"),
    ("scan", "签收回执扫描件"),
    ("in_person", "当面签收"),
)
_SEND_BACKS = (
    ("territory", "属地不符", "反映事项发生地不在本单位辖区"),
    ("ownership", "权属不清", "涉事场所的管理权属尚未明确"),
    ("overlap", "职能交叉", "该事项主要职责在其他部门"),
)
_EXTENSION_REASONS = (
    "需现场核查并调取档案",
    "涉及多部门会商，需协调时间",
    "需等待上级部门答复",
    "需第三方鉴定",
)

# Office hours of the hall (8:30–12:00, 14:30–17:30), as minutes after midnight.
_OFFICE_MINUTES: tuple[int, ...] = (*range(8 * 60 + 30, 12 * 60), *range(14 * 60 + 30, 17 * 60 + 30))

_SOURCE_WEIGHTS = (
    (Source.VISIT, 55),
    (Source.PHONE, 18),
    (Source.LETTER, 6),
    (Source.ONLINE, 12),
    (Source.SUPERIOR, 5),
    (Source.OTHER, 4),
)
_CATEGORY_WEIGHTS = (
    (Category.ATTITUDE, 30),
    (Category.DELAY, 32),
    (Category.IMPROPER_FEES, 10),
    (Category.REFORM, 20),
    (Category.SUPERIOR_TASK, 8),
)
_GRADE_WEIGHTS = ((Grade.BLUE, 55), (Grade.YELLOW, 30), (Grade.RED, 15))


def _cumulative(pairs: tuple[tuple[Any, int], ...]) -> tuple[tuple[Any, ...], list[int]]:
    return tuple(p[0] for p in pairs), list(itertools.accumulate(p[1] for p in pairs))


# ---------------------------------------------------------------------------------------------------
# Scripted stories: the few that make every status, grade and source appear even in a small demo
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """A scripted story: played to ``target`` and stopped there; side paths happen only when asked."""

    target: Status
    days: tuple[int, int] = (0, 0)  # accepted this many calendar days ago
    grade: Grade | None = None
    source: Source | None = None
    path: str = "unit"  # "unit" (dispatched), "spot" (on the spot), "counter" (explained at once)
    explain_by_unit: bool = False
    overdue: bool = False  # awaiting a result past its due date
    due_soon: bool = False  # due today or on the next working day
    escalate: bool = False
    reassign: bool = False
    grade_change: bool = False
    reopen: bool = False
    anonymous: bool = False
    written: bool = False
    confidential: bool = False


_SCRIPTED: tuple[_Plan, ...] = (
    _Plan(Status.REGISTERED, (0, 0), Grade.BLUE, Source.LETTER),
    _Plan(Status.DISPATCHED, grade=Grade.BLUE, source=Source.VISIT, due_soon=True),
    _Plan(Status.DISPATCHED, (10, 25), Grade.YELLOW, Source.ONLINE, overdue=True),
    _Plan(Status.ESCALATED, (15, 30), Grade.YELLOW, Source.PHONE, escalate=True, overdue=True),
    _Plan(Status.RESULT_RECEIVED, (5, 9), Grade.RED, Source.SUPERIOR),
    _Plan(Status.REPLIED, (6, 14), Grade.BLUE, Source.OTHER),
    _Plan(Status.VISITED, (12, 25), Grade.YELLOW, Source.VISIT),
    _Plan(Status.EXPLAINED, (1, 6), Grade.BLUE, Source.VISIT, path="counter"),
    _Plan(Status.CLOSED, (15, 30), Grade.BLUE, Source.PHONE),
    _Plan(Status.ARCHIVED, (70, 110), Grade.YELLOW, Source.ONLINE),
    _Plan(Status.VOIDED, (1, 30), Grade.BLUE, Source.VISIT),
    _Plan(Status.DISPATCHED, grade=Grade.YELLOW, source=Source.PHONE, due_soon=True),
    _Plan(Status.DISPATCHED, (25, 45), Grade.RED, Source.SUPERIOR, overdue=True),
    _Plan(Status.ESCALATED, (2, 5), Grade.RED, Source.LETTER, escalate=True, written=True),
    _Plan(Status.REPLIED, (3, 10), Grade.BLUE, Source.VISIT, path="spot"),
    _Plan(Status.EXPLAINED, (6, 15), Grade.RED, Source.ONLINE, explain_by_unit=True),
    _Plan(Status.CLOSED, (20, 40), Grade.YELLOW, Source.PHONE, anonymous=True),
    _Plan(Status.CLOSED, (20, 40), Grade.RED, Source.LETTER, written=True, confidential=True),
    _Plan(Status.CLOSED, (45, 80), Grade.YELLOW, Source.VISIT, reopen=True),
    _Plan(Status.DISPATCHED, (3, 6), Grade.BLUE, Source.ONLINE, reassign=True),
    _Plan(Status.DISPATCHED, (1, 3), Grade.BLUE, Source.VISIT, grade_change=True),
    _Plan(Status.CLOSED, (20, 40), Grade.BLUE, Source.VISIT, path="spot"),
)


class _Stop(Exception):
    """The next step of a story would lie in the future (or past a scripted target): it ends here."""


# ---------------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------------


# Hot-path tables. The generator makes ~600 000 events for a 100 000-ticket demo, so time offsets are
# precomputed timedeltas picked with one random() call instead of randint()/timedelta() per step.
_OFFICE: tuple[timedelta, ...] = tuple(
    timedelta(minutes=m, seconds=s) for m in _OFFICE_MINUTES for s in range(60)
)
_SHORT: tuple[timedelta, ...] = tuple(timedelta(seconds=s) for s in range(300, 5400))  # 5 to 90 minutes
_DATES = (date, datetime)

# Columns a freshly registered ticket has before any step (the model defaults, written explicitly
# because an executemany needs the same keys in every row).
_ROW_DEFAULTS: dict[str, Any] = {
    "dispatched_at": None,
    "dispatch_note": "",
    "on_the_spot": False,
    "result_text": "",
    "result_signer": "",
    "result_phone": "",
    "result_at": None,
    "reply_method": None,
    "reply_text": "",
    "reply_at": None,
    "visit_at": None,
    "visit_notes": "",
    "visit_by": "",
    "satisfaction": None,
    "explanation": "",
    "escalated_to": "",
    "escalated_at": None,
    "closed_at": None,
    "close_note": "",
    "archived_at": None,
    "void_reason": "",
    "voided_at": None,
    "acknowledged_at": None,
    "acknowledged_by": "",
    "acknowledged_how": None,
    "pending": None,
    "explanation_id": None,
    # The demo rows are written once, as if by one save; the services bump it on every later change.
    "version": 1,
}


@dataclass(slots=True)
class _UnitInfo:
    id: int
    name: str
    phone: str
    matters: tuple[str, ...]


def _seed_library(session: Session, now: datetime) -> dict[str, int]:
    """The demo's 知识库 entries (added once): explanation text → entry id."""
    found = {}
    for title, text, citation in _LIBRARY:
        entry = session.scalar(select(Explanation).where(Explanation.title == title))
        if entry is None:
            entry = Explanation(title=title, text=text, citation=citation, created_at=now, updated_at=now)
            session.add(entry)
            session.flush()
        found[entry.text] = entry.id
    return found


class _Generator:
    """Holds the random source, the calendar and the lookup tables; makes one ticket at a time."""

    def __init__(
        self,
        rng: random.Random,
        calendar: WorkCalendar,
        now: datetime,
        units: list[_UnitInfo],
        operators: dict[str, int],
        district: str,
        anonymous_ref: int | None,
    ) -> None:
        self.r = rng.random
        self.library: dict[str, int] = {}  # explanation text → its 知识库 entry (set per run)
        self.cal = calendar
        self.now = now
        self.today = now.date()
        self.units = units
        self.unit_names, self.unit_cum = _cumulative(tuple((u, _UNIT_WEIGHTS.get(u.name, 1)) for u in units))
        services = tuple((u, _UNIT_WEIGHTS.get(u.name, 1)) for u in units if u.name not in _SUPERVISORS)
        self.service_names, self.service_cum = _cumulative(services)
        # The first tickets that go to a unit take the units in turn, so that every unit has some.
        self.unit_cycle = list(units)
        rng.shuffle(self.unit_cycle)
        self.front = tuple(operators[n] for n in FRONT_DESK)
        self.back = tuple(operators[n] for n in BACK_OFFICE)
        self.operator_names = {v: k for k, v in operators.items()}
        self.district = district
        self.sources, self.source_cum = _cumulative(_SOURCE_WEIGHTS)
        self.categories, self.category_cum = _cumulative(_CATEGORY_WEIGHTS)
        self.grades, self.grade_cum = _cumulative(_GRADE_WEIGHTS)
        self.new_reporters: list[dict[str, Any]] = []
        self.reporters_made = 0
        self.reporter_refs: dict[tuple[str, str, str, str], int] = {}
        self.pool: list[tuple[int, str]] = []
        self.anonymous_ref = anonymous_ref
        # WorkCalendar memoises too, but behind argument checks; these are plain dict hits.
        self._workdays_after: dict[tuple[date, int], date] = {}
        self._deadlines: dict[tuple[date, Grade], tuple[date, bool]] = {}
        self._midnights: dict[date, datetime] = {}

    # -- random and calendar helpers -----------------------------------------------------------------

    def ri(self, low: int, high: int) -> int:
        """randint(low, high), several times cheaper."""
        return low + int(self.r() * (high - low + 1))

    def ch(self, seq: Any) -> Any:
        return seq[int(self.r() * len(seq))]

    def pick(self, values: tuple[Any, ...], cum: list[int]) -> Any:
        return values[bisect.bisect_right(cum, self.r() * cum[-1])]

    def workdays_after(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._workdays_after.get(key)
        if found is None:
            found = self._workdays_after[key] = self.cal.add_workdays(day, n).due
        return found

    def deadline(self, grade: Grade, start: datetime) -> tuple[date, bool]:
        key = (start.date(), grade)
        found = self._deadlines.get(key)
        if found is None:
            d = self.cal.due(grade, start)
            found = self._deadlines[key] = (d.due, d.provisional)
        return found

    def office_time(self, day: date) -> datetime:
        midnight = self._midnights.get(day)
        if midnight is None:
            midnight = self._midnights[day] = datetime(day.year, day.month, day.day)
        return midnight + _OFFICE[int(self.r() * len(_OFFICE))]

    def later(self, t: datetime, workdays: int) -> datetime:
        """A moment ``workdays`` working days after ``t`` (0: five minutes to an hour and a half later)."""
        if workdays <= 0:
            return t + _SHORT[int(self.r() * len(_SHORT))]
        return self.office_time(self.workdays_after(t.date(), workdays))

    # -- people ----------------------------------------------------------------------------------------

    def name(self) -> str:
        r, ch = self.r, self.ch
        x = r()
        if x < 0.003:
            surname = ch(_RARE_SURNAMES)
        elif x < 0.02:
            surname = ch(_COMPOUND_SURNAMES)
        else:
            surname = ch(_SURNAMES)
        given = ch(_GIVEN) + (ch(_GIVEN) if r() < 0.7 else "")
        if r() < 0.015:
            given = given[:-1] + ch(_RARE_GIVEN)
        return surname + given

    def company(self) -> str:
        ch = self.ch
        prefix = ch((self.district, "安阳市", "安阳", "河南"))
        return prefix + ch(_BRANDS) + ch(_INDUSTRIES) + ch(_COMPANY_FORMS)

    def mobile(self) -> str:
        return self.ch(_MOBILE_PREFIXES) + f"{int(self.r() * 10**8):08d}"

    def landline(self) -> str:
        return f"0372-{self.ri(2, 8)}{int(self.r() * 10**6):06d}"

    # -- scheduling ----------------------------------------------------------------------------------

    def schedule(self, count: int) -> list[tuple[datetime, _Plan | None]]:
        """Acceptance time and script (None: free story) of every ticket, oldest first."""
        horizon = _horizon_days(count)
        items: list[tuple[datetime, int, _Plan | None]] = []
        for i in range(count):
            plan = _SCRIPTED[i] if i < len(_SCRIPTED) else None
            items.append((self.accepted_at(plan, horizon), i, plan))
        items.sort(key=lambda item: (item[0], item[1]))
        return [(at, plan) for at, _, plan in items]

    def accepted_at(self, plan: _Plan | None, horizon: int) -> datetime:
        cal, today, r = self.cal, self.today, self.r
        one = timedelta(days=1)
        if plan is None:
            # Weighted to recent days: u**1.5 puts about a fifth of a 120-day demo in its last ten days.
            day = today - timedelta(days=int(horizon * r() ** 1.5))
            # The hall is closed on most non-working days; a few intakes (phone, online) still come in.
            while not cal.is_workday(day) and r() < 0.85:
                day -= one
        elif plan.due_soon:
            grade = plan.grade or Grade.BLUE
            soon = (today, cal.next_workday(today))
            day = today
            for back in range(40):
                candidate = today - timedelta(days=back)
                if cal.is_workday(candidate) and cal.due(grade, candidate).due in soon:
                    day = candidate
                    break
        else:
            day = today - timedelta(days=self.ri(*plan.days))
            while day < today and not cal.is_workday(day):
                day -= one
            if plan.overdue:
                # Past its deadline by at least a working day, whatever holidays lie in between.
                while cal.due(plan.grade or Grade.BLUE, day).due >= today - one:
                    day -= one
        at = self.office_time(day)
        if at > self.now:
            at = self.now - timedelta(seconds=self.ri(60, 3600))
        return at

    # -- reporters -----------------------------------------------------------------------------------

    def _reporter_ref(self, kind: str, name: str, company: str, phone: str) -> int:
        # tickets._reporter reuses the row of the same kind, name, company and phone: so does the demo.
        key = (kind, name, company, phone)
        ref = self.reporter_refs.get(key)
        if ref is None:
            self.new_reporters.append({"kind": kind, "name": name, "company": company, "phone": phone})
            self.reporters_made += 1
            ref = self.reporter_refs[key] = -self.reporters_made
        return ref

    def reporter(self, anonymous: bool) -> tuple[int, str]:
        """A reporter reference and its kind; the same person or company now and then comes again.

        A reference >= 1 is a stored id; -k is the k-th reporter this run makes (stored chunk by chunk).
        """
        r = self.r
        if anonymous:
            # register() stores an anonymous report with an empty name and phone, so every anonymous
            # report shares that one row.
            if self.anonymous_ref is None:
                self.anonymous_ref = self._reporter_ref(_PERSON, "", "", "")
            return self.anonymous_ref, _PERSON
        if self.pool and r() < 0.1:
            return self.ch(self.pool)
        if r() < 0.35:
            contact = self.name() if r() < 0.8 else ""
            phone = self.mobile() if r() < 0.7 else self.landline()
            item = (self._reporter_ref(_COMPANY, contact, self.company(), phone), _COMPANY)
        else:
            phone = self.mobile() if r() < 0.93 else self.landline()
            item = (self._reporter_ref(_PERSON, self.name(), "", phone), _PERSON)
        self.pool.append(item)
        if len(self.pool) > 10000:
            # Recent reporters come back more often than old ones; a few thousand to choose from is plenty.
            del self.pool[:5000]
        return item

    def take_new_reporters(self) -> list[dict[str, Any]]:
        """The reporters made since the last call, in reference order, to be stored now."""
        rows, self.new_reporters = self.new_reporters, []
        return rows

    # -- one ticket ----------------------------------------------------------------------------------

    def lead_unit(self) -> _UnitInfo:
        if self.unit_cycle:
            return self.unit_cycle.pop()
        return self.pick(self.unit_names, self.unit_cum)

    def ticket(self, accepted_at: datetime, plan: _Plan | None, number: str, year: int, seq: int) -> _Story:
        story = _Story(self, accepted_at, plan, number, year, seq)
        with contextlib.suppress(_Stop):  # the story simply ends where its next step would be
            story.play()
        return story


def _horizon_days(count: int) -> int:
    """How far back acceptance times go: four months for a few hundred tickets, up to six years."""
    return max(120, min(6 * 365, count // 20))


_PERSON = ReporterKind.PERSON.value
_COMPANY = ReporterKind.COMPANY.value


class _Story:
    """One ticket played through the lifecycle, producing the rows the real services would write."""

    __slots__ = (
        "accepted",
        "assignments",
        "events",
        "form",
        "g",
        "grade",
        "lead",
        "matter",
        "plan",
        "reply_method",
        "requests",
        "row",
        "status",
        "subject",
        "t",
        "unit",
        "window",
    )

    def __init__(
        self, g: _Generator, accepted: datetime, plan: _Plan | None, number: str, year: int, seq: int
    ) -> None:
        self.g = g
        self.plan = plan
        self.accepted = accepted
        self.t = accepted
        self.events: list[dict[str, Any]] = []
        # [unit_id, role, assigned_at, ended_at]; the current lead is the "lead" row with no end.
        self.assignments: list[list[Any]] = []
        self.requests: list[dict[str, Any]] = []  # unit_requests rows: 退单 and 延期申请
        self.lead: _UnitInfo | None = None
        self.status = Status.REGISTERED
        self.grade = Grade.BLUE
        self.form = ComplaintForm.ORAL
        self.reply_method: ReplyMethod | None = None
        self.row: dict[str, Any] = {"number": number, "year": year, "seq": seq, **_ROW_DEFAULTS}

    # -- mechanics shared by every step (the shape of tickets._move / add_event) ------------------

    def when(self, candidate: datetime) -> datetime:
        """The time of the next step; a free story ends when it would be in the future."""
        if candidate > self.g.now:
            if self.plan is None:
                raise _Stop
            # A scripted story must reach its target: squeeze the step in before now.
            candidate = self.g.now
        if candidate < self.t:
            candidate = self.t
        self.t = candidate
        return candidate

    def require(self, action: Action) -> Status | None:
        # The real gate of the services: a demo story can never make a move they would refuse.
        return lifecycle.require(
            action,
            self.status,
            grade=self.grade,
            anonymous=self.row["anonymous"],
            form=self.form,
            reply_method=self.reply_method,
        )

    def event(
        self,
        at: datetime,
        kind: str,
        account: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        note: str = "",
    ) -> None:
        self.events.append(
            {"account_id": account, "at": at, "kind": kind, "before": before, "after": after, "note": note}
        )

    def apply(self, at: datetime, kind: str, account: int, changes: dict[str, Any], note: str) -> None:
        """Record ``changes`` as tickets._move does: before = old values, after = new, dates as ISO text."""
        row = self.row
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key, new in changes.items():
            old = row[key]
            before[key] = old.isoformat() if isinstance(old, _DATES) else old
            after[key] = new.isoformat() if isinstance(new, _DATES) else new
            row[key] = new
        row["updated_at"] = at
        self.event(at, kind, account, before, after, note)

    def move(
        self,
        action: Action,
        kind: str,
        at: datetime,
        account: int,
        changes: dict[str, Any],
        note: str = "",
        overdue: bool = False,
    ) -> None:
        """One service call: the lifecycle gate, then the changes and their event (require + apply inlined,
        as this runs ~600 000 times for a big demo)."""
        row = self.row
        target = lifecycle.require(
            action,
            self.status,
            grade=self.grade,
            anonymous=row["anonymous"],
            form=self.form,
            reply_method=self.reply_method,
            overdue=overdue,
        )
        if target is not None and target is not self.status:
            changes["status"] = _STATUS_VALUES[target]
            self.status = target
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key, new in changes.items():
            old = row[key]
            before[key] = old.isoformat() if isinstance(old, _DATES) else old
            after[key] = new.isoformat() if isinstance(new, _DATES) else new
            row[key] = new
        row["updated_at"] = at
        self.events.append(
            {"account_id": account, "at": at, "kind": kind, "before": before, "after": after, "note": note}
        )
        if self.plan is not None:
            self.check_target()

    def check_target(self) -> None:
        plan = self.plan
        if plan is not None and self.status is plan.target and not self.pending():
            raise _Stop

    def pending(self) -> bool:
        """Scripted side steps not yet played (the story must not stop before them)."""
        plan = self.plan
        assert plan is not None
        return (
            (plan.reassign and not self.did("reassigned"))
            or (plan.grade_change and not self.did("grade_changed"))
            or (plan.escalate and self.row["escalated_at"] is None)
            or (plan.reopen and not self.did("reopened"))
        )

    def did(self, kind: str) -> bool:
        return any(e["kind"] == kind for e in self.events)

    # -- the story -------------------------------------------------------------------------------

    def play(self) -> None:
        g, plan = self.g, self.plan
        r, ri, ch = g.r, g.ri, g.ch

        # Intake: what was reported, by whom, how.
        if plan is None:
            self.grade = g.pick(g.grades, g.grade_cum)
            source = g.pick(g.sources, g.source_cum)
        else:
            self.grade = plan.grade or Grade.BLUE
            source = plan.source or Source.VISIT
        if source is Source.LETTER or source is Source.SUPERIOR:
            written = True
        elif source is Source.ONLINE:
            written = r() < 0.6
        elif source is Source.VISIT:
            written = r() < 0.08  # a visitor who brings a written complaint
        else:
            written = source is Source.OTHER and r() < 0.3
        if plan is not None:
            # An on-the-spot answer is oral: a written complaint would need a written reply first.
            written = (written or plan.written) and plan.path != "spot"
            anonymous = plan.anonymous
            confidential = plan.confidential
        else:
            anonymous = r() < (0.15 if source in _REMOTE_SOURCES else 0.005)
            confidential = not anonymous and r() < 0.05
        self.form = ComplaintForm.WRITTEN if written else ComplaintForm.ORAL

        # The path the window takes: on the spot (blue only), explained at once, or to a unit.
        if plan is None:
            x = r()
            # tickets.resolve_on_spot records a reply, which an anonymous report must never get.
            spot_possible = (
                self.grade is Grade.BLUE and source in _SPOT_SOURCES and not (written or anonymous)
            )
            path = "spot" if spot_possible and x < 0.4 else ("counter" if x > 0.97 else "unit")
        else:
            path = plan.path
        if plan is None and source is Source.SUPERIOR and r() < 0.6:
            category = Category.SUPERIOR_TASK
        else:
            category = g.pick(g.categories, g.category_cum)
        out_of_scope = path == "counter" and r() < 0.6
        unit = g.lead_unit() if path == "unit" else g.pick(g.unit_names, g.unit_cum)
        self.unit = unit
        if unit.name in _SUPERVISORS and g.service_names:
            # The supervisors have no service window: what reaches them is misconduct at another
            # office's window (吃拿卡要 for the discipline commission, unfinished tasks for 督查局).
            category = _SUPERVISORS[unit.name]
            unit = g.pick(g.service_names, g.service_cum)
        self.subject = unit
        self.matter = ch(unit.matters)
        self.window = self.matter + "窗口"
        reporter, kind = g.reporter(anonymous)
        if out_of_scope:
            content = ch(_OUT_OF_SCOPE)
        else:
            content = ch(_CONTENTS[category]).format(
                who="我公司" if kind == _COMPANY else ch(("本人", "我")),
                window=self.window,
                matter=self.matter,
                unit=unit.name,
                n=ri(2, 6),
                mins=ri(20, 90),
                days=ri(5, 40),
                amount=ch((50, 100, 200, 300, 500, 800, 1000, 2000)),
            )
            if written and r() < 0.05:
                # A long letter now and then: screens and slips must cope with thousands of characters.
                content = _long_letter(content, g)

        accepted = self.accepted
        receiver = ch(g.front)
        due, provisional = g.deadline(self.grade, accepted)
        row = self.row
        row.update(
            status=_REGISTERED,
            grade=self.grade.value,
            source=source.value,
            category=None if out_of_scope else category.value,
            form=self.form.value,
            confidential=confidential,
            anonymous=anonymous,
            reporter_id=reporter,
            content=content,
            accepted_at=accepted,
            received_by_id=receiver,
            due_date=due,
            due_provisional=provisional,
            clock_start=accepted,
            updated_at=accepted,
        )
        # tickets.register: the only event without a "before".
        after = {
            "number": row["number"],
            "grade": row["grade"],
            "status": _REGISTERED,
            "due_date": due.isoformat(),
        }
        self.event(accepted, "registered", receiver, None, after)
        self.check_target()

        if plan is None:
            if r() < 0.012:  # entered by mistake
                self.void(self.when(g.later(self.t, ch((0, 0, 1)))), receiver)
                return
            if path == "unit" and r() < 0.01:  # re-graded at intake
                self.change_grade(self.when(g.later(self.t, 0)), receiver)
        elif plan.target is Status.VOIDED:
            self.void(self.when(g.later(self.t, ch((0, 1)))), receiver)
            return
        elif plan.grade_change:
            self.change_grade(self.when(g.later(self.t, 0)), receiver)

        if path == "spot":
            self.on_the_spot(self.when(self.t + _SHORT[int(r() * 2100)]), receiver, source)
            self.after_reply()
        elif path == "counter":
            text = ch(_OUT_OF_SCOPE_EXPLANATIONS if out_of_scope else _POLICY_EXPLANATIONS)
            self.explain(self.when(self.t + _SHORT[int(r() * 2100)]), receiver, text)
            self.after_explain()
        else:
            if source in _SPOT_SOURCES:
                # Dispatched from the intake form while the visitor or caller is still there.
                at = self.t + _SHORT[int(r() * 1200)]
            else:
                x = r()
                at = g.later(self.t, 0 if x < 0.55 else (1 if x < 0.95 else ri(2, 3)))
            self.dispatch(self.when(at), receiver)
            self.handle()

    # -- stages ----------------------------------------------------------------------------------

    def handle(self) -> None:
        """The unit's part: maybe re-graded, returned, escalated; then a result or an explanation."""
        g, plan = self.g, self.plan
        r, ri, ch = g.r, g.ri, g.ch
        if plan is None:
            if r() < 0.015 and not self.did("grade_changed"):
                self.change_grade(self.when(g.later(self.t, ch((0, 1)))), ch(g.back))
            if r() < 0.03:
                self.reassign(self.when(g.later(self.t, ch((1, 1, 2)))))
            if r() < 0.03:
                self.send_back()
            if r() < 0.05 and self.status is Status.DISPATCHED:
                self.extension()
            if r() < 0.004:
                self.void(self.when(g.later(self.t, ch((0, 1, 2)))), ch(g.back))
                return
        elif plan.reassign and not self.did("reassigned"):
            self.reassign(self.when(g.later(self.t, 1)))

        # When the unit answers, in working days from where the deadline is counted.
        days = self.grade.workdays
        x = r()
        if plan is not None and (plan.overdue or plan.target in _AWAITING_TARGETS):
            workdays = days + 40  # never reached: the script stops first
        elif x < 0.08:
            workdays = 0
        elif x < 0.82:
            workdays = ri(1, days)
        elif x < 0.95:
            workdays = days + ri(1, 4)  # late: shows in the overdue notice
        else:
            workdays = days + ri(5, 30)  # stuck for weeks, usually escalated
        answer = g.later(self.row["clock_start"], workdays)
        floor = self.t + _SHORT[int(r() * len(_SHORT))]
        if answer < floor:
            answer = floor

        escalate_at: datetime | None = None
        due_day = self.row["due_date"]
        if plan is not None:
            if plan.escalate:
                escalate_at = g.later(g.office_time(due_day), 1) if plan.overdue else g.later(self.t, 1)
        elif self.grade is Grade.RED and r() < 0.15:
            escalate_at = g.later(self.t, ri(1, 2))  # to the district leaders for a policy decision
        elif self.grade is Grade.YELLOW and r() < 0.08:
            escalate_at = g.later(self.t, ri(2, 3))  # repeated coordination by the hall failed
        elif workdays > days and r() < 0.6:
            escalate_at = g.later(g.office_time(due_day), ri(1, 2))  # overdue: to supervision
        if (
            escalate_at is not None
            and (plan is not None or escalate_at < answer)
            and self.status is Status.DISPATCHED
        ):
            at = self.when(escalate_at)
            overdue = at.date() > due_day
            if self.grade is not Grade.BLUE or overdue:  # blue goes to supervision only when overdue
                self.escalate(at, overdue)

        if (plan is None and r() < 0.04) or (plan is not None and plan.explain_by_unit):
            self.explain(self.when(answer), ch(g.back), ch(_POLICY_EXPLANATIONS))
            self.after_explain()
            return
        self.record_result(self.when(answer))
        self.after_result()

    def after_result(self) -> None:
        g = self.g
        if self.row["anonymous"]:
            # Nobody to reply to: tickets.close accepts a result received for an anonymous report.
            self.close(self.when(g.later(self.t, g.ri(1, 3))))
            self.archive()
            return
        x = g.r()
        self.reply(self.when(g.later(self.t, 0 if x < 0.55 else (1 if x < 0.85 else g.ri(2, 3)))))
        self.after_reply()

    def after_reply(self) -> None:
        g, plan = self.g, self.plan
        r = g.r
        reopen_due = plan is not None and plan.reopen and not self.did("reopened")
        wants_visit = reopen_due or (plan is not None and plan.target is Status.VISITED) or r() < 0.5
        if wants_visit and not self.row["anonymous"]:
            if reopen_due or (
                plan is None and self.lead is not None and r() < 0.05 and not self.did("reopened")
            ):
                level = Satisfaction.UNSATISFIED  # only where a unit can take the case up again
            else:
                level = Satisfaction.SATISFIED if r() < 0.78 else Satisfaction.BASICALLY
            self.visit(self.when(g.later(self.t, g.ri(2, 7))), level)
            if level is Satisfaction.UNSATISFIED:
                self.handle()
                return
            self.close(self.when(g.later(self.t, g.ri(0, 2))))
        else:
            self.close(self.when(g.later(self.t, g.ri(1, 5))))
        self.archive()

    def after_explain(self) -> None:
        g = self.g
        if not self.row["anonymous"] and self.plan is None and g.r() < 0.2:
            level = Satisfaction.SATISFIED if g.r() < 0.6 else Satisfaction.BASICALLY
            self.visit(self.when(g.later(self.t, g.ri(2, 7))), level)
        self.close(self.when(g.later(self.t, g.ri(0, 3))))
        self.archive()

    # -- the steps, one per service of tickets.py ------------------------------------------------

    def dispatch(self, at: datetime, account: int) -> None:
        g = self.g
        lead = self.unit
        co: list[_UnitInfo] = []
        share = 0.45 if self.grade is Grade.YELLOW else (0.3 if self.grade is Grade.RED else 0.0)
        if len(g.units) > 1 and g.r() < share:  # 黄牌: 涉及多个局委
            for _ in range(g.ri(1, 3 if self.grade is Grade.RED else 2)):
                other = g.pick(g.unit_names, g.unit_cum)
                if other.id != lead.id and other not in co:
                    co.append(other)
        due = self.row["due_date"]
        by = f"{due.year}年{due.month:02d}月{due.day:02d}日"
        if co:
            text = f"请{lead.name}牵头，会同{'、'.join(u.name for u in co)}协调解决，于{by}前将办理结果书面反馈窗口。"
        elif self.grade is Grade.RED:
            text = f"涉及政策问题，请{lead.name}研究提出意见报区政府分管领导，于{by}前反馈。"
        else:
            text = f"请于{by}前核实办理，并将办理结果书面反馈“办不成事”反映窗口。"
        self.require(Action.DISPATCH)  # before the assignments are added, as in tickets.dispatch
        self.assignments.append([lead.id, _LEAD, at, None])
        for unit in co:
            self.assignments.append([unit.id, _CO, at, None])
        self.lead = lead
        note = "承办单位：" + lead.name + ("；协办单位：" + "、".join(u.name for u in co) if co else "")
        self.move(
            Action.DISPATCH, "dispatched", at, account, {"dispatched_at": at, "dispatch_note": text}, note
        )
        self.acknowledge()

    def on_the_spot(self, at: datetime, account: int, source: Source) -> None:
        text = self.g.ch(_SPOT_RESULTS).format(window=self.window, matter=self.matter, unit=self.subject.name)
        method = ReplyMethod.PHONE if source is Source.PHONE else ReplyMethod.ORAL
        changes = {
            "on_the_spot": True,
            "result_text": text,
            "result_at": at,
            "reply_method": method.value,
            "reply_text": text,
            "reply_at": at,
        }
        self.reply_method = method
        self.move(Action.RESOLVE_ON_SPOT, "resolved_on_spot", at, account, changes)

    def record_result(self, at: datetime) -> None:
        g = self.g
        lead = self.lead
        assert lead is not None
        changes = {
            "result_text": g.ch(_RESULTS).format(matter=self.matter),
            "result_signer": g.name(),
            "result_phone": lead.phone or g.landline(),
            "result_at": at,
        }
        self.move(Action.RECORD_RESULT, "result_recorded", at, g.ch(g.back), changes)

    def reply(self, at: datetime) -> None:
        g = self.g
        if self.form is ComplaintForm.WRITTEN:
            method = ReplyMethod.WRITTEN  # section 三(六): a written complaint gets a written reply
        else:
            method = ReplyMethod.PHONE if g.r() < 0.7 else ReplyMethod.ORAL
        changes = {"reply_method": method.value, "reply_text": g.ch(_REPLIES[method]), "reply_at": at}
        self.move(Action.REPLY, "replied", at, g.ch(g.front), changes)
        self.reply_method = method

    def visit(self, at: datetime, level: Satisfaction) -> None:
        g = self.g
        account = g.ch(g.front)
        changes = {
            "visit_at": at,
            "visit_notes": g.ch(_VISIT_NOTES[level]),
            "visit_by": g.operator_names[account],
            "satisfaction": level.value,
        }
        self.move(Action.VISIT, "visited", at, account, changes)
        if level is Satisfaction.UNSATISFIED:
            self.reopen(at, account)

    def reopen(self, at: datetime, account: int) -> None:
        # tickets._reopen, at the moment of the visit: back to the lead unit (or to registered),
        # the result and the reply cleared, the deadline counted afresh. It has no Action of its own.
        due, provisional = self.g.deadline(self.grade, at)
        target = Status.DISPATCHED if self.lead is not None else Status.REGISTERED
        changes: dict[str, Any] = {
            "clock_start": at,
            "due_date": due,
            "due_provisional": provisional,
            "on_the_spot": False,
            "result_text": "",
            "result_signer": "",
            "result_phone": "",
            "result_at": None,
            "reply_method": None,
            "reply_text": "",
            "reply_at": None,
            "explanation": "",
            "status": target.value,
        }
        self.status = target
        self.reply_method = None
        self.apply(at, "reopened", account, changes, "回访不满意，重新办理")
        self.check_target()

    def close(self, at: datetime) -> None:
        g = self.g
        note = g.ch(_CLOSE_NOTES)
        if self.row["anonymous"] and not self.row["reply_at"]:
            note = ANONYMOUS_CLOSE_NOTE + ("；" + note if note else "")
        self.move(Action.CLOSE, "closed", at, g.ch(g.back), {"closed_at": at, "close_note": note})

    def archive(self) -> None:
        # The back office archives the previous month's closed cases in the first days of a month.
        g = self.g
        closed = self.t.date()
        first_of_next = (closed.replace(day=28) + timedelta(days=4)).replace(day=1)
        day = g.workdays_after(first_of_next - timedelta(days=1), g.ri(1, 5))
        at = self.when(g.office_time(day))
        self.move(Action.ARCHIVE, "archived", at, g.ch(g.back), {"archived_at": at})

    def explain(self, at: datetime, account: int, text: str) -> None:
        changes: dict[str, Any] = {"explanation": text}
        if text in self.g.library:
            changes["explanation_id"] = self.g.library[text]
        if not self.row["anonymous"]:
            if self.form is ComplaintForm.WRITTEN:
                method = ReplyMethod.WRITTEN
            else:
                method = ReplyMethod.ORAL if self.lead is None else ReplyMethod.PHONE
            changes.update(reply_method=method.value, reply_text=text, reply_at=at)
            self.reply_method = method
        self.move(Action.EXPLAIN, "explained", at, account, changes)

    def escalate(self, at: datetime, overdue: bool) -> None:
        to = lifecycle.escalation_target(self.grade, overdue)
        if self.grade is Grade.RED:
            note = "涉及政策需研究，提交区政府相关领导研究解决"
        elif overdue:
            note = "承办单位超期未办结，移交督办"
        else:
            note = "经大厅多次协调仍未解决，移交区纪委监委和督查局督办"
        changes = {"escalated_to": to, "escalated_at": at}
        self.move(Action.ESCALATE, "escalated", at, self.g.ch(self.g.back), changes, note, overdue)

    def reassign(self, at: datetime) -> None:
        g = self.g
        current = self.lead
        if len(g.units) < 2 or current is None:
            return
        new = current
        while new.id == current.id:
            new = g.pick(g.unit_names, g.unit_cum)
        self.require(Action.REASSIGN)
        # tickets.reassign ends the lead and, if the new unit was a co-unit, that co-assignment too.
        for item in self.assignments:
            if item[3] is None and (item[1] == _LEAD or item[0] == new.id):
                item[3] = at
        self.assignments.append([new.id, _LEAD, at, None])
        self.lead = new
        due, provisional = g.deadline(self.grade, at)
        note = f"由“{current.name}”改派至“{new.name}”：{g.ch(_REASSIGN_REASONS)}"
        changes = {
            "clock_start": at,
            "due_date": due,
            "due_provisional": provisional,
            "acknowledged_at": None,
            "acknowledged_by": "",
            "acknowledged_how": None,
        }
        self.move(Action.REASSIGN, "reassigned", at, g.ch(g.back), changes, note)
        self.acknowledge()

    def acknowledge(self) -> None:
        """Most units sign for the slip the same or the next working day; some never do."""
        g = self.g
        lead = self.lead
        if lead is None or g.r() < 0.06:
            return
        x = g.r()
        at = self.when(
            g.later(self.t, 0 if x < 0.6 else (1 if x < 0.93 else g.ri(2, 3))) + _SHORT[int(g.r() * 1200)]
        )
        how, label = g.ch(_ACK_HOW)
        by = g.name()
        changes = {"acknowledged_at": at, "acknowledged_by": by, "acknowledged_how": how}
        self.move(
            Action.ACKNOWLEDGE, "acknowledged", at, g.ch(g.back), changes, f"{lead.name}签收（{label}，{by}）"
        )

    def request(self, kind: str, at: datetime, **fields: Any) -> dict[str, Any]:
        lead = self.lead
        assert lead is not None
        row = {
            "unit_id": lead.id,
            "kind": kind,
            "grounds": "",
            "reason": "",
            "days": 0,
            "requested_by": self.g.name(),
            "requested_at": at,
            "due_before": self.row["due_date"],
            "decision": None,
            "decided_at": None,
            "decided_by_id": None,
            "decision_note": "",
            "due_after": None,
            "new_unit_id": None,
            "notified_how": None,
            "notified_at": None,
        }
        row.update(fields)
        self.requests.append(row)
        return row

    def send_back(self) -> None:
        """退单 before the deadline; the window rules a working day later (or it is still waiting)."""
        g = self.g
        lead = self.lead
        due = self.row["due_date"]
        if lead is None or due is None:
            return
        at = self.when(g.later(self.t, g.ri(0, 1)) + _SHORT[int(g.r() * 1200)])
        if at.date() > due:
            return
        grounds, label, reason = g.ch(_SEND_BACKS)
        request = self.request("send_back", at, grounds=grounds, reason=reason)
        self.move(
            Action.SEND_BACK,
            "sent_back",
            at,
            g.ch(g.back),
            {"pending": "send_back"},
            f"{lead.name}退单：{label}，{reason}",
        )
        ruled = self.when(g.later(at, g.ri(1, 3)))  # the last few are still waiting now
        account = g.ch(g.back)
        request.update(decided_at=ruled, decided_by_id=account)
        if g.r() < 0.5:
            request.update(decision="rejected", decision_note="经核实属该单位职责，应予办理")
            self.apply(
                ruled,
                "send_back_rejected",
                account,
                {"pending": None},
                f"退单（{label}）不予认可，仍由“{lead.name}”办理，办理期限不变：经核实属该单位职责，应予办理",
            )
            return
        request["decision"] = "reassigned"
        self.apply(ruled, "send_back_ruled", account, {"pending": None}, f"退单（{label}）予以认可，改派")
        self.reassign(ruled)
        request["new_unit_id"] = self.lead.id if self.lead is not None else None

    def extension(self) -> None:
        """延期申请 before the deadline, approved (the reporter told by phone) or refused."""
        g = self.g
        lead = self.lead
        due = self.row["due_date"]
        if lead is None or due is None:
            return
        at = self.when(g.later(self.t, g.ri(0, 2)) + _SHORT[int(g.r() * 1200)])
        if at.date() > due:
            return
        days, reason = g.ri(2, 5), g.ch(_EXTENSION_REASONS)
        request = self.request("extension", at, reason=reason, days=days)
        self.move(
            Action.REQUEST_EXTENSION,
            "extension_requested",
            at,
            g.ch(g.back),
            {"pending": "extension"},
            f"{lead.name}申请延期 {days} 个工作日：{reason}",
        )
        decided = self.when(g.later(at, g.ri(1, 3)))
        account = g.ch(g.back)
        request.update(decided_at=decided, decided_by_id=account)
        if g.r() < 0.25:
            request.update(decision="refused", decision_note="期限内可以办结")
            self.apply(decided, "extension_refused", account, {"pending": None}, "不批准延期：期限内可以办结")
            return
        moved = g.cal.add_workdays(due, days)  # as unit_side.decide_extension: from the old due date
        new_due = moved.due
        told = "none" if self.row["anonymous"] else "phone"
        request.update(decision="approved", due_after=new_due, notified_how=told, notified_at=decided)
        self.apply(
            decided,
            "extension_approved",
            account,
            {"pending": None, "due_date": new_due, "due_provisional": moved.provisional},
            f"批准延期 {days} 个工作日：办理期限由 {due.year}年{due.month}月{due.day}日 延至 "
            f"{new_due.year}年{new_due.month}月{new_due.day}日；"
            + ("匿名反映，无法告知反映人" if told == "none" else "已电话告知反映人"),
        )

    def change_grade(self, at: datetime, account: int) -> None:
        g = self.g
        new = g.ch([x for x in _GRADES if x is not self.grade])
        # The deadline is recomputed from where the clock started, with the new number of days.
        due, provisional = g.deadline(new, self.row["clock_start"])
        self.require(Action.CHANGE_GRADE)
        self.grade = new
        changes = {"grade": new.value, "due_date": due, "due_provisional": provisional}
        self.move(Action.CHANGE_GRADE, "grade_changed", at, account, changes, _GRADE_REASONS[new])

    def void(self, at: datetime, account: int) -> None:
        reason = self.g.ch(_VOID_REASONS)
        self.move(Action.VOID, "voided", at, account, {"voided_at": at, "void_reason": reason})


_REGISTERED = Status.REGISTERED.value
_STATUS_VALUES = {status: status.value for status in Status}
_LEAD = AssignmentRole.LEAD.value
_CO = AssignmentRole.CO.value
_GRADES = (Grade.BLUE, Grade.YELLOW, Grade.RED)  # the order the demo has always drawn from
_REMOTE_SOURCES = frozenset({Source.PHONE, Source.ONLINE, Source.LETTER})
_SPOT_SOURCES = frozenset({Source.VISIT, Source.PHONE})
_AWAITING_TARGETS = frozenset({Status.DISPATCHED, Status.ESCALATED})


def _long_letter(opening: str, g: _Generator) -> str:
    paragraphs = (
        "具体经过如下：当天上午九点到达政务服务中心，取号后等候一个多小时，轮到办理时被告知材料不全，"
        "但此前电话咨询时窗口并未告知需要该项材料。",
        "次日补齐材料再次前往，窗口又以负责审核的同志外出为由让回去等通知，此后多次电话询问均无明确答复。",
        "该事项直接影响正常生产经营，员工工资发放和项目进度均受到影响，恳请有关部门督促尽快办理，"
        "并对相关工作人员的工作作风予以整改。",
    )
    # Numbered supplements bring the letter to a few thousand characters, as real letters run.
    extra = [f"补充说明{i}：{g.ch(paragraphs)}" for i in range(1, g.ri(8, 20))]
    return "\n\n".join((opening, *paragraphs, *extra, "以上情况属实，特此反映。"))


# ---------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------


def _units(session: Session) -> list[_UnitInfo]:
    """The active units of the directory (never invented: the demo only uses what is there)."""
    rows = session.execute(
        select(Unit.id, Unit.name, Unit.phone).where(Unit.active.is_(True)).order_by(Unit.sort_order, Unit.id)
    ).all()
    units = []
    for unit_id, name, phone in rows:
        try:
            phone = normalize_phone(phone or "", required=False)
        except ValidationError:
            phone = ""  # a malformed directory phone is not copied into results
        units.append(_UnitInfo(unit_id, name, phone, _MATTERS.get(name, _GENERIC_MATTERS)))
    return units


def _reserve_numbers(conn: Connection, counts: Counter[int]) -> dict[int, int]:
    """Take ``counts[year]`` sequence numbers per year; returns the first of each year's block.

    As in numbering.allocate the UPDATE comes first, so the row is locked before it is read. The
    block also starts after any stored ticket of that year, so that a number is never reused even
    if number_sequences has fallen behind the tickets table.
    """
    sequences = NumberSequence.__table__
    tickets = Ticket.__table__
    starts: dict[int, int] = {}
    for year in sorted(counts):
        count = counts[year]
        bumped = conn.execute(
            update(sequences).where(sequences.c.year == year).values(last_seq=sequences.c.last_seq + count)
        ).rowcount
        used = conn.scalar(select(func.max(tickets.c.seq)).where(tickets.c.year == year)) or 0
        if bumped:
            last = conn.scalar(select(sequences.c.last_seq).where(sequences.c.year == year))
            assert last is not None
            if last - count < used:
                last = used + count
                conn.execute(update(sequences).where(sequences.c.year == year).values(last_seq=last))
        else:
            last = used + count
            conn.execute(insert(sequences).values(year=year, last_seq=last))
        starts[year] = last - count + 1
    return starts


def _store_reporters(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new reporters; their ids in the order of ``rows``.

    Read back by content rather than with RETURNING: SQLAlchemy can only keep RETURNING in
    parameter order on SQLite by inserting one row per statement, which is ten times slower.
    The rows are distinct by (kind, name, company, phone), and a concurrent identical row is
    the same reporter anyway.
    """
    if not rows:
        return []
    table = Reporter.__table__
    mark = conn.scalar(select(func.max(table.c.id))) or 0
    conn.execute(insert(table), rows)
    found = {
        (kind, name, company, phone): rid
        for rid, kind, name, company, phone in conn.execute(
            select(table.c.id, table.c.kind, table.c.name, table.c.company, table.c.phone).where(
                table.c.id > mark
            )
        )
    }
    return [found[(r["kind"], r["name"], r["company"], r["phone"])] for r in rows]


def _store_tickets(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert tickets; their ids in the order of ``rows``, read back by (year, seq), which is unique."""
    table = Ticket.__table__
    conn.execute(insert(table), rows)
    ids: dict[tuple[int, int], int] = {}
    years: dict[int, list[int]] = {}
    for row in rows:
        years.setdefault(row["year"], []).append(row["seq"])
    for year, seqs in years.items():
        query = select(table.c.id, table.c.seq).where(
            table.c.year == year, table.c.seq.between(min(seqs), max(seqs))
        )
        ids.update(((year, seq), tid) for tid, seq in conn.execute(query))
    return [ids[(row["year"], row["seq"])] for row in rows]


def generate(db: Database, count: int, ctx: Context, *, seed: int | None = None) -> list[str]:
    """Add ``count`` demo tickets with their whole history; returns their numbers, oldest first.

    One transaction: either every ticket is stored or none. The same ``seed`` on the same database
    at the same clock gives the same data; the number of tickets already stored is mixed into the
    seed, so that a second run adds new people instead of repeating the first run's.
    """
    if count < 0:
        raise ValidationError("演示工单数量不能为负数")
    if count == 0:
        return []
    # Millions of short-lived dicts and no reference cycles: the cyclic collector would walk the
    # growing heap again and again for nothing (about a tenth of the run time of a big demo).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(db, count, ctx, seed)
    finally:
        if collecting:
            gc.enable()


def _generate(db: Database, count: int, ctx: Context, seed: int | None) -> list[str]:
    now = ctx.clock.now()
    numbers: list[str] = []
    with db.engine.begin() as conn, Session(bind=conn) as session, deferred_search_index(conn):
        require(
            session, ctx, Permission.ADMIN
        )  # fake tickets in a database that has accounts: an administrator's call
        mark = highest_event_id(conn)
        calendar = load_calendar(session)
        pattern = check_number_pattern(get_setting(session, "number_pattern"))
        district = get_setting(session, "district")
        units = _units(session)
        if not units:
            raise ValidationError("单位名录中没有在用的承办单位，无法生成演示数据")
        existing = session.scalar(select(func.count()).select_from(Ticket)) or 0
        rng = random.Random(f"{seed}:{existing}") if seed is not None else random.Random()
        # The demo operators exist from before the oldest demo ticket, as real accounts would.
        since = now - timedelta(days=_horizon_days(count) + 30)
        operators = {name: account_for(session, name, since).id for name in (*FRONT_DESK, *BACK_OFFICE)}
        me = account_for(session, ctx.operator, now).id
        anonymous = session.scalar(
            select(Reporter.id)
            .where(
                Reporter.kind == _PERSON, Reporter.name == "", Reporter.company == "", Reporter.phone == ""
            )
            .order_by(Reporter.id)
            .limit(1)
        )
        session.flush()  # the ORM's writes (accounts) go first: the Core rows below refer to them

        gen = _Generator(rng, calendar, now, units, operators, district, anonymous)
        gen.library = _seed_library(session, now)
        schedule = gen.schedule(count)
        starts = _reserve_numbers(conn, Counter(at.year for at, _ in schedule))

        reporter_ids: list[int] = []  # of the reporters this run made, by reference -1, -2, …
        assignment_insert = insert(Assignment.__table__)
        event_insert = insert(Event.__table__)
        for begin in range(0, count, CHUNK):
            stories: list[_Story] = []
            for accepted, plan in schedule[begin : begin + CHUNK]:
                year = accepted.year
                seq = starts[year]
                starts[year] = seq + 1
                number = pattern.format(year=year, seq=seq)
                numbers.append(number)
                stories.append(gen.ticket(accepted, plan, number, year, seq))

            reporter_ids.extend(_store_reporters(conn, gen.take_new_reporters()))
            ticket_rows = []
            for story in stories:
                ref = story.row["reporter_id"]
                if ref < 0:
                    story.row["reporter_id"] = reporter_ids[-ref - 1]
                ticket_rows.append(story.row)
            ticket_ids = _store_tickets(conn, ticket_rows)

            assignment_rows = []
            event_rows = []
            request_rows = []
            for ticket_id, story in zip(ticket_ids, stories, strict=True):
                for request in story.requests:
                    request_rows.append({"ticket_id": ticket_id, **request})
                for unit_id, role, assigned_at, ended_at in story.assignments:
                    assignment_rows.append(
                        {
                            "ticket_id": ticket_id,
                            "unit_id": unit_id,
                            "role": role,
                            "assigned_at": assigned_at,
                            "ended_at": ended_at,
                        }
                    )
                for event in story.events:
                    event["ticket_id"] = ticket_id
                    event_rows.append(event)
            if assignment_rows:
                conn.execute(assignment_insert, assignment_rows)
            if request_rows:
                conn.execute(insert(UnitRequest.__table__), request_rows)
            conn.execute(event_insert, event_rows)

        # Generating demo data is itself a change to the database: recorded, without a ticket.
        summary = {"tickets": count, "seed": seed, "first": numbers[0], "last": numbers[-1]}
        conn.execute(
            event_insert,
            [
                {
                    "ticket_id": None,
                    "account_id": me,
                    "at": now,
                    "kind": "demo_generated",
                    "before": None,
                    "after": summary,
                    "note": f"生成演示数据{count}件",
                }
            ],
        )
        seal(conn, after_id=mark)  # into the audit chain, like every other write
    return numbers
