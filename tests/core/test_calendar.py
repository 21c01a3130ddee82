"""Tests for bbc_desktop.core.calendar: clocks, working days, deadlines (DESIGN.md "Deadlines")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbc_desktop.core.calendar import Clock, Deadline, FixedClock, WorkCalendar, clock_from_env
from bbc_desktop.core.domain import Grade

CAL = WorkCalendar()
FIRST_COVERED, LAST_COVERED = CAL.covered_years()


# -- coverage probing ------------------------------------------------------------------------------


def test_covered_years_matches_the_package_data() -> None:
    years = {d.year for d in chinese_calendar.holidays}
    assert CAL.covered_years() == (min(years), max(years))
    # 1.11.0 ships 2004-2026; a newer release may only extend that.
    assert FIRST_COVERED <= 2004
    assert LAST_COVERED >= 2026


def test_covers_and_provisional_year() -> None:
    assert CAL.covers(2026)
    assert not CAL.covers(LAST_COVERED + 1)
    assert not CAL.covers(FIRST_COVERED - 1)
    assert not CAL.covers(0)
    assert not CAL.covers(10000)
    assert not CAL.is_provisional_year(2026)
    assert CAL.is_provisional_year(2031)


# -- the examples of the design ----------------------------------------------------------------------


def test_blue_accepted_on_saturday_counts_from_monday() -> None:
    assert CAL.due(Grade.BLUE, date(2026, 3, 7)) == Deadline(date(2026, 3, 11), provisional=False)


def test_accepted_datetime_is_the_same_as_its_date() -> None:
    assert CAL.due(Grade.BLUE, datetime(2026, 3, 7, 23, 59, 59)) == CAL.due(Grade.BLUE, date(2026, 3, 7))


def test_blue_over_national_day_lands_on_make_up_saturday() -> None:
    # 2025-10-01..08 off; Thu 9, Fri 10 and the make-up Saturday 11 are the three working days.
    deadline = CAL.due(Grade.BLUE, date(2025, 9, 30))
    assert deadline == Deadline(date(2025, 10, 11), provisional=False)
    assert deadline.due.weekday() == 5


def test_yellow_and_red_ordinary_weeks() -> None:
    assert CAL.due(Grade.YELLOW, date(2026, 3, 9)).due == date(2026, 3, 16)
    assert CAL.due(Grade.RED, date(2026, 3, 9)).due == date(2026, 3, 23)


def test_red_in_uncovered_year_is_provisional() -> None:
    assert CAL.due(Grade.RED, date(2031, 3, 3)) == Deadline(date(2031, 3, 17), provisional=True)


def test_deadline_running_into_uncovered_year_is_provisional() -> None:
    deadline = CAL.due(Grade.RED, date(LAST_COVERED, 12, 28))
    assert deadline.due.year == LAST_COVERED + 1
    assert deadline.provisional


@pytest.mark.skipif(LAST_COVERED != 2026, reason="the installed chinese_calendar covers 2027")
def test_red_accepted_2026_12_28() -> None:
    deadline = CAL.due(Grade.RED, date(2026, 12, 28))
    # Dec 29, 30, 31; Jan 1 2027 is a fixed-date holiday; Jan 4-8; Jan 11, 12.
    assert deadline == Deadline(date(2027, 1, 12), provisional=True)


def test_deadline_inside_covered_year_is_not_provisional() -> None:
    deadline = CAL.due(Grade.RED, date(2026, 12, 1))
    assert deadline == Deadline(date(2026, 12, 15), provisional=False)


def test_deadline_ending_on_last_covered_day_is_not_provisional() -> None:
    # Thu 2026-12-31 is the 3rd working day after Mon 12-28; nothing of 2027 is looked at.
    assert CAL.add_workdays(date(2026, 12, 28), 3) == Deadline(date(2026, 12, 31), provisional=False)


def test_provisional_year_skips_fixed_date_holidays_but_not_lunar_ones() -> None:
    cal = WorkCalendar()
    for day in (date(2031, 1, 1), date(2031, 5, 1), date(2031, 5, 2), date(2031, 10, 1), date(2031, 10, 3)):
        assert day.weekday() < 5
        assert not cal.is_workday(day), day
    # 2031's Spring Festival (Jan 23) is a weekday and is not guessed.
    assert cal.is_workday(date(2031, 1, 23))
    assert not cal.is_workday(date(2031, 1, 4))  # Saturday


# -- administrator overrides -------------------------------------------------------------------------


def test_override_makes_covered_working_day_a_holiday() -> None:
    cal = WorkCalendar({date(2026, 3, 10): False})
    assert not cal.is_workday(date(2026, 3, 10))
    assert CAL.is_workday(date(2026, 3, 10))
    assert cal.due(Grade.BLUE, date(2026, 3, 7)) == Deadline(date(2026, 3, 12), provisional=False)


def test_override_makes_covered_holiday_a_working_day() -> None:
    cal = WorkCalendar({date(2026, 3, 8): True})  # a Sunday
    assert cal.due(Grade.BLUE, date(2026, 3, 7)).due == date(2026, 3, 10)


def test_any_override_in_year_makes_it_official() -> None:
    cal = WorkCalendar({date(2031, 10, 2): False, date(2031, 9, 27): True})
    assert not cal.is_provisional_year(2031)
    assert cal.is_provisional_year(2032)
    # Jan 1 2031 (Wednesday) is no longer assumed off: the entered schedule does not list it.
    assert cal.is_workday(date(2031, 1, 1))
    assert cal.is_workday(date(2031, 10, 1))
    assert not cal.is_workday(date(2031, 10, 2))
    assert cal.is_workday(date(2031, 9, 27))  # a Saturday made a working day
    assert cal.due(Grade.RED, date(2031, 3, 3)) == Deadline(date(2031, 3, 17), provisional=False)


def test_override_for_jan_1_in_entered_year() -> None:
    cal = WorkCalendar({date(2031, 1, 1): False})
    assert not cal.is_workday(date(2031, 1, 1))
    assert cal.add_workdays(date(2030, 12, 31), 1) == Deadline(date(2031, 1, 2), provisional=False)


def test_override_keys_may_be_datetimes_and_mapping_is_copied() -> None:
    overrides = {datetime(2026, 3, 10, 8, 0): False}
    cal = WorkCalendar(overrides)
    overrides[datetime(2026, 3, 11)] = False
    assert not cal.is_workday(date(2026, 3, 10))
    assert cal.is_workday(date(2026, 3, 11))


# -- add_workdays arguments --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1])
def test_add_workdays_rejects_non_positive(n: int) -> None:
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 3, 9), n)


def test_add_workdays_rejects_non_int() -> None:
    with pytest.raises(TypeError):
        CAL.add_workdays(date(2026, 3, 9), 1.0)  # type: ignore[arg-type]


def test_add_workdays_is_memoised_and_stable() -> None:
    cal = WorkCalendar()
    first = cal.add_workdays(date(2026, 3, 9), 10)
    assert cal.add_workdays(date(2026, 3, 9), 10) is first


# -- counting, overdue, due soon ---------------------------------------------------------------------


def test_workdays_between() -> None:
    # Mon 2026-03-09 .. Mon 2026-03-16: Tue-Fri and the next Monday.
    assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 16)) == 5
    assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert CAL.workdays_between(date(2026, 3, 16), date(2026, 3, 9)) == 0
    assert CAL.workdays_between(date(2026, 3, 13), date(2026, 3, 15)) == 0  # Fri -> Sun
    # Over National Day 2025: Oct 9, 10, 11 (make-up Saturday).
    assert CAL.workdays_between(date(2025, 9, 30), date(2025, 10, 12)) == 3
    assert CAL.workdays_between(datetime(2026, 3, 9, 17), datetime(2026, 3, 10, 9)) == 1


def test_is_overdue() -> None:
    due = date(2026, 3, 11)
    assert not CAL.is_overdue(due, date(2026, 3, 10))
    assert not CAL.is_overdue(due, due)
    assert CAL.is_overdue(due, date(2026, 3, 12))


def test_is_due_soon() -> None:
    due = date(2026, 3, 11)  # Wednesday
    assert not CAL.is_due_soon(due, date(2026, 3, 9))
    assert CAL.is_due_soon(due, date(2026, 3, 10))
    assert CAL.is_due_soon(due, due)
    assert not CAL.is_due_soon(due, date(2026, 3, 12))  # overdue, not "soon"


def test_due_soon_on_friday_for_monday() -> None:
    monday = date(2026, 3, 16)
    assert CAL.is_due_soon(monday, date(2026, 3, 13))  # Friday
    assert CAL.is_due_soon(monday, date(2026, 3, 14))  # Saturday
    assert not CAL.is_due_soon(monday, date(2026, 3, 12))  # Thursday


def test_due_soon_across_holiday() -> None:
    # The working day after Tue 2025-09-30 is Thu 2025-10-09.
    assert CAL.is_due_soon(date(2025, 10, 9), date(2025, 9, 30))
    assert not CAL.is_due_soon(date(2025, 10, 10), date(2025, 9, 30))


def test_next_workday() -> None:
    assert CAL.next_workday(date(2026, 3, 13)) == date(2026, 3, 16)
    assert CAL.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)


# -- properties over the covered range ---------------------------------------------------------------

# Stop a year short of the last covered one so n <= 30 working days never leaves covered data.
covered_starts = st.dates(min_value=date(FIRST_COVERED, 1, 1), max_value=date(LAST_COVERED - 1, 12, 31))
counts = st.integers(min_value=1, max_value=30)


def _count_by_hand(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


@settings(max_examples=300, deadline=None)
@given(start=covered_starts, n=counts)
def test_due_date_properties(start: date, n: int) -> None:
    deadline = CAL.add_workdays(start, n)
    assert not deadline.provisional
    assert deadline.due > start
    assert CAL.is_workday(deadline.due)
    assert chinese_calendar.is_workday(deadline.due)
    assert CAL.workdays_between(start, deadline.due) == n
    # The day before the due date still has fewer than n working days: due is the first such day.
    assert CAL.workdays_between(start, deadline.due - timedelta(days=1)) == n - 1
    if n > 1:
        assert CAL.add_workdays(start, n - 1).due < deadline.due
    assert deadline.due == _count_by_hand(start, n)


@settings(max_examples=300, deadline=None)
@given(start=covered_starts, n=counts)
def test_agrees_with_chinese_calendar_find_workday(start: date, n: int) -> None:
    due = CAL.add_workdays(start, n).due
    # find_workday(k, d) first moves to the first working day >= d and then k working days on.
    # From a working day that is exactly our rule; from a non-working day it counts one more,
    # because it treats that next working day as "day 0". find_workday(n - 1, start + 1) is
    # our rule for every kind of start day.
    assert due == chinese_calendar.find_workday(n - 1, start + timedelta(days=1))
    if chinese_calendar.is_workday(start):
        assert due == chinese_calendar.find_workday(n, start)
    else:
        assert due < chinese_calendar.find_workday(n, start)


def test_find_workday_differs_on_non_working_start() -> None:
    # The design's own example: blue accepted Saturday 2026-03-07 is due Wednesday 03-11,
    # while find_workday(3, that Saturday) says Thursday 03-12.
    assert chinese_calendar.find_workday(3, date(2026, 3, 7)) == date(2026, 3, 12)
    assert CAL.add_workdays(date(2026, 3, 7), 3).due == date(2026, 3, 11)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    n=counts,
)
def test_properties_hold_in_any_year(start: date, n: int) -> None:
    deadline = CAL.add_workdays(start, n)
    assert deadline.due > start
    assert CAL.is_workday(deadline.due)
    assert CAL.workdays_between(start, deadline.due) == n
    touched = {(start + timedelta(days=i)).year for i in range(1, (deadline.due - start).days + 1)}
    assert deadline.provisional == any(CAL.is_provisional_year(y) for y in touched)


@settings(max_examples=200, deadline=None)
@given(start=covered_starts, end=covered_starts)
def test_workdays_between_matches_chinese_calendar(start: date, end: date) -> None:
    expected = len(chinese_calendar.get_workdays(start + timedelta(days=1), end)) if end > start else 0
    assert CAL.workdays_between(start, end) == expected


# -- clocks --------------------------------------------------------------------------------------------


def test_system_clock_has_seconds_precision() -> None:
    clock = Clock()
    now = clock.now()
    assert now.microsecond == 0
    assert now.tzinfo is None
    assert clock.today() in {now.date(), now.date() + timedelta(days=1)}


def test_fixed_clock() -> None:
    clock = FixedClock(datetime(2026, 3, 9, 9, 30, 15, 123456))
    assert clock.now() == datetime(2026, 3, 9, 9, 30, 15)
    assert clock.today() == date(2026, 3, 9)
    clock.set(datetime(2026, 3, 10, 8, 0))
    assert clock.now() == datetime(2026, 3, 10, 8, 0)
    assert clock.today() == date(2026, 3, 10)
    assert isinstance(clock, Clock)


def test_fixed_clock_rejects_aware_and_dates() -> None:
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 3, 9, tzinfo=UTC))
    with pytest.raises(TypeError):
        FixedClock(date(2026, 3, 9))  # type: ignore[arg-type]


def test_clock_from_env_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BBC_NOW", raising=False)
    clock = clock_from_env()
    assert type(clock) is Clock
    monkeypatch.setenv("BBC_NOW", "")
    assert type(clock_from_env()) is Clock


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-09", datetime(2026, 3, 9, 0, 0)),
        ("2026-03-09T14:05", datetime(2026, 3, 9, 14, 5)),
        ("2026-03-09T14:05:33", datetime(2026, 3, 9, 14, 5, 33)),
        (" 2026-03-09T14:05:33 ", datetime(2026, 3, 9, 14, 5, 33)),
    ],
)
def test_clock_from_env_fixed(monkeypatch: pytest.MonkeyPatch, raw: str, expected: datetime) -> None:
    monkeypatch.setenv("BBC_NOW", raw)
    clock = clock_from_env()
    assert isinstance(clock, FixedClock)
    assert clock.now() == expected
    assert clock.today() == expected.date()


@pytest.mark.parametrize("raw", ["tomorrow", "2026-13-01", "09/03/2026", "2026-03-09 14:05", "2026-03-09T14"])
def test_clock_from_env_malformed(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("BBC_NOW", raw)
    with pytest.raises(ValueError, match="BBC_NOW"):
        clock_from_env()
