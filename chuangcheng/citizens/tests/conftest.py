"""The citizens world: the problems catalogue of 示范县 (``prob``) and outlines drawn for the
county (a square around 人民路) and its two streets (城关街道 west of 120.16°E, 东城街道 east).

Categories: 暴露垃圾 (SR-01, 4 working hours, 县城管局) and 私搭乱建 (SR-02, no unit: routed
by the place's street)."""

import io
import itertools
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chuangcheng.points.models import AreaOutline
from chuangcheng.points.tests.conftest import pts  # noqa: F401  (fixture)
from chuangcheng.problems.tests.conftest import at, jpeg, prob  # noqa: F401  (fixtures)

INSIDE_WEST = (30.28, 120.10)  # in 城关街道
INSIDE_EAST = (30.28, 120.22)  # in 东城街道
OUTSIDE = (31.50, 121.40)


def square(lat0, lng0, lat1, lng1):
    return {
        "type": "Polygon",
        "coordinates": [[[lng0, lat0], [lng1, lat0], [lng1, lat1], [lng0, lat1], [lng0, lat0]]],
    }


@pytest.fixture
def cit(world, prob, media_in_tmp):  # noqa: F811
    u = world.units
    AreaOutline.objects.create(unit=u.county, geojson=square(30.18, 120.06, 30.38, 120.26))
    AreaOutline.objects.create(unit=u.township, geojson=square(30.18, 120.06, 30.38, 120.16))
    AreaOutline.objects.create(unit=u.township2, geojson=square(30.18, 120.16, 30.38, 120.26))
    cache.clear()  # rate-limit counters
    return SimpleNamespace(prob=prob, units=u, people=world.people)


_keys = itertools.count(1)


def key() -> str:
    return f"test-key-{next(_keys):06d}"


def photo_with_gps(name="scene.jpg") -> SimpleUploadedFile:
    """A JPEG carrying EXIF GPS and time, which must not survive storage."""
    image = Image.new("RGB", (80, 60), (200, 90, 40))
    exif = Image.Exif()
    exif[0x0132] = "2026:11:18 09:30:00"
    gps = {1: "N", 2: (30.0, 16.0, 48.0), 3: "E", 4: (120.0, 9.0, 36.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
