"""The inspector's phone pages: my assignments, the checklist, submitting, evidence photos.

Thin, as everywhere: fetch through ``visible_to``/``mine``, read the submission with
``intake.parse``, call ``actions.submit``, render. The checklist page works without JavaScript
(a plain multipart form); ``static/inspections/field.js`` upgrades it to keep a draft on the
phone (answers in localStorage, photos in IndexedDB) and to retry the upload until the server
confirms it. Both paths post to the same ``submit`` view.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.core.uploads import stream_image
from chuangcheng.indicators.choices import ScoringMode
from chuangcheng.indicators.models import CheckItem
from chuangcheng.inspections import actions, intake
from chuangcheng.inspections.choices import AssignmentStatus, InspectionKind, Outcome
from chuangcheng.inspections.models import Assignment, EvidencePhoto, Inspection
from chuangcheng.inspections.querysets import can_manage_inspections
from chuangcheng.org.choices import SUBTREE_ROLES, Role
from chuangcheng.points.models import Point

RECENT = 20
PICKER_LIMIT = 20
ORIGINAL_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _early():
    return timedelta(minutes=settings.INSPECTION_EARLY_MINUTES)


def _grace():
    return timedelta(hours=settings.INSPECTION_SUBMIT_GRACE_HOURS)


def _may_self_inspect_somewhere(user) -> bool:
    return user.has_role(*SUBTREE_ROLES, Role.POINT_LEADER)


# --- 我的任务 -----------------------------------------------------------------------------------------
@require_GET
def mine(request):
    """我的任务: due now (open, or closed but within the grace for late uploads), later today,
    upcoming announced ones, recently done and missed.

    Covert assignments stay hidden until their window opens (``Assignment.objects.mine``); of
    today's unopened ones the inspector learns only how many and when the first opens.
    """
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    mine_qs = Assignment.objects.mine(user).select_related("plan", "point__point_type", "point__township")
    pending = mine_qs.filter(status=AssignmentStatus.PENDING)
    # mine() holds no unopened covert assignment, so "opens within the early minutes" only
    # ever brings announced ones forward
    due = list(pending.filter(window_start__lte=now + _early(), window_end__gte=now - _grace()))
    for assignment in due:
        assignment.is_late = now > assignment.window_end
    later_today = list(
        pending.filter(window_start__gt=now + _early(), window_start__date=today).order_by("window_start")
    )
    hidden_later = (
        Assignment.objects.filter(Q(inspector=user) | Q(second_inspector=user))
        .filter(
            status=AssignmentStatus.PENDING,
            plan__is_covert=True,
            window_start__gt=now,
            window_start__date=today,
        )
        .aggregate(count=Count("pk"), first=Min("window_start"))
    )
    upcoming = list(pending.filter(window_start__date__gt=today).order_by("window_start")[:RECENT])
    missed = list(
        mine_qs.filter(
            Q(status=AssignmentStatus.MISSED)
            | Q(status=AssignmentStatus.PENDING, window_end__lt=now - _grace())
        ).order_by("-window_start")[:RECENT]
    )
    done = list(
        Inspection.objects.visible_to(user)
        .filter(Q(inspector=user) | Q(second_inspector=user))
        .select_related("point__point_type")
        .order_by("-submitted_at", "-pk")[:RECENT]
    )
    return render(
        request,
        "inspections/field/mine.html",
        {
            "due": due,
            "later_today": later_today,
            "hidden_later_count": hidden_later["count"],
            "hidden_later_first": hidden_later["first"],
            "upcoming": upcoming,
            "missed": missed,
            "done": done,
            "picker": _picker(request),
        },
    )


def _picker(request):
    """The point picker for inspections outside a plan: the office's extra (暗访) inspections,
    a unit's self-inspections (自查). None for people who may do neither."""
    user = request.user
    is_office = can_manage_inspections(user)
    if not is_office and not _may_self_inspect_somewhere(user):
        return None
    query = (request.GET.get("q") or "").strip()[:60]
    results = []
    if query:
        points = (
            Point.objects.visible_to(user)
            .active()
            .filter(Q(code__icontains=query) | Q(name__icontains=query))
            .select_related("point_type", "responsible_unit", "area", "township")
            .order_by("code")
        )
        for point in points[: PICKER_LIMIT * 3]:
            if actions.can_inspect_extra(user, point) or actions.can_self_inspect(user, point):
                results.append(point)
            if len(results) == PICKER_LIMIT:
                break
    return {"is_office": is_office, "query": query, "results": results}


