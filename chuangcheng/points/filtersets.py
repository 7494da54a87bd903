"""PointFilterSet: declared once, used by the list page, the map, the QR sheet and the API.

The choices offered are themselves scoped: only point types of the user's area, and only the
units and people that appear on points the user may see — a filter never reveals a name the
list would not show.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.indicators.models import PointType
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points.choices import PointStatus
from chuangcheng.points.models import Point

SEARCH_MAX_LENGTH = 50


def _user(request):
    return getattr(request, "user", None)


def _visible_points(request):
    return Point.objects.visible_to(_user(request))


def point_types(request):
    if request is None:
        return PointType.objects.none()
    return PointType.objects.visible_to(_user(request)).order_by("sort_order", "code")


def responsible_units(request):
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(pk__in=_visible_points(request).values("responsible_unit")).order_by(
        "kind", "sort_order", "name_pinyin"
    )


def townships(request):
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(pk__in=_visible_points(request).values("township")).order_by(
        "sort_order", "name_pinyin"
    )


def point_leaders(request):
    if request is None:
        return User.objects.none()
    return User.objects.filter(pk__in=_visible_points(request).values("point_leader")).order_by(
        "name_pinyin", "username"
    )


class PointFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Name, code or address"),
    )
    point_type = django_filters.ModelChoiceFilter(
        label=_("Point type"), queryset=point_types, empty_label=_("All types")
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"), queryset=responsible_units, empty_label=_("All units")
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township/street"), queryset=townships, empty_label=_("All townships")
    )
    point_leader = django_filters.ModelChoiceFilter(
        label=_("Point leader"), queryset=point_leaders, empty_label=_("All point leaders")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PointStatus.choices, empty_label=_("Any status")
    )

    class Meta:
        model = Point
        fields = ["q", "point_type", "responsible_unit", "township", "point_leader", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(address__icontains=value)
        )

    @property
    def active_filters(self) -> bool:
        """Whether any filter is set (the page then says the list is filtered)."""
        return bool(self.is_bound and any(self.data.get(name) for name in self.filters))
