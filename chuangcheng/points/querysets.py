from django.db.models import Q

from chuangcheng.core.scoping import ScopedQuerySet, scope_for


class PointQuerySet(ScopedQuerySet):
    """A unit sees the points it answers for and the points in its territory; a point leader
    sees the points they lead; the office sees its whole area."""

    scope_unit_lookup = "responsible_unit"

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        return self.filter(scope.unit_q("responsible_unit") | scope.unit_q("township") | Q(point_leader=user))

    def active(self):
        from chuangcheng.points.choices import PointStatus

        return self.filter(status=PointStatus.ACTIVE)
