"""Evaluation pages: thin — fetch through ``visible_to``, validate a form, call an action, render."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from chuangcheng.core.scoping import get_visible_or_404
from chuangcheng.scoring.models import Evaluation


@require_GET
def evaluations(request):
    rows = (
        Evaluation.objects.visible_to(request.user).select_related("area").order_by("-month", "-number")[:200]
    )
    return render(request, "scoring/evaluations.html", {"rows": rows})


@require_GET
def evaluation(request, pk):
    item = get_visible_or_404(Evaluation.objects.select_related("area"), request.user, request=request, pk=pk)
    return render(request, "scoring/evaluation.html", {"evaluation": item})
