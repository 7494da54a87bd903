"""Downloads of the monthly evaluation: the circular (.docx) and the rankings and the
reward/penalty ledger (.xlsx). Thin, as ``problems.ledger_views``: fetch through
``Evaluation.objects.visible_to``, build, write the export to the audit log, answer with the
file under a Chinese name.

Who gets what:
* Everything comes from PUBLISHED evaluations. A draft is visible only to its office, which is
  told (409) to publish first; to everyone else a draft does not exist (404).
* The circular: the area's campaign office (and a city office above it) and the leaders of the
  area (领导小组, who sign it). Others who see the published month — units, point leaders,
  oversight — are refused (403): the unsigned circular is the office's working draft, the
  units receive the signed one.
* The rankings and the ledger: whoever sees the published month (the league table is read by
  everyone in the area, as on the scoring pages).
* Another area's evaluation, or an area that is not the user's, is 404, as an unknown id.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.documents import circular as circular_document
from chuangcheng.documents import workbooks
from chuangcheng.org.choices import Role
from chuangcheng.org.models import OrgUnit
from chuangcheng.problems.ledger import XLSX_CONTENT_TYPE
from chuangcheng.scoring.actions import can_manage
from chuangcheng.scoring.models import Evaluation, Sanction


def may_issue_circular(user, area: OrgUnit) -> bool:
    """The office that runs ``area`` (or a city office above it) and the leaders of the area
    (or of the city above it)."""
    if user.is_superuser or can_manage(user, area):
        return True
    return any(area.path.startswith(unit.area().path) for unit in user.units_with_role(Role.LEADER))


def _refused(request, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "status": status,
            "title": title,
            "message": message,
            "request_id": getattr(request, "request_id", ""),
        },
        status=status,
    )


def _not_published(request) -> HttpResponse:
    return _refused(
        request,
        409,
        _("This month is not published yet"),
        _("Documents are made from published evaluations only; publish this month first."),
    )


def _attachment(content: bytes, content_type: str, ascii_name: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # an ASCII name for old clients, the translated one in RFC 5987 form for the others
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _evaluation(request, pk) -> Evaluation:
    return get_visible_or_404(
        Evaluation.objects.select_related("area", "settings_version", "corrects", "published_by"),
        request.user,
        request=request,
        pk=pk,
    )


@require_GET
def circular(request, pk):
    """通报: the month's circular as a Word document; ``?number=`` the issuing number (发文字号)."""
    evaluation = _evaluation(request, pk)
    if not may_issue_circular(request.user, evaluation.area):
        raise PermissionDenied
    if not evaluation.is_published:
        return _not_published(request)
    number = request.GET.get("number", "").strip()
    if len(number) > circular_document.MAX_NUMBER_LENGTH:
        return _refused(
            request,
            400,
            _("Issuing number too long"),
            _("An issuing number has at most {n} characters.").format(n=circular_document.MAX_NUMBER_LENGTH),
        )
    content = circular_document.build_circular(evaluation, number=number)
    audit.record(
        AuditAction.EXPORT, request=request, user=request.user, obj=evaluation, format="docx", number=number
    )
    return _attachment(
        content,
        circular_document.DOCX_CONTENT_TYPE,
        f"circular-{evaluation.month:%Y%m}-{evaluation.pk}.docx",
        circular_document.circular_filename(evaluation),
    )


@require_GET
def rankings(request, pk):
    """The month's rankings: every peer group with every part, and the failing points."""
    evaluation = _evaluation(request, pk)
    if not evaluation.is_published:
        return _not_published(request)
    content = workbooks.build_rankings(evaluation)
    audit.record(AuditAction.EXPORT, request=request, user=request.user, obj=evaluation, format="xlsx")
    version = f"-v{evaluation.number}" if evaluation.number > 1 else ""
    name = _("rankings-{area}-{month}.xlsx").format(
        area=evaluation.area.name, month=f"{evaluation.month:%Y%m}{version}"
    )
    ascii_name = f"rankings-{evaluation.month:%Y%m}-{evaluation.pk}.xlsx"
    return _attachment(content, XLSX_CONTENT_TYPE, ascii_name, name)


def _month(value: str) -> datetime.date | None:
    """``YYYY-MM`` → its first day; None when it is no such month."""
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None


@require_GET
def sanctions(request):
    """奖惩台账: every entry of the published evaluations the user sees, with its chain;
    ``?area=`` (an area's id) and ``?month=YYYY-MM`` narrow it."""
    evaluations = Evaluation.objects.visible_to(request.user).published()
    entries = Sanction.objects.filter(evaluation__in=evaluations)
    area_id = request.GET.get("area", "").strip()
    if area_id:
        if not area_id.isdigit() or not evaluations.filter(area_id=int(area_id)).exists():
            raise Http404
        entries = entries.filter(area_id=int(area_id))
    month_text = request.GET.get("month", "").strip()
    if month_text:
        month = _month(month_text)
        if month is None:
            return _refused(
                request, 400, _("Invalid month"), _("Give the month as YYYY-MM, for example 2026-11.")
            )
        entries = entries.filter(month=month)
    content, count = workbooks.build_sanctions(entries)
    audit.record(
        AuditAction.EXPORT,
        request=request,
        user=request.user,
        format="xlsx",
        rows=count,
        query=request.GET.urlencode()[:500],
    )
    day = timezone.localdate().strftime("%Y%m%d")
    name = _("rewards-and-penalties-{date}.xlsx").format(date=day)
    return _attachment(content, XLSX_CONTENT_TYPE, f"rewards-and-penalties-{day}.xlsx", name)
