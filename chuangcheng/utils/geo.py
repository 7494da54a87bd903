"""Point-in-polygon for GeoJSON geometries (WGS-84 degrees, [longitude, latitude] order).

Enough geometry to tell whether a point lies inside a county's or a township's outline
without a GIS stack: the even–odd ray-casting rule over every ring, so holes work, plus a
boundary test so a point exactly on the outline counts as inside. Planar arithmetic on
degrees is exact enough at county scale (outlines are digitised far coarser than the error).
"""

from collections.abc import Iterable, Sequence

Ring = Sequence[Sequence[float]]

# How close (in degrees, ≈ 1 cm) a point must be to an edge to count as on the boundary.
_ON_EDGE = 1e-7


class GeometryError(ValueError):
    """The GeoJSON is not a Polygon, MultiPolygon, Feature or FeatureCollection of them."""


def polygons_of(geojson) -> list[list[Ring]]:
    """The polygons (each a list of rings: the outer ring, then holes) in a GeoJSON object."""
    if not isinstance(geojson, dict):
        raise GeometryError("GeoJSON must be an object")
    kind = geojson.get("type")
    if kind == "Polygon":
        return [_rings(geojson.get("coordinates"))]
    if kind == "MultiPolygon":
        coordinates = geojson.get("coordinates")
        if not isinstance(coordinates, list):
            raise GeometryError("MultiPolygon coordinates must be a list")
        return [_rings(polygon) for polygon in coordinates]
    if kind == "Feature":
        geometry = geojson.get("geometry")
        return polygons_of(geometry) if geometry else []
    if kind == "FeatureCollection":
        features = geojson.get("features") or []
        return [polygon for feature in features for polygon in polygons_of(feature)]
    if kind == "GeometryCollection":
        return [polygon for geometry in geojson.get("geometries") or [] for polygon in polygons_of(geometry)]
    raise GeometryError(f"unsupported GeoJSON type: {kind!r}")


def _rings(coordinates) -> list[Ring]:
    if not isinstance(coordinates, list) or not coordinates:
        raise GeometryError("a Polygon needs at least one ring")
    for ring in coordinates:
        if not isinstance(ring, list) or len(ring) < 3:
            raise GeometryError("a ring needs at least three positions")
        for position in ring:
            if not isinstance(position, list | tuple) or len(position) < 2:
                raise GeometryError("a position is [longitude, latitude]")
    return coordinates


def _on_segment(lng: float, lat: float, a: Sequence[float], b: Sequence[float]) -> bool:
    (ax, ay), (bx, by) = (float(a[0]), float(a[1])), (float(b[0]), float(b[1]))
    cross = (bx - ax) * (lat - ay) - (by - ay) * (lng - ax)
    length = max(abs(bx - ax), abs(by - ay))
    if abs(cross) > _ON_EDGE * max(length, 1e-12):
        return False
    return (
        min(ax, bx) - _ON_EDGE <= lng <= max(ax, bx) + _ON_EDGE
        and min(ay, by) - _ON_EDGE <= lat <= max(ay, by) + _ON_EDGE
    )


def _edges(ring: Ring) -> Iterable[tuple[Sequence[float], Sequence[float]]]:
    # GeoJSON rings repeat the first position at the end; tolerate rings that do not
    count = len(ring)
    for index in range(count):
        yield ring[index], ring[(index + 1) % count]


def _ring_crossings(lng: float, lat: float, ring: Ring) -> tuple[int, bool]:
    """(number of edges a ray going east from the point crosses, whether the point is on an edge)."""
    crossings = 0
    for a, b in _edges(ring):
        if _on_segment(lng, lat, a, b):
            return 0, True
        ax, ay, bx, by = float(a[0]), float(a[1]), float(b[0]), float(b[1])
        if (ay > lat) != (by > lat):
            x_at_lat = ax + (lat - ay) * (bx - ax) / (by - ay)
            if x_at_lat > lng:
                crossings += 1
    return crossings, False


def contains(geojson, lat: float, lng: float) -> bool:
    """Whether (lat, lng) lies inside (or on the boundary of) the GeoJSON area."""
    lat, lng = float(lat), float(lng)
    for polygon in polygons_of(geojson):
        crossings = 0
        on_boundary = False
        for ring in polygon:
            ring_crossings, on_edge = _ring_crossings(lng, lat, ring)
            if on_edge:
                on_boundary = True
                break
            crossings += ring_crossings
        if on_boundary or crossings % 2 == 1:
            return True
    return False


def bounds(geojson) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of the GeoJSON area, or None when it has no positions."""
    lats: list[float] = []
    lngs: list[float] = []
    for polygon in polygons_of(geojson):
        for position in polygon[0]:
            lngs.append(float(position[0]))
            lats.append(float(position[1]))
    if not lats:
        return None
    return min(lats), min(lngs), max(lats), max(lngs)


EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    import math

    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
