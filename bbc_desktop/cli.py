"""``bbc``: the command line over the same core the window uses, for administrators, scripts and tests.

Every verb is parse → one core call → format. Exit 0 on success, 1 on a user error (one Chinese
line on stderr, never a traceback), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from bbc_desktop import __version__
from bbc_desktop.core.domain import Role
from bbc_desktop.core.errors import BbcError, PermissionDenied, ValidationError

EXIT_OK, EXIT_USER, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors in Chinese (exit code 2 as usual)."""

    def error(self, message: str) -> NoReturn:
        replacements = {
            "the following arguments are required": "缺少必填参数",
            "unrecognized arguments": "无法识别的参数",
            "invalid choice": "无效的选项",
            "expected one argument": "需要一个取值",
            "argument ": "参数 ",
            "invalid int value": "不是整数",
        }
        for english, chinese in replacements.items():
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"用法错误：{message}\n")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Open the database; once login accounts exist, every command signs in first (as the window does)."""
    from bbc_desktop.db.session import open_database

    db = open_database(args.db)
    _sign_in(args, db)
    return db


def _sign_in(args: argparse.Namespace, db) -> None:  # type: ignore[no-untyped-def]
    """``--as NAME`` / ``BBC_AS`` with the account's password (BBC_AS_PASSWORD, or typed at the terminal).

    (BBC_PASSWORD is the password of an account being created: ``bbc users add``.)

    Checked like the window's login: wrong passwords count towards the lockout, and the login is an
    event of the audit trail. Without login accounts (a new installation) nothing is asked.
    """
    from bbc_desktop.core.auth import login
    from bbc_desktop.core.permissions import logins_exist

    with db.session() as session:
        if not logins_exist(session):
            return
    name = (args.acting or os.environ.get("BBC_AS", "")).strip()
    if not name:
        raise PermissionDenied(
            "已设置登录账号：请用 --as 账号 指明操作人（或设置环境变量 BBC_AS），"
            "密码从终端输入或取自环境变量 BBC_AS_PASSWORD"
        )
    password = _login_password()
    with db.session() as session:  # committed whatever the answer: failures are counted
        outcome = login(session, name, password, _context_default().clock.now())
        must_change = bool(outcome.account and outcome.account.must_change_password)
    if not outcome.ok:
        raise PermissionDenied(outcome.message)
    if must_change:
        raise PermissionDenied("该账号的密码由管理员重置，须先在桌面程序中登录并修改密码")
    args.signed_in = name


def _require(args: argparse.Namespace, db, permission: str) -> None:  # type: ignore[no-untyped-def]
    """The signed-in account's role must allow ``permission`` (papers the window also hides)."""
    from bbc_desktop.core.permissions import Permission, require

    with db.session() as session:
        require(session, _context(args), Permission(permission))


def _login_password() -> str:
    password = os.environ.get("BBC_AS_PASSWORD", "")
    if password:
        return password
    if not sys.stdin.isatty():
        raise PermissionDenied("请在终端中输入登录密码，或通过环境变量 BBC_AS_PASSWORD 提供")
    import getpass

    return getpass.getpass("登录密码：")


