"""受理编号: one sequence per year, allocated inside the caller's transaction, never reused."""

from __future__ import annotations

import re
import string

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bbc_desktop.core.settings import check_number_pattern, get_setting
from bbc_desktop.db.models import NumberSequence


def format_number(pattern: str, year: int, seq: int) -> str:
    return check_number_pattern(pattern).format(year=year, seq=seq)


def parse_number(pattern: str, number: str) -> tuple[int, int] | None:
    """(year, seq) when ``number`` is one the pattern makes (e.g. BBC-2026-0301), else None."""
    regex = ""
    fields: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(pattern):
        regex += re.escape(literal)
        if name in ("year", "seq"):
            regex += r"(\d{4})" if name == "year" else r"(\d+)"
            fields.append(name)
    match = re.fullmatch(regex, number.strip())
    if match is None or sorted(fields) != ["seq", "year"]:
        return None
    values = dict(zip(fields, (int(g) for g in match.groups()), strict=True))
    if format_number(pattern, values["year"], values["seq"]) != number.strip():
        return None  # e.g. 0301 vs 301: not what the program would have printed
    return values["year"], values["seq"]


def claim(session: Session, year: int, seq: int) -> None:
    """An imported ticket keeps a number of the program's own form: later numbers continue after it."""
    _ensure_year(session, year)
    session.execute(
        update(NumberSequence)
        .where(NumberSequence.year == year, NumberSequence.last_seq < seq)
        .values(last_seq=seq)
    )


def allocate(session: Session, year: int) -> tuple[int, str]:
    """Take the next sequence of ``year`` and return it with the formatted number.

    The year's row is created if missing without failing when another counter creates it at the
    same moment (INSERT … ON CONFLICT DO NOTHING), then the UPDATE write-locks it before it is
    read: two counters allocating at once wait for each other instead of reading the same value.
    """
    pattern = get_setting(session, "number_pattern")
    _ensure_year(session, year)
    session.execute(
        update(NumberSequence).where(NumberSequence.year == year).values(last_seq=NumberSequence.last_seq + 1)
    )
    seq = session.scalar(select(NumberSequence.last_seq).where(NumberSequence.year == year))
    assert seq is not None
    return seq, format_number(pattern, year, seq)


def _ensure_year(session: Session, year: int) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # another backend: no race protection for the very first number of a year
        if session.get(NumberSequence, year) is None:
            session.add(NumberSequence(year=year, last_seq=0))
            session.flush()
        return
    session.execute(insert(NumberSequence).values(year=year, last_seq=0).on_conflict_do_nothing())
