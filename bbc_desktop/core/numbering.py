"""受理编号: one sequence per year, allocated inside the caller's transaction, never reused."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bbc_desktop.core.settings import check_number_pattern, get_setting
from bbc_desktop.db.models import NumberSequence


def format_number(pattern: str, year: int, seq: int) -> str:
    return check_number_pattern(pattern).format(year=year, seq=seq)


def allocate(session: Session, year: int) -> tuple[int, str]:
    """Take the next sequence of ``year`` and return it with the formatted number.

    The UPDATE comes first so that the row is write-locked before it is read: two counters
    allocating at once wait for each other instead of both reading the same value.
    """
    pattern = get_setting(session, "number_pattern")
    bumped = session.execute(
        update(NumberSequence).where(NumberSequence.year == year).values(last_seq=NumberSequence.last_seq + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(NumberSequence(year=year, last_seq=1))
        session.flush()
        seq = 1
    else:
        seq = session.scalar(select(NumberSequence.last_seq).where(NumberSequence.year == year))
        assert seq is not None
    return seq, format_number(pattern, year, seq)
