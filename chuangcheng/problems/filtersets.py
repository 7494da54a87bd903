"""ProblemFilterSet: declared once, used by the problems list, the map, the API and the ledger.

Choices offered are scoped: only units, townships and indicators that appear on problems the
user may see — a filter never reveals a name the list would not show.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.indicators.models import Indicator, PointType
from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.org.models import OrgUnit
from chuangcheng.problems.choices import FINAL_STATES, Light, ProblemSource, ProblemStatus, Severity
from chuangcheng.problems.models import Category, Problem


def _visible(request):
    return Problem.objects.visible_to(getattr(request, "user", None))


def units(request):
    """Units with visible problems, and the units above them up to the area (a township's
    filter takes in its communities' problems): only names the list could show anyway. Three
    indexed semi-joins (the tree is at most county › township › community below an area)."""
    if request is None:
        return OrgUnit.objects.none()
    visible = _visible(request)
    return (
        OrgUnit.objects.filter(
            Q(pk__in=visible.values("responsible_unit"))
            | Q(pk__in=visible.values("responsible_unit__parent"))
            | Q(pk__in=visible.values("responsible_unit__parent__parent"))
        )
        .exclude(kind__in=AREA_KINDS)
        .order_by("kind", "sort_order", "name_pinyin")
    )


def townships(request):
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(pk__in=_visible(request).values("township")).order_by(
        "sort_order", "name_pinyin"
    )


def point_types(request):
    if request is None:
        return PointType.objects.none()
    return PointType.objects.visible_to(request.user).order_by("sort_order", "code")


def indicators(request):
    if request is None:
        return Indicator.objects.none()
    return Indicator.objects.filter(pk__in=_visible(request).values("indicator")).order_by("code")


def categories(request):
    if request is None:
        return Category.objects.none()
    return Category.objects.visible_to(request.user).filter(parent__isnull=False).select_related("parent")


YES_NO = [("", _("Either")), ("true", _("Yes")), ("false", _("No"))]


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Number, problem or address")}),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ProblemStatus.choices, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    is_open = django_filters.BooleanFilter(
        label=_("Open"), method="by_open", widget=forms.Select(choices=YES_NO)
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=ProblemSource.choices, empty_label=_("All sources")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("All")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=categories, empty_label=_("All categories")
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"), queryset=units, method="by_unit", empty_label=_("All units")
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township/street"), queryset=townships, empty_label=_("All townships")
    )
    point_type = django_filters.ModelChoiceFilter(
        label=_("Point type"), queryset=point_types, empty_label=_("All types")
    )
    indicator = django_filters.ModelChoiceFilter(
        label=_("Indicator"), queryset=indicators, empty_label=_("All indicators")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"), method="by_overdue", widget=forms.Select(choices=YES_NO)
    )
    light = django_filters.ChoiceFilter(
        label=_("Time-limit light"),
        choices=[c for c in Light.choices if c[0] != Light.NONE],
        method="by_light",
        empty_label=_("All"),
    )
    is_rebound = django_filters.BooleanFilter(label=_("Rebound"), widget=forms.Select(choices=YES_NO))
    reworked = django_filters.BooleanFilter(
        label=_("Reworked"), method="by_reworked", widget=forms.Select(choices=YES_NO)
    )
    found_from = django_filters.DateFilter(
        label=_("Found from"),
        field_name="found_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    found_to = django_filters.DateFilter(
        label=_("Found until"),
        field_name="found_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Problem
        fields = [
            "q", "status", "is_open", "source", "severity", "category", "responsible_unit", "township",
            "point_type", "indicator", "overdue", "light", "is_rebound", "reworked", "found_from", "found_to",
        ]  # fmt: skip

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(code__iexact=value) | Q(title__icontains=value) | Q(address__icontains=value)
        )

    def by_open(self, queryset, name, value):
        return (
            queryset.exclude(status__in=sorted(FINAL_STATES))
            if value
            else queryset.filter(status__in=sorted(FINAL_STATES))
        )

    def by_unit(self, queryset, name, value):
        """The unit and the units below it (a township's problems include its communities')."""
        return queryset.filter(responsible_unit__path__startswith=value.path)

    def by_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def by_light(self, queryset, name, value):
        return queryset.with_light().filter(light_value=value)

    def by_reworked(self, queryset, name, value):
        return queryset.filter(rework_count__gt=0) if value else queryset.filter(rework_count=0)
