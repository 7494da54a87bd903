"""Pages of the points app: list, detail, create/edit, photos, import, map, QR codes.

Thin: fetch through visible_to (get_visible_or_404), validate a form, call an action, render.
"""

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core import pending_uploads
from chuangcheng.core.scoping import get_visible_or_404, scope_for
from chuangcheng.core.uploads import stream_image
from chuangcheng.indicators.models import CheckItem, Indicator, PointType
from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.points import actions, points_import
from chuangcheng.points.filtersets import PointFilterSet
from chuangcheng.points.forms import ImportForm, PhotoForm, PointForm
from chuangcheng.points.models import AreaOutline, Point, PointPhoto

PAGE_SIZE = 50
QR_SHEET_LIMIT = 500
# Colours for point types on the map, in point-type order; chosen to stay apart for colour-blind users.
TYPE_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#ad494a",
    "#637939",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
)
IMPORT_SESSION_KEY = "points_import"
IMPORT_PREVIEW_ROWS = 100


def _point_queryset():
    return Point.objects.select_related("point_type", "responsible_unit", "township", "point_leader")


def _filtered(request):
    """The PointFilterSet bound to the query string, over the points the user may see."""
    base = _point_queryset().visible_to(request.user)
    filterset = PointFilterSet(request.GET or None, queryset=base, request=request)
    return filterset, filterset.qs


def _query_without_page(request) -> str:
    params = [(key, value) for key, value in request.GET.items() if key != "page" and value]
    return urlencode(params)


def _require_office(request):
    if not actions.can_edit_points(request.user):
        raise PermissionDenied


def _map_config():
    return {
        "tileUrl": getattr(settings, "MAP_TILE_URL", ""),
        "tileAttribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "maxZoom": getattr(settings, "MAP_MAX_ZOOM", 19),
    }


# --- list and detail -----------------------------------------------------------------------------
@require_GET
def point_list(request):
    """点位: the points the user may see, filtered, a page at a time."""
    filterset, points = _filtered(request)
    page = Paginator(points, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query_without_page(request)
    return render(
        request,
        "points/list.html",
        {
            "filterset": filterset,
            "page": page,
            "extra_query": query,
            "query_string": query,
            "can_edit": actions.can_edit_points(request.user),
        },
    )


@require_GET
def point_detail(request, pk):
    point = get_visible_or_404(
        _point_queryset().select_related("area", "point_leader__unit"), request.user, request=request, pk=pk
    )
    check_items = (
        CheckItem.objects.visible_to(request.user)
        .filter(point_type=point.point_type, is_active=True)
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("system").order_by("system__title", "code"),
            )
        )
        .order_by("sort_order", "code")
    )
    can_upload = actions.can_upload_photos(request.user, point)
    context = {
        "point": point,
        "check_items": check_items,
        "photos": point.photos.select_related("uploaded_by"),
        "photo_form": PhotoForm() if can_upload else None,
        "can_edit": actions.can_edit_points(request.user),
        "public_report_url": request.build_absolute_uri(point.public_report_path),
        "map_data": _point_map_data(point),
    }
    return render(request, "points/detail.html", context)


def _point_map_data(point):
    """The mini map of one point: the point and the outlines of its township and county."""
    data = {"config": _map_config(), "point": None, "outlines": []}
    if point.has_location:
        data["point"] = {"lat": float(point.latitude), "lng": float(point.longitude), "name": point.name}
        units = [pk for pk in (point.area_id, point.township_id) if pk]
        outlines = AreaOutline.objects.filter(unit__in=units).select_related("unit").order_by("unit__depth")
        data["outlines"] = [
            {"name": o.unit.name, "kind": o.unit.kind, "geometry": o.geojson} for o in outlines
        ]
    return data


# --- create, edit, retire ------------------------------------------------------------------------
def _save_point(request, form, point=None):
    """Run the action for a valid form; on refusal put the reasons on the form. Returns the point."""
    try:
        if point is None:
            return actions.create_point(request.user, form.to_input(), area=form.area, request=request)
        return actions.update_point(request.user, point, form.to_input(), request=request)
    except ValidationError as exc:
        form.add_error(None, exc)
    except actions.ActionError as exc:
        form.add_error(None, str(exc))
    return None


