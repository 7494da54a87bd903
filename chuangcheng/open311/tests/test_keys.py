"""The office's key page: only the campaign office of the area issues and revokes keys; a key
is shown once and stored hashed; every issue and revocation is audited; a revoked key is
refused at once."""

import datetime
import hashlib
import re

import pytest
from django.utils import timezone

from chuangcheng.core.models import AuditLog
from chuangcheng.open311.models import ApiKey
from chuangcheng.open311.tests.conftest import create, parse

pytestmark = pytest.mark.django_db
KEY = re.compile(r"cc311_[A-Za-z0-9_-]{43}")


def test_the_office_issues_a_key_shown_once_and_stored_hashed(login, o311):
    client = login(o311.people.office)
    response = client.post("/open311/keys/", {"name": "12345 热线", "valid_until": ""})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    [raw] = KEY.findall(response.content.decode())
    key = ApiKey.objects.get(name="12345 热线")
    assert (key.area, key.created_by, key.expires_at, key.revoked_at) == (
        o311.units.county,
        o311.people.office,
        None,
        None,
    )
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:12]
    stored = str(list(ApiKey.objects.values())) + str(list(AuditLog.objects.values()))
    assert raw not in stored
    # shown once: the page lists it by its prefix only from now on
    page = client.get("/open311/keys/").content.decode()
    assert raw not in page and f"{raw[:12]}…" in page
    entry = AuditLog.objects.filter(object_type="open311.apikey", object_id=str(key.pk)).get()
    assert (entry.action, entry.user, entry.result, entry.detail) == (
        "create",
        o311.people.office,
        "success",
        {"name": "12345 热线"},
    )
    # and it works
    assert create(client, o311, api_key=raw).status_code == 201


def test_a_key_valid_until_a_day_works_through_that_day(login, o311):
    client = login(o311.people.office)
    client.post("/open311/keys/", {"name": "试点", "valid_until": "2099-06-30"})
    key = ApiKey.objects.get(name="试点")
    assert timezone.localtime(key.expires_at) == timezone.make_aware(datetime.datetime(2099, 7, 1))
    assert key.valid_until == datetime.date(2099, 6, 30)
    assert "2099-06-30" in client.get("/open311/keys/").content.decode()


@pytest.mark.parametrize(
    ("data", "error"), [({"name": ""}, "name"), ({"name": "x", "valid_until": "2020-01-01"}, "valid_until")]
)
def test_a_bad_form_is_400_and_issues_nothing(login, o311, data, error):
    before = ApiKey.objects.count()
    response = login(o311.people.office).post("/open311/keys/", data)
    assert response.status_code == 400
    assert error in response.context["form"].errors
    assert ApiKey.objects.count() == before
    assert not KEY.search(response.content.decode())


@pytest.mark.parametrize("persona", ["township", "department", "inspector", "leader", "oversight", "nobody"])
def test_only_the_office_may_see_issue_or_revoke_keys(login, o311, persona):
    client = login(getattr(o311.people, persona))
    assert client.get("/open311/keys/").status_code == 403
    assert client.post("/open311/keys/", {"name": "偷偷的"}).status_code == 403
    assert client.post(f"/open311/keys/{o311.key.pk}/revoke/").status_code == 404
    assert list(ApiKey.objects.values_list("name", "revoked_at")) == [("县文明办小程序", None)]
    assert create(client, o311).status_code == 201  # the key still works


def test_another_countys_office_sees_only_its_own_keys_and_cannot_revoke_ours(login, o311):
    client = login(o311.people.outsider)
    page = client.get("/open311/keys/")
    assert page.status_code == 200
    assert page.context["area"] == o311.units.other_county
    assert list(page.context["keys"]) == []
    assert client.post(f"/open311/keys/{o311.key.pk}/revoke/").status_code == 404
    o311.key.refresh_from_db()
    assert o311.key.revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client, o311):
    response = client.get("/open311/keys/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/open311/keys/{o311.key.pk}/revoke/").status_code == 302
    o311.key.refresh_from_db()
    assert o311.key.revoked_at is None


def test_the_office_revokes_a_key_and_it_is_refused_at_once(login, o311):
    client = login(o311.people.office)
    assert create(client, o311, description="吊销前").status_code == 201
    assert client.get(f"/open311/keys/{o311.key.pk}/revoke/").status_code == 405
    response = client.post(f"/open311/keys/{o311.key.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/open311/keys/"
    o311.key.refresh_from_db()
    assert o311.key.revoked_by == o311.people.office and o311.key.revoked_at is not None
    entry = AuditLog.objects.get(object_type="open311.apikey", action="update")
    assert (entry.user, entry.detail) == (o311.people.office, {"revoked": True})
    refused = create(client, o311, description="吊销后")
    assert refused.status_code == 403
    assert parse(refused) == [{"code": 403, "description": "api_key 无效、已过期或已停用。"}]
    # revoking twice changes nothing
    at = o311.key.revoked_at
    client.post(f"/open311/keys/{o311.key.pk}/revoke/")
    o311.key.refresh_from_db()
    assert o311.key.revoked_at == at
    assert AuditLog.objects.filter(object_type="open311.apikey", action="update").count() == 1
