"""知识库: reusable explanations of policy and law, picked when a ticket is closed as explained.

Kept by the back office (right ``KNOWLEDGE``): a title, the text the reporter is told, and its
citation (依据: the policy or law). An entry is retired rather than deleted once used; each use is
recorded on the ticket (``explanation_id``), so the library shows how often each one served.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bbc_desktop.core.context import Context
from bbc_desktop.core.errors import NotFound, ValidationError
from bbc_desktop.core.validation import MAX_NOTE, clean_text
from bbc_desktop.db.models import Explanation, Ticket

__all__ = ["Entry", "find_entry", "list_entries", "save_entry", "told_text"]

FIELDS = {"title": ("标题", 100), "text": ("解释说明内容", MAX_NOTE), "citation": ("政策法规依据", 300)}


@dataclass(frozen=True)
class Entry:
    id: int
    title: str
    text: str
    citation: str
    active: bool
    uses: int

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text, "citation": self.citation,
                "active": self.active, "uses": self.uses}  # fmt: skip


def told_text(text: str, citation: str) -> str:
    """What the reporter is told: the explanation, and what it rests on."""
    return text.strip() + (f"（依据：{citation.strip()}）" if citation.strip() else "")


def list_entries(session: Session, include_retired: bool = False) -> list[Entry]:
    """The library by title, each with how many tickets were explained with it."""
    uses = dict(
        session.execute(
            select(Ticket.explanation_id, func.count())
            .where(Ticket.explanation_id.is_not(None))
            .group_by(Ticket.explanation_id)
        ).all()
    )
    query = select(Explanation).order_by(Explanation.title)
    if not include_retired:
        query = query.where(Explanation.active.is_(True))
    return [
        Entry(e.id, e.title, e.text, e.citation, e.active, int(uses.get(e.id, 0)))
        for e in session.scalars(query)
    ]


def find_entry(session: Session, id_or_title: int | str) -> Explanation:
    """An entry by id or exact title."""
    if isinstance(id_or_title, int) or str(id_or_title).strip().isdigit():
        entry = session.get(Explanation, int(id_or_title))
    else:
        entry = session.scalar(select(Explanation).where(Explanation.title == str(id_or_title).strip()))
    if entry is None:
        raise NotFound(f"知识库中没有“{id_or_title}”")
    return entry


def save_entry(
    session: Session, ctx: Context, entry_id: int | None, values: dict[str, Any], active: bool = True
) -> Explanation:
    """Add (``entry_id`` None) or edit an entry, or retire / bring it back; one event each."""
    from bbc_desktop.core.permissions import Permission, require
    from bbc_desktop.core.tickets import add_event

    require(session, ctx, Permission.KNOWLEDGE)
    clean = {
        key: clean_text(
            values.get(key, ""), label, limit=limit, required=key != "citation", multiline=key == "text"
        )
        for key, (label, limit) in FIELDS.items()
    }
    other = session.scalar(select(Explanation).where(Explanation.title == clean["title"]))
    if other is not None and other.id != entry_id:
        raise ValidationError(f"知识库中已有标题为“{clean['title']}”的条目")
    now = ctx.clock.now()
    if entry_id is None:
        entry = Explanation(created_at=now, **clean)
        session.add(entry)
        before: dict[str, Any] = {}
    else:
        entry = session.get(Explanation, entry_id)
        if entry is None:
            raise NotFound("该条目已不在知识库中")
        before = {key: getattr(entry, key) for key in (*FIELDS, "active")}
        for key, value in clean.items():
            setattr(entry, key, value)
    entry.active = bool(active)
    entry.updated_at = now
    session.flush()
    after = {key: getattr(entry, key) for key in (*FIELDS, "active")}
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        verb = "新增" if not before else ("停用" if before.get("active") and not entry.active else "修改")
        add_event(
            session,
            ctx,
            None,
            "explanation_saved",
            before={k: before[k] for k in changed if k in before} or None,
            after=changed,
            note=f"{verb}知识库条目“{entry.title}”",
        )
    return entry
