"""The Open311 world: 示范县's catalogue (``prob``: 市容环境 › 暴露垃圾 SR-01, 私搭乱建 SR-02),
outlines for the county and its two streets, and a key the office issued for a mini program.

The tests talk to the API as a client written against the published spec would: plain HTTP,
responses parsed with ``json`` and ``xml.etree.ElementTree``.
"""

import json
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.core.cache import cache

from chuangcheng.open311 import actions
from chuangcheng.points.models import AreaOutline
from chuangcheng.points.tests.conftest import pts  # noqa: F401  (fixture)
from chuangcheng.problems.tests.conftest import WEDNESDAY, jpeg, prob  # noqa: F401  (fixtures)

BASE = "/open311/v2"
INSIDE = {"lat": "30.28", "long": "120.10"}  # 城关街道, in 示范县
INSIDE_EAST = {"lat": "30.28", "long": "120.22"}  # 东城街道
OUTSIDE = {"lat": "31.50", "long": "121.40"}  # another county


def square(lat0, lng0, lat1, lng1):
    return {
        "type": "Polygon",
        "coordinates": [[[lng0, lat0], [lng1, lat0], [lng1, lat1], [lng0, lat1], [lng0, lat0]]],
    }


@pytest.fixture(autouse=True)
def _a_known_working_day():
    """Every test runs on a known working day, the clock ticking (deadlines follow the holiday
    calendar; the embargo dates below lie ahead of it). Tests travel further where they need to."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


@pytest.fixture
def o311(world, prob, media_in_tmp):  # noqa: F811
    u = world.units
    AreaOutline.objects.create(unit=u.county, geojson=square(30.18, 120.06, 30.38, 120.26))
    AreaOutline.objects.create(unit=u.township, geojson=square(30.18, 120.06, 30.38, 120.16))
    AreaOutline.objects.create(unit=u.township2, geojson=square(30.18, 120.16, 30.38, 120.26))
    cache.clear()  # rate-limit counters live in the cache
    issued = actions.issue_key(world.people.office, u.county, "县文明办小程序")
    return SimpleNamespace(
        world=world, prob=prob, units=u, people=world.people, key=issued.key, raw_key=issued.raw
    )


def parse(response):
    """The body as a spec client reads it: JSON, or XML (checking the declaration)."""
    body = response.content.decode("utf-8")
    if response["Content-Type"] == "text/xml; charset=utf-8":
        assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
        return ET.fromstring(response.content)  # noqa: S314  (our own response, in a test)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(body)


def xml_rows(root, item):
    """An XML list as a list of {child: text} dicts."""
    return [{child.tag: (child.text or "") for child in element} for element in root.findall(item)]


def create(client, o311, *, fmt="json", photos=None, headers=None, query="", **fields):
    """POST requests.{fmt} as a mobile client does (multipart when it sends photos)."""
    data = {
        "api_key": o311.raw_key,
        "service_code": "SR-01",
        "description": "路边垃圾堆了三天",
        "device_id": "phone-1",
        **INSIDE,
        **fields,
    }
    data = {k: v for k, v in data.items() if v is not None}
    if photos is None:
        photos = [jpeg("scene.jpg")]
    if photos:
        data["media"] = photos
    return client.post(f"{BASE}/requests.{fmt}{query}", data, headers=headers or {})
