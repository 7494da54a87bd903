"""Deny by default: no route answers 2xx to an anonymous visitor unless it is on the allowlist
(security.md 1); the health check tells the truth about the database."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Routes that anonymous visitors may open. Every later public page (citizen report,
# exposure board, Open311…) must be added here on purpose.
PUBLIC = {
    "/accounts/login/",
    "/healthz",
    "/admin/login/",
    # 曝光台: the public exposure board (photos only of the problems the office chose)
    "/exposure/",
    "/scoring/exposure/",
    # 随手拍: the report form, the nearby open problems it offers, the tracking look-up
    # (also /report/point/<uuid>/, /report/track/<code>/ and quizzes at /q/<uuid>/, which need a
    # real id to answer)
    "/report/",
    "/report/nearby/",
    "/report/track/",
    # Open311 GeoReport v2
    "/open311/v2/discovery.json",
    "/open311/v2/discovery.xml",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str) -> str:
    route = re.sub(r"<int:\w+>|<path:\w+>|<str:\w+>|<slug:\w+>|<\w+>", "1", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
    return "/" + route.lstrip("/")


def all_routes():
    return sorted({_concrete(r) for r in _walk(get_resolver().url_patterns)})


@pytest.mark.parametrize("path", all_routes())
def test_no_route_answers_anonymous_visitors_unless_public(client, db, path):
    response = client.get(path)
    if path in PUBLIC:
        assert response.status_code == 200
    else:
        assert not 200 <= response.status_code < 300, f"{path} answered {response.status_code} anonymously"


def test_allowlist_is_not_stale():
    assert set(all_routes()) >= PUBLIC


def test_healthz_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(client, db, monkeypatch):
    from types import SimpleNamespace

    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("down")

    # only the health check's own connection handle fails; the test database stays usable
    monkeypatch.setattr("chuangcheng.core.views.connection", SimpleNamespace(cursor=broken))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_error_pages_carry_a_request_id_and_no_stack_trace(client, world):
    client.force_login(world.people.township)
    response = client.get("/org/units/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert response["X-Request-ID"] in html
    assert "Traceback" not in html


def test_pages_send_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp


def test_no_page_refers_to_an_external_host(client, world):
    client.force_login(world.people.office)
    for path in ("/accounts/login/", "/", "/org/", "/org/people/", "/accounts/profile/"):
        html = client.get(path).content.decode()
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path


def test_django_admin_is_for_superusers_only(client, world):
    from chuangcheng.org.models import User

    client.force_login(world.people.office)
    assert client.get("/admin/").status_code == 302  # to the admin's own login
    root = User.objects.create_superuser("root", password="Root@2026pass")
    client.force_login(root)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "站点管理" in response.content.decode()


def test_audit_entries_cannot_be_edited_or_deleted(world, client):
    from chuangcheng.core.models import AppendOnlyError, AuditLog

    client.post("/accounts/login/", {"username": "office", "password": world.password})
    entry = AuditLog.objects.get(action="login")
    entry.result = "failure"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditLog.objects.get(pk=entry.pk).result == "success"
