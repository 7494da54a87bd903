"""Navigation by role. Each app adds its entries here as it arrives; the template shows the
entries whose ``allowed(user)`` is true. (Project level: it may name every app's pages.)"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chuangcheng.org.choices import OFFICE_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Promise
    url_name: str
    allowed: Callable = lambda user: True
    query: str = ""

    def url(self):
        return reverse(self.url_name) + self.query


def _is_leader_or_office(user):
    return user.is_superuser or user.has_role(Role.LEADER, *OFFICE_ROLES)


def _inspects(user):
    """Inspectors (assignments), the office (extra inspections) and units (self-inspections)."""
    return user.is_superuser or user.has_role(
        Role.INSPECTOR, Role.UNIT_ADMIN, Role.UNIT_STAFF, Role.POINT_LEADER, *OFFICE_ROLES
    )


def _holds_problems(user):
    """Unit staff and point leaders rectify problems (the unit inbox)."""
    return user.has_role(Role.UNIT_ADMIN, Role.UNIT_STAFF, Role.POINT_LEADER)


def _oversees(user):
    from chuangcheng.problems.oversight import may_oversee

    return may_oversee(user)


def _is_office(user):
    return user.is_superuser or user.has_role(*OFFICE_ROLES)


ITEMS = [
    NavItem("home", _("Workbench"), "home"),
    NavItem("org", _("Organisation"), "org:tree"),
    NavItem("people", _("People"), "org:people"),
    NavItem("indicators", _("Assessment systems"), "indicators:systems"),
    NavItem("points", _("Points"), "points:list"),
    NavItem("my_assignments", _("My assignments"), "inspections:mine", _inspects),
    NavItem("plans", _("Inspection plans"), "inspections:plans", _is_office),
    NavItem("inspections", _("Inspections"), "inspections:list"),
    NavItem("problems", _("Problems"), "problems:list"),
    NavItem("problem_inbox", _("My unit's problems"), "problems:inbox", _holds_problems),
    NavItem("oversight", _("Accountability"), "problems:oversight", _oversees),
    NavItem("evaluations", _("Monthly evaluation"), "scoring:evaluations", _is_leader_or_office),
    NavItem("league", _("League table"), "scoring:league"),
    NavItem("citizens", _("The public takes part"), "citizens_office:complaints", _is_leader_or_office),
    NavItem("notifications", _("Messages"), "notifications:inbox"),
    NavItem("visits", _("Visits"), "org:visits", _is_leader_or_office),
]


def items_for(user):
    if not user.is_authenticated:
        return []
    return [item for item in ITEMS if item.allowed(user)]


def context(request):
    """Template context processor: the navigation for the signed-in user, and the site name."""
    from django.conf import settings

    user = getattr(request, "user", None)
    items = items_for(user) if user is not None else []
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        name = match.view_name
        current = {"org:tree": "org", "org:unit": "org", "org:people": "people", "org:person": "people"}.get(
            name
        )
        if current is None:
            current = next(
                (
                    key
                    for prefix, key in (
                        ("org:visit", "visits"),
                        ("indicators:", "indicators"),
                        ("points:", "points"),
                        ("inspections:mine", "my_assignments"),
                        ("inspections:inspect", "my_assignments"),
                        ("inspections:plan", "plans"),
                        ("inspections:", "inspections"),
                        ("problems:inbox", "problem_inbox"),
                        ("problems:oversight", "oversight"),
                        ("problems:", "problems"),
                        ("scoring:league", "league"),
                        ("scoring:", "evaluations"),
                        ("notifications:", "notifications"),
                    )
                    if name.startswith(prefix)
                ),
                name,
            )
    return {"nav_items": items, "nav_current": current, "site_name": settings.SITE_NAME}
