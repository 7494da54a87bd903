"""The office creates, edits and retires points; GCJ-02 is converted; bad input changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from chuangcheng.core.choices import AuditAction
from chuangcheng.core.models import AuditLog
from chuangcheng.org.choices import Role
from chuangcheng.org.models import RoleAssignment
from chuangcheng.org.tests.factories import UserFactory
from chuangcheng.points import actions
from chuangcheng.points.choices import PointStatus
from chuangcheng.points.models import Point
from chuangcheng.points.tests.factories import AreaOutlineFactory, square
from chuangcheng.utils import coords

pytestmark = pytest.mark.django_db

# A point in Hangzhou: what a GPS gives (WGS-84) and what 高德 shows for it (GCJ-02), computed
# with chuangcheng.utils.coords and rounded to 6 places. The offset (−0.0023°, +0.0047°) matches
# the published behaviour of GCJ-02 in eastern China (a few hundred metres, 0.002–0.006°).
WGS = (Decimal("30.274100"), Decimal("120.155100"))
GCJ = (Decimal("30.271771"), Decimal("120.159794"))


def _form(world, pts, **changes):
    data = {
        "name": "新华菜市场",
        "code": "P-NEW",
        "point_type": pts.market.pk,
        "address": "新华路8号",
        "coordinate_system": "gcj02",
        "latitude": str(GCJ[0]),
        "longitude": str(GCJ[1]),
        "township": world.units.township.pk,
        "responsible_unit": world.units.department.pk,
        "point_leader": world.people.member_community.pk,
        "status": "active",
        "notes": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _error_codes(response, field):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def test_the_known_pair_has_the_published_offset():
    lat, lng = coords.wgs84_to_gcj02(float(WGS[0]), float(WGS[1]))
    assert (round(lat, 6), round(lng, 6)) == (float(GCJ[0]), float(GCJ[1]))
    assert 0.002 <= abs(lat - float(WGS[0])) <= 0.006
    assert 0.002 <= abs(lng - float(WGS[1])) <= 0.006


def test_office_creates_a_point_from_gcj02_and_it_is_stored_as_wgs84(world, pts, login):
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts))
    point = Point.objects.get(code="P-NEW")
    assert response.status_code == 302
    assert response["Location"] == point.get_absolute_url()
    assert abs(point.latitude - WGS[0]) < Decimal("0.00001")
    assert abs(point.longitude - WGS[1]) < Decimal("0.00001")
    assert point.area == world.units.county
    assert point.point_leader == world.people.member_community
    assert point.status == PointStatus.ACTIVE
    entry = AuditLog.objects.get(
        action=AuditAction.CREATE, object_type="points.point", object_id=str(point.pk)
    )
    assert entry.user == world.people.office
    assert entry.detail["after"]["latitude"] == str(point.latitude)


def test_wgs84_input_is_stored_unchanged(world, pts, login):
    client = login(world.people.office)
    client.post(
        reverse("points:create"),
        _form(world, pts, coordinate_system="wgs84", latitude="30.2741", longitude="120.1551"),
    )
    point = Point.objects.get(code="P-NEW")
    assert (point.latitude, point.longitude) == WGS


def test_new_point_leader_gets_the_role_at_their_unit_once_and_it_is_audited(world, pts, login):
    leader = world.people.member_community
    assert not leader.role_assignments.filter(role=Role.POINT_LEADER).exists()
    client = login(world.people.office)
    client.post(reverse("points:create"), _form(world, pts))
    assignment = RoleAssignment.objects.get(user=leader, role=Role.POINT_LEADER)
    assert assignment.unit == world.units.community
    assert AuditLog.objects.filter(
        action=AuditAction.CREATE, object_type="org.roleassignment", object_id=str(assignment.pk)
    ).exists()
    client.post(reverse("points:create"), _form(world, pts, code="P-NEW2"))
    assert RoleAssignment.objects.filter(user=leader, role=Role.POINT_LEADER).count() == 1


def test_leader_without_a_unit_gets_the_role_at_the_responsible_unit(world, pts):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    loner = UserFactory(username="loner", full_name="无单位点长", unit=None)
    data = actions.PointInput(
        name="无单位点长的点位",
        code="P-LONER",
        point_type=pts.road,
        responsible_unit=world.units.department2,
        point_leader=loner,
    )
    point = actions.create_point(admin, data, area=world.units.county)
    assert point.area == world.units.county
    assert list(loner.role_assignments.values_list("role", "unit")) == [
        (Role.POINT_LEADER, world.units.department2.pk)
    ]


def test_people_outside_the_office_area_cannot_lead_a_point(world, pts, login):
    loner = UserFactory(username="loner", full_name="无单位点长", unit=None)
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts, point_leader=loner.pk))
    assert response.status_code == 400
    assert _error_codes(response, "point_leader") == ["invalid_choice"]
    assert not loner.role_assignments.exists()


def test_coordinates_outside_the_county_outline_are_refused_and_nothing_is_saved(world, pts, login):
    AreaOutlineFactory(unit=world.units.county, geojson=square(120.0, 30.15, 120.3, 30.4))
    client = login(world.people.office)
    response = client.post(
        reverse("points:create"),
        _form(world, pts, coordinate_system="wgs84", latitude="30.6", longitude="120.2"),
    )
    assert response.status_code == 400
    assert _error_codes(response, "latitude") == ["outside_area"]
    assert "示范县" in response.context["form"].errors["latitude"][0]
    assert not Point.objects.filter(code="P-NEW").exists()
    assert not RoleAssignment.objects.filter(
        user=world.people.member_community, role=Role.POINT_LEADER
    ).exists()


def test_inside_the_outline_is_accepted(world, pts, login):
    AreaOutlineFactory(unit=world.units.county, geojson=square(120.0, 30.15, 120.3, 30.4))
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts))
    assert response.status_code == 302
    assert Point.objects.filter(code="P-NEW").exists()


def test_without_an_outline_swapped_or_foreign_coordinates_are_refused(world, pts, login):
    client = login(world.people.office)
    for lat, lng, field in (("120.155", "30.274", "latitude"), ("48.85", "2.35", "latitude")):
        response = client.post(
            reverse("points:create"),
            _form(world, pts, coordinate_system="wgs84", latitude=lat, longitude=lng),
        )
        assert response.status_code == 400
        assert _error_codes(response, field) in (["out_of_range"], ["outside_area"])
    assert not Point.objects.filter(code="P-NEW").exists()


def test_outside_county_error_is_in_chinese(world, pts, login):
    client = login(world.people.office)
    response = client.post(
        reverse("points:create"),
        _form(world, pts, coordinate_system="wgs84", latitude="48.85", longitude="2.35"),
    )
    assert "中国大陆" in response.content.decode()


def test_missing_leader_is_a_field_error(world, pts, login):
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts, point_leader=""))
    assert response.status_code == 400
    assert _error_codes(response, "point_leader") == ["required"]
    assert "点长" in response.context["form"].errors["point_leader"][0]
    assert not Point.objects.filter(code="P-NEW").exists()


def test_only_one_coordinate_is_a_field_error(world, pts, login):
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts, longitude=""))
    assert response.status_code == 400
    assert _error_codes(response, "longitude") == ["incomplete"]


def test_a_point_without_coordinates_may_be_saved(world, pts, login):
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts, latitude="", longitude=""))
    assert response.status_code == 302
    point = Point.objects.get(code="P-NEW")
    assert (point.latitude, point.longitude) == (None, None)


@pytest.mark.parametrize(
    ("field", "value_of"),
    [
        ("point_type", lambda world, pts: pts.other_type.pk),  # another county's type
        ("responsible_unit", lambda world, pts: world.units.other_township.pk),
        ("township", lambda world, pts: world.units.department.pk),  # not a township
        ("point_leader", lambda world, pts: world.people.member_other.pk),  # not visible to the office
    ],
)
def test_choices_from_outside_the_area_are_refused(world, pts, login, field, value_of):
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts, **{field: value_of(world, pts)}))
    assert response.status_code == 400
    assert _error_codes(response, field) == ["invalid_choice"]
    assert not Point.objects.filter(code="P-NEW").exists()


def test_duplicate_code_in_the_area_is_refused(world, pts, login):
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts, code="P-GATE"))
    assert response.status_code == 400
    assert _error_codes(response, "code") == ["unique"]
    assert Point.objects.filter(code="P-GATE").count() == 1


def test_the_same_code_may_exist_in_another_county(world, pts, login):
    client = login(world.people.office)
    response = client.post(reverse("points:create"), _form(world, pts, code="P-OTHER"))
    assert response.status_code == 302
    assert Point.objects.filter(code="P-OTHER").count() == 2


@pytest.mark.parametrize(
    "persona", ["township", "department", "pointleader", "leader", "oversight", "inspector"]
)
def test_non_office_cannot_create_or_edit(world, pts, login, persona):
    client = login(getattr(world.people, persona))
    assert client.get(reverse("points:create")).status_code == 403
    assert client.post(reverse("points:create"), _form(world, pts)).status_code == 403
    assert not Point.objects.filter(code="P-NEW").exists()
    visible = Point.objects.visible_to(getattr(world.people, persona)).first()
    target = visible or pts.gate
    before = Point.objects.get(pk=target.pk)
    response = client.post(reverse("points:edit", args=[target.pk]), _form(world, pts, code=target.code))
    assert response.status_code == (403 if visible else 404)
    assert client.post(reverse("points:retire", args=[target.pk])).status_code == (403 if visible else 404)
    after = Point.objects.get(pk=target.pk)
    assert (after.name, after.status, after.latitude, after.updated_at) == (
        before.name,
        before.status,
        before.latitude,
        before.updated_at,
    )


def test_another_countys_office_cannot_edit_our_point(world, pts, login):
    client = login(world.people.outsider)
    response = client.post(reverse("points:edit", args=[pts.gate.pk]), _form(world, pts, code="P-GATE"))
    assert response.status_code == 404
    assert Point.objects.get(pk=pts.gate.pk).name == "西门菜市场"


def test_office_edits_a_point_with_gcj02_and_the_change_is_audited(world, pts, login):
    client = login(world.people.office)
    response = client.get(reverse("points:edit", args=[pts.gate.pk]))
    assert response.status_code == 200
    assert response.context["form"]["code"].value() == "P-GATE"
    response = client.post(
        reverse("points:edit", args=[pts.gate.pk]),
        _form(world, pts, code="P-GATE", name="西门农贸市场", point_leader=world.people.pointleader.pk),
    )
    assert response.status_code == 302
    point = Point.objects.get(pk=pts.gate.pk)
    assert point.name == "西门农贸市场"
    assert abs(point.latitude - WGS[0]) < Decimal("0.00001")
    assert abs(point.longitude - WGS[1]) < Decimal("0.00001")
    entry = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(point.pk))
    assert entry.detail["before"]["name"] == "西门菜市场"
    assert entry.detail["after"]["name"] == "西门农贸市场"


def test_editing_with_the_shown_wgs84_values_does_not_move_the_point(world, pts, login):
    client = login(world.people.office)
    response = client.get(reverse("points:edit", args=[pts.road_point.pk]))
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(reverse("points:edit", args=[pts.road_point.pk]), data)
    assert response.status_code == 302
    point = Point.objects.get(pk=pts.road_point.pk)
    assert (point.latitude, point.longitude) == (Decimal("30.280000"), Decimal("120.160000"))


def test_retire_instead_of_delete(world, pts, login):
    client = login(world.people.office)
    response = client.post(reverse("points:retire", args=[pts.gate.pk]))
    assert response.status_code == 302
    point = Point.objects.get(pk=pts.gate.pk)
    assert point.status == PointStatus.RETIRED
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(point.pk)).count() == 1
    # retired points stay listed (filterable by status)
    response = client.get(reverse("points:list"), {"status": "retired"})
    assert [p.code for p in response.context["page"].object_list] == ["P-GATE"]


def test_retire_needs_post(world, pts, login):
    client = login(world.people.office)
    assert client.get(reverse("points:retire", args=[pts.gate.pk])).status_code == 405
    assert Point.objects.get(pk=pts.gate.pk).status == PointStatus.ACTIVE


def test_a_broken_outline_falls_back_to_the_mainland_check(world, pts, login):
    AreaOutlineFactory(unit=world.units.county, geojson={"type": "Point", "coordinates": [120.1, 30.2]})
    client = login(world.people.office)
    assert client.post(reverse("points:create"), _form(world, pts)).status_code == 302
    response = client.post(
        reverse("points:create"),
        _form(world, pts, code="P-FAR", coordinate_system="wgs84", latitude="48.85", longitude="2.35"),
    )
    assert _error_codes(response, "latitude") == ["outside_area"]
