"""Pages of 比拼亮分 (league tables, a unit's year, the annual roll-up) and of the 曝光台 (the public
exposure board, its photos, and the office's choice). Thin: they read through ``league`` and
``exposure`` — published evaluations only — and call ``exposure``'s actions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core.uploads import stream_image
from chuangcheng.org.models import OrgUnit
from chuangcheng.scoring import exposure, league
from chuangcheng.scoring.actions import ScoringError, can_manage
from chuangcheng.scoring.forms import MonthField
from chuangcheng.scoring.models import Evaluation


class LeagueForm(forms.Form):
    """Which area and month (both optional: the user's area, its latest published month)."""

    area = forms.IntegerField(label=gettext_lazy("Area"), required=False, min_value=1)
    month = MonthField(label=gettext_lazy("Month"), required=False)


class ChooseForm(forms.Form):
    problem = forms.IntegerField(label=gettext_lazy("Problem"), min_value=1)
    month = MonthField(label=gettext_lazy("Month"))
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[("add", "add"), ("remove", "remove")],
        initial="add",
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note for the public"), max_length=300, required=False)


def _visible(user):
    return league.published_visible_to(user)


def _pick_area(request, form, evaluations) -> tuple[list[OrgUnit], OrgUnit | None]:
    """The areas the user may see published evaluations of, and the chosen one (404 for an area
    asked for by id that the user may not see: it answers like one that does not exist)."""
    areas = league.areas_with_published(evaluations)
    wanted = form.cleaned_data.get("area") if form.is_valid() else None
    if wanted:
        area = next((a for a in areas if a.pk == wanted), None)
        if area is None:
            raise Http404
        return areas, area
    return areas, league.default_area(areas, request.user)


@require_GET
def league_table(request):
    """比拼亮分: the league tables of a published month, with the change since the previous one."""
    form = LeagueForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "scoring/league.html", {"form": form, "areas": []}, status=400)
    evaluations = _visible(request.user)
    areas, area = _pick_area(request, form, evaluations)
    context = {"form": form, "areas": areas, "area": area}
    if area is None:
        return render(request, "scoring/league.html", context)
    months = league.published_months(area, evaluations)
    wanted = form.cleaned_data.get("month") if form.is_bound else None
    evaluation = league.published(area, wanted, evaluations) if wanted else None
    if wanted and evaluation is None:
        context["missing_month"] = wanted
    if evaluation is None:
        evaluation = league.published(area, None, evaluations)
    table = league.league(evaluation)
    context.update(
        {
            "months": months,
            "evaluation": evaluation,
            "league": table,
            "is_office": can_manage(request.user, area),
        }
    )
    return render(request, "scoring/league.html", context)


def _year(request, default: int) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return default
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


@require_GET
def league_unit(request, unit_id):
    """A unit's rank and composite month by month over a year, and its annual value."""
    evaluations = _visible(request.user)
    rows = league.unit_rows(unit_id, evaluations).select_related("evaluation__area", "unit")
    newest = rows.order_by("-evaluation__month").first()
    if newest is None:
        raise Http404
    unit, area = newest.unit, newest.evaluation.area
    years = sorted(
        {d.year for d in rows.filter(evaluation__area=area).values_list("evaluation__month", flat=True)},
        reverse=True,
    )
    year = _year(request, years[0])
    if year not in years:
        raise Http404
    weights, settings_version = league.year_weights(area, year, evaluations)
    history = league.unit_history(unit.pk, area, year, weights, evaluations)
    rollup = league.annual(area, year, evaluations, unit_id=unit.pk)
    chart = {
        "title": _("Composite value, {year}").format(year=year),
        "labels": [formats.date_format(m.month, "M") for m in history],
        "values": [
            float(m.result.composite) if m.result and m.result.composite is not None else None
            for m in history
        ],
    }
    return render(
        request,
        "scoring/league_unit.html",
        {
            "unit": unit,
            "area": area,
            "year": year,
            "years": years,
            "history": [m for m in history if m.result is not None],
            "chart": chart,
            "annual": rollup.row_for(unit.pk),
            "weights": list(zip(range(1, 13), weights, strict=True)),
            "settings_version": settings_version,
        },
    )


