"""The public pages (no sign-in): the report form (also opened from a point's QR code), the
nearby open problems offered before submitting, the tracking page with the after-photos and
the "is it really fixed?" answer — and the office's phone reveal. Thin: parse, call an action,
render."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.citizens import actions, quizzes, throttle
from chuangcheng.citizens.forms import AnswerForm, ReportForm, TrackForm
from chuangcheng.citizens.models import Report, Response, Round, device_hash
from chuangcheng.core.uploads import stream_image
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.points.models import AreaOutline, Point
from chuangcheng.problems.choices import ProblemStatus
from chuangcheng.problems.models import Category

DEVICE_COOKIE = "cc_device"
DEVICE_MAX_AGE = 400 * 86400


def _device(request) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")[:64]


def _keep_device(request, response):
    """A random id for this browser (rate limits per device); HttpOnly, first-party only."""
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _areas():
    """Counties that take reports: those with problem categories."""
    ids = Category.objects.filter(parent__isnull=False, is_active=True).values("area")
    return OrgUnit.objects.filter(pk__in=ids, kind=UnitKind.COUNTY, is_active=True).order_by("path")


def _outlines(area):
    rows = AreaOutline.objects.filter(unit__path__startswith=area.path).select_related("unit")
    return [{"kind": o.unit.kind, "name": o.unit.name, "geometry": o.geojson} for o in rows]


@login_not_required
@require_http_methods(["GET", "POST"])
def report(request, public_id=None):
    point = None
    if public_id is not None:
        point = get_object_or_404(Point.objects.select_related("area", "township"), public_id=public_id)
        area = point.area
    else:
        areas = list(_areas())
        raw = request.GET.get("area", "")
        area = next((a for a in areas if str(a.pk) == raw), None)
        if area is None and len(areas) == 1:
            area = areas[0]
        if area is None:
            if raw:
                raise Http404
            return _keep_device(request, render(request, "citizens/choose_area.html", {"areas": areas}))
    status = 200
    form = ReportForm(area, request.POST or None, request.FILES or None, point=point)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device = device_hash(_device(request))
            # a retried submission (a bad network) gets its first report, not the rate limit
            retry = Report.objects.filter(client_key=form.cleaned_data["client_key"]).exists()
            wait = 0 if retry else throttle.hit("report", [throttle.client_ip(request), device])
            if wait:
                form.add_error(
                    None,
                    _("Too many reports from this phone or network; please try again in {m} minutes.").format(
                        m=max(1, wait // 60)
                    ),
                )
                status = 429
            else:
                try:
                    submitted = actions.submit(form.report_data(device=device), request=request)
                except actions.ReportError as exc:
                    # hidden fields have no place on the page, except the place (the map shows it)
                    shown = exc.field == "latitude" or (
                        exc.field in form.fields and not form.fields[exc.field].widget.is_hidden
                    )
                    field = exc.field if shown else None
                    form.add_error(field, exc.message)
                    status = exc.http_status
                else:
                    url = reverse("citizens:track", args=[submitted.report.code]) + "?new=1"
                    return HttpResponseRedirect(url)
    context = {
        "form": form,
        "area": area,
        "point": point,
        "map": {"outlines": _outlines(area), "point": _point_place(point)},
        "days": settings.CITIZEN_PHONE_RETENTION_DAYS,
    }
    return _keep_device(request, render(request, "citizens/report.html", context, status=status))


def _point_place(point):
    if point is None or not point.has_location:
        return None
    return {"lat": float(point.latitude), "lng": float(point.longitude), "name": point.name}


@login_not_required
@require_GET
def nearby(request):
    """The open problems of the chosen kind near the marked place (an HTML fragment for the
    form; JSON with ``?format=json``)."""
    area = OrgUnit.objects.filter(pk=_int(request.GET.get("area")), kind=UnitKind.COUNTY).first()
    category = Category.objects.filter(
        pk=_int(request.GET.get("category")), area=area, is_active=True
    ).first()
    lat, lng = _coord(request.GET.get("lat")), _coord(request.GET.get("lng"))
    found = []
    if area is not None and category is not None and lat is not None and lng is not None:
        if request.GET.get("gcj02") == "1":
            from chuangcheng.utils import coords

            lat, lng = coords.gcj02_to_wgs84(lat, lng)
        found = actions.nearby(area, category, lat, lng)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "results": [
                    {
                        "id": n.problem.pk,
                        "title": n.problem.title,
                        "distance": n.distance,
                        "reports": n.reports,
                    }
                    for n in found
                ]
            }
        )
    return render(request, "citizens/_nearby.html", {"found": found})


def _int(raw):
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _clean(raw: str, limit: int) -> str:
    """A text field read without a form: NUL characters (which PostgreSQL refuses) dropped."""
    return (raw or "").replace("\x00", "")[:limit]


def _coord(raw):
    try:
        value = float(Decimal(raw or ""))
    except (InvalidOperation, ValueError):
        return None
    return value if -180 <= value <= 180 else None


@login_not_required
@require_GET
def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        wait = throttle.hit("track", [throttle.client_ip(request)], limits=TRACK_LIMITS)
        if wait:
            form.add_error(None, _("Too many look-ups from this network; please try again later."))
            return render(request, "citizens/track_lookup.html", {"form": form}, status=429)
        report = actions.find(form.cleaned_data["code"])
        if report is not None:
            return HttpResponseRedirect(reverse("citizens:track", args=[report.code]))
        form.add_error("code", _("No report has this tracking code. Check it and try again."))
        return render(request, "citizens/track_lookup.html", {"form": form}, status=404)
    return render(request, "citizens/track_lookup.html", {"form": form})


PUBLIC_STATE = {
    ProblemStatus.REPORTED: ("received", gettext_lazy("Received")),
    ProblemStatus.REGISTERED: ("received", gettext_lazy("Received; being passed to the unit responsible")),
    ProblemStatus.ASSIGNED: ("working", gettext_lazy("Being dealt with")),
    ProblemStatus.RECTIFYING: ("working", gettext_lazy("Being dealt with")),
    ProblemStatus.REWORK: ("working", gettext_lazy("Being dealt with")),
    ProblemStatus.SUBMITTED: ("checking", gettext_lazy("Fixed; being checked by the campaign office")),
    ProblemStatus.CLOSED: ("closed", gettext_lazy("Dealt with and closed")),
    ProblemStatus.REJECTED: ("rejected", gettext_lazy("Not taken up")),
}


TRACK_LIMITS = [(3600, 60)]


def _tracked(request, code):
    """The report behind ``code`` and the problem it follows; look-ups of unknown codes count
    against the same per-IP limit as the look-up form (codes cannot be enumerated), and a
    problem under a covert embargo is never shown."""
    report = actions.find(code)
    if report is None:
        if throttle.hit("track", [throttle.client_ip(request)], limits=TRACK_LIMITS):
            message = _("Too many look-ups from this network; please try again later.")
            raise actions.ReportError(message, code="throttled")
        raise Http404
    problem = actions.followed_problem(report)
    if problem.is_embargoed():
        raise Http404
    return report, problem


def _throttled(request, exc):
    context = {"form": TrackForm(), "error": exc.message}
    return render(request, "citizens/track_lookup.html", context, status=429)


@login_not_required
@require_http_methods(["GET", "POST"])
def track(request, code):
    try:
        report, problem = _tracked(request, code)
    except actions.ReportError as exc:
        return _throttled(request, exc)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.answer(
                    report.code, form.cleaned_data["fixed"], form.cleaned_data["note"], request=request
                )
            except actions.ReportError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                return HttpResponseRedirect(reverse("citizens:track", args=[report.code]) + "#answer")
    state, label = PUBLIC_STATE.get(problem.status, PUBLIC_STATE[ProblemStatus.ASSIGNED])
    context = {
        "report": report,
        "problem": problem,
        "state": state,
        "state_label": label,
        "unit": problem.responsible_unit if state in ("working", "checking") else None,
        "after": list(actions.after_photos(problem)),
        "form": form,
        "new": request.GET.get("new") == "1",
        "others": actions.report_count(problem) - 1,
        "now": timezone.now(),
    }
    return render(request, "citizens/track.html", context, status=status)


@login_not_required
@require_GET
def track_photo(request, code, pk, variant):
    """An after-photo of the closed problem behind ``code`` — and nothing else."""
    if variant not in ("display", "thumb"):
        raise Http404
    try:
        _report, problem = _tracked(request, code)
    except actions.ReportError as exc:
        return _throttled(request, exc)
    photo = actions.after_photos(problem).filter(pk=pk).first()
    if photo is None:
        raise Http404
    return stream_image(photo.thumbnail if variant == "thumb" else photo.image)


@require_POST
def merge(request, pk):
    """The office merges a problem into the original it names by number (a duplicate)."""
    from django.contrib import messages

    try:
        actions.merge(
            request.user,
            pk,
            _clean(request.POST.get("original", ""), 20),
            _clean(request.POST.get("note", ""), 300),
            request=request,
        )
    except actions.ReportError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Merged: the residents of this problem now follow the original."))
    return HttpResponseRedirect(reverse("problems:detail", args=[pk]))


@require_POST
def reveal(request, pk):
    """The office sees a reporter's number to call back (audited): the number as a fragment for
    the problem page's button (htmx), JSON otherwise."""
    try:
        phone = actions.reveal_phone(request.user, pk, request=request)
    except actions.ReportError as exc:
        if request.headers.get("HX-Request"):
            return HttpResponse(escape(exc.message), status=exc.http_status)
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.http_status)
    if request.headers.get("HX-Request"):
        return HttpResponse(format_html('<a href="tel:{0}">{0}</a>', phone))
    return JsonResponse({"phone": phone})


