"""The figures of the 整改情况报告 for a period: what the back-office specialist reports upward.

All figures are of the tickets accepted in the period; voided ones are counted apart and left out
of the rest. Rates are None when there is nothing to divide by (the report then says 无), never a
made-up 0 %. ``ReportFigures.as_dict`` is plain JSON data, stored with an issued report so that the
report can be shown again exactly as issued, whatever happens to the tickets afterwards.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import (
    AWAITING_RESULT,
    GRADES,
    Category,
    Grade,
    Satisfaction,
    Source,
    Status,
)
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.queries import NO_UNIT, outerjoin_lead_unit
from bbc_desktop.core.scores import unit_scores
from bbc_desktop.core.tickets import lateness
from bbc_desktop.db.models import Ticket, Unit

__all__ = ["SECTIONS", "LateItem", "ReportFigures", "UnitFigures", "report_figures"]

_AWAITING = {s.value for s in AWAITING_RESULT}
SECTIONS = ("情况概述", "存在问题", "整改措施")  # the specialist's own text in the report
UNCATEGORISED = "未分类"


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    total: int
    with_result: int
    late: int


@dataclass(frozen=True)
class LateItem:
    number: str
    unit: str
    grade: str
    due_date: str  # ISO
    late_workdays: int
    open: bool


@dataclass(frozen=True)
class ReportFigures:
    start: str  # ISO dates: the figures are stored as JSON with an issued report
    end: str
    total: int
    voided: int
    by_grade: dict[str, int]
    by_category: dict[str, int]
    by_source: dict[str, int]
    by_unit: list[UnitFigures]
    on_spot: int
    with_result: int
    on_time: int
    average_workdays_to_result: float | None
    late: list[LateItem]
    escalations: list[dict[str, str]]
    satisfaction: dict[str, int]
    weekly: list[tuple[str, int]]  # (Monday of the week, tickets accepted that week)
    extra: dict[str, Any] = field(default_factory=dict)
    # Imported from an old ledger with no grade, hence no deadline: with a result, they are outside
    # the on-time rate (neither on time nor late).
    undated_with_result: int = 0
    # The per-unit scores (考核) of the slips handed out in the period (core/scores.py, as JSON);
    # empty in reports issued before scores existed.
    unit_scores: list[dict[str, Any]] = field(default_factory=list)

    @property
    def on_spot_rate(self) -> float | None:
        return self.on_spot / self.total if self.total else None

    @property
    def on_time_rate(self) -> float | None:
        dated = self.with_result - self.undated_with_result
        return self.on_time / dated if dated else None

    @property
    def satisfied_rate(self) -> float | None:
        visited = sum(self.satisfaction.values())
        if not visited:
            return None
        pleased = self.satisfaction.get(Satisfaction.SATISFIED.label, 0) + self.satisfaction.get(
            Satisfaction.BASICALLY.label, 0
        )
        return pleased / visited

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportFigures:
        values = dict(data)
        values["by_unit"] = [UnitFigures(**u) for u in values["by_unit"]]
        values["late"] = [LateItem(**item) for item in values["late"]]
        values["weekly"] = [tuple(week) for week in values["weekly"]]
        return cls(**values)


def report_figures(
    session: Session, start: date, end: date, today: date, calendar: WorkCalendar
) -> ReportFigures:
    if start > end:
        raise ValidationError("报告期的起始日不能晚于截止日")
    query = (
        select(
            Ticket.number,
            Ticket.status,
            Ticket.grade,
            Ticket.category,
            Ticket.source,
            Ticket.accepted_at,
            Ticket.due_date,
            Ticket.result_at,
            Ticket.on_the_spot,
            Ticket.escalated_to,
            Ticket.escalated_at,
            Ticket.satisfaction,
            Unit.name.label("unit_name"),
        )
        .where(
            Ticket.accepted_at >= datetime.combine(start, datetime.min.time()),
            Ticket.accepted_at < datetime.combine(end + timedelta(days=1), datetime.min.time()),
        )
        .order_by(Ticket.accepted_at, Ticket.id)
    )
    grades: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    satisfaction: Counter[str] = Counter()
    weeks: Counter[date] = Counter()
    units: dict[str, list[int]] = {}
    total = voided = on_spot = with_result = on_time = undated_with_result = 0
    to_result: list[int] = []
    late: list[LateItem] = []
    escalations: list[dict[str, str]] = []
    for r in session.execute(outerjoin_lead_unit(query)):
        if r.status == Status.VOIDED.value:
            voided += 1
            continue
        total += 1
        grades[Grade(r.grade).label] += 1
        categories[Category(r.category).label if r.category else UNCATEGORISED] += 1
        sources[Source(r.source).label] += 1
        accepted = r.accepted_at.date()
        weeks[accepted - timedelta(days=accepted.weekday())] += 1
        unit = r.unit_name or NO_UNIT
        figures = units.setdefault(unit, [0, 0, 0])
        figures[0] += 1
        on_spot += bool(r.on_the_spot)
        if r.result_at is not None:
            with_result += 1
            figures[1] += 1
            to_result.append(calendar.workdays_between(accepted, r.result_at.date()))
        late_by = lateness(r.status, r.due_date, r.result_at, today, calendar)
        if r.due_date is None:
            undated_with_result += r.result_at is not None
        elif late_by is None:
            on_time += r.result_at is not None
        else:
            figures[2] += 1
            late.append(_late(r, unit, late_by, r.result_at is None))
        if r.escalated_at is not None:
            escalations.append(
                {
                    "number": r.number,
                    "to": r.escalated_to,
                    "at": r.escalated_at.date().isoformat(),
                    "unit": unit,
                }
            )
        if r.satisfaction:
            satisfaction[Satisfaction(r.satisfaction).label] += 1
    weekly = []
    week = start - timedelta(days=start.weekday())
    while week <= end:
        weekly.append((week.isoformat(), weeks[week]))
        week += timedelta(days=7)
    return ReportFigures(
        start=start.isoformat(),
        end=end.isoformat(),
        total=total,
        voided=voided,
        # 未定级 (imported tickets) only when there are any: a report of the program's own tickets has three.
        by_grade={
            g.label: grades[g.label] for g in (*GRADES, Grade.UNKNOWN) if g in GRADES or grades[g.label]
        },
        by_category={
            **{c.label: categories[c.label] for c in Category},
            UNCATEGORISED: categories[UNCATEGORISED],
        },
        by_source={s.label: sources[s.label] for s in Source if sources[s.label]},
        by_unit=sorted(
            (UnitFigures(name, *numbers) for name, numbers in units.items()),
            key=lambda u: (-u.total, -u.late, u.unit),
        ),
        on_spot=on_spot,
        with_result=with_result,
        on_time=on_time,
        average_workdays_to_result=round(sum(to_result) / len(to_result), 1) if to_result else None,
        late=sorted(late, key=lambda item: (-item.late_workdays, item.number)),
        escalations=escalations,
        satisfaction={s.label: satisfaction[s.label] for s in Satisfaction},
        weekly=weekly,
        undated_with_result=undated_with_result,
        unit_scores=[score.as_json() for score in unit_scores(session, start, end, today, calendar)],
    )


def _late(row, unit: str, workdays: int, still_open: bool) -> LateItem:  # type: ignore[no-untyped-def]
    return LateItem(
        number=row.number,
        unit=unit,
        grade=Grade(row.grade).label,
        due_date=row.due_date.isoformat(),  # a late ticket has a deadline
        late_workdays=workdays,
        open=still_open,
    )
