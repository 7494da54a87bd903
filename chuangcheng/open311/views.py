"""Open311 GeoReport v2 endpoints and the office's key page. Thin: arguments are read by
``params``, data by ``queries``, a report is submitted through ``citizens.actions.submit`` —
the same action as the web form — and keys are issued and revoked by ``actions``.

The endpoints need no sign-in and no CSRF token: a POST carries an API key, not a cookie.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from chuangcheng.citizens import throttle
from chuangcheng.citizens.actions import ReportData, ReportError, submit
from chuangcheng.citizens.choices import Channel
from chuangcheng.citizens.models import Report, device_hash
from chuangcheng.core.uploads import stream_image
from chuangcheng.open311 import actions, queries
from chuangcheng.open311.formats import render as render_api
from chuangcheng.open311.formats import render_errors
from chuangcheng.open311.forms import IssueKeyForm
from chuangcheng.open311.models import ApiKey
from chuangcheng.open311.params import ApiError, Arguments, bad, parse_coordinate, parse_w3c

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = datetime(2026, 12, 7, tzinfo=UTC)  # when this endpoint last changed shape
MAX_DESCRIPTION = 4000  # the spec's limit; the report itself allows citizens.actions.MAX_DESCRIPTION
MAX_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
STATUSES = {"open", "closed"}
# our report fields → the argument the client sent, to name it in an error
ARGUMENT_OF_FIELD = {
    "latitude": "lat/long",
    "category": "service_code",
    "photos": "media",
    "client_key": "Idempotency-Key",
    "address": "address_string",
    "description": "description",
    "phone": "phone",
    "area": "jurisdiction_id",
}


def api(*methods: str):
    """An Open311 endpoint: public, CSRF-exempt, answering every refusal in the spec's format
    (in Chinese, whatever language a browser cookie asks for)."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @login_not_required
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt: str = "xml", **kwargs):
            with translation.override(settings.LANGUAGE_CODE):
                try:
                    if request.method not in allowed:
                        raise bad(f"此地址不接受 {request.method[:10]} 请求。")
                    return view(request, fmt, *args, **kwargs)
                except ApiError as error:
                    response = render_errors(fmt, error.status, [error.description])
                    for name, value in error.headers.items():
                        response[name] = value
                    return response

        return wrapper

    return decorator


def _arguments(request) -> Arguments:
    """The query string (and for a POST the form body), refusing an oversized or broken body."""
    try:
        if request.method == "POST":
            return Arguments(request.POST, request.GET)
        return Arguments(request.GET)
    except (SuspiciousOperation, MultiPartParserError):
        # RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, a malformed multipart body
        raise bad("请求过大或格式有误。") from None


def _key(args: Arguments, *, required: bool) -> ApiKey | None:
    raw = args.get("api_key")
    if not raw:
        if required:
            raise ApiError(403, "缺少 api_key。")
        return None
    key = actions.find_key(raw)
    if key is None:
        raise ApiError(403, "api_key 无效、已过期或已停用。")
    return key


def _area(args: Arguments, key: ApiKey | None, *, required: bool = True):
    """The jurisdiction: the one named (it must be the key's, if a key came), else the key's,
    else the only area that takes reports. Not ``required`` (a single request or token, whose
    id names its area): None when it cannot be told."""
    raw = args.get("jurisdiction_id")
    if raw:
        area = queries.find_jurisdiction(raw)
        if area is None or (key is not None and key.area_id != area.pk):
            raise ApiError(404, "未知的 jurisdiction_id。")
        return area
    if key is not None:
        return key.area
    if not required:
        return None
    areas = queries.jurisdictions()
    if len(areas) == 1:
        return areas[0]
    raise bad("请提供 jurisdiction_id（见 discovery 中的 jurisdictions）。")


def _base_url(request) -> str:
    return request.build_absolute_uri(reverse("open311:base")).rstrip("/")


# --- discovery and services ---------------------------------------------------------------------
@api("GET")
def discovery(request, fmt):
    formats = ["text/xml", "application/json"]
    areas = queries.jurisdictions()
    return render_api(
        fmt,
        {
            "changeset": CHANGESET,
            "contact": (
                "API 密钥向所在县（市）创城办申请。jurisdiction_id 为县（市）的行政区划代码，"
                "未设代码的用其编号，见 jurisdictions。"
            ),
            "key_service": request.build_absolute_uri(reverse("open311:keys")),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": _base_url(request),
                    "changeset": CHANGESET,
                    "type": "test" if settings.DEBUG else "production",
                    "formats": formats,
                }
            ],
            "jurisdictions": [{"jurisdiction_id": queries.jurisdiction_id(a), "name": a.name} for a in areas],
        },
        root="discovery",
    )


