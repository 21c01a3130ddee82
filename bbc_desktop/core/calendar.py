"""Time and the working-day calendar: the one place the program gets "now" and "is this a working day".

Nothing else in the program calls ``datetime.now()``, ``date.today()`` or the ``chinese_calendar``
package; everything asks a :class:`Clock` for the time and a :class:`WorkCalendar` for working days,
deadlines and overdue counts, so tests and scripted runs can fix the date (``BBC_NOW``) and the
administrator's own holiday schedule is honoured everywhere the same way (DESIGN.md "Deadlines").

Deadline rule: the due date is the N-th working day strictly after the day of acceptance (3 / 5 / 10
for blue / yellow / red); the day of acceptance never counts, whatever kind of day it was, and the
ticket is due at the end of the due day.

chinese_calendar only knows a fixed range of years and raises ``NotImplementedError`` outside it.
For such a year the administrator can enter the official schedule (overrides); without it we fall
back to weekends plus the fixed-date statutory holidays and mark the deadline provisional.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar

from bbc_desktop.core.domain import Grade

__all__ = [
    "FIXED_DATE_HOLIDAYS",
    "Clock",
    "Deadline",
    "FixedClock",
    "WorkCalendar",
    "clock_from_env",
]

# Fixed-date statutory holidays (month, day) of 全国年节及纪念日放假办法 as revised in November 2024,
# in force from 2025: 元旦 Jan 1, 劳动节 May 1-2, 国庆节 Oct 1-3. The lunar holidays (春节, 清明,
# 端午, 中秋) and the yearly 调休 swaps depend on the State Council's annual notice, so for a year
# nobody has entered they are deliberately not guessed.
FIXED_DATE_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
)

_ONE_DAY = timedelta(days=1)

# Where covered_years() starts looking for a year chinese_calendar knows; every release so far
# covers years in this window, and the probe then walks outward, so newer data is still found.
_PROBE_FIRST, _PROBE_LAST = 2000, 2100


class Clock:
    """The system clock: naive local time, to the second (the ledger shows no fractions)."""

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still at a given moment until set again; for tests and scripted runs."""

    def __init__(self, now: datetime) -> None:
        self._now = self._normalise(now)

    def set(self, now: datetime) -> None:
        self._now = self._normalise(now)

    def now(self) -> datetime:
        return self._now

    @staticmethod
    def _normalise(now: datetime) -> datetime:
        if not isinstance(now, datetime):
            raise TypeError(f"FixedClock needs a datetime, got {type(now).__name__}")
        # The whole program works in naive local time; an aware value would compare wrongly later.
        if now.tzinfo is not None:
            raise ValueError("FixedClock needs a naive local datetime")
        return now.replace(microsecond=0)


_BBC_NOW_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def clock_from_env() -> Clock:
    """A FixedClock at ``BBC_NOW`` if that variable is set, else the system clock.

    ``BBC_NOW`` is ``YYYY-MM-DD`` (midnight of that day) or ``YYYY-MM-DDTHH:MM[:SS]``.
    An empty value counts as unset; a malformed one raises ValueError rather than silently
    running on the real date, which would make a scripted demo or test quietly wrong.
    """
    raw = os.environ.get("BBC_NOW", "").strip()
    if not raw:
        return Clock()
    for fmt in _BBC_NOW_FORMATS:
        try:
            return FixedClock(datetime.strptime(raw, fmt))
        except ValueError:
            continue
    raise ValueError(f"BBC_NOW={raw!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]")


@dataclass(frozen=True)
class Deadline:
    """A due date; provisional when it rests on a year whose official schedule nobody knows yet."""

    due: date
    provisional: bool


