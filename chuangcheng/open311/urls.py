"""Open311 GeoReport v2 under /open311/v2/ (public, API-key authenticated POST) and the office's
key page under /open311/keys/ (signed in).

Each endpoint has a literal ``.json`` and ``.xml`` route (the format reaches the view as
``fmt``). Clients that append ``/services.xml`` to a base URL ending in a slash ask for
``/open311/v2//services.xml``: the same routes answer under any number of slashes. Anything
else under v2/ gets the spec's 400 error instead of an HTML page.
"""

from django.urls import include, path, re_path

from chuangcheng.open311 import views
from chuangcheng.open311.formats import FORMATS

app_name = "open311"


def _endpoints(named: bool):
    routes = []
    for fmt in FORMATS:
        fixed = {"fmt": fmt}
        endpoints = [
            (f"discovery.{fmt}", views.discovery, "discovery"),
            (f"services.{fmt}", views.service_list, "services"),
            (f"services/<str:code>.{fmt}", views.service_definition, "service"),
            (f"requests.{fmt}", views.requests, "requests"),
            (f"requests/<str:code>.{fmt}", views.request_detail, "request"),
            (f"tokens/<str:token>.{fmt}", views.token, "token"),
        ]
        for route, view, name in endpoints:
            routes.append(path(route, view, fixed, name=name if named else None))
    routes.append(path("media/<int:pk>", views.media, name="media" if named else None))
    return routes


urlpatterns = [
    path("keys/", views.keys, name="keys"),
    path("keys/<int:pk>/revoke/", views.revoke_key, name="key-revoke"),
    path("v2/", include(_endpoints(named=True))),
    re_path(r"^v2//+", include(_endpoints(named=False))),
    re_path(r"^v2/", views.unknown_endpoint, name="base"),
]
