"""Problem pages: thin — fetch through ``visible_to``, validate a form, call an action, render."""

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.core.uploads import stream_image
from chuangcheng.inspections.models import EvidencePhoto, Inspection
from chuangcheng.problems import actions, transitions
from chuangcheng.problems.choices import FINAL_STATES, Action, PhotoKind
from chuangcheng.problems.filtersets import ProblemFilterSet
from chuangcheng.problems.forms import BulkForm, NewProblemForm, RecheckForm, StepForm
from chuangcheng.problems.models import Category, Problem, ProblemEvent, ProblemPhoto

LIST_PAGE_SIZE = 30
ID = re.compile(r"[0-9]{1,18}")  # ids are below 2**53; anything else is not one of ours
# the labels of the buttons, in the order shown
BUTTON_ORDER = [
    Action.ACCEPT, Action.SUBMIT, Action.APPROVE, Action.SEND_BACK, Action.REGISTER, Action.ASSIGN,
    Action.REASSIGN, Action.EXTEND, Action.RETURN, Action.REJECT, Action.COMMENT,
]  # fmt: skip
# steps taken with one tap (no form needed)
ONE_TAP = frozenset({Action.ACCEPT, Action.REGISTER, Action.APPROVE})


def list_queryset():
    return Problem.objects.select_related(
        "area",
        "responsible_unit",
        "township",
        "point",
        "point__point_type",
        "category",
        "category__parent",
        "check_item",
    )


def _office_area(user):
    return user.office_area()


def _filtered(request, base=None):
    base = base if base is not None else list_queryset().visible_to(request.user)
    filterset = ProblemFilterSet(request.GET or None, queryset=base, request=request)
    return filterset


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def problem_list(request):
    """问题清单: every problem the user may see, filtered; the office takes bulk steps here."""
    user = request.user
    filterset = _filtered(request)
    qs = filterset.qs.order_by("-found_at", "-pk")
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    counts = filterset.qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status__in=sorted(FINAL_STATES))),
        overdue=Count("pk", filter=~Q(status__in=sorted(FINAL_STATES)) & Q(deadline__lt=now)),
        rebound=Count("pk", filter=Q(is_rebound=True)),
    )
    area = _office_area(user)
    return render(
        request,
        "problems/list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": [{"problem": p, "light": p.light(now)} for p in page],
            "counts": counts,
            "extra_query": _query_without_page(request),
            "is_office": area is not None,
            "bulk_form": BulkForm(area=area) if area is not None else None,
        },
    )


@require_GET
def inbox(request):
    """我的待办: my unit's open problems, overdue first then by deadline — cards for a phone."""
    user = request.user
    now = timezone.now()
    qs = list_queryset().held_by(user).exclude(status__in=sorted(FINAL_STATES)).by_urgency(now)
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for problem in page:
        allowed = transitions.allowed_actions(user, problem)
        rows.append(
            {
                "problem": problem,
                "light": problem.light(now),
                "can_accept": Action.ACCEPT in allowed,
                "can_submit": Action.SUBMIT in allowed,
            }
        )
    return render(request, "problems/inbox.html", {"page": page, "rows": rows})


def _photo_row(photo: ProblemPhoto) -> dict:
    return {
        "photo": photo,
        "thumbnail": reverse("problems:photo", args=[photo.pk, "thumb"]),
        "display": reverse("problems:photo", args=[photo.pk, "display"]),
    }


def before_photos(problem: Problem, user) -> list[dict]:
    """Photos as found: the problem's own, and its inspection's evidence for the failed item
    (only when the user may see that inspection)."""
    rows = [_photo_row(p) for p in problem.photos.all() if p.kind == PhotoKind.BEFORE]
    if (
        problem.item_result_id
        and Inspection.objects.visible_to(user).filter(pk=problem.inspection_id).exists()
    ):
        for photo in EvidencePhoto.objects.filter(result_id=problem.item_result_id).order_by("pk"):
            rows.append(
                {
                    "photo": photo,
                    "thumbnail": reverse("inspections:photo", args=[photo.pk, "thumb"]),
                    "display": reverse("inspections:photo", args=[photo.pk, "display"]),
                }
            )
    return rows


def event_actor(event: ProblemEvent, problem: Problem, user) -> str:
    """Who took a step, as the viewer may know it: the system opened inspection problems, and
    no inspector is named on them."""
    if event.actor_id is None:
        if problem.source == "inspection":
            return _("System (from the inspection)")
        return pgettext("actor", "System")
    return event.actor.display_name


