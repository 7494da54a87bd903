"""Small factories for org tests (no JSON fixtures)."""

import factory

from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit, Pairing, RoleAssignment, User, Visit

TEST_PASSWORD = "Test@2026pass"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试{n}")
    password = factory.django.Password(TEST_PASSWORD)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    started_on = factory.Faker("date_between", start_date="-1y", end_date="-60d")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    notes = "检查门前责任区落实情况"
    leader = factory.SelfAttribute("pairing.leader")
    unit = factory.SelfAttribute("pairing.unit")
    recorded_by = factory.SelfAttribute("pairing.leader")
    visited_on = factory.Faker("date_between", start_date="-50d", end_date="today")
