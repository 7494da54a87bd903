"""Pages of the org app. Thin: fetch through visible_to, validate a form, call an action, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.core.uploads import stream_image
from chuangcheng.org import actions
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.forms import ResponsibilityForm, VisitForm
from chuangcheng.org.models import OrgUnit, Pairing, User, Visit, VisitPhoto


def _build_tree(units):
    """Nest a path-ordered list of visible units; a unit whose parent is hidden becomes a root."""
    nodes = {u.pk: {"unit": u, "children": []} for u in units}
    roots = []
    for unit in units:
        parent = nodes.get(unit.parent_id)
        (parent["children"] if parent else roots).append(nodes[unit.pk])
    return roots


def tree(request):
    """组织架构: the units the user may see, as a tree; with a query, a flat list of matches."""
    units = (
        OrgUnit.objects.visible_to(request.user)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("path")
    )
    query = request.GET.get("q", "").strip()[:50]
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnitKind.values else ""
    if query or kind:
        matches = units
        if query:
            matches = matches.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
        if kind:
            matches = matches.filter(kind=kind)
        context = {"matches": list(matches.order_by("name_pinyin")[:200])}
    else:
        units = list(units)  # ordered by path: parents before children
        context = {"roots": _sort_nodes(_build_tree(units)), "unit_count": len(units)}
    context.update({"query": query, "kind": kind, "kinds": UnitKind.choices})
    return render(request, "org/tree.html", context)


# Siblings are shown leadership first, then departments, then the territorial units.
KIND_ORDER = {
    kind: rank
    for rank, kind in enumerate(
        [
            UnitKind.CITY,
            UnitKind.COUNTY,
            UnitKind.LEADING_GROUP,
            UnitKind.CAMPAIGN_OFFICE,
            UnitKind.TASK_FORCE,
            UnitKind.DEPARTMENT,
            UnitKind.STREET,
            UnitKind.TOWNSHIP,
            UnitKind.COMMUNITY,
            UnitKind.OTHER,
        ]
    )
}


def _sibling_key(unit):
    return (KIND_ORDER.get(unit.kind, 99), unit.sort_order, unit.name_pinyin)


def _sort_nodes(nodes):
    nodes.sort(key=lambda node: _sibling_key(node["unit"]))
    for node in nodes:
        _sort_nodes(node["children"])
    return nodes


def unit_detail(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.select_related("parent"), request.user, request=request, pk=pk)
    visible_units = OrgUnit.objects.visible_to(request.user)
    year = timezone.localdate().year
    context = {
        "unit": unit,
        "breadcrumbs": visible_units.filter(pk__in=unit.ancestor_ids).order_by("depth"),
        "children": unit.children.visible_to(request.user)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("kind", "sort_order", "name_pinyin"),
        "people": unit.members.filter(is_active=True).order_by("name_pinyin"),
        "full_time_staff": unit.full_time_staff.order_by("name_pinyin"),
        "role_holders": unit.role_assignments.select_related("user").order_by("role", "user__name_pinyin"),
        "pairings": unit.pairings.select_related("leader")
        .with_scorecard(year)
        .order_by("-ended_on", "leader__name_pinyin"),
        "visits": unit.visits.select_related("leader").prefetch_related("photos")[:10],
        "year": year,
        "can_log_visit": actions.pairings_loggable_by(request.user).filter(unit=unit).exists(),
        "can_edit_responsibility": actions.can_edit_responsibility(request.user, unit),
    }
    # principal and leader in charge are shown only when the user may see those people
    visible_people = User.objects.visible_to(request.user)
    context["principal"] = visible_people.filter(pk=unit.principal_id).first() if unit.principal_id else None
    context["leader_in_charge"] = (
        visible_people.filter(pk=unit.leader_in_charge_id).first() if unit.leader_in_charge_id else None
    )
    return render(request, "org/unit.html", context)


def people(request):
    """人员名录: people the user may see, sorted by pinyin, searchable by name, unit or title."""
    qs = User.objects.visible_to(request.user).filter(is_active=True).select_related("unit")
    query = request.GET.get("q", "").strip()[:50]
    if query:
        qs = qs.filter(
            Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(job_title__icontains=query)
            | Q(unit__name__icontains=query)
            | Q(name_pinyin__icontains=query.lower())
        )
    page = Paginator(qs.order_by("name_pinyin"), 50).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"page": page, "query": query})


def _person_context(request, person):
    year = timezone.localdate().year
    return {
        "person": person,
        "assignments": person.role_assignments.filter(
            unit__in=OrgUnit.objects.visible_to(request.user)
        ).select_related("unit"),
        "pairings": Pairing.objects.visible_to(request.user)
        .filter(leader=person)
        .select_related("unit")
        .with_scorecard(year),
        "visits": Visit.objects.visible_to(request.user).filter(leader=person).select_related("unit")[:10],
        "year": year,
    }


def person_detail(request, pk):
    person = get_visible_or_404(User.objects.select_related("unit"), request.user, request=request, pk=pk)
    if person.unit and not request.user.can_see_unit(person.unit):
        person.unit = None  # a person seen only as themself does not reveal a hidden unit
    return render(request, "org/person.html", _person_context(request, person))


def profile(request):
    """我的: the signed-in person's own record, roles and links to change password and language."""
    context = _person_context(request, request.user)
    context["is_profile"] = True
    context["all_assignments"] = request.user.role_assignments.select_related("unit")
    return render(request, "org/person.html", context)


