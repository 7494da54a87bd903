"""Periodic work, also a management command: ``manage.py problems_housekeeping``."""

from celery import shared_task

from chuangcheng.problems import actions


@shared_task(name="problems.housekeeping")
def housekeeping() -> dict:
    """Embargoes lifted, reminders, overdue escalation. Safe to run twice."""
    return actions.housekeeping()
