"""The units directory (承办单位), seeded from attachment 1 of the source document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import NotFound, ValidationError
from bbc_desktop.db.models import Unit

# The offices of the leading group's members, by the names the hall uses; no person's name is shipped.
SEED_UNITS: tuple[str, ...] = (
    "区纪委监委",
    "区委区政府督查局",
    "区政务服务和大数据管理局",
    "区委编办",
    "区发改委",
    "区教育局",
    "区民政局",
    "区人社局",
    "区自然资源局",
    "区交通运输局",
    "区卫健委",
    "区市场监督管理局",
    "区医保局",
    "区税务局",
    "区统计局",
    "区工信局",
    "区司法局",
    "区生态环境局",
    "区农业农村局",
    "区建筑业管理局",
    "区商务局",
    "区残联",
    "区城管执法局",
    "区退役军人事务局",
    "区文广体旅局",
    "区民族宗教事务局",
    "区应急管理局",
    "区财政局",
    "区住建局",
    "区公安分局",
    "区消防救援大队",
    "区金融服务中心",
    "区房管事务中心",
    "区档案馆",
    "区新闻出版局",
    "柏庄镇",
)


def seed_units(session: Session) -> int:
    """Add the seed units that are missing; returns how many were added."""
    existing = set(session.scalars(select(Unit.name)))
    added = 0
    for order, name in enumerate(SEED_UNITS, start=1):
        if name not in existing:
            kind = "town" if name.endswith("镇") else "office"
            session.add(Unit(name=name, kind=kind, sort_order=order))
            added += 1
    return added


def find_unit(session: Session, name_or_id: str | int, what: str = "承办单位") -> Unit:
    """Look a unit up by its exact name (an ``int`` is an id); a retired unit is still found.

    Text is always a name, never an id, even when it is all digits: the operator types names.
    """
    if isinstance(name_or_id, int):
        unit = session.get(Unit, name_or_id)
    else:
        if not name_or_id.strip():
            raise ValidationError(f"请选择{what}")
        unit = session.scalar(select(Unit).where(Unit.name == name_or_id.strip()))
    if unit is None:
        raise NotFound(f"{what}“{name_or_id}”不在单位名录中，请先由管理员添加")
    return unit


def list_units(session: Session, *, include_retired: bool = False) -> list[Unit]:
    query = select(Unit).order_by(Unit.sort_order, Unit.id)
    if not include_retired:
        query = query.where(Unit.active.is_(True))
    return list(session.scalars(query))


UNIT_FIELDS = {
    "name": ("单位名称", 100),
    "deputy": ("分管副职", 64),
    "deputy_phone": ("分管副职电话", 32),
    "liaison": ("联络人", 64),
    "liaison_phone": ("联络人电话", 32),
    "phone": ("单位电话", 32),
    "address": ("单位地址", 200),
}


def save_unit(session: Session, ctx: Context, unit_id: int | None, values: dict[str, str]) -> Unit:
    """Add a unit (``unit_id`` None) or edit one; an administrator's change, recorded as an event."""
    from bbc_desktop.core.permissions import Permission, require
    from bbc_desktop.core.tickets import add_event
    from bbc_desktop.core.validation import clean_text

    require(session, ctx, Permission.ADMIN)
    clean = {
        key: clean_text(values.get(key, ""), label, limit=limit, required=key == "name")
        for key, (label, limit) in UNIT_FIELDS.items()
    }
    other = session.scalar(select(Unit).where(Unit.name == clean["name"]))
    if other is not None and other.id != unit_id:
        raise ValidationError(f"单位名录中已有“{clean['name']}”")
    if unit_id is None:
        last = max((u.sort_order for u in session.scalars(select(Unit))), default=0)
        unit = Unit(
            sort_order=last + 1, kind="town" if clean["name"].endswith(("镇", "街道办事处")) else "office"
        )
        session.add(unit)
        before: dict[str, str] = {}
    else:
        found = session.get(Unit, unit_id)
        if found is None:
            raise NotFound("该单位已不在名录中")
        unit = found
        before = {key: getattr(unit, key) for key in UNIT_FIELDS}
    for key, value in clean.items():
        setattr(unit, key, value)
    session.flush()
    changed = {k: v for k, v in clean.items() if before.get(k) != v}
    if changed:
        add_event(
            session,
            ctx,
            None,
            "unit_saved",
            before={k: before[k] for k in changed if k in before} or None,
            after=changed,
            note=("添加承办单位 " if not before else "修改承办单位 ") + clean["name"],
        )
        session.flush()
    return unit


def set_unit_active(session: Session, ctx: Context, unit_id: int, active: bool) -> Unit:
    """停用 (retire) or 启用 a unit. A unit is never deleted: its tickets keep naming it."""
    from bbc_desktop.core.permissions import Permission, require
    from bbc_desktop.core.tickets import add_event

    require(session, ctx, Permission.ADMIN)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("该单位已不在名录中")
    if unit.active != active:
        unit.active = active
        add_event(
            session,
            ctx,
            None,
            "unit_saved",
            after={"name": unit.name, "active": active},
            note=("启用" if active else "停用") + f"承办单位 {unit.name}",
        )
        session.flush()
    return unit
