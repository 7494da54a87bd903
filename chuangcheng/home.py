"""工作台: the page each person lands on. Project level, because it gathers from every app."""

from django.shortcuts import render
from django.utils import timezone

from chuangcheng.indicators.models import AssessmentSystem
from chuangcheng.inspections import workbench as inspections_workbench
from chuangcheng.org import actions as org_actions
from chuangcheng.org.models import OrgUnit, Pairing, User, Visit
from chuangcheng.points.models import Point


def home(request):
    user = request.user
    year = timezone.localdate().year
    units = OrgUnit.objects.visible_to(user)
    context = {
        "unit_count": units.count(),
        "people_count": User.objects.visible_to(user).filter(is_active=True).count(),
        "assignments": user.role_assignments.select_related("unit"),
        "my_pairings": Pairing.objects.filter(leader=user)
        .active()
        .select_related("unit")
        .with_scorecard(year),
        "recent_visits": Visit.objects.visible_to(user).select_related("leader", "unit")[:5],
        "point_count": Point.objects.visible_to(user).active().count(),
        "active_systems": AssessmentSystem.objects.visible_to(user).active().order_by("title"),
        "my_points": Point.objects.visible_to(user)
        .active()
        .filter(point_leader=user)
        .select_related("point_type", "township")
        .order_by("point_type__sort_order", "code"),
        "can_log_visit": org_actions.pairings_loggable_by(user).exists(),
        "year": year,
        **inspections_workbench.context(user),
    }
    return render(request, "core/home.html", context)
