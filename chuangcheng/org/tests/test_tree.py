"""The org-unit tree keeps its materialised paths right, so subtree scoping stays right."""

import pytest

from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.org.tests.factories import OrgUnitFactory


@pytest.fixture
def tree(db):
    city = OrgUnitFactory(name="市", kind=UnitKind.CITY)
    county = OrgUnitFactory(name="县", kind=UnitKind.COUNTY, parent=city)
    street = OrgUnitFactory(name="街道", kind=UnitKind.STREET, parent=county)
    community = OrgUnitFactory(name="社区", kind=UnitKind.COMMUNITY, parent=street)
    other = OrgUnitFactory(name="另一县", kind=UnitKind.COUNTY, parent=city)
    return city, county, street, community, other


def test_paths_and_depths_follow_the_parents(tree):
    city, county, street, community, _other = tree
    community.refresh_from_db()
    assert community.path == f"/{city.pk}/{county.pk}/{street.pk}/{community.pk}/"
    assert community.depth == 3
    assert community.ancestor_ids == [city.pk, county.pk, street.pk]


def test_moving_a_unit_moves_its_whole_subtree(tree):
    city, county, street, community, other = tree
    street.parent = other
    street.save()
    community.refresh_from_db()
    assert community.path == f"/{city.pk}/{other.pk}/{street.pk}/{community.pk}/"
    assert community.depth == 3
    assert set(other.descendants().values_list("name", flat=True)) == {"街道", "社区"}
    assert not county.descendants().exists()


def test_moving_a_unit_below_itself_is_refused_and_changes_nothing(tree):
    _city, _county, street, community, _other = tree
    before = dict(OrgUnit.objects.values_list("pk", "path"))
    street.parent = community
    with pytest.raises(ValueError, match="below itself"):
        street.save()
    assert dict(OrgUnit.objects.values_list("pk", "path")) == before


def test_area_is_the_nearest_county_or_city(tree):
    city, county, _street, community, _other = tree
    assert community.area() == county
    assert county.area() == county
    assert city.area() == city


def test_unit_names_are_unique_under_one_parent(tree):
    from django.db import IntegrityError, transaction

    _city, county, *_ = tree
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnitFactory(name="街道", kind=UnitKind.STREET, parent=county)
