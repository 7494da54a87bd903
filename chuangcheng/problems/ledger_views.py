"""The ledger (台账) pages: the filtered list as xlsx, and one problem's printable sheet.

Both are thin: the list goes through the same ``ProblemFilterSet`` as the problems page on top
of ``visible_to``; the sheet is fetched like the problem page and shows what it shows.
"""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.problems import ledger
from chuangcheng.problems.choices import Action, PhotoKind
from chuangcheng.problems.models import Problem
from chuangcheng.problems.views import _filtered, _photo_row, before_photos, event_actor, list_queryset


@require_GET
def ledger_xlsx(request):
    """问题台账: the problems the list shows for the same filters, every column, as xlsx."""
    filterset = _filtered(request)
    result = ledger.build_ledger(
        filterset.qs.order_by("-found_at", "-pk"), request.user, request.build_absolute_uri
    )
    audit.record(
        AuditAction.EXPORT,
        request=request,
        user=request.user,
        format="xlsx",
        rows=result.rows,
        query=request.GET.urlencode()[:500],
    )
    day = timezone.localdate().strftime("%Y%m%d")
    filename = _("problem-ledger-{date}.xlsx").format(date=day)
    response = HttpResponse(result.content, content_type=ledger.XLSX_CONTENT_TYPE)
    # an ASCII name for old clients, the translated one in RFC 5987 form for the others
    response["Content-Disposition"] = (
        f"attachment; filename=\"problem-ledger-{day}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def problem_sheet(request, pk):
    """问题单: one problem on an A4 page — the facts, its history, before and after photos."""
    user = request.user
    problem = get_visible_or_404(
        list_queryset().select_related("indicator", "instructed_by"), user, request=request, pk=pk
    )
    photos = list(problem.photos.order_by("uploaded_at", "pk"))
    problem._prefetched_objects_cache = {"photos": photos}
    events = list(problem.events.select_related("actor", "from_unit", "to_unit").order_by("at", "pk"))
    # the fix as last submitted (the one closed, or awaiting verification, or sent back)
    last_submit = next((e for e in reversed(events) if e.action == Action.SUBMIT), None)
    after = [
        _photo_row(p)
        for p in photos
        if p.kind == PhotoKind.AFTER and last_submit is not None and p.event_id == last_submit.pk
    ]
    photo_counts: dict[int, int] = {}
    for photo in photos:
        if photo.kind == PhotoKind.AFTER and photo.event_id:
            photo_counts[photo.event_id] = photo_counts.get(photo.event_id, 0) + 1
    rebound_code = ""
    if problem.rebound_of_id:
        rebound_code = (
            Problem.objects.visible_to(user)
            .filter(pk=problem.rebound_of_id)
            .values_list("code", flat=True)
            .first()
            or ""
        )
    return render(
        request,
        "problems/sheet.html",
        {
            "problem": problem,
            "before": before_photos(problem, user),
            "after": after,
            "last_submit": last_submit,
            "events": [
                {"event": e, "actor": event_actor(e, problem, user), "photos": photo_counts.get(e.pk, 0)}
                for e in events
            ],
            "days_taken": ledger.days_taken(problem),
            "rebound_code": rebound_code,
            "printed_at": timezone.now(),
        },
    )
