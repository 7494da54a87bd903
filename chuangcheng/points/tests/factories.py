"""Small factories for points tests (point types and check items come from the indicators app's)."""

from decimal import Decimal

import factory

from chuangcheng.points.choices import PointStatus
from chuangcheng.points.models import AreaOutline, Point


class PointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Point

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"测试点位{n}")
    address = "城关镇人民路1号"
    latitude = Decimal("30.274100")
    longitude = Decimal("120.155100")
    status = PointStatus.ACTIVE
    area = factory.LazyAttribute(lambda point: point.point_type.area)


def square(west, south, east, north):
    """A GeoJSON Polygon for a lng/lat box (outer ring closed, counter-clockwise)."""
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


class AreaOutlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaOutline

    geojson = factory.LazyFunction(lambda: square(120.0, 30.15, 120.3, 30.4))
