"""Periodic work, also a management command: ``manage.py citizens_housekeeping``."""

from celery import shared_task

from chuangcheng.citizens import actions


@shared_task(name="citizens.housekeeping")
def housekeeping() -> dict:
    """Reporters' phone numbers past their retention removed (PIPL §19). Safe to run twice."""
    return {"phones_removed": actions.purge_phones()}
