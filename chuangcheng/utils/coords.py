"""GCJ-02 ⇄ WGS-84 conversion.

We store WGS-84 (what GPS receivers and GeoJSON use). Chinese phone maps (高德, 腾讯) show and
copy GCJ-02 ("Mars coordinates"): WGS-84 shifted by a published, deterministic offset of a few
hundred metres inside mainland China. The forward transform below is the well-known public
formula (Krasovsky 1940 ellipsoid, polynomial plus sine terms around 105°E, 35°N); the reverse
has no closed form, so it is solved by fixed-point iteration, which converges to well under a
millimetre in a few steps.

Outside mainland China's rough bounding box GCJ-02 equals WGS-84, so both directions return
the input unchanged there.
"""

import math

# Krasovsky 1940 ellipsoid, as used by the published transform
_SEMI_MAJOR_AXIS = 6378245.0
_ECCENTRICITY_SQUARED = 0.00669342162296594323

# The published transform applies only inside this box (longitude, latitude in degrees).
_CHINA_MIN_LNG, _CHINA_MAX_LNG = 72.004, 137.8347
_CHINA_MIN_LAT, _CHINA_MAX_LAT = 0.8293, 55.8271

# Reverse iteration stops when the forward image is this close to the target (degrees ≈ 1 mm).
_TOLERANCE = 1e-9
_MAX_ITERATIONS = 30


def is_outside_china(lat: float, lng: float) -> bool:
    """Whether the point lies outside the box where GCJ-02 differs from WGS-84."""
    return not (_CHINA_MIN_LNG <= lng <= _CHINA_MAX_LNG and _CHINA_MIN_LAT <= lat <= _CHINA_MAX_LAT)


def _sine_terms(value: float, first: float, second: float, period_a: float, period_b: float) -> float:
    return (
        (first * math.sin(value * math.pi / period_a) + second * math.sin(value * math.pi / period_b)) * 2 / 3
    )


def _latitude_offset(x: float, y: float) -> float:
    """Raw latitude offset (metres-like units) for x = lng − 105, y = lat − 35."""
    result = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    result += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    result += _sine_terms(y, 20.0, 40.0, 1.0, 3.0)
    result += _sine_terms(y, 160.0, 320.0, 12.0, 30.0)
    return result


def _longitude_offset(x: float, y: float) -> float:
    """Raw longitude offset for x = lng − 105, y = lat − 35."""
    result = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    result += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    result += _sine_terms(x, 20.0, 40.0, 1.0, 3.0)
    result += _sine_terms(x, 150.0, 300.0, 12.0, 30.0)
    return result


def _offset_degrees(lat: float, lng: float) -> tuple[float, float]:
    """The (Δlat, Δlng) in degrees that GCJ-02 adds to a WGS-84 point."""
    raw_lat = _latitude_offset(lng - 105.0, lat - 35.0)
    raw_lng = _longitude_offset(lng - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1 - _ECCENTRICITY_SQUARED * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    # metres → degrees on the ellipsoid: meridian radius for latitude, parallel radius for longitude
    meridian_radius = _SEMI_MAJOR_AXIS * (1 - _ECCENTRICITY_SQUARED) / (magic * sqrt_magic)
    parallel_radius = _SEMI_MAJOR_AXIS / sqrt_magic * math.cos(rad_lat)
    return raw_lat * 180.0 / (meridian_radius * math.pi), raw_lng * 180.0 / (parallel_radius * math.pi)


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """WGS-84 (lat, lng) → GCJ-02 (lat, lng)."""
    lat, lng = float(lat), float(lng)
    if is_outside_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _offset_degrees(lat, lng)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 (lat, lng) → WGS-84 (lat, lng), exact to about a millimetre.

    Solves wgs84_to_gcj02(w) = g by iterating w ← w + (g − f(w)); the offset changes slowly
    with position, so each step shrinks the error by orders of magnitude.
    """
    target_lat, target_lng = float(lat), float(lng)
    if is_outside_china(target_lat, target_lng):
        return target_lat, target_lng
    wgs_lat, wgs_lng = target_lat, target_lng
    for _step in range(_MAX_ITERATIONS):
        gcj_lat, gcj_lng = wgs84_to_gcj02(wgs_lat, wgs_lng)
        error_lat, error_lng = target_lat - gcj_lat, target_lng - gcj_lng
        if abs(error_lat) < _TOLERANCE and abs(error_lng) < _TOLERANCE:
            break
        wgs_lat += error_lat
        wgs_lng += error_lng
    return wgs_lat, wgs_lng
