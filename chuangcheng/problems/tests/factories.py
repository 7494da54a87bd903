"""Small factories for problems tests."""

import factory
from django.utils import timezone

from chuangcheng.problems.choices import CategoryClass, ProblemSource, ProblemStatus, Severity
from chuangcheng.problems.models import Category, Problem


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    category_class = CategoryClass.EVENT
    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"类别{n}")


class ProblemFactory(factory.django.DjangoModelFactory):
    """A registered problem (not assigned); use ``actions`` to move it on."""

    class Meta:
        model = Problem

    source = ProblemSource.OTHER
    title = factory.Sequence(lambda n: f"测试问题{n}")
    severity = Severity.GENERAL
    status = ProblemStatus.REGISTERED
    address = "人民路1号"
    found_at = factory.LazyFunction(timezone.now)
