"""Who sees which points — on the list, the detail page, the map data, the QR code and the API."""

import pytest
from django.urls import reverse

from chuangcheng.core.choices import AuditAction, AuditResult
from chuangcheng.core.models import AuditLog
from chuangcheng.points.models import Point
from chuangcheng.points.tests.conftest import EXPECTED_VISIBLE

pytestmark = pytest.mark.django_db

PERSONAS = sorted(EXPECTED_VISIBLE)


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_to_gives_each_persona_exactly_their_points(world, pts, persona):
    user = getattr(world.people, persona)
    codes = set(Point.objects.visible_to(user).values_list("code", flat=True))
    assert codes == EXPECTED_VISIBLE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_page_shows_only_visible_points(world, pts, login, persona):
    client = login(getattr(world.people, persona))
    response = client.get(reverse("points:list"))
    assert response.status_code == 200
    shown = {point.code for point in response.context["page"].object_list}
    assert shown == EXPECTED_VISIBLE[persona]
    for point in Point.objects.exclude(code__in=EXPECTED_VISIBLE[persona]):
        assert point.name not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_map_geojson_has_only_visible_points_with_a_location(world, pts, login, persona):
    client = login(getattr(world.people, persona))
    response = client.get(reverse("points:map_geojson"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    codes = {feature["properties"]["code"] for feature in response.json()["features"]}
    assert codes == EXPECTED_VISIBLE[persona] - {"P-SITE"}  # P-SITE has no location


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_lists_only_visible_points(world, pts, login, persona):
    client = login(getattr(world.people, persona))
    response = client.get("/api/points/points/", {"limit": 500})
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == EXPECTED_VISIBLE[persona]


@pytest.mark.parametrize(
    ("persona", "hidden"),
    [
        ("township", "park"),
        ("township", "other"),
        ("neighbour", "gate"),
        ("department", "gate"),
        ("department", "park"),
        ("pointleader", "road_point"),
        ("outsider", "gate"),
        ("office", "other"),
        ("inspector", "gate"),
        ("nobody", "gate"),
    ],
)
def test_direct_ids_of_hidden_points_answer_404_everywhere(world, pts, login, persona, hidden):
    client = login(getattr(world.people, persona))
    point = getattr(pts, hidden)
    for name in ("points:point", "points:qr_svg", "points:qr_card", "points:edit"):
        assert client.get(reverse(name, args=[point.pk])).status_code == 404, name
    assert client.get(f"/api/points/points/{point.pk}/").status_code == 404
    # probing another unit's ids is written to the audit log
    assert AuditLog.objects.filter(
        action=AuditAction.ACCESS_DENIED, result=AuditResult.DENIED, object_id=str(point.pk)
    ).exists()


def test_point_leader_sees_the_point_they_lead_in_another_township(world, pts, login):
    client = login(world.people.pointleader)
    response = client.get(reverse("points:point", args=[pts.square.pk]))
    assert response.status_code == 200
    assert response.context["point"].name == "东城广场"


def test_anonymous_visitors_are_sent_to_sign_in(client, pts):
    for url in (
        reverse("points:list"),
        reverse("points:map_geojson"),
        reverse("points:point", args=[pts.gate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/points/points/").status_code in (401, 403)
