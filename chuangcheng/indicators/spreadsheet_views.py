"""Spreadsheet pages: upload → preview → confirm, the blank template, and a system's export.

Only the campaign office imports, into its own campaign area. The uploaded file waits between
the preview and the confirmation in the default storage under ``imports/<token>.xlsx``, with a
small JSON record of who uploaded it; the token is random and bound to that person, so another
user's token answers 404. Confirming reads and checks the file again (the area may have changed
in between) and imports it in one transaction.
"""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chuangcheng.core import audit, pending_uploads
from chuangcheng.core.choices import AuditAction
from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.indicators import spreadsheet
from chuangcheng.indicators.choices import SystemStatus
from chuangcheng.indicators.models import AssessmentSystem

UPLOAD_KIND = "standards"
PREVIEW_ROWS = 30
PREVIEW_WARNINGS = 200


def office_area(user):
    """The campaign area an office person imports into (``User.office_area``)."""
    return user.office_area() if user.is_authenticated and user.is_office else None


def _require_office_area(request):
    area = office_area(request.user)
    if area is None:
        raise PermissionDenied
    return area


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        help_text=gettext_lazy("An .xlsx file in the format of the template, at most 20 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheet.MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is too large: at most {mb} MB is allowed.").format(
                    mb=spreadsheet.MAX_UPLOAD_BYTES // (1024 * 1024)
                ),
                code="too_large",
            )
        try:  # judged by content, not by name
            spreadsheet.open_workbook(upload).close()
        except spreadsheet.WorkbookInvalid as exc:
            raise ValidationError([p.message for p in exc.problems], code="not_xlsx") from None
        return upload


def _prepare(pending, area):
    with pending.open() as handle:
        return spreadsheet.prepare_import(handle, area)


# --- pages ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_start(request):
    """Upload a workbook; a bad one is answered with every problem, a good one goes to preview."""
    area = _require_office_area(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "area": area}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "indicators/import.html", context, status=400)
        upload = form.cleaned_data["file"]
        plan = spreadsheet.prepare_import(upload, area)
        if not plan.is_valid:
            context.update({"problems": plan.problems, "file_name": upload.name})
            return render(request, "indicators/import.html", context, status=400)
        upload.seek(0)
        token = pending_uploads.keep(
            upload.read(), user=request.user, kind=UPLOAD_KIND, area_id=area.pk, name=upload.name
        )
        return redirect("indicators:import_confirm", token=token)
    return render(request, "indicators/import.html", context)


@require_http_methods(["GET", "POST"])
def import_confirm(request, token):
    """GET: preview the stored upload. POST: check it again and import it."""
    area = _require_office_area(request)
    pending = pending_uploads.fetch(token, user=request.user, kind=UPLOAD_KIND)
    if pending.area_id != area.pk:
        raise Http404
    plan = _prepare(pending, area)
    context = {"area": area, "token": token, "file_name": pending.name}
    if not plan.is_valid:
        context.update({"form": UploadForm(), "problems": plan.problems})
        return render(request, "indicators/import.html", context, status=400)
    if request.method == "POST":
        try:
            system = spreadsheet.import_system(
                plan, activate=request.POST.get("activate") == "1", user=request.user, request=request
            )
        except spreadsheet.WorkbookInvalid as exc:
            context.update({"form": UploadForm(), "problems": exc.problems})
            return render(request, "indicators/import.html", context, status=400)
        pending_uploads.discard(token)
        messages.success(
            request,
            _("Imported {name}: {n} indicators.").format(name=system.name, n=len(plan.parsed.indicators)),
        )
        return redirect(reverse("indicators:system", args=[system.pk]))
    context.update(_preview_context(plan))
    return render(request, "indicators/import_preview.html", context)


def _preview_context(plan):
    parsed = plan.parsed
    titles = spreadsheet.choice_set("title")
    levels = spreadsheet.choice_set("city_level")
    methods = spreadsheet.choice_set("method")
    new_point_types, updated_point_types = plan.point_type_counts()
    new_items, updated_items = plan.check_item_counts()
    system = parsed.system
    return {
        "system": system,
        "title_label": titles.label(system.title),
        "level_label": levels.label(system.city_level),
        "level_counts": plan.level_counts(),
        "indicator_count": len(parsed.indicators),
        "first_rows": [
            {"row": row, "method": methods.label(row.method) if row.method else ""}
            for row in parsed.indicators[:PREVIEW_ROWS]
        ],
        "more_rows": max(len(parsed.indicators) - PREVIEW_ROWS, 0),
        "new_point_types": new_point_types,
        "updated_point_types": updated_point_types,
        "new_items": new_items,
        "updated_items": updated_items,
        "warnings": plan.warnings[:PREVIEW_WARNINGS],
        "more_warnings": max(len(plan.warnings) - PREVIEW_WARNINGS, 0),
        "will_replace": AssessmentSystem.objects.filter(
            area=plan.area, title=system.title, city_level=system.city_level, status=SystemStatus.ACTIVE
        ).first(),
    }


def _xlsx_response(content: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=spreadsheet.XLSX_CONTENT_TYPE)
    # an ASCII name for old clients, the real one in RFC 5987 form for the others
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def import_template(request):
    """The blank workbook, with the 说明 sheet and dropdowns."""
    _require_office_area(request)
    content = spreadsheet.workbook_bytes(spreadsheet.blank_template())
    return _xlsx_response(content, "测评体系导入模板.xlsx", "assessment-system-template.xlsx")


@require_GET
def export(request, pk):
    """A system as a workbook in the import format. Anyone who may see the system may export it:
    it holds what the system page shows."""
    system = get_visible_or_404(
        AssessmentSystem.objects.select_related("area"), request.user, request=request, pk=pk
    )
    content = spreadsheet.workbook_bytes(spreadsheet.export_workbook(system))
    audit.record(AuditAction.EXPORT, request=request, user=request.user, obj=system, format="xlsx")
    return _xlsx_response(content, spreadsheet.export_filename(system), f"assessment-system-{system.pk}.xlsx")
