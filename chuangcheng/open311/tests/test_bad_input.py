"""Never a 500 for bad input: odd values in every argument of every endpoint, odd paths and
broken bodies all get the spec's 4xx error (on PostgreSQL too, which refuses NUL bytes)."""

import pytest

from chuangcheng.open311.tests.conftest import BASE, create, parse

pytestmark = pytest.mark.django_db

ODD = ["\x00", "NaN", "-inf", "1e309", "9" * 400, "é" * 3000, "<x>&amp;", "0x10", "١٢", ",,,"]
READS = [
    "services.json",
    "services/SR-01.xml",
    "requests.json",
    "requests/ABCDEFGH.xml",
    "tokens/ABCDEFGH.json",
]
ARGUMENTS = [
    "jurisdiction_id",
    "api_key",
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
]


@pytest.mark.parametrize("path", READS)
def test_odd_arguments_on_reads_are_answered_in_the_spec_format(client, o311, path):
    for name in ARGUMENTS:
        for value in ODD:
            response = client.get(f"{BASE}/{path}", {name: value})
            assert response.status_code in (200, 400, 403, 404), (name, value)
            parse(response)


@pytest.mark.parametrize(
    "name",
    ["lat", "long", "description", "address_string", "phone", "device_id", "service_code", "jurisdiction_id"],
)
def test_odd_arguments_on_a_post_never_fail_the_server(client, o311, settings, name):
    settings.CITIZEN_RATE_LIMITS = [(3600, 1000)]
    for value in ODD:
        fields = {"description": f"{name} {value[:5]}", name: value}
        response = create(client, o311, **fields)
        assert response.status_code in (200, 201, 400, 403, 404), (name, value)
        parse(response)


@pytest.mark.parametrize(
    "path", ["services/%00.json", "services/" + "x" * 300 + ".json", "requests/%00.json", "tokens/%00.json"]
)
def test_odd_ids_in_the_path_are_404(client, o311, path):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404
    assert parse(response)[0]["code"] == 404


@pytest.mark.parametrize("path", ["media/99999999999999999999999999", "media/0"])
def test_odd_photo_ids_are_404(client, o311, path):
    assert client.get(f"{BASE}/{path}").status_code == 404


def test_a_broken_multipart_body_is_400(client, o311):
    response = client.post(f"{BASE}/requests.json", b"garbage", content_type="multipart/form-data")
    assert response.status_code == 400
    assert parse(response) == [{"code": 400, "description": "请求过大或格式有误。"}]


def test_too_many_arguments_is_400(client, o311):
    response = client.get(f"{BASE}/requests.xml?" + "&".join(f"a{i}=1" for i in range(1200)))
    assert response.status_code == 400
    assert parse(response).findtext("error/code") == "400"
