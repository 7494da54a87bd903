"""List (filters, pagination, query count), detail, photos, map and QR pages."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from chuangcheng.points.choices import PointStatus
from chuangcheng.points.models import Point, PointPhoto
from chuangcheng.points.tests.factories import AreaOutlineFactory, PointFactory, square

pytestmark = pytest.mark.django_db


def codes(response):
    return [point.code for point in response.context["page"].object_list]


# --- list ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"point_type": "market"}, ["P-GATE"]),
        ({"responsible_unit": "department"}, ["P-ROAD"]),
        ({"township": "township2"}, ["P-PARK", "P-SITE", "P-SQUARE"]),
        ({"point_leader": "pointleader"}, ["P-GATE", "P-SQUARE"]),
        ({"q": "公园"}, ["P-PARK"]),
        ({"q": "p-road"}, ["P-ROAD"]),
        ({"q": "人民路1号"}, ["P-GATE", "P-PARK", "P-ROAD", "P-SITE", "P-SQUARE"]),  # address
        ({"status": "retired"}, []),
    ],
)
def test_list_filters(world, pts, login, params, expected):
    lookup = {
        "market": pts.market.pk,
        "department": world.units.department.pk,
        "township2": world.units.township2.pk,
        "pointleader": world.people.pointleader.pk,
    }
    query = {key: lookup.get(value, value) for key, value in params.items()}
    response = login(world.people.office).get(reverse("points:list"), query)
    assert response.status_code == 200
    assert sorted(codes(response)) == sorted(expected)


def test_filter_choices_only_name_what_the_user_can_see(world, pts, login):
    response = login(world.people.department).get(reverse("points:list"))
    form = response.context["filterset"].form
    assert [unit.name for unit in form.fields["responsible_unit"].queryset] == ["县城管局"]
    assert [user.username for user in form.fields["point_leader"].queryset] == ["roadleader"]
    assert {t.name for t in form.fields["point_type"].queryset} == {"农贸市场", "主次干道"}


def test_a_filter_on_a_hidden_unit_is_refused_not_applied(world, pts, login):
    client = login(world.people.department)
    response = client.get(reverse("points:list"), {"responsible_unit": world.units.township2.pk})
    assert response.context["filterset"].errors
    assert codes(response) == ["P-ROAD"]  # still only what they may see


def test_list_paginates_with_the_filters_kept(world, pts, login):
    for n in range(60):
        PointFactory(
            code=f"Q-{n:03d}",
            name=f"批量点位{n}",
            point_type=pts.road,
            responsible_unit=world.units.department,
            point_leader=world.people.road_leader,
        )
    client = login(world.people.office)
    response = client.get(reverse("points:list"), {"responsible_unit": world.units.department.pk})
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list), page.paginator.num_pages) == (61, 50, 2)
    assert f"responsible_unit={world.units.department.pk}&amp;page=2" in response.content.decode()
    response = client.get(reverse("points:list"), {"responsible_unit": world.units.department.pk, "page": 2})
    assert len(response.context["page"].object_list) == 11


def test_list_query_count_does_not_grow_with_points(world, pts, login, django_assert_num_queries):
    client = login(world.people.office)
    client.get(reverse("points:list"))  # warm up: session, content types
    with django_assert_num_queries(12):  # incl. the unread-messages count
        client.get(reverse("points:list"))
    for n in range(40):
        PointFactory(
            code=f"Q-{n:03d}",
            point_type=pts.road,
            responsible_unit=world.units.department,
            township=world.units.township,
            point_leader=world.people.road_leader,
        )
    with django_assert_num_queries(12):
        response = client.get(reverse("points:list"))
    assert response.context["page"].paginator.count == 45


# --- detail ----------------------------------------------------------------------------------------
def test_detail_shows_fields_checklist_protocol_and_public_url(world, pts, login):
    response = login(world.people.pointleader).get(reverse("points:point", args=[pts.gate.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "西门菜市场",
        "P-GATE",
        "农贸市场",
        "西门社区",
        "城关街道",
        "社区点长",
        "30.274100",
        "120.155100",
    ):
        assert text in html
    assert "沿主干道步行500米" in html  # observation protocol of the type
    assert "市场内无暴露垃圾" in html  # check item
    assert (
        "3.2.1" in html and "农贸市场管理规范" in html and "全国文明城市测评体系" in html
    )  # indicators served
    assert f"http://testserver/report/point/{pts.gate.public_id}/" in html
    assert reverse("points:qr_svg", args=[pts.gate.pk]) in html
    assert 'id="point-mini-map"' in html
    assert 'id="point-map-data"' in html
    assert "<script>" not in html  # CSP: data in json_script only
    # not the office: no edit or retire buttons, no upload form for a point leader
    assert reverse("points:edit", args=[pts.gate.pk]) not in html
    assert response.context["photo_form"] is None


def test_detail_query_count_is_bounded(world, pts, login, django_assert_max_num_queries):
    client = login(world.people.office)
    client.get(reverse("points:point", args=[pts.gate.pk]))
    with django_assert_max_num_queries(16):
        client.get(reverse("points:point", args=[pts.gate.pk]))


# --- photos ----------------------------------------------------------------------------------------
def _jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.mark.parametrize("persona", ["office", "township"])  # 城关街道 is above 西门社区
def test_office_and_responsible_unit_upload_photos(world, pts, login, persona, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client = login(getattr(world.people, persona))
    response = client.post(reverse("points:photos", args=[pts.gate.pk]), {"photos": [_jpeg()]})
    assert response.status_code == 302
    photo = PointPhoto.objects.get(point=pts.gate)
    assert (photo.width, photo.height, photo.uploaded_by) == (64, 48, getattr(world.people, persona))
    served = client.get(reverse("points:photo", args=[photo.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_photo_upload_refused_for_others_and_checked_by_content(world, pts, login, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    # the point leader sees the point but does not add photos; the neighbour does not see it
    assert (
        login(world.people.pointleader)
        .post(reverse("points:photos", args=[pts.gate.pk]), {"photos": [_jpeg()]})
        .status_code
        == 403
    )
    assert (
        login(world.people.neighbour)
        .post(reverse("points:photos", args=[pts.gate.pk]), {"photos": [_jpeg()]})
        .status_code
        == 404
    )
    fake = io.BytesIO(b"<html>not an image</html>")
    fake.name = "photo.jpg"
    response = login(world.people.office).post(
        reverse("points:photos", args=[pts.gate.pk]), {"photos": [fake]}
    )
    assert response.status_code == 302
    assert not PointPhoto.objects.exists()


def test_photos_are_served_only_to_people_who_see_the_point(world, pts, login, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    login(world.people.office).post(reverse("points:photos", args=[pts.gate.pk]), {"photos": [_jpeg()]})
    photo = PointPhoto.objects.get()
    assert login(world.people.pointleader).get(reverse("points:photo", args=[photo.pk])).status_code == 200
    assert login(world.people.neighbour).get(reverse("points:photo", args=[photo.pk])).status_code == 404
    assert login(world.people.outsider).get(reverse("points:photo", args=[photo.pk])).status_code == 404


# --- map -------------------------------------------------------------------------------------------
def test_map_geojson_applies_the_list_filters(world, pts, login):
    client = login(world.people.office)
    response = client.get(reverse("points:map_geojson"), {"point_type": pts.market.pk})
    features = response.json()["features"]
    assert [f["properties"]["code"] for f in features] == ["P-GATE"]
    gate = features[0]
    assert gate["geometry"] == {"type": "Point", "coordinates": [120.1551, 30.2741]}
    assert gate["properties"]["url"] == reverse("points:point", args=[pts.gate.pk])
    assert re.fullmatch(r"#[0-9a-f]{6}", gate["properties"]["colour"])


def test_map_colours_differ_by_type(world, pts, login):
    features = login(world.people.office).get(reverse("points:map_geojson")).json()["features"]
    colours = {f["properties"]["type"]: f["properties"]["colour"] for f in features}
    assert len(set(colours.values())) == len(colours) == 2


def test_map_page_carries_outlines_of_the_county_and_visible_townships(world, pts, login, settings):
    AreaOutlineFactory(unit=world.units.county, geojson=square(120.0, 30.15, 120.3, 30.4))
    AreaOutlineFactory(unit=world.units.township, geojson=square(120.1, 30.2, 120.2, 30.3))
    AreaOutlineFactory(unit=world.units.township2, geojson=square(120.2, 30.2, 120.3, 30.3))
    AreaOutlineFactory(unit=world.units.other_county, geojson=square(121.0, 30.15, 121.3, 30.4))
    response = login(world.people.township).get(reverse("points:map"), {"status": "active"})
    data = response.context["map_data"]
    assert [o["name"] for o in data["outlines"]] == ["示范县", "城关街道"]
    assert data["pointsUrl"] == reverse("points:map_geojson") + "?status=active"
    assert data["config"]["tileUrl"] == ""
    assert response.context["without_location"] == 0
    settings.MAP_TILE_URL = "https://tiles.county.example/{z}/{x}/{y}.png"
    response = login(world.people.office).get(reverse("points:map"))
    assert response.context["map_data"]["config"]["tileUrl"] == settings.MAP_TILE_URL
    assert {o["name"] for o in response.context["map_data"]["outlines"]} == {"示范县", "城关街道", "东城街道"}
    assert response.context["without_location"] == 1  # P-SITE


# --- QR --------------------------------------------------------------------------------------------
def test_qr_svg_is_an_svg_image_with_nosniff(world, pts, login):
    response = login(world.people.pointleader).get(reverse("points:qr_svg", args=[pts.gate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert body.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in body
    assert "<script" not in body


def test_qr_card_shows_the_point_and_the_absolute_report_url(world, pts, login):
    response = login(world.people.pointleader).get(reverse("points:qr_card", args=[pts.gate.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("西门菜市场", "P-GATE", "农贸市场", "西门社区", "社区点长"):
        assert text in html
    assert f"http://testserver/report/point/{pts.gate.public_id}/" in html
    assert html.count("<svg") == 1


def test_qr_sheet_is_for_the_office_and_uses_the_filters(world, pts, login):
    response = login(world.people.office).get(
        reverse("points:qr_sheet"), {"township": world.units.township.pk}
    )
    assert response.status_code == 200
    assert [card["point"].code for card in response.context["cards"]] == ["P-GATE", "P-ROAD"]
    assert response.content.decode().count("<svg") == 2
    assert login(world.people.township).get(reverse("points:qr_sheet")).status_code == 403


def test_retired_points_show_as_retired_on_the_list(world, pts, login):
    Point.objects.filter(pk=pts.gate.pk).update(status=PointStatus.RETIRED)
    response = login(world.people.office).get(reverse("points:list"), {"status": "retired"})
    assert codes(response) == ["P-GATE"]
    assert "tag-retired" in response.content.decode()


def test_map_geojson_refuses_a_filter_it_cannot_apply(world, pts, login):
    response = login(world.people.department).get(
        reverse("points:map_geojson"), {"responsible_unit": world.units.township2.pk}
    )
    assert response.status_code == 400
    assert "responsible_unit" in response.json()["errors"]
