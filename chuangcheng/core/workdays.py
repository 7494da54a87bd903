"""Working days and working hours on the Chinese statutory calendar (工作日).

Deadlines given in working days or working hours (DESIGN.md: "Working days") are counted here.
Which days are working days, in order of authority:

1. ``CalendarDay`` rows the office entered (holidays and make-up workdays not shipped yet);
2. the ``chinese-calendar`` package (statutory holidays and 调休 make-up workdays of the years
   it knows);
3. beyond those years, Monday to Friday — and ``known_year`` says so, so pages can warn that a
   deadline was counted without next year's holiday schedule.

Working hours are the periods of ``settings.WORK_HOURS`` ("08:30-12:00,14:00-17:30") on
working days. All arithmetic is in Beijing time (``settings.TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.utils import timezone

MAX_SPAN_DAYS = 3 * 366  # a deadline further than this is refused by the callers' validation


def _parse_periods(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    periods = []
    for part in text.split(","):
        start, end = (dt.time.fromisoformat(x.strip()) for x in part.split("-"))
        if end <= start:
            raise ValueError(f"working period {part!r} ends before it starts")
        periods.append((start, end))
    periods.sort()
    return tuple(periods)


def periods() -> tuple[tuple[dt.time, dt.time], ...]:
    return _parse_periods(settings.WORK_HOURS)


def known_year(year: int) -> bool:
    """Whether the shipped calendar knows this year's holidays."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def _shipped_is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


# the office's overrides read once for a batch of work (``overrides_read_once``), else per calendar
_batch_overrides: ContextVar[dict[dt.date, bool] | None] = ContextVar("batch_overrides", default=None)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from chuangcheng.core.models import CalendarDay

    batch = _batch_overrides.get()
    if batch is not None:
        return {day: value for day, value in batch.items() if start <= day <= end}
    return dict(CalendarDay.objects.filter(day__range=(start, end)).values_list("day", "is_workday"))


@contextmanager
def overrides_read_once() -> Iterator[None]:
    """Within the block, every calendar uses the office's overrides as read at its start: for
    batch work (the demo, imports) that counts thousands of deadlines and changes no calendar."""
    from chuangcheng.core.models import CalendarDay

    token = _batch_overrides.set(dict(CalendarDay.objects.values_list("day", "is_workday")))
    try:
        yield
    finally:
        _batch_overrides.reset(token)


class Calendar:
    """The working calendar over a span of days, with the office's overrides read once."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.overrides = _overrides(start, end)

    @classmethod
    def around(cls, moment: dt.datetime | dt.date, days: int = MAX_SPAN_DAYS) -> Calendar:
        day = (
            moment
            if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime)
            else _local(moment).date()
        )
        return cls(day - dt.timedelta(days=days), day + dt.timedelta(days=days))

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _shipped_is_workday(day)

    def add_workdays(self, start: dt.datetime, days: int) -> dt.datetime:
        """The close of business of the ``days``-th working day after ``start``'s day
        (1 working day from a Friday is the next Monday's 17:30, or later after a holiday)."""
        if days < 1:
            raise ValueError("at least one working day")
        day = _local(start).date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if day > self.end:
                raise ValueError("deadline beyond the calendar span")
            if self.is_workday(day):
                counted += 1
        return _aware(day, periods()[-1][1])

    def add_work_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """``hours`` of working time after ``start``: outside working hours the clock stands
        (a problem found at 17:00 on Friday with 4 working hours is due on Monday at 12:00)."""
        remaining = dt.timedelta(hours=hours)
        if remaining <= dt.timedelta(0):
            raise ValueError("a positive number of hours")
        local = _local(start)
        day = local.date()
        while True:
            if day > self.end:
                raise ValueError("deadline beyond the calendar span")
            if self.is_workday(day):
                for begin, finish in periods():
                    begin_at, finish_at = _aware(day, begin), _aware(day, finish)
                    if finish_at <= local:
                        continue
                    begin_at = max(begin_at, local)
                    available = finish_at - begin_at
                    if remaining <= available:
                        return begin_at + remaining
                    remaining -= available
            day += dt.timedelta(days=1)

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working time between two moments, in seconds (0 when ``end`` is not after ``start``)."""
        if end <= start:
            return 0.0
        total = 0.0
        day, last = _local(start).date(), _local(end).date()
        while day <= last:
            if self.is_workday(day):
                for begin, finish in periods():
                    lo = max(_aware(day, begin), start)
                    hi = min(_aware(day, finish), end)
                    if hi > lo:
                        total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return total


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment)


def _aware(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def add_workdays(start: dt.datetime, days: int) -> dt.datetime:
    return Calendar.around(start).add_workdays(start, days)


def add_work_hours(start: dt.datetime, hours: float) -> dt.datetime:
    return Calendar.around(start).add_work_hours(start, hours)
