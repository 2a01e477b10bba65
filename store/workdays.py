"""CAGE's working calendar, pure (no database, no clock of its own): working hours are Monday to
Friday, 8:00 to 18:00 in Porto Alegre's time, except the holidays of store/holidays.toml. Aging
counts only working hours, so a demand opened on Friday evening has not waited all weekend.

Quiet hours (20:00 to 8:00, every day) are when pushes to requesters go out silently.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("America/Sao_Paulo")
DAY_STARTS, DAY_ENDS = time(8), time(18)
QUIET_FROM, QUIET_UNTIL = time(20), time(8)
HOLIDAYS_FILE = Path(__file__).with_name("holidays.toml")


@dataclass(frozen=True)
class Holidays:
    every_year: frozenset[tuple[int, int]]  # (month, day)
    dates: frozenset[date]

    def __contains__(self, day: date) -> bool:
        return (day.month, day.day) in self.every_year or day in self.dates

    def knows_year(self, year: int) -> bool:
        """Whether the movable days of `year` were written down: without them its Carnaval would
        count as working days, so `python -m bot check` says so (bot/checks.py)."""
        return any(day.year == year for day in self.dates)


@lru_cache(maxsize=1)
def holidays() -> Holidays:
    data = tomllib.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    every_year = frozenset(tuple(int(part) for part in key.split("-")) for key in data.get("every_year", {}))
    dates = frozenset(date.fromisoformat(key) for key in data.get("dates", {}))
    return Holidays(every_year=every_year, dates=dates)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays()


def previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _working_window(day: date) -> tuple[datetime, datetime]:
    return datetime.combine(day, DAY_STARTS, LOCAL), datetime.combine(day, DAY_ENDS, LOCAL)


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours from `start` to `end` (aware datetimes); 0 when `end` is not later."""
    seconds = 0.0
    day, last = local(start).date(), local(end).date()
    while day <= last:
        if is_working_day(day):
            opens, closes = _working_window(day)
            seconds += max(0.0, (min(end, closes) - max(start, opens)).total_seconds())
        day += timedelta(days=1)
    return seconds / 3600


def after_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after `start` have gone by (in UTC when `start` is)."""
    remaining = timedelta(hours=hours)
    day = local(start).date()
    while True:
        if is_working_day(day):
            opens, closes = _working_window(day)
            begin = max(start, opens)
            if begin < closes:
                if begin + remaining <= closes:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= closes - begin
        day += timedelta(days=1)


def is_quiet_hour(moment: datetime) -> bool:
    """Whether it is night in Porto Alegre (20:00 to 8:00): pushes to requesters go silently."""
    now = local(moment).time()
    return now >= QUIET_FROM or now < QUIET_UNTIL