# --- the checklist page ------------------------------------------------------------------------------
def _status_bands(item) -> list[tuple[str, int]]:
    bands = [("A", 0)]
    for status, threshold in (
        ("B", item.threshold_b),
        ("C", item.threshold_c),
        ("C#", item.threshold_c_sharp),
    ):
        if threshold is not None:
            bands.append((status, threshold))
    return bands


def _check_items(point):
    return list(
        CheckItem.objects.filter(point_type_id=point.point_type_id, is_active=True).order_by(
            "sort_order", "code"
        )
    )


def _form_values(post) -> dict:
    """What was typed, to show again after a refused plain-form submission (files excepted)."""
    values = {"note": post.get("note", ""), "items": {}}
    for key in post:
        name, _sep, raw_id = key.rpartition("_")
        if name in ("outcome", "violations", "na", "note") and raw_id.isdigit():
            values["items"].setdefault(int(raw_id), {})[name] = post.get(key, "")
    return values


def _client_config(request, *, assignment, point, items, clear_draft=False) -> dict:
    """What field.js needs, sent with json_script (no inline script under the CSP)."""
    target = f"a{assignment.pk}" if assignment is not None else f"p{point.pk}"
    return {
        "draftKey": f"cc-field:{request.user.pk}:{target}",
        "clearDraft": clear_draft,
        "submitUrl": reverse("inspections:submit"),
        "point": (
            {"lat": float(point.latitude), "lng": float(point.longitude)} if point.has_location else None
        ),
        "farMetres": settings.INSPECTION_FAR_METRES,
        "passLine": settings.INSPECTION_PASS_LINE,
        "maxPhotos": settings.INSPECTION_MAX_PHOTOS_PER_ITEM,
        "items": [
            {
                "id": item.pk,
                "code": item.code,
                "scale": item.scoring_mode == ScoringMode.STATUS_SCALE,
                "deduction": float(item.deduction or 0),
                "points": float(item.points or 0),
                "bands": _status_bands(item) if item.scoring_mode == ScoringMode.STATUS_SCALE else [],
                "veto": item.is_veto,
                "photoRequired": item.photo_required_on_failure,
            }
            for item in items
        ],
        "messages": {
            "saved": _("Saved on this phone"),
            "submitting": _("Submitting…"),
            "retrying": _("Network interrupted: will retry automatically"),
            "retryIn": _("Retrying in {s} s"),
            "submitted": _("Submitted"),
            "refused": _("Not accepted — see below. Your answers are still saved on this phone."),
            "signedOut": _(
                "You have been signed out. Sign in again in another tab, then submit: "
                "your answers are still saved on this phone."
            ),
            "expired": _("The page has expired. Reload it, then submit: your answers are kept."),
            "unanswered": _("Not yet answered: {codes}"),
            "photoMissing": _("A photo is required for the failed items: {codes}"),
            "locating": _("Finding your location…"),
            "located": _("Location recorded (accuracy {m} m)"),
            "far": _("You are {d} m from the point (more than {far} m)."),
            "near": _("{d} m from the point."),
            "noLocation": _("Location not available: {reason}"),
            "noPointLocation": _("The point has no recorded location to compare with."),
            "score": _("Score so far: {score}"),
            "vetoFailed": _("A veto item failed: the point fails whatever the score."),
            "photoRequired": _("Photo required"),
            "remove": _("Remove"),
            "tooManyPhotos": _("At most {n} photos per item."),
            "storageFailed": _("The photo could not be kept on this phone: {reason}"),
            "discardConfirm": _("Discard the answers and photos kept on this phone for this inspection?"),
            "notImage": _("“{name}” is not an image."),
        },
    }