@require_http_methods(["GET", "POST"])
def unit_responsibility(request, pk):
    """Edit who answers for a unit: the office for its area, a unit administrator for their own."""
    unit = get_visible_or_404(OrgUnit.objects.all(), request.user, request=request, pk=pk)
    if not actions.can_edit_responsibility(request.user, unit):
        raise PermissionDenied
    if request.method == "POST":
        form = ResponsibilityForm(request.POST, unit=unit)
        if form.is_valid():
            try:
                actions.update_responsibility(request.user, unit, request=request, **form.cleaned_data)
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The responsibility record has been saved."))
                return redirect(unit)
        return render(request, "org/unit_responsibility.html", {"unit": unit, "form": form}, status=400)
    form = ResponsibilityForm(
        unit=unit,
        initial={
            "principal": unit.principal_id,
            "leader_in_charge": unit.leader_in_charge_id,
            "full_time_staff": list(unit.full_time_staff.values_list("pk", flat=True)),
        },
    )
    return render(request, "org/unit_responsibility.html", {"unit": unit, "form": form})


@require_http_methods(["GET", "POST"])
def visit_create(request):
    """Log a visit (督战) — for a leader's own pairings, or by the office for any in scope."""
    pairings = actions.pairings_loggable_by(request.user)
    if not pairings.exists():
        raise Http404
    initial = {}
    unit_id = request.GET.get("unit")
    if unit_id and unit_id.isdigit():
        initial["pairing"] = pairings.filter(unit_id=int(unit_id)).first()
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, pairings=pairings)
        if form.is_valid():
            data = actions.VisitInput(
                pairing=form.cleaned_data["pairing"],
                visited_on=form.cleaned_data["visited_on"],
                notes=form.cleaned_data["notes"],
                photos=form.cleaned_data["photos"],
            )
            try:
                visit = actions.log_visit(request.user, data, request=request)
            except actions.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The visit has been recorded."))
                return redirect(visit)
        return render(request, "org/visit_form.html", {"form": form}, status=400)
    form = VisitForm(pairings=pairings, initial=initial)
    return render(request, "org/visit_form.html", {"form": form})


def visit_detail(request, pk):
    visit = get_visible_or_404(
        Visit.objects.select_related("leader", "unit", "recorded_by"), request.user, request=request, pk=pk
    )
    return render(request, "org/visit.html", {"visit": visit, "photos": visit.photos.all()})


def visits(request):
    """督战记录: visits in scope, newest first; leaders see their own first."""
    qs = (
        Visit.objects.visible_to(request.user)
        .select_related("leader", "unit")
        .annotate(photo_count=Count("photos"))
        .order_by("-visited_on", "-id")
    )
    if request.GET.get("mine") == "1":
        qs = qs.filter(leader=request.user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    per_month = dict(
        qs.filter(visited_on__year=year)
        .annotate(month=ExtractMonth("visited_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("id"))
    )
    return render(
        request,
        "org/visits.html",
        {
            "page": page,
            "year": year,
            "chart": {
                "labels": [_("{m} month").format(m=m) for m in range(1, 13)],
                "values": [per_month.get(m, 0) for m in range(1, 13)],
                "title": _("Visits per month in {year}").format(year=year),
            },
            "mine": request.GET.get("mine") == "1",
            "can_log_visit": actions.pairings_loggable_by(request.user).exists(),
            "is_leader": request.user.has_role(Role.LEADER),
        },
    )


def visit_photo(request, pk):
    """Stream a visit photo to someone allowed to see the visit; never from a public URL."""
    photo = get_object_or_404(
        VisitPhoto.objects.filter(visit__in=Visit.objects.visible_to(request.user)), pk=pk
    )
    return stream_image(photo.image)
