"""工作台: the page each person lands on. Project level, because it gathers from every app."""

from django.shortcuts import render
from django.utils import timezone

from chuangcheng.org import actions as org_actions
from chuangcheng.org.models import OrgUnit, Pairing, User, Visit


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
        "can_log_visit": org_actions.pairings_loggable_by(user).exists(),
        "year": year,
    }
    return render(request, "core/home.html", context)
