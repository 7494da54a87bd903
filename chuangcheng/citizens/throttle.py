"""Rate limits for the public endpoints (security.md 17): fixed windows counted in the cache
(Redis in production, shared by every worker; process memory on a laptop), per IP address and
per device. A refused hit says how long to wait."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The address the request came from, as the audit log and the login lock-out see it
    (``REMOTE_ADDR``; behind a proxy, see docs/operations.md)."""
    from chuangcheng.core.audit import _client_ip

    return _client_ip(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, keys: list[str], limits=None, now: float | None = None) -> int:
    """Count one hit of ``scope`` for every key (an IP, a device…) in every window of
    ``limits`` [(seconds, most hits)]. Returns 0 when allowed, else the seconds to wait. A
    refused hit is not counted."""
    limits = limits if limits is not None else settings.CITIZEN_RATE_LIMITS
    now = now if now is not None else time.time()
    names = []
    for key in keys:
        if not key:
            continue
        for seconds, most in limits:
            bucket = int(now // seconds)
            name = f"throttle:{scope}:{key}:{seconds}:{bucket}"
            if (cache.get(name) or 0) >= most:
                return int(seconds - now % seconds) + 1
            names.append((name, seconds))
    for name, seconds in names:
        if cache.add(name, 1, timeout=seconds + 5):
            continue
        try:
            cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 1, timeout=seconds + 5)
    return 0