@require_http_methods(["GET", "POST"])
def point_create(request):
    _require_office(request)
    area = actions.office_area(request.user)
    if area is None:
        messages.error(
            request, _("Your account is not attached to a campaign area, so it cannot add points.")
        )
        return redirect("points:list")
    form = PointForm(request.POST or None, actor=request.user, area=area)
    if request.method == "POST":
        if form.is_valid() and (point := _save_point(request, form)) is not None:
            messages.success(request, _("The point “{name}” has been added.").format(name=point.name))
            return redirect(point)
        return render(request, "points/form.html", {"form": form, "area": area}, status=400)
    return render(request, "points/form.html", {"form": form, "area": area})


@require_http_methods(["GET", "POST"])
def point_edit(request, pk):
    point = get_visible_or_404(_point_queryset().select_related("area"), request.user, request=request, pk=pk)
    _require_office(request)
    initial = {
        "name": point.name,
        "code": point.code,
        "point_type": point.point_type_id,
        "address": point.address,
        "coordinate_system": "wgs84",
        "latitude": point.latitude,
        "longitude": point.longitude,
        "township": point.township_id,
        "responsible_unit": point.responsible_unit_id,
        "point_leader": point.point_leader_id,
        "status": point.status,
        "notes": point.notes,
    }
    form = PointForm(request.POST or None, actor=request.user, area=point.area, point=point, initial=initial)
    context = {"form": form, "area": point.area, "point": point}
    if request.method == "POST":
        if form.is_valid() and _save_point(request, form, point) is not None:
            messages.success(
                request, _("The point “{name}” has been saved.").format(name=form.cleaned_data["name"])
            )
            return redirect(point)
        return render(request, "points/form.html", context, status=400)
    return render(request, "points/form.html", context)


@require_POST
def point_retire(request, pk):
    point = get_visible_or_404(Point.objects.all(), request.user, request=request, pk=pk)
    _require_office(request)
    try:
        actions.retire_point(request.user, point, request=request)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The point “{name}” has been retired.").format(name=point.name))
    return redirect(point)


# --- photos ----------------------------------------------------------------------------------------
@require_POST
def point_photos(request, pk):
    point = get_visible_or_404(
        Point.objects.select_related("responsible_unit"), request.user, request=request, pk=pk
    )
    if not actions.can_upload_photos(request.user, point):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = actions.add_photos(request.user, point, form.cleaned_data["photos"], request=request)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("{n} photo(s) added.").format(n=len(added)))
            return redirect(point)
    else:
        for error in form.errors.get("photos", []):
            messages.error(request, error)
    return redirect(f"{point.get_absolute_url()}#photos")


@require_GET
def point_photo(request, pk):
    """Stream a point photo to someone who may see the point; never from a public URL."""
    photo = get_object_or_404(
        PointPhoto.objects.filter(point__in=Point.objects.visible_to(request.user).values("pk")), pk=pk
    )
    return stream_image(photo.image)


# --- map -------------------------------------------------------------------------------------------
def _type_colours(user) -> dict[int, str]:
    """A colour per visible point type, stable across pages (by the types' order)."""
    types = (
        PointType.objects.visible_to(user).order_by("area", "sort_order", "code").values_list("pk", flat=True)
    )
    return {pk: TYPE_COLOURS[index % len(TYPE_COLOURS)] for index, pk in enumerate(types)}


def _outlines(user):
    """Outlines the user may see: their county's (and city's) and those of units in their scope."""
    scope = scope_for(user)
    if scope.is_empty:
        return []
    condition = scope.unit_q("unit") | (
        scope.unit_or_ancestor_q("unit") & Q(unit__kind__in=sorted(AREA_KINDS))
    )
    outlines = (
        AreaOutline.objects.select_related("unit")
        .filter(condition)
        .order_by("unit__depth", "unit__name_pinyin")
    )
    return [{"name": o.unit.name, "kind": o.unit.kind, "geometry": o.geojson} for o in outlines]


@require_GET
def point_map(request):
    filterset, points = _filtered(request)
    without_location = points.filter(latitude__isnull=True).count()
    query = _query_without_page(request)
    geojson_url = reverse("points:map_geojson") + (f"?{query}" if query else "")
    return render(
        request,
        "points/map.html",
        {
            "filterset": filterset,
            "without_location": without_location,
            "map_data": {
                "config": _map_config(),
                "outlines": _outlines(request.user),
                "pointsUrl": geojson_url,
            },
            "query_string": query,
        },
    )