def _render_checklist(
    request,
    *,
    assignment=None,
    point,
    kind,
    state="open",
    values=None,
    errors=None,
    messages=None,
    status=200,
):
    """The checklist page, for an assignment or an inspection outside a plan."""
    values = values or {"note": "", "items": {}}
    errors = errors or {}
    items = _check_items(point)
    rows = []
    for item in items:
        typed = values["items"].get(item.pk, {})
        rows.append(
            {
                "item": item,
                "is_scale": item.scoring_mode == ScoringMode.STATUS_SCALE,
                "bands": _status_bands(item),
                "outcome": typed.get("outcome", ""),
                "violations": typed.get("violations", ""),
                "na": bool(typed.get("na")),
                "note": typed.get("note", ""),
                "errors": errors.get(f"photo_{item.pk}", []),
            }
        )
    inspection = None
    if state == "done":
        inspection = Inspection.objects.visible_to(request.user).filter(assignment=assignment).first()
    form_errors = [
        message
        for field, field_messages in errors.items()
        if not (field.startswith("photo_") and field[6:].isdigit())
        for message in field_messages
    ]
    context = {
        "assignment": assignment,
        "point": point,
        "kind": kind,
        "kind_label": InspectionKind(kind).label,
        "is_self": kind == InspectionKind.SELF,
        "state": state,
        "rows": rows,
        "note": values.get("note", ""),
        "client_key": values.get("client_key") or uuid.uuid4(),
        "started_at": values.get("started_at") or timezone.now().isoformat(),
        "errors": form_errors + list(messages or []),
        "general_photo_errors": errors.get("photo_general", []),
        "inspection": inspection,
        "config": _client_config(
            request, assignment=assignment, point=point, items=items, clear_draft=state == "done"
        ),
        "grace_hours": settings.INSPECTION_SUBMIT_GRACE_HOURS,
        "photo_limit": settings.INSPECTION_MAX_PHOTOS_PER_ITEM,
    }
    return render(request, "inspections/field/inspect.html", context, status=status)


def _my_assignment(request, pk):
    """Only the assigned inspector(s) open an assignment on this page, and a covert one only
    once its window is open; anyone else — the office included — gets 404 here."""
    return get_visible_or_404(
        Assignment.objects.mine(request.user).select_related(
            "plan", "point__point_type", "point__township", "point__area"
        ),
        request.user,
        request=request,
        pk=pk,
    )


def _point_for_extra(request, pk):
    """A point the user may inspect outside a plan, with the kind that inspection would be:
    extra (暗访, the office) or self-inspection (自查, the point's own unit)."""
    point = get_visible_or_404(
        Point.objects.active().select_related("point_type", "responsible_unit", "township", "area"),
        request.user,
        request=request,
        pk=pk,
    )
    if actions.can_inspect_extra(request.user, point):
        return point, InspectionKind.EXTRA
    if actions.can_self_inspect(request.user, point):
        return point, InspectionKind.SELF
    raise PermissionDenied(_("Only the campaign office or the point's own unit can inspect outside a plan."))


@require_GET
def inspect_assignment(request, pk):
    assignment = _my_assignment(request, pk)
    state = assignment.submission_state(timezone.now())
    return _render_checklist(
        request, assignment=assignment, point=assignment.point, kind=assignment.plan.kind, state=state
    )


@require_GET
def inspect_point(request, pk):
    point, kind = _point_for_extra(request, pk)
    return _render_checklist(request, point=point, kind=kind)


# --- submitting -----------------------------------------------------------------------------------
def _wants_json(request) -> bool:
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def _wire_data(post):
    """The plain (no-JavaScript) form names its answers per item (``outcome_<id>``,
    ``violations_<id>``, ``na_<id>``, ``note_<id>``); the wire format wants them as the
    ``answers`` JSON list. field.js sends ``answers`` itself."""
    if post.get("answers"):
        return post
    rows = {}
    for item_id, typed in _form_values(post)["items"].items():
        row = {"item": item_id}
        if typed.get("na"):
            row["outcome"] = Outcome.NOT_APPLICABLE
        elif typed.get("outcome"):
            row["outcome"] = typed["outcome"]
        if "outcome" not in row and str(typed.get("violations", "")).strip():
            with contextlib.suppress(ValueError):  # not a number: reported as unanswered
                row["violations"] = int(str(typed["violations"]).strip())
        if typed.get("note", "").strip():
            row["note"] = typed["note"].strip()
        if len(row) > 1:
            rows[item_id] = row
    data = post.copy()
    data["answers"] = json.dumps(list(rows.values()))
    return data


def _inspection_json(inspection, created: bool) -> dict:
    return {
        "id": inspection.pk,
        "url": reverse("inspections:detail", args=[inspection.pk]),
        "created": created,
        "score": str(inspection.score),
        "passed": inspection.passed,
    }


