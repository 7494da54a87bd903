"""InspectionFilterSet: declared once, used by the inspections list page and the API.

The choices offered are themselves scoped: plans the user may see, and only the units, points
and people that appear on inspections the user may see — a filter never reveals a name the
list would not show. Filtering by inspector is for the campaign office only: for anyone else
the parameter is dropped silently (it would otherwise tell who did a covert inspection).
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from chuangcheng.indicators.models import PointType
from chuangcheng.inspections.choices import InspectionKind
from chuangcheng.inspections.models import Inspection, Plan
from chuangcheng.inspections.querysets import can_manage_inspections
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points.models import Point


def _user(request):
    return getattr(request, "user", None)


def _visible_inspections(request):
    return Inspection.objects.visible_to(_user(request))


def plans(request):
    if request is None:
        return Plan.objects.none()
    return Plan.objects.visible_to(_user(request)).order_by("-period_start", "-pk")


def point_types(request):
    if request is None:
        return PointType.objects.none()
    return PointType.objects.visible_to(_user(request)).order_by("sort_order", "code")


def townships(request):
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(pk__in=_visible_inspections(request).values("township")).order_by(
        "sort_order", "name_pinyin"
    )


def responsible_units(request):
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(pk__in=_visible_inspections(request).values("responsible_unit")).order_by(
        "kind", "sort_order", "name_pinyin"
    )


def points(request):
    if request is None:
        return Point.objects.none()
    return Point.objects.filter(pk__in=_visible_inspections(request).values("point")).order_by("code")


def inspectors(request):
    """People who made inspections the office can see (the office only; others never get here)."""
    if request is None:
        return User.objects.none()
    return User.objects.filter(pk__in=_visible_inspections(request).values("inspector")).order_by(
        "name_pinyin", "username"
    )


PASSED_CHOICES = [("", _("Pass or fail")), ("true", _("Passed")), ("false", _("Failed"))]


class InspectionFilterSet(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=plans, empty_label=_("All plans"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=InspectionKind.choices, empty_label=_("All kinds")
    )
    point_type = django_filters.ModelChoiceFilter(
        label=_("Point type"),
        field_name="point__point_type",
        queryset=point_types,
        empty_label=_("All types"),
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township/street"), queryset=townships, empty_label=_("All townships")
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"), queryset=responsible_units, empty_label=_("All units")
    )
    point = django_filters.ModelChoiceFilter(label=_("Point"), queryset=points, empty_label=_("All points"))
    passed = django_filters.BooleanFilter(label=_("Result"), widget=forms.Select(choices=PASSED_CHOICES))
    date_from = django_filters.DateFilter(
        label=_("Submitted from"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Submitted until"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    inspector = django_filters.ModelChoiceFilter(
        label=_("Inspector"),
        field_name="inspector",
        method="by_inspector",
        queryset=inspectors,
        empty_label=_("All inspectors"),
    )

    class Meta:
        model = Inspection
        fields = [
            "plan",
            "kind",
            "point_type",
            "township",
            "responsible_unit",
            "point",
            "passed",
            "date_from",
            "date_to",
            "inspector",
        ]

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        user = _user(request)
        if user is None or not can_manage_inspections(user):
            # who inspected is the office's knowledge: others neither see nor use this filter
            del self.filters["inspector"]

    def by_inspector(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(inspector=value) | Q(second_inspector=value))

    @property
    def active_filters(self) -> bool:
        """Whether any filter is set (the page then says the list is filtered)."""
        return bool(self.is_bound and any(self.data.get(name) for name in self.filters))
