"""Working days: weekends and the bank holidays of England and Wales are not."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def on_or_after(day: date) -> date:
    """The day itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def after(day: date) -> date:
    """The first working day strictly after ``day``."""
    return on_or_after(day + timedelta(days=1))


def before(day: date, count: int) -> date:
    """The working day ``count`` working days before ``day`` (which need not be one)."""
    for _ in range(count):
        day -= timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
    return day
