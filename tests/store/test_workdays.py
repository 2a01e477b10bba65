"""Working hours (Mon–Fri 8–18 in Porto Alegre, RS holidays as data) and quiet hours: pure
arithmetic over aware datetimes, as the store's clock gives them."""

from __future__ import annotations

from datetime import date, timedelta, timezone

import pytest
from samples import local_time as at

from store import workdays
from store.workdays import after_working_hours, is_quiet_hour, is_working_day, working_hours_between


def test_a_day_counts_only_from_8_to_18():
    assert working_hours_between(at("2025-02-03", 7), at("2025-02-03", 20)) == 10
    assert working_hours_between(at("2025-02-03", 9, 30), at("2025-02-03", 11)) == 1.5
    assert working_hours_between(at("2025-02-03", 19), at("2025-02-04", 7)) == 0


def test_a_weekend_does_not_count():
    friday_afternoon, monday_morning = at("2025-02-07", 16), at("2025-02-10", 10)
    assert working_hours_between(friday_afternoon, monday_morning) == 4
    assert after_working_hours(friday_afternoon, 4) == monday_morning
    # 24 working hours from Friday 16:00: 2 on Friday, 10 on Monday, 10 on Tuesday, 2 on Wednesday.
    assert after_working_hours(friday_afternoon, 24) == at("2025-02-12", 10)


def test_a_state_holiday_does_not_count():
    # 2025-09-20, Revolução Farroupilha, is a Saturday; 2024-09-20 was a Friday.
    assert not is_working_day(date(2024, 9, 20))
    thursday = at("2024-09-19", 17)
    assert working_hours_between(thursday, at("2024-09-23", 9)) == 2
    assert after_working_hours(thursday, 2) == at("2024-09-23", 9)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous algorithm of 1876, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    h = (19 * a + b - b // 4 - (b - (b + 8) // 25 + 1) // 3 + 15) % 30
    k = (32 + 2 * (b % 4) + 2 * (c // 4) - h - c % 4) % 7
    m = (a + 11 * h + 22 * k) // 451
    return date(year, (h + k - 7 * m + 114) // 31, (h + k - 7 * m + 114) % 31 + 1)


def test_each_years_movable_holidays_are_the_days_easter_moves():
    """A typo in the data file would make a working day a holiday: each year's four movable
    days are Carnaval's Monday and Tuesday, Good Friday and Corpus Christi of that year's Easter."""
    dates = workdays.holidays().dates
    years = sorted({day.year for day in dates})
    assert years == list(range(years[0], years[-1] + 1)) and years[-1] >= 2030
    for year in years:
        easter = _easter(year)
        expected = {easter + timedelta(days=offset) for offset in (-48, -47, -2, 60)}
        assert {day for day in dates if day.year == year} == expected, year
        assert workdays.holidays().knows_year(year)
    assert not workdays.holidays().knows_year(years[-1] + 1)


def test_movable_holidays_come_from_the_data_file():
    assert {date(2026, 2, 16), date(2026, 2, 17), date(2026, 4, 3)} <= workdays.holidays().dates
    ash_wednesday = at("2026-02-18", 9)
    assert after_working_hours(at("2026-02-13", 17), 2) == ash_wednesday  # Carnaval Monday and Tuesday skipped


def test_the_result_is_in_the_timezone_it_was_asked_in():
    moment = after_working_hours(at("2025-02-03", 8), 3)
    assert moment.tzinfo == timezone.utc and moment == at("2025-02-03", 11)


@pytest.mark.parametrize(("hour", "quiet"), [(7, True), (8, False), (12, False), (19, False), (20, True), (23, True)])
def test_quiet_hours_are_20_to_8_local_time(hour, quiet):
    assert is_quiet_hour(at("2025-02-08", hour)) is quiet


def test_between_is_the_inverse_of_after():
    start = at("2025-02-06", 13, 15)
    for hours in (0.5, 5, 10, 24, 47.25):
        assert working_hours_between(start, after_working_hours(start, hours)) == pytest.approx(hours)
    assert working_hours_between(start, start - timedelta(hours=3)) == 0

