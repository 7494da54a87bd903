"""Who sees which problems (DESIGN.md rule 1), and the derived conditions (overdue, light).

* The campaign office of an area (and the city office above it) sees every problem of the area,
  including covert findings still under embargo and reports not yet registered.
* Leaders, task forces and oversight see the area's problems once any embargo has ended.
* A unit sees the problems assigned to it or to a unit below it, once assigned and out of
  embargo; a point leader those at their points. After a reassignment the old unit no longer
  sees the problem.
"""

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from chuangcheng.core.scoping import ScopedQuerySet, scope_for
from chuangcheng.problems.choices import FINAL_STATES, OPEN_STATES, UNIT_STATES, UNIT_TODO_STATES, Light


def office_q(user, lookup: str = "area") -> Q:
    """Problems in the areas where ``user`` is the campaign office."""
    from chuangcheng.inspections.querysets import managed_q

    return managed_q(user, lookup)


def not_embargoed_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(embargo_until__isnull=True) | Q(embargo_until__lt=today)


class ProblemQuerySet(ScopedQuerySet):
    scope_unit_lookup = "responsible_unit"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        scope = scope_for(user)
        held = Q(status__in=sorted(UNIT_STATES)) & (
            scope.unit_q("responsible_unit") | Q(point__point_leader=user)
        )
        return self.filter(office_q(user) | (not_embargoed_q() & (scope.unit_q("area") | held)))

    def held_by(self, user):
        """Problems ``user`` holds for their unit (as its staff, or as the point's leader): the
        unit inbox. Office-only staff hold none."""
        from chuangcheng.org.choices import Role

        condition = Q(point__point_leader=user)
        for unit in user.units_with_role(Role.UNIT_ADMIN, Role.UNIT_STAFF):
            condition |= Q(responsible_unit__path__startswith=unit.path)
        return (
            self.visible_to(user).filter(condition, status__in=sorted(UNIT_STATES)).filter(not_embargoed_q())
        )

    def managed_by(self, user):
        """Problems the user handles as the campaign office."""
        if user.is_superuser:
            return self.all()
        return self.filter(office_q(user))

    def open(self):
        return self.filter(status__in=sorted(OPEN_STATES))

    def final(self):
        return self.filter(status__in=sorted(FINAL_STATES))

    def overdue(self, now=None):
        """Past the deadline and not closed (derived, never stored)."""
        return self.open().filter(deadline__lt=now or timezone.now())

    def unit_todo(self):
        return self.filter(status__in=sorted(UNIT_TODO_STATES))

    def with_light(self, now=None):
        """Annotate ``light_value`` in the database (for filtering and counting by light)."""
        now = now or timezone.now()
        return self.annotate(
            light_value=Case(
                When(
                    Q(deadline__isnull=True) | Q(status__in=sorted(FINAL_STATES)),
                    then=Value(Light.NONE.value),
                ),
                When(deadline__lt=now, then=Value(Light.RED.value)),
                When(warn_at__lte=now, then=Value(Light.YELLOW.value)),
                default=Value(Light.GREEN.value),
                output_field=CharField(),
            )
        )

    def by_urgency(self, now=None):
        """Overdue first (most overdue first), then by deadline; problems without one last."""
        from django.db.models import F

        now = now or timezone.now()
        return self.annotate(
            urgency=Case(
                When(deadline__lt=now, then=Value(0)),
                When(deadline__isnull=False, then=Value(1)),
                default=Value(2),
            )
        ).order_by("urgency", F("deadline").asc(nulls_last=True), "pk")


class CategoryQuerySet(ScopedQuerySet):
    """The catalogue is owned by an area and read by everyone in it."""

    scope_unit_lookup = "area"
    scope_includes_ancestors = True

    def active(self):
        return self.filter(is_active=True)