@require_GET
def map_geojson(request):
    """The filtered visible points as a GeoJSON FeatureCollection (WGS-84), for the map."""
    filterset, points = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    colours = _type_colours(request.user)
    features = [
        {
            "type": "Feature",
            "id": point.pk,
            "geometry": {"type": "Point", "coordinates": [float(point.longitude), float(point.latitude)]},
            "properties": {
                "name": point.name,
                "code": point.code,
                "type": point.point_type.name,
                "typeId": point.point_type_id,
                "colour": colours.get(point.point_type_id, TYPE_COLOURS[-1]),
                "unit": point.responsible_unit.name,
                "leader": point.point_leader.display_name,
                "status": point.status,
                "statusLabel": str(point.get_status_display()),
                "url": point.get_absolute_url(),
            },
        }
        for point in points.filter(latitude__isnull=False, longitude__isnull=False)
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "private, no-store"
    return response


# --- QR codes --------------------------------------------------------------------------------------
def _qr(request, point):
    url = request.build_absolute_uri(point.public_report_path)
    return segno.make(url, error="m"), url


def _card(request, point):
    code, url = _qr(request, point)
    return {
        "point": point,
        "url": url,
        "svg": code.svg_inline(scale=4, border=2, omitsize=True, svgclass="qr"),
    }


@require_GET
def point_qr_svg(request, pk):
    point = get_visible_or_404(Point.objects.all(), request.user, request=request, pk=pk)
    code, _url = _qr(request, point)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=8, border=4, xmldecl=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition_header(False, f"point-{point.code}.svg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def point_qr_card(request, pk):
    point = get_visible_or_404(_point_queryset(), request.user, request=request, pk=pk)
    return render(request, "points/qr_card.html", {"cards": [_card(request, point)], "single": True})


@require_GET
def qr_sheet(request):
    """Printable QR cards of the filtered points (four A6 cards to an A4 page), for the office."""
    _require_office(request)
    filterset, points = _filtered(request)
    total = points.count()
    cards = [_card(request, point) for point in points[:QR_SHEET_LIMIT]]
    return render(
        request,
        "points/qr_card.html",
        {"cards": cards, "single": False, "total": total, "limit": QR_SHEET_LIMIT, "filterset": filterset},
    )


# --- import ----------------------------------------------------------------------------------------
def _import_area(request):
    _require_office(request)
    area = actions.office_area(request.user)
    if area is None:
        raise PermissionDenied
    return area


UPLOAD_KIND = "points"


def _discard_pending(request):
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if pending:
        pending_uploads.discard(pending.get("token"))


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload a spreadsheet; a clean file is kept aside and previewed before anything is written."""
    area = _import_area(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "area": area, "columns": points_import.COLUMNS}
    if request.method == "GET":
        return render(request, "points/import.html", context)
    if not form.is_valid():
        return render(request, "points/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    content = upload.read()
    plan = points_import.plan_import(content, area=area, people=actions.leaders_for(request.user))
    context["plan"] = plan
    if not plan.ok:
        return render(request, "points/import.html", context, status=400)
    _discard_pending(request)
    token = pending_uploads.keep(
        content, user=request.user, kind=UPLOAD_KIND, area_id=area.pk, name=upload.name
    )
    kept = pending_uploads.fetch(token, user=request.user, kind=UPLOAD_KIND)
    request.session[IMPORT_SESSION_KEY] = {
        "token": token,
        "path": kept.path,
        "name": kept.name,
        "area": area.pk,
    }
    context.update({"preview": plan.rows[:IMPORT_PREVIEW_ROWS], "file_name": upload.name})
    return render(request, "points/import_preview.html", context)


@require_POST
def import_confirm(request):
    """Check the kept file again (things may have changed) and write it, all or nothing."""
    area = _import_area(request)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    try:
        kept = pending_uploads.fetch(pending.get("token"), user=request.user, kind=UPLOAD_KIND)
    except Http404:
        kept = None
    if kept is None or kept.area_id != area.pk:
        messages.error(request, _("There is no checked file waiting to be imported. Upload it again."))
        return redirect("points:import")
    content = kept.read()
    plan = points_import.plan_import(content, area=area, people=actions.leaders_for(request.user))
    if not plan.ok:
        _discard_pending(request)
        context = {"form": ImportForm(), "area": area, "columns": points_import.COLUMNS, "plan": plan}
        return render(request, "points/import.html", context, status=400)
    result = points_import.apply_import(plan, actor=request.user, request=request, source=kept.name)
    _discard_pending(request)
    messages.success(
        request,
        _("Import finished: {created} points added, {updated} updated.").format(
            created=result.created, updated=result.updated
        ),
    )
    return redirect("points:list")


@require_GET
def import_template(request):
    area = _import_area(request)
    response = HttpResponse(
        points_import.template_workbook(area),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, "点位导入模板.xlsx")
    return response
