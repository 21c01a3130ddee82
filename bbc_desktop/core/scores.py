"""Per-unit scores (考核) for a period: how each responsible unit handled the slips it was given.

Counted per unit, over the slips handed to it as the lead unit in the period (by the day of the
(re)assignment):

- **received** (收件): those slips;
- **acknowledged** (及时签收): signed for by the end of the first working day after the handover;
- **on time / overdue** (按期 / 超期): of the slips the unit kept (not reassigned away), the result
  came by the due date / came late or is still outstanding past it (``tickets.lateness``);
- **send-backs** (退单) and **extensions** (延期申请): its requests made in the period — a send-back
  counts for the unit that made it, also after the ticket went elsewhere;
- **replies** (答复): of its kept tickets with a result or an explanation, those the reporter was
  answered on; **satisfaction** (满意率): 满意 and 基本满意 among its visited tickets;
- **repeats** (重复反映): its kept tickets that a later report was linked to as a repeat.

The score is 0–100: the rates above, each weighted as the administrator set (setting
``score_weights``; the defaults below), over the rates that have anything to count (a unit with no
visited ticket is not marked down on satisfaction, the weights of the rest are scaled up).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bbc_desktop.core.calendar import WorkCalendar
from bbc_desktop.core.domain import AssignmentRole, Satisfaction
from bbc_desktop.core.errors import ValidationError
from bbc_desktop.core.tickets import lateness
from bbc_desktop.db.models import Assignment, Event, Ticket, TicketLink, Unit, UnitRequest

__all__ = ["TERMS", "UnitScore", "format_weights", "parse_weights", "unit_scores"]

# (key, label, default weight): the rates that make the score.
TERMS: tuple[tuple[str, str, int], ...] = (
    ("ack", "及时签收率", 10),
    ("on_time", "按期办结率", 35),
    ("reply", "答复率", 10),
    ("satisfaction", "满意率", 25),
    ("no_send_back", "未退单率", 10),
    ("no_repeat", "无重复反映率", 5),
    ("no_extension", "未延期率", 5),
)
WEIGHTS_SETTING = "score_weights"


def parse_weights(text: str) -> dict[str, float]:
    """``标签=权重`` (or ``key=weight``) pairs separated by commas; missing terms keep their default.

    Weights are 0–100; they need not add up to 100 (the score is scaled by their sum)."""
    weights = {key: float(default) for key, _label, default in TERMS}
    names = {label: key for key, label, _ in TERMS} | {key: key for key, _, _ in TERMS}
    for part in re.split(r"[,，;；\n]+", text or ""):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            name, sep, value = part.partition("＝")
        key = names.get(name.strip())
        if key is None:
            known = "、".join(label for _, label, _ in TERMS)
            raise ValidationError(f"考核权重“{part.strip()}”无法识别：应为“指标=权重”，指标为{known}")
        try:
            weight = float(value.strip())
        except ValueError:
            raise ValidationError(f"考核权重“{part.strip()}”的权重不是数字") from None
        if not 0 <= weight <= 100:
            raise ValidationError(f"考核权重“{part.strip()}”应在 0 到 100 之间")
        weights[key] = weight
    if not any(weights.values()):
        raise ValidationError("考核权重不能全部为 0")
    return weights


def format_weights(weights: dict[str, float]) -> str:
    return "，".join(f"{label}={weights[key]:g}" for key, label, _ in TERMS)


@dataclass
class UnitScore:
    unit: str
    received: int = 0
    acknowledged: int = 0  # within one working day
    kept: int = 0  # received and not reassigned away
    on_time: int = 0
    overdue: int = 0
    finished: int = 0  # kept, with a result or an explanation
    replies: int = 0
    visited: int = 0
    satisfied: int = 0  # 满意 or 基本满意
    repeats: int = 0
    send_backs: int = 0
    extensions: int = 0
    rates: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None

    def compute(self, weights: dict[str, float]) -> None:
        def rate(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        def spared(count: int, whole: int) -> float | None:
            return max(0.0, 1 - count / whole) if whole else None

        self.rates = {
            "ack": rate(self.acknowledged, self.received),
            "on_time": rate(self.on_time, self.on_time + self.overdue),
            "reply": rate(self.replies, self.finished),
            "satisfaction": rate(self.satisfied, self.visited),
            "no_send_back": spared(self.send_backs, self.received),
            "no_repeat": spared(self.repeats, self.kept),
            "no_extension": spared(self.extensions, self.received),
        }
        counted = [(weights[k], r) for k, r in self.rates.items() if r is not None and weights[k] > 0]
        total = sum(w for w, _ in counted)
        self.score = round(100 * sum(w * r for w, r in counted) / total, 1) if total else None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        rates = data.pop("rates")
        data["on_time_rate"] = _pct(rates["on_time"])
        data["ack_rate"] = _pct(rates["ack"])
        data["reply_rate"] = _pct(rates["reply"])
        data["satisfaction_rate"] = _pct(rates["satisfaction"])
        return data


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def unit_scores(
    session: Session,
    start: date,
    end: date,
    today: date,
    calendar: WorkCalendar,
    weights: dict[str, float] | None = None,
) -> list[UnitScore]:
    """The scores of every unit that received a slip or made a request in ``start``..``end``,
    best first (units without a score last, by name)."""
    if start > end:
        raise ValidationError("考核期间的起始日不能晚于截止日")
    if weights is None:
        from bbc_desktop.core.settings import get_setting

        weights = parse_weights(get_setting(session, WEIGHTS_SETTING))
    first = datetime.combine(start, datetime.min.time())
    last = datetime.combine(end, datetime.max.time())
    scores: dict[str, UnitScore] = {}

    def unit_score(name: str) -> UnitScore:
        found = scores.get(name)
        if found is None:
            found = scores[name] = UnitScore(name)
        return found

    assignments = session.execute(
        select(
            Assignment.ticket_id,
            Assignment.assigned_at,
            Assignment.ended_at,
            Unit.name,
            Ticket.status,
            Ticket.due_date,
            Ticket.result_at,
            Ticket.reply_at,
            Ticket.explanation,
            Ticket.satisfaction,
            Ticket.acknowledged_at,
        )
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Ticket, Ticket.id == Assignment.ticket_id)
        .where(Assignment.role == AssignmentRole.LEAD.value)
        .where(Assignment.assigned_at >= first, Assignment.assigned_at <= last)
        .where(Ticket.status != "voided")
    ).all()
    # The current lead's signature is on the ticket; a unit that handed the ticket on signed (or not)
    # while it held it: that is only in the history, read for those tickets alone (by a join: an IN
    # list of thousands of ids costs more to compile than to run).
    handed_on = (
        select(Assignment.ticket_id)
        .where(Assignment.role == AssignmentRole.LEAD.value, Assignment.ended_at.is_not(None))
        .where(Assignment.assigned_at >= first, Assignment.assigned_at <= last)
    )
    acks: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)  # ticket → (recorded, signed)
    for ticket_id, at, after in session.execute(
        select(Event.ticket_id, Event.at, Event.after).where(
            Event.kind == "acknowledged", Event.ticket_id.in_(handed_on)
        )
    ):
        signed = (after or {}).get("acknowledged_at")
        acks[ticket_id].append((at, datetime.fromisoformat(signed) if signed else at))
    repeated = set(session.scalars(select(TicketLink.linked_id)))  # repeat reports are few
    for row in assignments:
        score = unit_score(row.name)
        score.received += 1
        ack_by = datetime.combine(calendar.add_workdays(row.assigned_at.date(), 1).due, datetime.max.time())
        if row.ended_at is None:
            signed_in_time = row.acknowledged_at is not None and row.acknowledged_at <= ack_by
        else:
            signed_in_time = any(
                row.assigned_at <= recorded < row.ended_at and signed <= ack_by
                for recorded, signed in acks.get(row.ticket_id, ())
            )
        if signed_in_time:
            score.acknowledged += 1
        if row.ended_at is not None:
            continue  # reassigned away: the outcome is the next unit's
        score.kept += 1
        late = lateness(row.status, row.due_date, row.result_at, today, calendar)
        if late is not None:
            score.overdue += 1
        elif row.result_at is not None:
            score.on_time += 1
        if row.result_at is not None or row.explanation:
            score.finished += 1
            if row.reply_at is not None:
                score.replies += 1
        if row.satisfaction is not None:
            score.visited += 1
            if row.satisfaction in (Satisfaction.SATISFIED.value, Satisfaction.BASICALLY.value):
                score.satisfied += 1
        if row.ticket_id in repeated:
            score.repeats += 1
    requests = session.execute(
        select(Unit.name, UnitRequest.kind, func.count())
        .join(Unit, Unit.id == UnitRequest.unit_id)
        .where(and_(UnitRequest.requested_at >= first, UnitRequest.requested_at <= last))
        .group_by(Unit.name, UnitRequest.kind)
    )
    for name, kind, count in requests:
        if kind == "send_back":
            unit_score(name).send_backs += count
        elif kind == "extension":
            unit_score(name).extensions += count
    for score in scores.values():
        score.compute(weights)
    return sorted(scores.values(), key=lambda s: (s.score is None, -(s.score or 0), s.unit))
