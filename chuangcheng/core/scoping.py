"""Scoping: what a signed-in person may see, as a set of org-unit subtrees.

Every query that serves a user starts from ``Model.objects.visible_to(user)`` (DESIGN.md, rule 1).
The user model (``org.User``) computes a :class:`Scope` from the roles the person holds; this
module only knows that org units carry a materialised ``path`` ("/1/4/17/"), so a subtree is a
prefix match — one indexed condition, the same on SQLite and PostgreSQL, however large the
tree. Later apps declare which field of their model leads to the responsible unit.
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    """The org units a person may see: whole subtrees (by path prefix) plus single units."""

    everything: bool = False
    subtree_paths: frozenset[str] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    # Units above the visible ones (their county, their city): a township sees the indicator
    # systems and point types its county owns, without seeing the county's other units.
    ancestor_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def nothing(cls) -> "Scope":
        return cls()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.subtree_paths or self.unit_ids)

    def unit_q(self, prefix: str = "") -> Q:
        """A condition on an org-unit relation.

        ``prefix`` is the lookup path from the model to the unit ("" = the model is the unit).
        """
        if self.everything:
            return Q()
        path_lookup = f"{prefix}__path__startswith" if prefix else "path__startswith"
        id_lookup = f"{prefix}__in" if prefix else "pk__in"
        condition = Q(pk__in=[])  # matches nothing, on every database
        for path in sorted(self.subtree_paths):
            condition |= Q(**{path_lookup: path})
        if self.unit_ids:
            condition |= Q(**{id_lookup: sorted(self.unit_ids)})
        return condition

    def unit_or_ancestor_q(self, prefix: str) -> Q:
        """Like ``unit_q``, and also matching the units above the visible ones."""
        if self.everything:
            return Q()
        return self.unit_q(prefix) | Q(**{f"{prefix}__in": sorted(self.ancestor_ids)})

    def covers_path(self, path: str, unit_id: int) -> bool:
        """Whether one unit (given its path and id) lies in this scope, without a query."""
        return (
            self.everything or unit_id in self.unit_ids or any(path.startswith(p) for p in self.subtree_paths)
        )


def scope_for(user) -> Scope:
    """The scope of ``user``; anonymous and inactive users see nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope.nothing()
    return user.get_scope()


class ScopedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user may see.

    Subclasses set ``scope_unit_lookup`` to the lookup path from the model to its org unit
    ("responsible_unit", "point__responsible_unit"…); "" means the model is the org unit.
    Override ``visible_to`` when a model needs more than unit scoping (an inspector's own
    assignments, a person's own record) and call ``super()`` for the unit part.
    """

    scope_unit_lookup = "unit"
    # True for data an area owns and everyone in it reads (indicator systems, point types):
    # it is visible from the units below its owner too.
    scope_includes_ancestors = False

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        if self.scope_includes_ancestors:
            return self.filter(scope.unit_or_ancestor_q(self.scope_unit_lookup))
        return self.filter(scope.unit_q(self.scope_unit_lookup))


def get_visible_or_404(queryset, user, *, request=None, **lookup):
    """Fetch one object through ``visible_to(user)``; 404 when it is missing or out of scope.

    Both cases answer the same (an id reveals nothing), but an existing object outside the
    user's scope is written to the audit log as denied access (security.md 19): that is how
    someone probing other units' ids shows up.
    """
    from django.http import Http404

    from chuangcheng.core import audit
    from chuangcheng.core.choices import AuditAction, AuditResult

    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        hidden = queryset.model._default_manager.filter(**lookup).first()
        if hidden is not None:
            audit.record(
                AuditAction.ACCESS_DENIED, request=request, user=user, obj=hidden, result=AuditResult.DENIED
            )
        raise Http404 from None
