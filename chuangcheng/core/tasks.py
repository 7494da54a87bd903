"""Periodic housekeeping. Each task is also a management command (cron works too):
``clear_expired_sessions`` ↔ ``manage.py clearsessions``."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="core.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry; returns how many. Safe to run twice."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
