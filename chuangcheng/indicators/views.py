"""Pages of the indicators app: systems and their trees, point types and checklists, metrics."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.core.uploads import clean_image
from chuangcheng.indicators import actions, validation
from chuangcheng.indicators.choices import Comparison, PeriodType, SystemStatus
from chuangcheng.indicators.models import (
    AssessmentSystem,
    Indicator,
    Metric,
    MetricValue,
    PointType,
)
from chuangcheng.org.models import OrgUnit


def systems(request):
    """测评体系: the editions of each title in the user's area(s), the active ones first."""
    qs = (
        AssessmentSystem.objects.visible_to(request.user)
        .select_related("area")
        .annotate(indicator_count=Count("indicators"))
        .order_by("area__path", "title", "city_level", "status", "-year")
    )
    return render(
        request,
        "indicators/systems.html",
        {"systems": qs, "can_import": request.user.is_office, "statuses": SystemStatus},
    )


def _tree(indicators):
    nodes = {i.pk: {"indicator": i, "children": []} for i in indicators}
    roots = []
    for indicator in indicators:
        parent = nodes.get(indicator.parent_id)
        (parent["children"] if parent else roots).append(nodes[indicator.pk])
    return roots


def system_detail(request, pk):
    """One system's indicator tree with scores, methods, lead units and where each is checked."""
    system = get_visible_or_404(
        AssessmentSystem.objects.select_related("area"), request.user, request=request, pk=pk
    )
    indicators = list(
        system.indicators.select_related("lead_unit")
        .prefetch_related("cooperating_units", "point_types")
        .annotate(check_item_count=Count("check_items", distinct=True))
        .order_by("level", "sort_order", "code")
    )
    by_level = {level: sum(1 for i in indicators if i.level == level) for level in (1, 2, 3)}
    return render(
        request,
        "indicators/system.html",
        {
            "system": system,
            "roots": _tree(indicators),
            "by_level": by_level,
            "issues": validation.tree_issues(system),
            "can_manage": actions.can_manage_area(request.user, system.area),
            "next_statuses": [
                SystemStatus(target)
                for source, target in sorted(actions.STATUS_STEPS)
                if source == system.status
            ],
        },
    )


@require_POST
def system_status(request, pk):
    system = get_visible_or_404(AssessmentSystem.objects.all(), request.user, request=request, pk=pk)
    status = request.POST.get("status", "")
    if status not in SystemStatus.values:
        messages.error(request, _("Unknown status."))
        return redirect(system)
    try:
        actions.set_system_status(request.user, system.pk, status, request=request)
    except actions.ActionError as exc:
        if not actions.can_manage_area(request.user, system.area):
            raise PermissionDenied from exc
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The status of the system has been changed."))
    return redirect(system)


def point_types(request):
    """点位类型: each with its number of check items and of points."""
    qs = (
        PointType.objects.visible_to(request.user)
        .select_related("area")
        .annotate(
            item_count=Count("check_items", filter=Q(check_items__is_active=True), distinct=True),
            veto_count=Count("check_items", filter=Q(check_items__is_veto=True), distinct=True),
        )
        .order_by("area__path", "sort_order", "code")
    )
    return render(request, "indicators/point_types.html", {"point_types": qs})


def point_type_detail(request, pk):
    """A point type's checklist, each item with the indicators it serves, and the protocol."""
    point_type = get_visible_or_404(
        PointType.objects.select_related("area"), request.user, request=request, pk=pk
    )
    items = point_type.check_items.filter(is_active=True).prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("system").order_by("system__title", "code"),
        )
    )
    return render(request, "indicators/point_type.html", {"point_type": point_type, "items": items})


def _latest_value_subquery(field):
    return Subquery(
        MetricValue.objects.filter(metric=OuterRef("pk"), unit=OuterRef("area"), superseded_by__isnull=True)
        .order_by("-period_start")
        .values(field)[:1]
    )


def metrics(request):
    """数据指标: each metric's target and its latest area-wide value."""
    qs = (
        Metric.objects.visible_to(request.user)
        .select_related("area", "source_unit", "indicator")
        .prefetch_related("bands")
        .annotate(
            latest_value=_latest_value_subquery("value"), latest_period=_latest_value_subquery("period_start")
        )
        .order_by("area__path", "code")
    )
    rows = []
    for metric in qs:
        target, upper = metric.effective_target()
        met = None if metric.latest_value is None else metric.is_met(metric.latest_value)
        label = _period_label(metric, metric.latest_period) if metric.latest_period else ""
        rows.append({"metric": metric, "target": target, "upper": upper, "met": met, "period_label": label})
    return render(request, "indicators/metrics.html", {"rows": rows})


