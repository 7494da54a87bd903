"""Who sees what of inspections — the secrecy rule (三不三无) in one place.

* The campaign office of an area (and the city office above it) sees every plan, assignment
  and inspection of the area.
* An inspector sees their own assignments — a covert one only from the start of its window —
  and their own inspections; not the covert plan itself (its name, size, rules) while it runs.
* Everyone else sees nothing of a covert plan while it runs: no plan, no assignment, no count.
  Covert inspections stay hidden until their embargo (the end of the plan's period) has passed;
  then the units see the results for their points, never who inspected (``Inspection.
  inspector_shown_to``). Leaders and oversight see ended covert plans (and their draws) to hold
  the office to account.
* Announced plans and self-inspections are not secret: the units concerned see them.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chuangcheng.core.scoping import ScopedQuerySet, scope_for
from chuangcheng.org.choices import Role


def managed_area_paths(user) -> frozenset[str]:
    """The paths of the areas whose inspections ``user`` runs as the campaign office."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_inspection_areas_cache", None)
    if cached is None:
        cached = frozenset(unit.area().path for unit in user.units_with_role(Role.OFFICE, Role.CITY_OFFICE))
        user._inspection_areas_cache = cached
    return cached


def can_manage_inspections(user, area=None) -> bool:
    """Campaign office (or superuser): plans draws, sees covert assignments; for ``area`` if given."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    paths = managed_area_paths(user)
    if area is None:
        return bool(paths)
    return any(area.path.startswith(p) for p in paths)


def managed_q(user, lookup: str) -> Q:
    """Rows whose ``lookup`` (an org-unit relation) lies in an area ``user`` runs as the office."""
    condition = Q(pk__in=[])
    for path in sorted(managed_area_paths(user)):
        condition |= Q(**{f"{lookup}__path__startswith": path})
    return condition


def _accountability_q(user, lookup: str) -> Q:
    """Areas where the person is a leader or overseer (they see ended covert plans)."""
    condition = Q(pk__in=[])
    for unit in user.units_with_role(Role.LEADER, Role.OVERSIGHT):
        condition |= Q(**{f"{lookup}__path__startswith": unit.area().path})
    return condition


def _point_scope_q(user, prefix: str) -> Q:
    scope = scope_for(user)
    return (
        scope.unit_q(f"{prefix}responsible_unit")
        | scope.unit_q(f"{prefix}township")
        | Q(**{f"{prefix}point_leader": user})
    )


class PlanQuerySet(ScopedQuerySet):
    scope_unit_lookup = "area"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        from chuangcheng.inspections.models import Assignment

        today = timezone.localdate()
        scope = scope_for(user)
        own_assignment = Assignment.objects.filter(plan=OuterRef("pk")).filter(
            Q(inspector=user) | Q(second_inspector=user)
        )
        return self.filter(
            managed_q(user, "area")
            | (Q(is_covert=False, self_unit__isnull=True) & scope.unit_or_ancestor_q("area"))
            | (Q(is_covert=False) & scope.unit_q("self_unit"))
            | (Q(is_covert=True, period_end__lt=today) & _accountability_q(user, "area"))
            | (Q(is_covert=False) & Exists(own_assignment))
        )

    def open_on(self, day):
        return self.filter(cancelled_at__isnull=True, period_start__lte=day, period_end__gte=day)


class AssignmentQuerySet(ScopedQuerySet):
    scope_unit_lookup = "point__responsible_unit"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        today = timezone.localdate()
        mine = Q(inspector=user) | Q(second_inspector=user)
        return self.filter(
            managed_q(user, "plan__area")
            | (mine & (Q(plan__is_covert=False) | Q(window_start__lte=timezone.now())))
            | (Q(plan__is_covert=False) & _point_scope_q(user, "point__"))
            | (Q(plan__is_covert=True, plan__period_end__lt=today) & _accountability_q(user, "plan__area"))
        )

    def mine(self, user):
        """An inspector's own assignments that may be shown now (covert ones once open)."""
        return self.filter(Q(inspector=user) | Q(second_inspector=user)).filter(
            Q(plan__is_covert=False) | Q(window_start__lte=timezone.now())
        )


class InspectionQuerySet(ScopedQuerySet):
    scope_unit_lookup = "responsible_unit"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        today = timezone.localdate()
        return self.filter(
            managed_q(user, "area")
            | Q(inspector=user)
            | Q(second_inspector=user)
            | ((Q(embargo_until__isnull=True) | Q(embargo_until__lt=today)) & _point_scope_q(user, ""))
        )

    def counting(self):
        """Inspections that count as results of the campaign's inspections (not self-inspections)."""
        from chuangcheng.inspections.choices import InspectionKind

        return self.exclude(kind=InspectionKind.SELF)
