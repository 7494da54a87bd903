"""Each unit keeps its 一把手, 分管领导 and 专职干部 on record; only the office and the unit's own
administrator may change them, and only to the unit's own members."""

import pytest
from django.urls import reverse

from chuangcheng.core.models import AuditLog
from chuangcheng.org.models import OrgUnit
from chuangcheng.org.tests.factories import UserFactory


@pytest.fixture
def staff(world):
    unit = world.units.township
    return {
        "head": UserFactory(full_name="王书记", job_title="党工委书记", unit=unit),
        "deputy": UserFactory(full_name="李主任", job_title="办事处副主任", unit=unit),
        "clerk": UserFactory(full_name="赵干事", job_title="创建办干事", unit=unit),
    }


def _url(unit):
    return reverse("org:unit_responsibility", args=[unit.pk])


def _snapshot(unit):
    unit = OrgUnit.objects.get(pk=unit.pk)
    staff_ids = sorted(unit.full_time_staff.values_list("pk", flat=True))
    return unit.principal_id, unit.leader_in_charge_id, staff_ids


@pytest.mark.parametrize("persona", ["office", "township"])
def test_office_and_own_administrator_record_who_answers(world, login, staff, persona):
    unit = world.units.township
    response = login(getattr(world.people, persona)).post(
        _url(unit),
        {
            "principal": staff["head"].pk,
            "leader_in_charge": staff["deputy"].pk,
            "full_time_staff": [staff["clerk"].pk, staff["deputy"].pk],
        },
    )
    assert response.status_code == 302
    expected_staff = sorted([staff["clerk"].pk, staff["deputy"].pk])
    assert _snapshot(unit) == (staff["head"].pk, staff["deputy"].pk, expected_staff)
    entry = AuditLog.objects.get(action="update", object_type="org.orgunit")
    assert entry.username == persona
    assert entry.detail["after"]["principal"] == staff["head"].pk
    page = login(world.people.township).get(unit.get_absolute_url()).content.decode()
    assert "王书记" in page and "党工委书记" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("leader", 403),
        ("oversight", 403),
        ("pointleader", 404),
        ("neighbour", 404),
        ("department", 404),
        ("outsider", 404),
    ],
)
def test_others_cannot_change_the_record(world, login, staff, persona, status):
    unit = world.units.township
    before = _snapshot(unit)
    client = login(getattr(world.people, persona))
    assert client.get(_url(unit)).status_code == status
    response = client.post(_url(unit), {"principal": staff["head"].pk})
    assert response.status_code == status
    assert _snapshot(unit) == before


def test_a_person_of_another_unit_cannot_be_named(world, login, staff):
    unit = world.units.township
    before = _snapshot(unit)
    response = login(world.people.office).post(_url(unit), {"principal": world.people.department.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["principal"] == ["请选择本单位的人员。"]
    assert _snapshot(unit) == before


def test_the_edit_link_shows_only_to_those_who_may_edit(world, login, staff):
    unit_url = world.units.township.get_absolute_url()
    edit = _url(world.units.township)
    assert edit in login(world.people.township).get(unit_url).content.decode()
    assert edit not in login(world.people.leader).get(unit_url).content.decode()
