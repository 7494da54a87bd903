"""Discovery, services and service definitions, as a client written against the spec reads
them; the jurisdiction; the formats; addresses the spec does not know."""

import pytest

from chuangcheng.open311.tests.conftest import BASE, parse, xml_rows
from chuangcheng.problems.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_discovery_lists_the_endpoint_its_formats_and_the_jurisdictions(client, o311):
    doc = parse(client.get(f"{BASE}/discovery.json"))
    assert doc["changeset"] == "2026-12-07T00:00:00Z"
    assert doc["key_service"] == "http://testserver/open311/keys/"
    assert doc["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2",
            "changeset": "2026-12-07T00:00:00Z",
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    county = o311.units.county
    assert doc["jurisdictions"] == [{"jurisdiction_id": str(county.pk), "name": "示范县"}]

    root = parse(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("jurisdictions/jurisdiction/name") == "示范县"


def test_discovery_answers_without_any_area(client, db):
    assert parse(client.get(f"{BASE}/discovery.json"))["jurisdictions"] == []
    assert client.get(f"{BASE}/discovery.xml").status_code == 200


def test_services_are_the_active_small_classes_of_the_county(client, o311):
    CategoryFactory(area=o311.units.county, parent=o311.prob.big, code="SR-09", name="停用", is_active=False)
    CategoryFactory(area=o311.units.other_county, code="X-01", name="外县大类")
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert parse(response) == [
        {
            "service_code": "SR-01",
            "service_name": "暴露垃圾",
            "description": "市容环境：暴露垃圾（须附现场照片）",
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "市容环境",
        },
        {
            "service_code": "SR-02",
            "service_name": "私搭乱建",
            "description": "市容环境：私搭乱建（须附现场照片）",
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "市容环境",
        },
    ]
    root = parse(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert xml_rows(root, "service")[0] == {
        "service_code": "SR-01",
        "service_name": "暴露垃圾",
        "description": "市容环境：暴露垃圾（须附现场照片）",
        "metadata": "false",
        "type": "realtime",
        "keywords": "",
        "group": "市容环境",
    }


def test_a_service_definition_has_no_attributes(client, o311):
    assert parse(client.get(f"{BASE}/services/SR-01.json")) == {"service_code": "SR-01", "attributes": []}
    root = parse(client.get(f"{BASE}/services/SR-01.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "SR-01"
    assert list(root.find("attributes")) == []


@pytest.mark.parametrize("code", ["SR-99", "SR", "X-01"])  # unknown, a big class, another county's
def test_an_unknown_service_code_is_404_in_the_spec_format(client, o311, code):
    CategoryFactory(area=o311.units.other_county, code="X-01", name="外县")
    response = client.get(f"{BASE}/services/{code}.json")
    assert response.status_code == 404
    assert parse(response) == [{"code": 404, "description": "未知的 service_code。"}]
    root = parse(client.get(f"{BASE}/services/{code}.xml"))
    assert root.tag == "errors"
    assert xml_rows(root, "error") == [{"code": "404", "description": "未知的 service_code。"}]


def test_jurisdiction_id_may_be_empty_or_name_the_county(client, o311):
    county = o311.units.county
    for query in (
        "",
        "?jurisdiction_id=",
        f"?jurisdiction_id={county.pk}",
        f"?jurisdiction_id=%20{county.pk}",
    ):
        assert len(parse(client.get(f"{BASE}/services.json{query}"))) == 2, query
    county.code = "330100"
    county.save()
    assert len(parse(client.get(f"{BASE}/services.json?jurisdiction_id=330100"))) == 2
    assert parse(client.get(f"{BASE}/discovery.json"))["jurisdictions"][0]["jurisdiction_id"] == "330100"


@pytest.mark.parametrize("jurisdiction", ["999999", "东岭县", "abc", "1" * 40])
def test_an_unknown_jurisdiction_is_404(client, o311, jurisdiction):
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": jurisdiction})
    assert response.status_code == 404
    assert parse(response) == [{"code": 404, "description": "未知的 jurisdiction_id。"}]


def test_with_two_counties_taking_reports_the_jurisdiction_must_be_named(client, o311):
    other = o311.units.other_county
    big = CategoryFactory(area=other, code="DL", name="东岭大类")
    CategoryFactory(area=other, parent=big, code="DL-01", name="乱堆乱放")
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 400
    assert parse(response)[0]["code"] == 400
    rows = parse(client.get(f"{BASE}/services.json", {"jurisdiction_id": str(other.pk)}))
    assert [r["service_code"] for r in rows] == ["DL-01"]
    # a key names its county: no jurisdiction needed
    rows = parse(client.get(f"{BASE}/services.json", {"api_key": o311.raw_key}))
    assert [r["service_code"] for r in rows] == ["SR-01", "SR-02"]


def test_a_wrong_api_key_on_a_read_is_403(client, o311):
    response = client.get(f"{BASE}/services.json", {"api_key": "cc311_not-a-key"})
    assert response.status_code == 403
    assert parse(response) == [{"code": 403, "description": "api_key 无效、已过期或已停用。"}]


def test_a_doubled_slash_reaches_the_same_endpoints(client, o311):
    assert len(parse(client.get("/open311/v2//services.json"))) == 2
    assert parse(client.get("/open311/v2//services/SR-01.xml")).tag == "service_definition"
    assert client.get("/open311/v2///discovery.xml").status_code == 200


@pytest.mark.parametrize(
    "path", ["/open311/v2/services.html", "/open311/v2/nothing.json", "/open311/v2/", "/open311/v2//x.xml"]
)
def test_other_addresses_get_the_spec_400(client, o311, path):
    response = client.get(path)
    assert response.status_code == 400
    if path.endswith(".json"):
        assert parse(response) == [{"code": 400, "description": "无效的地址：请参照 discovery。"}]
    else:
        assert parse(response).findtext("error/code") == "400"


def test_a_read_only_endpoint_refuses_a_post_with_400(client, o311):
    response = client.post(f"{BASE}/services.json", {"api_key": o311.raw_key})
    assert response.status_code == 400
    assert parse(response)[0]["code"] == 400


def test_a_browser_language_cookie_does_not_change_the_api_language(client, o311, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert parse(client.get(f"{BASE}/services/SR-99.json"))[0]["description"] == "未知的 service_code。"


def test_services_read_in_a_fixed_number_of_queries(client, o311, django_assert_num_queries):
    for n in range(5):
        CategoryFactory(area=o311.units.county, parent=o311.prob.big, code=f"SR-1{n}", name=f"类{n}")
    with django_assert_num_queries(2):  # the areas that take reports, their services
        assert len(parse(client.get(f"{BASE}/services.json"))) == 7