@login_not_required
@require_http_methods(["GET", "POST"])
def take_round(request, public_id):
    """A quiz or survey round from its public link or QR code: anonymous, once per device."""
    round_ = get_object_or_404(Round.objects.select_related("community"), public_id=public_id)
    questions = list(round_.questions.prefetch_related("choices").order_by("sort_order", "pk"))
    for question in questions:
        question.field = f"q{question.pk}"
        question.picked = set()
    context = {"round": round_, "questions": questions, "client_key": uuid.uuid4().hex}
    today = timezone.localdate()
    device = device_hash(_device(request))
    status = 200
    if not round_.is_open(today):
        context["closed"] = _("This round is closed.")
    elif device and Response.objects.filter(round=round_, device=device).exists():
        context["closed"] = _("You have already taken part in this round on this phone; thank you.")
    elif request.method == "POST":
        picked = {}
        for question in questions:
            ids = [_int(v) for v in request.POST.getlist(question.field)]
            ids = [i for i in ids if i is not None]
            picked[question.pk] = ids
            question.picked = set(ids)
        context["client_key"] = _clean(request.POST.get("client_key", ""), 64)
        ip = throttle.client_ip(request)
        # once per phone rests on a cookie: also a cap per network and round (a shared network
        # of a community centre still gets through)
        wait = throttle.hit("round", [ip], limits=[(3600, 60)]) or throttle.hit(
            f"round-{round_.pk}", [ip], limits=[(86400, 30)]
        )
        try:
            if wait:
                raise actions.ReportError(
                    _("Too many answers from this network; please try again later."), code="throttled"
                )
            result = quizzes.answer_round(round_, picked, device=device, client_key=context["client_key"])
        except actions.ReportError as exc:
            context["error"], context["error_field"], status = exc.message, exc.field, exc.http_status
        else:
            context["result"] = result.response
    return _keep_device(request, render(request, "citizens/round.html", context, status=status))
