"""Background work: eager on a laptop, through a real Redis broker and worker in production."""

import datetime
import os

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from chuangcheng.celery import app
from chuangcheng.core.tasks import clear_expired_sessions


def _sessions(expired: int, live: int):
    now = timezone.now()
    for i in range(expired + live):
        store = SessionStore()
        store["n"] = i
        store.create()
        if i < expired:
            Session.objects.filter(session_key=store.session_key).update(
                expire_date=now - datetime.timedelta(hours=1)
            )


@pytest.mark.django_db
def test_clearing_sessions_removes_only_expired_ones_and_is_safe_twice():
    _sessions(expired=3, live=2)
    assert clear_expired_sessions.delay().get() == 3  # eager: no broker configured
    assert clear_expired_sessions.delay().get() == 0
    assert Session.objects.count() == 2


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Redis tests, but Redis at {url} is unreachable")
        pytest.skip(f"no Redis at {url} — task queue test skipped")
    return url


def _forget_backend():
    # Celery caches the result backend (per thread) and the broker connection pool;
    # drop both so the new configuration applies.
    if hasattr(app._local, "backend"):
        del app._local.backend
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_through_redis(redis_url):
    from celery.contrib.testing.worker import start_worker

    _sessions(expired=2, live=1)
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    _forget_backend()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = clear_expired_sessions.delay()
            assert result.get(timeout=20) == 2
            assert result.successful()
    finally:
        app.conf.update(saved)
        _forget_backend()
    assert Session.objects.count() == 1
