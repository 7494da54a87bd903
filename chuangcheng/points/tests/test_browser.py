"""A real Chromium opens the points list, map and a point at phone and desktop widths."""

from decimal import Decimal

import pytest

from chuangcheng.core.tests.browser import DESKTOP, PHONE, no_horizontal_overflow, sign_in
from chuangcheng.points.tests.factories import AreaOutlineFactory, PointFactory, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spread(world, pts):
    """Points spread over the county, each in its own place, and outlines of the county and a township."""
    AreaOutlineFactory(unit=world.units.county, geojson=square(120.0, 30.15, 120.3, 30.4))
    AreaOutlineFactory(unit=world.units.township, geojson=square(120.1, 30.2, 120.2, 30.3))
    for n in range(12):
        PointFactory(
            code=f"B-{n:02d}",
            name=f"长名称的测试点位第{n}号（人民路与解放路交叉口东北角）",
            point_type=pts.road if n % 2 else pts.market,
            responsible_unit=world.units.department,
            township=world.units.township,
            point_leader=world.people.road_leader,
            latitude=Decimal("30.20") + Decimal(n) / 100,
            longitude=Decimal("120.05") + Decimal(n) / 50,
        )
    return pts


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_map_and_list_fit_the_screen_and_draw_every_marker(
    chromium, live_server, world, spread, screenshot, size, viewport
):
    context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    external, problems = [], []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    # (the browser's own /favicon.ico request is not the page's doing)
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        sign_in(page, live_server, "office", world.password)

        page.goto(f"{live_server.url}/points/")
        assert page.get_by_role("heading", level=1).inner_text() == "点位"
        assert page.locator("table.point-table tbody tr").count() == 5 + 12
        assert no_horizontal_overflow(page)
        screenshot(page, f"points-list-{size}")

        page.goto(f"{live_server.url}/points/map/")
        page.wait_for_selector("#point-map[data-loaded]")
        assert page.locator("#point-map").get_attribute("data-loaded") == str(4 + 12)
        markers = page.locator(".leaflet-overlay-pane path.point-marker")
        assert markers.count() == 4 + 12  # P-SITE has no location
        assert page.locator(".leaflet-overlay-pane path.area-outline").count() == 2
        assert page.locator("#point-map-legend li").count() == 2
        assert no_horizontal_overflow(page)
        screenshot(page, f"points-map-{size}")

        # a popup links to the point
        markers.last.click(force=True)
        popup_link = page.locator(".leaflet-popup-content a")
        popup_link.wait_for()
        assert popup_link.get_attribute("href").startswith("/points/")

        # the list's filters apply to the map
        page.goto(f"{live_server.url}/points/map/?point_type={spread.market.pk}")
        page.wait_for_selector("#point-map[data-loaded]")
        assert page.locator(".leaflet-overlay-pane path.point-marker").count() == 1 + 6

        page.goto(f"{live_server.url}/points/{spread.road_point.pk}/")
        page.wait_for_selector("#point-mini-map .leaflet-overlay-pane path.point-marker")
        assert no_horizontal_overflow(page)
        screenshot(page, f"points-detail-{size}")

        for name, path in (("form", "/points/new/"), ("import", "/points/import/")):
            page.goto(f"{live_server.url}{path}")
            assert no_horizontal_overflow(page), name
            screenshot(page, f"points-{name}-{size}")

        page.goto(f"{live_server.url}/points/{spread.road_point.pk}/qr/")
        assert page.locator("svg.qr").count() == 1
        assert no_horizontal_overflow(page)
        screenshot(page, f"points-qr-card-{size}")

        assert external == []
        assert problems == []  # no script errors, no CSP violations
    finally:
        context.close()
