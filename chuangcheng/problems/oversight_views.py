"""监督 (oversight): placeholder until the oversight view lands."""

from django.http import HttpResponse


def oversight(request):
    return HttpResponse(status=501)