@require_POST
def submit(request):
    """Receive one inspection (multipart, the wire format of ``intake.py``).

    For field.js (``Accept: application/json`` or ``X-Requested-With``) it answers JSON:

    * 201 ``{"id", "url", "created": true, "score", "passed"}`` — created;
    * 200, the same with ``"created": false`` — a retry of a submission already received
      (same ``client_key``): nothing new is created;
    * 400 ``{"errors": {field: [messages]}}`` — the submission could not be read (IntakeError:
      bad photo, malformed answers…);
    * ``{"error", "code", "messages"}`` for a refusal by the action (ActionError): 404 for
      ``not_yours``/``point`` (as if it did not exist), 403 ``forbidden``, 409 for a conflict
      with the state of things (``done``, ``withdrawn``, ``not_due``, ``closed``,
      ``client_key``), 422 ``key_reused`` (the key was used for another inspection), 400
      otherwise (``answers``: unanswered items, missing photos…; ``clock``: the phone's clock).

    Every refusal is final for the phone (it keeps the draft and stops retrying); only network
    errors and 5xx are retried. A plain form post is redirected to the inspection on success,
    or gets the checklist again with the errors and what was typed (files must be chosen again).
    """
    as_json = _wants_json(request)
    data = _wire_data(request.POST)
    try:
        submission = intake.parse(data, request.FILES)
    except intake.IntakeError as refused:
        if as_json:
            return JsonResponse({"errors": refused.errors}, status=400)
        return _rerender(request, errors=refused.errors)
    try:
        inspection, created = actions.submit(request.user, submission, request=request)
    except actions.ActionError as refused:
        status = refused.http_status
        if as_json:
            return JsonResponse(
                {"error": str(refused), "code": refused.code, "messages": refused.messages}, status=status
            )
        return _rerender(request, messages=refused.messages, status=status)
    if as_json:
        return JsonResponse(_inspection_json(inspection, created), status=201 if created else 200)
    return redirect("inspections:detail", inspection.pk)


def _rerender(request, *, errors=None, messages=None, status=400):
    """The checklist again after a refused plain-form post, with what was typed."""
    post = request.POST
    values = _form_values(post)
    values["client_key"] = post.get("client_key", "")
    values["started_at"] = post.get("started_at", "")
    assignment_id, point_id = post.get("assignment", ""), post.get("point", "")
    if assignment_id.isdigit():
        assignment = _my_assignment(request, int(assignment_id))
        state = assignment.submission_state(timezone.now())
        if state == "done":
            status = 409
        return _render_checklist(
            request,
            assignment=assignment,
            point=assignment.point,
            kind=assignment.plan.kind,
            state=state if state in ("done", "withdrawn", "closed") else "open",
            values=values,
            errors=errors,
            messages=messages,
            status=status,
        )
    if point_id.isdigit():
        point, kind = _point_for_extra(request, int(point_id))
        return _render_checklist(
            request, point=point, kind=kind, values=values, errors=errors, messages=messages, status=status
        )
    text = " ".join(m for ms in (errors or {}).values() for m in ms) or " ".join(messages or [])
    return HttpResponseBadRequest(text)


# --- evidence photos ----------------------------------------------------------------------------------
@require_GET
def photo(request, pk, variant):
    """One evidence photo of an inspection the user may see: ``display`` (stamped, no EXIF),
    ``thumb``, or ``original`` (as uploaded, EXIF and all: the office of the area only)."""
    if variant not in ("display", "thumb", "original"):
        raise Http404
    evidence = get_object_or_404(
        EvidencePhoto.objects.select_related("inspection__area").filter(
            inspection__in=Inspection.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    if variant == "display":
        return stream_image(evidence.image)
    if variant == "thumb":
        return stream_image(evidence.thumbnail)
    if not can_manage_inspections(request.user, evidence.inspection.area):
        raise PermissionDenied
    ext = evidence.original.name.rsplit(".", 1)[-1].lower()
    content_type = ORIGINAL_TYPES.get(ext)
    response = FileResponse(
        evidence.original.open("rb"), content_type=content_type or "application/octet-stream"
    )
    filename = f"inspection-{evidence.inspection_id}-photo-{evidence.pk}.{ext}"
    # an image the browser can show opens inline; anything else (HEIC) is downloaded
    response["Content-Disposition"] = content_disposition_header(not content_type, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