@require_GET
def league_annual(request, year):
    """年度目标绩效考核: every unit's weighted annual value, ranked within its peer group."""
    form = LeagueForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404
    evaluations = _visible(request.user)
    areas, area = _pick_area(request, form, evaluations)
    if area is None or not 2000 <= year <= 2100:
        raise Http404
    rollup = league.annual(area, year, evaluations)
    years = sorted({m.year for m in league.published_months(area, evaluations)}, reverse=True)
    return render(
        request,
        "scoring/league_annual.html",
        {
            "areas": areas,
            "area": area,
            "year": year,
            "years": years,
            "annual": rollup,
            "weights": list(zip(range(1, 13), rollup.weights, strict=True)),
        },
    )


# --- 曝光台 -----------------------------------------------------------------------------------------
@login_not_required
@require_GET
def exposure_board(request):
    """The public exposure board (no sign-in): one area's latest published month, or the list
    of counties that have one."""
    raw = request.GET.get("area", "")
    counties = exposure.board_areas()
    area = None
    if raw:
        if not raw.isdigit():
            raise Http404
        area = OrgUnit.objects.filter(pk=int(raw)).first()
        if area is None:
            raise Http404
    elif len(counties) == 1:
        area = counties[0][0]
    if area is None:
        return render(request, "scoring/exposure.html", {"counties": counties})
    board = exposure.board(area)
    if board is None:
        raise Http404
    return render(
        request,
        "scoring/exposure.html",
        {"counties": counties, "area": area, "board": board, "now": timezone.now()},
    )


@login_not_required
@require_GET
def exposure_photo(request, pk, variant):
    """A photo of an exposed problem — and of nothing else (404 for every other photo id)."""
    if variant not in ("display", "thumb"):
        raise Http404
    photo = exposure.public_photo(pk)
    if photo is None:
        raise Http404
    return stream_image(photo.thumbnail if variant == "thumb" else photo.image)


def _office_area(user):
    area = user.office_area() if user.is_authenticated else None
    if area is None or not can_manage(user, area):
        raise PermissionDenied
    return area


def _error(request, error: ScoringError):
    return render(
        request,
        "core/error.html",
        {"status": error.http_status, "title": _("Not done"), "message": error.message},
        status=error.http_status,
    )


@require_http_methods(["GET", "POST"])
def exposure_manage(request):
    """The office picks the open problems of the month's failing points to publish."""
    area = _office_area(request.user)
    form = LeagueForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_bound and form.is_valid() else None
    evaluation = exposure.managed_evaluation(request.user, area, month)
    if month is not None and evaluation is None:
        raise Http404
    if request.method == "POST":
        if evaluation is None:
            raise Http404
        chosen = {}
        for raw in request.POST.getlist("problem"):
            if raw.isdigit():
                chosen[int(raw)] = request.POST.get(f"note-{raw}", "")
        try:
            added, withdrawn = exposure.set_exposures(request.user, evaluation, chosen, request=request)
        except ScoringError as error:
            return _error(request, error)
        messages.success(
            request,
            _("Exposure board updated: {added} chosen or changed, {withdrawn} withdrawn.").format(
                added=added, withdrawn=withdrawn
            ),
        )
        return redirect(f"{reverse('scoring:exposure_manage')}?month={evaluation.month:%Y-%m}")
    months = sorted(set(Evaluation.objects.filter(area=area).values_list("month", flat=True)), reverse=True)
    rows = list(exposure.candidates(evaluation)) if evaluation is not None else []
    return render(
        request,
        "scoring/exposure_manage.html",
        {"area": area, "evaluation": evaluation, "rows": rows, "months": months},
    )


@require_POST
def exposure_choose(request):
    """Add or remove one problem on a month's board (a button on another page posts here)."""
    if not request.user.is_office:
        raise PermissionDenied
    form = ChooseForm(request.POST)
    if not form.is_valid():
        error = ScoringError(
            " ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())
        )
        return _error(request, error)
    data = form.cleaned_data
    try:
        if data["action"] == "remove":
            exposure.withdraw(request.user, data["problem"], data["month"], request=request)
            messages.success(request, _("The problem is off the exposure board."))
        else:
            exposure.choose(request.user, data["problem"], data["month"], data["note"], request=request)
            messages.success(request, _("The problem is on the exposure board."))
    except ScoringError as error:
        if error.code == "forbidden":
            raise PermissionDenied from error
        if error.code == "not_found":
            raise Http404 from error
        return _error(request, error)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(f"{reverse('scoring:exposure_manage')}?month={data['month']:%Y-%m}")
