"""Each role sees exactly its scope of units and people — and nothing of other units,
whether it browses lists, opens ids directly, or calls the API (DESIGN.md rule 1, security.md 2)."""

import pytest
from django.urls import reverse

from chuangcheng.core.models import AuditLog
from chuangcheng.org.models import OrgUnit, User

COUNTY = {
    "示范县",
    "县四城同创办",
    "领导小组",
    "县纪委监委",
    "城关街道",
    "西门社区",
    "东城街道",
    "县城管局",
    "县住建局",
}
OTHER_COUNTY = {"东岭县", "东岭县创城办", "石桥镇"}
CITY = {"示范市", "示范市创城办"} | COUNTY | OTHER_COUNTY

EXPECTED_UNITS = {
    "city": CITY,
    "office": COUNTY,
    "leader": COUNTY,
    "oversight": COUNTY,
    "inspector": {"县四城同创办"},
    "township": {"城关街道", "西门社区"},
    "pointleader": {"西门社区"},
    "neighbour": {"东城街道"},
    "department": {"县城管局"},
    "outsider": OTHER_COUNTY,
    "nobody": set(),
}

EXPECTED_PEOPLE = {
    "township": {"township", "pointleader", "m_community"},
    "pointleader": {"pointleader", "m_community"},
    "department": {"department"},
    "inspector": {"office", "inspector"},
    "neighbour": {"neighbour", "m_township2"},
    "outsider": {"outsider", "m_other"},
    "nobody": {"nobody"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_UNITS))
def test_each_role_sees_exactly_its_units(world, persona):
    user = getattr(world.people, persona)
    names = set(OrgUnit.objects.visible_to(user).values_list("name", flat=True))
    assert names == EXPECTED_UNITS[persona]


@pytest.mark.parametrize("persona", sorted(EXPECTED_PEOPLE))
def test_each_role_sees_exactly_its_people(world, persona):
    user = getattr(world.people, persona)
    usernames = set(User.objects.visible_to(user).values_list("username", flat=True))
    assert usernames == EXPECTED_PEOPLE[persona]


def test_office_sees_every_person_of_its_county_and_nobody_of_the_other(world):
    usernames = set(User.objects.visible_to(world.people.office).values_list("username", flat=True))
    assert {"township", "department", "m_department2", "leader", "oversight"} <= usernames
    assert not usernames & {"outsider", "m_other", "city"}


def test_superuser_sees_everything(world):
    admin = User.objects.create_superuser("root", password="Root@2026pass")
    assert OrgUnit.objects.visible_to(admin).count() == OrgUnit.objects.count()


def test_anonymous_and_disabled_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not OrgUnit.objects.visible_to(AnonymousUser()).exists()
    world.people.office.is_active = False
    world.people.office.save()
    assert not OrgUnit.objects.visible_to(User.objects.get(username="office")).exists()


@pytest.mark.parametrize(
    ("persona", "unit_attr"),
    [
        ("township", "township2"),
        ("township", "department"),
        ("township", "county"),
        ("department", "department2"),
        ("department", "township"),
        ("pointleader", "township"),
        ("inspector", "township"),
        ("outsider", "county"),
        ("outsider", "township"),
        ("office", "other_township"),
        ("nobody", "county"),
    ],
)
def test_other_units_page_is_404_by_direct_id(world, login, persona, unit_attr):
    client = login(getattr(world.people, persona))
    unit = getattr(world.units, unit_attr)
    assert client.get(reverse("org:unit", args=[unit.pk])).status_code == 404
    response = client.get(reverse("api-org-unit-detail", args=[unit.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "other"),
    [
        ("township", "member_township2"),
        ("township", "department"),
        ("department", "member_department2"),
        ("outsider", "office"),
        ("office", "member_other"),
        ("inspector", "township"),
        ("nobody", "office"),
    ],
)
def test_other_units_person_is_404_by_direct_id(world, login, persona, other):
    client = login(getattr(world.people, persona))
    person = getattr(world.people, other)
    assert client.get(reverse("org:person", args=[person.pk])).status_code == 404
    assert client.get(reverse("api-org-person-detail", args=[person.pk])).status_code == 404


def test_unknown_unit_id_is_404(world, login):
    client = login(world.people.office)
    assert client.get(reverse("org:unit", args=[999999])).status_code == 404
    assert not AuditLog.objects.filter(action="access_denied").exists()


def test_probing_another_units_id_is_recorded_as_denied_access(world, login):
    client = login(world.people.township)
    client.get(reverse("org:unit", args=[world.units.township2.pk]))
    entry = AuditLog.objects.get(action="access_denied")
    assert (entry.username, entry.object_type, entry.object_id, entry.result) == (
        "township",
        "org.orgunit",
        str(world.units.township2.pk),
        "denied",
    )


def test_tree_page_lists_own_subtree_only(world, login):
    response = login(world.people.township).get(reverse("org:tree"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "城关街道" in html and "西门社区" in html
    for hidden in ("东城街道", "县城管局", "示范县", "东岭县"):
        assert hidden not in html


def test_tree_search_never_finds_hidden_units(world, login):
    response = login(world.people.township).get(reverse("org:tree"), {"q": "街道"})
    html = response.content.decode()
    assert "城关街道" in html
    assert "东城街道" not in html


def test_api_lists_are_scoped(world, login):
    client = login(world.people.department)
    units = client.get(reverse("api-org-unit-list")).json()
    assert [u["name"] for u in units["results"]] == ["县城管局"]
    people = client.get(reverse("api-org-person-list")).json()
    assert [p["username"] for p in people["results"]] == ["department"]


def test_api_refuses_anonymous_callers(world, client):
    response = client.get(reverse("api-org-unit-list"))
    assert response.status_code == 403
    assert "results" not in response.json()


def test_people_page_is_sorted_by_pinyin(world, login):
    from chuangcheng.org.tests.factories import UserFactory

    for name in ("张伟", "艾青", "陈静", "王芳"):
        UserFactory(full_name=name, unit=world.units.department)
    response = login(world.people.department).get(reverse("org:people"))
    table = response.content.decode().split("<tbody>", 1)[1]
    positions = [table.index(name) for name in ("艾青", "陈静", "城管干部", "王芳", "张伟")]
    assert positions == sorted(positions)


def test_person_outside_scope_seen_as_self_does_not_reveal_unit(world, login):
    # a person whose only visibility is themself (no role) still sees their own page
    response = login(world.people.nobody).get(reverse("profile"))
    assert response.status_code == 200
    assert "无角色" in response.content.decode()


def test_workbench_lists_the_points_a_point_leader_answers_for(world, login):
    from chuangcheng.indicators.tests.factories import PointTypeFactory
    from chuangcheng.points.models import Point

    toilet = PointTypeFactory(area=world.units.county, name="公共厕所")
    mine = Point.objects.create(
        area=world.units.county,
        point_type=toilet,
        code="GC-1",
        name="西门公厕",
        township=world.units.township,
        responsible_unit=world.units.community,
        point_leader=world.people.pointleader,
    )
    Point.objects.create(
        area=world.units.county,
        point_type=toilet,
        code="GC-2",
        name="东城公厕",
        township=world.units.township2,
        responsible_unit=world.units.township2,
        point_leader=world.people.neighbour,
    )
    response = login(world.people.pointleader).get("/")
    assert [p.name for p in response.context["my_points"]] == [mine.name]
    assert response.context["point_count"] == 1
    assert "我负责的点位（1）" in response.content.decode()