def _citizen_reports(problem) -> list:
    """The residents' reports of this problem: codes, dates, channel and feedback for everyone
    who sees the problem; the phone numbers (masked, revealed on demand) only on the office's
    page (the template decides by ``is_office``)."""
    return list(problem.citizen_reports.order_by("created_at", "pk"))


@require_GET
def problem_detail(request, pk):
    user = request.user
    problem = get_visible_or_404(
        list_queryset().select_related(
            "rebound_of", "instructed_by", "inspection", "indicator", "merged_into"
        ),
        user,
        request=request,
        pk=pk,
    )
    problem_photos = list(problem.photos.select_related("event").order_by("uploaded_at", "pk"))
    problem._prefetched_objects_cache = {"photos": problem_photos}
    events = list(problem.events.select_related("actor", "from_unit", "to_unit").order_by("at", "pk"))
    after_by_event: dict[int, list] = {}
    for photo in problem_photos:
        if photo.kind == PhotoKind.AFTER and photo.event_id:
            after_by_event.setdefault(photo.event_id, []).append(_photo_row(photo))
    allowed = set(transitions.allowed_actions(user, problem))
    if Action.APPROVE in allowed or Action.SEND_BACK in allowed:
        same = actions.last_submitter_id(problem) == user.pk
    else:
        same = False
    buttons = [a for a in BUTTON_ORDER if a in allowed]
    is_office = actions.can_register(user, problem.area)
    inspection_visible = (
        bool(problem.inspection_id)
        and Inspection.objects.visible_to(user).filter(pk=problem.inspection_id).exists()
    )
    return render(
        request,
        "problems/detail.html",
        {
            "problem": problem,
            "light": problem.light(),
            "events": [
                {"event": e, "actor": event_actor(e, problem, user), "photos": after_by_event.get(e.pk, [])}
                for e in events
            ],
            "before": before_photos(problem, user),
            "buttons": [{"action": a, "label": Action(a).label, "one_tap": a in ONE_TAP} for a in buttons],
            "same_person": same,
            "is_office": is_office,
            "inspection_visible": inspection_visible,
            "citizen_reports": _citizen_reports(problem),
            "rebound_visible": problem.rebound_of_id
            and Problem.objects.visible_to(user).filter(pk=problem.rebound_of_id).exists(),
            "rebounds": Problem.objects.visible_to(user)
            .filter(rebound_of=problem)
            .only("pk", "code", "found_at"),
        },
    )


@require_http_methods(["GET", "POST"])
def problem_step(request, pk, action):
    """One workflow step: the form (GET) and taking it (POST)."""
    user = request.user
    if action not in Action.values or action == Action.CREATE:
        raise Http404
    problem = get_visible_or_404(list_queryset(), user, request=request, pk=pk)
    if action not in transitions.allowed_actions(user, problem) and request.method == "GET":
        messages.error(request, _("This step cannot be taken on this problem now."))
        return redirect(problem)
    form = StepForm(request.POST or None, request.FILES or None, problem=problem, action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.transition(
                problem.pk,
                actions.Step(
                    action,
                    note=data.get("note", ""),
                    unit=data.get("unit"),
                    deadline=data.get("deadline"),
                    photos=data.get("photos") or [],
                ),
                user,
                request=request,
            )
        except actions.TransitionError as exc:
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Done: {step}.").format(step=Action(action).label))
            if action in (Action.ACCEPT, Action.SUBMIT) and request.POST.get("next") == "inbox":
                return redirect("problems:inbox")
            return redirect(problem)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "problems/step.html",
        {
            "problem": problem,
            "form": form,
            "action": action,
            "label": Action(action).label,
            "light": problem.light(),
        },
        status=status,
    )


