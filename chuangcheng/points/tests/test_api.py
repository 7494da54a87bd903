"""The points API: scoped reads, office-only writes, GCJ-02 input, area not writable, in the schema."""

from decimal import Decimal

import pytest

from chuangcheng.core.choices import AuditAction
from chuangcheng.core.models import AuditLog
from chuangcheng.points.models import Point
from chuangcheng.points.tests.factories import AreaOutlineFactory, PointFactory, square

pytestmark = pytest.mark.django_db

URL = "/api/points/points/"


def body(world, pts, **changes):
    data = {
        "code": "API-1",
        "name": "接口新增点位",
        "point_type": pts.market.pk,
        "address": "接口路1号",
        "latitude": "30.271771",
        "longitude": "120.159794",
        "coordinate_system": "gcj02",
        "township": world.units.township.pk,
        "responsible_unit": world.units.department.pk,
        "point_leader": world.people.road_leader.pk,
    }
    data.update(changes)
    return data


def test_office_creates_with_gcj02_and_gets_wgs84_back(world, pts, login):
    client = login(world.people.office)
    response = client.post(URL, body(world, pts), content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert abs(Decimal(str(data["latitude"])) - Decimal("30.2741")) < Decimal("0.00001")
    assert abs(Decimal(str(data["longitude"])) - Decimal("120.1551")) < Decimal("0.00001")
    assert "coordinate_system" not in data  # write-only: what is returned is always WGS-84
    point = Point.objects.get(code="API-1")
    assert point.area == world.units.county
    assert data["public_report_url"] == f"http://testserver/report/point/{point.public_id}/"
    assert AuditLog.objects.filter(
        action=AuditAction.CREATE, object_id=str(point.pk), object_type="points.point"
    ).exists()


def test_area_and_id_are_not_writable(world, pts, login):
    client = login(world.people.office)
    response = client.post(
        URL, body(world, pts, area=world.units.other_county.pk, id=99999), content_type="application/json"
    )
    assert response.status_code == 201
    point = Point.objects.get(code="API-1")
    assert point.area == world.units.county
    assert point.pk != 99999


def test_field_errors_come_back_per_field(world, pts, login):
    AreaOutlineFactory(unit=world.units.county, geojson=square(120.0, 30.15, 120.3, 30.4))
    client = login(world.people.office)
    response = client.post(
        URL,
        body(world, pts, latitude="30.9", coordinate_system="wgs84", point_leader=None, code="P-GATE"),
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"point_leader"}  # the serializer refuses a missing leader first
    response = client.post(
        URL,
        body(world, pts, latitude="30.9", coordinate_system="wgs84", code="P-GATE"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"latitude", "code"}
    assert Point.objects.filter(code="P-GATE").count() == 1


def test_ids_out_of_scope_are_refused_as_unknown(world, pts, login):
    client = login(world.people.office)
    for field, value in (
        ("point_type", pts.other_type.pk),
        ("responsible_unit", world.units.other_township.pk),
        ("point_leader", world.people.member_other.pk),
    ):
        response = client.post(URL, body(world, pts, **{field: value}), content_type="application/json")
        assert response.status_code == 400
        assert set(response.json()) == {field}
    assert not Point.objects.filter(code="API-1").exists()


def test_unknown_coordinate_system_is_refused(world, pts, login):
    response = login(world.people.office).post(
        URL, body(world, pts, coordinate_system="bd09"), content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"coordinate_system"}


def test_office_patches_and_a_gcj02_move_is_converted(world, pts, login):
    client = login(world.people.office)
    response = client.patch(
        f"{URL}{pts.road_point.pk}/",
        {"latitude": "30.271771", "longitude": "120.159794", "coordinate_system": "gcj02"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    point = Point.objects.get(pk=pts.road_point.pk)
    assert abs(point.latitude - Decimal("30.2741")) < Decimal("0.00001")
    assert point.name == "人民路"  # untouched fields stay


def test_patch_without_coordinates_keeps_the_location(world, pts, login):
    client = login(world.people.office)
    response = client.patch(
        f"{URL}{pts.road_point.pk}/", {"name": "人民路（东段）"}, content_type="application/json"
    )
    assert response.status_code == 200
    point = Point.objects.get(pk=pts.road_point.pk)
    assert (point.name, point.latitude, point.longitude) == (
        "人民路（东段）",
        Decimal("30.280000"),
        Decimal("120.160000"),
    )


@pytest.mark.parametrize("persona", ["township", "department", "pointleader", "leader", "inspector"])
def test_non_office_cannot_write(world, pts, login, persona):
    client = login(getattr(world.people, persona))
    assert client.post(URL, body(world, pts), content_type="application/json").status_code == 403
    response = client.patch(f"{URL}{pts.gate.pk}/", {"name": "改名"}, content_type="application/json")
    assert response.status_code == 403
    assert Point.objects.get(pk=pts.gate.pk).name == "西门菜市场"
    assert not Point.objects.filter(code="API-1").exists()


def test_another_countys_office_cannot_patch_our_point(world, pts, login):
    response = login(world.people.outsider).patch(
        f"{URL}{pts.gate.pk}/", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Point.objects.get(pk=pts.gate.pk).name == "西门菜市场"


def test_points_are_never_deleted_over_the_api(world, pts, login):
    response = login(world.people.office).delete(f"{URL}{pts.gate.pk}/")
    assert response.status_code == 405
    assert Point.objects.filter(pk=pts.gate.pk).exists()


def test_api_filters_with_the_same_filterset(world, pts, login):
    client = login(world.people.office)
    response = client.get(URL, {"township": world.units.township2.pk, "q": "东城"})
    assert sorted(row["code"] for row in response.json()["results"]) == ["P-PARK", "P-SQUARE"]
    response = client.get(URL, {"point_type": pts.other_type.pk})
    assert response.status_code == 400  # a type outside the user's scope is not a valid filter


def test_api_list_is_paginated_and_query_count_is_flat(world, pts, login, django_assert_num_queries):
    client = login(world.people.office)
    client.get(URL)
    with django_assert_num_queries(7):
        response = client.get(URL, {"limit": 2})
    assert response.json()["count"] == 5
    assert len(response.json()["results"]) == 2
    for n in range(30):
        PointFactory(
            code=f"Q-{n:03d}",
            point_type=pts.road,
            responsible_unit=world.units.department,
            township=world.units.township,
            point_leader=world.people.road_leader,
        )
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.json()["count"] == 35


def test_points_are_in_the_openapi_schema(world, login):
    response = login(world.people.office).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/points/points/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/points/points/"]["get"]["parameters"]}
    assert {
        "point_type",
        "responsible_unit",
        "township",
        "point_leader",
        "status",
        "q",
        "limit",
        "offset",
    } <= parameters
    point_schema = schema["components"]["schemas"]["Point"]
    assert point_schema["properties"]["area"]["readOnly"] is True
    assert point_schema["properties"]["coordinate_system"]["writeOnly"] is True
