"""The office's side of 全民参与: the question bank, quiz and survey rounds with their public
links and QR codes, the results by community and month, and the complaint analytics (群众最不满意
的十件事). Read by everyone in the area who signs in; changed by the campaign office."""

from __future__ import annotations

from datetime import date, timedelta

import segno
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chuangcheng.citizens import analytics, quizzes
from chuangcheng.citizens.actions import ReportError
from chuangcheng.citizens.choices import QuestionType, RoundKind
from chuangcheng.citizens.models import Question, Round
from chuangcheng.indicators.choices import SystemStatus
from chuangcheng.indicators.models import Indicator
from chuangcheng.org.choices import TERRITORIAL_KINDS
from chuangcheng.org.models import OrgUnit


def _area(request):
    """The user's campaign area: the office's, else the county of their own unit."""
    user = request.user
    area = user.office_area()
    if area is None and getattr(user, "unit", None) is not None:
        area = user.unit.area()
    if area is None:
        raise PermissionDenied
    return area


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RoundKind.choices)
    question_type = forms.ChoiceField(label=gettext_lazy("Answers"), choices=QuestionType.choices)
    text = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    choices = forms.CharField(
        label=gettext_lazy("Choices, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Quiz: start the right answer's line with *. Survey: “choice = score” (0–100); "
            "left empty, the five-step satisfaction scale."
        ),
    )
    explanation = forms.CharField(label=gettext_lazy("Explanation (quiz)"), required=False, max_length=300)
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indicator it informs"),
        required=False,
        queryset=Indicator.objects.none(),
        help_text=gettext_lazy("The survey or must-know indicator of the active assessment systems."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        field.queryset = (
            Indicator.objects.visible_to(user)
            .filter(system__status=SystemStatus.ACTIVE)
            .select_related("system")
            .order_by("system__title", "code")
        )
        field.label_from_instance = lambda i: f"{i.system.get_title_display()} {i.code} {i.name[:40]}"


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RoundKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100, required=False)
    community = forms.ModelChoiceField(label=gettext_lazy("Community"), queryset=OrgUnit.objects.none())
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=gettext_lazy("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    questions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Questions"), queryset=Question.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, area, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = OrgUnit.objects.filter(
            path__startswith=area.path, kind__in=TERRITORIAL_KINDS, is_active=True
        ).order_by("path")
        self.fields["questions"].queryset = Question.objects.filter(area=area, is_active=True).order_by(
            "kind", "sort_order", "pk"
        )


def _apply(form, exc: ReportError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET", "POST"])
def questions(request):
    area = _area(request)
    may = quizzes.can_manage(request.user, area)
    form = QuestionForm(request.user, request.POST or None)
    status = 200
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                quizzes.save_question(request.user, area, request=request, **form.cleaned_data)
            except ReportError as exc:
                _apply(form, exc)
            else:
                return redirect("citizens_office:questions")
    bank = (
        Question.objects.filter(area=area)
        .select_related("indicator")
        .prefetch_related("choices")
        .order_by("kind", "sort_order", "pk")
    )
    return render(
        request,
        "citizens/office_questions.html",
        {"area": area, "form": form, "questions": bank, "may": may, "tab": "questions"},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def rounds(request):
    area = _area(request)
    may = quizzes.can_manage(request.user, area)
    today = timezone.localdate()
    initial = {"opens_on": today, "closes_on": today + timedelta(days=14)}
    form = RoundForm(area, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                quizzes.create_round(request.user, area, request=request, **form.cleaned_data)
            except ReportError as exc:
                _apply(form, exc)
            else:
                return redirect("citizens_office:rounds")
    rows = (
        Round.objects.visible_to(request.user)
        .filter(area=area)
        .select_related("community")
        .prefetch_related("questions")
        .annotate(response_count=Count("responses"))
        .order_by("-opens_on", "community__path")
    )[:100]
    return render(
        request,
        "citizens/office_rounds.html",
        {"area": area, "form": form, "rounds": rows, "may": may, "today": today, "tab": "rounds"},
        status=status,
    )


@require_GET
def round_qr(request, pk):
    """A printable card: the round's public link as a QR code."""
    round_ = get_object_or_404(Round.objects.visible_to(request.user), pk=pk)
    url = request.build_absolute_uri(round_.public_path())
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2, omitsize=True, svgclass="qr")
    return render(request, "citizens/round_qr.html", {"round": round_, "url": url, "svg": svg})


@require_GET
def results(request):
    area = _area(request)
    since = date(timezone.localdate().year - 1, 1, 1)
    rows = quizzes.by_community(area, since=since)
    months = sorted({r.month for r in rows})[-4:]  # the last four months with answers
    table: dict[int, dict] = {}
    for r in rows:
        entry = table.setdefault(r.community.pk, {"community": r.community, "cells": {}})
        entry["cells"][r.month] = r
    pivot = [
        {"community": e["community"], "cells": [e["cells"].get(m) for m in months]}
        for e in sorted(table.values(), key=lambda e: e["community"].path)
    ]
    return render(
        request,
        "citizens/office_results.html",
        {
            "area": area,
            "months": months,
            "pivot": pivot,
            "missed": quizzes.most_missed(area, since=since),
            "totals": quizzes.totals(area),
            "tab": "results",
        },
    )


@require_GET
def complaints(request):
    area = _area(request)
    months = analytics.parse_months(request.GET.get("months"))
    township = None
    raw = request.GET.get("township", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 19:
        township = OrgUnit.objects.filter(pk=int(raw), path__startswith=area.path).first()
    report = analytics.complaints(area, months=months, township=township)
    townships = OrgUnit.objects.filter(path__startswith=area.path, kind__in=["township", "street"]).order_by(
        "path"
    )
    return render(
        request,
        "citizens/office_complaints.html",
        {"area": area, "report": report, "townships": townships, "township": township, "months": months,
         "tab": "complaints"},
    )  # fmt: skip
