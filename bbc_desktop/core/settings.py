"""Settings of the window (district, window name, address, phone, numbering pattern) and their defaults."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.db.models import Setting

DEFAULTS: dict[str, str] = {
    "district": "北关区",
    "window_name": "“办不成事”反映窗口",
    "window_address": "区政务服务中心一楼大厅",
    "window_phone": "",
    "number_pattern": "BBC-{year}-{seq:04d}",
    # Empty: the fonts the program ships. Else a TrueType file of this PC, e.g. C:\\Windows\\Fonts\\simfang.ttf
    # or simsun.ttc#0 (a face of a collection).
    "print_font_text": "",
    "print_font_title": "",
    "idle_lock_minutes": "10",  # the window locks after this long without a key or click; 0: never
    "backup_folder": "",  # empty: backups/ beside the database file (core/backup.py)
    # The weights of the per-unit score (core/scores.py): "及时签收率=10，按期办结率=35，…".
    "score_weights": "及时签收率=10，按期办结率=35，答复率=10，满意率=25，未退单率=10，无重复反映率=5，未延期率=5",
}
LABELS: dict[str, str] = {
    "district": "区（县）名称",
    "window_name": "窗口名称",
    "window_address": "窗口地址",
    "window_phone": "窗口电话",
    "number_pattern": "受理编号格式",
    "print_font_text": "打印正文字体（宋体/仿宋，留空用程序自带字体）",
    "print_font_title": "打印标题字体（黑体，留空用程序自带字体）",
    "idle_lock_minutes": "无操作自动锁定（分钟，0 为不锁定）",
    "backup_folder": "备份文件夹（留空为数据库文件旁的 backups 文件夹）",
    "score_weights": "承办单位考核权重（指标=权重，以逗号分隔）",
}


def get_setting(session: Session, key: str) -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else DEFAULTS.get(key, "")


def all_settings(session: Session) -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update({row.key: row.value for row in session.scalars(select(Setting))})
    return values


def check_number_pattern(pattern: str) -> str:
    """A pattern must contain {year} and {seq} and format to a plausible number."""
    if "{year" not in pattern or "{seq" not in pattern:
        raise ValidationError("受理编号格式必须包含 {year} 和 {seq}，例如 BBC-{year}-{seq:04d}")
    try:
        sample = pattern.format(year=2026, seq=1)
    except (KeyError, ValueError, IndexError):
        raise ValidationError(f"受理编号格式“{pattern}”无法使用，只能包含 {{year}} 和 {{seq}}") from None
    if not sample or len(sample) > 40:
        raise ValidationError("受理编号格式生成的编号过长（最多40个字符）")
    return pattern


def _unknown(key: str) -> str:
    shown = " ".join(key.split())  # a typed line break or tab is not echoed raw
    return f"没有名为“{shown}”的设置项" if shown else "请给出设置项的名称"


def set_setting(session: Session, key: str, value: str) -> None:
    if key not in DEFAULTS and not key.startswith("internal."):
        raise ValidationError(_unknown(key))
    if key == "number_pattern":
        check_number_pattern(value)
    if key == "backup_folder":
        from bbc_desktop.core.backup import check_folder

        value = check_folder(value)
    if key == "score_weights":
        from bbc_desktop.core.scores import format_weights, parse_weights

        value = format_weights(parse_weights(value))
    if key == "idle_lock_minutes":
        if not value.strip().isdigit() or int(value) > 240:
            raise ValidationError("无操作自动锁定的时间应为 0 到 240 之间的整数（分钟），0 为不锁定")
        value = str(int(value))
    if key in ("print_font_text", "print_font_title"):
        from bbc_desktop.printing.fonts import check_font_file  # no ReportLab import: reads the file header

        value = check_font_file(value)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def save_settings(session: Session, ctx: Context, values: dict[str, str]) -> dict[str, str]:
    """An administrator changes settings: all checked first, then saved together as one event.

    Returns what changed (key -> new value).
    """
    from bbc_desktop.core.permissions import Permission, require
    from bbc_desktop.core.tickets import add_event

    require(session, ctx, Permission.ADMIN)
    unknown = [k for k in values if k not in DEFAULTS]
    if unknown:
        raise ValidationError(_unknown(unknown[0]))
    current = all_settings(session)
    changed = {k: str(v) for k, v in values.items() if str(v) != current.get(k, "")}
    for key, value in changed.items():
        set_setting(session, key, value)  # validates; a refusal rolls the whole change back
    if changed:
        saved = all_settings(session)
        add_event(
            session,
            ctx,
            None,
            "settings_changed",
            before={k: current.get(k, "") for k in changed},
            after={k: saved[k] for k in changed},
            note="修改设置：" + "、".join(LABELS.get(k, k) for k in changed),
        )
        session.flush()
    return changed