class MetricValueForm(forms.Form):
    period = forms.DateField(
        label=gettext_lazy("Period"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Any day of the period; it is recorded as the period's first day."),
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=OrgUnit.objects.none())
    value = forms.DecimalField(label=gettext_lazy("Value"), max_digits=14, decimal_places=4, required=False)
    numerator = forms.DecimalField(
        label=gettext_lazy("Numerator"), max_digits=16, decimal_places=4, required=False
    )
    denominator = forms.DecimalField(
        label=gettext_lazy("Denominator"), max_digits=16, decimal_places=4, required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Required when correcting a value already recorded."),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Evidence"),
        required=False,
        help_text=gettext_lazy("PDF or image, at most 10 MB."),
    )

    def __init__(self, *args, metric, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric = metric
        self.fields["unit"].queryset = OrgUnit.objects.filter(
            Q(pk=metric.area_id) | Q(path__startswith=metric.area.path)
        ).order_by("path")
        self.fields["unit"].initial = metric.area_id
        self.fields["period"].initial = timezone.localdate()
        if not metric.has_formula:
            del self.fields["numerator"], self.fields["denominator"]
        else:
            self.fields["numerator"].label = metric.numerator_label
            self.fields["denominator"].label = metric.denominator_label

    def clean_period(self):
        day = self.cleaned_data["period"]
        if day > timezone.localdate():
            raise ValidationError(_("The period cannot be in the future."))
        return day

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The evidence file is too large: at most 10 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head.startswith(b"%PDF-"):
            return upload
        clean = clean_image(upload)  # raises a user-facing error for anything else
        return clean.file


@require_http_methods(["GET", "POST"])
def metric_detail(request, pk):
    metric = get_visible_or_404(
        Metric.objects.select_related("area", "source_unit", "indicator__system"),
        request.user,
        request=request,
        pk=pk,
    )
    can_report = actions.can_report_metric(request.user, metric)
    form = None
    if can_report:
        form = MetricValueForm(request.POST or None, request.FILES or None, metric=metric)
        if request.method == "POST" and form.is_valid():
            data = actions.MetricValueInput(
                metric=metric,
                unit=form.cleaned_data["unit"],
                period_start=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                numerator=form.cleaned_data.get("numerator"),
                denominator=form.cleaned_data.get("denominator"),
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            )
            try:
                actions.record_metric_value(request.user, data, request=request)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The value has been recorded."))
                return redirect(metric)
    elif request.method == "POST":
        raise PermissionDenied
    values = list(
        MetricValue.objects.visible_to(request.user)
        .filter(metric=metric)
        .select_related("unit", "entered_by", "supersedes")
        .order_by("-period_start", "unit__path", "-entered_at")
    )
    target, upper = metric.effective_target()
    corrected = {v.supersedes_id for v in values if v.supersedes_id}
    for row in values:
        row.is_current = row.pk not in corrected
        row.met = None
        row.period_label = _period_label(metric, row.period_start)
    # met / not met is judged on the area-wide current values, oldest first ("keeps improving"
    # compares each with the one before)
    area_series = sorted(
        (v for v in values if v.unit_id == metric.area_id and v.is_current), key=lambda v: v.period_start
    )
    previous = None
    for row in area_series:
        row.met = metric.is_met(row.value, previous)
        previous = row.value
    chart = {
        "title": metric.name,
        "labels": [_period_label(metric, v.period_start) for v in area_series],
        "values": [float(v.value) for v in area_series],
        "target": float(target) if target is not None and metric.comparison != Comparison.IMPROVING else None,
        "unit": metric.unit_of_measure,
    }
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "indicators/metric.html",
        {
            "metric": metric,
            "target": target,
            "upper": upper,
            "bands": metric.bands.all(),
            "values": values,
            "chart": chart,
            "form": form,
        },
        status=status,
    )


def _period_label(metric, day: datetime.date) -> str:
    if metric.period_type == PeriodType.MONTH:
        return f"{day:%Y-%m}"
    if metric.period_type == PeriodType.QUARTER:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return str(day.year)