class WorkCalendar:
    """Working days by the Chinese statutory calendar, with the administrator's overrides on top.

    ``overrides`` maps a date to True (a working day, e.g. a 调休 make-up Saturday) or False
    (a holiday). The mapping is copied; to change it, build a new WorkCalendar (results are memoised).
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {_as_date(d): bool(v) for d, v in (overrides or {}).items()}
        self._override_years: frozenset[int] = frozenset(d.year for d in self._overrides)
        # chinese_calendar.is_workday scans its whole table (min/max of the keys) on every call,
        # ~50 µs each; the demo generator asks for 100 000 deadlines, so remember every answer.
        self._workday: dict[date, bool] = {}
        self._covers: dict[int, bool] = {}
        self._covered_years: tuple[int, int] | None = None
        self._deadlines: dict[tuple[date, int], Deadline] = {}

    # -- the calendar itself -------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether chinese_calendar has data for ``year`` (asked, not assumed: newer releases add years)."""
        known = self._covers.get(year)
        if known is None:
            if not 1 <= year <= 9999:
                known = False
            else:
                try:
                    chinese_calendar.is_workday(date(year, 1, 1))
                    known = True
                except NotImplementedError:
                    known = False
            self._covers[year] = known
        return known

    def covered_years(self) -> tuple[int, int]:
        """(first, last) year chinese_calendar covers; (0, -1), an empty range, if it covers none."""
        if self._covered_years is None:
            anchor = next((y for y in range(_PROBE_FIRST, _PROBE_LAST + 1) if self.covers(y)), None)
            if anchor is None:
                self._covered_years = (0, -1)
            else:
                first = last = anchor
                while self.covers(first - 1):
                    first -= 1
                while self.covers(last + 1):
                    last += 1
                self._covered_years = (first, last)
        return self._covered_years

    def is_provisional_year(self, year: int) -> bool:
        """True when neither chinese_calendar nor the administrator knows the year's schedule."""
        return year not in self._override_years and not self.covers(year)

    def is_workday(self, day: date) -> bool:
        day = _as_date(day)
        known = self._workday.get(day)
        if known is None:
            known = self._compute_is_workday(day)
            self._workday[day] = known
        return known

    def _compute_is_workday(self, day: date) -> bool:
        override = self._overrides.get(day)
        if override is not None:
            return override
        if self.covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        weekday = day.weekday() < 5
        if day.year in self._override_years:
            # The administrator entered this year's schedule as exceptions to Monday-Friday,
            # so a day they did not mention is an ordinary one, fixed-date holidays included.
            return weekday
        return weekday and (day.month, day.day) not in FIXED_DATE_HOLIDAYS

    # -- deadlines -----------------------------------------------------------------------------

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The n-th working day strictly after ``start``; ``start`` itself never counts."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        start = _as_date(start)
        key = (start, n)
        cached = self._deadlines.get(key)
        if cached is not None:
            return cached
        day = start
        year = None
        provisional = False
        remaining = n
        while remaining:
            day += _ONE_DAY
            if day.year != year:
                year = day.year
                provisional = provisional or self.is_provisional_year(year)
            if self.is_workday(day):
                remaining -= 1
        result = Deadline(due=day, provisional=provisional)
        self._deadlines[key] = result
        return result

    def due(self, grade: Grade, accepted: date | datetime) -> Deadline:
        """The deadline of a ticket of ``grade`` accepted at ``accepted`` (time of day is irrelevant)."""
        return self.add_workdays(_as_date(accepted), grade.workdays)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; 0 if end <= start.

        Used for "overdue by N working days" (due, today) and "working days to result" (accepted, done).
        """
        start, end = _as_date(start), _as_date(end)
        count = 0
        day = start + _ONE_DAY if end > start else end + _ONE_DAY
        while day <= end:
            if self.is_workday(day):
                count += 1
            day += _ONE_DAY
        return count

    def previous_workday(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        day = _as_date(day) - _ONE_DAY
        while not self.is_workday(day):
            day -= _ONE_DAY
        return day

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_workdays(day, 1).due

    def is_overdue(self, due: date, today: date) -> bool:
        """Past the due day; a ticket is due at the end of its due day, so due == today is not overdue."""
        return _as_date(today) > _as_date(due)

    def is_due_soon(self, due: date, today: date) -> bool:
        """Not overdue, and due today or on the next working day (so Friday warns of Monday)."""
        due, today = _as_date(due), _as_date(today)
        if self.is_overdue(due, today):
            return False
        return due == today or due == self.next_workday(today)


def _as_date(value: date | datetime) -> date:
    # datetime is a subclass of date but hashes and compares differently, so memo keys and
    # comparisons must always see a plain date.
    if isinstance(value, datetime):
        return value.date()
    return value
