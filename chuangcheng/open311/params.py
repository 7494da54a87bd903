"""Reading a GeoReport v2 request's arguments, refusing what is malformed with the spec's 400.

An argument sent empty is treated as absent (the spec says so, and some clients always send
``jurisdiction_id=``). API error descriptions are written in Chinese: civic clients show them
to residents as they are.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, time

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

MAX_ARGUMENT = 5000  # characters; a description may have 4000 by the spec
MAX_LIST = 1000  # items in a comma list


class ApiError(Exception):
    """A refusal in the spec's format: ``status`` is also the error's ``code``."""

    def __init__(self, status: int, description: str, headers: dict | None = None):
        super().__init__(description)
        self.status, self.description, self.headers = status, description, headers or {}


def bad(description: str) -> ApiError:
    return ApiError(400, description)


class Arguments:
    """The request's arguments: the form body first, then the query string (clients put
    ``api_key`` and ``jurisdiction_id`` in either)."""

    def __init__(self, *sources: QueryDict):
        self.sources = sources
        for source in sources:
            for name, values in source.lists():
                if len(name) > 100:
                    raise bad("参数名过长。")
                for value in values:
                    if len(value) > MAX_ARGUMENT:
                        raise bad(f"参数 {name[:40]} 过长。")
                    if "\x00" in value:
                        raise bad(f"参数 {name[:40]} 含有无效字符。")

    def get(self, name: str) -> str:
        """The stripped value, or "" when absent or empty."""
        for source in self.sources:
            value = (source.get(name) or "").strip()
            if value:
                return value
        return ""

    def items(self):
        """Every (name, value) of the body and the query string, for the payload hash."""
        for source in self.sources:
            for name, values in source.lists():
                for value in values:
                    yield name, value

    def comma_list(self, name: str) -> list[str]:
        raw = self.get(name)
        items = [part.strip() for part in raw.split(",") if part.strip()]
        if len(items) > MAX_LIST:
            raise bad(f"{name} 最多可列 {MAX_LIST} 项。")
        return items


def parse_coordinate(raw: str, name: str, low: float, high: float) -> float:
    """A finite decimal number in [low, high] (no NaN, no infinity, no hex or underscores)."""
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", raw, flags=re.ASCII):
        raise bad(f"{name} 不是有效的数字。")
    value = float(raw)
    if not math.isfinite(value) or not low <= value <= high:
        raise bad(f"{name} 超出范围（{low:g} 至 {high:g}）。")
    return value


def parse_w3c(raw: str, name: str, *, end_of_day: bool = False) -> datetime:
    """A W3C datetime (2026-12-07T15:30:00Z, …+08:00) or a date (its start, or its end with
    ``end_of_day``); without an offset it is Beijing time. Anything else is a 400 naming the
    argument."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw, flags=re.ASCII):
            day = parse_date(raw)
            value = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            value = parse_datetime(raw)
            if value is None:
                raise ValueError(raw)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value.astimezone(UTC)  # an offset that runs off the calendar fails here, not in the query
    except (ValueError, OverflowError):
        raise bad(f"{name} 不是有效的 W3C 日期时间（例如 2026-12-07T08:00:00+08:00）。") from None
    return value
