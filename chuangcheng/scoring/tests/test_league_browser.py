"""比拼亮分 and 曝光台 in a real browser, on a desktop and on a 375-px phone: the league table, a
unit's year (its ECharts chart drawn from a JSON script, no inline script), the annual roll-up,
the office's choice page and the public board with its photo — none wider than the screen."""

import pytest

from chuangcheng.core.tests.browser import SIZES, no_horizontal_overflow, sign_in
from chuangcheng.inspections.tests.conftest import insp  # noqa: F401  (fixture)
from chuangcheng.problems.tests.conftest import prob  # noqa: F401  (fixture)
from chuangcheng.scoring import exposure
from chuangcheng.scoring.tests import test_league
from chuangcheng.scoring.tests.test_league import NOVEMBER

two_months = test_league.two_months  # the fixture: October and November published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOTOS_LOADED = """() => Array.from(document.querySelectorAll('.exposed-problem img'))
    .map(img => img.complete && img.naturalWidth > 0)"""


def test_league_pages_fit_desktop_and_phone(chromium, live_server, world, two_months, screenshot):
    township = world.units.township
    pages = [
        ("league", "/scoring/league/"),
        ("league-unit", f"/scoring/league/unit/{township.pk}/"),
        ("league-annual", "/scoring/annual/2026/"),
        ("exposure-manage", "/scoring/exposure/manage/"),
    ]
    for size, viewport in SIZES:
        context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        errors = []
        page.on(
            "console",
            lambda message, errors=errors: errors.append(message.text) if message.type == "error" else None,
        )
        sign_in(page, live_server, "office", world.password)
        for name, path in pages:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert no_horizontal_overflow(page), f"{name} overflows at {size}"
            screenshot(page, f"scoring-{name}-{size}")
        # the league table: both groups, the arrows, the thin sample at the end
        page.goto(f"{live_server.url}/scoring/league/")
        assert page.get_by_role("heading", name="县市场监管局").count() == 0
        assert page.locator("table.league-table").count() == 2
        assert page.locator("text=↑1 >> visible=true").count() == 1
        assert page.locator("text=↓1 >> visible=true").count() == 1
        # a unit's year: ECharts drew the line from the JSON script (the CSP allows no inline script)
        page.goto(f"{live_server.url}/scoring/league/unit/{township.pk}/")
        page.wait_for_selector(".chart svg path", state="attached")
        assert page.locator(".chart svg path").count() > 5
        assert errors == [], errors
        context.close()


def test_the_public_board_fits_desktop_and_phone_without_signing_in(
    chromium, live_server, world, two_months, screenshot
):
    exposure.choose(world.people.office, two_months.exposed.pk, NOVEMBER, "市场门口垃圾堆放多日，请立即清理")
    for size, viewport in SIZES:
        context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.goto(f"{live_server.url}/scoring/exposure/")
        page.wait_for_load_state("networkidle")
        assert page.url == f"{live_server.url}/scoring/exposure/"  # no sign-in asked
        assert page.get_by_text(two_months.exposed.title).is_visible()
        assert page.get_by_text("住建工地").first.is_visible()
        assert page.evaluate(PHOTOS_LOADED) == [True]
        assert no_horizontal_overflow(page), f"the board overflows at {size}"
        screenshot(page, f"scoring-exposure-{size}")
        context.close()