@require_POST
def bulk(request):
    """The office registers or assigns many problems at once; each refusal is listed."""
    user = request.user
    area = _office_area(user)
    if area is None:
        raise PermissionDenied
    form = BulkForm(request.POST, area=area)
    ids = [int(x) for x in request.POST.getlist("problem") if ID.fullmatch(x)][:500]
    back = reverse("problems:list") + ("?" + request.POST["query"] if request.POST.get("query") else "")
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose the problems and the step."))
        return redirect(back)
    action = form.cleaned_data["action"]
    unit = form.cleaned_data.get("unit")
    done, refused = 0, []
    visible = dict(
        Problem.objects.visible_to(user).filter(pk__in=ids).select_related("point").values_list("pk", "code")
    )
    points = dict(Problem.objects.filter(pk__in=list(visible)).values_list("pk", "point__responsible_unit"))
    from chuangcheng.org.models import OrgUnit

    for pk in ids:
        if pk not in visible:
            refused.append((pk, _("No such problem.")))
            continue
        target_unit = unit
        if action == Action.ASSIGN and target_unit is None:
            unit_id = points.get(pk)
            target_unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None
        try:
            actions.transition(pk, actions.Step(action, unit=target_unit), user, request=request)
            done += 1
        except actions.TransitionError as exc:
            refused.append((pk, exc.message))
    if done:
        messages.success(request, _("{n} problems: {step}.").format(n=done, step=Action(action).label))
    for pk, reason in refused[:20]:
        messages.error(request, f"{visible.get(pk, pk)}: {reason}")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def problem_new(request):
    """The office records a problem: media exposure, a leader's instruction, its own finding."""
    user = request.user
    area = _office_area(user)
    if area is None:
        raise PermissionDenied
    form = NewProblemForm(request.POST or None, request.FILES or None, area=area)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            problem = actions.create_problem(
                user,
                actions.NewProblem(
                    area=area,
                    source=d["source"],
                    title=d["title"],
                    description=d["description"],
                    severity=d["severity"],
                    category=d["category"],
                    point=d["point"],
                    address=d["address"],
                    latitude=d["latitude"],
                    longitude=d["longitude"],
                    source_detail=d["source_detail"],
                    instructed_by=d["instructed_by"],
                    unit=d["unit"],
                    deadline=d["deadline"],
                    photos=d["photos"] or [],
                ),
                request=request,
            )
        except actions.TransitionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Problem {code} recorded.").format(code=problem.code))
            return redirect(problem)
    return render(
        request, "problems/new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_GET
def problem_map(request):
    filterset = _filtered(request)
    return render(
        request,
        "problems/map.html",
        {
            "filterset": filterset,
            "data_url": reverse("problems:map_data") + "?" + request.GET.urlencode(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "max_zoom": settings.MAP_MAX_ZOOM,
        },
    )


@require_GET
def map_data(request):
    """GeoJSON of the filtered problems with a place (their own, or their point's)."""
    filterset = _filtered(request)
    now = timezone.now()
    features = []
    for problem in filterset.qs.select_related("point").order_by("-found_at")[:3000]:
        where = problem.location()
        if where is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(where[1]), float(where[0])]},
                "properties": {
                    "code": problem.code,
                    "title": problem.title,
                    "status": problem.get_status_display(),
                    "light": problem.light(now),
                    "unit": problem.responsible_unit.name if problem.responsible_unit_id else "",
                    "url": problem.get_absolute_url(),
                    "rebound": problem.is_rebound,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_GET
def photo(request, pk, variant):
    """A problem photo, to those who may see its problem."""
    if variant not in ("display", "thumb"):
        raise Http404
    item = get_object_or_404(ProblemPhoto, pk=pk)
    get_visible_or_404(Problem.objects.all(), request.user, request=request, pk=item.problem_id)
    return stream_image(item.thumbnail if variant == "thumb" else item.image)


@require_GET
def categories(request):
    """问题分类: the two-level catalogue with time limits and responsible departments."""
    from chuangcheng.problems import catalogue

    user = request.user
    big = (
        Category.objects.visible_to(user)
        .filter(parent__isnull=True)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Category.objects.select_related("responsible_unit")
                .prefetch_related(Prefetch("rules", queryset=catalogue.rules_by_severity()))
                .order_by("sort_order", "code"),
            )
        )
        .order_by("category_class", "sort_order", "code")
    )
    # the office keeps its own area's catalogue (catalogue_views); others only read it
    area = _office_area(user)
    return render(
        request,
        "problems/categories.html",
        {"groups": big, "is_office": user.is_office, "office_area_id": area.pk if area else None},
    )


@require_http_methods(["GET", "POST"])
def recheck(request, pk):
    """举一反三: from one exposed problem, check every point of its type."""
    user = request.user
    problem = get_visible_or_404(list_queryset(), user, request=request, pk=pk)
    if not actions.can_register(user, problem.area):
        raise PermissionDenied
    form = RecheckForm(request.POST or None, problem=problem)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = actions.launch_recheck(
                user,
                problem,
                actions.Recheck(
                    point_type=d["point_type"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    mode=d["mode"],
                    inspector_ids=[i.pk for i in d["inspectors"]],
                ),
                request=request,
            )
        except actions.TransitionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if d["mode"] == "self":
                messages.success(request, _("Self-inspection requested from {n} units.").format(n=result))
                return redirect(problem)
            messages.success(request, _("Re-check plan drawn."))
            return redirect(result)
    return render(
        request,
        "problems/recheck.html",
        {"problem": problem, "form": form},
        status=400 if request.method == "POST" else 200,
    )