@api("GET")
def service_list(request, fmt):
    args = _arguments(request)
    area = _area(args, _key(args, required=False))
    rows = [queries.service_row(c) for c in queries.services(area)]
    return render_api(fmt, rows, root="services", item="service")


@api("GET")
def service_definition(request, fmt, code):
    args = _arguments(request)
    area = _area(args, _key(args, required=False))
    category = queries.find_service(area, code)
    if category is None:
        raise ApiError(404, "未知的 service_code。")
    return render_api(fmt, queries.service_definition(category), root="service_definition")


# --- service requests -----------------------------------------------------------------------------
@api("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    args = _arguments(request)
    area = _area(args, _key(args, required=False))
    found = queries.find_requests(area, _request_filter(args), limit=MAX_REQUESTS)
    return _request_list(request, fmt, found)


@api("GET")
def request_detail(request, fmt, code):
    args = _arguments(request)
    area = _area(args, _key(args, required=False), required=False)
    found = queries.find_request(code, area)
    if found is None:
        raise ApiError(404, "未知的 service_request_id。")
    return _request_list(request, fmt, [found])


@api("GET")
def token(request, fmt, token):
    """A request is created at once, so its token is its id: known tokens answer at once."""
    args = _arguments(request)
    area = _area(args, _key(args, required=False), required=False)
    found = queries.find_request(token, area)
    if found is None:
        raise ApiError(404, "未知的 token。")
    code = found[0].code
    rows = [{"service_request_id": code, "token": code}]
    return render_api(fmt, rows, root="service_requests", item="request")


def _request_list(request, fmt, found):
    photos = queries.first_photos(pk for report, problem in found for pk in (problem.pk, report.problem_id))
    rows = []
    for report, problem in found:
        photo = photos.get(problem.pk) or photos.get(report.problem_id)
        url = request.build_absolute_uri(reverse("open311:media", args=[photo.pk])) if photo else ""
        rows.append(queries.request_row(report, problem, url))
    return render_api(fmt, rows, root="service_requests", item="request")


def _request_filter(args: Arguments) -> queries.RequestFilter:
    statuses = {s.lower() for s in args.comma_list("status")}
    if not statuses <= STATUSES:
        raise bad("status 只能是 open 或 closed（可用逗号分隔）。")
    start = parse_w3c(args.get("start_date"), "start_date") if args.get("start_date") else None
    end = parse_w3c(args.get("end_date"), "end_date", end_of_day=True) if args.get("end_date") else None
    wanted = queries.RequestFilter(
        ids=args.comma_list("service_request_id"),
        service_codes=args.comma_list("service_code"),
        statuses=statuses,
    )
    if wanted.ids:
        return wanted  # the ids override every other argument
    try:
        if start is None and end is None:
            end = timezone.now()
            start = end - MAX_SPAN
        elif start is None:
            start = end - MAX_SPAN
        elif end is None:
            end = start + MAX_SPAN
    except OverflowError:
        raise bad("start_date 或 end_date 超出范围。") from None
    if start > end:
        raise bad("start_date 晚于 end_date。")
    # 90 days, a date-only end_date counting to the end of its day
    if end - start > MAX_SPAN + timedelta(days=1):
        raise bad("start_date 与 end_date 相隔不能超过 90 天。")
    wanted.start, wanted.end = start, end
    return wanted


def _create(request, fmt):
    args = _arguments(request)
    key = _key(args, required=True)
    area = _area(args, key)
    service_code = args.get("service_code")
    if not service_code:
        raise bad("缺少 service_code。")
    category = queries.find_service(area, service_code)
    if category is None:
        raise ApiError(404, "未知的 service_code。")
    lat, lng = _place(args)
    address = args.get("address_string")
    if lat is None and not address:
        if args.get("address_id"):
            raise bad("不支持 address_id，请提供 lat 和 long，或 address_string。")
        raise bad("请提供位置：lat 和 long，或 address_string。")
    description = args.get("description")
    if len(description) > MAX_DESCRIPTION:
        raise bad(f"description 最多 {MAX_DESCRIPTION} 个字符。")
    device_id = args.get("device_id")
    if len(device_id) > 200:
        raise bad("device_id 过长。")
    phone = _phone(args.get("phone"))
    media = request.FILES.getlist("media") + request.FILES.getlist("media[]")
    if len(media) > settings.CITIZEN_MAX_PHOTOS:
        raise bad(f"media：最多 {settings.CITIZEN_MAX_PHOTOS} 张照片。")
    device = device_hash(device_id)
    client_key = _client_key(request, key, args, device_id, media)
    # a retry of a report already made is answered even past the rate limit
    if not Report.objects.filter(client_key=client_key).exists():
        wait = throttle.hit("open311", [throttle.client_ip(request), device])
        if wait:
            raise ApiError(429, f"提交过于频繁，请 {wait} 秒后再试。", headers={"Retry-After": str(wait)})
    data = ReportData(
        area=area,
        client_key=client_key,
        category=category,
        description=description,
        latitude=lat,
        longitude=lng,
        address=address,
        phone=phone,
        anonymous=not phone,
        photos=media,
        channel=Channel.OPEN311,
        device=device,
    )
    try:
        submitted = submit(data, request=request)
    except ReportError as error:
        argument = ARGUMENT_OF_FIELD.get(error.field, error.field)
        raise ApiError(
            error.http_status, f"{argument}：{error.message}" if argument else error.message
        ) from None
    rows = [{"service_request_id": submitted.report.code, "service_notice": "", "account_id": None}]
    return render_api(
        fmt, rows, root="service_requests", item="request", status=200 if submitted.replayed else 201
    )


def _place(args: Arguments):
    raw_lat, raw_lng = args.get("lat"), args.get("long")
    if not raw_lat and not raw_lng:
        return None, None
    if not raw_lat or not raw_lng:
        raise bad("lat 和 long 须同时提供。")
    return parse_coordinate(raw_lat, "lat", -90, 90), parse_coordinate(raw_lng, "long", -180, 180)


def _phone(raw: str) -> str:
    """Digits of a mobile number; a +86/0086 country prefix is dropped (the number is checked
    by the report's own rules)."""
    phone = raw.replace(" ", "").replace("-", "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    return phone


def _client_key(request, key: ApiKey, args: Arguments, device_id: str, media) -> str:
    """The report's submission key (security.md 18), namespaced by the API key: the client's
    ``Idempotency-Key`` header, else a hash of the device and the whole payload, so the same
    POST sent again gets the same service_request_id."""
    header = request.headers.get("Idempotency-Key", "").strip()
    if len(header) > 255 or not header.isprintable():
        raise bad("Idempotency-Key 过长或含有无效字符。")
    if header:
        return hashlib.sha256(f"open311|{key.pk}|key|{header}".encode()).hexdigest()
    payload = hashlib.sha256()
    for name, value in sorted(args.items()):
        if name not in ("api_key", "jurisdiction_id"):
            payload.update(f"{name}\x00{value}\x00".encode())
    for upload in media:
        payload.update(f"{upload.name}\x00{upload.size}\x00".encode())
        for chunk in upload.chunks():
            payload.update(chunk)
        upload.seek(0)
    return hashlib.sha256(f"open311|{key.pk}|auto|{device_id}|{payload.hexdigest()}".encode()).hexdigest()


# --- photos and everything else --------------------------------------------------------------------
@login_not_required
@require_http_methods(["GET", "HEAD"])
def media(request, pk):
    """A photo a resident sent with a report — and nothing else (404 for every other photo id)."""
    photo = queries.public_photo(pk)
    if photo is None:
        raise Http404
    return stream_image(photo.image)


@login_not_required
@csrf_exempt
def unknown_endpoint(request):
    """Any other address under v2/: the spec's 400, in the format its suffix asks for."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    return render_errors(fmt, 400, ["无效的地址：请参照 discovery。"])


# --- the office's keys ------------------------------------------------------------------------------
def _office_area(request):
    area = actions.office_area(request.user)
    if area is None:
        raise PermissionDenied
    return area


@require_http_methods(["GET", "POST"])
def keys(request):
    """The area's API keys; the office issues one here (shown once) and revokes it."""
    area = _office_area(request)
    form = IssueKeyForm(request.POST if request.method == "POST" else None)
    issued, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            day = form.cleaned_data["valid_until"]
            expires_at = None
            if day is not None:
                expires_at = timezone.make_aware(
                    datetime.combine(day + timedelta(days=1), datetime.min.time())
                )
            try:
                issued = actions.issue_key(
                    request.user, area, form.cleaned_data["name"], expires_at, request=request
                )
            except actions.KeyRefused as error:
                form.add_error(None, error.message)
                status = 400
            else:
                form = IssueKeyForm()
        else:
            status = 400
    response = render(
        request,
        "open311/keys.html",
        {
            "area": area,
            "keys": ApiKey.objects.filter(area=area).select_related("created_by", "revoked_by"),
            "form": form,
            "issued": issued,
            "now": timezone.now(),
            "base_url": _base_url(request),
            "jurisdiction_id": queries.jurisdiction_id(area),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"  # the page may show a new key once
    return response


@require_POST
def revoke_key(request, pk):
    try:
        key = actions.revoke_key(request.user, pk, request=request)
    except actions.KeyRefused as error:
        if error.status == 404:
            raise Http404 from None
        raise PermissionDenied from None
    messages.success(
        request, _("The key “{name}” is revoked: requests that carry it are refused.").format(name=key.name)
    )
    return redirect("open311:keys")
