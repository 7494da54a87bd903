"""Read queries for org models; every list a user sees starts from ``visible_to``."""

from django.db.models import Count, Max, Q
from django.utils import timezone

from chuangcheng.core.scoping import ScopedQuerySet, scope_for


class OrgUnitQuerySet(ScopedQuerySet):
    scope_unit_lookup = ""  # the unit itself

    def active(self):
        return self.filter(is_active=True)


class UserQuerySet(ScopedQuerySet):
    scope_unit_lookup = "unit"

    def visible_to(self, user):
        """People of the units in scope, and always the person themself."""
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(scope.unit_q("unit") | Q(pk=user.pk))


class RoleAssignmentQuerySet(ScopedQuerySet):
    scope_unit_lookup = "unit"


class PairingQuerySet(ScopedQuerySet):
    scope_unit_lookup = "unit"

    def active(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)

    def with_scorecard(self, year: int):
        """The pairing scorecard (结对联创): visits in ``year`` and the last visit, in one query."""
        return self.annotate(
            visits_this_year=Count("visits", filter=Q(visits__visited_on__year=year)),
            last_visit=Max("visits__visited_on"),
        )


class VisitQuerySet(ScopedQuerySet):
    scope_unit_lookup = "unit"

    def in_year(self, year: int):
        return self.filter(visited_on__year=year)
