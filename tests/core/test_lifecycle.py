"""The whole lifecycle, side paths included, driven through the core services on a real database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core.domain import Status
from bbc_desktop.core.errors import BbcError, NotFound, TransitionError, ValidationError
from bbc_desktop.core.lifecycle import DISTRICT_LEADERS, SUPERVISION, Action, allowed_actions
from bbc_desktop.db.models import Assignment, Event, NumberSequence, Ticket
from bbc_desktop.io.json_io import export_data


def intake(session, ctx, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "content": "到不动产登记窗口办理过户，材料齐全但窗口以系统故障为由拒收，已往返三次。",
        "grade": "blue",
        "name": "张𠮷",
        "phone": "138-1234-5678",
        "lead_unit": "区自然资源局",
    }
    values.update(overrides)
    return t.register(session, ctx, t.Intake(**values))


def events(ticket: Ticket) -> list[str]:
    return [e.kind for e in ticket.events]


def test_main_path_from_intake_to_archive(db, ctx, clock):
    with db.session() as s:
        ticket = intake(s, ctx, grade="yellow", co_units=("区住建局",), dispatch_note="请牵头协调")
        number = ticket.number
        assert number == "BBC-2026-0001"
        assert ticket.status == Status.DISPATCHED
        # Monday 2026-11-23 + 5 working days = Monday 2026-11-30
        assert ticket.due_date == date(2026, 11, 30)
        assert t.lead_assignment(ticket).unit.name == "区自然资源局"
        assert [a.unit.name for a in t.co_assignments(ticket)] == ["区住建局"]
        assert ticket.reporter.phone == "13812345678"
        assert ticket.reporter.name == "张𠮷"
    clock.set(datetime(2026, 11, 26, 15, 0))
    with db.session() as s:
        t.record_result(s, ctx, number, "已协调办理过户", signer="李局长", phone="0372 1234567")
        t.reply(s, ctx, number, "phone", "已电话告知办理结果")
        t.visit(s, ctx, number, "满意", "群众表示满意")
        t.close(s, ctx, number)
        t.archive(s, ctx, number)
    with db.session() as s:
        ticket = t.get_ticket(s, number)
        assert ticket.status == Status.ARCHIVED
        assert ticket.result_phone == "0372-1234567"
        assert ticket.satisfaction == "satisfied"
        assert events(ticket) == [
            "registered",
            "dispatched",
            "result_recorded",
            "replied",
            "visited",
            "closed",
            "archived",
        ]
        assert all(e.account.username == "王芳" for e in ticket.events)
        replied = ticket.events[3]
        assert replied.before["status"] == "result_received" and replied.after["status"] == "replied"
        with pytest.raises(TransitionError, match="已归档"):
            t.void(s, ctx, number, "误录")


def test_on_the_spot_only_for_blue(db, ctx):
    with db.session() as s:
        blue = intake(s, ctx, lead_unit=None)
        t.resolve_on_spot(s, ctx, blue, "电话联系窗口后当场办结", "oral")
        assert blue.status == Status.REPLIED and blue.on_the_spot
        assert blue.result_at == blue.reply_at
        t.close(s, ctx, blue)
        assert blue.status == Status.CLOSED
        red = intake(s, ctx, grade="red", lead_unit=None)
        with pytest.raises(TransitionError, match="只有蓝牌"):
            t.resolve_on_spot(s, ctx, red, "当场解决")
        assert red.status == Status.REGISTERED


def test_written_complaint_needs_written_reply_to_close(db, ctx):
    with db.session() as s:
        ticket = intake(s, ctx, form="written")
        t.record_result(s, ctx, ticket, "已办理")
        with pytest.raises(TransitionError, match="答复"):
            t.close(s, ctx, ticket)
        t.reply(s, ctx, ticket, "phone", "电话告知")
        with pytest.raises(TransitionError, match="书面投诉必须书面答复"):
            t.close(s, ctx, ticket)
    with db.session() as s:
        other = intake(s, ctx, form="written")
        t.record_result(s, ctx, other, "已办理")
        t.reply(s, ctx, other, "written", "书面答复函已寄出")
        t.close(s, ctx, other)
        assert other.status == Status.CLOSED


def test_unsatisfied_visit_reopens_with_fresh_deadline(db, ctx, clock):
    with db.session() as s:
        ticket = intake(s, ctx)
        number = ticket.number
        first_due = ticket.due_date
    clock.set(datetime(2026, 12, 7, 10, 0))
    with db.session() as s:
        t.record_result(s, ctx, number, "已办理")
        t.reply(s, ctx, number, "oral", "当面告知")
        ticket = t.visit(s, ctx, number, "unsatisfied", "仍未办成")
        assert ticket.status == Status.DISPATCHED
        assert ticket.satisfaction == "unsatisfied"
        assert ticket.result_text == "" and ticket.reply_at is None
        assert ticket.due_date == date(2026, 12, 10) != first_due
        assert events(ticket)[-2:] == ["visited", "reopened"]
        reopened = ticket.events[-1]
        assert reopened.before["result_text"] == "已办理"
        # the unit answers again and the case can close
        t.record_result(s, ctx, ticket, "二次办理完成")
        t.reply(s, ctx, ticket, "oral", "再次告知")
        t.visit(s, ctx, ticket, "basically")
        t.close(s, ctx, ticket)
        assert ticket.status == Status.CLOSED


def test_anonymous_needs_no_reply_and_cannot_get_one(db, ctx):
    with db.session() as s:
        ticket = intake(s, ctx, name="", phone="", anonymous=True)
        assert ticket.reporter.name == "" and ticket.reporter.phone == ""
        t.record_result(s, ctx, ticket, "已整改")
        with pytest.raises(TransitionError, match="匿名"):
            t.reply(s, ctx, ticket, "oral", "告知")
        t.close(s, ctx, ticket)
        assert ticket.status == Status.CLOSED
        assert ticket.close_note == t.ANONYMOUS_CLOSE_NOTE


def test_named_reporter_requires_name_and_phone(db, ctx):
    with db.session() as s:
        with pytest.raises(ValidationError, match="姓名"):
            intake(s, ctx, name="")
        with pytest.raises(ValidationError, match="电话"):
            intake(s, ctx, phone="")
        with pytest.raises(ValidationError, match="企业名称"):
            intake(s, ctx, kind="company", company="")
        company = intake(s, ctx, kind="company", company="北关区恒通商贸有限公司", name="")
        assert company.reporter.company == "北关区恒通商贸有限公司"


def test_explained_then_closed(db, ctx):
    with db.session() as s:
        ticket = intake(s, ctx, lead_unit=None)
        t.explain(s, ctx, ticket, "所反映事项属司法程序，不属窗口受理范围，已向反映人说明", "oral")
        assert ticket.status == Status.EXPLAINED
        assert ticket.reply_method == "oral"
        t.visit(s, ctx, ticket, "basically")
        t.close(s, ctx, ticket)
        assert events(ticket) == ["registered", "explained", "visited", "closed"]


def test_escalation_targets_by_grade(db, ctx, clock):
    with db.session() as s:
        yellow = intake(s, ctx, grade="yellow")
        red = intake(s, ctx, grade="red")
        blue = intake(s, ctx, grade="blue")
        t.escalate(s, ctx, yellow, "多次协调未果")
        t.escalate(s, ctx, red)
        assert yellow.status == Status.ESCALATED and yellow.escalated_to == SUPERVISION
        assert red.escalated_to == DISTRICT_LEADERS
        with pytest.raises(TransitionError, match="蓝牌"):
            t.escalate(s, ctx, blue)
        number = blue.number
    clock.set(datetime(2026, 12, 1, 9, 0))  # past blue's due date 2026-11-26
    with db.session() as s:
        blue = t.escalate(s, ctx, number)
        assert blue.escalated_to == SUPERVISION
        # an escalated ticket still awaits the unit's result
        t.record_result(s, ctx, blue, "督办后已办结")
        assert blue.status == Status.RESULT_RECEIVED


def test_reassign_counts_afresh_and_keeps_history(db, ctx, clock):
    with db.session() as s:
        ticket = intake(s, ctx, grade="yellow", co_units=("区住建局",))
        number = ticket.number
    clock.set(datetime(2026, 11, 25, 16, 0))
    with db.session() as s:
        with pytest.raises(ValidationError, match="已由"):
            t.reassign(s, ctx, number, "区自然资源局", "退回")
        ticket = t.reassign(s, ctx, number, "区住建局", "属地不符，由住建局牵头")
        assert t.lead_assignment(ticket).unit.name == "区住建局"
        assert t.co_assignments(ticket) == []
        assert ticket.accepted_at == datetime(2026, 11, 23, 9, 30)
        assert ticket.due_date == date(2026, 12, 2)
        assigned = s.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.ticket_id == ticket.id)
        )
        assert assigned == 3  # nothing deleted: the ended assignments stay
        assert "区自然资源局" in ticket.events[-1].note


def test_change_grade_recomputes_from_acceptance(db, ctx, clock):
    with db.session() as s:
        ticket = intake(s, ctx, grade="blue")
        number = ticket.number
    clock.set(datetime(2026, 11, 25, 9, 0))
    with db.session() as s:
        ticket = t.change_grade(s, ctx, number, "red", "涉及政策需研究")
        assert ticket.grade == "red"
        assert ticket.due_date == date(2026, 12, 7)  # 10 working days after 2026-11-23
        assert ticket.events[-1].before == {
            "grade": "blue",
            "due_date": "2026-11-26",
            "due_provisional": False,
        }
        with pytest.raises(ValidationError, match="调整理由"):
            t.change_grade(s, ctx, number, "yellow", "  ")


def test_void_freezes_and_number_stays_taken(db, ctx):
    with db.session() as s:
        first = intake(s, ctx)
        t.void(s, ctx, first, "重复录入")
        assert first.status == Status.VOIDED
        for action in (
            lambda: t.record_result(s, ctx, first, "x"),
            lambda: t.change_grade(s, ctx, first, "red", "x"),
            lambda: t.void(s, ctx, first, "again"),
        ):
            with pytest.raises(TransitionError, match="已作废"):
                action()
        second = intake(s, ctx)
        assert (first.number, second.number) == ("BBC-2026-0001", "BBC-2026-0002")
        assert s.scalar(select(func.count()).select_from(Ticket)) == 2


def test_illegal_transitions_are_refused_with_chinese_message(db, ctx):
    with db.session() as s:
        ticket = intake(s, ctx)
        with pytest.raises(TransitionError, match="当前状态为“已转办”"):
            t.reply(s, ctx, ticket, "oral", "x")
        with pytest.raises(TransitionError):
            t.archive(s, ctx, ticket)
        with pytest.raises(TransitionError):
            t.dispatch(s, ctx, ticket, "区教育局")
        with pytest.raises(NotFound):
            t.get_ticket(s, "BBC-2026-9999")


def test_allowed_actions_follow_the_table():
    assert Action.RESOLVE_ON_SPOT not in allowed_actions(Status.REGISTERED, grade=None)
    from bbc_desktop.core.domain import Grade

    blue_registered = allowed_actions(Status.REGISTERED, grade=Grade.BLUE)
    assert Action.RESOLVE_ON_SPOT in blue_registered and Action.DISPATCH in blue_registered
    assert allowed_actions(Status.ARCHIVED) == []
    assert allowed_actions(Status.VOIDED) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": "12345"}, "电话号码"),
        ({"content": "   "}, "反映内容"),
        ({"lead_unit": "区外星局"}, "不在单位名录"),
        ({"grade": "green"}, "牌色"),
        ({"accepted_at": datetime(2026, 11, 24, 9, 0)}, "不能晚于当前时间"),
        ({"name": "张" * 51}, "过长"),
        ({"content": "内容\x07"}, "控制字符"),
        ({"co_units": ("区教育局",), "lead_unit": None}, "协办"),
    ],
)
def test_bad_intake_leaves_database_exactly_as_it_was(db, ctx, overrides, message):
    with db.session() as s:
        intake(s, ctx)
        before = export_data(s)
    with pytest.raises(BbcError, match=message), db.session() as s:
        intake(s, ctx, **overrides)
    with db.session() as s:
        assert export_data(s) == before
        assert s.scalar(select(NumberSequence.last_seq).where(NumberSequence.year == 2026)) == 1


def test_long_content_and_rare_names_are_kept_whole(db, ctx):
    content = "反映内容" * 2500  # 10 000 characters
    with db.session() as s:
        ticket = intake(s, ctx, content=content, name="𪚥䶮喆")
        number = ticket.number
    with db.session() as s:
        ticket = t.get_ticket(s, number)
        assert ticket.content == content
        assert ticket.reporter.name == "𪚥䶮喆"


def test_number_pattern_and_yearly_sequence(db, ctx, clock):
    from bbc_desktop.core.settings import set_setting

    with db.session() as s:
        last_year = intake(s, ctx, accepted_at=datetime(2025, 12, 30, 16, 0))
        this_year = intake(s, ctx)
        assert (last_year.number, this_year.number) == ("BBC-2025-0001", "BBC-2026-0001")
        set_setting(s, "number_pattern", "北关{year}第{seq:05d}号")
        assert intake(s, ctx).number == "北关2026第00002号"
        with pytest.raises(ValidationError, match="必须包含"):
            set_setting(s, "number_pattern", "BBC-{seq}")


def test_every_change_is_an_event_and_nothing_is_deleted(db, ctx, clock):
    with db.session() as s:
        ticket = intake(s, ctx)
        t.void(s, ctx, ticket, "误录")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 3
        kinds = list(s.scalars(select(Event.kind).order_by(Event.id)))
        assert kinds == ["registered", "dispatched", "voided"]


def test_result_time_cannot_precede_acceptance_or_be_future(db, ctx, clock):
    with db.session() as s:
        ticket = intake(s, ctx)
        with pytest.raises(ValidationError, match="不能早于受理时间"):
            t.record_result(s, ctx, ticket, "x", at=ticket.accepted_at - timedelta(days=1))
        with pytest.raises(ValidationError, match="不能晚于当前时间"):
            t.record_result(s, ctx, ticket, "x", at=clock.now() + timedelta(hours=1))


def test_written_complaint_is_answered_in_writing_on_every_path(db, ctx):
    with db.session() as s:
        spot = intake(s, ctx, form="written", lead_unit=None)
        with pytest.raises(ValidationError, match="书面投诉必须书面答复"):
            t.resolve_on_spot(s, ctx, spot, "当场办结", "oral")
        t.resolve_on_spot(s, ctx, spot, "当场办结")  # defaults to a written reply
        assert spot.reply_method == "written"
        t.close(s, ctx, spot)
        explained = intake(s, ctx, form="written", lead_unit=None)
        t.explain(s, ctx, explained, "不属受理范围，已书面说明")
        t.close(s, ctx, explained)
        assert (spot.status, explained.status) == (Status.CLOSED, Status.CLOSED)
        # a phone call first, then the written reply: the second reply lets it close
        called = intake(s, ctx, form="written")
        t.record_result(s, ctx, called, "已办理")
        t.reply(s, ctx, called, "phone", "先电话告知")
        t.reply(s, ctx, called, "written", "再寄送书面答复")
        t.close(s, ctx, called)
        assert called.status == Status.CLOSED


def test_anonymous_on_the_spot_records_no_reply(db, ctx):
    with db.session() as s:
        ticket = intake(s, ctx, name="", phone="", anonymous=True, lead_unit=None)
        t.resolve_on_spot(s, ctx, ticket, "当场协调解决")
        assert ticket.reply_at is None and ticket.reply_method is None and ticket.result_text
        t.close(s, ctx, ticket)
        assert ticket.close_note == t.ANONYMOUS_CLOSE_NOTE


def test_reopening_an_on_the_spot_case_sends_it_back_to_registration(db, ctx):
    with db.session() as s:
        ticket = intake(s, ctx, lead_unit=None)
        t.resolve_on_spot(s, ctx, ticket, "当场办结")
        t.visit(s, ctx, ticket, "不满意")
        assert ticket.status == Status.REGISTERED and ticket.on_the_spot is False
        t.dispatch(s, ctx, ticket, "区教育局")
        assert ticket.status == Status.DISPATCHED


def test_history_is_stored_readably_with_real_nulls(db, ctx):
    from sqlalchemy import text

    with db.session() as s:
        intake(s, ctx, lead_unit=None)
    with db.engine.connect() as connection:
        before, after = connection.execute(
            text("SELECT before, CAST(after AS TEXT) FROM events WHERE kind = 'registered'")
        ).one()
    assert before is None
    assert '"status":"registered"' in after and "\\u" not in after
