"""The units directory (承办单位), seeded from attachment 1 of the source document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

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
