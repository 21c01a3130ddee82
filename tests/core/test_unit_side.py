"""The unit's side of the loop through the core, on a real database: acknowledgement, send-back ruled
both ways, extension (over a holiday week, into a year the calendar does not know, refused, too
late), urging — each transition and its refusals; a refusal changes nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core import unit_side as u
from bbc_desktop.core.errors import TransitionError, ValidationError
from bbc_desktop.core.permissions import ROLE_PERMISSIONS, Permission, Role
from bbc_desktop.db.models import Event, Unit, UnitRequest, Urge


def _dispatched(db, ctx, grade="yellow", unit="区自然资源局", **more) -> str:  # type: ignore[no-untyped-def]
    values = {
        "content": "不动产登记窗口以系统故障为由拒收材料，已往返三次。",
        "name": "张三",
        "phone": "13812345678",
        "grade": grade,
        "lead_unit": unit,
    }
    with db.session() as s:
        return t.register(s, ctx, t.Intake(**(values | more))).number


def _kinds(db, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return [e.kind for e in t.get_ticket(s, number).events]


def _unchanged(db, number: str, step) -> str:  # type: ignore[no-untyped-def]
    """Run a step that must be refused; return its message after checking nothing changed."""
    with db.session() as s:
        events = s.scalar(select(func.count()).select_from(Event))
        requests = s.scalar(select(func.count()).select_from(UnitRequest))
        version = t.get_ticket(s, number).version
    with pytest.raises((TransitionError, ValidationError)) as refused, db.session() as s:
        step(s)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == events
        assert s.scalar(select(func.count()).select_from(UnitRequest)) == requests
        assert t.get_ticket(s, number).version == version
    return refused.value.message


def test_acknowledgement_is_recorded_once_and_reset_by_a_reassignment(db, ctx, clock):
    number = _dispatched(db, ctx)
    clock.set(datetime(2026, 11, 23, 15, 0))
    assert "签收方式" in _unchanged(db, number, lambda s: u.acknowledge(s, ctx, number, how="fax"))
    with db.session() as s:
        ticket = u.acknowledge(s, ctx, number, by="李联络", how="电话确认")
        assert (ticket.acknowledged_at, ticket.acknowledged_by, ticket.acknowledged_how) == (
            datetime(2026, 11, 23, 15, 0),
            "李联络",
            "phone",
        )
    assert _kinds(db, number)[-1] == "acknowledged"
    assert "已签收" in _unchanged(db, number, lambda s: u.acknowledge(s, ctx, number))
    with db.session() as s:
        t.reassign(s, ctx, number, "区住建局", "属地调整")
    with db.session() as s:
        assert t.get_ticket(s, number).acknowledged_at is None  # the new unit signs for its own slip
        u.acknowledge(s, ctx, number, how="scan")
    with db.session() as s:
        registered = t.register(s, ctx, t.Intake(content="窗口推诿", name="李四", phone="13912345678")).number
    assert "已受理" in _unchanged(db, registered, lambda s: u.acknowledge(s, ctx, registered))


def test_a_send_back_ruled_by_reassigning_keeps_the_acceptance_and_counts_for_the_sender(db, ctx, clock):
    number = _dispatched(db, ctx, grade="yellow")  # accepted Mon 2026-11-23 09:30, due Mon 11-30
    clock.set(datetime(2026, 11, 25, 10, 0))
    with db.session() as s:
        ticket = u.send_back(s, ctx, number, "属地不符", "该地块属柏庄镇管辖", by="王经办")
        assert ticket.pending == "send_back"
    # While it waits for the ruling, the case does not move on.
    message = _unchanged(
        db, number, lambda s: t.record_result(s, ctx, number, "已办结", "赵局长", "0372-1234567")
    )
    assert "退单尚待审定" in message
    assert "退单尚待审定" in _unchanged(
        db, number, lambda s: u.request_extension(s, ctx, number, 3, "需现场踏勘")
    )
    clock.set(datetime(2026, 11, 26, 9, 0))  # Thursday
    with db.session() as s:
        ticket = u.rule_send_back(s, ctx, number, unit="柏庄镇", note="属地为柏庄镇")
        assert ticket.pending is None and ticket.status == "dispatched"
        assert t.lead_assignment(ticket).unit.name == "柏庄镇"
        # Counted afresh from the reassignment: Thu 11-26 + 5 working days = Thu 12-03.
        assert ticket.due_date == date(2026, 12, 3) and ticket.clock_start == datetime(2026, 11, 26, 9, 0)
        assert ticket.accepted_at == datetime(2026, 11, 23, 9, 30)  # the acceptance stays on record
        request = s.scalar(select(UnitRequest))
        assert (request.unit.name, request.grounds, request.decision, request.new_unit.name) == (
            "区自然资源局",
            "territory",
            "reassigned",
            "柏庄镇",
        )
    assert _kinds(db, number)[-3:] == ["sent_back", "send_back_ruled", "reassigned"]
    assert "没有待审定的退单" in _unchanged(
        db, number, lambda s: u.rule_send_back(s, ctx, number, note="再审")
    )


def test_a_send_back_rejected_leaves_the_unit_and_its_clock(db, ctx, clock):
    number = _dispatched(db, ctx, grade="blue")  # due Thu 2026-11-26
    with db.session() as s:
        u.acknowledge(s, ctx, number)
        u.send_back(s, ctx, number, "overlap")
    assert "审定意见" in _unchanged(
        db, number, lambda s: u.rule_send_back(s, ctx, number)
    )  # a reason is owed
    with db.session() as s:
        ticket = u.rule_send_back(s, ctx, number, note="系该局法定职责，应予办理")
        assert ticket.pending is None and ticket.due_date == date(2026, 11, 26)
        assert t.lead_assignment(ticket).unit.name == "区自然资源局"
        assert ticket.acknowledged_at is not None  # still the same unit's slip
        assert s.scalar(select(UnitRequest.decision)) == "rejected"
    assert _kinds(db, number)[-1] == "send_back_rejected"


def test_send_back_and_extension_must_come_before_the_deadline(db, ctx, clock):
    number = _dispatched(db, ctx, grade="blue")  # due Thu 2026-11-26
    clock.set(datetime(2026, 11, 26, 17, 0))  # the due day itself: still in time
    with db.session() as s:
        u.request_extension(s, ctx, number, 2, "需调取档案")
        u.decide_extension(s, ctx, number, False, "档案可当日调取")
    clock.set(datetime(2026, 11, 27, 9, 0))  # the day after
    message = _unchanged(db, number, lambda s: u.send_back(s, ctx, number, "other", "不属本单位"))
    assert "办理期限（2026年11月26日）已过" in message and "不能再退单" in message
    message = _unchanged(db, number, lambda s: u.request_extension(s, ctx, number, 2, "需调取档案"))
    assert "不能再延期申请" in message and "期限届满前" in message
    assert "理由为“其他”" not in message
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(UnitRequest)) == 1


def test_other_grounds_need_words_and_the_days_are_bounded(db, ctx):
    number = _dispatched(db, ctx)
    assert "退单说明" in _unchanged(db, number, lambda s: u.send_back(s, ctx, number, "other"))
    assert "退单理由" in _unchanged(db, number, lambda s: u.send_back(s, ctx, number, "不想办"))
    for days in (0, -1, 31):
        assert "1–30" in _unchanged(
            db, number, lambda s, d=days: u.request_extension(s, ctx, number, d, "理由")
        )
    assert "延期理由" in _unchanged(db, number, lambda s: u.request_extension(s, ctx, number, 3, "  "))


def test_an_extension_over_the_national_day_week(db, ctx, clock):
    clock.set(datetime(2026, 9, 25, 10, 0))  # Friday, the Mid-autumn holiday
    number = _dispatched(db, ctx, grade="blue")  # 9-28, 9-29, 9-30 → due Wed 2026-09-30
    with db.session() as s:
        assert t.get_ticket(s, number).due_date == date(2026, 9, 30)
    clock.set(datetime(2026, 9, 29, 10, 0))
    with db.session() as s:
        assert u.request_extension(s, ctx, number, 3, "涉及多部门会商").pending == "extension"
    message = _unchanged(db, number, lambda s: u.decide_extension(s, ctx, number, True))
    assert "告知反映人" in message
    with db.session() as s:
        ticket = u.decide_extension(s, ctx, number, True, "同意", notified="phone")
        # Oct 1–7 off; Thu 10-8, Fri 10-9, Sat 10-10 (a make-up working day): due Sat 2026-10-10.
        assert ticket.due_date == date(2026, 10, 10) and ticket.due_provisional is False
        assert ticket.pending is None
        request = s.scalar(select(UnitRequest))
        assert (request.decision, request.due_before, request.due_after, request.notified_how) == (
            "approved",
            date(2026, 9, 30),
            date(2026, 10, 10),
            "phone",
        )
    with db.session() as s:
        note = t.get_ticket(s, number).events[-1].note
    assert "由 2026年9月30日 延至 2026年10月10日" in note and "已电话告知反映人" in note


def test_an_extension_into_a_year_the_calendar_does_not_know_is_provisional(db, ctx, clock):
    clock.set(datetime(2026, 12, 24, 10, 0))  # Thursday
    number = _dispatched(db, ctx, grade="blue")  # 12-25, 12-28, 12-29 → due Tue 2026-12-29
    with db.session() as s:
        u.request_extension(s, ctx, number, 5, "年底集中办理")
        ticket = u.decide_extension(s, ctx, number, True, notified="written")
        # Wed 12-30, Thu 12-31, (Fri 1-1 New Year, a fixed-date holiday), Mon 1-4, Tue 1-5, Wed 1-6.
        assert ticket.due_date == date(2027, 1, 6) and ticket.due_provisional is True


def test_an_anonymous_report_needs_no_notification_and_a_refusal_needs_a_reason(db, ctx):
    number = _dispatched(db, ctx, anonymous=True, name="", phone="")
    with db.session() as s:
        u.request_extension(s, ctx, number, 2, "等待鉴定")
    assert "审批意见" in _unchanged(db, number, lambda s: u.decide_extension(s, ctx, number, False))
    with db.session() as s:
        ticket = u.decide_extension(s, ctx, number, True)
        assert s.scalar(select(UnitRequest.notified_how)) == "none"
        assert ticket.due_date == date(2026, 12, 2)  # Mon 11-30 + Tue 12-1, Wed 12-2
    assert "没有待审批的延期申请" in _unchanged(
        db, number, lambda s: u.decide_extension(s, ctx, number, True)
    )


def test_who_may_decide_an_extension():
    assert Permission.APPROVE_EXTENSION in ROLE_PERMISSIONS[Role.BACK_OFFICE]
    assert Permission.APPROVE_EXTENSION in ROLE_PERMISSIONS[Role.LEADER]
    assert Permission.APPROVE_EXTENSION not in ROLE_PERMISSIONS[Role.FRONT_DESK]


def test_urging_records_each_urge_with_the_deputy_and_counts_them(db, ctx, clock):
    number = _dispatched(db, ctx, grade="blue")  # due Thu 2026-11-26
    with db.session() as s:
        s.scalar(select(Unit).where(Unit.name == "区自然资源局")).deputy = "周副局长"
    clock.set(datetime(2026, 11, 27, 9, 0))  # overdue by one working day
    with db.session() as s:
        letter = u.urge_letter(s, ctx, t.get_ticket(s, number), "overdue")
        assert (letter.unit, letter.deputy, letter.late_workdays, letter.times) == (
            "区自然资源局",
            "周副局长",
            1,
            1,
        )
        assert letter.reply_by == date(2026, 12, 1)  # Fri 11-27 + 2 working days
    with db.session() as s:
        assert u.urge_letter(s, ctx, t.get_ticket(s, number)).times == 2
        urges = s.scalars(select(Urge).order_by(Urge.id)).all()
        assert [(x.kind, x.copied_to, x.due_date) for x in urges] == [
            ("overdue", "周副局长", date(2026, 11, 26)),
            ("manual", "周副局长", date(2026, 11, 26)),
        ]
    assert _kinds(db, number)[-2:] == ["urged", "urged"]
    with db.session() as s:
        closed = t.register(s, ctx, t.Intake(content="窗口推诿", name="李四", phone="13912345678")).number
    assert "不能催办" in _unchanged(db, closed, lambda s: u.urge(s, ctx, closed))


def test_a_voided_ticket_with_a_pending_request_leaves_no_request_waiting(db, ctx):
    number = _dispatched(db, ctx)
    with db.session() as s:
        u.send_back(s, ctx, number, "ownership")
        t.void(s, ctx, number, "重复录入")
    with db.session() as s:
        ticket = t.get_ticket(s, number)
        assert ticket.pending is None
        assert s.scalar(select(UnitRequest.decision)) == "voided"


def test_staged_reminders_urge_the_day_after_and_escalate_five_working_days_later(db, ctx, clock):
    from bbc_desktop.core.lifecycle import SUPERVISION
    from bbc_desktop.printing.documents import urge_pdf

    number = _dispatched(db, ctx, grade="blue")  # due Thu 2026-11-26
    other = _dispatched(db, ctx, grade="red")  # due 12-07: not late in this test
    with db.session() as s:
        u.urge(s, ctx, number)  # urged by hand before the deadline: not the overdue notice
        assert u.urge_due(s, date(2026, 11, 26)) == []  # due today: not yet
        assert u.urge_due(s, date(2026, 11, 27)) == [number]  # the working day after
    clock.set(datetime(2026, 11, 27, 9, 0))
    with db.session() as s:
        assert urge_pdf(s, ctx, u.urge_due(s, clock.today()), "overdue").startswith(b"%PDF")
    with db.session() as s:
        calendar = t.load_calendar(s)
        assert u.urge_due(s, clock.today()) == []  # urged once for this deadline
        # Urged Fri 11-27; five working days later is Fri 12-04.
        assert u.escalation_due(s, date(2026, 12, 3), calendar) == []
        assert u.escalation_due(s, date(2026, 12, 4), calendar) == [number]
    clock.set(datetime(2026, 12, 4, 9, 0))
    message = _unchanged(db, other, lambda s: u.escalate_overdue(s, ctx, [other]))
    assert "不在应移交督办之列" in message
    with db.session() as s:
        assert u.escalate_overdue(s, ctx, [number]) == [number]
    with db.session() as s:
        ticket = t.get_ticket(s, number)
        assert (ticket.status, ticket.escalated_to) == ("escalated", SUPERVISION)
        assert "催办后 5 个工作日仍未办结" in ticket.events[-1].note
        assert u.escalation_due(s, clock.today(), t.load_calendar(s)) == []


def test_an_approved_extension_needs_a_new_overdue_notice(db, ctx, clock):
    number = _dispatched(db, ctx, grade="blue")  # due Thu 11-26
    clock.set(datetime(2026, 11, 26, 9, 0))
    with db.session() as s:
        u.request_extension(s, ctx, number, 1, "补充材料")
        u.decide_extension(s, ctx, number, True, notified="phone")  # due Fri 11-27
    with db.session() as s:
        assert u.urge_due(s, date(2026, 11, 27)) == []
        assert u.urge_due(s, date(2026, 11, 30)) == [number]
