"""台账 (ledger): placeholder until the ledger export lands."""

from django.http import HttpResponse


def export_ledger(request):
    return HttpResponse(status=501)


def problem_sheet(request, pk):
    return HttpResponse(status=501)
