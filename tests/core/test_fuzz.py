"""Fuzzing every entry point that takes what a person types: no unhandled exception, and every
refusal leaves the database exactly as it was.

A short run in CI (``BBC_FUZZ_EXAMPLES``, default 40 examples per entry point). The long run:

    BBC_FUZZ_EXAMPLES=10000 BBC_TEST_BACKENDS=sqlite bash tools/dev.sh test tests/core/test_fuzz.py

Entry points: intake (every field), each lifecycle step with arbitrary arguments in arbitrary order,
the holidays CSV, the old Excel ledger (arbitrary bytes as the file), the JSON import, and the
``bbc`` command line with arbitrary arguments.
"""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bbc_desktop.core import tickets as t
from bbc_desktop.core import unit_side as u
from bbc_desktop.core.errors import BbcError
from bbc_desktop.core.holidays import parse_csv, save_days

EXAMPLES = int(os.environ.get("BBC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=EXAMPLES <= 100,  # CI: the same examples every run; the long run explores
)

# Text as people type it and worse: CJK (also beyond the BMP), digits, punctuation, control
# characters, lone surrogates excluded (they cannot come from a keyboard or a UTF-8 file).
typed = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    max_size=60,
) | st.sampled_from(["", " ", "13812345678", "0372-1234567", "张三", "𠮷", "区教育局", "\x00", "red", "蓝牌"])
choice = st.sampled_from(
    [
        "",
        "red",
        "yellow",
        "blue",
        "unknown",
        "红牌",
        "person",
        "company",
        "visit",
        "oral",
        "written",
        "phone",
        "satisfied",
        "不满意",
        "区教育局",
        "区市场监督管理局",
        "1",
        "99",
        "territory",
        "职能交叉",
        "scan",
        "in_person",
        "柏庄镇",
    ]
)
moment = st.none() | st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31))

TABLES = (
    "reporters",
    "assignments",
    "number_sequences",
    "holiday_overrides",
    "settings",
    "ticket_links",
    "attachments",
    "unit_requests",
    "urges",
)


