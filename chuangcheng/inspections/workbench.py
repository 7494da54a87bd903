"""What the workbench (工作台) shows of inspections, by who is looking — through the same
secrecy rules as every other page: a unit's figures count only inspections past their embargo."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from chuangcheng.inspections.choices import AssignmentStatus
from chuangcheng.inspections.models import Assignment, Inspection, Plan
from chuangcheng.inspections.querysets import can_manage_inspections
from chuangcheng.org.choices import Role


def context(user) -> dict:
    now = timezone.now()
    data: dict = {}
    if user.has_role(Role.INSPECTOR):
        grace = timedelta(hours=settings.INSPECTION_SUBMIT_GRACE_HOURS)
        early = timedelta(minutes=settings.INSPECTION_EARLY_MINUTES)
        data["assignments_due_now"] = (
            Assignment.objects.mine(user)
            .filter(
                status=AssignmentStatus.PENDING,
                window_start__lte=now + early,
                window_end__gte=now - grace,
            )
            .count()
        )
    if can_manage_inspections(user):
        today = timezone.localdate()
        data["open_plans"] = (
            Plan.objects.visible_to(user)
            .open_on(today)
            .annotate(
                total=Count("assignments", filter=~Q(assignments__status=AssignmentStatus.REPLACED)),
                done=Count("assignments", filter=Q(assignments__status=AssignmentStatus.DONE)),
            )
            .order_by("period_end")[:5]
        )
    since = now - timedelta(days=30)
    recent = Inspection.objects.visible_to(user).counting().filter(submitted_at__gte=since)
    data["inspections_30d"] = recent.aggregate(total=Count("pk"), failed=Count("pk", filter=Q(passed=False)))
    return data
