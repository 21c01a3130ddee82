"""SQLAlchemy 2 typed models: the whole stored state of the counter.

Tickets hold their current state; ``Event`` rows are the append-only history of every change.
Nothing here is ever deleted by the program. Enums are stored as their short English codes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints so that migrations can alter them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The SQLite FTS5 trigram index over number, reporter and content (migration 0003), kept by triggers;
# not a model: nothing writes it but the database itself.
SEARCH_TABLE = "ticket_search"
CHARS_TABLE = "ticket_search_chars"  # also starts with SEARCH_TABLE: kept out of comparisons


QUEUE_INDEX = "ix_tickets_queue"  # migration 0005: an expression index, kept out of the models


def include_object(_obj, name, type_, _reflected, _compare_to) -> bool:  # type: ignore[no-untyped-def]
    """For Alembic's comparisons: the search index's tables and the queue index live outside the models."""
    if type_ == "index" and (name == QUEUE_INDEX or (name or "").endswith("_trgm")):
        return False  # expression and trigram (PostgreSQL, migration 0008) indexes
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Account(Base):
    """A person who works with the program; events name the account that made them."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(16), default="front_desk")
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)  # None: cannot log in
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # since the last good one
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)  # set by a reset


class Unit(Base):
    """A responsible office (承办单位); retired, never deleted, once it has tickets."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="office")  # office / town / street
    deputy: Mapped[str] = mapped_column(String(64), default="")  # 分管副职
    deputy_phone: Mapped[str] = mapped_column(String(32), default="")
    liaison: Mapped[str] = mapped_column(String(64), default="")  # 联络人
    liaison_phone: Mapped[str] = mapped_column(String(32), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Reporter(Base):
    """The person or company reporting (反映人 / 办理对象)."""

    __tablename__ = "reporters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")
    name: Mapped[str] = mapped_column(String(50), default="")
    company: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="", index=True)


class NumberSequence(Base):
    """The last 受理编号 sequence issued per year; only ever grows, so a number is never reused."""

    __tablename__ = "number_sequences"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    """One reported matter (工单). Columns hold the current state; history is in ``events``."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    # None for a ticket imported from a hand-kept ledger: it keeps its old number and takes none of
    # the year's sequence, which stays gapless.
    seq: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    grade: Mapped[str] = mapped_column(String(10), index=True)  # "unknown" only for imported tickets
    source: Mapped[str] = mapped_column(String(16), default="visit")
    category: Mapped[str | None] = mapped_column(String(2), default=None)
    form: Mapped[str] = mapped_column(String(10), default="oral")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporters.id"))
    content: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    # None while the grade is unknown (an imported ticket): no deadline is counted until it is graded.
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the deadline is counted from: the acceptance, or a later reassignment / reopening.
    clock_start: Mapped[datetime] = mapped_column(DateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    dispatch_note: Mapped[str] = mapped_column(Text, default="")
    on_the_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    result_text: Mapped[str] = mapped_column(Text, default="")
    result_signer: Mapped[str] = mapped_column(String(64), default="")
    result_phone: Mapped[str] = mapped_column(String(32), default="")
    result_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    reply_method: Mapped[str | None] = mapped_column(String(10), default=None)
    reply_text: Mapped[str] = mapped_column(Text, default="")
    reply_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    visit_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    visit_notes: Mapped[str] = mapped_column(Text, default="")
    visit_by: Mapped[str] = mapped_column(String(64), default="")
    satisfaction: Mapped[str | None] = mapped_column(String(12), default=None)
    explanation: Mapped[str] = mapped_column(Text, default="")
    escalated_to: Mapped[str] = mapped_column(String(200), default="")
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    close_note: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # A ticket imported from a hand-kept Excel ledger (io/legacy_import.py): the fingerprint of its
    # row, so that importing the same ledger again adds nothing, and where it came from.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    import_source: Mapped[str] = mapped_column(String(300), default="")
    received_by_name: Mapped[str] = mapped_column(String(64), default="")  # 受理人 as the old ledger wrote it
    # The unit's side (签收, 退单, 延期): when and how the lead unit acknowledged the slip (reset by a
    # reassignment), and the request of the unit the window has still to rule on ("send_back" /
    # "extension"; the request itself is a UnitRequest).
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    acknowledged_by: Mapped[str] = mapped_column(String(64), default="")
    acknowledged_how: Mapped[str | None] = mapped_column(String(10), default=None)
    pending: Mapped[str | None] = mapped_column(String(12), default=None, index=True)
    # The 知识库 entry a closing explanation was taken from (counted per entry; no foreign key, so
    # that adding it did not rebuild the tickets table and its search triggers).
    explanation_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    # Optimistic locking: a save based on an old version is refused (several counters).
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("year", "seq", name="uq_tickets_year_seq"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    reporter: Mapped[Reporter] = relationship(lazy="joined")
    received_by: Mapped[Account | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="ticket", order_by="Assignment.id", cascade="save-update, merge"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="ticket", order_by="Event.id", cascade="save-update, merge"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", order_by="Attachment.id", cascade="save-update, merge"
    )


class Assignment(Base):
    """A unit's part in a ticket: one lead unit, optionally co-units; ended when reassigned."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(8), default="lead")
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    ticket: Mapped[Ticket] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (Index("ix_assignments_current", "unit_id", "role", "ended_at"),)


class UnitRequest(Base):
    """A unit's request on a ticket it holds — 退单 (send it back) or 延期申请 (more working days) —
    and the window's ruling. Kept for ever, with the unit that asked: a send-back counts for that
    unit also after the ticket went to another."""

    __tablename__ = "unit_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # send_back / extension
    grounds: Mapped[str] = mapped_column(
        String(12), default=""
    )  # a send-back's: territory / ownership / overlap / other
    reason: Mapped[str] = mapped_column(Text, default="")
    days: Mapped[int] = mapped_column(Integer, default=0)  # an extension's working days
    requested_by: Mapped[str] = mapped_column(String(64), default="")  # who at the unit
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    due_before: Mapped[date | None] = mapped_column(Date, default=None)  # the due date when it was asked
    # None while pending; reassigned / rejected (a send-back), approved / refused (an extension).
    decision: Mapped[str | None] = mapped_column(String(12), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    due_after: Mapped[date | None] = mapped_column(Date, default=None)  # an approved extension's due date
    new_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), default=None)
    # How the reporter was told of an approved extension (oral / written / phone; "none": anonymous).
    notified_how: Mapped[str | None] = mapped_column(String(10), default=None)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    ticket: Mapped[Ticket] = relationship()
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined")
    new_unit: Mapped[Unit | None] = relationship(foreign_keys=[new_unit_id])
    decided_by: Mapped[Account | None] = relationship()


class Urge(Base):
    """催办: the window urging the unit that holds a ticket (a 催办通知书), by hand or because it is overdue."""

    __tablename__ = "urges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(10), default="manual")  # manual / overdue
    due_date: Mapped[date | None] = mapped_column(Date, default=None)  # the deadline it urged
    copied_to: Mapped[str] = mapped_column(String(64), default="")  # the unit's deputy in charge
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)

    unit: Mapped[Unit] = relationship(lazy="joined")


class Explanation(Base):
    """知识库: a reusable explanation of policy or law, picked when a ticket is closed as explained."""

    __tablename__ = "explanations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    text: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(String(300), default="")  # 依据: the policy or law
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Event(Base):
    """One change in the history: who, when, what, before and after. Append-only."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True, default=None)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(32))
    # none_as_null: "no value" is SQL NULL, not the JSON text 'null'.
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    # The audit chain (core/audit.py): the event's place in it and the hash of its content and the
    # previous event's hash. Set when the event is sealed, in the transaction that writes it.
    chain_no: Mapped[int | None] = mapped_column(Integer, index=True, unique=True, default=None)
    hash: Mapped[str | None] = mapped_column(String(64), default=None)

    ticket: Mapped[Ticket | None] = relationship(back_populates="events")
    account: Mapped[Account | None] = relationship(lazy="joined")


class TicketLink(Base):
    """Two tickets about the same matter (a repeat report); recorded from the newer to the older."""

    __tablename__ = "ticket_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    linked_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="repeat")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("ticket_id", "linked_id", name="uq_ticket_links_pair"),)


class HolidayOverride(Base):
    """An administrator-entered day of the official schedule: a holiday or a make-up working day."""

    __tablename__ = "holiday_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(50), default="")


class Attachment(Base):
    """Metadata of a file attached to a ticket (e.g. the scan of the signed slip)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(500), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class AttachmentFile(Base):
    """The bytes of an attached file, by content hash, when the database is a shared server.

    On a SQLite file the bytes are files in the folder beside it; several counters on one server
    cannot share a folder of one PC, so there the server keeps them (migration 0008).
    """

    __tablename__ = "attachment_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class IssuedReport(Base):
    """An issued 整改情况报告, archived unchanged: the PDF, its hash, and the figures and texts it was made from.

    Issuing a period again adds a new version; no row is ever updated or deleted.
    """

    __tablename__ = "issued_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    title: Mapped[str] = mapped_column(String(200))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))

    issued_by: Mapped[Account | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("start", "end", "version", name="uq_issued_reports_version"),)


class AuditHead(Base):
    """The end of the audit chain: one row. Sealing updates it, so concurrent writers take turns."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    chain_no: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")