def snapshot(db) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Everything a refusal could have touched. Tickets change only with their version (the ORM's
    version column), and events are append-only (the audit chain): their fingerprints suffice, so a
    long run does not slow down as the shared database grows; the rest is compared whole."""
    with db.engine.connect() as connection:
        shot: dict[str, object] = {
            "tickets": connection.execute(
                text("SELECT id, version, status, pending, due_date, updated_at FROM tickets ORDER BY id")
            ).all(),
            "events": connection.execute(text("SELECT count(*), max(id) FROM events")).all(),
        }
        for table in TABLES:
            shot[table] = connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
        return shot


def attempt(db, work) -> None:  # type: ignore[no-untyped-def]
    """Run ``work`` in one unit of work: it may succeed or be refused; a refusal changes nothing."""
    before = snapshot(db)
    try:
        with db.session() as session:
            work(session)
    except BbcError as refusal:
        assert refusal.message.strip(), "a refusal must say why"
        assert snapshot(db) == before


intakes = st.builds(
    t.Intake,
    content=typed,
    grade=choice,
    name=typed,
    phone=typed,
    kind=choice,
    company=typed,
    source=choice,
    category=st.none() | choice,
    form=choice,
    confidential=st.booleans(),
    anonymous=st.booleans(),
    accepted_at=moment,
    lead_unit=st.none() | choice | typed,
    co_units=st.lists(choice | typed, max_size=3).map(tuple),
    dispatch_note=typed,
)


@FUZZ
@given(intake=intakes)
def test_intake(db, ctx, intake):
    attempt(db, lambda s: t.register(s, ctx, intake))


STEPS = st.sampled_from(
    [
        lambda s, c, n, a, b, w: t.dispatch(s, c, n, a, [b], a),
        lambda s, c, n, a, b, w: t.reassign(s, c, n, a, b),
        lambda s, c, n, a, b, w: t.resolve_on_spot(s, c, n, a, b),
        lambda s, c, n, a, b, w: t.record_result(s, c, n, a, b, a, w),
        lambda s, c, n, a, b, w: t.reply(s, c, n, a, b, w),
        lambda s, c, n, a, b, w: t.visit(s, c, n, a, b, b, w),
        lambda s, c, n, a, b, w: t.explain(s, c, n, a, b),
        lambda s, c, n, a, b, w: t.escalate(s, c, n, a),
        lambda s, c, n, a, b, w: t.change_grade(s, c, n, a, b),
        lambda s, c, n, a, b, w: t.close(s, c, n, a),
        lambda s, c, n, a, b, w: t.archive(s, c, n),
        lambda s, c, n, a, b, w: t.void(s, c, n, a),
        lambda s, c, n, a, b, w: t.link(s, c, n, a),
        # The unit's side: any step, any arguments (days as typed: text or a number).
        lambda s, c, n, a, b, w: u.acknowledge(s, c, n, a, b, w),
        lambda s, c, n, a, b, w: u.send_back(s, c, n, a, b, a),
        lambda s, c, n, a, b, w: u.rule_send_back(s, c, n, unit=a or None, note=b),
        lambda s, c, n, a, b, w: u.request_extension(s, c, n, len(a or "") - 1, b, a),
        lambda s, c, n, a, b, w: u.request_extension(s, c, n, a, b),
        lambda s, c, n, a, b, w: u.decide_extension(s, c, n, bool(a), b, a),
        lambda s, c, n, a, b, w: u.urge(s, c, n, a),
    ]
)


@FUZZ
@given(steps=st.lists(st.tuples(STEPS, choice | typed, choice | typed, moment), min_size=1, max_size=8))
def test_lifecycle_steps_in_any_order_with_any_arguments(db, ctx, steps):
    with db.session() as s:
        number = t.register(
            s, ctx, t.Intake(content="营业执照变更被推诿", name="张三", phone="13812345678")
        ).number
    for step, first, second, when in steps:
        attempt(db, lambda s, step=step, a=first, b=second, w=when: step(s, ctx, number, a, b, w))


@FUZZ
@given(
    csv_text=st.text(max_size=300)
    | st.lists(
        st.tuples(
            st.sampled_from(["2031-03-10", "2031-02-30", "20310310", "", "2031-13-01"]),
            st.sampled_from(["holiday", "workday", "rest", ""]),
            typed,
        ),
        max_size=5,
    ).map(lambda rows: "date,kind,name\n" + "\n".join(",".join(r) for r in rows))
)
def test_holiday_file(db, ctx, csv_text):
    def work(session):  # type: ignore[no-untyped-def]
        save_days(session, ctx, parse_csv(csv_text))

    attempt(db, work)


@FUZZ
@given(data=st.binary(max_size=400) | st.just(b"PK\x03\x04" + b"\x00" * 60))
def test_old_ledger_file(tmp_path_factory, data):
    from bbc_desktop.io.legacy_ledger import read_legacy_ledger

    path = tmp_path_factory.mktemp("ledger") / "旧台账.xlsx"
    path.write_bytes(data)
    with pytest.raises(BbcError):
        read_legacy_ledger(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | typed,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(typed, children, max_size=3),
    max_leaves=12,
)


@FUZZ
@given(
    data=json_values
    | st.fixed_dictionaries(
        {
            "tickets": st.lists(
                st.dictionaries(
                    st.sampled_from(
                        ["number", "status", "grade", "content", "accepted_at", "reporter", "events"]
                    ),
                    json_values,
                    max_size=6,
                ),
                max_size=2,
            )
        }
    )
)
def test_json_import(db, data):
    from bbc_desktop.io.json_io import import_data

    attempt(db, lambda s: import_data(s, data))


VERBS = [
    "intake",
    "dispatch",
    "result",
    "reply",
    "visit",
    "close",
    "void",
    "show",
    "list",
    "due",
    "grade",
    "holidays",
    "units",
    "settings",
    "users",
    "report",
    "ledger",
    "notice",
    "database",
    "frobnicate",
]
OPTIONS = [
    "--name",
    "--phone",
    "--content",
    "--grade",
    "--unit",
    "--text",
    "--signer",
    "--reason",
    "--from",
    "--to",
    "--accepted",
    "--json",
    "--method",
    "--satisfaction",
    "-o",
    "--search",
    "--year",
    "--as",
]


@FUZZ
@given(
    argv=st.tuples(st.sampled_from(VERBS), st.lists(st.sampled_from(OPTIONS) | typed | choice, max_size=6))
)
def test_command_line(new_db_url, monkeypatch, capsys, tmp_path_factory, argv):
    from bbc_desktop.cli import main

    monkeypatch.setenv("BBC_DB", new_db_url("fuzz") if "BBC_DB" not in os.environ else os.environ["BBC_DB"])
    monkeypatch.setenv("BBC_NOW", "2026-11-23T09:30")
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))  # -o writes land in a scratch folder
    verb, rest = argv
    try:
        code = main([verb, *rest])
    except SystemExit as exc:  # argparse: usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (verb, rest, err)
    assert "Traceback" not in err and "程序内部错误" not in err, (verb, rest, err)
    if code == 1:
        assert err.startswith("错误：") and err.count("\n") == 1, err
    json.dumps(out)  # printable
