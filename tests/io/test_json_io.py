"""Full-fidelity JSON export and the all-or-nothing import."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest
from sqlalchemy import func, select

from bbc_desktop.core import tickets as t
from bbc_desktop.core import unit_side as u
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.knowledge import save_entry
from bbc_desktop.db.models import Event, Ticket
from bbc_desktop.db.session import open_database
from bbc_desktop.io.json_io import export_data, import_data


def _fill(db, ctx, clock):  # type: ignore[no-untyped-def]
    with db.session() as s:
        a = t.register(
            s,
            ctx,
            t.Intake(
                content="内容一",
                name="王𪚥",
                phone="13800000001",
                grade="yellow",
                lead_unit="区人社局",
                co_units=("区医保局",),
                confidential=True,
            ),
        )
        b = t.register(
            s,
            ctx,
            t.Intake(
                content="内容二",
                kind="company",
                company="恒通商贸有限公司",
                phone="0372-1234567",
                grade="red",
                lead_unit="区商务局",
                form="written",
            ),
        )
        c = t.register(s, ctx, t.Intake(content="内容三", anonymous=True, grade="blue"))
        # The unit's side travels too: requests, urges, the 知识库 entry an explanation came from.
        u.acknowledge(s, ctx, a, "张联络", "phone")
        u.send_back(s, ctx, a, "overlap", "职能交叉")
        u.rule_send_back(s, ctx, a, unit="区民政局", note="职能交叉")
        u.request_extension(s, ctx, b, 2, "需会商")
        u.decide_extension(s, ctx, b, True, notified="written")
        u.urge(s, ctx, b)
        save_entry(
            s, ctx, None, {"title": "不属受理范围", "text": "该事项不属受理范围。", "citation": "有关规定"}
        )
        t.explain(s, ctx, c, "", library="不属受理范围")
        t.record_result(s, ctx, b, "已研究解决", "刘局长", "0372-7654321")
        t.reply(s, ctx, b, "written", "书面答复")
    clock.set(datetime(2026, 11, 24, 9, 0))
    with db.session() as s:
        t.visit(s, ctx, "BBC-2026-0002", "满意")
        t.close(s, ctx, "BBC-2026-0002")


def test_round_trip_is_identical(db, ctx, clock, tmp_path, new_db_url):
    _fill(db, ctx, clock)
    with db.session() as s:
        first = export_data(s)
    fresh = open_database(new_db_url("fresh"))
    with fresh.session() as s:
        assert import_data(s, copy.deepcopy(first)) == 3
    with fresh.session() as s:
        second = export_data(s)
        ticket = t.get_ticket(s, "BBC-2026-0001")
        assert t.lead_assignment(ticket).unit.name == "区民政局"
        assert ticket.reporter.name == "王𪚥"
        assert [e.kind for e in ticket.events] == [
            "registered", "dispatched", "acknowledged", "sent_back", "send_back_ruled", "reassigned",
        ]  # fmt: skip
        assert t.get_ticket(s, "BBC-2026-0003").explanation_id is not None
    assert second == first
    assert len(first["tickets"][1]["events"]) == 9
    requests = first["tickets"][0]["unit_requests"]
    assert [(r["unit"], r["kind"], r["decision"], r["new_unit"]) for r in requests] == [
        ("区人社局", "send_back", "reassigned", "区民政局")
    ]
    assert [x["kind"] for x in first["tickets"][1]["urges"]] == ["manual"]
    assert first["tickets"][2]["explanation_title"] == "不属受理范围"
    assert [e["title"] for e in first["explanations"]] == ["不属受理范围"]
    # numbering continues after the imported tickets
    with fresh.session() as s:
        assert (
            t.register(s, ctx, t.Intake(content="新", name="赵", phone="13800000009")).number
            == "BBC-2026-0004"
        )
    fresh.dispose()


def test_bad_records_are_named_and_nothing_is_imported(db, ctx, clock, tmp_path, new_db_url):
    _fill(db, ctx, clock)
    with db.session() as s:
        data = export_data(s)
    data["tickets"][0]["status"] = "lost"
    data["tickets"][1]["assignments"][0]["unit"] = "不存在的单位"
    data["tickets"][2]["accepted_at"] = "昨天"
    fresh = open_database(new_db_url("fresh"))
    with pytest.raises(ValidationError) as caught, fresh.session() as s:
        import_data(s, data)
    message = caught.value.message
    assert "工单 BBC-2026-0001（第1条）" in message and "lost" in message
    assert "工单 BBC-2026-0002（第2条）" in message and "不存在的单位" in message
    assert "工单 BBC-2026-0003（第3条）" in message and "昨天" in message
    with fresh.session() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
        assert s.scalar(select(func.count()).select_from(Event)) == 0
        assert export_data(s)["settings"] == {"internal.seed_version": "1"}
    fresh.dispose()


@pytest.mark.parametrize(
    "data", [None, [], {"format": "other"}, {"format": "bbc-desktop-export", "version": 99}]
)
def test_foreign_files_are_refused(db, data):
    with pytest.raises(ValidationError), db.session() as s:
        import_data(s, data)


def test_bad_units_and_accounts_are_named(db, ctx, clock, tmp_path, new_db_url):
    _fill(db, ctx, clock)
    with db.session() as s:
        data = export_data(s)
    data["units"].append({"kind": "office"})
    data["accounts"][0]["role"] = "king"
    fresh = open_database(new_db_url("fresh"))
    with pytest.raises(ValidationError) as caught, fresh.session() as s:
        import_data(s, data)
    assert f"单位第{len(data['units'])}条：缺少单位标识“name”" in caught.value.message
    assert "账号第1条：角色“king”无效" in caught.value.message
    with fresh.session() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
    fresh.dispose()
