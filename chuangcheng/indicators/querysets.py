"""Read queries for the indicators app, each scoped with ``visible_to``."""

from django.db.models import Exists, OuterRef

from chuangcheng.core.scoping import ScopedQuerySet
from chuangcheng.indicators.choices import SystemStatus


class AreaOwnedQuerySet(ScopedQuerySet):
    """Systems, point types and metrics belong to an area and are read by every unit in it."""

    scope_unit_lookup = "area"
    scope_includes_ancestors = True

    def active(self):
        if self.model._meta.model_name == "assessmentsystem":
            return self.filter(status=SystemStatus.ACTIVE)
        return self.filter(is_active=True)


class IndicatorQuerySet(ScopedQuerySet):
    scope_unit_lookup = "system__area"
    scope_includes_ancestors = True

    def leaves(self):
        return self.filter(~Exists(self.model.objects.filter(parent=OuterRef("pk"))))


class CheckItemQuerySet(ScopedQuerySet):
    scope_unit_lookup = "point_type__area"
    scope_includes_ancestors = True


class MetricValueQuerySet(ScopedQuerySet):
    """Values are reported per unit; a unit sees its own and its area's (the area-wide figures)."""

    scope_unit_lookup = "unit"
    scope_includes_ancestors = True

    def current(self):
        """Values not corrected by a later row."""
        return self.filter(superseded_by__isnull=True)
