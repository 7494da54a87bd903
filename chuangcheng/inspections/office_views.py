"""Pages of the campaign office (and what the units may see): plans, their draw, progress and
verification; the inspections list, an inspection, a point's inspection history.

Thin: fetch through ``visible_to`` (404 when out of scope, never 403), validate a form, call an
action, render. Secrecy (三不三无) beyond the querysets: an open covert plan is the office's
alone — no page of it answers anyone else, not even an inspector of the plan (their
assignments are on their phone page); and who made a covert inspection is shown only to the
office and the inspectors themselves.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.indicators.models import Indicator, PointType
from chuangcheng.inspections import actions, progress
from chuangcheng.inspections.choices import (
    AssignmentOrigin,
    AssignmentStatus,
    DayPart,
    InspectionKind,
    PlanKind,
)
from chuangcheng.inspections.filtersets import InspectionFilterSet
from chuangcheng.inspections.forms import WEEKDAYS, AmendForm, CancelForm, PlanForm
from chuangcheng.inspections.models import (
    Assignment,
    EvidencePhoto,
    Inspection,
    ItemResult,
    Plan,
    inspector_code,
)
from chuangcheng.inspections.querysets import can_manage_inspections
from chuangcheng.org.models import OrgUnit, User
from chuangcheng.points.models import Point

LIST_PAGE_SIZE = 50
ASSIGNMENT_PAGE_SIZE = 100
TREND_POINTS = 30
SKEW_WARNING_SECONDS = 300


# --- scoping helpers -------------------------------------------------------------------------------
def plans_for(user):
    """The plans whose pages ``user`` may open: ``Plan.objects.visible_to`` without the open
    covert plans of areas they do not run (an inspector of such a plan sees their assignments
    on the phone page, not the plan)."""
    return Plan.objects.visible_to(user)


def _plan_or_404(request, pk, *, office=False) -> Plan:
    plan = get_visible_or_404(
        Plan.objects.select_related("area", "self_unit", "created_by", "cancelled_by"),
        request.user,
        request=request,
        pk=pk,
    )
    hidden = plan.is_covert and not plan.has_ended()
    if (office or hidden) and not can_manage_inspections(request.user, plan.area):
        raise Http404
    return plan


def _require_office(request):
    if not can_manage_inspections(request.user):
        raise Http404


def _query_without(request, *names) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", *names) and v])


def _date_or_none(value):
    """A date from the query string; anything unreadable (or impossible, 2026-02-30) is no date."""
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def plan_status(plan: Plan, today=None) -> tuple[str, str]:
    """(key, label) of where a plan stands: cancelled, revealed, ended or open."""
    today = today or timezone.localdate()
    if plan.is_cancelled:
        return "cancelled", _("Cancelled")
    if plan.is_revealed:
        return "revealed", _("Seed revealed")
    if plan.has_ended(today):
        return "ended", _("Ended")
    if today < plan.period_start:
        return "open", _("Not started")
    return "open", _("Open")


def _map_config():
    return {
        "tileUrl": getattr(settings, "MAP_TILE_URL", ""),
        "tileAttribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "maxZoom": getattr(settings, "MAP_MAX_ZOOM", 19),
    }


class _Names:
    """How inspectors are named to one reader: by name to the office, to the inspectors
    themselves and on plans that are not secret; by their code (督查员编号) otherwise."""

    def __init__(self, user, plan: Plan | None, office: bool):
        self.user = user
        self.scope = f"plan:{plan.pk}" if plan is not None else None
        self.open_names = office or (plan is not None and not plan.is_covert)
        self._people: dict[int, User] = {}

    def load(self, ids):
        missing = {i for i in ids if i and i not in self._people}
        if missing:
            self._people.update((p.pk, p) for p in User.objects.filter(pk__in=sorted(missing)))
        return self

    def __call__(self, person_id) -> str:
        if not person_id:
            return ""
        person = self._people.get(person_id)
        if person is None:
            self.load([person_id])
            person = self._people[person_id]
        if self.open_names or person_id == self.user.pk:
            return person.display_name
        if self.scope is None:
            return _("Covert inspector")
        return inspector_code(person, self.scope)


# --- plans -----------------------------------------------------------------------------------------
@require_GET
def plan_list(request):
    """计划: the plans the user may see (the office: all of its area's)."""
    user = request.user
    plans = plans_for(user).select_related("self_unit", "area")
    office = can_manage_inspections(user)
    if not office and not plans.exists():
        # not the office and no plan to show: the page does not exist for them (it is not in
        # their menu), as a plan page they may not see does not
        raise Http404
    page = Paginator(plans, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = progress.by_plan(Assignment.objects.visible_to(user), [p.pk for p in page])
    today = timezone.localdate()
    rows = [
        {"plan": plan, "status": plan_status(plan, today), "counts": counts.get(plan.pk)} for plan in page
    ]
    return render(
        request,
        "inspections/office/plan_list.html",
        {"page": page, "rows": rows, "can_plan": office and user.office_area() is not None},
    )


@require_http_methods(["GET", "POST"])
def plan_new(request):
    """A new plan, drawn when saved: the commitment of its secret seed is shown at once."""
    _require_office(request)
    area = request.user.office_area()
    if area is None:
        messages.error(request, _("Your account is not attached to one campaign area, so it cannot plan."))
        return redirect("inspections:plans")
    form = PlanForm(request.POST or None, area=area)
    problems: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = actions.create_plan(request.user, form.to_input(), request=request)
            except actions.ActionError as error:
                problems = list(error.messages)
            else:
                messages.success(
                    request,
                    _(
                        "The plan “{name}” has been drawn: {count} assignments. "
                        "Commitment of its secret seed (SHA-256): {commitment}"
                    ).format(name=plan.name, count=plan.assignments.count(), commitment=plan.seed_commitment),
                )
                return redirect(plan)
        context = {"form": form, "area": area, "problems": problems}
        return render(request, "inspections/office/plan_form.html", context, status=400)
    return render(request, "inspections/office/plan_form.html", {"form": form, "area": area})


def _filters_in_words(plan: Plan) -> list[tuple[str, str]]:
    filters = plan.filters or {}
    words = []
    types = filters.get("point_types") or []
    if types:
        names = (
            PointType.objects.filter(pk__in=types)
            .order_by("sort_order", "code")
            .values_list("name", flat=True)
        )
        words.append((_("Point types"), "、".join(names)))
    for key, label in (("townships", _("Townships/streets")), ("units", _("Responsible units"))):
        ids = filters.get(key) or []
        if ids:
            names = OrgUnit.objects.filter(pk__in=ids).order_by("sort_order", "name_pinyin")
            words.append((label, "、".join(u.name for u in names)))
    if filters.get("recent_problem_days"):
        words.append(
            (
                _("Only points with problems closed in the last … days"),
                str(filters["recent_problem_days"]),
            )
        )
    if plan.self_unit_id:
        words.append((_("Unit that inspects itself"), plan.self_unit.name))
    return words


def _rules_in_words(plan: Plan) -> list[tuple[str, str]]:
    rules = plan.rules or {}
    parts = dict(DayPart.choices)
    days = dict(WEEKDAYS)
    words = [
        (
            _("Date ranges"),
            "；".join(f"{a} – {b}" for a, b in rules.get("date_ranges", [])),
        ),
        (
            _("Weekdays"),
            _("every day")
            if len(rules.get("weekdays", [])) == 7
            else "、".join(str(days[d]) for d in rules.get("weekdays", [])),
        ),
        (_("Parts of the day"), "、".join(str(parts.get(p, p)) for p in rules.get("day_parts", []))),
        (_("Visits per point"), str(rules.get("visits_per_point", 1))),
        (
            _("Sample per point type"),
            str(rules["sample_per_type"]) if rules.get("sample_per_type") else _("every point"),
        ),
        (_("Extra visits by risk"), str(rules.get("extra_visits", 0))),
        (_("Risk weighting"), _("on") if rules.get("risk_weighting", True) else _("off")),
        (_("Inspectors per visit"), str(rules.get("inspectors_per_visit", 1))),
        (
            _("Most visits per inspector in the plan"),
            str(rules["max_visits_per_inspector"])
            if rules.get("max_visits_per_inspector")
            else _("no limit"),
        ),
        (_("Most visits per inspector in one window"), str(rules.get("max_visits_per_slot", 4))),
    ]
    return words


def _assignment_rows(assignments, names: _Names):
    rows = list(assignments)
    names.load([i for a in rows for i in (a.inspector_id, a.second_inspector_id)])
    return [
        {
            "assignment": a,
            "inspectors": [names(i) for i in (a.inspector_id, a.second_inspector_id) if i],
        }
        for a in rows
    ]


@require_GET
def plan_detail(request, pk):
    user = request.user
    plan = _plan_or_404(request, pk)
    office = can_manage_inspections(user, plan.area)
    names = _Names(user, plan, office)
    visible = Assignment.objects.visible_to(user).filter(plan=plan)
    now = timezone.now()
    numbers = progress.plan_progress(visible, now)
    names.load([row["inspector_id"] for row in numbers.by_inspector])
    by_inspector = sorted(
        ({**row, "name": names(row["inspector_id"])} for row in numbers.by_inspector),
        key=lambda row: row["name"],
    )

    # the assignment table, filtered by status and day
    status = request.GET.get("status", "")
    day = _date_or_none(request.GET.get("day"))
    table = visible.select_related("point", "point__township")
    if status in AssignmentStatus.values:
        table = table.filter(status=status)
    else:
        status = ""
    if day is not None:
        table = table.filter(day=day)
    page = Paginator(table.order_by("day", "window_start", "sequence"), ASSIGNMENT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    amendments = list(
        plan.amendments.filter(original__in=visible, replacement__in=visible).select_related(
            "made_by", "original", "replacement"
        )
    )
    names.load(
        [
            i
            for a in amendments
            for i in (
                a.original.inspector_id,
                a.original.second_inspector_id,
                a.replacement.inspector_id,
                a.replacement.second_inspector_id,
            )
        ]
    )
    amendment_rows = [
        {
            "amendment": a,
            "before": [names(i) for i in (a.original.inspector_id, a.original.second_inspector_id) if i],
            "after": [names(i) for i in (a.replacement.inspector_id, a.replacement.second_inspector_id) if i],
        }
        for a in amendments
    ]
    context = {
        "plan": plan,
        "status": plan_status(plan),
        "office": office,
        "can_change": office and not plan.is_cancelled,
        "filters_words": _filters_in_words(plan),
        "rules_words": _rules_in_words(plan),
        "pool_points": len((plan.pool or {}).get("points", [])),
        "pool_inspectors": len((plan.pool or {}).get("inspectors", [])),
        "totals": numbers.totals,
        "by_inspector": by_inspector,
        "by_township": numbers.by_township,
        "warnings": actions.randomness_warnings(plan) if office or plan.has_ended() else [],
        "amendments": amendment_rows,
        "page": page,
        "rows": _assignment_rows(page, names),
        "status_choices": AssignmentStatus.choices,
        "status_filter": status,
        "day_filter": day,
        "extra_query": _query_without(request),
        "names_are_codes": not names.open_names,
        "cancel_form": CancelForm() if office and not plan.is_cancelled else None,
        "kinds": dict(PlanKind.choices),
    }
    return render(request, "inspections/office/plan_detail.html", context)


@require_POST
def plan_cancel(request, pk):
    plan = _plan_or_404(request, pk, office=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, error)
        return redirect(f"{plan.get_absolute_url()}#cancel")
    try:
        actions.cancel_plan(request.user, plan, form.cleaned_data["reason"], request=request)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The plan “{name}” has been cancelled.").format(name=plan.name))
    return redirect(plan)


@require_http_methods(["GET", "POST"])
def plan_amend(request, pk, assignment_pk):
    plan = _plan_or_404(request, pk, office=True)
    assignment = (
        plan.assignments.select_related("point", "point__township", "inspector", "second_inspector")
        .filter(pk=assignment_pk)
        .first()
    )
    if assignment is None:
        raise Http404
    initial = {
        "inspector": assignment.inspector_id,
        "second_inspector": assignment.second_inspector_id,
        "day": assignment.day,
        "day_part": assignment.day_part,
    }
    form = AmendForm(request.POST or None, plan=plan, initial=initial)
    context = {"plan": plan, "assignment": assignment, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                replacement = actions.amend_assignment(
                    request.user, assignment, form.to_input(), request=request
                )
            except actions.ActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Assignment {old} was replaced by assignment {new}; the amendment is on record."
                    ).format(old=assignment.sequence, new=replacement.sequence),
                )
                return redirect(f"{plan.get_absolute_url()}#amendments")
        return render(request, "inspections/office/plan_amend.html", context, status=400)
    if assignment.status != AssignmentStatus.PENDING or plan.is_cancelled:
        context["refusal"] = (
            _("This plan is cancelled.")
            if plan.is_cancelled
            else _("Only a pending assignment can be amended.")
        )
    return render(request, "inspections/office/plan_amend.html", context)


@require_GET
def plan_verify(request, pk):
    plan = _plan_or_404(request, pk)
    verification = actions.verify_plan(plan) if plan.is_revealed else None
    amended = plan.assignments.filter(origin=AssignmentOrigin.AMENDED).count() if plan.is_revealed else 0
    return render(
        request,
        "inspections/office/plan_verify.html",
        {
            "plan": plan,
            "verification": verification,
            "amended": amended,
            "status": plan_status(plan),
            "can_download": plan.is_revealed and can_manage_inspections(request.user, plan.area),
        },
    )


@require_GET
def plan_bundle(request, pk):
    """The verification bundle of a revealed plan, as JSON, for the office (it names inspectors
    by their ids); checked anywhere with ``manage.py verify_draw --bundle FILE``."""
    plan = _plan_or_404(request, pk)
    if not plan.is_revealed or not can_manage_inspections(request.user, plan.area):
        raise Http404
    audit.record(AuditAction.EXPORT, request=request, user=request.user, obj=plan, what="draw bundle")
    response = JsonResponse(actions.verification_bundle(plan), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-draw.json"'
    return response


# --- inspections -----------------------------------------------------------------------------------
def _inspection_queryset():
    return Inspection.objects.select_related(
        "area", "point", "point__point_type", "township", "responsible_unit", "inspector", "second_inspector"
    )


def _inspector_label(inspection: Inspection, user) -> str:
    if not inspection.inspector_shown_to(user):
        return _("Covert inspector")
    people = [inspection.inspector] + (
        [inspection.second_inspector] if inspection.second_inspector_id else []
    )
    return "、".join(p.display_name for p in people)


@require_GET
def inspection_list(request):
    """督查记录: the inspections the user may see (covert ones after their embargo), filtered."""
    user = request.user
    filterset = InspectionFilterSet(
        request.GET or None, queryset=_inspection_queryset().visible_to(user), request=request
    )
    page = Paginator(filterset.qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    point_ids = {i.point_id for i in page}
    linked = set(Point.objects.visible_to(user).filter(pk__in=sorted(point_ids)).values_list("pk", flat=True))
    rows = [
        {
            "inspection": inspection,
            "inspector": _inspector_label(inspection, user),
            "point_link": inspection.point_id in linked,
        }
        for inspection in page
    ]
    query = _query_without(request)
    return render(
        request,
        "inspections/office/inspection_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": rows,
            "extra_query": query,
            "self_kind": InspectionKind.SELF,
        },
    )


def _photo_urls(photo: EvidencePhoto, office: bool) -> dict:
    return {
        "photo": photo,
        "thumbnail": reverse("inspections:photo", args=[photo.pk, "thumb"]),
        "display": reverse("inspections:photo", args=[photo.pk, "display"]),
        "original": reverse("inspections:photo", args=[photo.pk, "original"]) if office else "",
    }


@require_GET
def inspection_detail(request, pk):
    user = request.user
    inspection = get_visible_or_404(
        _inspection_queryset().select_related("point_leader", "plan", "assignment"),
        user,
        request=request,
        pk=pk,
    )
    office = can_manage_inspections(user, inspection.area)
    own = user.pk in (inspection.inspector_id, inspection.second_inspector_id)
    field_data = office or own  # where and when the inspector stood, and their phone's clock
    results = list(
        inspection.results.select_related("check_item").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("code")),
            Prefetch("photos", queryset=EvidencePhoto.objects.order_by("pk")),
        )
    )
    general = [_photo_urls(p, office) for p in inspection.photos.filter(result__isnull=True).order_by("pk")]
    result_rows = [{"result": r, "photos": [_photo_urls(p, office) for p in r.photos.all()]} for r in results]
    plan_visible = bool(inspection.plan_id) and plans_for(user).filter(pk=inspection.plan_id).exists()
    far = inspection.distance_m is not None and inspection.distance_m > settings.INSPECTION_FAR_METRES
    map_data = _inspection_map(inspection, results, general, field_data)
    context = {
        "inspection": inspection,
        "office": office,
        "field_data": field_data,
        "inspector": _inspector_label(inspection, user),
        "results": result_rows,
        "general_photos": general,
        "plan_visible": plan_visible,
        "far": far,
        "far_metres": settings.INSPECTION_FAR_METRES,
        "skewed": abs(inspection.clock_skew_seconds) > SKEW_WARNING_SECONDS,
        "point_visible": Point.objects.visible_to(user).filter(pk=inspection.point_id).exists(),
        "map_data": map_data,
    }
    return render(request, "inspections/office/inspection_detail.html", context)


def _inspection_map(inspection, results, general, field_data) -> dict | None:
    """The point, where the inspection started and where the photos were taken (EXIF)."""
    markers = []
    point = inspection.point
    if point.has_location:
        markers.append(
            {
                "kind": "point",
                "lat": float(point.latitude),
                "lng": float(point.longitude),
                "label": point.name,
            }
        )
    if field_data:
        if inspection.latitude is not None and inspection.longitude is not None:
            markers.append(
                {
                    "kind": "start",
                    "lat": float(inspection.latitude),
                    "lng": float(inspection.longitude),
                    "label": _("Where the inspection started"),
                    "accuracy": inspection.location_accuracy_m,
                }
            )
        photos = [p["photo"] for p in general] + [p for r in results for p in r.photos.all()]
        for number, photo in enumerate(photos, start=1):
            if photo.latitude is not None and photo.longitude is not None:
                markers.append(
                    {
                        "kind": "photo",
                        "lat": float(photo.latitude),
                        "lng": float(photo.longitude),
                        "label": _("Photo {n}").format(n=number),
                        "url": reverse("inspections:photo", args=[photo.pk, "display"]),
                    }
                )
    if not markers:
        return None
    kinds = {m["kind"] for m in markers}
    return {
        "config": _map_config(),
        "markers": markers,
        "has_start": "start" in kinds,
        "has_photos": "photo" in kinds,
    }


@require_GET
def point_history(request, pk):
    """A point's inspections that the user may see, newest first, with the score trend and the
    check items that fail most."""
    user = request.user
    point = get_visible_or_404(
        Point.objects.select_related("point_type", "responsible_unit", "township"),
        user,
        request=request,
        pk=pk,
    )
    inspections = _inspection_queryset().visible_to(user).filter(point=point)
    page = Paginator(inspections.order_by("-submitted_at", "-pk"), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"inspection": i, "inspector": _inspector_label(i, user)} for i in page]
    trend = list(
        inspections.counting()
        .order_by("-submitted_at", "-pk")
        .values_list("submitted_at", "score")[:TREND_POINTS]
    )
    trend.reverse()
    chart = {
        "title": _("Score of the last inspections (self-inspections not counted)"),
        "labels": [timezone.localtime(at).strftime("%m-%d %H:%M") for at, _score in trend],
        "values": [float(score) for _at, score in trend],
        "target": float(settings.INSPECTION_PASS_LINE),
        "unit": _("score points"),
    }
    failures = progress.failures_by_item(ItemResult.objects.filter(inspection__in=inspections.values("pk")))
    return render(
        request,
        "inspections/office/point_history.html",
        {
            "point": point,
            "page": page,
            "rows": rows,
            "chart": chart if trend else None,
            "failures": failures,
            "total": page.paginator.count,
        },
    )
