"""Periodic work, each also a management command: ``manage.py inspections_housekeeping``."""

from celery import shared_task

from chuangcheng.inspections import actions


@shared_task(name="inspections.housekeeping")
def housekeeping() -> dict:
    """Reveal the seeds of ended plans and mark assignments past their window missed. Safe to run twice."""
    return {"revealed": actions.reveal_due_seeds(), "missed": actions.mark_missed()}