def _context(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from bbc_desktop.core.context import Context

    ctx = Context()
    signed_in = getattr(args, "signed_in", None)
    if signed_in:  # a login account whose password _open checked
        ctx.operator = signed_in
        return ctx
    if args.operator:
        ctx.operator = args.operator
    if args.acting:
        ctx.operator = args.acting
    return ctx


def cmd_init(args: argparse.Namespace) -> int:
    db = _open(args)
    print(f"数据库已就绪：{db.describe()}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from bbc_desktop.core.demo import generate

    if args.tickets < 1 or args.tickets > 1_000_000:
        raise ValidationError("演示工单数量应在 1 到 1000000 之间")
    db = _open(args)
    result = generate(db, args.tickets, _context(args), seed=args.seed)
    count = result if isinstance(result, int) else len(result)
    print(f"已生成演示工单 {count} 件：{db.describe()}")
    return EXIT_OK


def cmd_due(args: argparse.Namespace) -> int:
    from bbc_desktop.core.calendar import WorkCalendar
    from bbc_desktop.core.domain import GRADES, Grade, parse_enum
    from bbc_desktop.core.validation import parse_datetime

    grade = parse_enum(Grade, args.grade, "牌色", GRADES)
    accepted = parse_datetime(args.accepted)
    overrides: dict[Any, bool] = {}
    if args.db or _env_db():
        from bbc_desktop.core.tickets import load_calendar

        with _open(args).session() as session:
            calendar = load_calendar(session)
    else:
        calendar = WorkCalendar(overrides)
    deadline = calendar.due(grade, accepted)
    print(deadline.due.isoformat())
    if deadline.provisional:
        print("provisional")
    return EXIT_OK


def _env_db() -> bool:
    import os

    return bool(os.environ.get("BBC_DB"))


def cmd_intake(args: argparse.Namespace) -> int:
    from bbc_desktop.core.tickets import Intake, register
    from bbc_desktop.core.validation import parse_datetime

    intake = Intake(
        content=_read_text(args.content),
        grade=args.grade,
        name=args.name or "",
        phone=args.phone or "",
        kind=args.kind,
        company=args.company or "",
        source=args.source,
        category=args.category,
        form=args.form,
        confidential=args.confidential,
        anonymous=args.anonymous,
        accepted_at=parse_datetime(args.accepted) if args.accepted else None,
        lead_unit=args.unit,
        co_units=tuple(args.co_unit or ()),
        dispatch_note=args.note or "",
    )
    db = _open(args)
    with db.session() as session:
        number = register(session, _context(args), intake).number
    print(number)
    return EXIT_OK


def _read_text(value: str) -> str:
    """``@FILE`` reads long content from a UTF-8 file; ``-`` reads standard input."""
    if value == "-":
        return sys.stdin.read()
    if value.startswith("@"):
        try:
            return Path(value[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"无法读取文件“{value[1:]}”：{exc}") from exc
    return value


def _rows(session, ids: list[int]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    from bbc_desktop.core.queries import load_tickets, summary
    from bbc_desktop.core.tickets import load_calendar

    ctx = _context_default()
    calendar = load_calendar(session)
    today = ctx.clock.today()
    return [_masked(summary(t, today, calendar)) for t in load_tickets(session, ids)]


def _masked(row: dict[str, Any]) -> dict[str, Any]:
    """A confidential reporter as everywhere else (王** / 138****5678); ``bbc show --reveal`` shows more."""
    from bbc_desktop.core.privacy import mask_name, mask_phone, mask_reporter

    if row["confidential"] and not row["anonymous"]:
        row["name"] = mask_name(row["name"])
        row["company"] = mask_name(row["company"])
        row["reporter"] = mask_reporter(row["reporter"])
        row["phone"] = mask_phone(row["phone"])
    return row


def _context_default():  # type: ignore[no-untyped-def]
    from bbc_desktop.core.context import Context

    return Context()


def _print_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("（没有符合条件的工单）")
        return
    for row in rows:
        flags = []
        if row["overdue"]:
            flags.append(f"超期{row['overdue_workdays']}个工作日")
        elif row["due_soon"]:
            flags.append("即将到期")
        if row["provisional"]:
            flags.append("期限暂定")
        print(
            "\t".join(
                [
                    row["number"],
                    row["grade_label"],
                    row["status_label"],
                    row["unit"] or "—",
                    row["due"] or "未定",
                    row["reporter"] if not row["confidential"] else "保密",
                    "、".join(flags),
                ]
            )
        )


def cmd_list(args: argparse.Namespace) -> int:
    from bbc_desktop.core.queries import TicketFilter, queue_ids
    from bbc_desktop.core.tickets import load_calendar

    flt = TicketFilter.parse(
        status=args.status,
        grade=args.grade,
        unit=args.unit,
        overdue=args.overdue,
        due_soon=args.due_soon,
        accepted_from=args.accepted_from,
        accepted_to=args.accepted_to,
        text=args.search,
    )
    db = _open(args)
    with db.session() as session:
        found = queue_ids(session, flt, _context_default().clock.today(), load_calendar(session))
        rows = _rows(session, list(found.ids))
    if args.json:
        _print_json(rows)
    else:
        _print_table(rows)
        print(f"共 {len(found.ids)} 件（超期 {found.overdue} 件）")
    return EXIT_OK


def cmd_ledger(args: argparse.Namespace) -> int:
    from bbc_desktop.core.ledger import ledger_rows, ledger_title
    from bbc_desktop.core.queries import TicketFilter
    from bbc_desktop.core.settings import get_setting
    from bbc_desktop.core.tickets import load_calendar

    target = Path(args.output)
    kind = target.suffix.lower()
    if kind not in (".xlsx", ".pdf"):
        raise ValidationError(f"台账只能导出为 .xlsx 或 .pdf 文件，而不是“{target.name}”")
    flt = TicketFilter.parse(
        status=args.status,
        grade=args.grade,
        unit=args.unit,
        overdue=args.overdue,
        accepted_from=args.accepted_from,
        accepted_to=args.accepted_to,
        text=args.search,
    )
    db = _open(args)
    _require(args, db, "reports")
    today = _context_default().clock.today()
    with db.session() as session:
        rows = ledger_rows(session, flt, today, load_calendar(session))
        title = ledger_title(get_setting(session, "district"), flt.accepted_from, flt.accepted_to)
    if kind == ".xlsx":
        from bbc_desktop.io.ledger_xlsx import write_ledger_xlsx

        write_ledger_xlsx(rows, target, title)
    else:
        from bbc_desktop.printing.ledger import write_ledger_pdf

        write_ledger_pdf(rows, target, title)
    print(f"已导出台账 {len(rows)} 件：{target}")
    return EXIT_OK


def cmd_notice(args: argparse.Namespace) -> int:
    from bbc_desktop.core.validation import parse_date
    from bbc_desktop.printing.documents import notice_pdf, write_file

    start, end = parse_date(args.start, "起始日期"), parse_date(args.end, "截止日期")
    target = Path(args.output)
    if target.suffix.lower() != ".pdf":
        raise ValidationError(f"通报只能导出为 .pdf 文件，而不是“{target.name}”")
    db = _open(args)
    _require(args, db, "reports")
    with db.session() as session:
        pdf, count, units = notice_pdf(session, start, end, _context_default().clock.today())
    write_file(target, pdf)
    print(f"已生成超期通报：超期 {count} 件，涉及承办单位 {units} 个：{target}")
    return EXIT_OK


def cmd_scores(args: argparse.Namespace) -> int:
    from bbc_desktop.core.scores import WEIGHTS_SETTING, parse_weights, unit_scores
    from bbc_desktop.core.settings import get_setting
    from bbc_desktop.core.tickets import load_calendar
    from bbc_desktop.core.validation import parse_date

    start, end = parse_date(args.start, "起始日期"), parse_date(args.end, "截止日期")
    target = Path(args.output) if args.output else None
    if target is not None and target.suffix.lower() != ".xlsx":
        raise ValidationError(f"考核结果只能导出为 .xlsx 文件，而不是“{target.name}”")
    db = _open(args)
    _require(args, db, "reports")
    today = _context_default().clock.today()
    with db.session() as session:
        weights = parse_weights(get_setting(session, WEIGHTS_SETTING))
        scores = unit_scores(session, start, end, today, load_calendar(session), weights)
        district = get_setting(session, "district")
    if target is not None:
        from bbc_desktop.io.scores_xlsx import scores_xlsx
        from bbc_desktop.printing.documents import write_file

        write_file(target, scores_xlsx(scores, start, end, weights, f"{district}承办单位考核"))
        print(f"已导出承办单位考核：{len(scores)} 个单位：{target}")
        return EXIT_OK
    if args.json:
        _print_json([s.as_json() for s in scores])
        return EXIT_OK
    print("承办单位\t收件\t及时签收率\t按期办结率\t退单\t延期\t满意率\t得分")
    for s in scores:
        rates = s.as_json()
        shown = [
            ("—" if rates[k] is None else f"{rates[k]:.1f}%")
            for k in ("ack_rate", "on_time_rate", "satisfaction_rate")
        ]
        score = "—" if s.score is None else f"{s.score:.1f}"
        print(
            f"{s.unit}\t{s.received}\t{shown[0]}\t{shown[1]}\t{s.send_backs}\t{s.extensions}\t{shown[2]}\t{score}"
        )
    return EXIT_OK


def cmd_knowledge(args: argparse.Namespace) -> int:
    from bbc_desktop.core.knowledge import find_entry, list_entries, save_entry

    db = _open(args)
    if args.knowledge_command == "list":
        with db.session() as session:
            entries = list_entries(session, include_retired=args.all)
        if args.json:
            _print_json([e.as_json() for e in entries])
            return EXIT_OK
        for e in entries:
            retired = "" if e.active else "\t已停用"
            print(f"{e.id}\t{e.title}\t{e.citation}\t使用 {e.uses} 次{retired}")
        return EXIT_OK
    with db.session() as session:
        ctx = _context(args)
        if args.knowledge_command == "add":
            values = {"title": args.title, "text": args.text, "citation": args.citation}
            entry = save_entry(session, ctx, None, values)
            said = "已添加"
        else:
            entry = find_entry(session, args.entry)
            values = {"title": entry.title, "text": entry.text, "citation": entry.citation}
            entry = save_entry(session, ctx, entry.id, values, active=args.knowledge_command == "restore")
            said = "已启用" if entry.active else "已停用"
        print(f"{said}知识库条目 {entry.id}：{entry.title}")
    return EXIT_OK


def cmd_import_ledger(args: argparse.Namespace) -> int:
    from bbc_desktop.core.legacy_import import import_ledger, preview
    from bbc_desktop.io.legacy_ledger import read_legacy_ledger

    ledger = read_legacy_ledger(args.file)
    db = _open(args)
    with db.session() as session:
        ctx = _context(args)
        result = preview(session, ctx, ledger) if args.preview else import_ledger(session, ctx, ledger)
    print(ledger.header_text)
    for note in ledger.notes:
        print(note)
    for fate in result.fates:
        print(fate.text)
    print(("预览（未写入数据库）：" if args.preview else "已导入：") + result.summary)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from bbc_desktop.core.validation import parse_date
    from bbc_desktop.printing.documents import issue_report, report_docx, report_pdf, write_file

    start, end = parse_date(args.start, "起始日期"), parse_date(args.end, "截止日期")
    target = Path(args.output)
    kind = target.suffix.lower()
    if kind not in (".pdf", ".docx"):
        raise ValidationError(f"整改情况报告只能导出为 .pdf 或 .docx 文件，而不是“{target.name}”")
    if args.issue and kind != ".pdf":
        raise ValidationError("签发存档的是 PDF：请用 -o 文件.pdf")
    texts = {
        "情况概述": args.overview or "",
        "存在问题": args.problems or "",
        "整改措施": args.measures or "",
    }
    db = _open(args)
    _require(args, db, "reports")
    with db.session() as session:
        if args.issue:
            issued = issue_report(session, _context(args), start, end, texts)
            data, total, version = bytes(issued.pdf), issued.figures["total"], issued.version
            write_file(target, data)  # inside the transaction: a file that cannot be written issues nothing
        else:
            make = report_pdf if kind == ".pdf" else report_docx
            data, total = make(session, start, end, _context_default().clock.today(), texts)
    if not args.issue:
        write_file(target, data)
    if args.issue:
        print(f"已签发整改情况报告第{version}版（受理 {total} 件），已存档：{target}")
    else:
        print(f"已生成整改情况报告（受理 {total} 件）：{target}")
    return EXIT_OK


def cmd_issued(args: argparse.Namespace) -> int:
    from bbc_desktop.core.report_archive import check_intact, get_issued, issued_reports
    from bbc_desktop.printing.documents import write_file

    db = _open(args)
    with db.session() as session:
        if args.id is None:
            reports = issued_reports(session)
            if not reports:
                print("（尚无已签发的整改情况报告）")
            for r in reports:
                state = "完好" if r.intact else "校验不符"
                print(
                    f"{r.id}\t{r.label}\t{r.issued_at.isoformat(sep=' ', timespec='minutes')}\t{r.issued_by}\t{state}"
                )
            return EXIT_OK if all(r.intact for r in reports) else EXIT_USER
        report = get_issued(session, args.id)
        data, intact = bytes(report.pdf), check_intact(report)
    if not intact:
        raise ValidationError(f"已签发报告 {args.id} 的内容与签发时的校验值不一致，可能已被改动，未导出")
    if not args.output:
        raise ValidationError("请用 -o 文件.pdf 指定导出位置")
    write_file(Path(args.output), data)
    print(f"已导出已签发报告 {args.id}：{args.output}")
    return EXIT_OK


def _password_input() -> str:
    """BBC_PASSWORD, else typed twice at the terminal (never an argument: it would stay in the shell history)."""
    password = os.environ.get("BBC_PASSWORD", "")
    if password:
        return password
    if not sys.stdin.isatty():
        raise ValidationError("请在终端中输入密码，或通过环境变量 BBC_PASSWORD 提供")
    import getpass

    first = getpass.getpass("新账号的密码：")
    if getpass.getpass("再次输入密码：") != first:
        raise ValidationError("两次输入的密码不一致")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    from bbc_desktop.core import auth
    from bbc_desktop.core.domain import parse_enum

    db = _open(args)
    if args.users_command == "list":
        with db.session() as session:
            accounts = auth.list_accounts(session)
            now = _context_default().clock.now()
            for a in accounts:
                if a.password_hash is None:
                    state = "仅见于办理记录（不能登录）"
                elif not a.active:
                    state = "已停用"
                elif a.locked_until and a.locked_until > now:
                    state = f"锁定至 {a.locked_until:%H:%M}"
                else:
                    state = "启用" + ("（须修改密码）" if a.must_change_password else "")
                print(f"{a.username}\t{a.display_name}\t{Role(a.role).label}\t{state}")
        return EXIT_OK
    ctx = _context(args)
    with db.session() as session:
        if args.users_command == "add":
            account = auth.create_account(
                session, ctx, args.name, _password_input(), args.role, args.display or ""
            )
            message = f"已创建账号 {account.username}（{Role(account.role).label}）"
        elif args.users_command == "disable":
            auth.disable_account(session, ctx, args.name)
            message = f"已停用账号 {args.name}"
        elif args.users_command == "enable":
            auth.disable_account(session, ctx, args.name, active=True)
            message = f"已启用账号 {args.name}"
        elif args.users_command == "role":
            role = parse_enum(Role, args.role, "角色")
            auth.set_role(session, ctx, args.name, role)
            message = f"已将 {args.name} 的角色改为{role.label}"
        else:  # reset-password
            auth.reset_password(session, ctx, args.name, _password_input())
            message = f"已重置 {args.name} 的密码，该账号下次登录时须修改密码"
    print(message)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from bbc_desktop.core.backup import backup_folder, daily_backup, make_backup
    from bbc_desktop.core.settings import get_setting

    db = _open(args)
    _require(args, db, "admin")
    if args.output:
        made = make_backup(db, Path(args.output))
    else:
        with db.session() as session:
            folder = backup_folder(db, get_setting(session, "backup_folder"))
        made = daily_backup(db, folder, _context_default().clock.now(), force=True)
    print(f"已备份数据库：{made}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Verify the file, keep the current database as a backup, replace it; no prompt (scripts, CI)."""
    from bbc_desktop.core.backup import backup_folder, restore
    from bbc_desktop.core.settings import get_setting
    from bbc_desktop.db.session import open_database

    db = _open(args)
    _require(args, db, "admin")
    with db.session() as session:
        folder = backup_folder(db, get_setting(session, "backup_folder"))
    kept, count = restore(db, Path(args.file), folder, _context_default().clock.now())
    open_database(args.db).dispose()  # an older backup is brought up to this version's schema
    print(f"已从“{args.file}”恢复数据库（工单 {count} 件）；恢复前的数据库已备份为：{kept}")
    return EXIT_OK


def cmd_migrate_to(args: argparse.Namespace) -> int:
    """Copy the whole database (``--db``/BBC_DB/this PC's choice) onto a new, empty one — the server."""
    from bbc_desktop.db.transfer import copy_database

    db = _open(args)
    _require(args, db, "admin")
    done = copy_database(db, args.url)
    print(
        f"已将“{db.describe()}”的全部数据复制到“{done.target}”：工单 {done.tickets} 件，"
        f"办理记录 {done.rows.get('events', 0)} 条，附件文件 {done.attachments} 个"
    )
    if args.use:
        from bbc_desktop.db.location import save_target

        save_target(args.url)
        print("本机今后使用该数据库（bbc database show 查看）")
    return EXIT_OK


def cmd_database(args: argparse.Namespace) -> int:
    """Which database this PC uses: show it, test one, or choose one (as 设置 → 数据库连接 does)."""
    from bbc_desktop.db.location import config_file, probe, save_target, saved_target
    from bbc_desktop.db.session import default_db_path, describe_url, resolve_url

    if args.database_command == "show":
        url = resolve_url(args.db)
        shown = describe_url(url)
        origin = (
            "--db"
            if args.db
            else "环境变量 BBC_DB"
            if os.environ.get("BBC_DB")
            else f"本机设置 {config_file()}"
            if saved_target()
            else "默认位置"
        )
        print(f"{shown}（{origin}）")
        return EXIT_OK
    if args.database_command == "test":
        print(probe(args.target).summary())
        return EXIT_OK
    target = None if args.target == "default" else args.target
    if target is not None and "://" not in target:
        target = str(Path(target).expanduser().resolve())
    found = probe(target if target is not None else str(default_db_path()))
    save_target(target)
    print(found.summary())
    print("本机今后使用该数据库")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """The database's own integrity and the audit chain; exit 1 when anything is wrong."""
    from bbc_desktop.core.audit import verify, verify_state

    db = _open(args)
    problems = []
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            found = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            if found == ["ok"]:
                print("数据库文件完整性：正常")
            else:
                problems.append("数据库文件完整性检查未通过：" + "；".join(found[:5]))
        report = verify(connection)
        disagreement = verify_state(connection)
    if disagreement:
        problems.append(disagreement)
    else:
        print("工单状态、账号角色与办理记录一致")
    if report.ok:
        print(f"审计链：共 {report.events} 条记录，完整")
        print(f"审计链末端校验值：{report.head}（可抄录留存，日后核对历史记录是否被整体改写）")
    else:
        problems.append(report.problem)
    for problem in problems:
        print(f"错误：{problem}", file=sys.stderr)
    return EXIT_USER if problems else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from bbc_desktop.core.domain import EVENT_LABELS
    from bbc_desktop.core.queries import history
    from bbc_desktop.core.tickets import get_ticket

    db = _open(args)
    with db.session() as session:
        ticket = get_ticket(session, args.number)
        row = _rows(session, [ticket.id])[0]
        if args.reveal and ticket.confidential:
            from bbc_desktop.core.privacy import reveal_identity

            name, company, phone = reveal_identity(session, _context(args), ticket)  # recorded
            row.update(name=name, company=company, phone=phone, reporter=company or name)
        row["history"] = history(ticket)
    if args.json:
        _print_json([row])
        return EXIT_OK
    labels = [
        ("受理编号", "number"),
        ("牌色", "grade_label"),
        ("状态", "status_label"),
        ("反映人", "reporter"),
        ("电话", "phone"),
        ("受理时间", "accepted_at"),
        ("承办单位", "unit"),
        ("办理期限", "due"),
        ("反映内容", "content"),
        ("办理结果", "result"),
        ("答复", "reply"),
    ]
    for label, key in labels:
        value = row.get(key)
        print(f"{label}：{value if value not in (None, '') else '—'}")
    if row["provisional"]:
        print("（办理期限为暂定：该年度节假日安排尚未录入）")
    if row["overdue"]:
        print(f"（已超期 {row['overdue_workdays']} 个工作日）")
    if row["imported_from"]:
        print(f"（从旧台账导入：{row['imported_from']}）")
    print("办理记录：")
    for event in row["history"]:
        label = EVENT_LABELS.get(event["kind"], event["kind"])
        print(f"  {event['at']}  {event['account'] or ''}  {label}  {event['note']}".rstrip())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from bbc_desktop.io.json_io import write_export

    db = _open(args)
    _require(args, db, "admin")  # full fidelity: confidential identities too
    with db.session() as session:
        count = write_export(session, args.json)
    print(f"已导出工单 {count} 件到 {args.json}")
    return EXIT_OK


def _write_pdf(args: argparse.Namespace, make, paper: str) -> int:  # type: ignore[no-untyped-def]
    from bbc_desktop.printing.documents import PAPERS, mark_printed

    what = PAPERS[paper]
    ctx = _context(args)
    db = _open(args)
    with db.session() as session:
        rendered = make(session, args.numbers, ctx.clock.today())
        target = Path(args.output or f"{args.numbers[0]}{'-' + what if paper != 'slip' else ''}.pdf")
        try:
            target.write_bytes(rendered.pdf)
        except OSError as exc:
            raise ValidationError(f"无法写入文件“{target}”：{exc.strerror}") from exc
        mark_printed(session, ctx, args.numbers, paper, f"生成PDF文件 {target.name}")
    if rendered.missing:
        print(f"注意：以下字符没有可用字体，已印为〓：{''.join(sorted(rendered.missing))}", file=sys.stderr)
    print(f"已生成{what} {len(args.numbers)} 份（{rendered.pages} 页）：{target}")
    return EXIT_OK


def cmd_slip(args: argparse.Namespace) -> int:
    from bbc_desktop.printing.documents import slips_pdf

    return _write_pdf(args, slips_pdf, "slip")


def cmd_receipt(args: argparse.Namespace) -> int:
    from bbc_desktop.printing.documents import receipts_pdf

    return _write_pdf(args, receipts_pdf, "receipt")


def cmd_urge(args: argparse.Namespace) -> int:
    from bbc_desktop.core.unit_side import urge_due
    from bbc_desktop.printing.documents import urge_pdf, write_file

    db = _open(args)
    with db.session() as session:
        ctx = _context(args)
        numbers = list(args.numbers) + (urge_due(session, ctx.clock.today()) if args.due else [])
        if not numbers:
            print("没有需要催办的工单")
            return EXIT_OK
        pdf = urge_pdf(session, ctx, list(dict.fromkeys(numbers)), "overdue" if args.due else "manual")
        write_file(
            Path(args.output), pdf
        )  # in the unit of work: a file that cannot be written records nothing
    print(f"已催办 {len(set(numbers))} 件并生成催办通知书：{args.output}")
    return EXIT_OK


def cmd_escalate_due(args: argparse.Namespace) -> int:
    from bbc_desktop.core.tickets import load_calendar
    from bbc_desktop.core.unit_side import escalate_overdue, escalation_due

    db = _open(args)
    with db.session() as session:
        ctx = _context(args)
        done = escalate_overdue(
            session, ctx, escalation_due(session, ctx.clock.today(), load_calendar(session))
        )
    for number in done:
        print(number)
    print(f"已移交督办 {len(done)} 件", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from bbc_desktop.io.json_io import import_data

    try:
        data = json.loads(Path(args.json).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(f"无法读取文件“{args.json}”：{exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"文件“{args.json}”不是有效的 JSON 数据：{exc}") from exc
    db = _open(args)
    _require(args, db, "admin")
    with db.session() as session:
        count = import_data(session, data)
    print(f"已导入工单 {count} 件")
    return EXIT_OK


def cmd_holidays_import(args: argparse.Namespace) -> int:
    from bbc_desktop.core.holidays import read_csv_file, save_days

    days = read_csv_file(args.file)
    db = _open(args)
    with db.session() as session:
        count = save_days(session, _context(args), days)
    print(f"已录入节假日安排 {count} 天")
    return EXIT_OK


def cmd_holidays_list(args: argparse.Namespace) -> int:
    from bbc_desktop.core.calendar import WorkCalendar
    from bbc_desktop.core.holidays import list_days

    db = _open(args)
    with db.session() as session:
        days = list_days(session, args.year)
    calendar = WorkCalendar()
    first, last = calendar.covered_years()
    if days:
        print(f"{args.year}年：已录入官方安排 {len(days)} 天")
    elif calendar.covers(args.year):
        print(f"{args.year}年：使用内置节假日数据（覆盖 {first}–{last} 年），未另行录入")
    else:
        print(
            f"{args.year}年：内置数据（{first}–{last} 年）不含该年，且未录入官方安排；办理期限按周末和固定节日暂定"
        )
    for day in days:
        print(f"{day.day.isoformat()}\t{'workday' if day.workday else 'holiday'}\t{day.name}")
    return EXIT_OK


def cmd_units(args: argparse.Namespace) -> int:
    from bbc_desktop.core.units import list_units

    db = _open(args)
    with db.session() as session:
        units = list_units(session, include_retired=args.all)
        rows = [
            {"name": u.name, "active": u.active, "deputy": u.deputy, "liaison": u.liaison, "phone": u.phone}
            for u in units
        ]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(row["name"] + ("" if row["active"] else "（已停用）"))
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    from bbc_desktop.core.settings import LABELS, all_settings, save_settings

    db = _open(args)
    with db.session() as session:
        if args.key and args.value is not None:
            save_settings(session, _context(args), {args.key: args.value})
        values = all_settings(session)
    for key, label in LABELS.items():
        print(f"{key}\t{label}\t{values.get(key, '')}")
    return EXIT_OK


_UNIT_SIDE_VERBS = frozenset({"ack", "send-back", "keep", "extend", "reassign", "extension"})


def _decide(approve: bool) -> Callable[..., Any]:
    def call(session, ctx, args):  # type: ignore[no-untyped-def]
        from bbc_desktop.core import unit_side as u

        told = getattr(args, "told", None)
        return u.decide_extension(session, ctx, args.number, approve, args.note, told)

    return call


def _unit_side_state(ticket) -> str:  # type: ignore[no-untyped-def]
    """After a unit-side verb: the request awaiting a ruling, else the due date and who holds it."""
    from bbc_desktop.core.domain import NOT_ACKNOWLEDGED, Pending
    from bbc_desktop.core.tickets import lead_assignment

    if ticket.pending:
        return f"\t{Pending(ticket.pending).label}"
    lead = lead_assignment(ticket)
    unit = lead.unit.name if lead is not None else ""
    ack = "已签收" if ticket.acknowledged_at is not None else NOT_ACKNOWLEDGED
    due = ticket.due_date.isoformat() if ticket.due_date else ""
    return f"\t{unit}\t{ack}\t{due}"


def _step(name: str, call: Callable[..., Any]) -> Callable[[argparse.Namespace], int]:
    """A lifecycle verb: open, run one core step on the numbered ticket, print its new status."""

    def run(args: argparse.Namespace) -> int:
        from bbc_desktop.core.domain import Status

        db = _open(args)
        with db.session() as session:
            ticket = call(session, _context(args), args)
            status = Status(ticket.status).label
            number = ticket.number
            extra = _unit_side_state(ticket) if name in _UNIT_SIDE_VERBS else ""
        print(f"{number}\t{status}{extra}")
        return EXIT_OK

    run.__name__ = f"cmd_{name}"
    return run


def _when(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from bbc_desktop.core.validation import parse_datetime

    return parse_datetime(args.at, "时间") if getattr(args, "at", None) else None


def _lifecycle_verbs() -> list[
    tuple[str, str, Callable[[argparse._ActionsContainer], None], Callable[..., Any]]
]:
    from bbc_desktop.core import tickets as t
    from bbc_desktop.core import unit_side as u

    def _reassign(s, c, a):  # type: ignore[no-untyped-def]
        ticket = t.get_ticket(s, a.number)
        if ticket.pending == "send_back":
            return u.rule_send_back(s, c, ticket, unit=a.unit, note=a.reason)
        return t.reassign(s, c, ticket, a.unit, a.reason)

    def opts(*spec: tuple[str, dict[str, Any]]) -> Callable[[argparse._ActionsContainer], None]:
        def add(parser: argparse._ActionsContainer) -> None:
            for flag, kwargs in spec:
                parser.add_argument(flag, **kwargs)

        return add

    at = ("--at", {"help": "发生时间 YYYY-MM-DD[THH:MM]，默认现在"})
    return [
        (
            "dispatch",
            "转办承办单位",
            opts(
                ("--unit", {"required": True, "help": "承办单位"}),
                ("--co-unit", {"action": "append", "help": "协办单位（可重复）"}),
                ("--note", {"default": "", "help": "批转意见"}),
            ),
            lambda s, c, a: t.dispatch(s, c, a.number, a.unit, tuple(a.co_unit or ()), a.note),
        ),
        (
            "on-spot",
            "当场解决（仅蓝牌）",
            opts(
                ("--result", {"required": True, "help": "办理结果"}),
                ("--method", {"default": None, "help": "oral / written / phone；书面投诉默认书面"}),
            ),
            lambda s, c, a: t.resolve_on_spot(s, c, a.number, a.result, a.method),
        ),
        (
            "result",
            "登记承办单位的办理结果",
            opts(
                ("--text", {"required": True, "help": "办理结果"}),
                ("--signer", {"default": "", "help": "主管领导签字"}),
                ("--phone", {"default": "", "help": "联系电话"}),
                at,
            ),
            lambda s, c, a: t.record_result(s, c, a.number, a.text, a.signer, a.phone, _when(a)),
        ),
        (
            "reply",
            "答复反映人",
            opts(
                ("--method", {"required": True, "help": "oral / written / phone"}),
                ("--text", {"required": True, "help": "答复内容"}),
                at,
            ),
            lambda s, c, a: t.reply(s, c, a.number, a.method, a.text, _when(a)),
        ),
        (
            "visit",
            "回访（不满意则重新办理）",
            opts(
                ("--satisfaction", {"required": True, "help": "satisfied / basically / unsatisfied"}),
                ("--notes", {"default": "", "help": "回访情况"}),
                ("--by", {"default": "", "help": "回访负责人"}),
                at,
            ),
            lambda s, c, a: t.visit(s, c, a.number, a.satisfaction, a.notes, a.by, _when(a)),
        ),
        ("close", "结案", opts(("--note", {"default": ""})), lambda s, c, a: t.close(s, c, a.number, a.note)),
        ("archive", "归档", opts(), lambda s, c, a: t.archive(s, c, a.number)),
        (
            "explain",
            "解释说明（不属受理范围或因政策法规无法解决）",
            opts(
                ("--text", {"default": "", "help": "说明内容；选用知识库时可不填（即用条目原文和依据）"}),
                ("--library", {"default": None, "help": "选用的知识库条目（标题或编号）"}),
                ("--method", {"default": None, "help": "oral / written / phone；书面投诉默认书面"}),
            ),
            lambda s, c, a: t.explain(s, c, a.number, a.text, a.method, a.library),
        ),
        (
            "escalate",
            "移交督办",
            opts(("--note", {"default": ""})),
            lambda s, c, a: t.escalate(s, c, a.number, a.note),
        ),
        (
            "reassign",
            "改派承办单位（有待审定的退单时即为审定退单：改派）",
            opts(
                ("--unit", {"required": True}),
                ("--reason", {"default": "", "help": "改派理由；审定退单时为审定意见，可不填"}),
            ),
            _reassign,
        ),
        (
            "ack",
            "登记承办单位签收交办单",
            opts(
                ("--by", {"default": "", "help": "承办单位签收人"}),
                (
                    "--how",
                    {"default": "phone", "help": "phone（电话确认）/ scan（回执扫描件）/ in_person（当面）"},
                ),
                at,
            ),
            lambda s, c, a: u.acknowledge(s, c, a.number, a.by, a.how, _when(a)),
        ),
        (
            "send-back",
            "登记承办单位退单（须在办理期限届满前）",
            opts(
                (
                    "--grounds",
                    {
                        "default": "other",
                        "help": "territory（属地不符）/ ownership（权属不清）/ overlap（职能交叉）/ other（其他）",
                    },
                ),
                ("--reason", {"default": "", "help": "退单说明；理由为“其他”时必填"}),
                ("--by", {"default": "", "help": "承办单位经办人"}),
            ),
            lambda s, c, a: u.send_back(s, c, a.number, a.grounds, a.reason, a.by),
        ),
        (
            "keep",
            "审定退单：不予认可，仍由原承办单位办理（期限不变）",
            opts(("--note", {"required": True, "help": "审定意见"})),
            lambda s, c, a: u.rule_send_back(s, c, a.number, note=a.note),
        ),
        (
            "extend",
            "登记承办单位的延期申请（须在办理期限届满前）",
            opts(
                ("--days", {"required": True, "type": int, "help": "延期的工作日数"}),
                ("--reason", {"required": True, "help": "延期理由"}),
                ("--by", {"default": "", "help": "承办单位经办人"}),
            ),
            lambda s, c, a: u.request_extension(s, c, a.number, a.days, a.reason, a.by),
        ),
        (
            "grade",
            "调整牌色",
            opts(
                ("--to", {"required": True, "help": "blue / yellow / red"}), ("--reason", {"required": True})
            ),
            lambda s, c, a: t.change_grade(s, c, a.number, a.to, a.reason),
        ),
        (
            "void",
            "作废（不删除）",
            opts(("--reason", {"required": True})),
            lambda s, c, a: t.void(s, c, a.number, a.reason),
        ),
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bbc",
        description="“办不成事”反映窗口 命令行工具（与桌面程序使用同一数据库和规则）",
        epilog="数据库：--db 文件路径或数据库地址，或环境变量 BBC_DB；默认使用本机用户数据目录中的文件。",
    )
    parser.add_argument("--version", action="version", version=f"bbc {__version__}")
    parser.add_argument(
        "--db", help="数据库文件路径或 SQLAlchemy 地址（默认：环境变量 BBC_DB 或用户数据目录）"
    )
    parser.add_argument(
        "--as",
        dest="acting",
        metavar="账号",
        help="以此登录账号操作（默认：环境变量 BBC_AS；密码从终端输入或取自 BBC_AS_PASSWORD）；设置了登录账号后必须指明",
    )
    parser.add_argument(
        "--operator", help="尚未设置登录账号时记入办理记录的操作员姓名（默认：环境变量 BBC_OPERATOR）"
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("init", help="创建或升级数据库")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="生成演示数据")
    p.add_argument("--tickets", type=int, default=300, help="工单数量（默认 300）")
    p.add_argument("--seed", type=int, default=None, help="随机种子（相同种子生成相同数据）")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("due", help="计算办理期限（工作日）")
    p.add_argument("--grade", required=True, help="blue / yellow / red（蓝牌 / 黄牌 / 红牌）")
    p.add_argument("--accepted", required=True, help="受理时间 YYYY-MM-DD[THH:MM]")
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("intake", help="受理并转办一件工单，输出受理编号")
    p.add_argument("--name", default="", help="反映人姓名（企业为联系人）")
    p.add_argument("--phone", default="", help="反映人电话")
    p.add_argument("--content", required=True, help="反映内容；@文件 读取 UTF-8 文件，- 读取标准输入")
    p.add_argument("--grade", required=True, help="blue / yellow / red")
    p.add_argument("--unit", help="承办单位（不填则只受理不转办）")
    p.add_argument("--co-unit", action="append", help="协办单位（可重复）")
    p.add_argument("--note", default="", help="批转意见")
    p.add_argument("--kind", default="person", help="person（群众）/ company（企业）")
    p.add_argument("--company", default="", help="企业名称")
    p.add_argument("--source", default="visit", help="visit / phone / letter / online / superior / other")
    p.add_argument("--category", help="受理事项范围 1-5")
    p.add_argument("--form", default="oral", help="oral（口头）/ written（书面）")
    p.add_argument("--confidential", action="store_true", help="反映人要求保密")
    p.add_argument("--anonymous", action="store_true", help="匿名反映（无法答复和回访）")
    p.add_argument("--accepted", help="受理时间 YYYY-MM-DD[THH:MM]，默认现在")
    p.set_defaults(func=cmd_intake)

    p = sub.add_parser("list", help="列出工单（按紧急程度排序）")
    p.add_argument("--status", help="状态，可用逗号分隔多个")
    p.add_argument("--grade", help="牌色，可用逗号分隔多个")
    p.add_argument("--unit", help="承办单位")
    p.add_argument("--overdue", action="store_true", help="只列超期未办结的")
    p.add_argument("--due-soon", action="store_true", help="只列今天或下一个工作日到期的")
    p.add_argument("--from", dest="accepted_from", metavar="YYYY-MM-DD", help="受理日期起")
    p.add_argument("--to", dest="accepted_to", metavar="YYYY-MM-DD", help="受理日期止")
    p.add_argument("--search", metavar="文字", help="在编号、姓名、企业、电话和反映内容中查找")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_list)

    for verb, func, what in (("slip", cmd_slip, "交办单"), ("receipt", cmd_receipt, "受理回执")):
        p = sub.add_parser(verb, help=f"生成{what} PDF：bbc {verb} 受理编号 [受理编号 …] -o 文件.pdf")
        p.add_argument(
            "numbers", nargs="+", metavar="受理编号", help="一个或多个受理编号，多个时合为一个 PDF"
        )
        p.add_argument("-o", "--output", metavar="文件.pdf", help="输出文件（默认：受理编号.pdf）")
        p.set_defaults(func=func)

    p = sub.add_parser(
        "ledger", help="导出台账（附件3的格式）：bbc ledger --from 日期 --to 日期 -o 文件.xlsx|文件.pdf"
    )
    p.add_argument("-o", "--output", required=True, metavar="文件", help=".xlsx（Excel）或 .pdf")
    p.add_argument("--from", dest="accepted_from", metavar="YYYY-MM-DD", help="受理日期起")
    p.add_argument("--to", dest="accepted_to", metavar="YYYY-MM-DD", help="受理日期止")
    p.add_argument("--status", help="状态，可用逗号分隔多个")
    p.add_argument("--grade", help="牌色，可用逗号分隔多个")
    p.add_argument("--unit", help="承办单位")
    p.add_argument("--overdue", action="store_true", help="只导出超期未办结的")
    p.add_argument("--search", metavar="文字", help="在编号、姓名、企业、电话和反映内容中查找")
    p.set_defaults(func=cmd_ledger)

    p = sub.add_parser("notice", help="生成超期通报 PDF：bbc notice --from 日期 --to 日期 -o 文件.pdf")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="办理期限在此日及以后")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="办理期限在此日及以前")
    p.add_argument("-o", "--output", required=True, metavar="文件.pdf")
    p.set_defaults(func=cmd_notice)

    p = sub.add_parser(
        "knowledge", help="知识库：解释说明常用的政策法规说明（list / add / retire / restore）"
    )
    ksub = p.add_subparsers(dest="knowledge_command", required=True, metavar="list|add|retire|restore")
    k = ksub.add_parser("list", help="列出条目及使用次数")
    k.add_argument("--all", action="store_true", help="包括已停用的条目")
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=cmd_knowledge)
    k = ksub.add_parser("add", help="添加条目")
    k.add_argument("--title", required=True)
    k.add_argument("--text", required=True, help="向反映人解释说明的内容")
    k.add_argument("--citation", default="", help="政策法规依据")
    k.set_defaults(func=cmd_knowledge)
    for verb, text in (("retire", "停用条目（不删除）"), ("restore", "重新启用条目")):
        k = ksub.add_parser(verb, help=text)
        k.add_argument("entry", help="条目标题或编号")
        k.set_defaults(func=cmd_knowledge)

    p = sub.add_parser(
        "scores", help="承办单位考核：bbc scores --from 日期 --to 日期 [--json] [-o 文件.xlsx]"
    )
    p.add_argument(
        "--from", dest="start", required=True, metavar="YYYY-MM-DD", help="转办（收件）在此日及以后"
    )
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="转办（收件）在此日及以前")
    p.add_argument("--json", action="store_true", help="输出 JSON：每个单位一个对象")
    p.add_argument("-o", "--output", metavar="文件.xlsx", help="导出为 Excel 文件")
    p.set_defaults(func=cmd_scores)

    p = sub.add_parser(
        "import-ledger", help="导入手工台账 Excel（.xlsx）为历史工单，逐行报告导入或跳过的原因"
    )
    p.add_argument("file", metavar="文件.xlsx")
    p.add_argument("--preview", action="store_true", help="只预览每一行的结果，不写入数据库")
    p.set_defaults(func=cmd_import_ledger)

    p = sub.add_parser(
        "report", help="生成整改情况报告：bbc report --from 日期 --to 日期 -o 文件.pdf|文件.docx [--issue]"
    )
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="受理日期起")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="受理日期止")
    p.add_argument("-o", "--output", required=True, metavar="文件.pdf|文件.docx")
    p.add_argument("--overview", metavar="文字", help="情况概述（不填则按统计数据起草）")
    p.add_argument("--problems", metavar="文字", help="存在问题")
    p.add_argument("--measures", metavar="文字", help="整改措施")
    p.add_argument("--issue", action="store_true", help="签发：PDF 原样存档（再次签发为新版本）")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("issued", help="列出已签发的整改情况报告；--id N -o 文件.pdf 导出其存档原件")
    p.add_argument("--id", type=int, metavar="N", help="已签发报告的编号（见列表第一列）")
    p.add_argument("-o", "--output", metavar="文件.pdf")
    p.set_defaults(func=cmd_issued)

    roles = "、".join(f"{r.value}（{r.label}）" for r in Role)
    p = sub.add_parser(
        "users",
        help="登录账号：add 创建、list 列出、disable/enable 停用或启用、role 调整角色、reset-password 重置密码",
    )
    users = p.add_subparsers(dest="users_command", metavar="操作", parser_class=_Parser)
    users.required = True
    q = users.add_parser("add", help="创建登录账号（密码从终端输入，或取自环境变量 BBC_PASSWORD）")
    q.add_argument("name", metavar="账号")
    q.add_argument("--role", required=True, metavar="角色", help=roles)
    q.add_argument("--display", metavar="姓名", help="显示的姓名（默认同账号）")
    users.add_parser("list", help="列出账号")
    for verb, text in (
        ("disable", "停用账号（办理记录中的姓名保留）"),
        ("enable", "重新启用账号"),
        ("reset-password", "重置密码（下次登录须修改）"),
    ):
        q = users.add_parser(verb, help=text)
        q.add_argument("name", metavar="账号")
    q = users.add_parser("role", help="调整账号的角色")
    q.add_argument("name", metavar="账号")
    q.add_argument("role", metavar="角色", help=roles)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("backup", help="备份数据库（默认存入备份文件夹并按日、按月轮换；-o 指定文件）")
    p.add_argument("-o", "--output", metavar="文件.sqlite3")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复数据库：先校验备份，并把当前数据库另存为备份后再替换")
    p.add_argument("file", metavar="备份文件.sqlite3")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "migrate-to", help="把当前数据库的全部数据复制到新建的空数据库（如单位的数据库服务器）"
    )
    p.add_argument("url", metavar="地址", help="如 postgresql+psycopg://bbc:密码@192.168.1.10:5432/bbc")
    p.add_argument("--use", action="store_true", help="复制成功后本机改用该数据库")
    p.set_defaults(func=cmd_migrate_to)

    database = sub.add_parser("database", help="本机使用的数据库：查看、测试连接、更换")
    dsub = database.add_subparsers(dest="database_command", metavar="操作", parser_class=_Parser)
    dsub.required = True
    p = dsub.add_parser("show", help="显示本机当前使用的数据库")
    p = dsub.add_parser("test", help="测试连接一个数据库（不做任何改动）")
    p.add_argument("target", metavar="文件或地址")
    p = dsub.add_parser("use", help="测试连接后，本机今后使用该数据库（default：本机默认数据库文件）")
    p.add_argument("target", metavar="文件或地址")
    database.set_defaults(func=cmd_database)

    p = sub.add_parser("check", help="检查数据库完整性和审计链（历史记录是否被改动、删除）")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("show", help="查看一件工单及其办理记录")
    p.add_argument("number", help="受理编号")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument(
        "--reveal", action="store_true", help="显示保密反映人的姓名和电话（须有权限，记入办理记录）"
    )
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("export", help="导出全部数据（JSON）")
    p.add_argument("--json", required=True, metavar="FILE", help="导出文件")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="导入 bbc export 的数据（全部成功或全部不导入）")
    p.add_argument("--json", required=True, metavar="FILE", help="导入文件")
    p.set_defaults(func=cmd_import)

    holidays = sub.add_parser("holidays", help="节假日安排")
    hsub = holidays.add_subparsers(dest="holidays_command", metavar="操作", parser_class=_Parser)
    hsub.required = True
    p = hsub.add_parser("import", help="导入节假日 CSV（date,kind,name）")
    p.add_argument("file")
    p.set_defaults(func=cmd_holidays_import)
    p = hsub.add_parser("list", help="列出某年的节假日安排")
    p.add_argument("--year", type=int, required=True)
    p.set_defaults(func=cmd_holidays_list)

    p = sub.add_parser("units", help="列出承办单位")
    p.add_argument("--all", action="store_true", help="包括已停用的单位")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_units)

    p = sub.add_parser("settings", help="查看或修改设置：bbc settings [键 值]")
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p.set_defaults(func=cmd_settings)

    for name, help_text, add_options, call in _lifecycle_verbs():
        p = sub.add_parser(name, help=help_text)
        p.add_argument("number", help="受理编号")
        add_options(p)
        p.set_defaults(func=_step(name, call))

    p = sub.add_parser("extension", help="审批承办单位的延期申请（后台专员或领导）")
    decisions = p.add_subparsers(dest="decision", required=True, metavar="approve|refuse")
    approve = decisions.add_parser("approve", help="批准：期限自原到期日顺延，须告知反映人")
    approve.add_argument("number", help="受理编号")
    approve.add_argument(
        "--told", default=None, help="告知反映人的方式：oral / written / phone（匿名反映不需要）"
    )
    approve.add_argument("--note", default="", help="审批意见")
    approve.set_defaults(func=_step("extension", _decide(True)))
    refuse = decisions.add_parser("refuse", help="不批准：期限不变")
    refuse.add_argument("number", help="受理编号")
    refuse.add_argument("--note", required=True, help="不批准的理由")
    refuse.set_defaults(func=_step("extension", _decide(False)))

    p = sub.add_parser("urge", help="催办：记录并生成催办通知书（PDF，每件一页，抄送分管领导）")
    p.add_argument("numbers", nargs="*", metavar="受理编号", help="要催办的工单")
    p.add_argument("--due", action="store_true", help="另加所有期限已过、尚未发出催办通知书的工单")
    p.add_argument("-o", "--output", required=True, help="催办通知书 PDF 文件")
    p.set_defaults(func=cmd_urge)

    p = sub.add_parser("escalate-due", help="催办后满 5 个工作日仍未办结的工单，全部移交督办")
    p.set_defaults(func=cmd_escalate_due)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BbcError as exc:
        # One line, whatever the message holds (a listing of problems, or a typed line break echoed
        # back): a script reads the first line of stderr as the reason.
        print(
            "错误：" + "；".join(part.strip() for part in exc.message.splitlines() if part.strip()),
            file=sys.stderr,
        )
        return EXIT_USER
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return EXIT_USER
    except BrokenPipeError:  # `bbc list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last guard: a person sees one line, never a traceback
        print(f"错误：程序内部错误（{type(exc).__name__}）：{exc}", file=sys.stderr)
        return EXIT_USER


def run() -> None:
    """The ``bbc`` command: :func:`main`, then leave at once.

    Everything is committed and written by then; what is left is the interpreter taking SQLAlchemy
    and ReportLab apart object by object, which measured 0.2–0.5 s of a 1 s ``bbc slip``. The output
    is flushed first. The SQLite connections are closed, so that the WAL (already durable) is
    folded into the file and the file alone is the whole database.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        from bbc_desktop.db.session import close_sqlite_files

        close_sqlite_files()
    finally:
        os._exit(code)


if __name__ == "__main__":
    run()
