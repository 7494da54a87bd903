"""Background evaluation: a province's month is too long for a web request."""

from datetime import date

from celery import shared_task

from chuangcheng.org.models import OrgUnit, User
from chuangcheng.scoring import actions


@shared_task(name="scoring.run_month")
def run_month(area_id: int, month: str, user_id: int | None = None) -> int:
    """Compute ``month`` (YYYY-MM-01) for an area as a draft; returns the evaluation's id. Safe to
    run twice: a second run replaces the draft."""
    area = OrgUnit.objects.get(pk=area_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    return actions.run_month(user, area, date.fromisoformat(month)).pk
