"""GCJ-02 ⇄ WGS-84 (utils.coords) and point-in-polygon (utils.geo)."""

import pytest

from chuangcheng.utils import coords, geo

# WGS-84 points across eastern China and their GCJ-02 images from our implementation. Each
# offset lies in the band the published transform gives there (0.001–0.007°, a few hundred
# metres; latitude shifts north in the north and south in the south, longitude always east).
KNOWN = [
    ((39.9087, 116.3975), (39.910103, 116.403744)),  # Beijing, Tiananmen
    ((30.2741, 120.1551), (30.271771, 120.159794)),  # Hangzhou
    ((31.2304, 121.4737), (31.228458, 121.478223)),  # Shanghai
    ((22.5431, 114.0579), (22.540383, 114.063014)),  # Shenzhen
]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_forward_transform_matches_the_known_pairs(wgs, gcj):
    lat, lng = coords.wgs84_to_gcj02(*wgs)
    assert (round(lat, 6), round(lng, 6)) == gcj
    assert 0.001 <= abs(lat - wgs[0]) <= 0.007
    assert 0.002 <= lng - wgs[1] <= 0.007


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_reverse_transform_recovers_wgs84_to_a_millimetre(wgs, gcj):
    exact_gcj = coords.wgs84_to_gcj02(*wgs)
    lat, lng = coords.gcj02_to_wgs84(*exact_gcj)
    assert abs(lat - wgs[0]) < 1e-8 and abs(lng - wgs[1]) < 1e-8
    lat, lng = coords.gcj02_to_wgs84(*gcj)  # from the 6-decimal figures a phone map shows
    assert abs(lat - wgs[0]) < 1e-5 and abs(lng - wgs[1]) < 1e-5


def test_outside_china_nothing_changes():
    for point in ((48.8566, 2.3522), (-33.86, 151.21), (40.7, -74.0)):
        assert coords.wgs84_to_gcj02(*point) == point
        assert coords.gcj02_to_wgs84(*point) == point


SQUARE = {"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 31], [120, 30]]]}
WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[120, 30], [121, 30], [121, 31], [120, 31], [120, 30]],
        [[120.4, 30.4], [120.6, 30.4], [120.6, 30.6], [120.4, 30.6], [120.4, 30.4]],
    ],
}
TWO_ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[120, 30], [120.2, 30], [120.2, 30.2], [120, 30.2], [120, 30]]],
        [[[121, 31], [121.2, 31], [121.2, 31.2], [121, 31.2], [121, 31]]],
    ],
}
# a concave "U": the notch between the arms is outside
U_SHAPE = {
    "type": "Polygon",
    "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
}


@pytest.mark.parametrize(
    ("geometry", "lat", "lng", "inside"),
    [
        (SQUARE, 30.5, 120.5, True),
        (SQUARE, 31.5, 120.5, False),
        (SQUARE, 30.5, 119.9, False),
        (SQUARE, 30.0, 120.5, True),  # on the boundary
        (SQUARE, 31.0, 121.0, True),  # on a corner
        (WITH_HOLE, 30.5, 120.5, False),  # in the hole
        (WITH_HOLE, 30.2, 120.2, True),
        (TWO_ISLANDS, 30.1, 120.1, True),
        (TWO_ISLANDS, 31.1, 121.1, True),
        (TWO_ISLANDS, 30.5, 120.5, False),
        (U_SHAPE, 2, 1.5, False),
        (U_SHAPE, 2, 0.5, True),
        (U_SHAPE, 0.5, 1.5, True),
        ({"type": "Feature", "properties": {}, "geometry": SQUARE}, 30.5, 120.5, True),
        (
            {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": TWO_ISLANDS}]},
            31.1,
            121.1,
            True,
        ),
    ],
)
def test_contains(geometry, lat, lng, inside):
    assert geo.contains(geometry, lat, lng) is inside


@pytest.mark.parametrize(
    "broken",
    [
        None,
        [],
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
    ],
)
def test_broken_geometry_raises_geometry_error(broken):
    with pytest.raises(geo.GeometryError):
        geo.contains(broken, 0, 0)


def test_bounds():
    assert geo.bounds(TWO_ISLANDS) == (30, 120, 31.2, 121.2)
